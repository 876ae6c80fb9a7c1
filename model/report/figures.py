"""Memo figures, drawn from a results Dataset only (the contract in ``docs/results.md``; no Pyomo, no LP).

``write_figures(ds, folder)`` writes every figure of ``FIGURES`` as PNG (150 dpi) and SVG; each ``fig_*``
function returns one matplotlib ``Figure`` (Agg canvas, no pyplot state). Units: capacity GW, energy
TWh/yr, power GW, CO2 Mt/yr, CO2 price CNY/t, cost bn CNY/yr, investment trillion CNY (real 2020 CNY).
Styles (colours, hatches, labels, stacking order) come from :mod:`model.report.style`. The dispatch
figures live in :mod:`model.report.dispatch`, the map in :mod:`model.report.network`.
"""
from __future__ import annotations

import math
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from model import progress
from model.report.style import (
    COAL_STATUS_STYLE,
    COST_STYLE,
    NON_FOSSIL,
    RC,
    STORAGE,
    Style,
    fig_legend,
    legend_handles,
    national,
    new_figure,
    nonzero,
    period_axis,
    stack_bars,
    styled,
    styles_for,
    tech_frame,
    thousands,
)

CAPTURED = Style("#ffffff", "Captured by CCUS (not emitted)", "////")
NET_LINE = dict(color="black", marker="o", markersize=4, linewidth=1.6)
CAP_LINE = dict(color="#c0392b", marker="v", markersize=7, markeredgecolor="white", linestyle=(0, (5, 2)),
                linewidth=1.4)
INVEST_BAR = dict(facecolor="#cfcfcf", edgecolor="#444444", linewidth=0.6)
CUMULATIVE_LINE = dict(color="black", marker="o", markersize=4, linewidth=1.6)
SUNK_BAR = dict(facecolor="white", edgecolor="#2b5c8a", hatch="xx", linewidth=0.6, linestyle="--")
PRICE_LINE = dict(color="#6a3d9a", marker="s", markersize=4, linestyle=":", linewidth=1.6)


def _tech_var(ds: xr.Dataset, name: str, techs) -> pd.Series:
    """National sum over ``techs`` of a (region, tech, period) variable, by period (0 if absent)."""
    techs = [t for t in techs if t in ds["tech"].values]
    if name not in ds or not techs:
        return pd.Series(0.0, index=ds["period"].to_numpy())
    return national(ds[name].sel(tech=techs).sum("tech")).to_pandas()


@styled
def fig_capacity(ds: xr.Dataset) -> Figure:
    """Installed capacity by technology, national, stacked bars [GW] (storage at power capacity)."""
    df = nonzero(tech_frame(ds["capacity"]))
    fig = new_figure(ds, "Installed capacity by technology")
    ax = fig.add_subplot()
    width = period_axis(ax, df.index)
    handles = stack_bars(ax, df.index.to_numpy(), df, styles_for(df.columns), width)
    ax.set_ylabel("Installed capacity [GW]")
    ax.set_title("National total; storage at its power capacity", loc="left", fontsize=8, color="#555555")
    fig_legend(fig, handles)
    return fig


@styled
def fig_capacity_regions(ds: xr.Dataset) -> Figure:
    """Small multiples: installed capacity by technology [GW], one panel per region, shared y scale."""
    regions = [str(r) for r in ds["region"].values]
    columns = nonzero(tech_frame(ds["capacity"])).columns
    ncol = min(4 if len(regions) < 12 else 6, len(regions) + 1)
    nrow = math.ceil((len(regions) + 1) / ncol)
    fig = new_figure(ds, "Installed capacity by technology and region", (11.0, 2.5 * nrow + 0.9))
    axes = fig.subplots(nrow, ncol, sharey=True, squeeze=False).ravel()
    styles = styles_for(columns)
    for ax, region in zip(axes, regions):
        df = tech_frame(ds["capacity"].sel(region=region))[list(columns)]
        width = period_axis(ax, df.index, label=ax.get_subplotspec().is_last_row(), every=2)
        stack_bars(ax, df.index.to_numpy(), df, styles, width)
        ax.set_title(region, loc="left", fontsize=9)
    for ax in axes[len(regions):]:
        ax.set_axis_off()
    axes[-1].legend(handles=legend_handles(list(columns)[::-1], styles), loc="upper left",
                    frameon=False, fontsize=7, handlelength=1.6)
    fig.supylabel("Installed capacity [GW]", fontsize=9)
    return fig


