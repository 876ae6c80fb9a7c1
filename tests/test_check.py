"""The full-year check (model.check): a plan operated over the whole year, its true cost, gap and lost
load, on hand-solvable cases; the classification of plan families; writing into a results folder."""
import hashlib
import json
from pathlib import Path

import factory
import numpy as np
import pytest
import xarray as xr

from model import load_inputs, prepare, run_scenario
from model.check.evaluate import CheckOptions, check_plan, one_day_capital
from model.check.plan import PERIOD_OPERATION, PLAN_FAMILIES, plan_dataset, plan_mask
from model.lp.assemble import build

IN_PROCESS = CheckOptions(workers=1)
CHINA7 = Path(__file__).resolve().parent.parent / "inputs" / "china7"
LULL = slice(100 * 24, 107 * 24)  # 10–16 April: a windless week


def _lull(tmp_path, gas_capex=None, settings=None, **kw):
    """Flat 10 GW load (87.6 TWh); wind at CF 0.5 except a windless week (CF 0), 5000 CNY/kW over 10
    years (no discounting: 500 CNY/kW·yr); optionally gas at ``gas_capex`` CNY/kW and 500 CNY/MWh."""
    wind = np.full(8760, 0.5)
    wind[LULL] = 0.0
    techs = [{"tech": "wind", "kind": "variable", "profile": "wind_onshore", "non_fossil": True}]
    costs = [{"tech": "wind", "capex_cny_per_kw": 5000}]
    if gas_capex is not None:
        techs.append({"tech": "gas", "fuel": "gas", "efficiency": 0.5})
        costs.append({"tech": "gas", "capex_cny_per_kw": gas_capex, "vom_cny_per_mwh": 500})
    return factory.write(tmp_path, techs=techs, costs=costs, demand={"A": 87.6},
                         fuels=[("gas", 0.0556, False)], profiles={"wind_onshore": {"A": wind}},
                         settings={"days": 1, "allow_unserved": True, "check_segments": None, **(settings or {})},
                         **kw)


def _check(folder, sets=()):
    run = run_scenario(folder, "test", list(sets))
    return run, check_plan(run.results, load_inputs(folder, "test", list(sets)), IN_PROCESS)


def test_reduced_days_hide_a_windless_week(tmp_path):
    """One representative day (the medoid: windy) rescaled to the annual mean CF 0.5 × 358/365: the plan
    is 10 / 0.4904 = 20.39 GW of wind (10.196 bn CNY). Over the real year the 7 windless days leave
    7 × 24 h × 10 GW = 1.68 TWh unserved, at 20,000 CNY/MWh 33.6 bn CNY: evaluated 43.796 bn CNY."""
    run, chk = _check(_lull(tmp_path))
    wind = 10 / (0.5 * 358 / 365)
    assert chk.planning_cost == pytest.approx(wind * 0.5, rel=1e-6)
    assert chk.capital_cost == pytest.approx(wind * 0.5, rel=1e-6)
    assert chk.unserved_twh == pytest.approx(1.68, rel=1e-6)
    assert chk.outcomes[2020]["unserved_hours"][0] == pytest.approx(168)
    assert chk.evaluated_cost == pytest.approx(wind * 0.5 + 33.6, rel=1e-6)
    assert chk.cost_gap == pytest.approx(33.6 / (wind * 0.5 + 33.6), rel=1e-6)
    lost = chk.outcomes[2020]["unserved_daily_gwh"][0]
    assert np.flatnonzero(lost > 1).tolist() == list(range(100, 107))
    assert lost[100] == pytest.approx(240)


def test_a_lull_seen_once_is_served_but_costs_more(tmp_path):
    """Two days: the windless day is kept as the peak net-load day (weight 1), so the plan adds 10 GW of
    gas (300 CNY/kW·yr: 3 bn CNY, cheaper than 240 GWh of lost load); over the year it burns on 7 days
    instead of 1: 6 × 240 GWh × 500 CNY/MWh = 0.72 bn CNY more, and no load is lost."""
    run, chk = _check(_lull(tmp_path, gas_capex=3000, settings={"days": 2}))
    assert float(run.results["capacity"].sel(tech="gas").sum()) == pytest.approx(10, rel=1e-6)
    assert chk.unserved_twh == pytest.approx(0, abs=1e-6)
    assert chk.evaluated_cost - chk.planning_cost == pytest.approx(0.72, rel=1e-5)
    assert chk.cost_gap > 0


