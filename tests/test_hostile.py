"""What a hostile (or unlucky) user types: nothing destroys data, nothing shows a traceback.

Each case runs ``model.cli.main(argv)`` in-process on a tiny factory dataset and asserts the exit code
(2 input, 3 solve, 1 internal/OS error, 0 done) and the one line that explains it. Nearly every case is
refused before anything is built; the few that solve use one region and one representative day.
"""
from __future__ import annotations

import errno
import os
import signal
import time
from pathlib import Path

import factory
import numpy as np
import pandas as pd
import pytest
import yaml

from model.cli import main
from model.results.write import MARKER

GAS = {"tech": "gas", "fuel": "none", "efficiency": 1}


def _case(folder: Path, **kw) -> Path:
    """One region, gas only (capex 1000 CNY/kW, 100 CNY/MWh), one representative day."""
    args = dict(techs=[GAS], costs=[{"tech": "gas", "capex_cny_per_kw": 1000, "vom_cny_per_mwh": 100}],
                settings={"days": 1})
    args.update(kw)
    return factory.write(folder, **args)


def _run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


def _one_line(err: str, *parts: str) -> str:
    """The stderr line holding every part; no traceback anywhere."""
    assert "Traceback" not in err, err
    hits = [line for line in err.splitlines() if all(p in line for p in parts)]
    assert hits, f"no line with {parts} in:\n{err}"
    return hits[0]


@pytest.fixture
def ds(tmp_path) -> Path:
    return _case(tmp_path / "ds")


