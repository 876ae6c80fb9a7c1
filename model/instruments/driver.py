"""Cap, tax and collar under the same uncertainty, on Dask: ``run.py instruments 3060 --samples 20``.

:func:`run_instruments` (see :mod:`model.instruments.spec` for what the instruments are):

1. reads the uncertainty file and draws its Latin-hypercube sample; checks the scenario, the reference
   and every sample's ``--set`` strings against the dataset before anything is solved;
2. solves the cap scenario in the central case (a batch member like every other, on the cluster) and
   takes its CO2 price path; a cap that cannot be solved stops the run (:class:`SolveError`, exit 3);
3. solves every instrument on every sample and in the central case, as members of
   :mod:`model.sweep.worker` (each worker keeps one model per instrument and re-solves it warm-started;
   members are ordered by instrument, then by neighbourhood in the sample);
4. writes ``instruments.nc`` (:mod:`~model.instruments.combine`), the answers' CSVs
   (:mod:`~model.instruments.answers`), the figures and ``memo.html``.

Each member is written by its worker to ``<folder>/<instrument>_<sample>/`` atomically (a results folder
plus ``member.json``; a failed member gets ``failure.json``: it is listed, the rest finish).
``resume=True`` reuses members whose folder holds a whole result for exactly the same spec (the same
price path included); ``max_members`` solves at most that many of the rest (for chunked runs and tests).
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from model.batch import folders
from model.batch.cluster import close_client, make_client
from model.data.settings import InputError
from model.instruments import spec as S
from model.results.write import MARKER as RESULTS_MARKER
from model.results.write import check_target, remove_leftovers
from model.sweep.combine import OK, read_member
from model.sweep.driver import SweepOutcome, execute, preflight
from model.sweep.order import order_members
from model.sweep.worker import member_record

log = logging.getLogger(__name__)


@dataclass
class InstrumentsOutcome(SweepOutcome):
    """What an instruments run did: folder, members, solved now / reused, failures, seconds, dataset."""

    label: ClassVar[str] = "Instruments"
    unit: ClassVar[str] = "solves"


def _load(design: S.Design):
    """The scenario and the reference, loaded and validated with the shared sets (InputError)."""
    from model.data.read import load_inputs

    out = {}
    for name in dict.fromkeys([design.scenario, design.reference]):
        try:
            out[name] = load_inputs(design.spec.inputs, name, design.shared)
        except InputError as err:
            raise InputError([f"instruments: scenario '{name}': {p}" for p in err.problems]) from None
    return out


def _prepare_folder(folder: Path, design: S.Design, members) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder)
    (folder / RESULTS_MARKER).write_text("written by cn-3060 (an instruments folder)\n", encoding="utf-8")
    data = {"scenario": design.scenario, "reference": design.reference, "collar": design.collar,
            "file": str(design.file), "spec": design.spec.model_dump(), "shared_sets": design.shared,
            "samples": [m.spec() for m in members]}
    folders.atomic_write(folder / S.MARKER, lambda p: p.write_text(json.dumps(data, indent=2, default=str)))


def _from_disk(folder: Path, job: dict) -> dict | None:
    """A member already solved for exactly this spec (a result, or a recorded failure), else None."""
    record = member_record(job)
    if folders.is_complete(folder, record, "member.json"):
        try:
            return {"status": OK, "message": "", "key": read_member(folder), "load": "reused", "seconds": None}
        except Exception:  # noqa: BLE001 - an unreadable result is solved again
            return None
    fail = folders.recorded_failure(folder, record, "member.json")
    return {**fail, "key": None, "load": "", "seconds": None} if fail is not None else None


def _solve(client, jobs: list[dict], folder: Path, resume: bool, budget: list, progress: bool) -> tuple[dict, int]:
    """Outcomes by member id: reused from disk (``resume``, optimal ones only), else solved now (at most
    ``budget[0]`` of them; the budget shrinks), else what an earlier run left; and how many ran now."""
    out = {}
    if resume:
        for job in jobs:
            found = _from_disk(folder / job["member"]["id"], job)
            if found is not None and found["status"] == OK:
                out[job["member"]["id"]] = found
    todo = [j for j in jobs if j["member"]["id"] not in out]
    if budget[0] is not None:
        todo, budget[0] = todo[:budget[0]], max(budget[0] - len(todo), 0)
    if todo:
        out.update(execute(client(), todo, progress, desc="instruments", unit="solve"))
    for job in jobs:
        mid = job["member"]["id"]
        if mid not in out:
            found = _from_disk(folder / mid, job)
            if found is not None:
                out[mid] = found
    return out, len(todo)


class _Client:
    """The Dask client, started on first use and closed at the end (unless the caller gave one)."""

    def __init__(self, workers, scheduler, client=None):
        self.workers, self.scheduler, self.client, self.own = workers, scheduler, client, client is None

    def __call__(self):
        if self.client is None:
            self.client = make_client(self.workers, self.scheduler)
        return self.client

    def close(self):
        if self.own and self.client is not None:
            close_client(self.client, self.scheduler)


def run_instruments(scenario: str | None = "3060", file=None, samples: int | None = None,
                    seed: int | None = None, out=None, workers: int | None = None, scheduler: str | None = None,
                    resume: bool = False, collar: float | None = None, reference: str | None = None,
                    inputs: str | None = None,
                    max_members: int | None = None, progress: bool = True, figures: bool = True,
                    client=None) -> InstrumentsOutcome:
    """Run cap, tax, collar and reference over one sample (see the module docstring)."""
    from model.lp.solve import SolveError

    t0 = time.perf_counter()
    if workers is not None and workers < 1:
        raise InputError([f"workers: found {workers}; expected at least 1"])
    design = S.load_design(scenario, file, samples, seed, reference, collar, inputs)
    scenario = design.scenario
    folder = Path(out or Path("results") / "instruments" / scenario).resolve()
    check_target(folder, f"--out {out}" if out else f"instruments folder {folder}", protect=[design.spec.inputs])
    loaded = _load(design)
    members = S.samples_of(design)
    for name, inp in loaded.items():
        preflight(inp, members, design.file)
    _prepare_folder(folder, design, members)
    params = S.params_of(design.spec)
    ordered = order_members(members, params)
    common = {"sweep_dir": str(folder), "inputs": str(design.spec.inputs), "marker": S.MARKER,
              "what": "instruments", "inputs_path": str(Path(design.spec.inputs).resolve())}
    jobs = {i: None for i in S.INSTRUMENTS}
    budget, ran, outcomes = [max_members], 0, {}
    dask = _Client(workers, scheduler, client)
    try:
        def make(instrument, key=None):
            c = {**common, "checksum": loaded[design.base(instrument)].checksum}
            return S.jobs_for(design, instrument, ordered, c, key)
        jobs["cap"] = make("cap")
        first, n = _solve(dask, jobs["cap"][:1], folder, resume, budget, progress)
        outcomes.update(first)
        ran += n
        central = first.get(jobs["cap"][0]["member"]["id"])
        if central is None or central["status"] != OK:
            if central is None:  # not run (max_members=0): nothing more can be done
                return _finish(folder, design, members, jobs, outcomes, ran, t0, figures)
            raise SolveError(central["status"], f"the cap scenario '{scenario}' in the central case: "
                                                f"{central['message']}")
        for inst in S.INSTRUMENTS[1:]:
            jobs[inst] = make(inst, central["key"])
        rest = jobs["cap"][1:] + [j for inst in S.INSTRUMENTS[1:] for j in jobs[inst]]
        more, n = _solve(dask, rest, folder, resume, budget, progress)
        outcomes.update(more)
        ran += n
    finally:
        dask.close()
    return _finish(folder, design, members, jobs, outcomes, ran, t0, figures)


def _finish(folder, design, members, jobs, outcomes, ran, t0, figures) -> InstrumentsOutcome:
    from model.instruments.answers import write_answers
    from model.instruments.combine import combine, write_instruments

    all_jobs = [j for js in jobs.values() if js for j in js]
    ds = combine(design, members, outcomes)
    write_instruments(folder, ds, all_jobs)
    write_answers(folder, ds)
    if figures:
        from model.instruments.figures import write_figures
        from model.instruments.memo import write_instruments_memo

        try:
            write_figures(ds, folder / "figures")  # drawn again: a resumed run may have more samples
            write_instruments_memo(folder)
        except Exception as err:  # noqa: BLE001 - figures must not lose a finished run
            log.warning("instruments figures and memo failed: %s: %s", type(err).__name__, err)
    ids = [S.member_id(i, s) for i in S.INSTRUMENTS for s in [S.CENTRAL, *(m.id for m in members)]]
    status = {i: outcomes.get(i, {}).get("status", "pending") for i in ids}
    res = InstrumentsOutcome(folder, ids, ran=ran, dataset=ds)
    res.reused = sum(1 for i in ids if outcomes.get(i, {}).get("load") == "reused")
    res.failed = [i for i, st in status.items() if st not in (OK, "pending")]
    res.pending = sum(1 for st in status.values() if st == "pending")
    res.seconds = time.perf_counter() - t0
    return res


def cmd_instruments_sweep(args) -> int:
    """``python run.py sweep FILE`` for a sweep file with an ``instruments:`` block (written to
    ``results/sweeps/<name>`` unless ``--out``)."""
    from model.sweep.spec import load_spec

    spec = load_spec(args.file)
    for name, value in (("scenario", None), ("samples", None), ("seed", None), ("collar", None),
                        ("reference", None), ("inputs", None)):
        setattr(args, name, value)
    args.out = args.out or str(Path("results") / "sweeps" / spec.name)
    return cmd_instruments(args)


def cmd_instruments(args) -> int:
    """``python run.py instruments SCENARIO``: run, print a summary, the answer in words and where the
    files are; 0 when the run finished (failed members included), 130 when interrupted."""
    import sys

    try:
        res = run_instruments(args.scenario, file=args.file, samples=args.samples, seed=args.seed,
                              out=args.out, workers=args.workers, scheduler=args.scheduler,
                              resume=args.resume, collar=args.collar, reference=args.reference,
                              inputs=args.inputs, max_members=args.max_members,
                              progress=not args.no_progress, figures=not args.no_figures)
    except KeyboardInterrupt:
        print("Interrupted; finished solves are kept: run again with --resume.", file=sys.stderr)
        return 130
    from model.instruments.answers import sentences

    print(res.summary())
    for line in sentences(res.dataset):
        print(line)
    print(f"Results written to {res.folder}/ (instruments.nc, distributions.csv, targets.csv, "
          f"cost_differences.csv, drivers.csv, failures.csv, figures/, memo.html; one folder per solve)")
    return 0
