"""Memo figures about the plan against its limits and the system's operation, from a results Dataset:
annual additions against history and build limits, curtailment by region, price duration curves, firm
capacity against peak load, and cost per MWh.

History comes from ``existing_capacity`` (region, tech, vintage) [GW]: a cohort's GW spread over the
years it stands for (the spacing of the vintages: five-year cohorts before the base year, annual ones
where the dataset has them). Build limits from ``build_limit`` (tech, period) [GW/yr]. Firm capacity is
``firm_capacity`` when the results carry it, else capacity × ``capacity_credit``. Units: GW, GW/yr,
TWh/yr, %, CNY/MWh, h.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from model.report import words as w
from model.report.style import (
    COST_STYLE,
    Style,
    fig_legend,
    new_figure,
    nonzero,
    period_axis,
    stack_bars,
    styled,
    styles_for,
    tech_frame,
    tech_style,
    thousands,
)

HISTORY_YEARS = 12  # history shown before the base year [yr]
LIMIT_LINE = dict(color="#c0392b", linestyle="--", linewidth=1.3)
HISTORY_BAR = dict(facecolor="#bdbdbd", edgecolor="#7a7a7a", linewidth=0.4, hatch="////")


def history_rates(ds: xr.Dataset) -> pd.DataFrame:
    """Historical additions [GW/yr] by vintage (rows) and technology (columns), with column ``span``
    [yr]: a cohort's GW over the years since the previous vintage of the dataset."""
    ex = ds["existing_capacity"].sum("region").transpose("vintage", "tech").to_pandas()
    ex.columns = [str(c) for c in ex.columns]
    p0 = history_end(ds)
    ex = ex[(ex.index <= p0) & (ex.sum(axis=1) > 0)]
    vint = ex.index.to_numpy()
    span = np.diff(vint, prepend=vint[0] - (vint[1] - vint[0] if len(vint) > 1 else 1)).clip(1, None)
    out = ex.div(span, axis=0)
    out["span"] = span
    return out[out.index > p0 - HISTORY_YEARS]


def history_end(ds: xr.Dataset) -> int:
    """The last year of statistics: ``history_until`` when the run has history periods, else the first
    period (whose fleet is the base year's)."""
    p0 = int(ds["period"][0])
    until = w.json_setting(ds, "history_until")
    return max(p0, int(until)) if until is not None else p0


def _addition_techs(ds, new: pd.DataFrame, hist: pd.DataFrame, limit: pd.DataFrame) -> list[str]:
    built = [t for t in new.columns if new[t].max() > 0.05 or (t in hist and hist[t].max() > 0.05)]
    return [t for t in tech_frame(ds["capacity"]).columns if t in built]


@styled
def fig_additions(ds: xr.Dataset) -> Figure:
    """Annual additions by technology [GW/yr]: history (hatched grey, from the base-year cohorts) and the
    model's builds per period (built at the period's start, shown as the rate over its years), with the
    national build limit (dashed) where there is one; one panel per technology that is ever built."""
    n = w.period_years(ds)
    new = tech_frame(ds["new_capacity"]) / n
    hist = history_rates(ds) if "existing_capacity" in ds else pd.DataFrame()
    limit = ds["build_limit"].transpose("period", "tech").to_pandas() if "build_limit" in ds else pd.DataFrame()
    techs = _addition_techs(ds, new, hist, limit)
    ncol = 4
    nrow = max(1, math.ceil(len(techs) / ncol))
    fig = new_figure(ds, "Annual additions: history, the model's builds and the build limits",
                     (11.0, 2.3 * nrow + 1.1))
    axes = fig.subplots(nrow, ncol, squeeze=False, sharex=True).ravel()
    periods = new.index.to_numpy()
    p0 = int(periods[0])
    last = history_end(ds)
    for k, (ax, tech) in enumerate(zip(axes, techs)):
        st = tech_style(tech)
        if tech in hist:
            ax.bar(hist.index, hist[tech], width=0.85 * hist["span"], **HISTORY_BAR)
        model = new[tech][new.index > last] if tech in new else pd.Series(dtype=float)
        ax.bar(model.index, model.to_numpy(), width=0.7 * n, color=st.color, hatch=st.hatch or None,
               edgecolor=st.hatch_color if st.hatch else st.color, linewidth=0.3)
        if tech in limit and np.isfinite(limit[tech].astype(float)).any():
            lim = limit[tech].astype(float).where(lambda v: np.isfinite(v))
            edges = np.r_[periods - n / 2, periods[-1] + n / 2]
            ax.stairs(lim.to_numpy(), edges, baseline=None, **LIMIT_LINE)
        ax.set_title(st.label, loc="left", fontsize=9)
        ax.yaxis.set_major_formatter(thousands())
        ax.grid(axis="x", visible=False)
        ax.set_ylabel("Additions [GW/yr]", fontsize=7)
        ax.set_xlim(p0 - HISTORY_YEARS, periods[-1] + n)
        if k + ncol >= len(techs):  # nothing below: this panel carries the year axis
            ax.set_xlabel("Year [year]")
            ax.tick_params(labelbottom=True)
    for ax in axes[len(techs):]:
        ax.set_axis_off()
    fig_legend(fig, [Patch(label=f"History (statistics cohorts, to {last})", **HISTORY_BAR),
                     Patch(facecolor="#6baed6", label="Model builds (GW ÷ years of the period)"),
                     Line2D([], [], label="National build limit", **LIMIT_LINE)])
    return fig


