"""``run.log``: this package's log and HiGHS's full log of one run, kept in its results folder.

:func:`capture` sends the records of the logger ``model`` (INFO and up: stages and their times, the
coefficient ranges, warnings) and every line of HiGHS's log (logger ``model.lp.highs``, DEBUG; not
passed on to the console) to a file while a run goes on; :func:`copy_step` is the post-write step
that puts that file into the results folder as ``run.log`` before the folder is moved into place.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


@contextlib.contextmanager
def capture(path: Path):
    """Log to ``path`` for the duration (the file is left for the caller to move or remove)."""
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
    ours, highs, warns = (logging.getLogger(n) for n in ("model", "model.lp.highs", "py.warnings"))
    saved = (ours.level, highs.level, highs.propagate)
    already = getattr(logging, "_warnings_showwarning", None) is not None  # warnings captured already
    if ours.getEffectiveLevel() > logging.INFO:
        ours.setLevel(logging.INFO)
    highs.setLevel(logging.DEBUG)
    highs.propagate = False  # HiGHS's lines go to the file only (the console shows them with -v)
    logging.captureWarnings(True)
    for logger in (ours, highs, warns):
        logger.addHandler(handler)
    try:
        yield path
    finally:
        for logger in (ours, highs, warns):
            logger.removeHandler(handler)
        handler.close()
        if not already:
            logging.captureWarnings(False)
        ours.setLevel(saved[0])
        highs.setLevel(saved[1])
        highs.propagate = saved[2]


def temporary_path(out: Path) -> Path:
    """Where a run writing ``out`` keeps its log until the results folder is complete: a file in the
    system's temporary folder, so that nothing is created next to ``out`` before the inputs are checked."""
    fd, name = tempfile.mkstemp(prefix=f"cn3060-{Path(out).name}-", suffix=".run.log")
    os.close(fd)
    return Path(name)


def copy_step(log_path: Path):
    """A post-write step (:func:`model.results.write.write_results`) copying the log in as ``run.log``."""
    def step(folder: Path) -> None:
        for handler in logging.getLogger("model").handlers:
            handler.flush()
        shutil.copyfile(log_path, Path(folder) / "run.log")

    return step
