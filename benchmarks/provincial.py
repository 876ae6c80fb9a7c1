"""The 31-province case: 9 periods (2020–2060) × 16 representative days, perfect foresight and myopic.

    python benchmarks/provincial.py                          # both modes, 16 days × 4 segments
    python benchmarks/provincial.py --modes myopic --segments 8
    python benchmarks/provincial.py --days 4 --modes perfect     # a smaller variant

Each mode runs once in a fresh process (``model.run.single.run_scenario`` on ``inputs/china31``, scenario
3060, results not written) with its peak RSS sampled [MB] and the kernel's high-water mark read at the
end. Reported per mode: wall seconds [s], the solver's share, peak RSS [MB], the LP size (for myopic:
of the largest step), total discounted cost [bn CNY] and the 2060 capacity of wind, solar and storage
[GW], the overhead ratio (everything but the HiGHS solve / the solve); for myopic also the cost
difference from perfect foresight (when both ran). A mode that runs past
``--timeout`` is recorded as such. Writes ``benchmarks/out/provincial.json``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from common import RssMonitor, child_print, print_table, run_child, write_json

GROUPS = {"wind": ["wind_onshore", "wind_offshore"], "solar": ["solar_utility", "solar_distributed"],
          "storage": ["battery", "pumped_hydro", "hydrogen"]}


def one_mode(mode: str, sets: list[str]) -> dict:
    """Child: one run of the 31-province case, its time, memory, size and key results."""
    from model.run.single import run_scenario

    with RssMonitor() as mon, mon.stage("run"):
        t0 = time.perf_counter()
        run = run_scenario("inputs/china31", "3060", [*sets, f"foresight={mode}"])
        wall = time.perf_counter() - t0
    ds = run.results
    cap = ds["capacity"].sum("region").sel(period=int(ds["period"][-1])).to_series()
    out = {"mode": mode, "wall_s": wall, "peak_rss_mb": mon.overall,
           "solve_s": float(run.timings.get("solve_s", float("nan"))),
           "total_cost_bn_cny": float(ds["total_cost"]),
           "n_variables": int(ds.attrs.get("n_variables", 0)),
           "n_constraints": int(ds.attrs.get("n_constraints", 0)),
           "n_nonzeros": int(ds.attrs.get("n_nonzeros", 0))}
    out["overhead_ratio"] = (wall - out["solve_s"]) / out["solve_s"]  # everything but HiGHS / HiGHS
    for g, techs in GROUPS.items():
        out[f"{g}_2060_gw"] = float(cap.reindex(techs).fillna(0).sum())
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--modes", nargs="+", default=["myopic", "perfect"], choices=["myopic", "perfect"])
    ap.add_argument("--days", type=int, default=16)
    ap.add_argument("--segments", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=5400.0, help="per mode [s]")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--set", dest="sets", action="append", default=[], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_print(one_mode(args.mode, args.sets))
        return {}
    sets = [f"days={args.days}", f"segments={args.segments}"]
    rows = []
    for mode in args.modes:
        r = run_child(Path(__file__), ["--mode", mode, *[a for x in sets for a in ("--set", x)]],
                      timeout_s=args.timeout)
        rows.append({"mode": mode, **r})
        print(f"  {mode}: " + (r["error"] if "error" in r else
              f"{r['wall_s']:.0f} s (solver {r['solve_s']:.0f} s), peak {r['peak_rss_mb']:.0f} MB, "
              f"cost {r['total_cost_bn_cny']:,.0f} bn CNY"), flush=True)
    by = {r["mode"]: r for r in rows if "error" not in r}
    if {"myopic", "perfect"} <= set(by):
        by["myopic"]["cost_vs_perfect"] = by["myopic"]["total_cost_bn_cny"] / by["perfect"]["total_cost_bn_cny"] - 1
    print_table(rows, ["mode", "wall_s", "solve_s", "peak_rss_mb", "n_variables", "n_constraints", "n_nonzeros",
                       "total_cost_bn_cny", "wind_2060_gw", "solar_2060_gw", "storage_2060_gw"],
                f"31 provinces, 9 periods, {args.days} days × {args.segments} segments")
    payload = {"case": {"inputs": "inputs/china31", "scenario": "3060", "sets": sets}, "modes": rows}
    main_row = by.get("perfect") or by.get("myopic") or {}
    for key in ("wall_s", "solve_s", "overhead_ratio", "peak_rss_mb", "n_variables", "n_constraints",
                "n_nonzeros"):
        if key in main_row:
            payload[key] = main_row[key]
    print(f"wrote {write_json('provincial', payload)}")
    return payload


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
