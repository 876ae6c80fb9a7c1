r"""The worker side of alternatives: one HiGHS instance per worker process, re-solved per alternative.

The first alternative a worker gets loads the LP into HiGHS from its arrays (route ``arrays``; the same
LP the run solved) and adds two rows: the cost row

.. math::  \sum_j c_j x_j \le (1 + s)\, C^* \quad [\text{bn CNY}]

with c the LP's own objective coefficients (``lp.cost``, every family included, bn CNY per unit of each
column) and C* the optimum's cost; and a group row, free until phase 2 needs it. The cost row is in bn
CNY like the objective: its coefficients are the objective's (3e-5 … 55 on the default case) and its
bound ~4e4, inside the ranges the LP already has. Load shedding is fixed to zero unless the run allowed
it (an alternative must not buy its objective with unserved load).

Every alternative then changes only column costs (``changeColsCost``), row bounds and, in phase 2, the
group row's coefficients, puts back the optimum's basis (the added rows basic) and re-solves:

1. **phase 1**, min m·x (the group, signed for max; or the spread objective) s.t. the cost row, by primal
   simplex: the optimum is feasible, so it starts in phase 2 of the simplex method;
2. **phase 2** (the senses in ``least_cost_at``, by default min only: what cutting a group to its
   minimum costs), min c·x s.t. m·x ≤ m·x₁ (1 + 1e-6), by dual simplex: the optimum's basis is dual
   feasible and violates one row. It is skipped when the cost row's dual in phase 1 is not zero: then
   the cost bound is what stops the group, and every plan at the extreme costs the bound.

A simplex path from the optimum is short when an alternative moves the plan a little and very long
when it moves it far (on the default case: 107 iterations to minimise 2030 carbon capture, 78,610 —
ten times the optimum's solve — to cut 2030 solar from 3,100 to 410 GW, where a cold interior-point
solve takes about the optimum's time). ``method: auto`` (the default) therefore gives each warm solve
a budget of ``warm_budget`` × rows simplex iterations and solves cold by interior point (without
crossover: alternatives need no basis) when the budget runs out; the budget is a count, not a time,
so which way an alternative is solved does not depend on the machine. ``warm`` never falls back,
``cold`` always solves by interior point (the benchmark's reference). Resetting to the optimum's basis
every time makes an alternative's answer independent of what the worker solved before. HiGHS's time limit counts from an instance's first solve, so ``time_limit_s``
is applied to each solve anew.

Results are extracted like a run's (capacities, dispatch, costs recomputed from the solution); the
duals of an alternative's objective are not prices, so every variable derived from duals
(``Optimum.dual_based``, found by :func:`model.alternatives.optimum.dual_based`) is NaN.
:func:`run_alternative` never raises for an alternative that fails: it records status and message.
"""
from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass

import highspy
import numpy as np
import xarray as xr

from model.alternatives.objectives import objective_vector, spread_coefficients
from model.batch.folders import child_dir
from model.lp.solve import Handle, Solution, SolveError, SolverOptions, load_arrays, run_highs

MARKER = "alternatives.json"
RECORD = "alternative.json"
OK = "optimal"
#: relative excess over the cost bound accepted as the solver's tolerance
COST_TOLERANCE = 1e-6
#: the cost row's dual [objective units per bn CNY] × the bound below which the cost does not limit
#: the extreme, relative to the extreme's value
DUAL_ZERO = 1e-6
#: how far phase 2 may stay from phase 1's extreme, relative to its value
GROUP_TOLERANCE = 1e-6
STRATEGY = {"primal_simplex": 4, "dual_simplex": 1}
ITERATION_LIMIT = "Iteration limit reached"
NO_LIMIT = 2147483647
_LOADED: dict = {}


@dataclass
class Loaded:
    """The worker's HiGHS instance: the LP plus the cost row and the group row (the last two rows), the
    optimum's basis, and the columns the group row holds now."""

    key: str
    handle: Handle
    basis: highspy.HighsBasis
    cost_row: int
    group_row: int
    group_cols: np.ndarray


