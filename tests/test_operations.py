"""Hand-solvable cases for the operating rules, commitments and history periods (issue 14): the optimum is
worked out in each docstring. Set-up as in test_cases.py (tests/factory.py): one period of one year,
discount rate 0, identical days (one representative day stands for all 365 exactly)."""
import factory
import numpy as np
import pytest

from model import run_scenario
from model.data.read import load_inputs
from model.data.settings import InputError

DAY = {"days": 1}


def solve(folder, sets=None):
    return run_scenario(folder, "test", sets).results


def flat(gw):
    return factory.hours_profile([gw] * 24)


def test_start_costs_keep_coal_online_at_its_minimum(tmp_path):
    """Load 20 GW for 12 h and 60 GW for 12 h. Coal (60 GW, 100 CNY/MWh, minimum stable load 0.5, 2
    CNY/kW per start) and a peaker at 300. Keeping 40 GW online through the night (output 20 = 0.5 × 40)
    needs only 20 GW of starts in the morning: per day 960 GWh × 100 + 20 GW × 2 CNY/kW = 96 + 40 = 136 M
    CNY (starting all 60 GW: 176; a peaker for the extra 20 GW: 144). Year: 365 × 136 M = 49.64 bn CNY."""
    f = factory.write(
        tmp_path,
        techs=[{"tech": "coal", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40,
                "min_stable_load": 0.5, "start_cost_cny_per_kw": 2},
               {"tech": "peaker", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40}],
        costs=[{"tech": "coal", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 100},
               {"tech": "peaker", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 300}],
        existing=[("A", "coal", 2015, 60, 0), ("A", "peaker", 2015, 100, 0)],
        demand={"A": 40 * 8.76}, load={"A": factory.hours_profile([20] * 12 + [60] * 12)}, settings=DAY)
    ds = solve(f)
    assert float(ds["total_cost"]) == pytest.approx(365 * 136e6 * 1e-9, rel=1e-8)
    online = ds["online_capacity"].sel(region="A", tech="coal", period=2020)
    assert float(online.isel(timestep=0)) == pytest.approx(40, rel=1e-6)
    assert float(ds["start_ups"].sum()) == pytest.approx(20, rel=1e-6)
    assert float(ds["generation"].sel(tech="peaker").sum()) == pytest.approx(0, abs=1e-6)
    off = solve(f, ["unit_commitment=false"])  # without commitment: VOM only, 96 M CNY a day
    assert float(off["total_cost"]) == pytest.approx(365 * 96e6 * 1e-9, rel=1e-8)


def _reserve_case(tmp_path, share):
    """Flat 50 GW load; 100 GW of solar (free) for 12 h a day; 100 GW of coal (100 CNY/MWh, minimum stable
    load 0.5) holds the operating reserve."""
    return factory.write(
        tmp_path,
        techs=[{"tech": "coal", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40,
                "min_stable_load": 0.5, "operating_reserve": True},
               {"tech": "solar", "kind": "variable", "profile": "solar_utility", "new_build": False,
                "lifetime_yr": 40}],
        costs=[{"tech": "coal", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 100},
               {"tech": "solar", "capex_cny_per_kw": 0}],
        existing=[("A", "coal", 2015, 100, 0), ("A", "solar", 2015, 100, 0)],
        demand={"A": 50 * 8.76}, load={"A": flat(50)},
        profiles={"solar_utility": {"A": factory.hours_profile([0] * 6 + [1] * 12 + [0] * 6)}},
        settings={**DAY, "operating_reserve_load_share": share})


