"""The progress line (model.progress), HiGHS's log condensed (model.lp.solver_log) and run.log."""
import io
import logging

import factory
import numpy as np

from model import progress, run_scenario
from model.lp.solver_log import HighsLog
from model.run import runlog

IPX = "  23    3.39500442e+01   3.39500442e+01   9.69e-16   1.67e-16  9.55e-11       0.7"
SIMPLEX = "       4481     4.0848162137e+04 Pr: 6406(360537); Du: 0(8.49166e-07) 187.0s"


def test_highs_log_condensed():
    h = HighsLog()
    assert h.feed("Presolving model\n") == "presolve…"
    assert h.feed(" Iter       primal obj ") is None  # an incomplete line waits for its end
    h.feed("\n")
    status = h.feed(IPX)  # IPX rows come without their newline
    assert status.startswith("interior point: iteration 23") and "gap 9.6e-11" in status
    assert h.feed("Using dual simplex solver\n") == "dual simplex…"
    status = h.feed(SIMPLEX + "\n")
    assert status.startswith("dual simplex: iteration 4,481, objective 40848.2") and "primal 6,406" in status
    assert h.feed("Number of dual pushes required:   31098\n") == "crossover: number of dual pushes 31098"
    assert h.feed("some other line\n") is None and h.lines == 7


def test_progress_line_on_a_pipe_is_throttled_and_stages_logged(caplog):
    stream = io.StringIO()
    p = progress.Progress(stream, interval_s=3600)
    with caplog.at_level(logging.INFO, logger="model"), progress.reporting(p):
        with progress.stage("build"):
            progress.update("adding capacity")  # within the interval: not written
            progress.update("adding dispatch", force=True)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[build ") and lines[0].endswith("starting")
    assert lines[1].endswith("adding dispatch") and len(lines) == 2
    assert any(r.getMessage().startswith("build: ") and r.getMessage().endswith(" s") for r in caplog.records)
    progress.update("nothing installed: a no-op")  # must not raise


def test_progress_line_on_a_terminal_is_rewritten_in_place():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    p = progress.Progress(stream, interval_s=0)
    p.update("one")
    p.update("two")
    p.clear()
    assert stream.getvalue().count("\r\033[K") == 3 and "\n" not in stream.getvalue()


def _tiny(folder):
    return factory.write(folder, techs=[{"tech": "gas", "fuel": "gas", "efficiency": 0.5}],
                         costs=[{"tech": "gas", "capex_cny_per_kw": 1000, "vom_cny_per_mwh": 10}],
                         fuels=[("gas", 0.056, False)], fuel_prices={"gas": 50.0},
                         settings={"days": 1, "segments": 4})


def test_run_log_kept_in_the_results_folder(tmp_path, monkeypatch):
    made = []
    original = runlog.temporary_path
    monkeypatch.setattr(runlog, "temporary_path", lambda out: made.append(original(out)) or made[-1])
    run = run_scenario(_tiny(tmp_path / "data"), "test", ["discount_rate=0.03"], out=tmp_path / "out")
    log = (tmp_path / "out" / "run.log").read_text()
    assert "model.lp.highs: Running HiGHS" in log  # HiGHS's own log
    assert "HiGHS: optimal after" in log and "coefficient ranges" in log  # ours
    assert len(made) == 1 and not made[0].exists()  # the temporary log is gone
    assert run.results.attrs["cli_overrides"] == "discount_rate=0.03"
    assert np.isfinite(run.solution.objective)
    assert not logging.getLogger("model.lp.highs").handlers  # nothing left attached


def test_capture_leaves_logging_as_it_was(tmp_path):
    highs = logging.getLogger("model.lp.highs")
    before = (logging.getLogger("model").level, highs.level, highs.propagate)
    with runlog.capture(tmp_path / "x.log"):
        logging.getLogger("model.test").info("hello")
    assert (logging.getLogger("model").level, highs.level, highs.propagate) == before
    assert "model.test: hello" in (tmp_path / "x.log").read_text()