def test_cap_exceeded_is_measured_not_infeasible(tmp_path):
    """Existing gas (0.4 t/MWh) and a zero cap: the plan runs on wind alone; in the windless week the
    check burns 1.68 TWh of gas rather than shed load (10,000 CNY/t × 0.4 < VOLL): 0.672 Mt over the cap."""
    f = _lull(tmp_path, gas_capex=3000, existing=[("A", "gas", 2015, 10, 0)],
              co2_caps=[("zero", 2000, 0.0), ("zero", 2100, 0.0)], settings={"co2_cap": "zero"})
    run, chk = _check(f)
    assert float(run.results["generation"].sel(tech="gas").sum()) == pytest.approx(0, abs=1e-6)
    assert chk.unserved_twh == pytest.approx(0, abs=1e-6)
    assert chk.co2_excess_mt == pytest.approx(1.68 * 0.0556 * 3.6 / 0.5, rel=1e-5)
    assert chk.outcomes[2020]["emissions_mt"][0] == pytest.approx(chk.co2_excess_mt, rel=1e-6)
    # the penalty is not a cost: the gap is the gas burnt (1.68 TWh × 500 CNY/MWh = 0.84 bn CNY)
    assert chk.evaluated_cost - chk.planning_cost == pytest.approx(0.84, rel=1e-5)


def _identical_days(tmp_path, settings=None):
    """Every day alike: solar, gas under a binding CO2 cap and a carbon price, a battery, a year-linked
    store, a clean share; two periods of 5 years with discounting. The representative day is exact."""
    hour = np.arange(24)
    solar = np.clip(np.sin((hour - 6) / 12 * np.pi), 0, None)
    load = 0.8 + 0.2 * np.sin((hour - 10) / 24 * 2 * np.pi)
    return factory.write(
        tmp_path,
        techs=[{"tech": "solar", "kind": "variable", "profile": "solar_utility", "non_fossil": True,
                "lifetime_yr": 25},
               {"tech": "gas", "fuel": "gas", "efficiency": 0.5, "lifetime_yr": 30},
               {"tech": "battery", "kind": "storage", "round_trip_efficiency": 0.85,
                "storage_duration_max_h": 8, "lifetime_yr": 15},
               {"tech": "h2", "kind": "storage", "round_trip_efficiency": 0.4, "storage_linking": "year",
                "storage_duration_max_h": 1000, "lifetime_yr": 30}],
        costs=[{"tech": "solar", "capex_cny_per_kw": 3000, "fom_cny_per_kw_yr": 40},
               {"tech": "gas", "capex_cny_per_kw": 2500, "fom_cny_per_kw_yr": 60, "vom_cny_per_mwh": 15},
               {"tech": "battery", "capex_cny_per_kw": 600, "capex_energy_cny_per_kwh": 1500},
               {"tech": "h2", "capex_cny_per_kw": 4000, "capex_energy_cny_per_kwh": 20}],
        fuels=[("gas", 0.0556, False)], fuel_prices={"gas": 20.0}, demand={"A": 87.6},
        load={"A": factory.hours_profile(load)}, profiles={"solar_utility": {"A": factory.hours_profile(solar)}},
        co2_caps=[("cap", 2000, 12.0), ("cap", 2100, 8.0)], carbon_prices=[("p", 2000, 50), ("p", 2100, 50)],
        clean_shares=[("s", 2000, 0.3), ("s", 2100, 0.3)],
        settings={"days": 1, "check_segments": None, "co2_cap": "cap", "carbon_price": "p", "clean_share": "s",
                  "first_period": 2020, "last_period": 2025, "period_years": 5, "discount_rate": 0.05,
                  **(settings or {})})


def test_exact_days_give_no_gap(tmp_path):
    run, chk = _check(_identical_days(tmp_path))
    assert float(run.results["co2_shadow_price"].sel(period=2025)) > 1  # the cap binds
    assert abs(chk.cost_gap) < 1e-7
    assert chk.unserved_twh == pytest.approx(0, abs=1e-6) and chk.co2_excess_mt == pytest.approx(0, abs=1e-6)
    for p in (2020, 2025):
        assert chk.outcomes[p]["emissions_mt"].sum() == pytest.approx(
            float(run.results["emissions"].sel(period=p).sum()), rel=1e-5, abs=1e-6)


def test_capital_terms_are_the_plan_columns_of_the_planning_lp(tmp_path):
    """The capital terms evaluated on a one-day LP equal Σ cost × value over the plan columns of the
    run's own LP; the rest of its objective is its operating cost."""
    f = _identical_days(tmp_path)
    inputs = load_inputs(f, "test")
    run = run_scenario(f, "test")
    lp, x = run.lp, run.solution.x
    mask = plan_mask(lp)
    capital = float(lp.cost[mask] @ x[mask])
    assert one_day_capital(inputs, inputs.settings, plan_dataset(run.results)) == pytest.approx(capital, rel=1e-9)
    assert capital < run.solution.objective


def test_every_period_level_family_is_classified(tmp_path):
    """A variable family without a timestep is either plan or period-level operation (model.check.plan):
    a new family fails here until it is classified."""
    inputs = load_inputs(CHINA7, "3060", ["days=1", "segments=null", "demand_response_share=0.1"])
    lp, _, _ = build(prepare(inputs.tables, inputs.profiles, inputs.settings), inputs.settings)
    unknown = [n for n, b in lp.vars.items() if "timestep" not in b.dims
               and n not in PLAN_FAMILIES and n not in PERIOD_OPERATION]
    assert unknown == []
    assert set(PLAN_FAMILIES) - {"retire", "convert"} <= set(lp.vars)