def test_operating_reserve_needs_synchronous_output(tmp_path):
    """A reserve of 10 % of load (5 GW) held on online coal with a minimum stable load of 0.5 needs coal
    output ≥ 5 GW (u − g ≥ 5, g ≥ u/2): at midday coal runs at 5 GW and 55 GW of solar is curtailed. Coal
    energy per day 12 × 50 + 12 × 5 = 660 GWh → 66 M CNY; year 24.09 bn CNY. The reserve's price at midday
    is coal's 100 CNY per MW and hour (each MW held displaces a MW of free solar); at night 0."""
    ds = solve(_reserve_case(tmp_path / "a", 0.1))
    assert float(ds["total_cost"]) == pytest.approx(365 * 66e6 * 1e-9, rel=1e-8)
    assert float(ds["curtailment"].sum()) == pytest.approx(55 * 12 * 365 / 1000, rel=1e-6)
    price = ds["operating_reserve_price"].sel(region="A", period=2020)
    day = (ds["first_hour"] >= 6) & (ds["first_hour"] < 18)
    assert np.allclose(price.where(day, drop=True), 100, rtol=1e-6)
    assert np.allclose(price.where(~day, drop=True), 0, atol=1e-6)
    free = solve(_reserve_case(tmp_path / "b", 0.0))  # no reserve: coal off at midday, 60 M CNY a day
    assert float(free["total_cost"]) == pytest.approx(365 * 60e6 * 1e-9, rel=1e-8)


def test_chp_must_run_cannot_be_escaped_by_retirement(tmp_path):
    """30 GW of coal CHP (100 CNY/MWh, fixed O&M 100 CNY/kW/yr, may retire) and 50 GW of free wind for a
    flat 40 GW load; a heating season all year with a heat-led minimum of 10 GW. Without it all coal
    retires (cost 0); with it 10 GW stays and runs every hour: 87.6 TWh × 100 + 10 GW × 100 = 9.76 bn CNY."""
    kw = dict(techs=[{"tech": "coal", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40,
                      "early_retirement": True, "chp": True},
                     {"tech": "wind", "kind": "variable", "profile": "wind_onshore", "new_build": False,
                      "lifetime_yr": 40}],
              costs=[{"tech": "coal", "capex_cny_per_kw": 3000, "fom_cny_per_kw_yr": 100, "vom_cny_per_mwh": 100},
                     {"tech": "wind", "capex_cny_per_kw": 0}],
              existing=[("A", "coal", 2015, 30, 0), ("A", "wind", 2015, 50, 0)],
              demand={"A": 40 * 8.76}, load={"A": flat(40)},
              profiles={"wind_onshore": {"A": flat(1.0)}}, settings=DAY, heating={"A": (1, 365)})
    free = solve(factory.write(tmp_path / "a", **kw))
    assert float(free["total_cost"]) == pytest.approx(0, abs=1e-6)
    ds = solve(factory.write(tmp_path / "b", tables={"chp_must_run": [{"region": "A", "year": 2020,
                                                                       "must_run_gw": 10}]}, **kw))
    assert float(ds["total_cost"]) == pytest.approx(8.76 + 1.0, rel=1e-8)
    assert float(ds["capacity"].sel(tech="coal").sum()) == pytest.approx(10, rel=1e-6)
    assert float(ds["generation"].sel(tech="coal").sum()) == pytest.approx(87.6, rel=1e-6)