def load_model(opt) -> Loaded:
    """The worker's loaded model for this optimum (built on first use; one per worker)."""
    if opt.key in _LOADED:
        return _LOADED[opt.key]
    _LOADED.clear()
    s, lp = opt.settings, opt.lp
    options = {**s.solver_options, **opt.options}
    handle = load_arrays(lp, SolverOptions(threads=s.threads, time_limit_s=s.time_limit_s, options=options))
    h = handle.highs
    if not s.allow_unserved and "unserved" in lp.vars:
        pos = lp.vars["unserved"].positions.astype(np.int32)
        h.changeColsBounds(len(pos), pos, np.zeros(len(pos)), np.zeros(len(pos)))
    cost = lp.cost
    nz = np.flatnonzero(cost)
    free = highspy.kHighsInf
    h.addRow(-free, free, len(nz), nz.astype(np.int32), cost[nz])
    h.addRow(-free, free, 0, np.zeros(0, np.int32), np.zeros(0))
    basis = highspy.HighsBasis()
    basis.col_status = [highspy.HighsBasisStatus(int(v)) for v in opt.col_status]
    basis.row_status = [highspy.HighsBasisStatus(int(v)) for v in opt.row_status] + \
        [highspy.HighsBasisStatus.kBasic] * 2
    basis.valid = True
    n_rows = handle.n_rows + 2
    handle = Handle(h, handle.col_map, np.arange(n_rows), handle.n_cols, n_rows, handle.timings)
    _LOADED[opt.key] = Loaded(opt.key, handle, basis, n_rows - 2, n_rows - 1, np.zeros(0, np.int64))
    return _LOADED[opt.key]


def main_objective(opt, alt: dict, previous: list) -> tuple[np.ndarray, np.ndarray, list]:
    """(columns, coefficients) of the alternative's own objective (to minimise) and the ids of the
    earlier spread-out alternatives it was spread from."""
    if alt["sense"] == "spread":
        done = [o for o in previous if o and o.get("status") == OK and o.get("spread") is not None]
        xs = [opt.x[opt.spread_cols]] + [np.asarray(o["spread"]) for o in done]
        return opt.spread_cols, spread_coefficients(opt.spread_group, xs, opt.spread_min_gw), \
            [o["id"] for o in done]
    g = opt.groups[(alt["objective"], alt["period"])]
    return g.cols, (g.coef if alt["sense"] == "min" else -g.coef), []


def _start(h, opt) -> None:
    h.clearSolver()
    if opt.settings.time_limit_s:  # HiGHS's clock runs from the instance's first solve: limit this one
        h.setOptionValue("time_limit", h.getRunTime() + opt.settings.time_limit_s)


def _run(loaded: Loaded, opt, objective: np.ndarray, method: str, strategy: int, budget: int) -> tuple:
    """One solve of the loaded model with ``objective``: from the optimum's basis by simplex (``warm``;
    ``auto``: at most ``budget`` iterations, then cold), or cold by interior point without crossover.
    Returns the solution and {s, iterations, how}."""
    h, n = loaded.handle.highs, opt.lp.n_cols
    h.changeColsCost(n, np.arange(n, dtype=np.int32), objective)
    t0, iterations = time.perf_counter(), 0
    if method != "cold":
        _start(h, opt)
        h.setBasis(loaded.basis)
        for key, val in (("solver", "simplex"), ("simplex_strategy", strategy),
                         ("simplex_iteration_limit", budget if method == "auto" else NO_LIMIT)):
            h.setOptionValue(key, val)
        try:
            sol = run_highs(loaded.handle)
            return sol, {"s": time.perf_counter() - t0, "iterations": sol.info["simplex_iterations"], "how": "warm"}
        except SolveError as err:
            if method != "auto" or err.status != ITERATION_LIMIT:
                raise
            iterations = int(err.info.get("simplex_iterations", budget))
    _start(h, opt)
    for key, val in (("solver", opt.options.get("solver", "ipx")), ("run_crossover", "off"),
                     ("simplex_iteration_limit", NO_LIMIT)):
        h.setOptionValue(key, val)
    sol = run_highs(loaded.handle)
    return sol, {"s": time.perf_counter() - t0, "iterations": iterations + sol.info["simplex_iterations"],
                 "how": "cold" if method == "cold" else "warm, then cold"}


