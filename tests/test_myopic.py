"""Myopic foresight: periods solved in sequence with the fleet carried forward."""
import factory
import pytest

from model import run_scenario


def _case(tmp_path):
    """A cheap plant (40-year life) serves a load that doubles in 2025; no coupling surprises."""
    return factory.write(
        tmp_path, techs=[{"tech": "base", "fuel": "none", "efficiency": 1, "lifetime_yr": 40},
                         {"tech": "peak", "fuel": "none", "efficiency": 1, "lifetime_yr": 10}],
        costs=[{"tech": "base", "capex_cny_per_kw": 6000, "vom_cny_per_mwh": 10},
               {"tech": "peak", "capex_cny_per_kw": 1500, "vom_cny_per_mwh": 300}],
        demand={"A": 876.0},
        settings={"first_period": 2020, "last_period": 2030, "period_years": 5, "discount_rate": 0.05,
                  "days": 1})


def test_myopic_never_beats_perfect_foresight(tmp_path):
    f = _case(tmp_path)
    perfect = run_scenario(f, "test").results
    myopic = run_scenario(f, "test", ["foresight=myopic"]).results
    assert float(myopic["total_cost"]) >= float(perfect["total_cost"]) * (1 - 1e-9)
    # the 2020 build carries forward: nothing new is needed for the flat load afterwards
    assert float(myopic["new_capacity"].sel(period=[2025, 2030]).sum()) == pytest.approx(0, abs=1e-6)
    assert float(myopic["capacity"].sel(tech="base", period=2030).sum()) == pytest.approx(100, rel=1e-6)


def test_myopic_equals_perfect_without_intertemporal_choice(tmp_path):
    """With a flat load and one cost-effective plant, both see the same decisions and costs."""
    f = _case(tmp_path)
    perfect = run_scenario(f, "test").results
    myopic = run_scenario(f, "test", ["foresight=myopic"]).results
    assert float(myopic["total_cost"]) == pytest.approx(float(perfect["total_cost"]), rel=1e-6)
    assert float(myopic["cost_npv"].sum()) == pytest.approx(float(myopic["total_cost"]), rel=1e-9)


def test_myopic_run_command_writes_results_and_summary(tmp_path, capsys):
    """``run --set foresight=myopic`` end to end: the results carry the run's attributes (scenario, LP
    size of the largest step) and the printed summary has the problem size."""
    import xarray as xr

    from model.cli import main

    f = _case(tmp_path)
    out = tmp_path / "res"
    assert main(["run", "--inputs", str(f), "--scenario", "test", "--set", "foresight=myopic",
                 "--out", str(out), "--no-figures"]) == 0
    assert "variables" in capsys.readouterr().out
    with xr.open_dataset(out / "results.nc") as ds:
        assert ds.attrs["scenario"] == "test" and ds.attrs["foresight"] == "myopic"
        assert ds.attrs["n_variables"] > 0 and ds.attrs["input_checksum"]


def test_myopic_infeasible_step_is_explained(tmp_path):
    """Only wind (CF 0.3, potential 50 GW) can serve a flat 100 GW load: the first myopic step already
    fails, and says why in the user's terms, as a perfect-foresight run does."""
    from model.lp.solve import InfeasibleError

    f = factory.write(
        tmp_path, techs=[{"tech": "wind", "kind": "variable", "profile": "wind_onshore"}],
        costs=[{"tech": "wind", "capex_cny_per_kw": 5000}], demand={"A": 876.0},
        profiles={"wind_onshore": {"A": [0.3] * 8760}}, potentials=[("A", "wind", 50.0)],
        settings={"days": 1, "last_period": 2030, "period_years": 5})
    with pytest.raises(InfeasibleError) as err:
        run_scenario(f, "test", ["foresight=myopic"])
    assert "needs 333.3 GW of wind, more than its potential of 50.0 GW" in "\n".join(err.value.explanation)


def _h2_case(tmp_path, electrolyser_capex):
    """A 'store' with separate charging power (an electrolyser) that only a cheap night surplus can fill:
    40 GW of a cheap plant (20 GW spare by night), a peaker for the day's extra 20 GW; the store's turbine
    and tank are cheap."""
    return factory.write(
        tmp_path,
        techs=[{"tech": "cheap", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40},
               {"tech": "peaker", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40},
               {"tech": "h2", "kind": "storage", "round_trip_efficiency": 0.5, "charge_efficiency": 0.7,
                "separate_charge_capacity": True, "lifetime_yr": 20, "storage_duration_max_h": 100}],
        costs=[{"tech": "cheap", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 10},
               {"tech": "peaker", "capex_cny_per_kw": 0, "vom_cny_per_mwh": 1000},
               {"tech": "h2", "capex_cny_per_kw": 100, "capex_energy_cny_per_kwh": 1,
                "capex_charge_cny_per_kw": electrolyser_capex}],
        existing=[("A", "cheap", 2015, 40, 0), ("A", "peaker", 2015, 100, 0)],
        demand={"A": 40 * 8.76}, load={"A": factory.hours_profile([20] * 12 + [60] * 12)},
        settings={"first_period": 2020, "last_period": 2030, "period_years": 5, "discount_rate": 0.05,
                  "days": 1})


