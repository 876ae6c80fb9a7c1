"""A run either replaces the previous results completely or leaves them untouched."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import factory
import pytest

from model import run_scenario
from model.results.write import MARKER, write_results

ROOT = Path(__file__).resolve().parent.parent


def _case(tmp_path):
    return factory.write(tmp_path, techs=[{"tech": "gas", "fuel": "none", "efficiency": 1}],
                         costs=[{"tech": "gas", "capex_cny_per_kw": 1000, "vom_cny_per_mwh": 100}],
                         settings={"days": 1})


def test_kill_between_the_two_renames_is_repaired(tmp_path):
    """A kill right after the old results were moved aside: the next write puts them back
    before doing anything else, and then replaces them as usual."""
    run = run_scenario(_case(tmp_path / "d"), "test")
    out = tmp_path / "res"
    write_results(run.results, out)
    before = (out / "results.nc").read_bytes()
    os.replace(out, tmp_path / ".res.old-deadbeef")  # the state such a kill leaves
    from model.results.write import restore_interrupted

    restore_interrupted(out)
    assert (out / "results.nc").read_bytes() == before
    os.replace(out, tmp_path / ".res.old-deadbeef")
    write_results(run.results, out)
    assert (out / "results.nc").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_derived_answers_are_written_as_csv(tmp_path):
    run = run_scenario(_case(tmp_path / "d"), "test")
    out = write_results(run.results, tmp_path / "res")
    import pandas as pd

    for name, column in (("lcoe.csv", "lcoe_cny_per_mwh"), ("capacity_factor.csv", "capacity_factor"),
                         ("prices.csv", "price_load_weighted_cny_per_mwh"),
                         ("entry.csv", "capex_reduction_to_enter_cny_per_kw")):
        df = pd.read_csv(out / name)
        assert column in df.columns and len(df) > 0, name
    assert "system_cost_cny_per_mwh" in pd.read_csv(out / "periods.csv").columns


def test_failure_while_writing_keeps_previous_results(tmp_path):
    run = run_scenario(_case(tmp_path / "d"), "test")
    out = tmp_path / "res"
    write_results(run.results, out)
    before = (out / "results.nc").read_bytes()

    def broken(folder):
        (folder / "half.txt").write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_results(run.results, out, post=[broken])
    assert (out / "results.nc").read_bytes() == before
    assert not (out / "half.txt").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_interrupted_run_leaves_previous_results(tmp_path):
    """Ctrl-C (SIGINT) during the solve of a larger case: exit code 130, old results intact."""
    out = tmp_path / "res"
    (out).mkdir()
    (out / "results.nc").write_text("previous")
    (out / MARKER).write_text("")
    cmd = [sys.executable, "run.py", "run", "--inputs", "inputs/china7", "--scenario", "3060",
           "--days", "8", "--out", str(out), "--no-figures"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in proc.stderr:  # the coefficient-range line comes just before the hand-over to HiGHS
        seen.append(line)
        if "coefficient ranges" in line:
            break
    time.sleep(6)  # Pyomo + compile take a few seconds; the interior-point iterations well over a minute
    assert proc.poll() is None, "".join(seen)[-2000:]
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert (out / "results.nc").read_text() == "previous"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".res")]


def test_killed_run_leaves_previous_results(tmp_path):
    """SIGKILL cannot be caught: the previous folder is still whole (a stray temporary folder may stay)."""
    out = tmp_path / "res"
    out.mkdir()
    (out / "results.nc").write_text("previous")
    (out / MARKER).write_text("")
    cmd = [sys.executable, "run.py", "run", "--inputs", "inputs/china7", "--scenario", "3060",
           "--days", "8", "--out", str(out), "--no-figures"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(12)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert (out / "results.nc").read_text() == "previous"
