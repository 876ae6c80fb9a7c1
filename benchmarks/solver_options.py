"""HiGHS options on one LP: which method and settings solve the default case fastest.

    python benchmarks/solver_options.py                       # default case (china7, 3060, 8 days × 4)
    python benchmarks/solver_options.py --set days=4 --configs ipx_crossover hipo

Each configuration is solved in a fresh process (the LP is rebuilt there; the build is not timed) through
the ``arrays`` route, so only HiGHS's own time differs. Reports seconds [s], iterations, the objective
[bn CNY] and its relative difference from the model's default (``ipx`` + crossover), and whether a basis
is available (needed to warm-start re-solves in :mod:`model.run.session`). Writes
``benchmarks/out/solver_options.json``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import common
from common import child_print, print_table, run_child, write_json

#: name → HiGHS options replacing model.lp.solve.HIGHS_DEFAULTS (threads handled separately)
CONFIGS = {
    "highs_default": {"solver": "choose", "run_crossover": "on"},
    "ipx_crossover": {"solver": "ipx", "run_crossover": "on"},
    "ipx_no_crossover": {"solver": "ipx", "run_crossover": "off"},
    "hipo_no_crossover": {"solver": "hipo", "run_crossover": "off"},
    "hipo_crossover": {"solver": "hipo", "run_crossover": "on"},
    "dual_simplex": {"solver": "simplex", "simplex_strategy": 1},
    "ipx_crossover_threads1": {"solver": "ipx", "run_crossover": "on", "threads": 1},
    "ipx_crossover_threads2": {"solver": "ipx", "run_crossover": "on", "threads": 2},
    "hipo_no_crossover_threads1": {"solver": "hipo", "run_crossover": "off", "threads": 1},
    "hipo_no_crossover_threads2": {"solver": "hipo", "run_crossover": "off", "threads": 2},
    "parallel_simplex_threads2": {"solver": "simplex", "simplex_strategy": 2, "threads": 2},
}
#: HiPO (``solver=hipo``) needs a HiGHS built with its linear-algebra libraries; the PyPI wheel of
#: highspy 1.15 rejects it ("features unavailable: amd, blas, metis, rcm"), so it is not in the defaults
DEFAULT_CONFIGS = ["ipx_crossover", "ipx_no_crossover", "highs_default", "dual_simplex",
                   "ipx_crossover_threads1", "ipx_crossover_threads2"]


def solve_once(inputs: str, scenario: str, sets: list[str], config: str, time_limit_s: float) -> dict:
    """Child: build the LP, solve it with ``config``; seconds, status, objective, iterations, basis."""
    from stages import load_and_prepare

    from model.lp.assemble import build
    from model.lp.solve import SolverOptions, make_highs, pass_arrays

    inputs_obj, data = load_and_prepare(inputs, scenario, sets)
    lp, _, _ = build(data, inputs_obj.settings)
    opts = dict(CONFIGS[config])
    threads = opts.pop("threads", None)
    h = make_highs(SolverOptions(options=opts, threads=threads, time_limit_s=time_limit_s))
    pass_arrays(h, lp.cost, lp.col_lower, lp.col_upper, lp.row_lower, lp.row_upper, lp.matrix().tocsc())
    t0 = time.perf_counter()
    h.solve()
    solve_s = time.perf_counter() - t0
    info = h.getInfo()
    return {"config": config, "options": CONFIGS[config], "solve_s": solve_s,
            "status": h.modelStatusToString(h.getModelStatus()),
            "objective": float(info.objective_function_value),
            "ipm_iterations": int(info.ipm_iteration_count),
            "crossover_iterations": int(info.crossover_iteration_count),
            "simplex_iterations": int(info.simplex_iteration_count),
            "basis": bool(h.getBasis().valid), **lp.size()}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inputs", default="inputs/china7")
    ap.add_argument("--scenario", default="3060")
    ap.add_argument("--set", dest="sets", action="append", default=[])
    ap.add_argument("--configs", nargs="+", default=DEFAULT_CONFIGS, choices=list(CONFIGS))
    ap.add_argument("--time-limit", type=float, default=840.0, help="per configuration [s]")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_print(solve_once(args.inputs, args.scenario, args.sets, args.configs[0], args.time_limit))
        return {}
    rows = []
    for cfg in args.configs:
        extra = [a for s in args.sets for a in ("--set", s)]
        r = run_child(Path(__file__), ["--inputs", args.inputs, "--scenario", args.scenario, *extra,
                                       "--configs", cfg, "--time-limit", str(args.time_limit)],
                      timeout_s=args.time_limit + 300)
        rows.append({"config": cfg, **r})
        print(f"  {cfg}: {r.get('solve_s', float('nan')):.1f} s {r.get('status', r.get('error'))}",
              flush=True)
    ref = next((r["objective"] for r in rows if r.get("config") == "ipx_crossover" and "objective" in r), None)
    for r in rows:
        if ref and "objective" in r:
            r["objective_rel_diff"] = abs(r["objective"] - ref) / abs(ref)
    print_table(rows, ["config", "solve_s", "status", "ipm_iterations", "crossover_iterations",
                       "simplex_iterations", "objective_rel_diff", "basis"],
                f"HiGHS options on {args.inputs} {args.scenario} {' '.join(args.sets)}")
    payload = {"inputs": args.inputs, "scenario": args.scenario, "sets": args.sets, "results": rows}
    print(f"wrote {write_json('solver_options', payload)}")
    return payload


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