def non_fossil_share(ds: xr.Dataset) -> pd.Series:
    """Non-fossil share of generation by period [%] (storage discharge excluded from the total)."""
    gen = tech_frame(ds["generation"])
    gen = gen[[c for c in gen.columns if c not in STORAGE]]
    total = gen.sum(axis=1)
    clean = gen[[c for c in gen.columns if c in NON_FOSSIL]].sum(axis=1)
    return (100 * clean / total.where(total > 0)).fillna(0.0)


@styled
def fig_generation(ds: xr.Dataset) -> Figure:
    """Generation by technology, stacked bars [TWh/yr], and the non-fossil share [%] on a second axis."""
    gen = tech_frame(ds["generation"])
    gen = nonzero(gen[[c for c in gen.columns if c not in STORAGE]])
    share = non_fossil_share(ds)
    fig = new_figure(ds, "Generation mix and non-fossil share")
    ax = fig.add_subplot()
    width = period_axis(ax, gen.index)
    handles = stack_bars(ax, gen.index.to_numpy(), gen, styles_for(gen.columns), width)
    ax.set_ylabel("Generation [TWh/yr]")
    ax.set_title("National total; storage discharge not counted as generation", loc="left", fontsize=8,
                 color="#555555")
    ax2 = ax.twinx()
    ax2.spines["right"].set_visible(True)
    ax2.plot(share.index, share.to_numpy(), color="black", marker="o", markerfacecolor="white",
             linestyle="--", linewidth=1.4)
    for x, y in share.items():
        ax2.annotate(f"{y:.0f}%", (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                     fontsize=7, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    ax2.set_ylim(0, 110)
    ax2.set_ylabel("Non-fossil share of generation [%]")
    ax2.grid(False)
    line = Line2D([], [], color="black", marker="o", markerfacecolor="white", linestyle="--",
                  label="Non-fossil share (right axis)")
    fig_legend(fig, [line] + handles)
    return fig


def emissions_frame(ds: xr.Dataset) -> pd.DataFrame:
    """National CO2 by period [Mt/yr]: emitted by technology (>= 0), net removals by technology (< 0,
    e.g. BECCS) and a column ``captured`` with CO2 captured from technologies that are not net negative."""
    net = tech_frame(ds["emissions_by_tech"])
    cap = tech_frame(ds["captured_co2_by_tech"]).reindex(columns=net.columns, fill_value=0.0)
    df = net.clip(lower=0) + net.clip(upper=0)
    df["captured"] = cap.where(net >= 0, 0.0).sum(axis=1)
    return df


def _align_zero(ax, ax2, top2: float) -> None:
    """Scale the right axis so that its zero sits at the left axis' zero."""
    lo, hi = ax.get_ylim()
    frac = -lo / (hi - lo) if hi > lo else 0.0
    top2 = max(top2, 1.0) * 1.12
    ax2.set_ylim(-frac / (1 - frac) * top2 if frac < 1 else -top2, top2)


def _draw_cap(ax, cap: pd.Series) -> None:
    """The CO2 cap [Mt/yr] as a dashed step spanning each period, with a marker at the period start."""
    x = cap.index.to_numpy(dtype=float)
    step = float(np.min(np.diff(x))) if len(x) > 1 else 5.0
    edges = np.concatenate([[x[0] - step / 2], (x[:-1] + x[1:]) / 2, [x[-1] + step / 2]])
    line = {k: v for k, v in CAP_LINE.items() if not k.startswith("marker")}
    ax.stairs(cap.to_numpy(dtype=float), edges, baseline=None, **line)
    ax.plot(x, cap.to_numpy(), linestyle="none", **{k: v for k, v in CAP_LINE.items()
                                                    if k.startswith("marker") or k == "color"})


@styled
def fig_emissions(ds: xr.Dataset) -> Figure:
    """CO2 [Mt/yr]: emitted by technology (stacked), captured CO2 (hatched), net removals below zero,
    net emissions line, the cap, and the CO2 price [CNY/t] on a second axis."""
    df = nonzero(emissions_frame(ds))
    styles = styles_for([c for c in df.columns if c != "captured"])
    styles = {c: Style(s.color, s.label + (" (net removal)" if (df[c] < 0).any() else ""), s.hatch)
              for c, s in styles.items()}
    styles["captured"] = CAPTURED
    periods = df.index.to_numpy()
    fig = new_figure(ds, "CO2 emissions, capture, cap and price")
    ax = fig.add_subplot()
    width = period_axis(ax, periods)
    handles = stack_bars(ax, periods, df, styles, width)
    net = national(ds["emissions"]).to_pandas()
    ax.plot(net.index, net.to_numpy(), **NET_LINE)
    extra = [Line2D([], [], label="Net emissions", **NET_LINE)]
    if "co2_cap" in ds and np.isfinite(ds["co2_cap"].to_numpy()).any():
        cap = ds["co2_cap"].to_pandas()
        _draw_cap(ax, cap)
        extra.append(Line2D([], [], label="CO2 cap", **CAP_LINE))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("CO2 [Mt/yr]")
    ax.set_title("National; hatched: captured, not emitted; below zero: net removals", loc="left",
                 fontsize=8, color="#555555")
    price = ds["co2_price"].to_pandas() if "co2_price" in ds else None
    if price is not None:
        ax2 = ax.twinx()
        ax2.spines["right"].set_visible(True)
        ax2.plot(price.index, price.to_numpy(), **PRICE_LINE)
        ax2.set_ylabel("CO2 price [CNY/t]")
        ax2.grid(False)
        _align_zero(ax, ax2, float(np.nanmax(price.to_numpy(), initial=0.0)))
        extra.append(Line2D([], [], label="CO2 price (right axis)", **PRICE_LINE))
    fig_legend(fig, extra + handles)
    return fig


@styled
def fig_costs(ds: xr.Dataset) -> Figure:
    """Annual cost by component [bn CNY/yr] and overnight investment, per period and cumulative
    [trillion CNY]."""
    cost = ds["cost"].transpose("period", "component").to_pandas()
    cost.columns = [str(c) for c in cost.columns]
    order = [c for c in COST_STYLE if c in cost.columns] + [c for c in cost.columns if c not in COST_STYLE]
    cost = cost[order]
    fig = new_figure(ds, "System cost and investment", (11.0, 4.8))
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.7, 1.0])
    periods = cost.index.to_numpy()
    width = period_axis(ax, periods)
    handles = stack_bars(ax, periods, cost, styles_for(order, COST_STYLE), width)
    total = cost.sum(axis=1)
    ax.plot(periods, total.to_numpy(), linestyle="none", marker="_", markersize=12, color="black",
            markeredgewidth=1.5)
    sunk = []
    if "sunk_fleet_annuity" in ds:  # the base-year fleet's capital: sunk, shown apart, not in the total
        ann = ds["sunk_fleet_annuity"].to_pandas()
        ax.bar(periods, ann.to_numpy(), bottom=cost.clip(lower=0).sum(axis=1).to_numpy(), width=width,
               **SUNK_BAR)
        sunk = [mpl.patches.Patch(label="Base-year fleet's capital as an annuity\n(sunk: not in the "
                                        "objective or the total)", **SUNK_BAR)]
    ax.set_ylabel("Annual cost [bn CNY/yr]")
    ax.set_title("Annual cost (investment as annuities)", loc="left", fontsize=9)
    inv = ds["investment"].to_pandas() / 1000.0
    period_axis(ax2, periods, every=2)
    ax2.bar(periods, inv.to_numpy(), width=width, **INVEST_BAR)
    ax2.plot(periods, inv.cumsum().to_numpy(), **CUMULATIVE_LINE)
    ax2.yaxis.set_major_formatter(thousands())
    ax2.set_ylabel("Overnight investment [trillion CNY]")
    ax2.set_title("Investment per period and cumulative", loc="left", fontsize=9)
    ax2.legend(handles=[mpl.patches.Patch(label="In the period", **INVEST_BAR),
                        Line2D([], [], label="Cumulative", **CUMULATIVE_LINE)],
               loc="upper left", frameon=False)
    total = Line2D([], [], linestyle="none", marker="_", markersize=12, markeredgewidth=1.5,
                   color="black", label="Total annual cost")
    fig_legend(fig, [total] + sunk + handles)
    return fig