def _files(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# -- output safety --------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["dataset", "parent of the dataset"])
def test_out_that_is_or_contains_the_dataset_is_refused(ds, capsys, where):
    before = _files(ds)
    out = ds if where == "dataset" else ds.parent
    code, err = _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", out, "--no-figures")
    assert code == 2
    _one_line(err, f"--out {out}: is or contains the dataset folder")
    assert _files(ds) == before


def test_out_that_is_a_file_or_the_root_is_refused(ds, tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    code, err = _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", notes)
    assert code == 2 and notes.read_text() == "mine"
    _one_line(err, f"--out {notes}: is an existing file; expected a folder")
    code, err = _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", "/")
    assert code == 2
    _one_line(err, "--out /: is the root of the file system")


def test_a_folder_the_tool_did_not_write_is_not_replaced(ds, tmp_path, capsys):
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("years of work")
    code, err = _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", mine)
    assert code == 2 and (mine / "chapter1.tex").read_text() == "years of work"
    _one_line(err, "is a folder this tool did not write (no .cn3060-results in it)")


def test_results_carry_the_marker_and_are_replaced_by_the_next_run(ds, tmp_path, capsys):
    out = tmp_path / "res"
    assert _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", out, "--no-figures")[0] == 0
    assert (out / MARKER).is_file()
    (out / "stale.txt").write_text("from the first run")
    assert _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", out, "--no-figures")[0] == 0
    assert (out / MARKER).is_file() and not (out / "stale.txt").exists()


@pytest.mark.parametrize("name", ["/abs/victim", "../../escaped"])
def test_scenario_names_are_plain_names(tmp_path, capsys, name):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    ds = _case(tmp_path / "ds", scenarios={name: {"description": "hostile"}})
    code, err = _run(capsys, "run", "--inputs", ds, "--scenario", name, "--no-figures")
    assert code == 2 and (victim / "keep.txt").read_text() == "keep"
    _one_line(err, f"--scenario {name!r}: expected a plain name")
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", name)
    assert code == 2
    _one_line(err, f"scenario name {name!r}: expected a plain name")


def test_read_only_or_full_output_place_is_refused_before_the_solve(ds, tmp_path, capsys, monkeypatch):
    import model.results.write as write

    def read_only(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system")

    with monkeypatch.context() as m:
        m.setattr(write.tempfile, "mkdtemp", read_only)
        code, err = _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", tmp_path / "r")
    assert code == 2
    _one_line(err, f"--out {tmp_path / 'r'}: cannot write in {tmp_path}: Read-only file system")
    monkeypatch.setattr(write.shutil, "disk_usage", lambda p: type("U", (), {"free": 3 * 2**20})())
    code, err = _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", tmp_path / "r")
    assert code == 2
    _one_line(err, "only 3.0 MiB free in", "expected at least 50 MiB")


def test_leftovers_of_killed_runs_are_removed_by_the_next_write(tmp_path):
    from model.results.write import atomic_folder

    out = tmp_path / "res"
    dead = tmp_path / f".res.tmp-{2**22 + 12345}-deadbeef"  # a process id no system hands out
    legacy = tmp_path / ".res.tmp-cafef00d"
    live = tmp_path / f".res.tmp-{os.getppid()}-0badcafe"  # its writer is still running
    for p in (dead, legacy, live):
        p.mkdir()
    with atomic_folder(out) as tmp:
        (tmp / "x.txt").write_text("new")
    assert not dead.exists() and not legacy.exists() and live.exists()
    assert (out / "x.txt").read_text() == "new" and (out / MARKER).is_file()


# -- crashes become explanations ---------------------------------------------------------------------
def test_infeasible_run_with_a_coal_ban_is_explained(tmp_path, capsys):
    """The reproduction of the issue in small: a cap no mix can meet, with no_new_coal_after set."""
    ds = factory.write(
        tmp_path / "ds",
        techs=[{"tech": "coal", "fuel": "coal", "efficiency": 0.4}],
        costs=[{"tech": "coal", "capex_cny_per_kw": 3500}], fuels=[("coal", 0.1, False)],
        fuel_prices={"coal": 20}, co2_caps=[("c", 2000, -3000.0), ("c", 2100, -3000.0)],
        settings={"co2_cap": "c", "days": 1, "no_new_coal_after": 2019, "allow_cap_increase": True})
    code, err = _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", tmp_path / "o",
                     "--no-figures")
    assert code == 3 and not (tmp_path / "o").exists()
    _one_line(err, "the 2020 CO2 cap of -3,000 Mt/yr cannot be met")
    _one_line(err, "GW of new unabated coal commissioned after 2019 would be needed despite no_new_coal_after")
    assert "KeyError" not in err and "no explanation" not in err


def test_report_compares_two_runs_of_the_same_scenario(tmp_path, capsys):
    from results_fixture import make_results, write_results_folder

    a = write_results_folder(tmp_path / "a", make_results("3060"))
    b = write_results_folder(tmp_path / "b", make_results("3060", scale=0.9))
    for f in (a, b):
        (f / MARKER).write_text("")
    (a / "figures").mkdir()  # figures drawn already: only the comparison chart is drawn here
    (a / "figures" / "01_capacity.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    code, err = _run(capsys, "report", a, "--compare", b)
    assert code == 0, err
    table = pd.read_csv(a / "comparison.csv", index_col=0)
    assert {"3060 (1)", "3060 (2)"} <= set(table.columns)
    assert "3060 (1)" in (a / "memo.html").read_text(encoding="utf-8")


def test_report_refuses_a_folder_it_did_not_write(tmp_path, capsys):
    from results_fixture import make_results, write_results_folder

    a = write_results_folder(tmp_path / "a", make_results("3060"))
    code, err = _run(capsys, "report", a)
    assert code == 2 and not (a / "memo.html").exists()
    _one_line(err, "not a results folder this tool wrote")


def test_missing_capacity_credit_is_an_input_error_and_null_switches_the_margin_off(tmp_path, capsys):
    ds = _case(tmp_path / "ds", settings={"days": 1, "reserve_margin": 0.15})
    techs = pd.read_csv(ds / "techs.csv").drop(columns="capacity_credit")
    techs.to_csv(ds / "techs.csv", index=False)
    code, err = _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", tmp_path / "o")
    assert code == 2
    _one_line(err, "techs.csv: column 'capacity_credit': no technology counts towards the reserve margin",
              "reserve_margin: null")
    code, err = _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", tmp_path / "o",
                     "--no-figures", "--set", "reserve_margin=null")
    assert code == 0, err
    import xarray as xr

    with xr.open_dataset(tmp_path / "o" / "results.nc") as res:
        assert float(res["reserve_requirement"].sum()) == 0.0


def test_a_constant_row_that_cannot_hold_is_an_explained_infeasibility(tmp_path):
    """Credits given, but only to a technology that cannot exist: the reserve rows hold no variable.
    Pyomo refuses to compile them; the run explains it (exit 3 from the CLI)."""
    from model import run_scenario
    from model.lp.solve import InfeasibleError

    ds = _case(tmp_path / "ds", techs=[{**GAS, "capacity_credit": 0},
                                       {**GAS, "tech": "firm", "capacity_credit": 1}],
               costs=[{"tech": "gas", "capex_cny_per_kw": 1000}, {"tech": "firm", "capex_cny_per_kw": 1000}],
               potentials=[("A", "firm", 0.0)], settings={"days": 1, "reserve_margin": 0.1})
    with pytest.raises(InfeasibleError) as err:
        run_scenario(ds, "test")
    assert "falls 110.0 GW short of the reserve requirement" in "\n".join(err.value.explanation)


def test_a_table_that_is_a_folder(ds, capsys):
    (ds / "costs.csv").unlink()
    (ds / "costs.csv").mkdir()
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 2
    _one_line(err, "costs.csv: is a folder; expected a file")


def test_deeply_nested_yaml(ds, capsys):
    (ds / "scenarios.yaml").write_text("defaults: " + "[" * 5000 + "]" * 5000 + "\nscenarios: {test: {}}\n")
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 2
    _one_line(err, "scenarios.yaml: line 1", "nested deeper than 50 levels")


@pytest.mark.parametrize("sets, expect", [
    (["solver_options={presolv: 'off'}"], "HiGHS has no option 'presolv' (did you mean 'presolve'?)"),
    (["solver_options={time_limit: soon}"], "HiGHS option time_limit: found 'soon'; expected a number"),
    (["solver=nosuchsolver"], "solver 'nosuchsolver': unknown solver"),
])
def test_solver_and_options_checked_before_the_build(ds, tmp_path, capsys, monkeypatch, sets, expect):
    import model.run.single as single

    def never(*a, **k):
        raise AssertionError("prepare or build reached")

    monkeypatch.setattr(single, "prepare", never)
    monkeypatch.setattr(single, "build", never)
    argv = ["run", "--inputs", ds, "--scenario", "test", "--out", tmp_path / "o"]
    code, err = _run(capsys, *argv, *[x for s in sets for x in ("--set", s)])
    assert code == 2
    _one_line(err, expect)
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test",
                     *[x for s in sets for x in ("--set", s)])
    assert code == 2
    _one_line(err, expect)


@pytest.mark.parametrize("argv, expect", [
    (["sweep", "x.yaml", "--workers", "-1"], "argument --workers: found -1; expected at least 1 worker"),
    (["sweep", "x.yaml", "--max-members", "-1"], "argument --max-members: found -1; expected 0 or more"),
    (["validate", "--days", "0"], "argument --days: found 0; expected a number of days from 1 to 365"),
    (["run", "--time-limit", "inf"], "argument --time-limit: found inf; expected a positive, finite"),
])
def test_bad_command_line_is_one_line_exit_2(capsys, argv, expect):
    with pytest.raises(SystemExit) as ex:
        main(argv)
    err = capsys.readouterr().err
    assert ex.value.code == 2 and len(err.strip().splitlines()) == 1
    _one_line(err, expect)


def _bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_at_once(ds, tmp_path, capsys):
    (ds / "scenarios.yaml").write_text("scenarios: {test: {}}\ndefaults: {}\n" + _bomb())
    t0 = time.perf_counter()
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 2 and time.perf_counter() - t0 < 10
    _one_line(err, "scenarios.yaml", "the aliases expand to more than 100,000 values")
    sweep = tmp_path / "bomb.yaml"
    sweep.write_text(f"name: b\ninputs: {ds}\nbase: test\ngrid: {{discount_rate: [0.05]}}\n" + _bomb())
    code, err = _run(capsys, "sweep", sweep, "--out", tmp_path / "o")
    assert code == 2 and not (tmp_path / "o").exists()
    _one_line(err, "bomb.yaml", "the aliases expand to more than 100,000 values")


def test_a_grid_of_a_hundred_million_members_is_refused_without_building_it(ds, tmp_path, capsys):
    grid = {f"capex_fix_{i}": {"targets": ["capex[gas]"], "values": [f"*{1 + k / 100}" for k in range(10)]}
            for i in range(8)}
    f = tmp_path / "huge.yaml"
    f.write_text(yaml.safe_dump({"name": "huge", "inputs": str(ds), "base": "test", "grid": grid}))
    t0 = time.perf_counter()
    code, err = _run(capsys, "sweep", f, "--out", tmp_path / "o")
    assert code == 2 and time.perf_counter() - t0 < 10
    _one_line(err, "grid: found 100,000,000 members (10 × 10 × 10 × 10 × 10 × 10 × 10 × 10); expected at "
                   "most 100,000")


def test_an_internal_error_is_one_line_and_the_traceback_only_with_verbose(ds, capsys, monkeypatch):
    import model.cli as cli

    def boom(args):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(cli, "cmd_validate", boom)
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 1 and len(err.strip().splitlines()) == 1
    _one_line(err, "internal error: RuntimeError: boom (please report it")
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test", "--verbose")
    assert code == 1 and "Traceback" in err and "internal error: RuntimeError: boom" in err

    def full(args):
        raise OSError(errno.ENOSPC, "No space left on device", "results/x/results.nc")

    monkeypatch.setattr(cli, "cmd_validate", full)
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 1
    _one_line(err, "Operating system error results/x/results.nc: No space left on device")


# -- accepted silently before ------------------------------------------------------------------------
def test_duplicate_keys_in_scenarios_yaml_and_sweep_files(ds, tmp_path, capsys):
    (ds / "scenarios.yaml").write_text('defaults: {days: 1}\nscenarios:\n  "test": {co2_cap: c}\n'
                                       '  "test": {description: again}\n')
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 2
    _one_line(err, "scenarios.yaml: line 4, column 3", "duplicate key 'test' (first given on line 3)")
    f = tmp_path / "dup.yaml"
    f.write_text(f"name: d\ninputs: {ds}\nbase: test\nname: e\ngrid: {{discount_rate: [0.05]}}\n")
    code, err = _run(capsys, "sweep", f, "--out", tmp_path / "o")
    assert code == 2
    _one_line(err, "dup.yaml: line 4", "duplicate key 'name'")


@pytest.mark.parametrize("setting, expect", [
    ("days: true", "setting 'days': found True; expected a whole number (not true/false)"),
    ("period_years: true", "setting 'period_years': found True; expected a whole number"),
    ("value_of_lost_load_cny_per_mwh: .inf", "setting 'value_of_lost_load_cny_per_mwh': found inf; "
                                             "expected a finite number"),
    ("first_period: 10000000000000000000", "setting 'first_period': found 10000000000000000000; expected a "
                                           "value less than or equal to 2200"),
])
def test_settings_are_strict(ds, capsys, setting, expect):
    data = yaml.safe_load((ds / "scenarios.yaml").read_text())
    data["defaults"].update(yaml.safe_load(setting))
    (ds / "scenarios.yaml").write_text(yaml.safe_dump(data))
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 2
    _one_line(err, expect)


def test_days_zero_is_not_dropped(ds, capsys):
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test", "--set", "days=0")
    assert code == 2
    _one_line(err, "--set 'days=0': setting 'days': found 0; expected a value greater than or equal to 1")


def test_empty_brackets_do_not_select_every_row(ds, capsys):
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test", "--set", "capex[]=5")
    assert code == 2
    _one_line(err, "--set 'capex[]=5': found an empty key in []")


def test_files_outside_the_dataset_are_refused(ds, tmp_path, capsys):
    for target in ("/dev/zero", "../elsewhere.csv", str(tmp_path / "abs.csv")):
        data = yaml.safe_load((ds / "scenarios.yaml").read_text())
        data["scenarios"]["test"]["files"] = {"demand": target}
        (ds / "scenarios.yaml").write_text(yaml.safe_dump(data))
        code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
        assert code == 2
        _one_line(err, f"files: 'demand': found '{target}', outside the dataset folder")


def test_all_zero_profile_and_unusual_magnitudes_warn(tmp_path, capsys):
    ds = _case(tmp_path / "ds", techs=[GAS, {"tech": "pv", "kind": "variable", "profile": "solar_utility"}],
               costs=[{"tech": "gas", "capex_cny_per_kw": 1000}, {"tech": "pv", "capex_cny_per_kw": 3000}],
               profiles={"solar_utility": {"A": np.zeros(8760)}})
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test", "--set", "capex*=100")
    assert code == 0
    _one_line(err, "warning: profiles/solar_utility: capacity factor 0 in every hour in A: pv would "
                   "produce nothing there")
    _one_line(err, "warning: costs.csv: row", "column 'capex_cny_per_kw': found 300000 CNY/kW, above the "
                   "usual at most 100,000 CNY/kW")


def test_fewer_representative_days_than_asked_warn(ds, capsys):
    """Identical days (flat profiles): tsam finds fewer distinct days than asked, and says so."""
    from model.data.prepare import prepare
    from model.data.read import load_inputs

    inputs = load_inputs(ds, "test", ["days=4"])
    with pytest.warns(UserWarning, match="days: 4 representative days asked, 3 found"):
        prepare(inputs.tables, inputs.profiles, inputs.settings)


def test_costs_a_million_times_too_large_are_refused_and_large_lp_costs_warn(ds, capsys):
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test", "--set", "capex*=1e6")
    assert code == 2
    _one_line(err, "column 'capex_cny_per_kw': found 1000000000 after the override; expected a value in "
                   "[0, 1,000,000] [CNY/kW], the plausible range for CNY/kW (check the units)")
    from model.lp.problem import LP
    from model.run.solved import check_ranges

    lp = LP()
    lp.add_variables("x", pd.DataFrame({"region": ["A"]}), cost=3.5e7, unit="GW")
    with pytest.warns(UserWarning, match="cost coefficients reach 3.5e[+]07"):
        check_ranges(lp)


# -- hangs and floods ---------------------------------------------------------------------------------
def test_two_hundred_thousand_bad_rows_are_counted_not_printed(ds, capsys):
    costs = pd.read_csv(ds / "costs.csv", dtype=str)
    n = 200_000
    bad = pd.DataFrame({"tech": "gas", "year": np.arange(3000, 3000 + n).astype(str),
                        "capex_cny_per_kw": "abc"})
    pd.concat([costs, bad]).to_csv(ds / "costs.csv", index=False)
    t0 = time.perf_counter()
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 2 and time.perf_counter() - t0 < 60
    _one_line(err, "costs.csv: column 'capex_cny_per_kw': … and 199,980 more like it")
    assert len(err.splitlines()) < 60 and max(map(len, err.splitlines())) < 1000


def test_many_duplicate_rows_make_short_lines(ds, capsys):
    costs = pd.read_csv(ds / "costs.csv", dtype=str)
    pd.concat([costs] * 50_000).to_csv(ds / "costs.csv", index=False)
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 2 and max(map(len, err.splitlines())) < 1000
    _one_line(err, "costs.csv: rows 2, 4, 6", "(50,000 rows) (tech=gas, year=2000): duplicate key")


def test_ordering_a_hundred_thousand_members_is_fast():
    from model.sweep.order import order_members
    from model.sweep.spec import Member, Param

    rng = np.random.default_rng(3)
    x = rng.uniform(size=(100_000, 3))
    members = [Member(f"s{i}", "", [], {"a": a, "b": b, "c": c}) for i, (a, b, c) in enumerate(x)]
    params = [Param(k, k, [k], "=") for k in "abc"]
    t0 = time.perf_counter()
    order = order_members(members, params)
    assert time.perf_counter() - t0 < 30
    assert sorted(m.id for m in order) == sorted(m.id for m in members)
    steps = np.abs(np.diff(np.array([[m.values[k] for k in "abc"] for m in order]), axis=0)).sum(axis=1)
    assert np.median(steps) < 0.1  # neighbours are close (random order: about 1)


def _alarm(seconds: int):
    def fail(*_):
        raise TimeoutError("blocked")

    signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)