def test_history_years_dispatch_the_statistics_fleet(tmp_path):
    """History until 2025: 20 GW of cheap plant from 2015 and 20 GW commissioned during 2025 of which half
    was in operation on average (online share 0.5); a peaker fills the rest of a flat 35 GW load. 2020:
    cheap 20 GW; 2025: cheap 40 at the end of the year but 30 online → 262.8 TWh; 2030 (decision period):
    35. Nothing is built in 2020 or 2025, and the CO2 cap (0 Mt in 2020 and 2025, which the peaker breaks)
    applies only from the first decision period."""
    f = factory.write(
        tmp_path,
        techs=[{"tech": "cheap", "fuel": "none", "efficiency": 1, "lifetime_yr": 40},
               {"tech": "peaker", "fuel": "gas", "efficiency": 0.5, "new_build": False, "lifetime_yr": 100}],
        costs=[{"tech": "cheap", "capex_cny_per_kw": 1000, "vom_cny_per_mwh": 10},
               {"tech": "peaker", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 500}],
        fuels=[("none", 0.0, False), ("gas", 0.056, False)],
        existing=[("A", "cheap", 2015, 20, 0), ("A", "cheap", 2025, 20, 0), ("A", "peaker", 2000, 100, 0)],
        demand={"A": 35 * 8.76}, load={"A": flat(35)},
        co2_caps=[("p", 2020, 0), ("p", 2025, 0), ("p", 2030, 1e6)],
        tables={"observed_operation": [{"tech": "cheap", "year": 2025, "online_share_of_additions": 0.5}]},
        settings={**DAY, "first_period_builds": False, "period_years": 5, "last_period": 2030,
                  "history_until": 2025, "co2_cap": "p"})
    ds = solve(f)
    gen = ds["generation"].sel(region="A", tech="cheap")
    assert gen.sel(period=2020) == pytest.approx(20 * 8.76, rel=1e-6)
    assert gen.sel(period=2025) == pytest.approx(30 * 8.76, rel=1e-6)
    assert gen.sel(period=2030) == pytest.approx(35 * 8.76, rel=1e-6)
    assert float(ds["capacity"].sel(region="A", tech="cheap", period=2025)) == pytest.approx(40)
    assert float(ds["new_capacity"].sel(period=[2020, 2025]).sum()) == 0
    assert np.isnan(ds["co2_cap"].sel(period=[2020, 2025])).all()


def test_committed_builds_are_built(tmp_path):
    """A plant nobody needs (10,000 CNY/kW over 10 years) committed at 5 GW is built: 5 GW × 1000 CNY/kW/yr
    = 5 bn CNY; a commitment in a year of the horizon that is not a decision period (2022 between the
    periods 2020 and 2025) is an input error."""
    kw = dict(techs=[{"tech": "cheap", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40},
                     {"tech": "nuc", "fuel": "none", "efficiency": 1, "lifetime_yr": 10}],
              costs=[{"tech": "cheap", "capex_cny_per_kw": 0}, {"tech": "nuc", "capex_cny_per_kw": 10000}],
              existing=[("A", "cheap", 2015, 100, 0)], demand={"A": 10 * 8.76}, settings=DAY)
    ds = solve(factory.write(tmp_path / "a", tables={"committed": [
        {"region": "A", "tech": "nuc", "year": 2020, "min_gw": 5}]}, **kw))
    assert float(ds["new_capacity"].sel(tech="nuc").sum()) == pytest.approx(5, rel=1e-9)
    assert float(ds["total_cost"]) == pytest.approx(5.0, rel=1e-9)
    bad = factory.write(tmp_path / "b", tables={"committed": [
        {"region": "A", "tech": "nuc", "year": 2022, "min_gw": 5}]},
        **{**kw, "settings": {**DAY, "period_years": 5, "last_period": 2025}})
    with pytest.raises(InputError) as info:
        load_inputs(bad, "test")
    assert any("committed.csv: row 2" in p and "expected a decision period" in p for p in info.value.problems)


def test_transmission_build_limit(tmp_path):
    """test_cases.py's two regions: without a limit the line grows from 10 to 31.58 GW; with a national
    limit of 5 GW/yr (one-year period) it reaches 15 GW and B's gap is served by its own plant."""
    from test_cases import _two_regions

    ds = run_scenario(_two_regions(tmp_path, "", capex=1000.0), "test").results
    assert float(ds["transmission_capacity"].sum()) == pytest.approx(30 / 0.95, rel=1e-6)
    import pandas as pd

    pd.DataFrame([{"year": 2000, "max_gw_per_yr": 5}, {"year": 2100, "max_gw_per_yr": 5}]).to_csv(
        tmp_path / "transmission_limits.csv", index=False)
    ds = run_scenario(tmp_path, "test", ["build_limits=true"]).results
    assert float(ds["new_transmission_capacity"].sum()) == pytest.approx(5, rel=1e-6)


