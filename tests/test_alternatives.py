"""Near-optimal alternatives on a hand case, on a real Dask LocalCluster.

Two regions, one period (2020, one year, discount rate 0), a flat load of 1 GW in each. Region A can
build ``a`` or ``b`` (identical: 1000 CNY/kW over 10 years = 100 M CNY per GW and year), region B only
``n`` (2000 CNY/kW: 200 M CNY per GW and year); no lines, no running costs. The optimum builds 1 GW in
A (a or b, a tie) and 1 GW of n: C* = 0.1 + 0.2 = 0.3 bn CNY. Within a slack s the cost may rise by
s × 0.3 bn CNY, so at s = 0.1:

- min a = 0 (b instead, at no extra cost); max a = 1 + 0.03 / 0.1 = 1.3 GW (b = 0, all the slack
  spent on spare a), and the same for a + b;
- n has no substitute: min n = 1 GW = its optimum value, exactly; max n = 1 + 0.03 / 0.2 = 1.15 GW;
- every plan costs at most 1.1 × 0.3 = 0.33 bn CNY, and the min alternatives cost exactly C* (the cost
  tie-break: cutting a to 0 costs nothing).
"""
from __future__ import annotations

import importlib.util
import json
import os

import factory
import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from model import run_scenario
from model.alternatives.driver import run_alternatives
from model.alternatives.objectives import spread_coefficients
from model.alternatives.spec import AlternativesFileError, load_spec
from model.data.settings import InputError

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="alternatives need dask.distributed")
C_STAR = 0.3
SLACK = 0.1
SPEC = {"name": "t", "slack": [SLACK], "periods": [2020],
        "groups": {"a": ["capacity[a]"], "ab": ["capacity[a]", "capacity[b]"], "n": ["capacity[n]"]},
        "spread": {"count": 2}}
TIMINGS = ("alternative_seconds", "alternative_solve_seconds", "phase1_seconds", "phase2_seconds")


def _dataset(folder):
    return factory.write(
        folder, regions=("A", "B"),
        techs=[{"tech": t, "fuel": "none", "efficiency": 1} for t in ("a", "b", "n")],
        costs=[{"tech": "a", "capex_cny_per_kw": 1000}, {"tech": "b", "capex_cny_per_kw": 1000},
               {"tech": "n", "capex_cny_per_kw": 2000}],
        potentials=[("B", "a", 0), ("B", "b", 0), ("A", "n", 0)],
        demand={"A": 8.76, "B": 8.76}, settings={"days": 1, "segments": 2})


