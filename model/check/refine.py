"""Days added until the answer holds (``--accuracy``): check, add the days served worst, re-solve.

After each solve the plan is checked over the full year (:func:`model.check.evaluate.check_plan`). If
``cost_gap`` ≤ the target and no load is left unserved (nor the CO2 cap exceeded), it stops: *converged*.
Otherwise the calendar days that the representative days serve worst become representative days of their
own (``extra_days``, :func:`model.data.timeslices.representative_days`; weights re-balanced to 365) and the
scenario is solved again, at most :data:`MAX_ITERATIONS` times: then it stops at the *iteration limit*.

Which days: each calendar day c's **cost error** is its operating cost in the full-year check minus the
operating cost of its representative day d(c) in the planning solve per day it stands for, summed over
periods [bn CNY PV] (operating terms of the timesteps: fuel, O&M, and lost load at the value of lost load,
so days with lost load come first). The day with the largest error that is not yet a day of its own is
taken, with its neighbours on either side while their error is at least half of it (a multi-day lull
is added as a run of consecutive days, which year-linked storage then sees in sequence), until
:data:`DAYS_PER_ITERATION` days are added. Each re-solve starts cold: the new LP has the added days'
timesteps, and the interior point — 2.3× faster than the simplex on the default LP
(``docs/performance.md``) — cannot start from the last basis (a simplex start from the old basis
extended to the new columns is possible, since the old days keep their timestep labels, but is not
implemented).
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from model.check.accounting import operating_costs
from model.check.evaluate import Check, CheckOptions, check_plan
from model.check.plan import plan_mask
from model.data.settings import InputError
from model.run.solved import UNSERVED_TOLERANCE_TWH

#: re-solves at most (the first solve not counted)
MAX_ITERATIONS = 6
#: calendar days added per iteration
DAYS_PER_ITERATION = 16
#: CO2 above the cap that still counts as within it [Mt/yr, summed over periods]
CO2_TOLERANCE_MT = 0.05


@dataclasses.dataclass
class Refinement:
    """What ``--accuracy`` did: one row per solve, why it stopped, the days it added."""

    target: float
    history: list
    stop: str
    extra_days: list


def converged(check: Check, target: float) -> bool:
    return (check.cost_gap <= target and check.unserved_twh <= UNSERVED_TOLERANCE_TWH
            and check.co2_excess_mt <= CO2_TOLERANCE_MT)


def cost_error(run, check: Check) -> np.ndarray:
    """(365,) cost error of every calendar day [bn CNY PV] (module docstring)."""
    data, lp = run.data, run.lp
    planned = operating_costs(lp, run.solution.x, lp.cost, data, plan_mask(lp))["daily"]  # (P, D)
    chron = data["chronology"].to_numpy()
    per_day = planned / data["day_weight"].to_numpy()[None, :]
    periods = [int(p) for p in data["period"].to_numpy()]
    return sum(check.outcomes[p]["daily_cost_pv"] - per_day[k, chron] for k, p in enumerate(periods))


def worst_days(error: np.ndarray, own: np.ndarray, budget: int) -> list[int]:
    """Up to ``budget`` calendar days to add: the worst not yet ``own`` days, grown into runs."""
    error = np.where(own, -np.inf, error)
    picked: list[int] = []
    while len(picked) < budget:
        seed = int(np.argmax(error))
        if not error[seed] > 0:
            break
        run = [seed]
        for step in (-1, 1):
            c = seed + step
            while 0 <= c < len(error) and error[c] >= 0.5 * error[seed] and len(picked) + len(run) < budget:
                run.append(c)
                c += step
        picked += run
        error[run] = -np.inf
    return sorted(picked)


def own_days(data) -> np.ndarray:
    """(365,) bool: calendar days that are a representative day of their own already."""
    weight = data["day_weight"].to_numpy()
    return weight[data["chronology"].to_numpy()] <= 1


def with_extra_days(inputs, days: list[int]):
    settings = inputs.settings.model_copy(update={"extra_days": sorted(set(days))})
    return dataclasses.replace(inputs, scenario=dataclasses.replace(inputs.scenario, settings=settings))


def _row(k: int, run, check: Check, extra: int, solve_s: float) -> dict:
    return {"iteration": k, "representative_days": int(run.data.sizes["day"]), "extra_days": extra,
            "planning_cost_bn_cny": check.planning_cost, "evaluated_cost_bn_cny": check.evaluated_cost,
            "cost_gap": check.cost_gap, "unserved_twh": check.unserved_twh,
            "co2_excess_mt": check.co2_excess_mt, "solve_s": solve_s, "check_s": check.seconds}


def refine(inputs, target: float, solve, opts: CheckOptions | None = None,
           max_iterations: int = MAX_ITERATIONS, days_per_iteration: int = DAYS_PER_ITERATION,
           on_iteration=None):
    """Solve, check and add days until converged or at the limit (module docstring). ``solve`` maps
    inputs to a :class:`model.run.solved.Run`; ``on_iteration`` (optional) is called with each row of
    the history as it is made. Returns (the last run, its check, a :class:`Refinement`)."""
    if inputs.settings.foresight != "perfect":
        raise InputError(["--accuracy: needs perfect foresight (the cost error of a day is read from the "
                          "planning LP); drop --foresight myopic"])
    opts = opts or CheckOptions()
    client = _client(opts, len(inputs.settings.periods))
    history, stop = [], "iteration limit"
    try:
        for k in range(max_iterations + 1):
            t0 = time.perf_counter()
            run = solve(inputs)
            solve_s = time.perf_counter() - t0
            check = check_plan(run.results, inputs, opts, client)
            history.append(_row(k, run, check, len(inputs.settings.extra_days), solve_s))
            if on_iteration is not None:
                on_iteration(history[-1])
            if converged(check, target):
                stop = "converged"
                break
            if k == max_iterations:
                break
            new = worst_days(cost_error(run, check), own_days(run.data), days_per_iteration)
            if not new:
                stop = "no day left to add"
                break
            inputs = with_extra_days(inputs, list(inputs.settings.extra_days) + new)
    finally:
        if client is not None:
            from model.batch.cluster import close_client

            close_client(client, opts.scheduler)
    return run, check, Refinement(target, history, stop, list(inputs.settings.extra_days))


def _client(opts: CheckOptions, n_periods: int):
    if (opts.workers == 1 or n_periods == 1) and not opts.scheduler:
        return None
    import os

    from model.batch.cluster import make_client

    return make_client(opts.workers or min(os.cpu_count() or 1, n_periods), opts.scheduler)
