"""Cap or tax under uncertainty (``run.py instruments``) on a hand case, on a real Dask LocalCluster.

One region, one year (2020), discount rate 0, flat load of 100 GW × f (f: the uncertain demand factor),
every technology 1000 CNY/kW over 10 years (100 M CNY per GW and year). Coal: 180 k CNY/MWh (k: the
uncertain coal price factor), 0.9 t/MWh; gas: 240 CNY/MWh, 0.3 t/MWh, at most 60 GW (525.6 TWh); gas+CCS:
288 CNY/MWh, 0.036 t/MWh. Cap 500 Mt.

- Central case (f = k = 1, 876 TWh): gas replaces coal at (240 − 180)/(0.9 − 0.3) = 100 CNY/t; the cap is
  met by 480.67 TWh of gas (below its potential), so the cap's price is 100 CNY/t — the tax's price. At
  exactly that price coal and gas tie for the tax: any mix is optimal (262.8 … 788.4 Mt).
- Samples, f ∈ [1.1, 1.6], k ∈ [0.95, 0.98]: even gas at its potential leaves 157.68 + 0.9 (876 f − 525.6)
  > 500 Mt, so gas+CCS must replace coal at (288 − 180 k)/0.864 ≥ 129 CNY/t: higher demand makes the cap's
  price rise. The tax stays at 100: coal (180 k + 90 ≤ 266.4) beats gas (270) and gas+CCS (291.6), so all
  coal runs, 788.4 f Mt: the tax overshoots the cap in every sample.
- Collar ±20 %: floor 80, ceiling 120 CNY/t. At f = 1 the cap's 100 lies inside (emissions 500). In the
  samples the cap would cost more than 120: allowances are bought at the ceiling; gas (276) beats coal
  (180 k + 108 ≥ 279) beats gas+CCS (292.32), so emissions are 157.68 + 0.9 (876 f − 525.6) Mt.
- Reference (no cap): all coal, 788.4 f Mt.
"""
from __future__ import annotations

import importlib.util
import os
import shutil

import factory
import numpy as np
import pytest
import xarray as xr
import yaml

from model.data.settings import InputError
from model.instruments.driver import run_instruments

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="instruments need dask.distributed")
SAMPLES = 3
TIMINGS = ("member_seconds",)


def _dataset(folder):
    return factory.write(
        folder,
        techs=[{"tech": "coal", "fuel": "coal", "efficiency": 0.4},
               {"tech": "gas", "fuel": "gas", "efficiency": 0.6},
               {"tech": "gas_ccs", "fuel": "gas", "efficiency": 0.5, "capture_rate": 0.9}],
        costs=[{"tech": t, "capex_cny_per_kw": 1000} for t in ("coal", "gas", "gas_ccs")],
        fuels=[("coal", 0.1, False), ("gas", 0.05, False)], fuel_prices={"coal": 20, "gas": 40},
        potentials=[("A", "gas", 60.0)], demand={"A": 876.0},
        co2_caps=[("c", 2000, 500.0), ("c", 2100, 500.0)],
        settings={"days": 1, "full_year_check": False},
        scenarios={"cap": {"description": "capped", "co2_cap": "c"}, "reference": {"description": "no cap"}})


def _file(path, data, low=1.1, high=1.6):
    spec = {"name": "demand_mc", "inputs": str(data), "base": "cap", "set": {"segments": 2},
            "monte_carlo": {"samples": 2, "seed": 7,
                            "parameters": {"demand": {"dist": "uniform", "low": low, "high": high, "scale": True},
                                           "fuel_price[coal]": {"dist": "uniform", "low": 0.95, "high": 0.98,
                                                                "scale": True}}}}
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    root = tmp_path_factory.mktemp("instruments")
    data = _dataset(root / "data")
    return root, data, _file(root / "mc.yaml", data)


@pytest.fixture(scope="module")
def full(case, client):
    root, _, f = case
    return run_instruments("cap", file=f, samples=SAMPLES, out=root / "out", collar=0.2, client=client,
                           progress=False)