@styled
def fig_curtailment(ds: xr.Dataset) -> Figure:
    """Curtailed wind and solar energy by region and period [TWh/yr] (stacked bars) and the curtailment
    rate by region and period [% of available wind and solar energy] (heat map)."""
    vre = w.vre(ds)
    curt = ds["curtailment"].sel(tech=vre).sum("tech").transpose("period", "region").to_pandas()
    gen = ds["generation"].sel(tech=vre).sum("tech").transpose("period", "region").to_pandas()
    rate = 100 * curt / (curt + gen).where(curt + gen > 0)
    curt.columns = rate.columns = [str(c) for c in curt.columns]
    fig = new_figure(ds, "Curtailment of wind and solar by region", (11.0, 4.8))
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.2, 1.0])
    width = period_axis(ax, curt.index)
    colours = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
    styles = {r: Style(colours[i % len(colours)], r, "" if i < len(colours) else "//")
              for i, r in enumerate(curt.columns)}
    handles = stack_bars(ax, curt.index.to_numpy(), curt, styles, width)
    ax.set_ylabel("Curtailed wind and solar [TWh/yr]")
    im = ax2.imshow(rate.T.to_numpy(dtype=float), aspect="auto", cmap="Reds", vmin=0,
                    vmax=max(5.0, float(np.nanmax(rate.to_numpy(dtype=float), initial=0))))
    ax2.set_xticks(range(len(rate.index)), [str(p) for p in rate.index], rotation=90)
    ax2.set_yticks(range(len(rate.columns)), rate.columns, fontsize=7)
    ax2.set_xlabel("Period start [year]")
    ax2.set_ylabel("Region [–]")
    ax2.grid(False)
    bar = fig.colorbar(im, ax=ax2, shrink=0.9)
    bar.set_label("Curtailment rate [% of available]")
    bar.ax.xaxis.set_visible(False)
    fig_legend(fig, handles, title="Region")
    return fig


@styled
def fig_price_duration(ds: xr.Dataset, years=(2030, 2060)) -> Figure:
    """Price duration curves per region: the marginal price of electricity [CNY/MWh] sorted from the
    highest, against the hours of the year each price holds [h] (timesteps at their weights)."""
    chosen = list(dict.fromkeys(w.nearest_period(ds, y) for y in years))
    fig = new_figure(ds, "Price duration curves by region", (11.0, 4.6))
    axes = fig.subplots(1, len(chosen), squeeze=False, sharey=True)[0]
    weight = ds["weight"].to_numpy()
    handles = []
    for ax, p in zip(axes, chosen):
        price = ds["electricity_price"].sel(period=p)
        for i, region in enumerate(ds["region"].to_numpy()):
            v = price.sel(region=region).to_numpy()
            order = np.argsort(-v)
            hours = np.r_[0.0, np.cumsum(weight[order])]
            line = ax.stairs(v[order], hours, baseline=None, linewidth=1.3, label=str(region))
            if p == chosen[0]:
                handles.append(Line2D([], [], color=line.get_edgecolor(), label=str(region), linewidth=1.3))
        ax.set_xlim(0, 8760)
        ax.set_xticks(range(0, 8761, 1460))
        ax.set_xlabel("Hours of the year at or above the price [h]")
        ax.set_title(f"{p}", loc="left", fontsize=9)
        ax.yaxis.set_major_formatter(thousands())
        ax.set_ylabel("Marginal electricity price [CNY/MWh]")
    fig_legend(fig, handles, title="Region")
    return fig