def _group_row(loaded: Loaded, m: np.ndarray, upper: float) -> None:
    """Put m·x ≤ upper into the group row (m: the objective's own coefficients over all columns)."""
    h = loaded.handle.highs
    for j in loaded.group_cols:
        h.changeCoeff(loaded.group_row, int(j), 0.0)
    loaded.group_cols = np.flatnonzero(m)
    for j in loaded.group_cols:
        h.changeCoeff(loaded.group_row, int(j), float(m[j]))
    h.changeRowBounds(loaded.group_row, -highspy.kHighsInf, upper)


def solve_alternative(opt, alt: dict, method: str, cols, coef, least_cost: bool = True,
                      budget: int = NO_LIMIT) -> tuple[Solution, dict]:
    """The alternative's plan: phase 1 reaches the extreme m·x* within the cost bound (primal simplex from
    the optimum's basis); with ``least_cost`` (min/max only), unless the cost bound is what limits it
    (the cost row's dual is not zero: then every plan at the extreme costs the bound), phase 2 finds the
    least-cost plan with m·x ≤ m·x* + tol (dual simplex from the optimum's basis: the optimum plus one
    violated row)."""
    loaded = load_model(opt)
    h, n, cost = loaded.handle.highs, opt.lp.n_cols, opt.lp.cost
    bound = (1 + alt["slack"]) * opt.objective
    h.changeRowBounds(loaded.cost_row, -highspy.kHighsInf, bound)
    h.changeRowBounds(loaded.group_row, -highspy.kHighsInf, highspy.kHighsInf)
    obj = objective_vector(n, cols, coef)
    sol, one = _run(loaded, opt, obj, method, STRATEGY["primal_simplex"], budget)
    value = float(obj @ sol.x)
    info = {"phase1_s": one["s"], "phase1_iterations": one["iterations"], "phase1_how": one["how"],
            "phase2_s": 0.0, "phase2_iterations": 0, "phase2_how": "", "phase2": False}
    dual = abs(float(sol.row_dual[loaded.cost_row]))
    if least_cost and alt["sense"] != "spread" and dual * bound <= DUAL_ZERO * max(abs(value), 1.0):
        _group_row(loaded, obj, value + GROUP_TOLERANCE * max(abs(value), 1.0))
        sol, two = _run(loaded, opt, cost, method, STRATEGY["dual_simplex"], budget)
        info.update(phase2=True, phase2_s=two["s"], phase2_iterations=two["iterations"], phase2_how=two["how"])
    total = float(cost @ sol.x)
    if total > bound * (1 + COST_TOLERANCE):
        raise SolveError("cost_exceeded", f"the solution costs {total:,.3f} bn CNY, above the bound "
                         f"{bound:,.3f} bn CNY; no results written")
    zero_rows, zero_cols = np.zeros(opt.lp.n_rows), np.zeros(n)  # no prices (module docstring)
    timings = {**sol.timings, "solve_s": info["phase1_s"] + info["phase2_s"]}
    return Solution(sol.status, total, sol.x, zero_rows, zero_cols, timings, {**sol.info, **info}), info


