"""Dispatch figures: national and regional output on representative summer and winter days.

From a results Dataset only (``docs/results.md``). Units: power GW, energy TWh/yr, hours h, coordinates
degrees. Styles from ``figures_style``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from model.report.style import (
    STORAGE,
    fig_legend,
    legend_handles,
    new_figure,
    nonzero,
    stack_bars,
    styled,
    styles_for,
    tech_frame,
)

SUMMER_MONTHS, WINTER_MONTHS = (6, 7, 8), (12, 1, 2)
#: calendar of the profiles (day 0 = 1 January of a non-leap year)
CALENDAR_START = pd.Timestamp("2019-01-01")


# ---------------------------------------------------------------- representative days and dispatch

def day_weights(ds: xr.Dataset) -> pd.Series:
    """Calendar days each representative day stands for [d/yr], by day."""
    if "day_weight" in ds:
        return ds["day_weight"].to_pandas()
    w = pd.Series(ds["weight"].to_numpy() / ds["duration"].to_numpy(), index=ds["timestep_day"].to_numpy())
    return w.groupby(level=0).first()


def _solar_share_by_day(ds: xr.Dataset) -> pd.Series:
    """Share of solar in national non-storage output per representative day (all periods) [-]."""
    out = ds["dispatch"].sum("region")
    techs = [str(t) for t in ds["tech"].values]
    gen = out.sel(tech=[t for t in techs if t not in STORAGE]).clip(min=0)
    energy = (gen * ds["duration"]).sum("period").groupby(ds["timestep_day"]).sum("timestep")
    solar = [t for t in techs if t.startswith("solar")]
    total = energy.sum("tech").to_pandas()
    if not solar:
        return pd.Series(np.linspace(1, 0, len(total)), index=total.index)
    return energy.sel(tech=solar).sum("tech").to_pandas() / total.where(total > 0, 1.0)


def representative_days(ds: xr.Dataset) -> dict[str, tuple[int, str]]:
    """Summer and winter representative day: {"summer"|"winter": (day, how it was chosen)}.

    With ``source_day`` (0-based calendar day per representative day) the day drawn from Jun–Aug
    (Dec–Feb) standing for the most calendar days is taken. Otherwise, or if no day falls in the season,
    the day with the highest (lowest) national solar share among days standing for more than one day.
    """
    weights = day_weights(ds)
    picks: dict[str, tuple[int, str]] = {}
    if "source_day" in ds:
        src = ds["source_day"].to_pandas()
        dates = CALENDAR_START + pd.to_timedelta(src.to_numpy().astype(int), unit="D")
        for season, months in (("summer", SUMMER_MONTHS), ("winter", WINTER_MONTHS)):
            cand = src.index[np.isin(dates.month, months)]
            if len(cand):
                day = int(weights.reindex(cand).idxmax())
                picks[season] = (day, f"{dates[list(src.index).index(day)]:%d %b}")
    share = _solar_share_by_day(ds)
    regular = share[weights.reindex(share.index).fillna(0) > 1.0]
    share = regular if len(regular) >= 2 else share
    if "summer" not in picks:
        picks["summer"] = (int(share.idxmax()), "highest solar share")
    if "winter" not in picks:
        rest = share.drop(picks["summer"][0]) if len(share) > 1 else share
        picks["winter"] = (int(rest.idxmin()), "lowest solar share")
    return picks


def _pick_period(ds: xr.Dataset, year: int) -> int:
    periods = ds["period"].to_numpy()
    return int(periods[np.argmin(np.abs(periods - year))])


def dispatch_frames(ds: xr.Dataset, period: int, day: int, region: str | None = None):
    """Dispatch of one representative day [GW], national or of one ``region``: (output by tech incl.
    storage discharge and, for a region, net imports; storage charging and net exports as negative
    values; load; first hour [h]; duration [h]), rows sorted by hour. A region's net imports are what its
    energy balance needs beyond its own output: load − output + charging (losses and shifted load
    included)."""
    ts = ds["timestep"].where(ds["timestep_day"] == day, drop=True).to_numpy()
    sub = ds.sel(period=period, timestep=ts)
    if region is not None:
        sub = sub.sel(region=[region])
    out = tech_frame(sub["dispatch"], index="timestep")
    charge = tech_frame(sub["charge"], index="timestep") if "charge" in sub else out * 0.0
    storage = [c for c in out.columns if c in STORAGE]
    out[storage] = out[storage] + charge.reindex(columns=storage, fill_value=0.0)
    neg = -charge.reindex(columns=storage, fill_value=0.0)
    load = sub["load"].sum("region").to_pandas().reindex(out.index)
    if region is not None:
        net = load - out.sum(axis=1) - neg.sum(axis=1)
        if "demand_shift" in sub:
            net = net + sub["demand_shift"].sum("region").to_pandas().reindex(out.index)
        out["net_imports"], neg["net_imports"] = net.clip(lower=0.0), net.clip(upper=0.0)
    first = pd.Series(sub["first_hour"].to_numpy(), index=out.index).astype(float)
    order = first.sort_values().index
    dur = pd.Series(sub["duration"].to_numpy(), index=out.index).astype(float)
    return out.loc[order], neg.loc[order], load.loc[order], first.loc[order], dur.loc[order]


def _dispatch_panel(ax, frames, styles) -> None:
    """One day: output and discharge stacked up, charging down [GW], load as a step line."""
    out, neg, load, first, dur = frames
    stack_bars(ax, first.to_numpy(), out.reindex(columns=list(styles), fill_value=0.0), styles,
               dur.to_numpy(), align="edge", edge=False)
    if (neg.abs() > 1e-6).any().any():
        stack_bars(ax, first.to_numpy(), neg.reindex(columns=list(styles), fill_value=0.0), styles,
                   dur.to_numpy(), align="edge", edge=False)
        ax.axhline(0, color="black", linewidth=0.8)
    edges = np.append(first.to_numpy(), first.iloc[-1] + dur.iloc[-1])
    ax.stairs(load.to_numpy(), edges, color="black", linewidth=1.6, baseline=None)
    ax.set_xlim(0, 24)
    ax.set_xticks(range(0, 25, 3))
    ax.grid(axis="x", visible=False)


def largest_importer(ds: xr.Dataset, year: int = 2060) -> str:
    """Region with the largest net imports [TWh/yr] in the period nearest ``year``."""
    p = _pick_period(ds, year)
    sub = ds.sel(period=p)
    own = (sub["dispatch"].sum("tech") * ds["weight"]).sum("timestep")
    need = (sub["load"] * ds["weight"]).sum("timestep")
    return str((need - own).idxmax("region").item())


@styled
def fig_dispatch(ds: xr.Dataset, years=(2030, 2060), region: str | None = None) -> Figure:
    """Dispatch on a representative summer and winter day in two periods (2×2) [GW], national or of one
    region (then with its net imports and exports): output stacked by technology, storage discharge
    above and charging below zero, load as a line. Steps have the true widths of the timesteps."""
    days = representative_days(ds)
    periods = list(dict.fromkeys(_pick_period(ds, y) for y in years))
    weights = day_weights(ds)
    panels = {(p, s): dispatch_frames(ds, p, days[s][0], region) for p in periods for s in ("summer", "winter")}
    used = pd.concat([f[0].abs() for f in panels.values()] + [f[1].abs() for f in panels.values()])
    styles = styles_for(nonzero(used.fillna(0.0)).columns)
    where = "national" if region is None else f"{region}, the largest net importer"
    fig = new_figure(ds, f"Dispatch on representative days ({where})", (11.0, 3.0 * len(periods) + 1.0))
    axes = fig.subplots(len(periods), 2, sharey=True, squeeze=False)
    for row, period in zip(axes, periods):
        for ax, season in zip(row, ("summer", "winter")):
            day, how = days[season]
            _dispatch_panel(ax, panels[(period, season)], styles)
            steps = "/".join(f"{h:g}" for h in panels[(period, season)][4])
            ax.set_title(f"{period}, {season} day ({how}; stands for {weights.get(day, np.nan):.0f} d/yr; "
                         f"steps {steps} h)", loc="left", fontsize=9)
            ax.set_ylabel("Power [GW]")
            ax.set_xlabel("Hour of day [h]")
    load = Line2D([], [], color="black", linewidth=1.6, label="Load")
    fig_legend(fig, [load] + legend_handles(list(styles)[::-1], styles),
               title="Storage: discharge > 0,\ncharging < 0" + ("" if region is None else
                                                                "\nexports < 0"))
    return fig


# ---------------------------------------------------------------- schematic map

def fig_dispatch_importer(ds: xr.Dataset) -> Figure:
    """:func:`fig_dispatch` of the region that imports most in 2060, with its imports and exports."""
    return fig_dispatch(ds, region=largest_importer(ds))
