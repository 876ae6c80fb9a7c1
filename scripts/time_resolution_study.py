"""Convergence study of the time reduction (docs/time-resolution.md).

Solves one period (2060, the year of the net-zero cap, greenfield apart from the plants still alive) of
the default dataset with N representative days (hourly, and with `segments` steps per day) and with the
full 8760-hour year, and records total cost, 2060 capacity by technology and the CO2 price. Writes
``docs/time-resolution.csv`` and ``docs/figures/time_resolution.png``.

    python scripts/time_resolution_study.py                      # days 4 ... 128 at 4 steps a day + full year
    python scripts/time_resolution_study.py --days 4 8 16 32 --segments 24 --no-full-year    # hourly days
    python scripts/time_resolution_study.py --plot-only      # redraw from the CSV
    python scripts/time_resolution_study.py --horizon --days 8 16 32 64   # all 9 periods, myopic, + full year

``--horizon`` solves the default scenario over its whole horizon (2020-2060) with myopic foresight, so
that the full year (365 days, one period at a time) is solvable too, and records each period's annual
cost and the present value to ``docs/time-resolution-horizon.csv``.

Each solve is appended to the CSV as soon as it finishes (a row for the same days and segments is
replaced), so the study can be run in pieces.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model import run_scenario  # noqa: E402

ONE_PERIOD = ["first_period=2060", "last_period=2060", "first_period_builds=true", "build_limits=false",
              "route=arrays"]  # the arrays route: same LP, less memory for the 8760-hour case
TECH_GROUPS = {"wind": ["wind_onshore", "wind_offshore"], "solar": ["solar_utility", "solar_distributed"],
               "storage": ["battery", "pumped_hydro", "hydrogen"], "firm": ["nuclear", "hydro", "gas_peaker",
               "gas_ccgt", "gas_ccs", "coal_ccs", "coal_ccs_retrofit", "biomass", "beccs"]}


#: the full year (365 days; at 4 steps a day 0.27 million columns, hourly 1.6 million) by the IPX interior
#: point without crossover: the objective and the duals of the cap are what the study needs, and crossover
#: on an LP this size takes hours. Hourly (--full-year-segments 24), IPX stops with "no progress" after
#: 5 iterations in HiGHS 1.15 (docs/time-resolution.md).
FULL_YEAR = ["solver_options={solver: ipx, run_crossover: 'off'}", "solver_log=true", "threads=2"]


def solve(days: int, segments: int | None) -> dict:
    sets = ONE_PERIOD + [f"days={days}", f"segments={segments if segments and segments < 24 else 'null'}"]
    sets += FULL_YEAR if days == 365 else []
    t0 = time.perf_counter()
    ds = run_scenario(ROOT / "inputs" / "china7", "3060", sets).results
    cap = ds["capacity"].sum("region").sel(period=2060).to_series()
    row = {"days": days, "segments": segments or 24, "timesteps": int(ds.sizes["timestep"]),
           "total_cost_bn_cny": float(ds["total_cost"]), "co2_price_cny_per_t": float(ds["co2_price"][0]),
           "seconds": round(time.perf_counter() - t0, 1), "n_variables": ds.attrs["n_variables"]}
    for group, techs in TECH_GROUPS.items():
        row[f"{group}_gw"] = float(cap.reindex(techs).fillna(0).sum())
    print(json.dumps(row), flush=True)
    return row


HORIZON_CSV = ROOT / "docs" / "time-resolution-horizon.csv"


def horizon_row(ds, days: int, seconds: float) -> dict:
    """One myopic run of the whole horizon: present value, and annual cost and CO2 price per period."""
    row = {"days": days, "total_cost_bn_cny": float(ds["total_cost"]), "seconds": round(seconds, 1)}
    annual = ds["cost"].sum("component").to_series()
    for p, v in annual.items():
        row[f"cost_{p}_bn_cny_per_yr"] = float(v)
    for p, v in ds["co2_price"].to_series().items():
        row[f"co2_price_{p}_cny_per_t"] = float(v)
    return row


def solve_horizon(days: int) -> dict:
    """The default scenario, all periods, myopic; the full year by IPX without crossover."""
    sets = ["foresight=myopic", f"days={days}", "segments=4", "route=arrays"]
    sets += FULL_YEAR[:1] if days == 365 else []
    t0 = time.perf_counter()
    ds = run_scenario(ROOT / "inputs" / "china7", "3060", sets).results
    row = horizon_row(ds, days, time.perf_counter() - t0)
    print(json.dumps(row), flush=True)
    return row


def plot_horizon(df: pd.DataFrame, path: Path) -> None:
    """Error of each period's annual cost against the finest run (the full year where present)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ref = df.sort_values("days").iloc[-1]
    cols = [c for c in df.columns if c.startswith("cost_") and c.endswith("_bn_cny_per_yr")]
    periods = [int(c.split("_")[1]) for c in cols]
    fig, ax = plt.subplots(figsize=(7, 4))
    for _, row in df[df["days"] != ref["days"]].iterrows():
        err = [100 * (row[c] / ref[c] - 1) for c in cols]
        total = 100 * (row["total_cost_bn_cny"] / ref["total_cost_bn_cny"] - 1)
        ax.plot(periods, err, "o-", label=f"{int(row['days'])} days (present value {total:+.1f} %)")
    ax.axhspan(-2, 2, color="0.9")
    ref_label = "the full year" if ref["days"] == 365 else f"{int(ref['days'])} days"
    ax.set(xlabel="period", ylabel=f"annual system cost vs {ref_label} [%]",
           title="Time reduction over the horizon (china7, 3060, myopic; grey: ±2 %)")
    ax.legend(fontsize=7)
    fig.text(0.01, 0.01, "Source: cn-3060 scripts/time_resolution_study.py --horizon", fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=130)