def coal_fleet_frame(ds: xr.Dataset) -> pd.DataFrame:
    """Coal fleet by status and period [GW]: running unabated, CCUS retrofit, retired early (cumulative)
    and retired at end of life (cumulative); retirements count coal and its CCUS retrofits."""
    coal = ("coal", "coal_ccs_retrofit")
    return pd.DataFrame({
        "running": _tech_var(ds, "capacity", ["coal"]),
        "retrofit": _tech_var(ds, "capacity", ["coal_ccs_retrofit"]),
        "retired_early": _tech_var(ds, "retired_capacity", coal).cumsum(),
        "retired_eol": _tech_var(ds, "retired_end_of_life", coal).cumsum(),
    })


@styled
def fig_coal_fleet(ds: xr.Dataset) -> Figure:
    """Coal fleet by status over time, stacked bars [GW]."""
    df = coal_fleet_frame(ds)
    fig = new_figure(ds, "Coal fleet by status")
    ax = fig.add_subplot()
    width = period_axis(ax, df.index)
    handles = stack_bars(ax, df.index.to_numpy(), df, styles_for(df.columns, COAL_STATUS_STYLE), width)
    ax.set_ylabel("Coal capacity [GW]")
    ax.set_title("National; retirements include CCUS retrofits", loc="left", fontsize=8,
                 color="#555555")
    fig_legend(fig, handles)
    return fig


