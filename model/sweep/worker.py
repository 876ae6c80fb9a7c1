"""The worker side of a sweep: one member solved on a Dask worker and written to its folder.

Each worker process keeps one :class:`model.run.session.Session` per (dataset, base scenario, shared
overrides, input checksum) in the module-level cache ``_SESSIONS`` (at most ``MAX_SESSIONS``, least
recently used dropped), so it builds the model once and then only updates parameters and warm-starts
HiGHS from the previous basis. :func:`run_member` never raises for a member that fails (bad values,
infeasible, load shedding, solver trouble): it records the status and message. It refuses
(``PermissionError``) to write anywhere but a folder directly inside the sweep folder the driver
initialised (:func:`member_dir`).
"""
from __future__ import annotations

import json
import re
import time
from collections import OrderedDict
from pathlib import Path

from pydantic import ValidationError

from model.batch.folders import COMPLETE, child_dir  # noqa: F401 (COMPLETE re-exported)
from model.data.overrides import override_tables, parse_override
from model.data.settings import InputError, _settings_problems
MAX_SESSIONS = 2
_SESSIONS: OrderedDict = OrderedDict()


def member_dir(sweep_dir, member_id: str, marker: str = "sweep.json", what: str = "sweep") -> Path:
    """``<sweep_dir>/<member_id>``, refusing (PermissionError) a folder that the sweep driver has not
    initialised (no ``sweep.json``; another batch of members, such as :mod:`model.instruments`, names its
    own ``marker``) and member ids that would lead anywhere but directly inside it (``..``, separators,
    absolute paths, hidden names, symbolic links out)."""
    return child_dir(sweep_dir, member_id, marker, what)


def session_for(inputs: str, base: str, shared: list[str], checksum: str | None):
    """The worker's cached Session for this dataset, base scenario and shared overrides."""
    from model.data.read import load_inputs
    from model.run.session import Session

    key = (str(Path(inputs).resolve()), base, tuple(shared), checksum)
    if key in _SESSIONS:
        _SESSIONS.move_to_end(key)
        return _SESSIONS[key]
    loaded = load_inputs(inputs, base, list(shared))
    if checksum is not None and loaded.checksum != checksum:
        raise InputError([f"{inputs}: input checksum {loaded.checksum} on the worker differs from "
                          f"{checksum} when the sweep started; expected an unchanged dataset"])
    session = Session(loaded)
    _SESSIONS[key] = session
    while len(_SESSIONS) > MAX_SESSIONS:
        _SESSIONS.popitem(last=False)
    return session


def check_member(session, sets: list[str]) -> None:
    """Validate a member's values as ``load_inputs`` would (bounds after overrides, settings, policy
    paths); raise :class:`InputError`."""
    from model.data import validate_tables as V
    from model.data.read import cross_checks
    from model.data.schema import TABLES

    inputs = session.inputs
    table_sets = [t for t in sets if parse_override(t).table is not None]
    tables, problems, touched = override_tables(inputs.tables, table_sets,
                                                growth_from=inputs.settings.history_until)
    for name, cells in touched.items():
        problems += V.check_overridden(TABLES[name], tables[name], inputs.files.get(name, name), cells)
    try:
        _, settings, _ = session.variant(sets)
    except ValidationError as err:
        problems += _settings_problems(err, "sweep member")
    else:
        problems += cross_checks(tables, settings, inputs.files)
    if problems:
        raise InputError(problems)


