"""Near-optimal alternatives of a solved scenario, on Dask: ``run.py alternatives RESULTS --slack 0.05``.

:func:`run_alternatives` reads the alternatives file (:mod:`model.alternatives.spec`), loads the solved
scenario once (:mod:`model.alternatives.optimum`: the run's inputs and settings again, the LP, the
groups compiled into column vectors and checked against it before anything is solved), solves the
optimum once for its basis (kept in ``optimum.npz``), and sends all of it to every Dask worker once
(``client.scatter``). Each worker keeps one HiGHS instance with the cost row and re-solves it per
alternative from the optimum's basis (:mod:`model.alternatives.worker`). Min/max alternatives are
independent tasks; the spread-out alternatives of one slack form a chain (each task takes the outcomes
of the earlier ones as arguments, so Dask runs it when they are done) that runs beside them.

Every alternative is written by its worker to ``<results>/alternatives/<id>/`` atomically (a results
folder like a run's, plus ``alternative.json`` and ``solution.npz``); a failed one gets
``alternative.json`` and ``failure.json``. ``resume=True`` skips alternatives whose folder holds a whole
result for the same spec and optimum (failed ones are tried again; a spread-out alternative is reused
only when every earlier one of its chain is); ``max_alternatives`` runs at most that many of the rest.
Finally ``alternatives.nc``, the answers (``ranges.csv``, ``must_haves.csv``, ``cost_of_minimum.csv``),
``failures.csv`` and the figures are written (:mod:`model.alternatives.combine`), each atomically.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.alternatives.spec import AlternativesFileError, load_spec, make_alternatives
from model.alternatives.worker import MARKER, OK, RECORD, job_record, run_alternative
from model.batch import folders
from model.batch.cluster import close_client, gather, make_client
from model.data.settings import InputError

log = logging.getLogger(__name__)
#: the fewest simplex iterations a warm solve gets with method auto, however small the LP
MIN_BUDGET = 1000


@dataclass
class AlternativesOutcome:
    """What a run of alternatives did: folder, alternatives, how many ran now / were reused, failures;
    seconds in all, of which solving the optimum (0 when taken from ``optimum.npz``) and the alternatives
    on the cluster (from sending the model to the workers to the last outcome)."""

    folder: Path
    alternatives: list
    ran: int = 0
    reused: int = 0
    failed: list = field(default_factory=list)
    pending: int = 0
    seconds: float = 0.0
    optimum_s: float = 0.0
    solving_s: float = 0.0
    submitted: float = 0.0
    dataset: object = None
    outcomes: dict = field(default_factory=dict)

    def summary(self) -> str:
        """One line: alternatives solved, failed, not run; run now or reused; seconds; failed ids."""
        n = len(self.alternatives)
        ok = n - len(self.failed) - self.pending
        text = (f"Alternatives: {n} — {ok} solved, {len(self.failed)} failed, {self.pending} not run; "
                f"{self.ran} run now, {self.reused} reused from an earlier run, {self.seconds:.1f} s "
                f"(optimum {self.optimum_s:.1f} s)")
        return text + (f"; failures: {', '.join(self.failed)} (see failures.csv)" if self.failed else "")


def check_slacks(slacks) -> list[float]:
    """``--slack`` values: fractions of the optimum's cost in (0, 1]."""
    bad = [s for s in slacks or [] if not 0 < s <= 1]
    if bad:
        raise InputError([f"--slack {' '.join(map(str, bad))}: expected fractions of the optimum's total "
                          f"cost in (0, 1], e.g. 0.05 for 5 %"])
    return [float(s) for s in dict.fromkeys(slacks or [])]


def load_model(results_dir: Path, path: Path, spec, folder: Path):
    """The run reloaded, its LP built and the groups compiled: (inputs, results, data, lp, acc, groups)."""
    from model.alternatives.objectives import compile_groups
    from model.alternatives.optimum import check_days, reload_run
    from model.data.prepare import prepare
    from model.lp.assemble import build

    inputs, results = reload_run(results_dir)
    data = prepare(inputs.tables, inputs.profiles, inputs.settings)
    check_days(data, results, results_dir)
    lp, acc, _ = build(data, inputs.settings)
    periods = [int(p) for p in data["period"].to_numpy()]
    groups = compile_groups(spec, lp, acc, periods, path)
    return inputs, results, data, lp, acc, groups


