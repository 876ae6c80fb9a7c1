"""Where the time and the memory go in one scenario run, and how much of it is the solver's.

    python benchmarks/where_time_goes.py                          # default + large case, 3 repeats
    python benchmarks/where_time_goes.py --cases default --repeats 1
    python benchmarks/where_time_goes.py --large-set days=2 --large-set segments=4     # another large case

Cases: ``default`` = ``inputs/china7``, scenario 3060, the dataset's default settings (8 representative
days × 4 segments, 9 periods, perfect foresight); ``large`` = ``inputs/china31`` (31 provinces), scenario
3060, 9 periods, perfect foresight, 4 days × 4 segments (the 31-province setting that solves in minutes
here; 16 days × 4 segments is in ``provincial.py``).

Each repeat is a fresh process running the stages of :mod:`stages` (load/validate, prepare = time
aggregation, build = numpy blocks, hand-over = Pyomo model + standard-form compile + pass to HiGHS,
HiGHS solve, extraction, writing). A second fresh process builds the same LP and passes it to HiGHS by the ``arrays`` route (no
Pyomo; not solved): the limit for hand-over time and generation memory. Reported: seconds per
stage [s] (median over repeats), peak RSS per stage and overall [MB], problem size, the memory of the
LP as sparse arrays (A in CSR + vectors) [MB] against the RSS increase of model generation (build +
hand-over) [MB], and ``overhead_ratio`` = (everything except the HiGHS solve) / HiGHS solve.
Writes ``benchmarks/out/where_time_goes.json``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from common import child_print, median_dict, print_table, run_child, write_json

CASES = {
    "default": ("inputs/china7", []),
    "large": ("inputs/china31", ["days=4", "segments=4"]),
}


def one_run(inputs: str, sets: list[str], route: str) -> dict:
    """Child: the staged run; route ``pyomo`` solved and written, route ``arrays`` up to the hand-over
    (the limit for hand-over time and generation memory)."""
    from common import RssMonitor
    from stages import derived, run_stages

    with RssMonitor() as mon:
        r = run_stages(inputs, "3060", sets, route=route, solve=route == "pyomo", monitor=mon)
    r.update(derived(r))
    return r


def run_case(name: str, inputs: str, sets: list[str], repeats: int, timeout_s: float) -> dict:
    """``repeats`` fresh-process runs of one case (each: route ``pyomo`` end to end, then route
    ``arrays`` to the hand-over); the median of every number, and the runs."""
    runs = []
    for i in range(repeats):
        base = ["--inputs", inputs, *[a for x in sets for a in ("--set", x)]]
        r = run_child(Path(__file__), [*base, "--route", "pyomo"], timeout_s=timeout_s)
        a = run_child(Path(__file__), [*base, "--route", "arrays"], timeout_s=timeout_s)
        if "error" in r or "error" in a:
            print(f"  {name} repeat {i + 1}: {r.get('error') or a.get('error')}", flush=True)
            continue
        r.update(_limit(r, a))
        print(f"  {name} repeat {i + 1}: end to end {r['end_to_end_s']:.1f} s, solve {r['solve_s']:.1f} s, "
              f"overhead ratio {r['overhead_ratio']:.3f}, peak {r['peak_rss_mb']:.0f} MB", flush=True)
        runs.append(r)
    if not runs:
        return {"case": name, "inputs": inputs, "sets": sets, "error": "no run finished"}
    med = median_dict(runs)
    spread = {"solve_s_min": min(r["solve_s"] for r in runs), "solve_s_max": max(r["solve_s"] for r in runs)}
    return {"case": name, "inputs": inputs, "sets": sets, "repeats": len(runs), **med, **spread,
            "runs": runs}


def _limit(r: dict, a: dict) -> dict:
    """The ``arrays`` route's hand-over and generation memory next to the ``pyomo`` run's."""
    overhead_arrays = r["overhead_s"] - r["handover_s"] + a["handover_s"]
    return {"arrays_handover_s": a["handover_s"], "handover_vs_arrays": r["handover_s"] / a["handover_s"],
            "overhead_ratio_arrays_route": overhead_arrays / r["solve_s"],
            "arrays_generation_peak_increment_mb": a["generation_peak_increment_mb"],
            "arrays_memory_ratio_generation_vs_arrays": a["memory_ratio_generation_vs_arrays"],
            "arrays_peak_rss_mb": a["peak_rss_mb"]}


def report(results: list[dict]) -> None:
    """Print the stage table, the memory table and the headline ratios."""
    ok = [r for r in results if "error" not in r]
    stage_rows = []
    for stage in ("load", "prepare", "build", "handover", "solve", "extract", "write"):
        row = {"stage": stage}
        for r in ok:
            row[f"{r['case']}_s"] = r.get(f"{stage}_s")
            row[f"{r['case']}_peak_mb"] = r.get(f"{stage}_peak_mb")
        stage_rows.append(row)
    for key in ("pyomo_build_s", "compile_s", "pass_s", "arrays_handover_s"):
        stage_rows.append({"stage": "  " + key.removesuffix("_s"), **{f"{r['case']}_s": r[key] for r in ok}})
    cols = ["stage"] + [f"{r['case']}{k}" for r in ok for k in ("_s", "_peak_mb")]
    print_table(stage_rows, cols, "Seconds and peak RSS [MB] per stage (median over repeats)")
    print_table(ok, ["case", "n_variables", "n_constraints", "n_nonzeros", "end_to_end_s", "overhead_ratio",
                     "overhead_ratio_arrays_route", "peak_rss_mb", "lp_arrays_mb", "lp_labels_mb",
                     "generation_peak_increment_mb", "memory_ratio_generation_vs_arrays",
                     "arrays_generation_peak_increment_mb", "arrays_memory_ratio_generation_vs_arrays"],
                "Headline (memory in MB; generation = build + hand-over, RSS increase over the start of build)")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    ap.add_argument("--repeats", type=int, default=3, help="default case")
    ap.add_argument("--large-repeats", type=int, default=1)
    ap.add_argument("--large-set", action="append", default=None, help="settings of the large case")
    ap.add_argument("--timeout", type=float, default=900.0, help="per run [s]")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--inputs", help=argparse.SUPPRESS)
    ap.add_argument("--set", dest="sets", action="append", default=[], help=argparse.SUPPRESS)
    ap.add_argument("--route", default="pyomo", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_print(one_run(args.inputs, args.sets, args.route))
        return {}
    results = []
    for name in args.cases:
        inputs, sets = CASES[name]
        if name == "large" and args.large_set:
            sets = args.large_set
        reps = args.repeats if name == "default" else args.large_repeats
        results.append(run_case(name, inputs, sets, reps, args.timeout))
    report(results)
    payload = {"cases": {r["case"]: r for r in results}}
    default = payload["cases"].get("default", {})
    for key in ("overhead_ratio", "solve_s", "build_s", "peak_rss_mb", "n_variables", "n_constraints",
                "end_to_end_s", "memory_ratio_generation_vs_arrays"):
        if key in default:
            payload[key] = default[key]
    print(f"wrote {write_json('where_time_goes', payload)}")
    return payload


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
