"""Sweeps: a real Dask LocalCluster, results equal to independent runs, failures, resume, sampling,
sweep-file errors, and the worker's write confinement. Tiny dataset: one region, periods 2050 and 2060,
one representative day of 6 steps (56 variables)."""
import importlib.util
import json
import os

import factory
import numpy as np
import pytest
import xarray as xr
import yaml

from model import run_scenario
from model.data.settings import InputError
from model.sweep.driver import member_dir, run_member, run_sweep
from model.sweep.spec import MonteCarlo, SweepFileError, load_spec, make_members, sample

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None or
                                importlib.util.find_spec("tqdm") is None,
                                reason="sweeps need dask.distributed and tqdm (pip install 'dask[distributed]' tqdm)")

SHARED = {"segments": 6}
KEYS = ("capacity", "generation", "emissions", "captured_co2", "co2_price", "cost", "investment")


def _dataset(folder):
    hour = np.arange(24)
    solar = np.clip(np.sin((hour - 6) / 12 * np.pi), 0, None)
    load = 0.7 + 0.3 * np.sin((hour - 9) / 24 * 2 * np.pi) + hour * 0.003
    return factory.write(
        folder,
        techs=[{"tech": "coal", "fuel": "coal", "efficiency": 0.4, "lifetime_yr": 30},
               {"tech": "gas", "fuel": "gas", "efficiency": 0.55, "lifetime_yr": 30},
               {"tech": "solar", "kind": "variable", "profile": "solar_utility", "lifetime_yr": 25,
                "non_fossil": True, "capacity_credit": 0}],
        costs=[{"tech": "coal", "capex_cny_per_kw": 3500, "fom_cny_per_kw_yr": 100, "vom_cny_per_mwh": 20},
               {"tech": "gas", "capex_cny_per_kw": 2500, "fom_cny_per_kw_yr": 60, "vom_cny_per_mwh": 15},
               {"tech": "solar", "capex_cny_per_kw": 3000, "fom_cny_per_kw_yr": 40, "vom_cny_per_mwh": 1}],
        fuels=[("coal", 0.095, False), ("gas", 0.056, False)], fuel_prices={"coal": 30.0, "gas": 70.0},
        demand={"A": 800.0}, load={"A": factory.hours_profile(load)},
        profiles={"solar_utility": {"A": factory.hours_profile(solar)}},
        co2_caps=[("cap", 2050, 500.0), ("cap", 2060, 300.0)],
        settings={"first_period": 2050, "last_period": 2060, "period_years": 10, "discount_rate": 0.05,
                  "days": 1, "co2_cap": "cap"},
        scenarios={"base": {"description": "tiny sweep case"}})


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return _dataset(tmp_path_factory.mktemp("sweepdata"))


def _sweep_file(path, data, **design):
    spec = {"name": "t", "inputs": str(data), "base": "base", "set": SHARED, **design}
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


GRID = {"grid": {"capex[solar]": ["*0.8", "*1.2"], "co2_cap_value[cap,2060]": [300, 250]}}