def make_optimum(folder: Path, spec, inputs, results, data, lp, acc, groups):
    """The optimum (from ``optimum.npz`` or solved now) packed for the workers; and its solve time."""
    from model.alternatives.objectives import spread_columns
    from model.alternatives.optimum import Optimum, cached_optimum, check_objective, dual_based, optimum_key

    key = optimum_key(inputs, lp)
    found, solved = cached_optimum(folder / "optimum.npz", key, lp, inputs.settings)
    mismatch = check_objective(float(found["objective"]), results)
    cols, gid = spread_columns(lp, spec.spread.periods or spec.periods)
    attrs = {k: v for k, v in results.attrs.items()}
    attrs.update(optimum_relative_difference=mismatch, created=time.strftime("%Y-%m-%dT%H:%M:%S+00:00",
                                                                           time.gmtime()))
    opt = Optimum(key, lp, acc, data, inputs.settings, float(found["objective"]), np.asarray(found["x"]),
                  np.asarray(found["col_status"]), np.asarray(found["row_status"]), groups, cols, gid,
                  {}, spec.spread.min_gw, attrs)
    opt.dual_based = dual_based(lp, acc, data, opt.x, inputs.settings)
    return opt, float(found["solve_s"]) if solved else 0.0


def _write_definition(folder: Path, path: Path, spec, alts, slacks) -> None:
    text = Path(path).read_text(encoding="utf-8")
    folders.atomic_write(folder / "alternatives.yaml", lambda p: p.write_text(text, encoding="utf-8"))
    data = {"spec": spec.model_dump(), "slacks": slacks, "alternatives": [a.spec() for a in alts]}
    folders.atomic_write(folder / MARKER, lambda p: p.write_text(json.dumps(data, indent=2, default=str)))


def _from_disk(folder: Path, record: dict, spread_cols) -> dict | None:
    """Outcome of an alternative already on disk for this record (a result or a failure), else None."""
    if folders.is_complete(folder, record, RECORD):
        out = {"id": record["id"], "status": OK, "message": "", "seconds": None, "reused": True}
        if record["sense"] == "spread":
            with np.load(folder / "solution.npz") as f:
                out["spread"] = f["x"][spread_cols]
        return out
    fail = folders.recorded_failure(folder, record, RECORD)
    return {"id": record["id"], **fail, "seconds": None} if fail is not None else None


def plan(folder: Path, alts, opt, spec, resume: bool):
    """Jobs by id, the outcomes reused from disk, and the ids to run now in order (chains in order)."""
    budget = max(MIN_BUDGET, int(spec.warm_budget * opt.lp.n_rows))
    jobs = {a.id: {"out_dir": str(folder), "method": spec.method, "alternative": a.spec(),
                   "least_cost": a.sense in spec.least_cost_at, "warm_iterations": budget} for a in alts}
    key, spread_cols = opt.key, opt.spread_cols
    reused, todo, chain_ok = {}, [], {}
    for a in alts:
        after = [b.id for b in alts if b.sense == "spread" and b.slack == a.slack and b.index < a.index] \
            if a.sense == "spread" else []
        found = _from_disk(folder / a.id, job_record(jobs[a.id], key, after), spread_cols) if resume else None
        usable = found is not None and found["status"] == OK and chain_ok.get(a.slack, True)
        if a.sense == "spread":
            chain_ok[a.slack] = usable
        if usable:
            reused[a.id] = found
        else:
            todo.append(a.id)
    return jobs, reused, todo


def submit(client, opt_future, alts, jobs, todo: list[str], reused: dict) -> dict:
    """Submit the alternatives to run now: min/max ones independent, each slack's spread-out ones as a
    chain whose tasks take the earlier ones' outcomes (futures or reused outcomes) as arguments."""
    token = uuid.uuid4().hex[:6]
    by_id = {a.id: a for a in alts}
    earlier: dict[float, list] = {}
    futures = {}
    for rank, aid in enumerate(todo):
        a = by_id[aid]
        kw = dict(key=f"alternative-{aid}-{token}", pure=False, priority=-rank)
        if a.sense == "spread":
            chain = earlier.setdefault(a.slack, [reused[b.id] for b in alts if b.sense == "spread" and
                                                 b.slack == a.slack and b.index < a.index and b.id in reused])
            fut = client.submit(run_alternative, opt_future, jobs[aid], list(chain), **{**kw, "priority": 100})
            chain.append(fut)
        else:
            fut = client.submit(run_alternative, opt_future, jobs[aid], **kw)
        futures[fut] = aid
    return futures


