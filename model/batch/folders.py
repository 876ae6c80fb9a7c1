"""Folders of a batch of solves: one per task, directly inside a root folder that the driver marked
with its definition file, each written whole or not at all, and the records that make a batch
resumable (a task's folder counts as done only for exactly the spec it was written for).
"""
from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path

#: a task or batch name: letters, digits, ``_ . -``, not starting with a dot
NAME_RE = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
#: the file whose presence marks a task's folder as a whole result
COMPLETE = "manifest.json"


def atomic_write(path: Path, writer) -> Path:
    """Call ``writer(tmp_path)`` and move the file into place only when it is complete."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def child_dir(root, name: str, marker: str, what: str) -> Path:
    """``<root>/<name>``, refusing (PermissionError) a root without the driver's ``marker`` file and
    names that would lead anywhere but directly inside it (``..``, separators, absolute paths, hidden
    names, symbolic links out). ``what`` names the batch in messages ("sweep", "alternatives")."""
    root = Path(root).resolve()
    target = (root / str(name)).resolve()
    if not (root / marker).is_file():
        raise PermissionError(f"{what} worker refuses to write to {root}: not a {what} folder (no "
                              f"{marker} written by the {what} driver)")
    if not re.fullmatch(NAME_RE, str(name)) or target.parent != root:
        raise PermissionError(f"{what} worker refuses to write to {target}: only folders directly inside "
                              f"the {what} folder {root} may be written")
    return target


def same_record(folder: Path, record: dict, record_file: str) -> bool:
    """``folder/record_file`` holds exactly ``record`` (compared as JSON)."""
    try:
        return json.loads((Path(folder) / record_file).read_text()) == json.loads(json.dumps(record, default=str))
    except (OSError, ValueError):
        return False


def is_complete(folder: Path, record: dict, record_file: str) -> bool:
    """A task folder holds a whole result for exactly this spec: its manifest, the spec's record, and
    every file the manifest lists at the size it lists (a file cut short by a full disk or a copy is
    not complete)."""
    folder = Path(folder)
    try:
        listed = json.loads((folder / COMPLETE).read_text()).get("files", {})
        sizes_ok = all((folder / name).stat().st_size == entry["bytes"] for name, entry in listed.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return sizes_ok and same_record(folder, record, record_file)


def recorded_failure(folder: Path, record: dict, record_file: str) -> dict | None:
    """The ``failure.json`` (status, message) an earlier run left for exactly this spec, else None."""
    if not same_record(folder, record, record_file):
        return None
    try:
        return json.loads((Path(folder) / "failure.json").read_text())
    except (OSError, ValueError):
        return None
