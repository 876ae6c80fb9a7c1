"""Figures of alternatives (from ``alternatives.nc`` only), in the memo figures' style:

- ``ranges``: for each period (rows) and unit (columns: GW; Mt/yr for carbon capture), a bar per group
  and slack from the least to the most any plan within the slack has, the least-cost plan marked;
- ``spread``: installed capacity by technology in the last objective period of the least-cost plan and
  of each spread-out alternative (stacked bars), to show how different the plans within the slack are.

Each figure has a title, units on its axes and the source line; PNG and SVG are written.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from model.alternatives.answers import OK, label, ranges, slacks
from model.report.style import (
    RC,
    fig_legend,
    new_figure,
    nonzero,
    stack_bars,
    styled,
    styles_for,
    tech_frame,
    thousands,
)

CAPTIONS = {
    "ranges": "Range of each technology group over every plan found within the slack (bars from the least to "
              "the most), with the least-cost plan marked; capacity installed [GW], carbon capture [Mt/yr].",
    "spread": "Installed capacity by technology of the least-cost plan and of the spread-out alternatives, "
              "each as different from the earlier ones as the slack allows [GW].",
}
SLACK_COLORS = ("#9ecae1", "#4292c6", "#08519c", "#08306b")


@styled
def fig_ranges(ds: xr.Dataset):
    """Bars from min to max per group, period and slack, the optimum marked."""
    df = ranges(ds)
    periods = sorted(df["period"].unique())
    units = list(dict.fromkeys(df["units"]))
    widths = [max(1, df[df["units"] == u]["group"].nunique()) for u in units]
    fig = new_figure(ds, "Near-optimal plans: range of each technology group", (11, 2.9 * len(periods) + 1))
    axes = np.atleast_2d(fig.subplots(len(periods), len(units), width_ratios=widths, squeeze=False))
    ss = slacks(ds)
    w = 0.8 / max(len(ss), 1)
    for i, p in enumerate(periods):
        for j, u in enumerate(units):
            ax = axes[i, j]
            sub = df[(df["period"] == p) & (df["units"] == u)]
            groups = list(dict.fromkeys(sub["group"]))
            for k, s in enumerate(ss):
                r = sub[sub["slack"] == s].set_index("group").reindex(groups)
                x = np.arange(len(groups)) + (k - (len(ss) - 1) / 2) * w
                ax.bar(x, (r["max"] - r["min"]).to_numpy(), bottom=r["min"].to_numpy(), width=w * 0.9,
                       color=SLACK_COLORS[k % len(SLACK_COLORS)], edgecolor="#333333", linewidth=0.4)
            opt = sub.drop_duplicates("group").set_index("group").reindex(groups)["optimum"]
            ax.scatter(np.arange(len(groups)), opt.to_numpy(), marker="D", s=22, color="black", zorder=3)
            ax.set_xticks(np.arange(len(groups)), [label(g) for g in groups], rotation=20, ha="right")
            ax.set_ylabel(f"{p} [{u}]")
            ax.yaxis.set_major_formatter(thousands())
            ax.grid(axis="x", visible=False)
    handles = [Patch(facecolor=SLACK_COLORS[k % len(SLACK_COLORS)], edgecolor="#333333",
                     label=f"within {s * 100:g} % of least cost") for k, s in enumerate(ss)]
    handles.append(Line2D([], [], marker="D", color="black", linestyle="", label="least-cost plan"))
    fig_legend(fig, handles)
    return fig


@styled
def fig_spread(ds: xr.Dataset):
    """Capacity mix of the optimum and the spread-out alternatives in the last objective period."""
    keep = (ds["objective"].isin(["optimum", "spread"]) & (ds["status"] == OK)).to_numpy()
    sub = ds.isel(alternative=np.flatnonzero(keep))
    periods = [int(p) for p in ds["group_capacity"]["period"].to_numpy()]
    year = max(periods) if periods else int(ds["period"].to_numpy()[-1])
    cap = sub["capacity"].sel(period=year).sum("region")
    frame = tech_frame(cap, index="alternative")
    frame = nonzero(frame.drop(columns=[c for c in frame.columns if frame[c].abs().max() < 1e-3]))
    fig = new_figure(ds, f"Spread-out plans: installed capacity {year}", (11, 5))
    ax = fig.subplots()
    x = np.arange(len(frame))
    handles = stack_bars(ax, x, frame, styles_for(frame.columns), 0.7)
    names = [f"{a}\n(+{100 * s:.1f} %)" if a != "optimum" else "least cost" for a, s in
             zip(frame.index, sub["slack_used"].to_numpy())]
    ax.set_xticks(x, names, rotation=30, ha="right", fontsize=7)
    ax.set_xlabel("Plan (total cost above the least cost) [–]")
    ax.set_ylabel(f"Installed capacity {year} [GW]")
    ax.grid(axis="x", visible=False)
    fig_legend(fig, handles)
    return fig


def write_figures(ds: xr.Dataset, folder: Path) -> list[Path]:
    """Write the figures as PNG and SVG into ``folder``; returns the PNG paths."""
    import matplotlib as mpl

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    todo = {"ranges": fig_ranges}
    if (ds["objective"] == "spread").any() and "capacity" in ds:
        todo["spread"] = fig_spread
    for name, func in todo.items():
        if name == "ranges" and not len(ranges(ds)):
            continue
        fig = func(ds)
        with mpl.rc_context(RC):
            for ext in ("png", "svg"):
                fig.savefig(folder / f"{name}.{ext}", format=ext)
        out.append(folder / f"{name}.png")
    return out
