"""Shared helpers of the benchmarks: machine description, peak-memory sampling, staged timing, tables
and JSON output under ``benchmarks/out/``.

Memory is the resident set size (RSS) of this process. :class:`RssMonitor` samples it with psutil in a
background thread (every 20 ms) and also reads the kernel's exact high-water mark (``VmHWM``), which it
resets at the start of each stage (``/proc/self/clear_refs``), so short peaks between samples are not
missed. All memory figures are MB (10^6 bytes); all times are wall-clock seconds.
"""
from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MB = 1e6


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict:
    """Cores, CPU model, RAM [GB] and load average when the benchmark started (the machine is shared)."""
    import highspy
    import numpy
    import pyomo

    return {"cores": os.cpu_count(), "cpu_model": cpu_model(),
            "ram_gb": round(psutil.virtual_memory().total / 1e9, 1),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "pyomo": pyomo.__version__,
            "highspy": highspy.Highs().version(), "numpy": numpy.__version__}


def _vm_hwm_mb() -> float | None:
    """The kernel's peak RSS of this process since the last reset [MB], or None if unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / MB
    except OSError:
        return None
    return None


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class RssMonitor:
    """Peak RSS per stage and overall [MB].

    Use ``with mon.stage("build"): ...``; ``mon.peaks`` maps stage → peak MB, ``mon.start_mb`` maps
    stage → RSS when it began, ``mon.overall`` is the largest peak seen.
    """

    def __init__(self, interval_s: float = 0.02):
        self.proc = psutil.Process()
        self.interval_s = interval_s
        self._peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peaks: dict[str, float] = {}
        self.start_mb: dict[str, float] = {}
        self.overall = 0.0

    def rss_mb(self) -> float:
        return self.proc.memory_info().rss / MB

    def _run(self) -> None:
        while not self._stop.is_set():
            self._peak = max(self._peak, self.rss_mb())
            self._stop.wait(self.interval_s)

    def __enter__(self) -> "RssMonitor":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @contextlib.contextmanager
    def stage(self, name: str):
        """Record the peak RSS while the block runs under ``name`` (and in ``overall``)."""
        _reset_hwm()
        now = self.rss_mb()
        self._peak = now
        self.start_mb[name] = now
        try:
            yield
        finally:
            peak = max(self._peak, self.rss_mb(), _vm_hwm_mb() or 0.0)
            self.peaks[name] = max(self.peaks.get(name, 0.0), peak)
            self.overall = max(self.overall, peak)


class Timer:
    """Seconds per named stage: ``with timer("build"): ...``; ``timer.s`` maps stage → seconds."""

    def __init__(self, monitor: RssMonitor | None = None):
        self.s: dict[str, float] = {}
        self.monitor = monitor

    @contextlib.contextmanager
    def __call__(self, name: str):
        ctx = self.monitor.stage(name) if self.monitor else contextlib.nullcontext()
        with ctx:
            t0 = time.perf_counter()
            try:
                yield
            finally:
                self.s[name] = self.s.get(name, 0.0) + time.perf_counter() - t0


def median_dict(runs: list[dict]) -> dict:
    """Key-wise median of numeric values over repeated runs (keys of the first run)."""
    out = {}
    for k, v in runs[0].items():
        vals = [r[k] for r in runs if isinstance(r.get(k), (int, float)) and not isinstance(r.get(k), bool)]
        out[k] = statistics.median(vals) if len(vals) == len(runs) else v
    return out


def lp_arrays_mb(lp) -> float:
    """Memory of the LP held as sparse arrays: A in CSR plus cost, bounds and row bounds [MB]."""
    a = lp.matrix()
    vectors = (lp.cost, lp.col_lower, lp.col_upper, lp.row_lower, lp.row_upper)
    return (a.data.nbytes + a.indices.nbytes + a.indptr.nbytes + sum(v.nbytes for v in vectors)) / MB


def lp_labels_mb(lp) -> float:
    """Memory of the LP's label tables (one row of dimension labels per variable and constraint) [MB]."""
    blocks = list(lp.vars.values()) + list(lp.cons.values())
    return sum(float(b.index.memory_usage(deep=True).sum()) for b in blocks) / MB


def write_json(name: str, payload: dict) -> Path:
    """Write ``benchmarks/out/<name>.json`` (machine info added) and return its path."""
    OUT.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": name, "machine": machine(),
               "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **payload}
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=_jsonable))
    return path


def _jsonable(v):
    if hasattr(v, "item"):
        return v.item()
    if hasattr(v, "tolist"):
        return v.tolist()
    return str(v)


def fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 100 else f"{v:,.0f}"
    return str(v)


def print_table(rows: list[dict], columns: list[str], title: str = "") -> None:
    """Print ``rows`` as an aligned plain-text table of ``columns``."""
    if title:
        print(f"\n{title}")
    cells = [[fmt(r.get(c, "")) for c in columns] for r in rows]
    width = [max(len(c), *(len(row[i]) for row in cells)) if cells else len(c) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, width)))
    for row in cells:
        print("  ".join(v.rjust(w) for v, w in zip(row, width)))


def run_child(script: Path, args: list[str], timeout_s: float | None = None,
              python: str | None = None) -> dict:
    """Run ``script --child ARGS`` in a fresh Python process (``python``, default this interpreter) and
    return the JSON object it prints on its last stdout line (a fresh process per measurement keeps
    peak-RSS figures independent). Returns ``{"error": ...}`` if the child fails or runs past
    ``timeout_s``."""
    import subprocess

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    try:
        res = subprocess.run([python or sys.executable, str(script), "--child", *args], capture_output=True,
                             text=True, timeout=timeout_s, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout_s:.0f} s"}
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        tail = (res.stderr or res.stdout).strip().splitlines()[-3:]
        return {"error": f"exit code {res.returncode}: " + " | ".join(tail)}
    return json.loads(lines[-1])


def child_print(payload: dict) -> None:
    """Print a child's result as one JSON line (read by :func:`run_child`)."""
    print(json.dumps(payload, default=_jsonable), flush=True)
