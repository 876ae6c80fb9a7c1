"""Run a scenario end to end: inputs → data → LP → solver → results (→ files)."""
from __future__ import annotations

import datetime as dt
import logging
import platform
import warnings
import time
from dataclasses import dataclass, field
from pathlib import Path

import xarray as xr

from model import __version__
from model.lp.assemble import build
from model.data.read import Inputs, load_inputs
from model.data.prepare import prepare
from model.results.extract import extract
from model.lp.solve import INFEASIBLE, InfeasibleError, SolveError, SolverOptions, solve

log = logging.getLogger(__name__)

#: load shedding above this (summed over periods, TWh/yr) makes a run fail unless allow_unserved is set
UNSERVED_TOLERANCE_TWH = 1e-3


def unserved_twh(lp, x, data) -> float:
    """Unserved energy of a solution summed over regions and periods [TWh/yr]."""
    v = lp.values(x, "unserved")
    if not len(v):
        return 0.0
    w = data["weight"].to_numpy()[v.index.get_level_values("timestep")]
    return float((v.to_numpy() * w).sum() / 1000)


#: coefficient ratio above which the LP is reported as badly scaled
RANGE_WARNING = 1e7


def check_ranges(lp) -> dict:
    """Log the LP's coefficient ranges; warn when the matrix spans more than :data:`RANGE_WARNING`."""
    ranges = lp.coefficient_ranges()
    log.info("coefficient ranges: " + ", ".join(f"{k} [{lo:.1e}, {hi:.1e}]" for k, (lo, hi) in ranges.items()))
    lo, hi = ranges["matrix"]
    if lo > 0 and hi / lo > RANGE_WARNING:
        warnings.warn(f"the LP's matrix coefficients span {lo:.1e} … {hi:.1e} (ratio {hi / lo:.1e} > "
                      f"{RANGE_WARNING:.0e}): check the units of the inputs; duals may be inaccurate",
                      stacklevel=2)
    return ranges


@dataclass
class Run:
    """A solved scenario: its results Dataset, the LP and data it came from, and timings [s]."""

    results: xr.Dataset
    data: xr.Dataset
    lp: object
    acc: object
    solution: object
    timings: dict = field(default_factory=dict)


def solver_options(settings) -> SolverOptions:
    return SolverOptions(solver=settings.solver, route=settings.route, threads=settings.threads,
                         time_limit_s=settings.time_limit_s, options=dict(settings.solver_options),
                         log_to_console=settings.solver_log)


def versions() -> dict:
    import highspy
    import pyomo

    return {"model_version": __version__, "pyomo": pyomo.__version__,
            "highspy": highspy.Highs().version(), "python": platform.python_version()}


def solve_inputs(inputs: Inputs, data: xr.Dataset | None = None) -> Run:
    """Prepare, build, solve and extract one scenario from loaded inputs."""
    timings = {}
    t0 = time.perf_counter()
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


def solve_checked(lp, data: xr.Dataset, settings):
    """Solve ``lp``; an infeasible model, or one that sheds load without ``allow_unserved``, raises
    :class:`InfeasibleError` with the explanation of an elastic re-solve (:mod:`model.diagnose`)."""
    opts = solver_options(settings)
    try:
        sol = solve(lp, opts)
    except SolveError as err:
        if err.status not in INFEASIBLE:
            raise
        from model.lp.diagnose import explain_infeasible

        raise InfeasibleError(err.status, explain_infeasible(data, settings, opts)) from None
    shed = unserved_twh(lp, sol.x, data)
    if shed > UNSERVED_TOLERANCE_TWH and not settings.allow_unserved:
        from model.lp.diagnose import explain_infeasible

        lines = explain_infeasible(data, settings, opts)
        raise InfeasibleError("load shedding", lines + [f"the least-cost solution sheds {shed:,.2f} TWh of "
                              f"load over the horizon (set allow_unserved: true to accept it)"])
    return sol


def stamp(ds: xr.Dataset, inputs: Inputs, objective: float, solver: str, status: str, size: dict,
          timings: dict) -> None:
    """Attributes every results Dataset carries: scenario, inputs and settings, solver, objective [bn CNY],
    LP size (``n_variables``, ``n_constraints``, ``n_nonzeros``), versions and timings [s]."""
    ds.attrs.update({
        "scenario": inputs.scenario.name, "description": inputs.scenario.description,
        "objective_bn_cny": objective, "solver": solver, "status": status,
        "input_checksum": inputs.checksum, "inputs": str(inputs.folder),
        "settings": inputs.settings.model_dump_json(), "overrides": "; ".join(inputs.scenario.overrides),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        **size, **versions(),
    })
    for k, v in timings.items():
        ds.attrs[k] = round(float(v), 4)


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
    """Load, solve and (if ``out`` is given) write one scenario, with figures and memo if asked."""
    t0 = time.perf_counter()
    inputs = load_inputs(inputs_dir, scenario, sets)
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
