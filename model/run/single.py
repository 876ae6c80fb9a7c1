"""Run a scenario end to end: inputs → data → LP → solver → results (→ files, figures, memo)."""
from __future__ import annotations

import time
from pathlib import Path

import xarray as xr

from model.data.prepare import prepare
from model.data.read import Inputs, load_inputs
from model.lp.assemble import build
from model.results.extract import extract
from model.run.solved import Run, check_ranges, check_solver, solve_checked, stamp


def solve_inputs(inputs: Inputs, data: xr.Dataset | None = None) -> Run:
    """Prepare, build, solve and extract one scenario from loaded inputs."""
    timings = {}
    t0 = time.perf_counter()
    check_solver(inputs.settings)
    if data is None:
        data = prepare(inputs.tables, inputs.profiles, inputs.settings)
    timings["prepare_s"] = time.perf_counter() - t0
    lp, acc, timings["build_s"] = build(data, inputs.settings)
    check_ranges(lp)
    sol = solve_checked(lp, data, inputs.settings)
    timings.update(sol.timings)
    t1 = time.perf_counter()
    ds = extract(lp, acc, data, sol, inputs.settings)
    timings["extract_s"] = time.perf_counter() - t1
    stamp(ds, inputs, sol.objective, sol.info.get("solver", ""), sol.status, lp.size(), timings)
    return Run(ds, data, lp, acc, sol, timings)


def memo_steps():
    """Post-write steps that draw the figures and the memo inside a results folder."""
    def figures(folder: Path):
        from model.report.figures import write_figures

        write_figures(xr.open_dataset(folder / "results.nc"), folder / "figures")

    def memo(folder: Path):
        from model.report.memo import write_memo

        write_memo(folder)

    return [figures, memo]


def run_scenario(inputs_dir, scenario: str = "3060", sets: list[str] | None = None,
                 out: Path | None = None, figures: bool = False) -> Run:
    """Load, solve and (if ``out`` is given) write one scenario, with figures and memo if asked.

    Everything that can be known before the solve is checked first (inputs, solver and its options,
    where the results go: :func:`model.results.write.check_target`), so a bad input costs no solve."""
    from model.results.write import check_target

    t0 = time.perf_counter()
    if out is not None:
        check_target(Path(out), protect=[inputs_dir])
    inputs = load_inputs(inputs_dir, scenario, sets)
    check_solver(inputs.settings)
    load_s = time.perf_counter() - t0
    if inputs.settings.foresight == "myopic":
        from model.run.myopic import solve_myopic

        run = solve_myopic(inputs, inputs.settings.look_ahead)
    else:
        run = solve_inputs(inputs)
    run.timings["load_s"] = load_s
    if out is not None:
        from model.results.write import write_results

        t1 = time.perf_counter()
        write_results(run.results, Path(out), post=memo_steps() if figures else ())
        run.timings["write_s"] = time.perf_counter() - t1
    return run