@needs_dask
def test_cluster_sweep_equals_independent_runs(data, tmp_path):
    """4 members on a real LocalCluster of 2 worker processes (started by run_sweep)."""
    f = _sweep_file(tmp_path / "grid.yaml", data, **GRID)
    res = run_sweep(f, out=tmp_path / "out", workers=2, progress=False)
    ds = xr.open_dataset(tmp_path / "out" / "sweep.nc")
    assert ds.sizes["scenario"] == 4 and not res.failed and res.ran == 4
    assert list(ds["status"].to_numpy()) == ["optimal"] * 4
    assert sorted(ds["capex_solar"].to_numpy()) == [0.8, 0.8, 1.2, 1.2]
    for m in res.members:
        ref = run_scenario(data, "base", [f"{k}={v}" for k, v in SHARED.items()] + m.sets).results
        got = ds.sel(scenario=m.id)
        for name in KEYS:
            want = ref[name].sum("region") if "region" in ref[name].dims else ref[name]
            np.testing.assert_allclose(got[name].transpose(*want.dims).to_numpy(), want.to_numpy(),
                                       rtol=1e-6, atol=1e-6, err_msg=f"{m.id} {name}")
        assert float(got["total_cost"]) == pytest.approx(float(ref["total_cost"]), rel=1e-6)
        assert (tmp_path / "out" / m.id / "manifest.json").is_file()
        assert json.loads((tmp_path / "out" / m.id / "member.json").read_text())["sets"] == m.sets
    assert set(ds["model_load"].to_numpy()) <= {"build", "update"} and "update" in ds["model_load"].to_numpy()
    assert bool((ds["member_solve_seconds"] <= ds["member_seconds"]).all())
    from model.sweep.combine import open_sweep

    indexed = open_sweep(tmp_path / "out" / "sweep.nc")  # parameter coordinates usable in .sel
    cheap = indexed.sel(capex_solar=0.8)
    assert cheap.sizes["scenario"] == 2 and set(cheap["capex_solar"].to_numpy()) == {0.8}
    by = indexed["total_cost"].groupby("capex_solar").mean()
    assert by.sizes["capex_solar"] == 2
    kn = (tmp_path / "out" / "key_numbers.csv").read_text().splitlines()
    assert len(kn) == 5 and "total_cost_bn_cny" in kn[0] and "capacity_2060_gw_solar" in kn[0]
    figs = {p.name for p in (tmp_path / "out" / "figures").iterdir()}
    assert {"mac_curve.png", "mac_curve.svg", "cost_vs_cap.png"} <= figs
    from model.sweep.memo import write_sweep_memo

    memo = write_sweep_memo(tmp_path / "out").read_text()
    assert "data:image/png;base64," in memo and "s003" in memo
    assert not list((tmp_path / "out").glob(".*tmp*"))


@needs_dask
def test_failed_members_recorded_others_finish(data, tmp_path, client):
    f = _sweep_file(tmp_path / "oat.yaml", data, one_at_a_time={
        "capex[solar]": {"low": "*-1", "high": "*1.2"},          # negative capex: input error
        "co2_cap_value[cap,2060]": {"low": -50, "high": 320}})   # negative cap: infeasible
    res = run_sweep(f, out=tmp_path / "out", client=client, progress=False)
    ds = xr.open_dataset(tmp_path / "out" / "sweep.nc")
    status = dict(zip(ds["label"].to_numpy(), ds["status"].to_numpy()))
    assert status["capex[solar] ×-1 (low)"] == "input_error"
    assert status["co2_cap_value[cap,2060]=-50 (low)"] == "infeasible"
    assert sum(s == "optimal" for s in status.values()) == 3
    assert sorted(res.failed) == ["s001", "s003"]
    assert np.isnan(ds["total_cost"].sel(scenario=["s001", "s003"])).all()
    assert np.isfinite(ds["total_cost"].sel(scenario=["s000", "s002", "s004"])).all()
    fails = (tmp_path / "out" / "failures.csv").read_text()
    assert "s001" in fails and "s003" in fails and "Infeasible" in fails and "after the override" in fails
    assert not (tmp_path / "out" / "s003" / "manifest.json").exists()
    assert (tmp_path / "out" / "figures" / "tornado_total_cost.png").exists()
    assert float(ds["co2_cap_value_cap_2060"].sel(scenario="s000")) == 300  # base value as coordinate