def _at(ds, name, inst, sample=None):
    da = ds[name].sel(instrument=inst)
    return da.sel(sample=sample) if sample is not None else da


@needs_dask
def test_every_instrument_solved_on_the_same_sample(full):
    ds = full.dataset
    assert not full.failed and not full.pending and full.ran == 4 * (SAMPLES + 1)
    assert list(ds["instrument"].to_numpy()) == ["cap", "tax", "collar", "reference"]
    assert (ds["status"] == "optimal").all() and (ds["central_status"] == "optimal").all()
    f = ds["demand"].to_numpy()
    assert ds["demand"].attrs["units"] == "factor on the base value" and len(set(f)) == SAMPLES
    assert ((f >= 1.1) & (f <= 1.6)).all()
    for name in ("emissions", "instrument_price", "co2_cap_slack", "resource_cost", "policy_cost", "capacity"):
        assert ds[name].attrs["units"], name


@needs_dask
def test_central_case_tax_twin_is_the_caps_dual(full):
    """No uncertainty: the cap's price is 100 CNY/t, the tax's price; by LP duality the tax's objective is
    the cap's plus 100 CNY/t on the cap's 500 Mt (the cap's plan is an optimum of the tax: at 100 CNY/t
    coal and gas tie, so the tax's emissions may be any mix's, from 262.8 to 788.4 Mt)."""
    ds = full.dataset
    assert ds["cap_price_path"].sel(period=2020) == pytest.approx(100.0, rel=1e-6)
    assert float(_at(ds, "central_instrument_price", "tax").sel(period=2020)) == pytest.approx(100.0, rel=1e-6)
    cap_obj = float(_at(ds, "central_total_cost", "cap"))
    assert float(_at(ds, "central_total_cost", "tax")) == pytest.approx(cap_obj + 500 * 0.1, rel=1e-7)
    assert ds.attrs["tax_twin_objective_gap_relative"] < 1e-7
    e_tax = float(_at(ds, "central_emissions", "tax").sel(period=2020))
    assert 876 * 0.3 - 1e-6 <= e_tax <= 788.4 + 1e-6
    assert float(_at(ds, "central_emissions", "collar").sel(period=2020)) == pytest.approx(500.0, rel=1e-7)
    assert float(_at(ds, "central_emissions", "reference").sel(period=2020)) == pytest.approx(788.4, rel=1e-7)


@needs_dask
def test_higher_demand_tax_overshoots_cap_price_rises(full):
    ds = full.dataset
    f, k = ds["demand"].to_numpy(), ds["fuel_price_coal"].to_numpy()
    e = ds["emissions"].sel(period=2020)
    np.testing.assert_allclose(_at(ds, "emissions", "cap").sel(period=2020), 500.0, rtol=1e-7)
    np.testing.assert_allclose(_at(ds, "instrument_price", "cap").sel(period=2020), (288 - 180 * k) / 0.864,
                               rtol=1e-6)
    np.testing.assert_allclose(_at(ds, "instrument_price", "tax").sel(period=2020), 100.0, rtol=1e-9)
    np.testing.assert_allclose(e.sel(instrument="tax"), 788.4 * f, rtol=1e-7)
    np.testing.assert_allclose(e.sel(instrument="reference"), 788.4 * f, rtol=1e-7)
    np.testing.assert_allclose(_at(ds, "resource_cost", "tax"), 10 * f + 876 * f * 0.18 * k, rtol=1e-7)
    from model.instruments.answers import cost_differences, drivers, targets

    t = targets(ds).set_index("instrument")
    assert t.at["tax", "probability_miss"] == 1.0 and t.at["cap", "probability_miss"] == 0.0
    assert t.at["tax", "max_excess_mt"] == pytest.approx(788.4 * f.max() - 500, rel=1e-6)
    assert t.at["tax", "mean_excess_when_missed_mt"] == pytest.approx((788.4 * f - 500).mean(), rel=1e-6)
    cd = cost_differences(ds).set_index("comparison")
    want = ds["resource_cost"].sel(instrument="tax") - ds["resource_cost"].sel(instrument="cap")
    assert cd.at["tax - cap", "mean"] == pytest.approx(float(want.mean()), rel=1e-9)
    assert cd.at["tax - cap", "share_above_0"] == 0.0  # the tax emits more: it uses fewer resources
    d = drivers(ds).set_index(["instrument", "output", "parameter"])["spearman_rho"]
    assert d[("tax", "emissions 2020 [Mt/yr]", "demand")] == pytest.approx(1.0)
    assert d[("cap", "CO2 price 2020 [CNY/t]", "fuel_price[coal]")] == pytest.approx(-1.0)


