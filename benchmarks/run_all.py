"""Run every benchmark in turn (``make bench``) and print one line of headline figures per benchmark.

    python benchmarks/run_all.py                 # the four questions, the 31-province case and the HiGHS
                                                 # options, full settings (2–3 h on 2 cores)
    python benchmarks/run_all.py --quick         # smaller cases, one repeat (about 15 min): a smoke run

Each benchmark is its own script (run it alone for its options) and writes ``benchmarks/out/<name>.json``
(and plots). A benchmark that fails is reported and the others still run; the exit code is 1 if any
failed.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

#: name → (arguments of the full run, arguments of ``--quick``)
BENCHMARKS = {
    "where_time_goes": ([], ["--repeats", "1", "--large-set", "days=2", "--large-set", "segments=4"]),
    "scaling": ([], ["--axes", "days", "regions", "--days", "2", "4"]),
    "peer_pypsa": ([], ["--days", "2", "--segments", "4", "--repeats", "1"]),
    "sweep_throughput": ([], ["--members", "4", "--days", "2", "--segments", "4"]),
    "provincial": ([], ["--days", "2", "--modes", "myopic"]),
    "solver_options": ([], ["--set", "days=2", "--configs", "ipx_crossover", "ipx_no_crossover"]),
    "alternatives": ([], ["--set", "days=2", "--set", "segments=4", "--objectives", "2", "--alternatives", "8"]),
}
HEADLINE = ("overhead_ratio", "solve_s", "build_s", "peak_rss_mb", "n_variables", "solve_exponent",
            "objective_rel_diff", "time_ratio_vs_pypsa", "seconds_per_scenario_sweep", "speedup",
            "warm_ratio_median", "speedup_vs_first")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small cases, one repeat")
    ap.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS))
    args = ap.parse_args(argv)
    failed = []
    for name in args.only:
        extra = BENCHMARKS[name][1 if args.quick else 0]
        print(f"\n=== {name} {' '.join(extra)}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(HERE / f"{name}.py"), *extra], cwd=HERE.parent)
        took = time.perf_counter() - t0
        if rc != 0:
            failed.append(name)
            print(f"=== {name} FAILED (exit code {rc}) after {took:.0f} s", flush=True)
            continue
        figures = json.loads((OUT / f"{name}.json").read_text())
        heads = {k: figures[k] for k in HEADLINE if k in figures}
        print(f"=== {name} done in {took:.0f} s: {json.dumps(heads, default=str)}", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