def _figures() -> dict:
    from model.report import figures_plan as plan
    from model.report.dispatch import fig_dispatch, fig_dispatch_importer
    from model.report.maps import fig_capacity_map
    from model.report.network import fig_network
    return {
        "01_capacity": fig_capacity,
        "01b_capacity_regions": fig_capacity_regions,
        "02_generation": fig_generation,
        "03_emissions": fig_emissions,
        "04_costs": fig_costs,
        "05_dispatch": fig_dispatch,
        "05b_dispatch_importer": fig_dispatch_importer,
        "06_network": fig_network,
        "06b_capacity_map": fig_capacity_map,
        "07_coal_fleet": fig_coal_fleet,
        "08_additions": plan.fig_additions,
        "09_curtailment": plan.fig_curtailment,
        "10_price_duration": plan.fig_price_duration,
        "11_firm_capacity": plan.fig_firm_capacity,
        "04b_cost_per_mwh": plan.fig_cost_per_mwh,
    }

#: figures drawn from the results and the dataset's regions.csv (positions, provinces)
USES_COORDS = ("06_network", "06b_capacity_map")


#: figure file stem -> caption used by the memo
CAPTIONS = {
    "01_capacity": "Installed capacity by technology (national).",
    "01b_capacity_regions": "Installed capacity by technology and region.",
    "02_generation": "Generation mix and non-fossil share.",
    "03_emissions": "CO2 emissions, capture, removals, cap and CO2 price.",
    "04_costs": "Annual system cost by component and investment; the base-year fleet's capital (sunk, not "
                "in the objective) hatched on top, as an annuity, so that 2020 compares with later periods.",
    "04b_cost_per_mwh": "System cost per MWh of demand by component, the sunk base-year capital as an annuity, "
                        "and the load-weighted marginal price.",
    "05_dispatch": "Dispatch on representative summer and winter days, each timestep drawn at its true "
                   "length (the LP's steps).",
    "05b_dispatch_importer": "Dispatch of the largest importing region, with its imports and exports.",
    "06_network": "Inter-regional transmission and net energy flows on the map of China.",
    "06b_capacity_map": "Installed capacity by region and technology on the map of China.",
    "07_coal_fleet": "Coal fleet by status.",
    "08_additions": "Annual additions by technology: history, the model's builds and the national build limits.",
    "09_curtailment": "Curtailment of wind and solar by region and period.",
    "10_price_duration": "Price duration curves of the marginal electricity price by region.",
    "11_firm_capacity": "Firm capacity (capacity × credit) against peak load and the reserve requirement.",
}


def write_figures(ds: xr.Dataset, folder: Path, formats=("png", "svg"),
                  coords: pd.DataFrame | None = None) -> list[Path]:
    """Write every memo figure into ``folder`` (created) in each format; returns the paths written.

    A figure that cannot be drawn (e.g. a variable missing from old results) is skipped with a warning.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with mpl.rc_context({**RC, "svg.hashsalt": "cn-3060"}):
        figures = _figures()
        for k, (name, func) in enumerate(figures.items()):
            progress.update(f"drawing {name} ({k + 1} of {len(figures)})")
            try:
                fig = func(ds, coords=coords) if name in USES_COORDS else func(ds)
            except Exception as exc:  # noqa: BLE001 - one broken figure must not lose the others
                warnings.warn(f"figure {name} skipped: {exc!r}", stacklevel=2)
                continue
            for fmt in formats:
                path = folder / f"{name}.{fmt}"
                meta = {"Date": None} if fmt == "svg" else {}
                fig.savefig(path, format=fmt, dpi=150, metadata=meta)
                paths.append(path)
    return paths