def test_check_command_adds_outputs_and_touches_nothing_else(tmp_path, capsys):
    from model.cli import main

    f = _lull(tmp_path / "data")
    out = tmp_path / "res"
    assert main(["run", "--inputs", str(f), "--scenario", "test", "--out", str(out), "--no-figures",
                 "--no-check"]) == 0
    assert not (out / "check.csv").exists()
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}
    assert main(["check", str(out), "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert "1.68 TWh in 2020 in A (168 h) unserved" in text and "more than the planning estimate" in text
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}
    assert set(after) == set(before) | {"check.csv"}
    assert {k for k in before if before[k] != after[k]} == {"results.nc", "manifest.json"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["files"]["results.nc"]["sha256"] == after["results.nc"]
    assert manifest["variables"]["cost_gap"]["units"] == "-"
    with xr.open_dataset(out / "results.nc") as ds:
        assert float(ds["check_unserved_energy"].sum()) == pytest.approx(1.68, rel=1e-6)
        assert float(ds["evaluated_cost"]) == pytest.approx(float(ds["planning_cost"]) + 33.6, rel=1e-6)
        assert float(ds["total_cost"]) == pytest.approx(float(ds["planning_cost"]))


def test_run_checks_by_default_and_writes_check_csv(tmp_path, capsys):
    import pandas as pd

    from model.cli import main

    f = _lull(tmp_path / "data")
    out = tmp_path / "res"
    assert main(["run", "--inputs", str(f), "--scenario", "test", "--out", str(out), "--no-figures",
                 "--workers", "1"]) == 0
    assert "Full-year check" in capsys.readouterr().out
    table = pd.read_csv(out / "check.csv")
    total = table[table["period"] == "all"].iloc[0]
    assert total["cost_gap"] == pytest.approx(33.6 / (10 / (0.5 * 358 / 365) * 0.5 + 33.6), rel=1e-5)
    row = table[(table["period"] == "2020") & (table["region"] == "A")].iloc[0]
    assert row["unserved_energy_twh"] == pytest.approx(1.68) and row["unserved_hours"] == pytest.approx(168)
    assert row["operating_cost_bn_cny_per_yr"] == pytest.approx(33.6, rel=1e-6)


def test_periods_on_dask_equal_in_process(tmp_path):
    pytest.importorskip("distributed")
    f = _identical_days(tmp_path)
    run = run_scenario(f, "test")
    inputs = load_inputs(f, "test")
    local = check_plan(run.results, inputs, IN_PROCESS)
    dask = check_plan(run.results, inputs, CheckOptions(workers=2))
    assert dask.evaluated_cost == pytest.approx(local.evaluated_cost, rel=1e-9)
    assert sorted(dask.outcomes) == [2020, 2025]


def test_accuracy_adds_the_windless_week_and_converges(tmp_path):
    """The check finds lost load on days 100–106; they are added as one run of 7 days of their own
    (each weight 1; the windy day keeps 358 and is no longer rescaled); the re-solve builds 10 GW of
    gas for them and is exact: converged after one re-solve."""
    from model.check.refine import refine
    from model.check.runner import solve

    f = _lull(tmp_path, gas_capex=3000)
    run, chk, ref = refine(load_inputs(f, "test"), 0.01, solve, IN_PROCESS, max_iterations=3)
    assert ref.stop == "converged" and len(ref.history) == 2
    assert ref.extra_days == list(range(100, 107))
    assert ref.history[0]["unserved_twh"] == pytest.approx(1.68, rel=1e-6)
    assert ref.history[1]["representative_days"] == 8
    assert float(run.results["capacity"].sel(tech="gas").sum()) == pytest.approx(10, rel=1e-6)
    assert abs(chk.cost_gap) < 1e-7 and chk.unserved_twh == pytest.approx(0, abs=1e-6)
    assert chk.planning_cost == pytest.approx(10 / 0.5 * 0.5 + 3 + 7 * 240 * 500 * 1e-6, rel=1e-6)


def test_accuracy_stops_at_the_iteration_limit_and_says_so(tmp_path, capsys):
    import pandas as pd

    from model.cli import main

    f = _lull(tmp_path / "data", gas_capex=3000)
    out = tmp_path / "res"
    assert main(["run", "--inputs", str(f), "--scenario", "test", "--out", str(out), "--no-figures",
                 "--workers", "1", "--accuracy", "0.01", "--max-iterations", "0"]) == 0
    assert "--accuracy 0.01: iteration limit after 0 re-solves" in capsys.readouterr().out
    table = pd.read_csv(out / "accuracy.csv")
    assert len(table) == 1 and table["unserved_twh"].iloc[0] == pytest.approx(1.68, rel=1e-6)