def results_of(opt, alt: dict, sol: Solution, main_value: float, method: str, seconds: float):
    """The alternative's results Dataset, stamped with the run's attributes and its own (objective
    value: the group's [its unit] or the spread objective's; solve times [s], simplex iterations)."""
    from model.results.extract import extract

    ds = extract(opt.lp, opt.acc, opt.data, sol, opt.settings)
    for name in opt.dual_based:  # the duals of an alternative's objective are not prices
        if name in ds:
            text = ds[name].dtype.kind in "OUS"
            ds[name] = xr.full_like(ds[name], "" if text else np.nan, dtype=object if text else float)
    keep = {k: v for k, v in opt.attrs.items() if not k.endswith("_s")}
    ds.attrs.update({**keep, "status": sol.status, "alternative": alt["id"], "objective": alt["objective"],
                     "sense": alt["sense"], "objective_period": alt["period"], "slack": alt["slack"],
                     "optimum_bn_cny": opt.objective, "objective_bn_cny": sol.objective,
                     "slack_used": sol.objective / opt.objective - 1, "objective_value": main_value,
                     "method": method, "solve_s": round(float(sol.timings["solve_s"]), 4),
                     "seconds": round(seconds, 4), "phase2": int(sol.info["phase2"]),
                     "simplex_iterations": int(sol.info["phase1_iterations"] + sol.info["phase2_iterations"]),
                     **{k: round(float(sol.info[k]), 4) for k in ("phase1_s", "phase2_s")},
                     **{k: sol.info[k] for k in ("phase1_how", "phase2_how")},
                     **{k: int(sol.info[k]) for k in ("phase1_iterations", "phase2_iterations")}})
    return ds


def _status(err: Exception) -> str:
    return re.sub(r"\W+", "_", str(getattr(err, "status", "error")).strip().lower()) or "error"


def run_alternative(opt, job: dict, previous: list = ()) -> dict:
    """Solve one alternative on this worker and write its folder; never raises for one that fails.

    ``job``: out_dir (absolute), method, alternative (``Alternative.spec()``); ``previous``: outcomes
    of the earlier spread-out alternatives of its chain. Returns id, status, message, seconds [s],
    cost [bn CNY], after (ids spread from), spread (values at the penalised columns), started and
    finished (epoch seconds) and worker (process id); solve times and iterations are in the results'
    attributes."""
    from model.results.write import atomic_folder, write_results

    t0 = time.perf_counter()
    alt = job["alternative"]
    target = child_dir(job["out_dir"], alt["id"], MARKER, "alternatives")
    out = {"id": alt["id"], "status": OK, "message": "", "spread": None, "after": [], "started": time.time(),
           "worker": os.getpid()}
    try:
        cols, coef, out["after"] = main_objective(opt, alt, list(previous))
        sol, _ = solve_alternative(opt, alt, job["method"], cols, coef, job.get("least_cost", True),
                                   job.get("warm_iterations", NO_LIMIT))
        value = float(np.dot(coef, sol.x[cols])) if alt["sense"] == "spread" else \
            opt.groups[(alt["objective"], alt["period"])].value(sol.x)
        ds = results_of(opt, alt, sol, value, job["method"], time.perf_counter() - t0)
    except SolveError as err:
        lines = [x.strip() for x in str(err).splitlines() if x.strip()]
        out.update(status=_status(err), message=" ".join(lines[:1] + ["; ".join(lines[1:])]).strip())
    except Exception as err:  # noqa: BLE001 - one alternative's failure must not stop the others
        out.update(status="error", message=f"{type(err).__name__}: {err}")
    record = json.dumps(job_record(job, opt.key, out["after"]), indent=2, default=str)
    if out["status"] == OK:
        def solution(p):
            with open(p, "wb") as fh:
                np.savez_compressed(fh, x=sol.x)
        write_results(ds, target, extra_files={RECORD: lambda p: p.write_text(record, encoding="utf-8"),
                                               "solution.npz": solution})
        out.update(cost=sol.objective, spread=sol.x[opt.spread_cols])
    else:
        with atomic_folder(target) as tmp:
            (tmp / RECORD).write_text(record, encoding="utf-8")
            (tmp / "failure.json").write_text(json.dumps({k: out[k] for k in ("status", "message")}))
    out["seconds"] = time.perf_counter() - t0
    out["finished"] = time.time()
    return out


def job_record(job: dict, key: str, after: list) -> dict:
    """What ``alternative.json`` holds: the alternative, the optimum it starts from, the method, whether
    it is reported at the least cost and, for spread-out ones, the earlier alternatives it was spread
    from."""
    return {**job["alternative"], "optimum": key, "method": job["method"],
            "warm_iterations": int(job.get("warm_iterations", NO_LIMIT)),
            "least_cost": bool(job.get("least_cost", True)), "after": list(after)}
