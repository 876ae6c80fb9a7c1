"""Derived answers: average prices, stranded capital, cost of a policy, what would it take."""
import factory
import numpy as np
import pytest
from test_cases import _cap_case, retirement_case, two_level_case

from model import run_scenario
from model.results.metrics import policy_cost


def _three_techs(tmp_path, mid_capex, **extra):
    """Base (1000 CNY/kW/yr + 10 CNY/MWh), peak (200 + 200) and 'mid' (capex/10 per year + 100 CNY/MWh)
    serve a load that differs every hour (a load-duration curve without ties, so the duals are unique)."""
    rng = np.random.default_rng(7)
    hours = np.arange(8760)
    load = 60 + 25 * np.sin(2 * np.pi * hours / 24) + 10 * np.sin(2 * np.pi * hours / 8760) \
        + rng.uniform(-5, 5, 8760)
    return factory.write(
        tmp_path, techs=[{"tech": t, "fuel": "none", "efficiency": 1} for t in ("base", "peak", "mid")],
        costs=[{"tech": "base", "capex_cny_per_kw": 10000, "vom_cny_per_mwh": 10},
               {"tech": "peak", "capex_cny_per_kw": 2000, "vom_cny_per_mwh": 200},
               {"tech": "mid", "capex_cny_per_kw": mid_capex, "vom_cny_per_mwh": 100}],
        demand={"A": float(load.mean()) * 8.76}, load={"A": load}, **extra)


def test_what_would_it_take_is_exact(tmp_path):
    """The reported capex fall is the entry threshold: 1 % more and 'mid' is built, 1 % less and not."""
    capex = 7000  # enters below about 6210 CNY/kW, where it beats peak and base at ~4160 h
    ds = run_scenario(_three_techs(tmp_path / "a", capex), "test").results
    need = float(ds["capex_reduction_to_enter"].sel(tech="mid", period=2020))
    pct = float(ds["capex_reduction_to_enter_pct"].sel(tech="mid", period=2020))
    assert 0 < need < capex and pct == pytest.approx(need / capex * 100)
    assert float(ds["capacity"].sel(tech="mid").sum()) == pytest.approx(0, abs=1e-6)
    below = run_scenario(_three_techs(tmp_path / "b", capex - need - 0.01 * capex), "test").results
    above = run_scenario(_three_techs(tmp_path / "c", capex - need + 0.01 * capex), "test").results
    assert float(below["capacity"].sel(tech="mid").sum()) > 0.1
    assert float(above["capacity"].sel(tech="mid").sum()) == pytest.approx(0, abs=1e-6)
    assert float(ds["capex_reduction_to_enter"].sel(tech="base", period=2020)) == 0


def test_cost_of_policy_per_tonne(tmp_path):
    """Capping 788.4 → 400 Mt costs (288 − 180) CNY/MWh × 449.5 TWh = 48.55 bn CNY: 125 CNY/t."""
    capped = run_scenario(_cap_case(tmp_path / "c", 400.0), "test").results
    free = run_scenario(_cap_case(tmp_path / "f", 5000.0), "test").results
    out = policy_cost(capped, free)
    assert out["abatement_mt"] == pytest.approx(388.4, rel=1e-6)
    assert out["cost_per_tonne_cny"] == pytest.approx(125.0, rel=1e-6)
    assert out["cost_difference_bn_cny"] == pytest.approx(388.4 * 0.125, rel=1e-6)


def test_stranded_capital_straight_line(tmp_path):
    """50 GW of a 2015 coal cohort (40 years, 3500 CNY/kW) retired in 2025, i.e. at the start of the
    period's span (2023, model/data/periods.py), has 32/40 of its capital left: 50 × 3500 × 0.8 = 140
    bn CNY."""
    ds = run_scenario(retirement_case(tmp_path), "test").results
    assert float(ds["stranded_capital"].sel(tech="coal", period=2025).sum()) == pytest.approx(140.0)


def test_average_prices(tmp_path):
    """Two-level day: 12 h at 10 CNY/MWh (40 GW load), 12 h at 500 (80 GW): time-weighted 255,
    load-weighted (40×10 + 80×500)/120 = 336.67 CNY/MWh."""
    ds = run_scenario(two_level_case(tmp_path, settings={"days": 1}), "test").results
    assert float(ds["price_time_weighted"].sel(region="A", period=2020)) == pytest.approx(255, rel=1e-6)
    assert float(ds["price_load_weighted"].sel(region="A", period=2020)) == pytest.approx(40400 / 120, rel=1e-6)


