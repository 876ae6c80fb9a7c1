"""One period of the full-year check: the plan of that period operated over the whole year.

:func:`operate_period` is the task a Dask worker runs (everything it needs travels in its ``job``): the
period's data are prepared on the full year's time slices with the run's settings, its plan entered as
cohorts (:func:`~model.check.plan.fleet_as_cohorts`), the LP built by :func:`model.lp.assemble.build` —
so every constraint family the components define is there — then the elastic slacks added, every plan
column fixed by its bounds at the plan's value with cost 0 (capital terms are counted once, from the
planning run), the rows that hold plan columns alone dropped, and HiGHS solves what is left: the
operation. Costs are in the planning run's present value (its period weight).
"""
from __future__ import annotations

import time

import numpy as np
import xarray as xr

from model.check.elastic import PREFIX, add_elastic
from model.check.plan import fleet_as_cohorts, plan_mask, plan_only_rows, plan_values
from model.data.prepare import prepare
from model.data.settings import Settings
from model.lp.assemble import build
from model.lp.solve import (
    Handle,
    SolveError,
    SolverOptions,
    make_highs,
    pass_arrays,
    run_highs,
)

#: HiGHS options of the check's LPs (no capacity columns), chosen by measurement (docs/performance.md)
CHECK_HIGHS = {"solver": "ipx", "run_crossover": "off", "presolve": "on"}
#: unserved energy above this in a timestep counts as an hour of lost load [GW]
UNSERVED_GW = 1e-3


def period_settings(s: Settings, period: int) -> Settings:
    """The run's settings for one period alone (reserve margin and builds as in the run)."""
    return s.model_copy(update={"first_period": period, "last_period": period, "extra_days": [],
                                "first_period_builds": s.first_period_builds or period > s.first_period})


def period_data(job: dict) -> tuple[xr.Dataset, Settings]:
    """Prepared data of the job's period on the full year, in the planning run's present value."""
    s = period_settings(Settings.model_validate_json(job["settings"]), job["period"])
    p, plan = job["period"], job["plan"]
    data = prepare(job["tables"], job["profiles"], s, time=job["time"])
    data = fleet_as_cohorts(data, plan, p)
    data["period_weight"] = plan["period_weight"].sel(period=[p]).assign_attrs(data["period_weight"].attrs)
    if "captured_co2" in plan and np.isfinite(data["co2_storage"]).any():
        others = plan["captured_co2"].where(plan["period"] != p, 0.0).sum("period") * s.period_years
        left = (data["co2_storage"] - others.reindex(region=data["region"]).fillna(0.0)).clip(min=0)
        data["co2_storage"] = left.assign_attrs(data["co2_storage"].attrs)
    return data, s


def fixed_plan_arrays(lp, plan) -> dict:
    """The LP's arrays with every plan column fixed at the plan (cost 0) and plan-only rows dropped."""
    cost, lo, hi = lp.cost, lp.col_lower, lp.col_upper
    rlo, rhi, a = lp.row_lower, lp.row_upper, lp.matrix()
    cols, vals = plan_values(lp, plan)
    lo[cols] = vals
    hi[cols] = vals
    cost[cols] = 0.0
    mask = plan_mask(lp)
    drop = plan_only_rows(a, mask)
    rlo[drop], rhi[drop] = -np.inf, np.inf
    return {"cost": cost, "lo": lo, "hi": hi, "rlo": rlo, "rhi": rhi, "a": a, "plan": mask, "dropped": drop}


def residuals(arr: dict, x: np.ndarray) -> dict:
    """Our own check of a solution: largest violation of a row's bounds |Ax − b| and of a column's
    bounds, absolute and relative to the row's bound (HiGHS's own figures are in the solver info)."""
    ax = arr["a"] @ x
    keep = ~arr["dropped"]
    lo, hi = arr["rlo"][keep], arr["rhi"][keep]
    viol = np.maximum(np.maximum(lo - ax[keep], ax[keep] - hi), 0.0)
    scale = np.maximum(1.0, np.abs(np.where(np.isfinite(lo), lo, np.where(np.isfinite(hi), hi, 0.0))))
    col = np.maximum(np.maximum(arr["lo"] - x, x - arr["hi"]), 0.0)
    return {"max_row_violation": float(viol.max(initial=0.0)),
            "max_row_violation_rel": float((viol / scale).max(initial=0.0)),
            "max_bound_violation": float(col.max(initial=0.0))}


def solve_arrays(arr: dict, options: dict, threads: int | None = None) -> object:
    """Solve the fixed-plan LP with HiGHS; returns a :class:`model.lp.solve.Solution`."""
    h = make_highs(SolverOptions(options=options, threads=threads))
    pass_arrays(h, arr["cost"], arr["lo"], arr["hi"], arr["rlo"], arr["rhi"], arr["a"].tocsc())
    n_cols, n_rows = arr["a"].shape[1], arr["a"].shape[0]
    return run_highs(Handle(h, np.arange(n_cols), np.arange(n_rows), n_cols, n_rows))


def operate_period(job: dict) -> dict:
    """The Dask task: operate one period's plan over the full year (module docstring); returns the
    period's outcome as small arrays (:func:`model.check.accounting.outcome`)."""
    from model.check.accounting import outcome

    t0 = time.perf_counter()
    data, s = period_data(job)
    lp, acc, _ = build(data, s)
    slacks = add_elastic(lp, data, s.value_of_lost_load_cny_per_mwh)
    arr = fixed_plan_arrays(lp, job["plan"])
    t1 = time.perf_counter()
    try:
        sol = solve_arrays(arr, job.get("highs", CHECK_HIGHS), job.get("threads"))
    except SolveError as err:
        raise SolveError(err.status, f"the full-year check of {job['period']}: {err}; a constraint family "
                         f"that the year cannot meet may need a slack (model.check.elastic.ELASTIC)",
                         err.info) from None
    out = outcome(lp, acc, data, sol.x, arr, slacks)
    out.update({"period": job["period"], "build_s": t1 - t0, "solve_s": sol.timings["solve_s"],
                "status": sol.status, "lp_size": {"n_variables": lp.n_cols, "n_constraints": lp.n_rows,
                                                  "n_nonzeros": int(arr["a"].nnz)},
                "solver": {k: sol.info[k] for k in ("ipm_iterations", "crossover_iterations",
                                                     "simplex_iterations", "max_primal_infeasibility",
                                                     "max_dual_infeasibility")},
                "residuals": residuals(arr, sol.x), "slack_families": [n[len(PREFIX):] for n in slacks]})
    return out
