"""Run a scenario end to end: inputs → data → LP → solver → results (→ files, figures, memo).

Each stage reports to the progress line (:mod:`model.progress`) when one is installed, and a run that
writes a results folder keeps its log there as ``run.log`` (:mod:`model.run.runlog`).
"""
from __future__ import annotations

import contextlib
import time
from pathlib import Path

import xarray as xr

from model import progress
from model.data.prepare import prepare
from model.data.read import Inputs, load_inputs
from model.lp.assemble import build
from model.results.extract import extract
from model.run import runlog
from model.run.solved import Run, check_ranges, check_solver, solve_checked, stamp


def solve_inputs(inputs: Inputs, data: xr.Dataset | None = None) -> Run:
    """Prepare, build, solve and extract one scenario from loaded inputs."""
    timings = {}
    t0 = time.perf_counter()
    check_solver(inputs.settings)
    if data is None:
        with progress.stage("prepare (representative days, parameters)"):
            data = prepare(inputs.tables, inputs.profiles, inputs.settings)
    timings["prepare_s"] = time.perf_counter() - t0
    with progress.stage("build the LP"):
        lp, acc, timings["build_s"] = build(data, inputs.settings)
        check_ranges(lp)
    with progress.stage("solve (Pyomo hand-over, HiGHS)"):
        sol = solve_checked(lp, data, inputs.settings)
    timings.update(sol.timings)
    t1 = time.perf_counter()
    with progress.stage("extract results"):
        ds = extract(lp, acc, data, sol, inputs.settings)
    timings["extract_s"] = time.perf_counter() - t1
    stamp(ds, inputs, sol.objective, sol.info.get("solver", ""), sol.status, lp.size(), timings)
    return Run(ds, data, lp, acc, sol, timings)


def memo_steps():
    """Post-write steps that draw the figures and the memo inside a results folder."""
    def figures(folder: Path):
        from model.report.figures import write_figures

        with progress.stage("figures"), xr.open_dataset(folder / "results.nc") as ds:
            write_figures(ds.load(), folder / "figures")

    def memo(folder: Path):
        from model.report.memo import write_memo

        with progress.stage("memo"):
            write_memo(folder)

    return [figures, memo]


def solve(inputs: Inputs) -> Run:
    """Solve loaded inputs with the foresight their settings ask for (perfect or myopic)."""
    if inputs.settings.foresight == "myopic":
        from model.run.myopic import solve_myopic

        return solve_myopic(inputs, inputs.settings.look_ahead)
    return solve_inputs(inputs)


def run_scenario(inputs_dir, scenario: str = "3060", sets: list[str] | None = None,
                 out: Path | None = None, figures: bool = False, solve_with=None) -> Run:
    """Load, solve and (if ``out`` is given) write one scenario, with figures and memo if asked.

    ``solve_with(inputs) -> (run, extra_files)`` replaces the plain solve (:func:`solve`): the full-year
    check and ``--accuracy`` (:mod:`model.check.runner`) solve, check and add files this way.

    With ``out``, the run's log (ours and HiGHS's) is kept as ``out/run.log``. Everything that can be known
    before the solve is checked first (inputs, solver and its options, where the results go:
    :func:`model.results.write.check_target`), so a bad input costs no solve.
    """
    from model.results.write import check_target

    if out is not None:
        check_target(Path(out), protect=[inputs_dir])
    log_path = runlog.temporary_path(Path(out)) if out is not None else None
    with runlog.capture(log_path) if log_path else contextlib.nullcontext():
        try:
            return _run(inputs_dir, scenario, sets, out, figures, log_path, solve_with)
        finally:
            if log_path is not None:
                log_path.unlink(missing_ok=True)


def _run(inputs_dir, scenario, sets, out, figures, log_path, solve_with=None) -> Run:
    t0 = time.perf_counter()
    with progress.stage("read and check the inputs"):
        inputs = load_inputs(inputs_dir, scenario, sets)
        check_solver(inputs.settings)
    load_s = time.perf_counter() - t0
    run, extra = solve_with(inputs) if solve_with is not None else (solve(inputs), {})
    run.timings["load_s"] = load_s
    if out is not None:
        from model.results.write import write_results

        t1 = time.perf_counter()
        post = (memo_steps() if figures else []) + [runlog.copy_step(log_path)]
        with progress.stage("write results"):
            write_results(run.results, Path(out), extra_files=extra, post=post)
        run.timings["write_s"] = time.perf_counter() - t1
    return run
