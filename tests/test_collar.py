"""Price-bounded caps (a collar): the ceiling's safety valve and the floor, worked out by hand.

The cap case of ``test_cases.py``: flat 100 GW load (876 TWh/yr), one year, discount rate 0. Coal: 180
CNY/MWh fuel, 0.9 t/MWh; gas+CCS: 288 CNY/MWh, 0.036 t/MWh net; the same capex (100 GW × 1000 CNY/kW
over 10 years = 10 bn CNY/yr). Switching coal to gas+CCS abates at (288 − 180)/(0.9 − 0.036) = 125 CNY/t.
All coal: 788.4 Mt, 10 + 157.68 = 167.68 bn CNY; all gas+CCS: 31.536 Mt, 10 + 252.288 = 262.288 bn CNY.
One representative day stands for the year (every day is the same), so nothing is approximate.
"""
import factory
import pytest

from model import run_scenario
from model.data.settings import InputError

COAL_MT, GAS_MT = 788.4, 876 * 0.036
COAL_BN, GAS_BN = 10 + 876 * 0.18, 10 + 876 * 0.288


def _case(tmp_path, cap_mt):
    return factory.write(
        tmp_path,
        techs=[{"tech": "coal", "fuel": "coal", "efficiency": 0.4},
               {"tech": "gas_ccs", "fuel": "gas", "efficiency": 0.5, "capture_rate": 0.9}],
        costs=[{"tech": "coal", "capex_cny_per_kw": 1000}, {"tech": "gas_ccs", "capex_cny_per_kw": 1000}],
        fuels=[("coal", 0.1, False), ("gas", 0.05, False)], fuel_prices={"coal": 20, "gas": 40},
        demand={"A": 876.0}, co2_caps=[("c", 2000, cap_mt), ("c", 2100, cap_mt)],
        carbon_prices=[("p150", 2000, 150.0), ("p150", 2100, 150.0)],
        settings={"co2_cap": "c", "days": 1, "full_year_check": False})


def solve(folder, *sets):
    return run_scenario(folder, "test", list(sets)).results


def at(ds, name):
    return float(ds[name].sel(period=2020))


def test_ceiling_below_abatement_cost_buys_allowances(tmp_path):
    """Cap 400 Mt, ceiling 100 CNY/t < 125: buying allowances is cheaper than switching, so all coal runs,
    388.4 Mt are bought and the cap's price is the ceiling. Objective 167.68 + 388.4 × 0.1 = 206.52 bn."""
    ds = solve(_case(tmp_path, 400.0), "co2_price_ceiling={2020: 100}")
    assert float(ds["emissions"].sum()) == pytest.approx(COAL_MT, rel=1e-6)
    assert at(ds, "co2_cap_slack") == pytest.approx(COAL_MT - 400, rel=1e-6)
    assert ds["co2_cap_slack"].attrs["units"] == "Mt/yr"
    assert at(ds, "co2_cap_price") == pytest.approx(100.0, rel=1e-6)
    assert ds["co2_cap_price"].attrs["units"] == "CNY/t"
    assert at(ds, "co2_price") == pytest.approx(100.0, rel=1e-6)
    assert ds.attrs["objective_bn_cny"] == pytest.approx(COAL_BN + 388.4 * 0.1, rel=1e-9)
    assert float(ds["cost_npv"].sel(component="carbon_price")) == pytest.approx(38.84, rel=1e-6)


def test_ceiling_above_abatement_cost_leaves_the_cap_alone(tmp_path):
    """Ceiling 200 CNY/t > 125: the cap binds as without a ceiling (price 125, nothing bought)."""
    ds = solve(_case(tmp_path, 400.0), "co2_price_ceiling={2020: 200}")
    assert float(ds["emissions"].sum()) == pytest.approx(400.0, rel=1e-6)
    assert at(ds, "co2_cap_slack") == pytest.approx(0.0, abs=1e-6)
    assert at(ds, "co2_cap_price") == pytest.approx(125.0, rel=1e-6)