def test_fuel_supply_limit_and_its_price(tmp_path):
    """Gas (efficiency 0.5: 7.2 GJ/MWh, 10 CNY/GJ → 72 CNY/MWh) and coal (0.4: 9 GJ/MWh, 20 CNY/GJ → 180
    CNY/MWh) for a flat 20 GW load (175.2 TWh). 720 PJ of gas make 100 TWh; coal makes the other 75.2.
    The limit's price is the saving per GJ of gas: (180 − 72) / 7.2 = 15 CNY/GJ."""
    f = factory.write(
        tmp_path,
        techs=[{"tech": "gas", "fuel": "gas", "efficiency": 0.5, "new_build": False, "lifetime_yr": 40},
               {"tech": "coal", "fuel": "coal", "efficiency": 0.4, "new_build": False, "lifetime_yr": 40}],
        costs=[{"tech": "gas", "capex_cny_per_kw": 0}, {"tech": "coal", "capex_cny_per_kw": 0}],
        fuels=[("gas", 0.0, False), ("coal", 0.0, False)], fuel_prices={"gas": 10.0, "coal": 20.0},
        existing=[("A", "gas", 2015, 30, 0), ("A", "coal", 2015, 30, 0)],
        demand={"A": 20 * 8.76}, load={"A": flat(20)},
        tables={"fuel_supply": [{"fuel": "gas", "year": 2000, "max_pj_per_yr": 720},
                                {"fuel": "gas", "year": 2100, "max_pj_per_yr": 720}]}, settings=DAY)
    ds = solve(f)
    assert float(ds["generation"].sel(tech="gas").sum()) == pytest.approx(100, rel=1e-6)
    assert float(ds["generation"].sel(tech="coal").sum()) == pytest.approx(75.2, rel=1e-6)
    assert float(ds["fuel_supply_price"].sel(fuel="gas", period=2020)) == pytest.approx(15, rel=1e-6)


def _adequacy_case(tmp_path, tables=None, existing=()):
    """Flat 10 GW load (peak 10 GW, margin 0); free energy from 'energy' (no capacity credit); 'firm' can
    be built at 1000 CNY/kW over 10 years (100 CNY/kW/yr) with full credit."""
    return factory.write(
        tmp_path,
        techs=[{"tech": "energy", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40,
                "capacity_credit": 0},
               {"tech": "firm", "fuel": "none", "efficiency": 1, "lifetime_yr": 10, "capacity_credit": 1},
               {"tech": "battery", "kind": "storage", "round_trip_efficiency": 0.81, "new_build": False,
                "lifetime_yr": 20, "capacity_credit": 1, "storage_duration_max_h": 10},
               {"tech": "wind", "kind": "variable", "profile": "wind_onshore", "new_build": False,
                "lifetime_yr": 40, "capacity_credit": 0.5}],
        costs=[{"tech": "energy", "capex_cny_per_kw": 0}, {"tech": "firm", "capex_cny_per_kw": 1000},
               {"tech": "battery", "capex_cny_per_kw": 0}, {"tech": "wind", "capex_cny_per_kw": 0}],
        existing=[("A", "energy", 2015, 20, 0), *existing], demand={"A": 10 * 8.76}, load={"A": flat(10)},
        profiles={"wind_onshore": {"A": flat(0.3)}}, tables=tables, settings=DAY)


def test_storage_counts_for_adequacy_by_its_duration(tmp_path):
    """A 10 GW / 20 GWh battery with credit 1 covers the whole 10 GW peak by power, but only 20 / 4 = 5 GW
    when it must sustain a 4-hour peak: then 5 GW of firm capacity are built (0.5 bn CNY)."""
    f = _adequacy_case(tmp_path, existing=[("A", "battery", 2015, 10, 20)])
    assert float(solve(f)["new_capacity"].sel(tech="firm").sum()) == pytest.approx(0, abs=1e-6)
    ds = solve(f, ["adequacy_duration_h=4"])
    assert float(ds["new_capacity"].sel(tech="firm").sum()) == pytest.approx(5, rel=1e-6)
    assert float(ds["total_cost"]) == pytest.approx(0.5, rel=1e-6)


