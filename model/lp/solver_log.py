"""HiGHS's log, condensed to one status line: the phase (presolve, interior point, crossover, simplex),
the iteration, the objective and the primal/dual gap or infeasibilities.

:class:`HighsLog` is fed the messages of HiGHS's logging callback (``highspy`` ``cbLogging``; they arrive
in pieces, a line may come without its newline) and returns a short status whenever a line changes
it. Every complete line also goes to the logger ``model.lp.highs`` at DEBUG, i.e. into ``run.log``.
"""
from __future__ import annotations

import logging
import re

log = logging.getLogger("model.lp.highs")

_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
#: IPX: " Iter  primal obj  dual obj  pinf  dinf  gap  time"
IPX_ROW = re.compile(rf"^\s*(\d+)\*?\s+({_NUM})\s+({_NUM})\s+({_NUM})\s+({_NUM})\s+({_NUM})\s+({_NUM})\s*$")
#: simplex: "  Iteration  Objective  Infeasibilities num(sum)", e.g. "4481 4.08e+04 Pr: 6406(360537); Du: 0(8e-07) 187.0s"
SIMPLEX_ROW = re.compile(rf"^\s*(\d+)\s+({_NUM})\s+(Ph1|Pr): (\d+)\(({_NUM}|inf|nan)\)"
                         rf"(?:; Du: (\d+)\(({_NUM}|inf|nan)\))?\s+({_NUM})s")
#: phase changes: (pattern at the start of a line, phase name)
PHASES = (("Presolving model", "presolve"), ("Interior point solve", "interior point"),
          ("Running crossover", "crossover"),
          ("Using dual simplex", "dual simplex"), ("Using primal simplex", "primal simplex"),
          ("Solving the presolved LP", "solving"), ("Performed postsolve", "postsolve"),
          ("Solving the original LP", "cleaning up after postsolve"), ("Model status", "done"))


class HighsLog:
    """Condenses HiGHS log messages into a status line; counts what it saw."""

    def __init__(self):
        self._buffer = ""
        self.phase = "starting"
        self.status = "starting HiGHS"
        self.lines = 0

    def feed(self, message: str) -> str | None:
        """Take one callback message; return the new status when a completed line changed it."""
        self._buffer += message
        *complete, self._buffer = self._buffer.split("\n")
        # IPX rows arrive without a newline (it comes as a separate message): parse them right away
        if IPX_ROW.match(self._buffer):
            complete.append(self._buffer)
            self._buffer = ""
        status = None
        for line in complete:
            if not line.strip():
                continue
            self.lines += 1
            log.debug(line.rstrip())
            new = self.parse(line)
            if new is not None:
                status = self.status = new
        return status

    def parse(self, line: str) -> str | None:
        """Status for one log line, or None if it tells nothing new."""
        m = IPX_ROW.match(line)
        if m:
            it, primal, dual, pinf, dinf, gap = m.groups()[:6]
            self.phase = "interior point"
            return (f"interior point: iteration {it}, primal {float(primal):.6g}, dual {float(dual):.6g}, "
                    f"gap {float(gap):.1e}, infeasibility primal {float(pinf):.1e} / dual {float(dinf):.1e}")
        m = SIMPLEX_ROW.match(line)
        if m:
            it, obj, kind, n_pr, s_pr, n_du, s_du = m.groups()[:7]
            name = self.phase if "simplex" in self.phase else "simplex"
            du = f", dual {n_du} ({float(s_du):.1e})" if n_du is not None else ""
            return (f"{name}: iteration {int(it):,}, objective {float(obj):.6g}, infeasibilities "
                    f"{'phase 1' if kind == 'Ph1' else 'primal'} {int(n_pr):,} ({float(s_pr):.1e}){du}")
        text = line.strip()
        for start, phase in PHASES:
            if text.startswith(start):
                self.phase = phase
                return f"{phase}…" if phase != "done" else text
        if text.startswith(("Number of dual pushes", "Number of primal pushes")):
            return f"crossover: {text[:text.index('required')].strip().lower()} {text.split()[-1]}"
        return None
