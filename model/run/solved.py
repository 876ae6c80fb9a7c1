"""A solved scenario and the steps every solve shares, whatever the foresight: the coefficient-range check,
the solve with infeasibility and load shedding explained, and the attributes stamped on results.
"""
from __future__ import annotations

import datetime as dt
import logging
import platform
import warnings
from dataclasses import dataclass, field

import xarray as xr

from model.data.read import Inputs
from model.data.settings import InputError
from model.lp.solve import (
    INFEASIBLE,
    InfeasibleError,
    SolveError,
    SolverOptions,
    solve,
    solver_problems,
)
from model.version import __version__, git_commit

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
#: largest objective coefficient [bn CNY per GW, GWh or Mt] and right-hand side [GW, GWh, Mt] of a
#: well-scaled LP (the default dataset: about 60 and 1e5); far larger ones come from unit errors in
#: the inputs (costs ×1e6 keep the matrix range but not these)
COST_WARNING, RHS_WARNING = 1e5, 1e8


def check_ranges(lp) -> dict:
    """Log the LP's coefficient ranges; warn when the matrix spans more than :data:`RANGE_WARNING`, or
    costs or right-hand sides exceed :data:`COST_WARNING` / :data:`RHS_WARNING`."""
    ranges = lp.coefficient_ranges()
    log.info("coefficient ranges: " + ", ".join(f"{k} [{lo:.1e}, {hi:.1e}]" for k, (lo, hi) in ranges.items()))
    lo, hi = ranges["matrix"]
    if lo > 0 and hi / lo > RANGE_WARNING:
        warnings.warn(f"the LP's matrix coefficients span {lo:.1e} … {hi:.1e} (ratio {hi / lo:.1e} > "
                      f"{RANGE_WARNING:.0e}): check the units of the inputs; duals may be inaccurate",
                      stacklevel=2)
    for key, limit, what in (("cost", COST_WARNING, "costs and prices (bn CNY per GW, GWh or t)"),
                             ("rhs", RHS_WARNING, "demand, capacities and caps (GW, TWh, Mt)")):
        top = ranges.get(key, (0.0, 0.0))[1]
        if top > limit:
            warnings.warn(f"the LP's {key} coefficients reach {top:.1e} (> {limit:.0e}): check the units of "
                          f"the {what} in the inputs; the solve may be slow and its prices inaccurate",
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


def check_solver(settings, where: str = "settings") -> None:
    """Refuse an unknown or unavailable solver, or options it does not take, before anything is built
    (:func:`model.lp.solve.solver_problems`); raises :class:`~model.data.settings.InputError`."""
    problems = solver_problems(solver_options(settings), where)
    if problems:
        raise InputError(problems)


def versions() -> dict:
    import highspy
    import pyomo

    return {"model_version": __version__, "git_commit": git_commit(), "pyomo": pyomo.__version__,
            "highspy": highspy.Highs().version(), "python": platform.python_version()}


def solve_checked(lp, data: xr.Dataset, settings):
    """Solve ``lp``; an infeasible model, or one that sheds load without ``allow_unserved``, raises
    :class:`InfeasibleError` with the explanation of an elastic re-solve (:mod:`model.lp.diagnose`)."""
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
        "cli_overrides": "; ".join(inputs.scenario.cli_overrides),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        **size, **versions(),
    })
    for k, v in timings.items():
        ds.attrs[k] = round(float(v), 4)