def firm_frame(ds: xr.Dataset) -> pd.DataFrame:
    """National firm capacity by technology and period [GW]."""
    if "firm_capacity" in ds:
        return nonzero(tech_frame(ds["firm_capacity"]))
    firm = ds["capacity"] * ds["capacity_credit"]
    return nonzero(tech_frame(firm))


@styled
def fig_firm_capacity(ds: xr.Dataset) -> Figure:
    """Firm capacity by technology (capacity × capacity credit) [GW] against the sum of the regions'
    peak loads and the reserve requirement (peak × (1 + reserve margin)) [GW]."""
    firm = firm_frame(ds)
    fig = new_figure(ds, "Firm capacity against peak load")
    ax = fig.add_subplot()
    width = period_axis(ax, firm.index)
    handles = stack_bars(ax, firm.index.to_numpy(), firm, styles_for(firm.columns), width)
    extra = []
    if "reserve_requirement" in ds:
        req = ds["reserve_requirement"].sum("region").to_pandas()
        req = req[req > 0]
        margin = float(w.json_setting(ds, "reserve_margin", 0.0))
        kw = dict(color="black", marker="_", markersize=18, markeredgewidth=2.0, linestyle="none")
        ax.plot(req.index, req.to_numpy(), **kw)
        extra.append(Line2D([], [], label=f"Reserve requirement (peak + {margin:.0%})", **kw))
        peak = req / (1 + margin)
        pk = dict(color="#c0392b", marker="_", markersize=18, markeredgewidth=2.0, linestyle="none")
        ax.plot(peak.index, peak.to_numpy(), **pk)
        extra.append(Line2D([], [], label="Peak load (sum of the regions' peaks)", **pk))
    ax.set_ylabel("Firm capacity [GW]")
    ax.set_title("Capacity × capacity credit; storage at its power capacity × credit", loc="left", fontsize=8,
                 color="#555555")
    fig_legend(fig, extra + handles)
    return fig


@styled
def fig_cost_per_mwh(ds: xr.Dataset) -> Figure:
    """System cost per MWh of demand [CNY/MWh] by period, with the base-year fleet's capital added as an
    annuity (sunk, not in the objective), and the load-weighted average marginal price [CNY/MWh]."""
    periods = ds["period"].to_numpy()
    demand = (ds["load"] * ds["weight"]).sum(["region", "timestep"]).to_pandas() / 1000  # TWh/yr
    fig = new_figure(ds, "Cost and price per MWh")
    ax = fig.add_subplot()
    width = period_axis(ax, periods)
    per = ds["cost"].transpose("period", "component").to_pandas().div(demand, axis=0) * 1000
    per.columns = [str(c) for c in per.columns]
    order = [c for c in COST_STYLE if c in per.columns] + [c for c in per.columns if c not in COST_STYLE]
    handles = stack_bars(ax, periods, per[order], styles_for(order, COST_STYLE), width)
    extra = []
    if "sunk_fleet_annuity" in ds:
        sunk = ds["sunk_fleet_annuity"].to_pandas() / demand * 1000
        base = per.clip(lower=0).sum(axis=1)
        ax.bar(periods, sunk.to_numpy(), bottom=base.to_numpy(), width=width, facecolor="white",
               edgecolor="#2b5c8a", hatch="xx", linewidth=0.6, linestyle="--")
        extra.append(Patch(facecolor="white", edgecolor="#2b5c8a", hatch="xx", linestyle="--",
                           label="Base-year fleet's capital as an annuity\n(sunk: not in the objective)"))
    if "price_load_weighted" in ds:
        load = (ds["load"] * ds["weight"]).sum("timestep")
        price = (ds["price_load_weighted"] * load).sum("region") / load.sum("region")
        kw = dict(color="black", marker="o", markersize=4, linewidth=1.5)
        ax.plot(periods, price.to_numpy(), **kw)
        extra.append(Line2D([], [], label="Load-weighted marginal price", **kw))
    ax.set_ylabel("Cost per MWh of demand [CNY/MWh]")
    fig_legend(fig, extra + handles)
    return fig

