"""Sweep throughput: seconds per scenario through the sweep engine (1 and 2 Dask workers, one loaded
model per worker, warm-started re-solves) against independent ``python run.py run`` commands.

    python benchmarks/sweep_throughput.py                       # 20 members, days=3, segments=6
    python benchmarks/sweep_throughput.py --members 6 --days 2 --segments 4     # a quick variant

Members: a Monte Carlo sweep (Latin hypercube, seed 1) of the "3060" scenario of ``inputs/china7``
with factors on the capex of solar (0.7–1.3), wind (0.8–1.2), batteries (0.6–1.4) and CCUS (0.6–1.4)
and on demand (0.95–1.05). The same members are solved by the sweep with 1 worker, with 2 workers,
and as independent ``run.py run --no-figures`` subprocesses run one after another. Every timing is wall
time including start-up (cluster, imports, first model build). Writes ``benchmarks/out/sweep_throughput.json``
with ``seconds_per_scenario_sweep`` (by worker count), ``seconds_per_scenario_independent``,
``speedup`` (independent / sweep, by worker count), ``reused_model_s`` (median member time when the
worker re-used its loaded model; ``reused_solve_s`` of it in HiGHS, ``reused_overhead_s`` the rest),
``rebuild_s`` (median member time when it built the model), the
largest relative difference in total cost between sweep and independent runs, and machine info.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import xarray as xr
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def sweep_file(folder: Path, args) -> Path:
    """The benchmark's sweep file (see module docstring)."""
    def f(lo, hi, *targets):
        return {"targets": list(targets), "dist": "uniform", "low": lo, "high": hi, "scale": True}
    spec = {"name": "throughput", "inputs": args.inputs, "base": args.scenario,
            "set": {"days": args.days, "segments": args.segments},
            "monte_carlo": {"samples": args.members, "seed": 1, "parameters": {
                "solar_capex": f(0.7, 1.3, "capex[solar_utility]", "capex[solar_distributed]"),
                "wind_capex": f(0.8, 1.2, "capex[wind_onshore]", "capex[wind_offshore]"),
                "battery_capex": f(0.6, 1.4, "capex[battery]", "capex_energy[battery]"),
                "ccus_capex": f(0.6, 1.4, "capex[coal_ccs]", "capex[coal_ccs_retrofit]", "capex[gas_ccs]",
                                "capex[beccs]"),
                "demand": f(0.95, 1.05, "demand")}}}
    path = folder / "throughput.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def run_engine(spec: Path, out: Path, workers: int) -> tuple[float, xr.Dataset]:
    """The sweep through the engine on a new LocalCluster of ``workers``; returns (wall s, sweep.nc)."""
    from model.sweep.driver import run_sweep

    t0 = time.perf_counter()
    res = run_sweep(spec, out=out, workers=workers, progress=False, figures=False)
    wall = time.perf_counter() - t0
    if res.failed or res.pending:
        raise SystemExit(f"sweep with {workers} worker(s) left members unsolved: {res.summary()}")
    return wall, res.dataset


def run_independent(members, args, out: Path) -> tuple[float, dict]:
    """Each member as its own ``run.py run`` process, one after another; returns (wall s, total costs)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    costs = {}
    t0 = time.perf_counter()
    for m in members:
        sets = [f"days={args.days}", f"segments={args.segments}"] + m.sets
        cmd = [sys.executable, str(ROOT / "run.py"), "run", "--inputs", args.inputs, "--scenario",
               args.scenario, "--no-figures", "--out", str(out / m.id)]
        for s in sets:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        with xr.open_dataset(out / m.id / "results.nc") as ds:
            costs[m.id] = float(ds["total_cost"])
    return time.perf_counter() - t0, costs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=20)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--segments", type=int, default=6)
    ap.add_argument("--inputs", default="inputs/china7")
    ap.add_argument("--scenario", default="3060")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "out" / "sweep_throughput.json"))
    args = ap.parse_args(argv)
    os.chdir(ROOT)
    from model.sweep.spec import load_spec, make_members

    load0 = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews the timings
    tmp = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    try:
        spec = sweep_file(tmp, args)
        members = make_members(load_spec(spec))
        per_sweep, loads, solves, costs_sweep = {}, {"build": [], "update": []}, {}, {}
        for w in args.workers:
            wall, ds = run_engine(spec, tmp / f"sweep{w}", w)
            per_sweep[str(w)] = wall / len(members)
            for how, sec, solve in zip(ds["model_load"].to_numpy(), ds["member_seconds"].to_numpy(),
                                       ds["member_solve_seconds"].to_numpy()):
                loads.setdefault(str(how), []).append(float(sec))
                solves.setdefault(str(how), []).append(float(solve))
            costs_sweep = dict(zip(ds["scenario"].to_numpy(), ds["total_cost"].to_numpy()))
            print(f"sweep, {w} worker(s): {wall:.1f} s for {len(members)} members", flush=True)
        wall_ind, costs_ind = run_independent(members, args, tmp / "independent")
        print(f"independent run.py: {wall_ind:.1f} s for {len(members)} members", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    per_ind = wall_ind / len(members)
    diff = max(abs(costs_sweep[k] - v) / abs(v) for k, v in costs_ind.items())
    result = {
        "members": len(members), "inputs": args.inputs, "scenario": args.scenario,
        "days": args.days, "segments": args.segments,
        "seconds_per_scenario_sweep": {k: round(v, 2) for k, v in per_sweep.items()},
        "seconds_per_scenario_independent": round(per_ind, 2),
        "speedup": {k: round(per_ind / v, 2) for k, v in per_sweep.items()},
        "reused_model_s": round(float(np.median(loads["update"])), 2) if loads["update"] else None,
        "rebuild_s": round(float(np.median(loads["build"])), 2) if loads["build"] else None,
        # a re-used member's time beyond the HiGHS solve (update of costs/bounds, extraction, writing)
        "reused_solve_s": round(float(np.median(solves["update"])), 2) if solves.get("update") else None,
        "reused_overhead_s": round(float(np.median(np.subtract(loads["update"], solves["update"]))), 2)
        if solves.get("update") else None,
        "max_rel_diff_total_cost": float(f"{diff:.3g}"),
        "machine": {"cores": os.cpu_count(), "cpu_model": cpu_model(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_average_start": load0,
                    "load_average_end": [round(x, 2) for x in os.getloadavg()]},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(f"\n{'':28}{'s / scenario':>14}{'speed-up':>10}")
    for k, v in per_sweep.items():
        print(f"{f'sweep engine, {k} worker(s)':28}{v:14.2f}{per_ind / v:10.2f}")
    print(f"{'independent run.py run':28}{per_ind:14.2f}{1:10.2f}")
    print(f"member with re-used model: {result['reused_model_s']} s (median; HiGHS {result['reused_solve_s']} s, "
          f"everything else {result['reused_overhead_s']} s); with a model build: "
          f"{result['rebuild_s']} s (median); max relative total-cost difference {diff:.2g}")
    print(f"({len(members)} members, {args.inputs} '{args.scenario}', days={args.days}, "
          f"segments={args.segments}; {os.cpu_count()} cores, {cpu_model()}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