def test_ceiling_makes_an_impossible_cap_feasible(tmp_path):
    """Cap 0 Mt: even all gas+CCS emits 31.536 Mt, so the cap alone is infeasible. With a 200 CNY/t
    ceiling, gas+CCS (125 CNY/t) runs and the rest is bought at 200: objective 262.288 + 31.536 × 0.2
    = 268.5952 bn CNY, the cap's price 200 CNY/t."""
    folder = _case(tmp_path, 0.0)
    with pytest.raises(Exception, match="(?i)infeasib"):
        solve(folder)
    ds = solve(folder, "co2_price_ceiling={2020: 200}")
    assert float(ds["emissions"].sum()) == pytest.approx(GAS_MT, rel=1e-6)
    assert at(ds, "co2_cap_slack") == pytest.approx(GAS_MT, rel=1e-6)
    assert at(ds, "co2_cap_price") == pytest.approx(200.0, rel=1e-6)
    assert ds.attrs["objective_bn_cny"] == pytest.approx(GAS_BN + GAS_MT * 0.2, rel=1e-9)


def test_floor_binds_where_the_cap_is_slack(tmp_path):
    """Cap 1000 Mt (slack). Floor 150 CNY/t > 125: all gas+CCS, emissions 31.536 Mt, price = floor,
    objective 262.288 + 31.536 × 0.15 = 267.0184 bn. Floor 100 < 125: all coal, 167.68 + 78.84 bn."""
    folder = _case(tmp_path, 1000.0)
    ds = solve(folder, "co2_price_floor={2020: 150}")
    assert float(ds["emissions"].sum()) == pytest.approx(GAS_MT, rel=1e-6)
    assert at(ds, "co2_shadow_price") == pytest.approx(0.0, abs=1e-6)
    assert at(ds, "co2_cap_price") == pytest.approx(150.0, rel=1e-9)
    assert at(ds, "co2_price") == pytest.approx(150.0, rel=1e-9)
    assert ds.attrs["objective_bn_cny"] == pytest.approx(GAS_BN + GAS_MT * 0.15, rel=1e-9)
    ds = solve(folder, "co2_price_floor=p150", "co2_price_ceiling={2020: 150}")  # a path; floor = ceiling
    assert at(ds, "co2_cap_price") == pytest.approx(150.0, rel=1e-9)
    ds = solve(folder, "co2_price_floor={2020: 100}")
    assert float(ds["emissions"].sum()) == pytest.approx(COAL_MT, rel=1e-6)
    assert ds.attrs["objective_bn_cny"] == pytest.approx(COAL_BN + COAL_MT * 0.1, rel=1e-9)


def test_floor_under_a_binding_cap_the_dual_is_the_premium(tmp_path):
    """Cap 400 Mt, floor 50: the cap still binds at 125 CNY/t, of which 75 is the cap's dual (premium).
    Gas x: 788.4 − 0.864 x = 400; objective = capex + fuel + 400 Mt × 50 CNY/t."""
    ds = solve(_case(tmp_path, 400.0), "co2_price_floor={2020: 50}")
    gas = 388.4 / 0.864
    assert float(ds["emissions"].sum()) == pytest.approx(400.0, rel=1e-6)
    assert at(ds, "co2_shadow_price") == pytest.approx(75.0, rel=1e-6)
    assert at(ds, "co2_cap_price") == pytest.approx(125.0, rel=1e-6)
    fuel = (876 - gas) * 0.18 + gas * 0.288
    assert ds.attrs["objective_bn_cny"] == pytest.approx(10 + fuel + 400 * 0.05, rel=1e-9)


def test_collar_ceiling_binds_above_the_floor(tmp_path):
    """Cap 400, floor 50, ceiling 100 < 125: all coal; 388.4 Mt bought at the ceiling's premium of 50
    over the floor, every tonne pays the floor: 167.68 + 788.4 × 0.05 + 388.4 × 0.05 = 226.52 bn CNY."""
    ds = solve(_case(tmp_path, 400.0), "co2_price_floor={2020: 50}", "co2_price_ceiling={2020: 100}")
    assert at(ds, "co2_cap_slack") == pytest.approx(388.4, rel=1e-6)
    assert at(ds, "co2_cap_price") == pytest.approx(100.0, rel=1e-6)
    assert at(ds, "co2_price_floor") == 50.0 and at(ds, "co2_price_ceiling") == 100.0
    assert ds.attrs["objective_bn_cny"] == pytest.approx(226.52, rel=1e-9)
    assert float(ds["total_cost"]) == pytest.approx(226.52, rel=1e-9)


def test_floor_above_ceiling_is_refused(tmp_path):
    with pytest.raises(InputError, match="co2_price_floor 120 CNY/t is above co2_price_ceiling 100"):
        solve(_case(tmp_path, 400.0), "co2_price_floor={2020: 120}", "co2_price_ceiling={2020: 100}")
    with pytest.raises(InputError, match="co2_price_floor"):
        solve(_case(tmp_path, 400.0), "co2_price_floor={2020: -5}")