def test_a_named_pipe_or_a_device_is_refused_before_reading(ds, capsys):
    (ds / "costs.csv").unlink()
    os.mkfifo(ds / "costs.csv")
    (ds / "profiles" / "load.csv").unlink()
    (ds / "profiles" / "load.csv").symlink_to("/dev/zero")
    _alarm(30)
    try:
        code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    finally:
        signal.alarm(0)
    assert code == 2
    _one_line(err, "costs.csv: is not a regular file (a pipe, device or socket)")
    _one_line(err, "profiles/load.csv: is not a regular file")


# -- wrong messages -------------------------------------------------------------------------------
def test_demand_beyond_what_the_base_period_can_serve_is_explained(tmp_path, capsys):
    """No investment in the base period: demand there beyond the existing fleet cannot be served. The
    elastic re-solve says so instead of 'structurally inconsistent data'."""
    ds = _case(tmp_path / "ds", techs=[{**GAS, "lifetime_yr": 40}], existing=[("A", "gas", 2015, 50, 0)],
               settings={"days": 1, "first_period_builds": False, "last_period": 2025, "period_years": 5})
    code, err = _run(capsys, "run", "--inputs", ds, "--scenario", "test", "--out", tmp_path / "o",
                     "--no-figures")
    assert code == 3
    _one_line(err, "in A 2020, 438.0 TWh/yr of demand cannot be served: the base period 2020 allows no "
                   "investment")
    assert "structurally inconsistent" not in err