@needs_dask
def test_collar_binds_at_its_ceiling_where_the_cap_is_dear(full):
    ds = full.dataset
    f = ds["demand"].to_numpy()
    want = 157.68 + 0.9 * (876 * f - 525.6)
    np.testing.assert_allclose(_at(ds, "instrument_price", "collar").sel(period=2020), 120.0, rtol=1e-6)
    np.testing.assert_allclose(_at(ds, "emissions", "collar").sel(period=2020), want, rtol=1e-7)
    np.testing.assert_allclose(_at(ds, "co2_cap_slack", "collar").sel(period=2020), want - 500, rtol=1e-6)
    assert ds["collar_floor"].sel(period=2020) == pytest.approx(80.0) and \
        ds["collar_ceiling"].sel(period=2020) == pytest.approx(120.0)
    # resource cost by hand: capex 10 f + fuel; the collar's mix is gas at its potential and coal
    coal, k = 876 * f - 525.6, ds["fuel_price_coal"].to_numpy()
    np.testing.assert_allclose(_at(ds, "resource_cost", "collar"), 10 * f + coal * 0.18 * k + 525.6 * 0.24,
                               rtol=1e-7)
    np.testing.assert_allclose(_at(ds, "policy_cost", "collar"), 525.6 * (0.24 - 0.18 * k), rtol=1e-6)


@needs_dask
def test_outputs_memo_and_report(full):
    folder = full.folder
    for name in ("instruments.nc", "distributions.csv", "targets.csv", "cost_differences.csv", "drivers.csv",
                 "failures.csv", "memo.html", "figures/emissions.png", "figures/price.svg"):
        assert (folder / name).is_file(), name
    memo = (folder / "memo.html").read_text()
    assert "Cap or tax under uncertainty" in memo and "misses the cap in 2020 in 100 % of samples" in memo
    from model.cli import main

    (folder / "memo.html").unlink()
    assert main(["report", str(folder)]) == 0 and (folder / "memo.html").is_file()
    import matplotlib.pyplot as plt

    from model.instruments.figures import FIGURES

    for name, draw in FIGURES.items():  # units on every axis
        fig, ax = plt.subplots()
        draw(full.dataset, ax)
        assert "[" in ax.get_xlabel() and "[" in ax.get_ylabel(), name
        plt.close(fig)


@needs_dask
def test_report_of_a_run_picks_up_its_instruments(full, case, tmp_path):
    """``run.py report results/<scenario>`` adds the section from ``results/instruments/<scenario>/``."""
    from model import run_scenario
    from model.cli import main

    _, data, _ = case
    results = tmp_path / "results"
    shutil.copytree(full.folder, results / "instruments" / "cap")
    run_scenario(data, "cap", out=results / "cap", figures=False)
    assert main(["report", str(results / "cap")]) == 0
    memo = (results / "cap" / "memo.html").read_text()
    assert "Cap or tax under uncertainty" in memo and "Scenario memo" in memo