def plot(df: pd.DataFrame, ref: pd.Series | None, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for seg, grp in df[df["days"] < 365].groupby("segments"):
        label = "hourly" if seg == 24 else f"{seg} steps/day"
        base = ref if ref is not None else grp.iloc[-1]
        axes[0].plot(grp["days"], 100 * (grp["total_cost_bn_cny"] / base["total_cost_bn_cny"] - 1), "o-",
                     label=label)
        axes[1].plot(grp["days"], grp["co2_price_cny_per_t"], "o-", label=label)
        for g, m in (("wind", "o"), ("solar", "s"), ("storage", "^")):
            axes[2].plot(grp["days"], grp[f"{g}_gw"], m + ("-" if seg == 24 else "--"), label=f"{g} ({label})")
    if ref is not None:
        axes[1].axhline(ref["co2_price_cny_per_t"], color="k", lw=0.8, label="full year")
        for g in ("wind", "solar", "storage"):
            axes[2].axhline(ref[f"{g}_gw"], color="k", lw=0.6, ls=":")
    axes[0].axhspan(-2, 2, color="0.9")
    axes[0].set(xscale="log", xlabel="representative days", ylabel="total cost vs reference [%]",
                title="Cost error (grey: ±2 %)")
    axes[1].set(xscale="log", xlabel="representative days", ylabel="CO2 price 2060 [CNY/t]", title="CO2 price")
    axes[2].set(xscale="log", xlabel="representative days", ylabel="capacity 2060 [GW]", title="Capacity")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.suptitle("Time reduction: 2060 alone, china7, scenario 3060 (black: the full year, 365 days)")
    fig.text(0.01, 0.01, "Source: cn-3060 scripts/time_resolution_study.py", fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)


CSV = ROOT / "docs" / "time-resolution.csv"


def record(row: dict, path: Path = CSV, keys: tuple = ("segments", "days")) -> pd.DataFrame:
    """Add one solve to a CSV, replacing an earlier row with the same ``keys``."""
    df = pd.read_csv(path) if path.exists() else pd.DataFrame(columns=list(row))
    same = np.logical_and.reduce([df[k] == row[k] for k in keys]) if len(df) else np.zeros(0, bool)
    df = pd.concat([df[~same], pd.DataFrame([row])], ignore_index=True).sort_values(list(keys))
    df.to_csv(path, index=False)
    return df


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, nargs="+", default=[4, 8, 16, 32, 64, 128])
    ap.add_argument("--segments", type=int, nargs="+", default=[4])
    ap.add_argument("--full-year-segments", type=int, default=4,
                    help="steps a day of the full-year reference (24: hourly, 8760 steps)")
    ap.add_argument("--no-full-year", action="store_true")
    ap.add_argument("--full-year-only", action="store_true")
    ap.add_argument("--plot-only", action="store_true")
    ap.add_argument("--horizon", action="store_true", help="all periods, myopic (docs/time-resolution-horizon.csv)")
    args = ap.parse_args()
    if args.horizon:
        for d in [] if args.plot_only else args.days + ([] if args.no_full_year else [365]):
            record(solve_horizon(d), HORIZON_CSV, ("days",))
        plot_horizon(pd.read_csv(HORIZON_CSV), ROOT / "docs" / "figures" / "time_resolution_horizon.png")
        print(pd.read_csv(HORIZON_CSV).round(1).to_string(index=False))
        return
    runs = [] if args.full_year_only else [(d, s) for s in args.segments for d in args.days]
    if not args.no_full_year:
        runs.append((365, args.full_year_segments))
    if args.plot_only:
        runs = []
    for d, s in runs:
        record(solve(d, s))
    df = pd.read_csv(CSV)
    full = df[df["days"] == 365]
    plot(df, full.iloc[0] if len(full) else None, ROOT / "docs" / "figures" / "time_resolution.png")
    print(df.to_string(index=False))


if __name__ == "__main__":
    main()