def finish(folder: Path, results_dir: Path, optimum, opt, alts, outcomes: dict, figures: bool):
    """Combine and write; with ``figures`` draw the figures and refresh the run's memo."""
    from model.alternatives.combine import combine, write_combined

    ds = combine(folder, optimum, opt, alts, outcomes)
    write_combined(folder, ds)
    if figures:
        from model.alternatives.figures import write_figures
        from model.alternatives.memo import refresh_memo

        try:
            write_figures(ds, folder / "figures")
            refresh_memo(results_dir)
        except Exception as err:  # noqa: BLE001 - figures must not lose finished alternatives
            log.warning("alternatives figures or memo failed: %s: %s", type(err).__name__, err)
    return ds


def run_alternatives(results, slacks=None, file=None, out=None, workers: int | None = None,
                     scheduler: str | None = None, resume: bool = False, max_alternatives: int | None = None,
                     progress: bool = True, figures: bool = True, client=None) -> AlternativesOutcome:
    """Near-optimal alternatives of the run in ``results`` (see module docstring)."""
    from model.alternatives.spec import DEFAULT_FILE
    from model.results.write import remove_leftovers

    t0 = time.perf_counter()
    results_dir, path = Path(results), Path(file or DEFAULT_FILE)
    spec = load_spec(path)
    slacks = check_slacks(slacks) or list(spec.slack)
    alts = make_alternatives(spec, slacks)
    folder = Path(out or results_dir / "alternatives").resolve()
    inputs, res_ds, data, lp, acc, groups = load_model(results_dir, path, spec, folder)
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder)
    _write_definition(folder, path, spec, alts, slacks)
    opt, opt_s = make_optimum(folder, spec, inputs, res_ds, data, lp, acc, groups)
    jobs, outcomes, todo = plan(folder, alts, opt, spec, resume)
    todo = todo[:max_alternatives] if max_alternatives is not None else todo
    res = AlternativesOutcome(folder, alts, ran=len(todo), reused=len(outcomes), optimum_s=opt_s)
    if todo:
        own = client is None
        client = client or make_client(workers, scheduler)
        try:
            t1 = time.perf_counter()
            res.submitted = time.time()
            opt_future = client.scatter(opt, broadcast=True, hash=False)
            futures = submit(client, opt_future, alts, jobs, todo, outcomes)
            outcomes.update(gather(client, futures, progress, desc="alternatives", unit="alternative"))
            res.solving_s = time.perf_counter() - t1
        finally:
            if own:
                close_client(client, scheduler)
    for a in alts:  # min/max not run now: whatever an earlier run left for this spec
        if a.id not in outcomes and a.sense != "spread":
            found = _from_disk(folder / a.id, job_record(jobs[a.id], opt.key, []), [])
            if found is not None:
                outcomes[a.id] = found
    res.outcomes = outcomes
    res.dataset = finish(folder, results_dir, res_ds, opt, alts, outcomes, figures)
    status = res.dataset["status"].to_numpy()[1:]
    res.failed = [a.id for a, s in zip(alts, status) if s not in (OK, "pending")]
    res.pending = int((status == "pending").sum())
    res.seconds = time.perf_counter() - t0
    return res


def cmd_alternatives(args) -> int:
    """``python run.py alternatives RESULTS``: run, print a summary line and where the answers are; 0 when
    it ran (failed alternatives included), 130 when interrupted (bad input raises InputError: 2)."""
    import sys

    try:
        res = run_alternatives(args.results, args.slack, args.file, args.out, args.workers, args.scheduler,
                               args.resume, args.max_alternatives, not args.no_progress, not args.no_figures)
    except KeyboardInterrupt:
        print("Interrupted; finished alternatives are kept: run again with --resume.", file=sys.stderr)
        return 130
    print(res.summary())
    print(f"Results written to {res.folder}/ (alternatives.nc, ranges.csv, must_haves.csv, "
          f"cost_of_minimum.csv, failures.csv, figures/; one folder per alternative)")
    if not args.no_figures:
        print(f"Memo with the alternatives: {Path(args.results) / 'memo.html'}")
    return 0


__all__ = ["run_alternatives", "cmd_alternatives", "AlternativesFileError"]
