"""Near-optimal alternatives: one warm-started re-solve against the optimum's solve, and many alternatives
on 2 Dask workers against one at a time.

    python benchmarks/alternatives.py                               # default case (china7, 3060, 8 days x 4)
    python benchmarks/alternatives.py --results results/3060        # part 2 from make run's results
    python benchmarks/alternatives.py --set days=3 --set segments=6 --objectives 2 --alternatives 6   # quick

1. **Re-solve** (one process, no Dask): the scenario's LP is solved cold as ``run.py run`` solves it
   (interior point + crossover; ``optimum_solve_s``), then each of ``--objectives`` alternatives at 5 %
   slack (wind max 2060, gas min 2060, solar min 2060, nuclear min 2060, …) is solved on the worker's
   model (:mod:`model.alternatives.worker`) ``warm`` — phase 1 by primal simplex and phase 2 by dual
   simplex from the optimum's basis, however long it takes —, ``auto`` (warm within the budget of 0.05 ×
   rows iterations, else cold; the default) and ``cold`` (both phases by interior point, no basis).
   Reported per alternative: seconds and iterations of each phase, and ``<method>_ratio`` = seconds /
   the optimum's (target ≤ 0.5).
2. **Throughput**: ``--alternatives`` min/max alternatives (5 groups × 2 periods × 2 senses = 20) by
   ``run_alternatives`` on a new LocalCluster of 2 workers, the optimum taken from ``optimum.npz`` (solved
   in a first call), so that ``solving_s`` is the alternatives alone (model sent to the workers, every
   re-solve, extraction and writing). Target: ``solving_s`` ≤ N × ``first_s`` / 1.5, with ``first_s`` the
   time from sending the model until the first alternative (in submission order) is written (its
   worker's model load included); ``parallel_speedup`` = Σ task times / ``solving_s`` (2 at most).

Writes ``benchmarks/out/alternatives.json`` with the machine's cores and load average.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from common import OUT, ROOT, machine

GROUPS = {"solar": ["capacity[solar_utility]", "capacity[solar_distributed]"],
          "wind": ["capacity[wind_onshore]", "capacity[wind_offshore]"],
          "gas": ["capacity[gas_ccgt]", "capacity[gas_peaker]", "capacity[gas_ccs]"],
          "transmission": ["line_capacity"],
          "nuclear": ["capacity[nuclear]"]}
RESOLVE = [("wind", "max", 2060), ("gas", "min", 2060), ("solar", "min", 2060), ("nuclear", "min", 2060),
           ("transmission", "max", 2060), ("solar", "max", 2030)]


def spec_file(folder: Path, n: int) -> Path:
    spec = {"name": "bench", "slack": [0.05], "periods": [2030, 2060], "groups": GROUPS,
            "minmax": {"groups": list(GROUPS)[:max(1, n // 4)]}, "spread": {"count": 0}}
    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def resolve(args, folder: Path) -> dict:
    """Part 1: the optimum cold, then each alternative warm and cold on one loaded model."""
    from model.alternatives.objectives import compile_groups, spread_columns
    from model.alternatives.optimum import Optimum, solve_optimum
    from model.alternatives.spec import load_spec
    from model.alternatives.driver import MIN_BUDGET
    from model.alternatives.worker import main_objective, solve_alternative
    from model.data.prepare import prepare
    from model.data.read import load_inputs
    from model.lp.assemble import build

    inputs = load_inputs(args.inputs, args.scenario, args.set)
    data = prepare(inputs.tables, inputs.profiles, inputs.settings)
    lp, acc, _ = build(data, inputs.settings)
    path = spec_file(folder, 20)
    groups = compile_groups(load_spec(path), lp, acc, [int(p) for p in data["period"].to_numpy()], path)
    found = solve_optimum(lp, inputs.settings)
    print(f"optimum: {found['solve_s']:.1f} s ({found['ipm_iterations']} IPM iterations)", flush=True)
    cols, gid = spread_columns(lp, [2060])
    budget = max(MIN_BUDGET, int(0.05 * lp.n_rows))
    opt = Optimum("bench", lp, acc, data, inputs.settings, float(found["objective"]), found["x"],
                  found["col_status"], found["row_status"], groups, cols, gid, {})
    rows = []
    for group, sense, period in RESOLVE[:args.objectives]:
        alt = {"id": f"{group}-{sense}-{period}", "objective": group, "sense": sense, "period": period,
               "slack": 0.05}
        c, k, _ = main_objective(opt, alt, [])
        row = {"alternative": alt["id"]}
        for method in ("warm", "auto", "cold"):
            w = row.get("warm", {})
            if method == "auto" and max(w.get("phase1_iterations", 0), w.get("phase2_iterations", 0)) <= budget:
                row["auto"] = {**w, "how": "warm (within the budget)"}
                continue
            t0 = time.perf_counter()
            sol, info = solve_alternative(opt, alt, method, c, k, sense == "min", budget)
            row[method] = {"s": round(time.perf_counter() - t0, 2), "phase2": info["phase2"],
                           **{key: round(float(info[key]), 2) for key in ("phase1_s", "phase2_s")},
                           **{key: int(info[key]) for key in ("phase1_iterations", "phase2_iterations")},
                           "how": f"{info['phase1_how']}; {info['phase2_how'] or '-'}",
                           "value": round(groups[(group, period)].value(sol.x), 3),
                           "cost_above_optimum_pct": round(100 * (sol.objective / opt.objective - 1), 4)}
        for method in ("warm", "auto", "cold"):
            row[f"{method}_ratio"] = round(row[method]["s"] / found["solve_s"], 3)
        print(json.dumps(row), flush=True)
        rows.append(row)
    med = {f"{m}_ratio_median": float(np.median([r[f"{m}_ratio"] for r in rows])) if rows else None
           for m in ("warm", "auto", "cold")}
    return {"optimum_solve_s": round(float(found["solve_s"]), 2), "warm_budget_iterations": budget,
            "alternatives": rows, **med, "n_variables": lp.n_cols, "n_constraints": lp.n_rows}


def throughput(args, folder: Path) -> dict:
    """Part 2: N alternatives on 2 workers, the optimum from optimum.npz."""
    from model.alternatives.driver import run_alternatives
    from model.run.single import run_scenario

    results = Path(args.results) if args.results else folder / "res"
    if not args.results:
        run_scenario(args.inputs, args.scenario, args.set, out=results)
    out = folder / "alternatives"
    out.mkdir()
    if (results / "alternatives" / "optimum.npz").exists():  # solved for this run already
        shutil.copy(results / "alternatives" / "optimum.npz", out / "optimum.npz")
    path = spec_file(folder, args.alternatives)
    run_alternatives(results, file=path, out=out, workers=2, progress=False, figures=False, max_alternatives=0)
    t0 = time.perf_counter()
    res = run_alternatives(results, file=path, out=out, workers=2, progress=False, figures=False)
    wall = time.perf_counter() - t0
    ds = res.dataset.isel(alternative=slice(1, None))
    first = res.alternatives[0].id
    first_s = res.outcomes[first]["finished"] - res.submitted
    tasks = [o["seconds"] for o in res.outcomes.values() if o.get("seconds")]
    n = len(tasks)
    out = {"alternatives": n, "failed": res.failed, "wall_s": round(wall, 1), "solving_s": round(res.solving_s, 1),
           "first": first, "first_s": round(first_s, 1), "target_s": round(n * first_s / 1.5, 1),
           "speedup_vs_first": round(n * first_s / res.solving_s, 2),
           "sum_of_task_s": round(sum(tasks), 1), "parallel_speedup": round(sum(tasks) / res.solving_s, 2),
           "median_task_s": round(float(np.median(tasks)), 1),
           "median_solve_s": round(float(np.nanmedian(ds["alternative_solve_seconds"].to_numpy())), 1),
           "phase2_share": float(np.nanmean(ds["phase2_seconds"].to_numpy() > 0))}
    print(json.dumps(out), flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", default="inputs/china7")
    ap.add_argument("--scenario", default="3060")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--objectives", type=int, default=3, help="alternatives of part 1")
    ap.add_argument("--results", help="part 2: a results folder of the same case to start from (its "
                                      "alternatives/optimum.npz is reused when there)")
    ap.add_argument("--alternatives", type=int, default=20, help="alternatives of part 2 (a multiple of 4)")
    ap.add_argument("--parts", nargs="+", choices=["resolve", "throughput"], default=["resolve", "throughput"])
    ap.add_argument("--out", default=str(OUT / "alternatives.json"))
    args = ap.parse_args(argv)
    os.chdir(ROOT)
    result = {"machine": machine(), "inputs": args.inputs, "scenario": args.scenario, "sets": args.set,
              "command": " ".join(["python benchmarks/alternatives.py", *sys.argv[1:]])}
    tmp = Path(tempfile.mkdtemp(prefix="alt-bench-"))
    try:
        if "resolve" in args.parts:
            result["resolve"] = resolve(args, tmp)
        if "throughput" in args.parts:
            result["throughput"] = throughput(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["warm_ratio_median"] = result.get("resolve", {}).get("warm_ratio_median")
    result["speedup_vs_first"] = result.get("throughput", {}).get("speedup_vs_first")
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
