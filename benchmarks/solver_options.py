"""HiGHS options on one LP: which method and settings solve the default case fastest.

    python benchmarks/solver_options.py                       # default case (china7, 3060, 8 days × 4)
    python benchmarks/solver_options.py --set days=4 --configs ipx_crossover hipo_no_crossover
    python benchmarks/solver_options.py --check-results results/3060 --check-period 2060   # a check LP

``--check-results FOLDER --check-period P`` solves the full-year check LP of period P of that run's plan
(:mod:`model.check.period`: capacities fixed, 365 days × ``check_segments`` steps) instead of a planning LP.
After each solve the residuals are checked: HiGHS's own maximal primal and dual infeasibility, and ours
(largest violation of a row's bounds |Ax − b| and of a column's bounds, from the LP's own arrays).
HiPO (``solver=hipo``) needs ``highspy-extras`` of the same version beside ``highspy``
(``pip install 'cn3060[hipo]'``).

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

import numpy as np

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
    "hipo_crossover_threads1": {"solver": "hipo", "run_crossover": "on", "threads": 1},
    "hipo_crossover_threads2": {"solver": "hipo", "run_crossover": "on", "threads": 2},
    "ipx_no_crossover_threads1": {"solver": "ipx", "run_crossover": "off", "threads": 1},
    "hipo_no_crossover_threads1": {"solver": "hipo", "run_crossover": "off", "threads": 1},
    "hipo_no_crossover_threads2": {"solver": "hipo", "run_crossover": "off", "threads": 2},
    "parallel_simplex_threads2": {"solver": "simplex", "simplex_strategy": 2, "threads": 2},
}
#: HiPO (``solver=hipo``) needs ``highspy-extras`` beside ``highspy`` (the optional extra ``hipo``);
#: without it HiGHS rejects the option ("features unavailable: amd, blas, metis, rcm")
DEFAULT_CONFIGS = ["ipx_crossover", "ipx_no_crossover", "highs_default", "dual_simplex",
                   "ipx_crossover_threads1", "ipx_crossover_threads2"]


def _planning_arrays(inputs: str, scenario: str, sets: list[str]) -> dict:
    from stages import load_and_prepare

    from model.lp.assemble import build

    inputs_obj, data = load_and_prepare(inputs, scenario, sets)
    lp, _, _ = build(data, inputs_obj.settings)
    return {"cost": lp.cost, "lo": lp.col_lower, "hi": lp.col_upper, "rlo": lp.row_lower,
            "rhi": lp.row_upper, "a": lp.matrix(), "dropped": np.zeros(lp.n_rows, bool)}


def _check_arrays(folder: str, period: int) -> dict:
    """The full-year check LP of ``period`` of the plan in a results folder (model.check.period)."""
    import xarray as xr

    from model.check.elastic import add_elastic
    from model.check.period import fixed_plan_arrays, period_data
    from model.check.plan import plan_dataset
    from model.check.runner import inputs_of
    from model.data.prepare import demand_share
    from model.data.timeslices import calendar_days
    from model.lp.assemble import build

    ds = xr.load_dataset(Path(folder) / "results.nc")
    inputs = inputs_of(ds)
    s = inputs.settings
    ts = calendar_days(inputs.profiles, demand_share(inputs.tables, s), s.check_segments)
    job = {"period": period, "tables": inputs.tables, "profiles": inputs.profiles, "time": ts,
           "settings": s.model_dump_json(), "plan": plan_dataset(ds)}
    data, sk = period_data(job)
    lp, _, _ = build(data, sk)
    add_elastic(lp, data, sk.value_of_lost_load_cny_per_mwh)
    return fixed_plan_arrays(lp, job["plan"])


def solve_once(args, config: str) -> dict:
    """Child: build the LP, solve it with ``config``; seconds, status, objective, iterations, basis,
    residuals."""
    from model.check.period import residuals
    from model.lp.solve import SolverOptions, make_highs, pass_arrays

    arr = _check_arrays(args.check_results, args.check_period) if args.check_results else \
        _planning_arrays(args.inputs, args.scenario, args.sets)
    opts = dict(CONFIGS[config])
    threads = opts.pop("threads", None)
    h = make_highs(SolverOptions(options=opts, threads=threads, time_limit_s=args.time_limit))
    pass_arrays(h, arr["cost"], arr["lo"], arr["hi"], arr["rlo"], arr["rhi"], arr["a"].tocsc())
    t0 = time.perf_counter()
    h.solve()
    solve_s = time.perf_counter() - t0
    info = h.getInfo()
    x = np.asarray(h.getSolution().col_value)
    own = residuals(arr, x) if len(x) == arr["a"].shape[1] else {}
    return {"config": config, "options": CONFIGS[config], "solve_s": solve_s,
            "status": h.modelStatusToString(h.getModelStatus()),
            "objective": float(info.objective_function_value),
            "ipm_iterations": int(info.ipm_iteration_count),
            "crossover_iterations": int(info.crossover_iteration_count),
            "simplex_iterations": int(info.simplex_iteration_count),
            "max_primal_infeasibility": float(info.max_primal_infeasibility),
            "max_dual_infeasibility": float(info.max_dual_infeasibility), **own,
            "basis": bool(h.getBasis().valid), "n_variables": int(arr["a"].shape[1]),
            "n_constraints": int(arr["a"].shape[0]), "n_nonzeros": int(arr["a"].nnz)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inputs", default="inputs/china7")
    ap.add_argument("--scenario", default="3060")
    ap.add_argument("--set", dest="sets", action="append", default=[])
    ap.add_argument("--configs", nargs="+", default=DEFAULT_CONFIGS, choices=list(CONFIGS))
    ap.add_argument("--time-limit", type=float, default=840.0, help="per configuration [s]")
    ap.add_argument("--check-results", metavar="FOLDER", help="solve a full-year check LP of this run")
    ap.add_argument("--check-period", type=int, default=2060)
    ap.add_argument("--name", default="solver_options", help="name of the JSON under benchmarks/out/")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_print(solve_once(args, args.configs[0]))
        return {}
    rows = []
    for cfg in args.configs:
        extra = [a for s in args.sets for a in ("--set", s)]
        if args.check_results:
            extra += ["--check-results", args.check_results, "--check-period", str(args.check_period)]
        r = run_child(Path(__file__), ["--inputs", args.inputs, "--scenario", args.scenario, *extra,
                                       "--configs", cfg, "--time-limit", str(args.time_limit)],
                      timeout_s=args.time_limit + 300)
        rows.append({"config": cfg, **r})
        print(f"  {cfg}: {r.get('solve_s', float('nan')):.1f} s {r.get('status', r.get('error'))}",
              flush=True)
    ref = next((r["objective"] for r in rows if r.get("config", "").startswith("ipx") and "objective" in r), None)
    for r in rows:
        if ref and "objective" in r:
            r["objective_rel_diff"] = abs(r["objective"] - ref) / abs(ref)
    print_table(rows, ["config", "solve_s", "status", "ipm_iterations", "crossover_iterations",
                       "simplex_iterations", "objective_rel_diff", "max_primal_infeasibility",
                       "max_dual_infeasibility", "max_row_violation", "max_bound_violation", "basis"],
                f"HiGHS options on {args.check_results or args.inputs} {args.scenario} {' '.join(args.sets)}")
    payload = {"inputs": args.inputs, "scenario": args.scenario, "sets": args.sets,
               "check_results": args.check_results, "results": rows}
    print(f"wrote {write_json(args.name, payload)}")
    return payload


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