def test_myopic_carries_no_free_electrolysers(tmp_path):
    """B1: with electrolysers far too dear to build, the store is never charged in any step, in myopic as
    in perfect foresight (the old carry-forward turned a turbine built without electrolysers into one
    with as many, for free, in the next step)."""
    f = _h2_case(tmp_path, 1e6)
    for foresight in ("perfect", "myopic"):
        ds = run_scenario(f, "test", [f"foresight={foresight}"]).results
        assert float(ds["charge_capacity"].sel(tech="h2").sum()) == pytest.approx(0, abs=1e-6), foresight
        assert float(ds["charge"].sel(tech="h2").sum()) == pytest.approx(0, abs=1e-6), foresight


def test_myopic_is_never_cheaper_and_keeps_the_charging_fleet(tmp_path):
    """The invariant on a case with storage and separate charging power, and B2: charging capacity built in
    2020 is still there in 2025 and 2030 (20-year life)."""
    f = _h2_case(tmp_path, 500)
    perfect = run_scenario(f, "test").results
    myopic = run_scenario(f, "test", ["foresight=myopic"]).results
    assert float(myopic["total_cost"]) >= float(perfect["total_cost"]) * (1 - 1e-9)
    built = float(myopic["new_charge_capacity"].sel(tech="h2", period=2020).sum())
    assert built > 1.0
    held = myopic["charge_capacity"].sel(tech="h2").sum("region")
    assert float(held.sel(period=2030)) >= built - 1e-6


def _retire_case(tmp_path):
    """A plant that must exist in 2020 but is useless later: 'old' (existing, may retire, FOM 1000) and
    'new' built in 2020 (life 40, FOM 1000, retirable); demand falls to almost nothing from 2025."""
    return factory.write(
        tmp_path,
        techs=[{"tech": "new", "fuel": "none", "efficiency": 1, "lifetime_yr": 40, "early_retirement": True}],
        costs=[{"tech": "new", "capex_cny_per_kw": 1000, "fom_cny_per_kw_yr": 1000, "vom_cny_per_mwh": 10}],
        demand={"A": 87.6},
        settings={"first_period": 2020, "last_period": 2030, "period_years": 5, "discount_rate": 0.0,
                  "days": 1})


def test_myopic_carries_builds_net_of_same_period_retirements(tmp_path):
    """B3 and B4: 10 GW are built for 2020; with a demand of 1 GW from 2025 (a demand file override) the
    2025 step retires 9 GW. The carried fleet is the 10 GW built less the 9 retired (1 GW in 2030, not the
    10 GW the old carry-forward returned), and the stranded capital is valued at the build year's capex
    (1000 CNY/kW), 37/40 of it left at the start of 2025's span."""
    f = _retire_case(tmp_path)
    import pandas as pd

    d = pd.read_csv(f / "demand.csv")
    d = pd.DataFrame([{"region": "A", "year": y, "demand_twh": v} for y, v in ((2000, 87.6), (2020, 87.6),
                                                                              (2025, 8.76), (2100, 8.76))])
    d.to_csv(f / "demand.csv", index=False)
    pd.DataFrame([{"tech": "new", "year": y, "capex_cny_per_kw": c, "fom_cny_per_kw_yr": 1000,
                   "vom_cny_per_mwh": 10} for y, c in ((2000, 1000), (2020, 1000), (2025, 5000), (2100, 5000))]
                 ).to_csv(f / "costs.csv", index=False)
    myopic = run_scenario(f, "test", ["foresight=myopic"]).results
    perfect = run_scenario(f, "test").results
    assert float(myopic["total_cost"]) >= float(perfect["total_cost"]) * (1 - 1e-9)
    cap = myopic["capacity"].sel(region="A", tech="new")
    assert float(cap.sel(period=2020)) == pytest.approx(10, rel=1e-6)
    assert float(cap.sel(period=2030)) == pytest.approx(1, rel=1e-6)
    assert float(myopic["retired_capacity"].sum()) == pytest.approx(9, rel=1e-6)
    # retired at the start of 2025's span (2023), built from 2018: 35 of 40 years left, at 1000 CNY/kW
    assert float(myopic["stranded_capital"].sum()) == pytest.approx(9 * 1000 * 35 / 40 * 1e-3, rel=1e-6)