def _file(path, **changes):
    path.write_text(yaml.safe_dump({**SPEC, **changes}, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """The hand case solved and written like ``run.py run`` would."""
    root = tmp_path_factory.mktemp("alternatives")
    run_scenario(_dataset(root / "data"), "test", out=root / "res")
    return root


@pytest.fixture(scope="module")
def full(solved, client):
    """Every alternative of the hand case in one go, figures and memo included."""
    res = run_alternatives(solved / "res", file=_file(solved / "alt.yaml"), client=client, progress=False)
    return res


def _group(ds, aid, group):
    return float(ds["group_capacity"].sel(alternative=aid, group=group, period=2020))


@needs_dask
def test_equal_costs_min_and_max_find_both_extremes(full):
    ds = full.dataset
    assert not full.failed and full.ran == 8 and list(ds["status"].to_numpy()) == ["optimal"] * 9
    assert float(ds["total_cost"].sel(alternative="optimum")) == pytest.approx(C_STAR, rel=1e-9)
    assert _group(ds, "a-min-2020-10pct", "a") == pytest.approx(0.0, abs=1e-7)
    assert _group(ds, "a-max-2020-10pct", "a") == pytest.approx(1 + SLACK * C_STAR / 0.1, rel=1e-7)
    assert _group(ds, "ab-max-2020-10pct", "ab") == pytest.approx(1.3, rel=1e-7)
    assert float(ds["capacity"].sel(alternative="a-max-2020-10pct", tech="b").sum()) == pytest.approx(0, abs=1e-7)
    assert (ds["total_cost"] <= (1 + SLACK) * C_STAR * (1 + 1e-9)).all()
    for aid in ("a-min-2020-10pct", "ab-min-2020-10pct", "n-min-2020-10pct"):  # the tie-break: no slack used
        assert float(ds["slack_used"].sel(alternative=aid)) == pytest.approx(0.0, abs=1e-7)
    # same variables as a run, along "alternative"; prices from duals are not defined for alternatives
    with xr.open_dataset(full.folder.parent / "results.nc") as run:
        assert set(run.data_vars) <= set(ds.data_vars)
    assert np.isnan(ds["electricity_price"].sel(alternative="a-max-2020-10pct")).all()
    assert np.isfinite(ds["electricity_price"].sel(alternative="optimum")).all()
    ranges = pd.read_csv(full.folder / "ranges.csv").set_index(["slack", "group", "period"])
    assert ranges.loc[(SLACK, "a", 2020), ["min", "max"]].tolist() == pytest.approx([0.0, 1.3], abs=1e-7)
    assert ranges.loc[(SLACK, "a", 2020), "plans"] == 9  # the optimum and 8 alternatives


@needs_dask
def test_needed_technology_min_equals_its_optimum(full):
    ds = full.dataset
    assert _group(ds, "n-min-2020-10pct", "n") == pytest.approx(_group(ds, "optimum", "n"), abs=1e-7)
    assert _group(ds, "n-min-2020-10pct", "n") == pytest.approx(1.0, abs=1e-7)
    assert _group(ds, "n-max-2020-10pct", "n") == pytest.approx(1 + SLACK * C_STAR / 0.2, rel=1e-7)
    from model.alternatives.answers import must_haves, sentences

    mh = must_haves(ds).set_index(["group", "region"])
    assert mh.loc[("n", "national"), "must_have"] == pytest.approx(1.0, abs=1e-7)
    assert bool(mh.loc[("n", "national"), "exact"])
    assert mh.loc[("n", "B"), "must_have"] == pytest.approx(1.0, abs=1e-7)
    assert mh.loc[("a", "national"), "must_have"] == pytest.approx(0.0, abs=1e-7)
    text = " ".join(sentences(ds, SLACK))
    assert "Every plan within 10 % of the least cost has at least 1.0 GW of n installed by 2020" in text
    cost = pd.read_csv(full.folder / "cost_of_minimum.csv").set_index("group")
    assert cost.loc["n", ["optimum", "minimum", "cut"]].tolist() == pytest.approx([1.0, 1.0, 0.0], abs=1e-7)
    assert cost.loc["a", "cost_bn_cny"] == pytest.approx(0.0, abs=1e-9)


@needs_dask
def test_spread_alternatives_move_away_from_what_earlier_plans_built(full):
    """The optimum built 1 GW of a or of b in A (a vertex); the first spread-out plan penalises that one
    and builds none of it, the other instead; n cannot move."""
    ds = full.dataset
    used = "a" if _group(ds, "optimum", "a") > 0.5 else "b"
    other = {"a": "b", "b": "a"}[used]
    cap = ds["capacity"].sel(alternative="spread-01-10pct", region="A", period=2020)
    assert float(cap.sel(tech=used)) == pytest.approx(0.0, abs=1e-7)
    assert float(cap.sel(tech=other)) >= 1 - 1e-7
    assert float(ds["total_cost"].sel(alternative="spread-01-10pct")) <= (1 + SLACK) * C_STAR * (1 + 1e-9)
    assert _group(ds, "spread-02-10pct", "n") == pytest.approx(1.0, abs=1e-7)


@needs_dask
def test_memo_and_report_pick_up_the_alternatives(full, solved):
    memo = (solved / "res" / "memo.html").read_text()
    assert "Near-optimal alternatives" in memo and "at least 1.0 GW of n installed by 2020" in memo
    assert {"ranges.png", "ranges.svg", "spread.png"} <= {p.name for p in (full.folder / "figures").iterdir()}
    from model.cli import main

    (solved / "res" / "memo.html").unlink()
    assert main(["report", str(solved / "res")]) == 0
    assert "What cutting a group to its minimum costs" in (solved / "res" / "memo.html").read_text()


@needs_dask
def test_resumed_run_gives_the_same_alternatives_nc(full, solved, client, tmp_path):
    out = tmp_path / "alt"
    first = run_alternatives(solved / "res", file=solved / "alt.yaml", out=out, client=client, progress=False,
                             figures=False, max_alternatives=7)  # the min/max ones and spread-01
    assert first.ran == 7 and first.pending == 1
    done = [a for a in os.listdir(out) if (out / a / "manifest.json").exists()]
    mtimes = {a: os.stat(out / a / "results.nc").st_mtime_ns for a in done}
    (out / ".a-min-2020-10pct.tmp-deadbeef").mkdir()  # what a worker killed while writing leaves
    second = run_alternatives(solved / "res", file=solved / "alt.yaml", out=out, client=client, progress=False,
                              figures=False, resume=True)
    assert second.ran == 1 and second.reused == 7 and not second.failed and not second.pending
    # spread-02 was spread from spread-01 as read back from disk
    assert json.loads((out / "spread-02-10pct" / "alternative.json").read_text())["after"] == ["spread-01-10pct"]
    assert not list(out.glob(".*.tmp-*"))
    assert {a: os.stat(out / a / "results.nc").st_mtime_ns for a in done} == mtimes
    got, want = xr.load_dataset(out / "alternatives.nc"), xr.load_dataset(full.folder / "alternatives.nc")
    assert list(got["alternative"].to_numpy()) == list(want["alternative"].to_numpy())
    for name, da in want.data_vars.items():
        if da.dtype.kind == "f" and name not in TIMINGS:
            np.testing.assert_allclose(got[name].to_numpy(), da.to_numpy(), rtol=1e-7, atol=1e-9, err_msg=name)
    for name in ("objective", "sense", "slack", "status", "objective_period"):
        assert list(got[name].to_numpy()) == list(want[name].to_numpy())


@needs_dask
@pytest.mark.parametrize("how", [{"method": "cold"}, {"method": "auto", "warm_budget": 0}])
def test_warm_start_reaches_the_cold_solves_extremes(full, solved, client, tmp_path, how, monkeypatch):
    """Cold interior-point solves, and warm ones whose budget (1 simplex iteration) runs out and that are
    then solved cold, find the warm-started extremes and least costs."""
    import model.alternatives.driver as driver

    monkeypatch.setattr(driver, "MIN_BUDGET", 1)
    f = _file(tmp_path / "cold.yaml", spread={"count": 0}, **how)
    cold = run_alternatives(solved / "res", file=f, out=tmp_path / "cold", client=client, progress=False,
                            figures=False)
    for aid in cold.dataset["alternative"].to_numpy()[1:]:  # each objective's own group (others may tie)
        g = str(cold.dataset["objective"].sel(alternative=aid).item())
        assert _group(cold.dataset, aid, g) == pytest.approx(_group(full.dataset, aid, g), abs=1e-6)
        assert float(cold.dataset["total_cost"].sel(alternative=aid)) == \
            pytest.approx(float(full.dataset["total_cost"].sel(alternative=aid)), rel=1e-6)
    expect = "cold" if how["method"] == "cold" else "warm, then cold"
    assert str(cold.dataset["phase1_method"].sel(alternative="a-max-2020-10pct").item()) == expect
    assert set(full.dataset["phase1_method"].to_numpy()[1:]) == {"warm"}  # the default budget suffices
    warm_iters = full.dataset["simplex_iterations"].sel(alternative="a-max-2020-10pct")
    assert float(warm_iters) < 20  # from the optimum's basis: a few pivots


def test_spread_weights_by_hand():
    """Columns: (A, x), (B, x) of one group, (A, y) of another. The optimum built 2 GW x in A, 1 GW x in B,
    nothing of y: weights 2/2 = 1 and 1/2, scaled by the group's largest build 2 GW; y unpenalised."""
    gid = np.array([0, 0, 1])
    coef = spread_coefficients(gid, [np.array([2.0, 1.0, 0.0])], 0.01)
    np.testing.assert_allclose(coef, [1 / 2, 0.5 / 2, 0.0])
    coef = spread_coefficients(gid, [np.array([2.0, 1.0, 0.0]), np.array([0.0, 4.0, 0.005])], 0.01)
    np.testing.assert_allclose(coef, [1 / 4, (0.5 + 1) / 4, 0.0])  # 0.005 GW < min_gw counts as unused


@pytest.mark.parametrize("change, expect", [
    ({"slak": [0.05]}, "unknown key 'slak' (did you mean 'slack'?)"),
    ({"slack": [5]}, "'slack': found [5.0]; expected fractions of the optimum's total cost in (0, 1]"),
    ({"groups": {"a": ["capacity[a"]}}, "'groups.a.0': cannot parse term 'capacity[a'"),
    ({"minmax": {"groups": ["nuclear"]}}, "'minmax.groups': unknown group 'nuclear'"),
    ({"spread": {"count": 2, "periodz": [2020]}}, "unknown key 'spread.periodz' (did you mean 'periods'?)"),
    ({"name": None}, "'name': Input should be a valid string"),
])
def test_bad_alternatives_file_clear_messages(tmp_path, change, expect):
    f = _file(tmp_path / "bad.yaml", **change)
    with pytest.raises(AlternativesFileError) as err:
        load_spec(f)
    assert any(expect in p and str(f) in p for p in err.value.problems), err.value.problems


@pytest.mark.parametrize("change, expect", [
    ({"groups": {"a": ["capacty[a]"]}}, "'groups.a.0' 'capacty[a]': unknown name 'capacty' (did you mean 'capacity'?)"),
    ({"groups": {"a": ["capacity[c]"]}}, "'groups.a.0' 'capacity[c]': no tech 'c'"),
    ({"groups": {"a": ["capacity[a,C]"]}}, "no region 'C'"),
    ({"groups": {"a": ["capacity[a]", "captured_co2"]}}, "'groups.a': mixes units GW, Mt/yr"),
    ({"periods": [2030]}, "'periods': 2030 is not a period of the model; expected one of 2020"),
])
def test_bad_terms_refused_before_any_solve(solved, tmp_path, change, expect):
    f = _file(tmp_path / "bad.yaml", **change)
    with pytest.raises(AlternativesFileError) as err:
        run_alternatives(solved / "res", file=f, out=tmp_path / "out", workers=1, progress=False)
    assert any(expect in p and str(f) in p for p in err.value.problems), err.value.problems
    assert not (tmp_path / "out").exists()


def test_cli_exit_code_2_for_bad_input(solved, tmp_path, capsys):
    from model.cli import main

    f = _file(tmp_path / "bad.yaml", groups={"a": ["capacity[solar]"]})
    assert main(["alternatives", str(solved / "res"), "--file", str(f), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "no tech 'solar'" in err and "Traceback" not in err and not (tmp_path / "o").exists()
    assert main(["alternatives", str(tmp_path / "nowhere"), "--file", str(f)]) == 2
    assert "no results.nc here" in capsys.readouterr().err
    assert main(["alternatives", str(solved / "res"), "--file", str(f), "--slack", "5"]) == 2
    assert "--slack 5.0: expected fractions" in capsys.readouterr().err


def test_refuses_a_dataset_changed_since_the_run(solved, tmp_path):
    import shutil

    data = shutil.copytree(solved / "data", tmp_path / "data")
    run_scenario(data, "test", out=tmp_path / "res")
    (data / "demand.csv").write_text((data / "demand.csv").read_text().replace("8.76", "9.0"))
    with pytest.raises(InputError, match="input checksum .* differs"):
        run_alternatives(tmp_path / "res", file=_file(tmp_path / "a.yaml"), progress=False)