@needs_dask
def test_resume_skips_finished_members(data, tmp_path, client):
    """Interrupted sweep simulated with max_members=2; --resume runs only the other two."""
    f = _sweep_file(tmp_path / "grid.yaml", data, **GRID)
    out = tmp_path / "out"
    first = run_sweep(f, out=out, client=client, progress=False, max_members=2, figures=False)
    done = [m.id for m in first.members if (out / m.id / "manifest.json").exists()]
    assert len(done) == 2 and first.pending == 2
    assert list(xr.open_dataset(out / "sweep.nc")["status"].to_numpy()).count("pending") == 2
    mtimes = {m: os.stat(out / m / "results.nc").st_mtime_ns for m in done}
    (out / ".s003.tmp-deadbeef").mkdir()  # what a worker killed while writing leaves
    second = run_sweep(f, out=out, client=client, progress=False, resume=True, figures=False)
    assert not list(out.glob(".*.tmp-*"))
    assert second.ran == 2 and second.reused == 2 and second.pending == 0 and not second.failed
    assert {m: os.stat(out / m / "results.nc").st_mtime_ns for m in done} == mtimes
    ds = xr.open_dataset(out / "sweep.nc")
    assert list(ds["status"].to_numpy()) == ["optimal"] * 4 and np.isfinite(ds["total_cost"]).all()
    # a changed member spec (other shared overrides) is not taken from disk
    spec = yaml.safe_load(f.read_text())
    spec["set"] = {"segments": 4}
    f.write_text(yaml.safe_dump(spec))
    third = run_sweep(f, out=out, client=client, progress=False, resume=True, figures=False, max_members=0)
    assert third.reused == 0 and third.pending == 4


@needs_dask
def test_resume_solves_a_member_whose_results_were_cut_short_again(data, tmp_path, client, capsys):
    """A member results.nc truncated (a full disk, a broken copy) is not taken as finished on --resume."""
    from model.cli import main

    f = _sweep_file(tmp_path / "grid.yaml", data, grid={"capex[solar]": ["*0.8", "*1.2"]})
    out = tmp_path / "out"
    run_sweep(f, out=out, client=client, progress=False, figures=False)
    nc = out / "s000" / "results.nc"
    nc.write_bytes(nc.read_bytes()[:200])
    again = run_sweep(f, out=out, client=client, progress=False, resume=True, figures=False)
    assert again.ran == 1 and again.reused == 1 and not again.failed
    assert xr.open_dataset(nc)["capacity"].size > 0
    nc.write_bytes(b"\0" * nc.stat().st_size)  # right size, unreadable: solved again too
    assert run_sweep(f, out=out, client=client, progress=False, resume=True, figures=False).ran == 1
    assert main(["sweep", str(f), "--out", str(tmp_path), "--no-progress"]) == 2  # not a sweep folder
    assert "is a folder this tool did not write" in capsys.readouterr().err


def test_worker_refuses_to_write_outside_sweep_folder(data, tmp_path):
    root = tmp_path / "sweep"
    root.mkdir()
    job = {"sweep_dir": str(root), "inputs": str(data), "base": "base", "shared": [], "checksum": None,
           "member": {"id": "s000", "label": "x", "sets": [], "values": {}}}
    with pytest.raises(PermissionError, match="not a sweep folder"):  # no sweep.json: not initialised
        run_member(job)
    (root / "sweep.json").write_text("{}")
    (root / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    for bad in ("../escaped", "/tmp/abs", "a/b", "..", ".hidden", "link"):
        with pytest.raises(PermissionError, match="only folders directly inside"):
            run_member({**job, "member": {**job["member"], "id": bad}})
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "elsewhere").exists()
    assert sorted(p.name for p in root.iterdir()) == ["link", "sweep.json"]
    assert member_dir(root, "s001") == (root / "s001").resolve()


def test_latin_hypercube_reproducible_and_bounded():
    mc = MonteCarlo(samples=40, seed=7, parameters={
        "a": {"dist": "uniform", "low": 2, "high": 4},
        "b": {"dist": "triangular", "low": 0.5, "mode": 0.8, "high": 1.5},
        "c": {"dist": "normal", "mean": 1, "sd": 0.5, "low": 0.8, "high": 1.3},
        "d": {"dist": "lognormal", "median": 70, "sigma": 0.4, "low": 40, "high": 120}})
    x = sample(mc)
    assert x.shape == (40, 4)
    np.testing.assert_array_equal(x, sample(mc))
    assert not np.array_equal(x, sample(mc.model_copy(update={"seed": 8})))
    for j, (lo, hi) in enumerate([(2, 4), (0.5, 1.5), (0.8, 1.3), (40, 120)]):
        assert x[:, j].min() >= lo and x[:, j].max() <= hi
    strata = np.floor((x[:, 0] - 2) / 2 * 40).astype(int)  # one sample per stratum (Latin hypercube)
    assert sorted(strata) == list(range(40))
    assert abs(np.median(x[:, 3]) - 70) < 8


