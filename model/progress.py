"""A live progress line for long work (prepare, build, solve, write), one for the whole process.

Every stage of a run reports through the module-level functions :func:`stage` and :func:`update`; they
do nothing unless a :class:`Progress` is installed with :func:`reporting` (the CLI does; API users may).
On a terminal the line is rewritten in place (``\\r``) at most every 0.25 s; into a file or pipe a line
is written at most every 30 s, so logs stay short. A finished stage is logged (logger ``model``) with
its elapsed time, so it appears in ``run.log`` and on the console as a permanent line.

Like :mod:`model.version`, this module imports nothing from the model: every layer may use it.
"""
from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time

log = logging.getLogger("model.progress")


class Progress:
    """One status line on ``stream`` (default stderr): ``[stage 12.3 s] text``."""

    def __init__(self, stream=None, interval_s: float | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval_s = interval_s if interval_s is not None else (0.25 if self.tty else 30.0)
        self.stage_name: str | None = None
        self.stage_t0 = time.perf_counter()
        self._last = float("-inf")
        self._shown = False
        self._lock = threading.Lock()

    def update(self, text: str, force: bool = False) -> None:
        """Show ``text`` after the current stage and its elapsed time (throttled unless ``force``)."""
        now = time.perf_counter()
        with self._lock:
            if not force and now - self._last < self.interval_s:
                return
            self._last = now
            line = f"[{self.stage_name or 'run'} {now - self.stage_t0:6.1f} s] {text}"
            if self.tty:
                width = 119
                self.stream.write("\r\033[K" + line[:width])
                self._shown = True
            else:
                self.stream.write(line + "\n")
            self.stream.flush()

    def clear(self) -> None:
        """Remove the live line (before a permanent line is printed)."""
        with self._lock:
            if self.tty and self._shown:
                self.stream.write("\r\033[K")
                self.stream.flush()
            self._shown = False

    @contextlib.contextmanager
    def stage(self, name: str):
        """Time a stage; its end is logged as ``name: 12.3 s``."""
        outer, outer_t0 = self.stage_name, self.stage_t0
        self.stage_name, self.stage_t0 = name, time.perf_counter()
        self._last = float("-inf")
        self.update("starting", force=True)
        try:
            yield self
        finally:
            elapsed = time.perf_counter() - self.stage_t0
            self.clear()
            log.info(f"{name}: {elapsed:.1f} s")
            self.stage_name, self.stage_t0 = outer, outer_t0
            self._last = float("-inf")


_current: Progress | None = None


class _ClearFirst(logging.Filter):
    """On a console log handler: remove the live line before a log record is printed."""

    def __init__(self, progress: Progress):
        super().__init__()
        self.progress = progress

    def filter(self, record) -> bool:
        self.progress.clear()
        return True


@contextlib.contextmanager
def reporting(progress: Progress | None = None):
    """Install ``progress`` (a new :class:`Progress` on stderr by default) for the duration; console
    log handlers clear its line before they print."""
    global _current
    previous, _current = _current, progress or Progress()
    consoles = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)
                and not isinstance(h, logging.FileHandler)]
    guard = _ClearFirst(_current)
    for h in consoles:
        h.addFilter(guard)
    try:
        yield _current
    finally:
        for h in consoles:
            h.removeFilter(guard)
        _current.clear()
        _current = previous


def current() -> Progress | None:
    return _current


def update(text: str, force: bool = False) -> None:
    """Update the live line, if a progress display is installed."""
    if _current is not None:
        _current.update(text, force)


@contextlib.contextmanager
def stage(name: str):
    """A timed stage of the installed progress display (just runs the block without one)."""
    if _current is None:
        yield None
        return
    with _current.stage(name) as p:
        yield p