def test_capture_rates_count_biogenic_co2_once():
    """Coal+CCUS (90 %) captures 9 of 10 Mt; BECCS (90 %) captures 9 Mt of biogenic CO2 and is −9 Mt net;
    unabated coal emits 5 Mt. Produced: 10, 10 and 5 Mt; capture rates 0.9, 0.9 and 18/25 overall."""
    import xarray as xr

    from model.results.metrics import _operation

    techs = ["coal", "coal_ccs", "beccs"]
    one = dict(dims=("region", "tech", "period"), coords={"region": ["A"], "tech": techs, "period": [2060]})
    ds = xr.Dataset({"capacity": xr.DataArray(np.ones((1, 3, 1)), **one),
                     "generation": xr.DataArray(np.ones((1, 3, 1)), **one),
                     "curtailment": xr.DataArray(np.zeros((1, 3, 1)), **one),
                     "emissions_by_tech": xr.DataArray(np.array([5.0, 1.0, -9.0]).reshape(1, 3, 1), **one),
                     "captured_co2_by_tech": xr.DataArray(np.array([0.0, 9.0, 9.0]).reshape(1, 3, 1), **one)})
    ds["captured_co2"] = ds["captured_co2_by_tech"].sum("tech")
    data = xr.Dataset({"capture_rate": xr.DataArray([0.0, 0.9, 0.9], dims="tech", coords={"tech": techs})})
    _operation(ds, data)
    assert ds["co2_produced_by_tech"].sel(region="A", period=2060).values.tolist() == pytest.approx([5, 10, 10])
    rate = ds["capture_rate_by_tech"].sel(region="A", period=2060)
    assert float(rate.sel(tech="coal_ccs")) == pytest.approx(0.9)
    assert float(rate.sel(tech="beccs")) == pytest.approx(0.9)
    assert float(ds["capture_rate_realised"].sel(region="A", period=2060)) == pytest.approx(18 / 25)


def test_what_would_it_take_is_empty_where_building_is_forbidden(tmp_path):
    """A national build limit of zero for 'mid': no capex fall can bring it in, so no number is given."""
    folder = _three_techs(tmp_path, 7000, build_limits=[{"tech": "mid", "year": 2020, "max_gw_per_yr": 0}],
                          settings={"build_limits": True})
    ds = run_scenario(folder, "test").results
    assert np.isnan(float(ds["capex_reduction_to_enter"].sel(tech="mid", period=2020)))
    assert float(ds["capex_reduction_to_enter"].sel(tech="base", period=2020)) == 0


def _battery_case(tmp_path, capex_power):
    """The arbitrage day (cheap 60 GW at 10, peaker at 500; load 40/80 GW) with a new 4-hour battery,
    90 % each way, energy 100 CNY/kWh, 10 years at discount 0. Per GW: each day 4/0.9 GWh at 10 in,
    3.6 GWh out instead of the peaker: 365 × (1800 − 44.4) k CNY = 640.8 CNY/kW/yr against
    (capex_power + 400)/10: it enters below 6008 CNY/kW of power."""
    from test_cases import two_level_case

    battery = [{"tech": "battery", "kind": "storage", "round_trip_efficiency": 0.81, "charge_efficiency": 0.9,
                "storage_duration_min_h": 4, "storage_duration_max_h": 4}]
    cost = [{"tech": "battery", "capex_cny_per_kw": capex_power, "capex_energy_cny_per_kwh": 100}]
    return two_level_case(tmp_path, extra_techs=battery, extra_costs=cost, settings={"days": 1})


def test_what_would_it_take_for_storage(tmp_path):
    """For storage the need is for the bundle (1 kW + 4 kWh): 7000 + 400 − 6408 = 992 CNY/kW, 13.4 %;
    cutting the power capex by 1 % more makes it enter, 1 % less not."""
    ds = run_scenario(_battery_case(tmp_path / "a", 7000), "test").results
    need = float(ds["capex_reduction_to_enter"].sel(tech="battery", period=2020))
    assert need == pytest.approx(7400 - 365 * (1800 - 4 / 0.9 * 10) / 100, rel=1e-6)
    assert float(ds["capex_reduction_to_enter_pct"].sel(tech="battery", period=2020)) == pytest.approx(
        100 * need / 7400)
    below = run_scenario(_battery_case(tmp_path / "b", 7000 - need - 70), "test").results
    above = run_scenario(_battery_case(tmp_path / "c", 7000 - need + 70), "test").results
    assert float(below["capacity"].sel(tech="battery").sum()) > 1.0
    assert float(above["capacity"].sel(tech="battery").sum()) == pytest.approx(0, abs=1e-6)
