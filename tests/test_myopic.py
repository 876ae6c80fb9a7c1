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
