"""``--accuracy`` measured (docs/time-resolution.md, "Days added until the answer holds").

    python scripts/accuracy_study.py --case 2060       # the 2060 case of the time-resolution study
    python scripts/accuracy_study.py --case default    # the default run (9 periods, perfect foresight)
    python scripts/accuracy_study.py --case 2060 --days-per-iteration 16 --name 2060-add16

Each iteration of :func:`model.check.refine.refine` (solve, full-year check, add the days served worst)
is a row of ``docs/accuracy-<case>.csv``: representative days, planning cost, evaluated cost (the plan
operated over the full year), the gap, lost load, seconds; the 2060 case also shows the full-year
optimum of ``docs/time-resolution.csv`` (365 days × 4 steps). The figure
``docs/figures/accuracy_<case>.png`` draws them per iteration. ``--plot-only`` redraws from the CSV.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model import load_inputs  # noqa: E402
from model.check.evaluate import CheckOptions  # noqa: E402
from model.check.refine import refine  # noqa: E402
from model.check.runner import solve  # noqa: E402

CASES = {
    "2060": ["first_period=2060", "last_period=2060", "first_period_builds=true", "build_limits=false",
             "route=arrays"],
    "default": [],
}


def reference() -> float | None:
    """The full-year optimum of the 2060 case [bn CNY] (docs/time-resolution.csv, 365 days)."""
    df = pd.read_csv(ROOT / "docs" / "time-resolution.csv")
    full = df[df["days"] == 365]
    return float(full["total_cost_bn_cny"].iloc[0]) if len(full) else None


def study(case: str, target: float, max_iterations: int, per_iteration: int, workers: int | None,
          name: str) -> pd.DataFrame:
    inputs = load_inputs(ROOT / "inputs" / "china7", "3060", CASES[case])
    t0 = time.perf_counter()
    path = ROOT / "docs" / f"accuracy-{name}.csv"
    rows = []

    def record(row):  # each iteration on disk as it finishes (the study can be stopped)
        rows.append(dict(row, total_s=time.perf_counter() - t0))
        pd.DataFrame(rows).assign(stop="running").to_csv(path, index=False)
        print(json.dumps(rows[-1]), flush=True)

    run, check, ref = refine(inputs, target, solve, CheckOptions(workers=workers), max_iterations,
                             per_iteration, on_iteration=record)
    df = pd.DataFrame(ref.history)
    df["stop"] = ref.stop
    df["total_s"] = time.perf_counter() - t0
    if case == "2060":
        df["full_year_optimum_bn_cny"] = reference()
    df.to_csv(path, index=False)
    print(json.dumps({"stop": ref.stop, "extra_days": ref.extra_days, "seconds": df["total_s"].iloc[0]}))
    return df


def plot(df: pd.DataFrame, case: str, name: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4))
    it = df["iteration"]
    ax.plot(it, df["planning_cost_bn_cny"], "o-", label="planning cost (representative days)")
    ax.plot(it, df["evaluated_cost_bn_cny"], "s-", label="evaluated cost (plan over the full year)")
    if "full_year_optimum_bn_cny" in df and df["full_year_optimum_bn_cny"].notna().all():
        ax.axhline(df["full_year_optimum_bn_cny"].iloc[0], color="k", lw=0.8, ls="--",
                   label="full-year optimum (365 days × 4 steps)")
    for x, d in zip(it, df["representative_days"]):
        ax.annotate(f"{d} d", (x, df["planning_cost_bn_cny"][x]), textcoords="offset points", xytext=(4, -12),
                    fontsize=7)
    ax.set(xlabel="iteration (re-solves)", ylabel="cost [bn CNY, PV 2020]", title="Costs per iteration")
    ax.legend(fontsize=7)
    for a in (ax, bx):
        a.set_xticks(list(it))
    bx.plot(it, 100 * df["cost_gap"], "o-", label="cost gap [%]")
    bx.axhline(100 * 0.02, color="0.5", ls=":", label="target 2 %")
    bx2 = bx.twinx()
    bx2.bar(it, df["unserved_twh"], alpha=0.3, color="C3", label="lost load [TWh]")
    bx.set(xlabel="iteration (re-solves)", ylabel="(evaluated − planning) / evaluated [%]",
           title="Gap and lost load over the full year")
    bx2.set_ylabel("lost load over the full year [TWh, all periods]")
    bx.legend(loc="upper right", fontsize=7)
    bx2.legend(loc="center right", fontsize=7)
    title = {"2060": "2060 alone (china7, 3060)", "default": "default run (china7, 3060, 9 periods)"}[case]
    added = int(df["extra_days"].diff().max()) if len(df) > 1 else 0
    fig.suptitle(f"--accuracy 0.02: {title}" + (f", {added} days added per iteration" if added else ""))
    fig.text(0.01, 0.01, "Source: cn-3060 scripts/accuracy_study.py", fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    path = ROOT / "docs" / "figures" / f"accuracy_{name}.png"
    fig.savefig(path, dpi=130)
    print(f"wrote {path}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", choices=list(CASES), default="2060")
    ap.add_argument("--target", type=float, default=0.02)
    ap.add_argument("--max-iterations", type=int, default=6)
    ap.add_argument("--days-per-iteration", type=int, default=16)
    ap.add_argument("--workers", type=int)
    ap.add_argument("--name", help="name of the CSV and figure (default: the case)")
    ap.add_argument("--plot-only", action="store_true")
    args = ap.parse_args()
    name = args.name or args.case
    if args.plot_only:
        df = pd.read_csv(ROOT / "docs" / f"accuracy-{name}.csv")
    else:
        df = study(args.case, args.target, args.max_iterations, args.days_per_iteration, args.workers, name)
    print(df.round(4).to_string(index=False))
    plot(df, args.case, name)


if __name__ == "__main__":
    main()