@needs_dask
def test_resumed_run_gives_the_same_instruments_nc(full, case, client, tmp_path):
    """An interrupted run (member folders missing, a worker's temporary folder left) resumed in two
    chunks re-solves only what is missing and gives the same instruments.nc."""
    _, _, f = case
    out = tmp_path / "ins"
    shutil.copytree(full.folder, out)
    gone = ["cap_s001", "tax_s002", "collar_central", "reference_s000"]
    for m in gone:
        shutil.rmtree(out / m)
    (out / "instruments.nc").unlink()
    (out / ".tax_s002.tmp-deadbeef").mkdir()  # what a worker killed while writing leaves
    kept = {m: os.stat(out / m / "results.nc").st_mtime_ns for m in os.listdir(out)
            if (out / m / "manifest.json").exists()}
    args = dict(file=f, samples=SAMPLES, out=out, collar=0.2, client=client, progress=False, figures=False,
                resume=True)
    first = run_instruments("cap", max_members=2, **args)
    assert first.ran == 2 and first.pending == 2 and first.reused == 4 * (SAMPLES + 1) - 4
    second = run_instruments("cap", **args)
    assert second.ran == 2 and not second.failed and not second.pending
    assert not list(out.glob(".*.tmp-*"))
    assert {m: os.stat(out / m / "results.nc").st_mtime_ns for m in kept} == kept
    got, want = xr.load_dataset(out / "instruments.nc"), xr.load_dataset(full.folder / "instruments.nc")
    assert list(got["sample"].to_numpy()) == list(want["sample"].to_numpy())
    for name, da in want.data_vars.items():
        if da.dtype.kind == "f" and name not in TIMINGS:
            np.testing.assert_allclose(got[name].to_numpy(), da.to_numpy(), rtol=1e-7, atol=1e-9, err_msg=name)
        elif name not in TIMINGS:
            assert (got[name] == da).all(), name
    assert {k: v for k, v in got.attrs.items() if k != "created"} == \
        {k: v for k, v in want.attrs.items() if k != "created"}


def test_bad_input_one_line_exit_code_2(case, capsys):
    from model.cli import main

    root, data, f = case
    assert main(["instruments", "nope", "--file", str(f), "--out", str(root / "bad")]) == 2
    err = capsys.readouterr().err
    assert "scenario 'nope'" in err and "Traceback" not in err
    assert not (root / "bad" / "instruments.nc").exists()
    with pytest.raises(SystemExit) as exc:
        main(["instruments", "cap", "--samples", "0", "--file", str(f)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--samples" in err and "expected at least 1 sample" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(InputError, match="expected at least 1 sample"):
        run_instruments("cap", file=f, samples=0)
    sweep = root / "oat.yaml"
    sweep.write_text(yaml.safe_dump({"name": "o", "inputs": str(data), "base": "cap",
                                     "one_at_a_time": {"discount_rate": {"low": 0.01, "high": 0.1}}}))
    with pytest.raises(InputError, match="expected a monte_carlo sweep file"):
        run_instruments("cap", file=sweep, samples=2)


@needs_dask
def test_sweep_file_with_an_instruments_block(full, case, tmp_path, capsys):
    """``run.py sweep FILE`` with ``instruments:`` runs the comparison with the block's scenario, collar
    and reference: on a copy of the finished run every solve is reused (same specs, so the block applied)."""
    from model.cli import main
    from model.sweep.driver import run_sweep

    _, data, _ = case
    f = _file(tmp_path / "ins.yaml", data)
    spec = yaml.safe_load(f.read_text())
    spec["monte_carlo"]["samples"] = SAMPLES
    spec["instruments"] = {"scenario": "cap", "collar": 0.2}
    f.write_text(yaml.safe_dump(spec, sort_keys=False))
    out = tmp_path / "copy"
    shutil.copytree(full.folder, out)
    (out / "instruments.nc").unlink()
    assert main(["sweep", str(f), "--out", str(out), "--resume", "--no-progress", "--no-figures"]) == 0
    printed = capsys.readouterr().out
    assert "0 run now, 16 reused" in printed and "misses the cap in 2020 in 100 % of samples" in printed
    got = xr.load_dataset(out / "instruments.nc")
    assert got.attrs["collar"] == 0.2 and got.attrs["scenario"] == "cap"
    with pytest.raises(InputError, match="an instruments sweep file"):
        run_sweep(f, out=tmp_path / "plain")
    spec["one_at_a_time"] = {"discount_rate": {"low": 0.01, "high": 0.1}}
    del spec["monte_carlo"]
    f.write_text(yaml.safe_dump(spec, sort_keys=False))
    assert main(["sweep", str(f)]) == 2
    assert "expected instruments only with monte_carlo" in capsys.readouterr().err