def test_an_empty_grid_list_is_named_as_such(ds, tmp_path, capsys):
    f = tmp_path / "empty.yaml"
    f.write_text(yaml.safe_dump({"name": "e", "inputs": str(ds), "base": "test", "grid": {"capex[gas]": []}}))
    code, err = _run(capsys, "sweep", f, "--out", tmp_path / "o")
    assert code == 2
    _one_line(err, "grid: 'capex[gas]': found no values; expected a list of at least one value")
    assert "mix" not in err


def test_a_header_only_regions_file_is_one_line(ds, capsys):
    (ds / "regions.csv").write_text("region,name,grid_region,provinces,lon_deg,lat_deg\n")
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 2
    _one_line(err, "regions.csv: no rows (only a header); expected at least one region")
    assert len(err.strip().splitlines()) <= 3, err


def test_the_zero_width_space_is_spelled_out(ds, capsys):
    existing = "region,tech,build_year,capacity_gw,energy_gwh\nA,gas\u200b,2015,1,0\n"
    (ds / "existing.csv").write_text(existing, encoding="utf-8")
    code, err = _run(capsys, "validate", "--inputs", ds, "--scenario", "test")
    assert code == 2
    _one_line(err, "existing.csv: row 2", "column 'tech': found 'gas\\u200b' (with invisible characters); "
                   "expected an identifier without spaces or invisible characters")
    assert "did you mean 'gas'" not in err
