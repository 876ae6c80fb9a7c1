"""The default dataset end to end on a coarse time resolution: physics and policy checks on the result."""
import json

import numpy as np
import pytest
import xarray as xr

from model import run_scenario

COARSE = ["days=2", "segments=4"]
CONTRACT = ["capacity", "new_capacity", "retired_capacity", "storage_energy_capacity", "generation",
            "dispatch", "curtailment", "transmission_capacity", "flow", "emissions", "captured_co2",
            "co2_cap", "co2_price", "electricity_price", "cost", "total_cost", "unserved_energy"]


@pytest.fixture(scope="module")
def run3060(tmp_path_factory):
    out = tmp_path_factory.mktemp("res") / "3060"
    run = run_scenario("inputs/china7", "3060", COARSE, out=out)
    return run, out


def test_contract_written(run3060):
    run, out = run3060
    ds = xr.open_dataset(out / "results.nc")
    for name in CONTRACT:
        assert name in ds, name
        assert ds[name].attrs.get("units"), name
    for key in ("scenario", "objective_bn_cny", "solver", "status", "solve_s", "build_s", "input_checksum",
                "model_version", "pyomo", "highspy"):
        assert key in ds.attrs, key
    manifest = json.loads((out / "manifest.json").read_text())
    assert "results.nc" in manifest["files"] and manifest["variables"]["capacity"]["units"] == "GW"
    assert (out / "capacity.csv").exists() and (out / "periods.csv").exists()
    assert not list(out.parent.glob(".*tmp*"))


def test_energy_balance_closes(run3060):
    ds = run3060[0].results
    supply = ds["dispatch"].sum("tech")
    imports = xr.zeros_like(supply)
    loss = 1 - run3060[0].data["line_loss"]
    for line in ds["line"].to_numpy():
        f = ds["flow"].sel(line=line)
        a, b = str(ds["line_from"].sel(line=line).item()), str(ds["line_to"].sel(line=line).item())
        l_ = float(loss.sel(line=line))
        sent_ab, sent_ba = f.clip(min=0), (-f).clip(min=0)
        imports.loc[dict(region=b)] += sent_ab * l_ - sent_ba
        imports.loc[dict(region=a)] += sent_ba * l_ - sent_ab
    unserved = run3060[0].lp.values(run3060[0].solution.x, "unserved").to_xarray()
    residual = supply + imports + unserved.reindex_like(supply).fillna(0) - ds["load"]
    assert float(np.abs(residual).max()) < 1e-4


def test_policies_hold(run3060):
    run = run3060[0]
    ds, data = run.results, run.data
    em = ds["emissions"].sum("region")
    cap = ds["co2_cap"]
    assert bool(((em <= cap + 1e-3) | cap.isnull()).all())
    assert float(em.sel(period=2060)) <= 1e-3
    # the net-zero cap binds in 2060: its own shadow price, above the carbon-price floor
    assert float(ds["co2_shadow_price"].sel(period=2060)) > 1.0
    assert float(ds["co2_price"].sel(period=2060)) == pytest.approx(
        float(ds["co2_shadow_price"].sel(period=2060) + ds["carbon_price"].sel(period=2060)
              + ds["ets_price"].sel(period=2060)))
    assert bool((ds["capacity"].max("period") <= data["potential"] + 1e-6).all())
    assert float(ds["unserved_energy"].sum()) < 1e-6
    # no new unabated coal commissioned after 2030: none from the 2035 period (builds of 2031–35) on
    new_coal = ds["new_capacity"].sel(tech="coal", period=[p for p in ds.period.values if p >= 2035])
    assert float(new_coal.sum()) < 1e-9


def test_costs_add_up_to_objective(run3060):
    ds = run3060[0].results
    assert float(ds["cost_npv"].sum()) == pytest.approx(ds.attrs["objective_bn_cny"], rel=1e-7)


def test_base_year_has_no_decisions(run3060):
    """2020 and 2025 are history: nothing is built, retired or converted."""
    ds = run3060[0].results
    assert float(ds["new_capacity"].sel(period=[2020, 2025]).sum()) == 0
    assert float(ds["retired_capacity"].sel(period=[2020, 2025]).sum()) == 0


def test_identical_runs_identical_results(run3060, tmp_path):
    """The same inputs and options give the same numbers (timings and dates aside)."""
    first = xr.open_dataset(run3060[1] / "results.nc")
    run_scenario("inputs/china7", "3060", COARSE, out=tmp_path / "again")
    second = xr.open_dataset(tmp_path / "again" / "results.nc")
    xr.testing.assert_identical(first.drop_attrs(deep=False), second.drop_attrs(deep=False))


def test_run_log_cf_attributes_and_overrides_written(run3060):
    _, out = run3060
    log = (out / "run.log").read_text()
    assert "model.lp.highs: Running HiGHS" in log and "HiGHS: optimal" in log
    ds = xr.open_dataset(out / "results.nc")
    assert ds.attrs["Conventions"] == "CF-1.10" and ds.attrs["cli_overrides"] == "days=2; segments=4"
    assert "variant" in ds.attrs["title"] and ds.attrs["git_commit"]
    cf_units = pytest.importorskip("cf_units")
    for name, da in ds.data_vars.items():
        assert da.attrs.get("long_name"), name
        if np.issubdtype(da.dtype, np.number):
            cf_units.Unit(da.attrs["units"])
    for name in ("existing_capacity", "build_limit", "potential", "capacity_credit", "sunk_fleet_annuity"):
        assert name in ds, name
    assert float(ds["sunk_fleet_annuity"].sel(period=2020)) > 0  # the base year's fleet is standing
    assert "run.log" in json.loads((out / "manifest.json").read_text())["files"]