def test_wind_credit_falls_with_its_share(tmp_path):
    """6 GW of wind against a 10 GW peak with tranches: the first 10 % of peak (1 GW) counts 0.5, up to
    30 % (2 GW more) 0.2, the rest 0: 0.5 + 0.4 = 0.9 GW firm, so 9.1 GW of firm capacity are built
    (instead of 10 − 6 × 0.5 = 7 GW with the flat credit)."""
    tranches = [{"tech": "wind", "tranche": 1, "share_of_peak_upto": 0.1, "capacity_credit": 0.5},
                {"tech": "wind", "tranche": 2, "share_of_peak_upto": 0.3, "capacity_credit": 0.2},
                {"tech": "wind", "tranche": 3, "share_of_peak_upto": "", "capacity_credit": 0.0}]
    flat_credit = solve(_adequacy_case(tmp_path / "a", existing=[("A", "wind", 2015, 6, 0)]))
    assert float(flat_credit["new_capacity"].sel(tech="firm").sum()) == pytest.approx(7, rel=1e-6)
    ds = solve(_adequacy_case(tmp_path / "b", tables={"capacity_credits": tranches},
                              existing=[("A", "wind", 2015, 6, 0)]))
    assert float(ds["new_capacity"].sel(tech="firm").sum()) == pytest.approx(9.1, rel=1e-6)


def test_ets_with_free_allocation_prices_only_the_excess(tmp_path):
    """ETS price 1000 CNY/t. Coal: 0.8145 t/MWh, benchmark 0.8, fuel 225 CNY/MWh → 225 + 14.5 = 239.5;
    gas: 0.3672 t/MWh, benchmark 0.3, fuel 196.4 → 196.4 + 67.2 = 263.6. Coal runs the flat 10 GW load:
    87.6 TWh × 239.5 = 20.98 bn CNY, of which 87.6 × 14.5 = 1.27 bn ETS payments. As a carbon tax on
    every tonne the same price would make gas run."""
    f = factory.write(
        tmp_path,
        techs=[{"tech": "coal", "fuel": "coal", "efficiency": 0.4, "new_build": False, "lifetime_yr": 40},
               {"tech": "gas", "fuel": "gas", "efficiency": 0.55, "new_build": False, "lifetime_yr": 40}],
        costs=[{"tech": "coal", "capex_cny_per_kw": 0}, {"tech": "gas", "capex_cny_per_kw": 0}],
        fuels=[("coal", 0.0905, False), ("gas", 0.0561, False)], fuel_prices={"coal": 25.0, "gas": 30.0},
        existing=[("A", "coal", 2015, 20, 0), ("A", "gas", 2015, 20, 0)],
        demand={"A": 10 * 8.76}, load={"A": flat(10)}, carbon_prices=[("x", 2000, 1000), ("x", 2100, 1000)],
        tables={"ets_benchmarks": [{"tech": "coal", "year": 2000, "benchmark_t_per_mwh": 0.8},
                                   {"tech": "gas", "year": 2000, "benchmark_t_per_mwh": 0.3}]},
        settings={**DAY, "ets": "x"})
    ds = solve(f)
    coal_cost = 225.0 + 1000 * (0.0905 * 3.6 / 0.4 - 0.8)
    assert float(ds["generation"].sel(tech="coal").sum()) == pytest.approx(87.6, rel=1e-6)
    assert float(ds["total_cost"]) == pytest.approx(87.6 * coal_cost * 1e-3, rel=1e-8)
    assert float(ds["cost"].sel(component="carbon_price").sum()) == pytest.approx(
        87.6 * (coal_cost - 225.0) * 1e-3, rel=1e-8)
    assert float(ds["co2_price"].sel(period=2020)) == pytest.approx(1000)
    tax = solve(f, ["ets=null", "carbon_price=x"])
    assert float(tax["generation"].sel(tech="gas").sum()) == pytest.approx(87.6, rel=1e-6)
