"""Sensitivity sweeps: many variants of one scenario, solved on a Dask cluster, combined into one result.

``run_sweep("inputs/sweeps/ccus_cost.yaml")`` reads a sweep file (:mod:`model.sweep.spec`), starts a
``distributed.LocalCluster`` (``workers`` processes, one thread each; or connects to ``scheduler``) and
submits one task per member. Each worker keeps one :class:`model.run.session.Session` per (dataset, base
scenario, shared overrides, input checksum) in a module-level cache (:mod:`model.sweep.worker`), so it
builds the model once and then only updates parameters and warm-starts HiGHS from the previous basis
(a structural change falls back to a rebuild). Members are ordered so that neighbours are close in parameter space, and each worker
gets a contiguous run of that order (other workers may steal tasks when idle).

Each member is written by its worker to ``<sweep folder>/<member id>/`` atomically
(:func:`model.results.write.write_results` plus ``member.json``, the member's spec); a failed member gets
``member.json`` and ``failure.json`` (status, message) and no ``manifest.json``. The worker
(:mod:`model.sweep.worker`) refuses to write anywhere but directly inside the sweep folder (one that
holds the driver's ``sweep.json``). ``resume=True`` skips members whose folder holds
``manifest.json`` and a ``member.json`` equal to the current spec (failed members are tried again);
``max_members`` runs at most that many of the remaining members (an interrupted sweep, for tests or
chunked runs). Finally ``sweep.nc``, ``key_numbers.csv``, ``failures.csv`` (:mod:`model.sweep.combine`)
and the figures (:mod:`model.sweep.figures`) are written, each atomically.

Members are solved as ``run.py run`` would solve them: an infeasible member is explained by the
elastic re-solve of :mod:`model.lp.diagnose` (in its message), load shedding is a failure unless
``allow_unserved``, and members with myopic foresight are solved on their own (no session). The
representative days of the base scenario (with the shared overrides) are kept for every member.

On a cluster of other machines (``scheduler``), the workers need this package importable and the same
paths: the dataset, and the sweep folder on a shared file system (the worker writes only into a folder
that holds the driver's ``sweep.json``).
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import ClassVar
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from model.batch import folders
from model.batch.cluster import close_client, gather, make_client, worker_addresses  # noqa: F401 (re-exported)
from model.data.overrides import _selector_mask, override_tables, parse_override
from model.data.settings import InputError, _settings_problems
from model.results.write import MARKER, check_target, remove_leftovers
from model.sweep.order import order_members
from model.sweep.spec import (
    Member,
    SweepFileError,
    load_spec,
    make_members,
    params_of,
)
from model.sweep.worker import COMPLETE, member_dir, member_record, run_member  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)


# -- driver side ----------------------------------------------------------------------------------------
@dataclass
class SweepOutcome:
    """What a sweep did: its folder, members, how many ran now / were reused, the failures and timings."""

    folder: Path
    members: list
    ran: int = 0
    reused: int = 0
    failed: list = field(default_factory=list)
    pending: int = 0
    seconds: float = 0.0
    dataset: object = None
    #: how the summary line names the batch and its members
    label: ClassVar[str] = "Sweep"
    unit: ClassVar[str] = "members"

    def summary(self) -> str:
        """One line: members solved, failed, not run; run now or reused; seconds; failed ids."""
        n = len(self.members)
        ok = n - len(self.failed) - self.pending
        text = (f"{self.label}: {n} {self.unit} — {ok} solved, {len(self.failed)} failed, {self.pending} not run; "
                f"{self.ran} run now, {self.reused} reused from an earlier run, {self.seconds:.1f} s")
        return text + (f"; failures: {', '.join(self.failed)} (see failures.csv)" if self.failed else "")


def base_values(inputs, params) -> dict:
    """Base value of each '=' parameter (for one-at-a-time coordinates): setting value, or the table
    value when the selector picks rows sharing one value; missing when not unique."""
    out = {}
    for p in params:
        if p.op != "=":
            continue
        ov = parse_override(f"{p.targets[0]}=0")
        if ov.table is None:
            out[p.key] = getattr(inputs.settings, ov.name)
            continue
        df = inputs.tables.get(ov.table)
        try:
            vals = set(df.loc[_selector_mask(df, ov.table, ov.selector, ov.text), ov.column].tolist())
        except (InputError, AttributeError):
            continue
        if len(vals) == 1:
            out[p.key] = float(vals.pop())
    return out


def preflight(inputs, members: list[Member], path) -> None:
    """Every override text of every member must apply to the dataset (keys exist, settings valid);
    otherwise the sweep file is wrong: raise :class:`SweepFileError` naming it."""
    from model.data.settings import Settings
    from model.lp.solve import solver_problems
    from model.run.solved import solver_options

    problems = solver_problems(solver_options(inputs.settings), f"{path}: base '{inputs.scenario.name}'")
    for text in dict.fromkeys(t for m in members for t in m.sets):
        label = f"{path}: {text!r}"
        ov = parse_override(text, label)
        if ov.table is not None:
            problems += override_tables(inputs.tables, [text], {text: label})[1]
            continue
        try:
            settings = Settings(**{**inputs.settings.model_dump(), ov.name: ov.value})
        except ValidationError as err:
            problems += _settings_problems(err, label, {ov.name: label})
            continue
        if ov.name in ("solver", "solver_options", "threads", "time_limit_s"):
            problems += solver_problems(solver_options(settings), label)
    if problems:
        raise SweepFileError(problems)


def _load_base(spec, path):
    from model.data.read import load_inputs

    try:
        return load_inputs(spec.inputs, spec.base, spec.shared_sets)
    except InputError as err:
        raise SweepFileError([f"{path}: inputs '{spec.inputs}', base '{spec.base}', set: {p}"
                              for p in err.problems]) from None


def is_complete(folder: Path, record: dict) -> bool:
    """A member folder holds a whole result for exactly this member spec."""
    return folders.is_complete(folder, record, "member.json")


def _from_disk(folder: Path, record: dict) -> dict | None:
    """Outcome of a member already on disk for this spec (a result or a recorded failure), else None."""
    from model.sweep.combine import OK, read_member

    if is_complete(folder, record):
        try:
            key = read_member(folder)
        except Exception:  # noqa: BLE001 - an unreadable result is solved again
            log.warning("%s: results.nc cannot be read; the member is solved again", folder)
            return None
        return {"status": OK, "message": "", "key": key, "load": "reused", "seconds": None}
    fail = folders.recorded_failure(folder, record, "member.json")
    return {**fail, "key": None, "load": "", "seconds": None} if fail is not None else None


def execute(client, jobs: list[dict], progress: bool = True, desc: str = "sweep", unit: str = "scenario") -> dict:
    """Submit the jobs (in order; contiguous runs per worker) and gather outcomes by member id."""
    addrs = worker_addresses(client)
    token = uuid.uuid4().hex[:6]
    futures = {}
    for addr, idx in zip(addrs, np.array_split(np.arange(len(jobs)), len(addrs))):
        for rank, i in enumerate(idx):
            job = jobs[i]
            fut = client.submit(run_member, job, key=f"sweep-{job['member']['id']}-{token}",
                                workers=[addr] if addr else None, allow_other_workers=True,
                                priority=-rank, pure=False)
            futures[fut] = job["member"]["id"]
    return gather(client, futures, progress, desc=desc, unit=unit)


def run_sweep(path, out=None, workers: int | None = None, scheduler: str | None = None,
              resume: bool = False, max_members: int | None = None, progress: bool = True,
              figures: bool = True, client=None) -> SweepOutcome:
    """Run the sweep file ``path`` (see module docstring); returns a :class:`SweepOutcome`."""
    t0 = time.perf_counter()
    bad = [f"workers: found {workers}; expected at least 1"] if workers is not None and workers < 1 else []
    bad += [f"max_members: found {max_members}; expected 0 or more"] if max_members is not None and \
        max_members < 0 else []
    if bad:
        raise InputError(bad)
    spec = load_spec(path)
    if spec.instruments is not None:
        raise SweepFileError([f"{path}: an instruments sweep file; expected a plain sweep (run it with "
                              f"`run.py sweep {path}` or model.instruments.run_instruments(file=...))"])
    folder = Path(out or Path("results") / "sweeps" / spec.name).resolve()
    check_target(folder, f"--out {out}" if out else f"sweep folder {folder}", protect=[spec.inputs])
    inputs = _load_base(spec, path)
    params = params_of(spec)
    members = make_members(spec, base_values(inputs, params))
    preflight(inputs, members, path)
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder)
    (folder / MARKER).write_text("written by cn-3060 (a sweep folder)\n", encoding="utf-8")
    _write_definition(folder, path, spec, members)
    jobs = {m.id: {"sweep_dir": str(folder), "inputs": str(spec.inputs),
                   "inputs_path": str(Path(spec.inputs).resolve()), "base": spec.base,
                   "shared": spec.shared_sets, "checksum": inputs.checksum, "member": m.spec()}
            for m in members}
    outcomes = {}
    if resume:
        for m in members:
            found = _from_disk(folder / m.id, member_record(jobs[m.id]))
            if found is not None and found["status"] == "optimal":
                outcomes[m.id] = found
    todo = [jobs[m.id] for m in order_members(members, params) if m.id not in outcomes]
    todo = todo[:max_members] if max_members is not None else todo
    res = SweepOutcome(folder, members, ran=len(todo), reused=len(outcomes))
    if todo:
        own = client is None
        client = client or make_client(workers, scheduler)
        try:
            outcomes.update(execute(client, todo, progress))
        finally:
            if own:
                close_client(client, scheduler)
    for m in members:  # members not run now: whatever an earlier run left for this spec
        if m.id not in outcomes:
            found = _from_disk(folder / m.id, member_record(jobs[m.id]))
            if found is not None:
                outcomes[m.id] = found
    res.dataset = _finish(folder, spec, members, params, outcomes, inputs, figures)
    status = res.dataset["status"].to_numpy()
    res.failed = [m.id for m, s in zip(members, status) if s not in ("optimal", "pending")]
    res.pending = int((status == "pending").sum())
    res.seconds = time.perf_counter() - t0
    return res


def _write_definition(folder: Path, path, spec, members) -> None:
    from model.sweep.combine import atomic_write

    text = Path(path).read_text(encoding="utf-8")
    atomic_write(folder / "sweep.yaml", lambda p: p.write_text(text, encoding="utf-8"))
    data = {"spec": spec.model_dump(), "design": spec.design, "shared_sets": spec.shared_sets,
            "members": [m.spec() for m in members]}
    atomic_write(folder / "sweep.json", lambda p: p.write_text(json.dumps(data, indent=2, default=str)))


def _finish(folder, spec, members, params, outcomes, inputs, figures: bool):
    from model.sweep.combine import combine, write_combined

    attrs = {"sweep": spec.name, "description": spec.description, "design": spec.design,
             "base": spec.base, "inputs": spec.inputs, "input_checksum": inputs.checksum,
             "shared_sets": "; ".join(spec.shared_sets), "spec": spec.model_dump(),
             "created": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())}
    try:
        from model.version import __version__
        attrs["model_version"] = __version__
    except ImportError:
        pass
    ds = combine(members, params, outcomes, attrs)
    write_combined(folder, ds, members, params)
    if figures:
        from model.sweep.figures import write_sweep_figures

        try:
            write_sweep_figures(ds, folder / "figures")
        except Exception as err:  # noqa: BLE001 - figures must not lose a finished sweep
            log.warning("sweep figures failed: %s: %s", type(err).__name__, err)
    return ds


def cmd_sweep(args) -> int:
    """``python run.py sweep FILE``: run, print a summary line and where the results are; 0 when the
    sweep ran (failed members included), 130 when interrupted (bad sweep files raise InputError: 2)."""
    import sys

    try:
        res = run_sweep(args.file, out=args.out, workers=args.workers, scheduler=args.scheduler,
                        resume=args.resume, max_members=args.max_members,
                        progress=not args.no_progress, figures=not args.no_figures)
    except KeyboardInterrupt:
        print("Interrupted; finished members are kept: run again with --resume.", file=sys.stderr)
        return 130
    print(res.summary())
    print(f"Results written to {res.folder}/ (sweep.nc, key_numbers.csv, failures.csv, figures/; one "
          f"folder per member)")
    return 0
