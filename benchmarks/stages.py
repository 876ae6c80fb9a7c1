"""One scenario run split into the stages the benchmarks time: the same calls as
:func:`model.run.single.run_scenario` (perfect foresight), one at a time, each timed [s] and its peak RSS
sampled [MB].

Stages: ``load`` (read and validate inputs), ``prepare`` (time aggregation, the data Dataset),
``build`` (the LP as numpy blocks), ``handover`` (route ``pyomo``: Pyomo model + standard-form compile +
pass to HiGHS; route ``arrays``: the LP's arrays to HiGHS), ``solve`` (HiGHS), ``extract`` (results
Dataset) and ``write`` (netCDF + CSVs, no figures).
"""
from __future__ import annotations

import gc
import tempfile
import time
from pathlib import Path

from common import RssMonitor, Timer, lp_arrays_mb, lp_labels_mb

STAGES = ("load", "prepare", "build", "handover", "solve", "extract", "write")


def solver_opts(settings, route: str | None = None):
    """The scenario's solver options, with the hand-over route replaced if ``route`` is given."""
    from model.run.solved import solver_options

    opts = solver_options(settings)
    if route:
        opts.route = route
    return opts


def load_and_prepare(inputs_dir, scenario: str, sets: list[str], timer: Timer | None = None):
    """Stages ``load`` and ``prepare``: returns (inputs, data)."""
    from model.data.prepare import prepare
    from model.data.read import load_inputs

    timer = timer or Timer()
    with timer("load"):
        inputs = load_inputs(inputs_dir, scenario, sets)
    with timer("prepare"):
        data = prepare(inputs.tables, inputs.profiles, inputs.settings)
    return inputs, data


def run_stages(inputs_dir, scenario: str = "3060", sets: list[str] | None = None, route: str = "pyomo",
               solve: bool = True, write: bool = True, monitor: RssMonitor | None = None) -> dict:
    """Run one scenario stage by stage; returns seconds per stage (``<stage>_s``), the hand-over split
    (``pyomo_build_s``, ``compile_s``, ``pass_s``), peak RSS per stage (``<stage>_peak_mb``), the
    problem size, the LP's array memory (``lp_arrays_mb``), the objective [bn CNY] and solver info."""
    from model.lp.assemble import build
    from model.lp.solve import load, run_highs
    from model.results.extract import extract
    from model.results.write import write_results

    gc.collect()
    own = monitor is None
    mon = monitor or RssMonitor().__enter__()
    timer = Timer(mon)
    t_start = time.perf_counter()
    try:
        inputs, data = load_and_prepare(inputs_dir, scenario, list(sets or []), timer)
        s = inputs.settings
        with timer("build"):
            lp, acc, _ = build(data, s)
        with timer("handover"):
            handle = load(lp, solver_opts(s, route))
        out = {"route": route, **lp.size(), "lp_arrays_mb": lp_arrays_mb(lp), "lp_labels_mb": lp_labels_mb(lp),
               "rss_before_build_mb": mon.start_mb["build"]}
        out.update(_handover_split(handle.timings))
        if solve:
            with timer("solve"):
                sol = run_highs(handle)
            out.update(objective=sol.objective, solver_info=sol.info, highs_solve_s=sol.timings["solve_s"])
            del handle
            with timer("extract"):
                ds = extract(lp, acc, data, sol, s)
            if write:
                with tempfile.TemporaryDirectory() as tmp, timer("write"):
                    write_results(ds, Path(tmp) / "run")
    finally:
        if own:
            mon.__exit__(None, None, None)
    out.update({f"{k}_s": v for k, v in timer.s.items()})
    out.update({f"{k}_peak_mb": v for k, v in mon.peaks.items()})
    out["peak_rss_mb"] = mon.overall
    out["wall_s"] = time.perf_counter() - t_start
    return out


def _handover_split(t: dict) -> dict:
    """Hand-over sub-stages from the route's own timings [s]."""
    return {"pyomo_build_s": t.get("pyomo_build_s", 0.0), "compile_s": t.get("compile_s", 0.0),
            "pass_s": t.get("handover_s", 0.0)}


def derived(r: dict) -> dict:
    """End-to-end total, overhead ratio and generation memory of one staged run."""
    total = sum(r.get(f"{k}_s", 0.0) for k in STAGES)
    solve = r.get("solve_s")
    gen_peak = max(r.get("build_peak_mb", 0.0), r.get("handover_peak_mb", 0.0))
    gen_incr = gen_peak - r["rss_before_build_mb"]
    return {"end_to_end_s": total,
            "overhead_s": total - (solve or 0.0),
            "overhead_ratio": (total - solve) / solve if solve else None,
            "generation_peak_increment_mb": gen_incr,
            "memory_ratio_generation_vs_arrays": gen_incr / r["lp_arrays_mb"]}
