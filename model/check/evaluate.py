"""The full-year check of a plan: every period operated over the whole year, on Dask or in this process.

:func:`check_plan` takes a results Dataset (the plan) and the inputs it was solved from, cuts the year into
365 calendar days (``check_segments`` steps each, :func:`model.data.timeslices.calendar_days`), runs
:func:`model.check.period.operate_period` for every period — in parallel on a Dask cluster (the same local
cluster or scheduler address that sweeps use, :func:`model.batch.cluster.make_client`) unless one worker
is asked for — and adds the capital terms of the plan (:func:`model.check.plan.capital_cost`) to make the
plan's evaluated cost. :mod:`model.check.output` turns the outcome into results variables.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import xarray as xr

from model import progress
from model.check.period import CHECK_HIGHS, operate_period
from model.check.plan import capital_cost, plan_dataset
from model.data.prepare import demand_share, prepare
from model.data.timeslices import calendar_days, representative_days
from model.lp.assemble import build


@dataclass
class CheckOptions:
    """How to run a check (its steps per calendar day are the ``check_segments`` setting): Dask workers
    (1: in this process) or a scheduler address, HiGHS options of its LPs, threads per solve."""

    workers: int | None = None
    scheduler: str | None = None
    highs: dict = field(default_factory=lambda: dict(CHECK_HIGHS))
    threads: int | None = None


@dataclass
class Check:
    """A plan's full-year check: per-period outcomes, the plan's costs [bn CNY PV] and seconds."""

    periods: list
    planning_cost: float
    capital_cost: float
    segments: int | None
    seconds: float
    outcomes: dict

    @property
    def operating_cost(self) -> float:
        return float(sum(o["operating_cost_pv"].sum() + o["operating_cost_other_pv"]
                         for o in self.outcomes.values()))

    @property
    def evaluated_cost(self) -> float:
        return self.capital_cost + self.operating_cost

    @property
    def cost_gap(self) -> float:
        return (self.evaluated_cost - self.planning_cost) / self.evaluated_cost

    @property
    def unserved_twh(self) -> float:
        return float(sum(o["unserved_twh"].sum() for o in self.outcomes.values()))

    @property
    def co2_excess_mt(self) -> float:
        return float(sum(o["co2_excess_mt"] for o in self.outcomes.values()))


def one_day_capital(inputs, settings, plan: xr.Dataset) -> float:
    """Capital terms of the plan [bn CNY PV] from an LP of the run's settings on a single day (the
    objective coefficients of plan columns do not depend on the time slices)."""
    share = demand_share(inputs.tables, settings)
    ts = representative_days(inputs.profiles, 1, share, None)
    s1 = settings.model_copy(update={"days": 1, "segments": None, "extra_days": []})
    lp, _, _ = build(prepare(inputs.tables, inputs.profiles, s1, time=ts), s1)
    return capital_cost(lp, plan)


def _map(jobs: list[dict], opts: CheckOptions, client=None) -> list[dict]:
    """``operate_period`` of every job, in the jobs' order; the live progress line says which periods
    are done."""
    if client is None and (opts.workers == 1 or len(jobs) == 1) and not opts.scheduler:
        out = []
        for k, j in enumerate(jobs):
            out.append(operate_period(j))
            progress.update(f"period {j['period']} operated ({k + 1}/{len(jobs)})", force=True)
        return out
    own = client is None
    if own:
        from model.batch.cluster import make_client

        client = make_client(opts.workers or min(os.cpu_count() or 1, len(jobs)), opts.scheduler)
    try:
        from distributed import as_completed

        futures = client.map(operate_period, jobs, key=[f"check-{j['period']}-{time.time_ns()}" for j in jobs],
                             pure=False)
        where = {f.key: j["period"] for f, j in zip(futures, jobs)}
        for k, fut in enumerate(as_completed(futures)):
            progress.update(f"period {where[fut.key]} operated ({k + 1}/{len(jobs)})", force=True)
        return client.gather(futures)
    finally:
        if own:
            from model.batch.cluster import close_client

            close_client(client, opts.scheduler)


def check_plan(results: xr.Dataset, inputs, opts: CheckOptions | None = None, client=None) -> Check:
    """Operate the plan in ``results`` over the full year, period by period (module docstring).

    ``inputs`` are the run's :class:`model.data.read.Inputs` (tables, profiles, settings); ``client`` an
    open Dask client to reuse (else one is made and closed, or none for one worker).
    """
    opts = opts or CheckOptions()
    t0 = time.perf_counter()
    s = inputs.settings
    plan = plan_dataset(results)
    ts = calendar_days(inputs.profiles, demand_share(inputs.tables, s), s.check_segments)
    periods = [int(p) for p in results["period"].to_numpy()]
    jobs = [{"period": p, "tables": inputs.tables, "profiles": inputs.profiles, "time": ts,
             "settings": s.model_dump_json(), "plan": plan, "highs": dict(opts.highs), "threads": opts.threads}
            for p in reversed(periods)]  # the later periods are the larger LPs: start them first
    outcomes = {o["period"]: o for o in _map(jobs, opts, client)}
    return Check(periods, float(results["total_cost"]), one_day_capital(inputs, s, plan), s.check_segments,
                 time.perf_counter() - t0, {p: outcomes[p] for p in periods})