def test_members_monte_carlo_and_one_at_a_time(tmp_path, data):
    f = _sweep_file(tmp_path / "mc.yaml", data, monte_carlo={"samples": 5, "seed": 1, "parameters": {
        "capex[solar]": {"dist": "uniform", "low": 0.5, "high": 1.5, "scale": True},
        "discount_rate": {"dist": "uniform", "low": 0.03, "high": 0.07}}})
    a, b = make_members(load_spec(f)), make_members(load_spec(f))
    assert [m.sets for m in a] == [m.sets for m in b] and [m.id for m in a] == [f"s00{i}" for i in range(5)]
    assert a[0].sets[0].startswith("capex[solar]*=") and a[0].sets[1].startswith("discount_rate=")
    g = _sweep_file(tmp_path / "oat.yaml", data, one_at_a_time={
        "k": {"low": "*0.5", "high": "*2", "targets": ["capex[coal]", "capex[gas]"]}})
    oat = make_members(load_spec(g))
    assert [m.sets for m in oat] == [[], ["capex[coal]*=0.5", "capex[gas]*=0.5"], ["capex[coal]*=2", "capex[gas]*=2"]]


@pytest.mark.parametrize("design, expect", [
    ({"grid": {"capexx[solar]": [1, 2]}}, "unknown parameter 'capexx' (did you mean 'capex'?)"),
    ({"grid": {"discount_rate": [0.05]}, "monte_carlo": {"samples": 2, "parameters": {
        "demand": {"dist": "uniform", "low": 0.9, "high": 1.1, "scale": True}}}},
     "found grid and monte_carlo; expected exactly one of"),
    ({"base": None, "grid": {"discount_rate": [0.05]}}, "'base': missing"),
    ({"gird": {"discount_rate": [0.05]}}, "unknown key 'gird' (did you mean 'grid'?)"),
    ({"one_at_a_time": {"discount_rate": {"low": "*0.5", "high": 0.08}}}, "values mix '*FACTOR'"),
    ({"monte_carlo": {"samples": 3, "parameters": {"demand": {"dist": "triangular", "low": 1, "high": 2}}}},
     "needs low, mode, high; missing mode"),
])
def test_sweep_file_errors(tmp_path, data, design, expect):
    spec = {"name": "t", "inputs": str(data), "base": "base", **design}
    if spec["base"] is None:
        del spec["base"]
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(spec))
    with pytest.raises(SweepFileError) as err:
        load_spec(f)
    assert any(expect in p and str(f) in p for p in err.value.problems), err.value.problems
    assert isinstance(err.value, InputError)


def test_cli_bad_sweep_file_exit_2(tmp_path, data, capsys):
    from model.cli import main

    f = _sweep_file(tmp_path / "bad.yaml", data, grid={"capex[solarr]": ["*0.9"]})
    assert main(["sweep", str(f), "--out", str(tmp_path / "o")]) == 2  # key unknown in the dataset
    assert "solarr" in capsys.readouterr().err and not (tmp_path / "o").exists()


@needs_dask
def test_sweep_on_a_running_scheduler_by_address(data, tmp_path, client):
    """--scheduler ADDRESS: the sweep connects to an existing cluster (here the module's LocalCluster)
    instead of starting its own, and leaves that cluster running."""
    f = _sweep_file(tmp_path / "grid.yaml", data, grid={"capex[solar]": ["*0.8", "*1.2"]})
    address = client.scheduler.address
    res = run_sweep(f, out=tmp_path / "out", scheduler=address, progress=False, figures=False)
    assert res.ran == 2 and not res.failed
    assert client.status == "running" and len(client.scheduler_info()["workers"]) == 2