def solve_member(session, job: dict, sets: list[str]):
    """Solve like ``run.py run`` would: infeasibility explained (elastic re-solve), load shedding a
    failure unless ``allow_unserved``; myopic members are solved on their own (no session)."""
    from model.lp.solve import INFEASIBLE, InfeasibleError, SolveError
    from model.run.single import run_scenario
    from model.run.solved import UNSERVED_TOLERANCE_TWH, unserved_twh

    tables, settings, _ = session.variant(sets)
    if settings.foresight != "perfect":
        run = run_scenario(job.get("inputs_path", job["inputs"]), job["base"], list(job["shared"]) + sets)
        run.results.attrs["session_load"] = "independent"
        return run
    try:
        run = session.solve(sets)
    except SolveError as err:
        if err.status not in INFEASIBLE:
            raise
        raise InfeasibleError(err.status, _explain(session, tables, settings)) from None
    shed = unserved_twh(run.lp, run.solution.x, run.data)
    if shed > UNSERVED_TOLERANCE_TWH and not settings.allow_unserved:
        raise InfeasibleError("load shedding", _explain(session, tables, settings) + [
            f"the least-cost solution sheds {shed:,.2f} TWh of load over the horizon (set "
            f"allow_unserved: true to accept it)"])
    return run


def _explain(session, tables, settings) -> list[str]:
    """What cannot hold, from :func:`model.lp.diagnose.explain_infeasible` (an elastic re-solve)."""
    from model.data.prepare import prepare
    from model.lp.diagnose import explain_infeasible
    from model.run.solved import solver_options

    try:
        data = prepare(tables, session.inputs.profiles, settings, time=session.time)
        return explain_infeasible(data, settings, solver_options(settings))
    except Exception as err:  # noqa: BLE001 - the explanation is a courtesy
        return [f"(no explanation: {type(err).__name__}: {err})"]


def _status(err: Exception) -> str:
    return re.sub(r"\W+", "_", str(getattr(err, "status", "error")).strip().lower()) or "error"


def run_member(job: dict) -> dict:
    """Solve one member on this worker and write its folder; never raises for a failed member.

    ``job``: sweep_dir (absolute), inputs (as in the sweep file), inputs_path (absolute), base, shared,
    checksum, member (``Member.spec()``); optionally marker and what (see :func:`member_dir`).
    Returns id, status, message, seconds [s], load ('build'/'update') and key (key results or None)."""
    from model.lp.solve import SolveError
    from model.results.write import atomic_folder, write_results
    from model.sweep.combine import OK, key_results

    t0 = time.perf_counter()
    target = member_dir(job["sweep_dir"], job["member"]["id"], job.get("marker", "sweep.json"),
                        job.get("what", "sweep"))
    record = member_record(job)
    out = {"id": record["id"], "status": OK, "message": "", "load": "", "key": None}
    try:
        session = session_for(job.get("inputs_path", job["inputs"]), job["base"], job["shared"],
                              job.get("checksum"))
        check_member(session, record["sets"])
        run = solve_member(session, job, record["sets"])
    except InputError as err:
        out.update(status="input_error", message="; ".join(err.problems))
    except SolveError as err:
        lines = [x.strip() for x in str(err).splitlines() if x.strip()]
        out.update(status=_status(err), message=" ".join(lines[:1] + ["; ".join(lines[1:])]).strip())
    except Exception as err:  # noqa: BLE001 - a member's failure must not stop the sweep
        out.update(status="error", message=f"{type(err).__name__}: {err}")
    spec_text = json.dumps(record, indent=2, default=str)
    if out["status"] == OK:
        out["load"] = run.results.attrs.get("session_load", "")
        out["solve_seconds"] = run.results.attrs.get("solve_s")
        write_results(run.results, target,
                      extra_files={"member.json": lambda p: p.write_text(spec_text, encoding="utf-8")})
        out["key"] = key_results(run.results)
    else:
        with atomic_folder(target) as tmp:
            (tmp / "member.json").write_text(spec_text, encoding="utf-8")
            (tmp / "failure.json").write_text(json.dumps({k: out[k] for k in ("status", "message")}))
    out["seconds"] = time.perf_counter() - t0
    return out


def member_record(job: dict) -> dict:
    """What ``member.json`` holds: the member spec and what it was solved from."""
    return {**job["member"], "inputs": str(job["inputs"]), "base": job["base"],
            "shared_sets": list(job["shared"]), "input_checksum": job.get("checksum")}
