"""One style for all memo figures: technology colours, labels, hatches and stacking order; fonts; helpers.

Every figure draws technologies in the order of ``TECH_STYLE`` (bottom of a stack first) with the same
colour, hatch and label. Colours alternate in lightness along that order and technologies of similar
lightness carry different hatches, so neighbouring stacks stay distinguishable in greyscale print.
Technologies missing from the table get a fallback colour (grey shades, cross-hatched).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter


@dataclass(frozen=True)
class Style:
    """How one series is drawn: fill colour, display label, hatch pattern ('' for none)."""

    color: str
    label: str
    hatch: str = ""

    @property
    def hatch_color(self) -> str:
        """Hatch lines: light on dark fills, dark on light fills."""
        return "#f2f2f2" if luminance(self.color) < 0.5 else "#3a3a3a"


def luminance(color: str) -> float:
    """Greyscale value 0 (black) .. 1 (white) as greyscale conversion sees it (ITU-R 601 weights)."""
    r, g, b = to_rgb(color)
    return 0.299 * r + 0.587 * g + 0.114 * b


#: tech -> style, in stacking order (bottom first)
TECH_STYLE: dict[str, Style] = {
    "coal": Style("#3d3d3d", "Coal (unabated)"),
    "coal_ccs_retrofit": Style("#9a9a9a", "Coal CCUS retrofit", "//"),
    "coal_ccs": Style("#5e5e5e", "Coal CCUS (new)", "xx"),
    "gas_ccgt": Style("#d95f0e", "Gas CCGT"),
    "gas_ccs": Style("#fdae6b", "Gas CCGT + CCUS", "//"),
    "gas_peaker": Style("#8c2d04", "Gas peaker", ".."),
    "nuclear": Style("#cbc9e2", "Nuclear"),
    "hydro": Style("#08519c", "Hydro"),
    "biomass": Style("#31a354", "Biomass", "||"),
    "beccs": Style("#00441b", "BECCS", "\\\\"),
    "wind_onshore": Style("#6baed6", "Wind onshore"),
    "wind_offshore": Style("#2171b5", "Wind offshore", ".."),
    "solar_utility": Style("#ffe14d", "Solar PV utility"),
    "solar_distributed": Style("#cc8a00", "Solar PV distributed", "//"),
    "pumped_hydro": Style("#54278f", "Pumped hydro"),
    "battery": Style("#f768a1", "Battery", "xx"),
    "hydrogen": Style("#1d7f94", "Hydrogen storage", ".."),
    "net_imports": Style("#bdbdbd", "Net imports (exports < 0)", "++"),
}

#: technologies counted as non-fossil generation (storage is neither: it only shifts energy)
NON_FOSSIL = frozenset({"nuclear", "hydro", "wind_onshore", "wind_offshore", "solar_utility",
                        "solar_distributed", "biomass", "beccs"})
#: storage technologies (their "generation" is discharge)
STORAGE = frozenset({"battery", "pumped_hydro", "hydrogen"})

_FALLBACK = ("#b0b0b0", "#707070", "#d0d0d0", "#505050")

#: cost components, stacking order
COST_STYLE: dict[str, Style] = {
    "investment": Style("#2b5c8a", "Investment (annuities)"),
    "fixed_om": Style("#9ecae1", "Fixed O&M", "//"),
    "variable_om": Style("#6a6a6a", "Variable O&M"),
    "fuel": Style("#fdae6b", "Fuel"),
    "co2_transport_storage": Style("#4d2600", "CO2 transport & storage", "xx"),
    "carbon_price": Style("#41ab5d", "Carbon price paid"),
    "transmission": Style("#b2182b", "Transmission", ".."),
    "unserved_energy": Style("#f0f0f0", "Unserved energy", "xx"),
    "demand_response": Style("#7a4fa0", "Demand response", "\\\\"),
}

#: coal fleet status, stacking order
COAL_STATUS_STYLE: dict[str, Style] = {
    "running": Style(TECH_STYLE["coal"].color, "Running unabated"),
    "retrofit": Style(TECH_STYLE["coal_ccs_retrofit"].color, "Retrofitted with CCUS", "//"),
    "retired_early": Style("#c0392b", "Retired early (cumulative)", "xx"),
    "retired_eol": Style("#f6c6b6", "Retired at end of life (cumulative)"),
}

#: font sizes and line widths shared by every figure
RC = {"font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9,
      "xtick.labelsize": 8, "ytick.labelsize": 8, "legend.fontsize": 8, "figure.titlesize": 12,
      "hatch.linewidth": 0.6, "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
      "grid.color": "#dddddd", "grid.linewidth": 0.6, "axes.axisbelow": True, "svg.fonttype": "none",
      "savefig.dpi": 150}


def tech_style(tech: str) -> Style:
    """Style of a technology; unknown ones get a fallback grey, cross-hatched, labelled by name."""
    if tech in TECH_STYLE:
        return TECH_STYLE[tech]
    color = _FALLBACK[sum(map(ord, tech)) % len(_FALLBACK)]
    return Style(color, tech.replace("_", " ").capitalize(), "++")


def tech_order(techs) -> list[str]:
    """Technologies in stacking order: those of the style table first, others alphabetically after."""
    techs = [str(t) for t in techs]
    known = [t for t in TECH_STYLE if t in techs]
    return known + sorted(t for t in techs if t not in TECH_STYLE)


def styles_for(columns, table: dict[str, Style] | None = None) -> dict[str, Style]:
    """Styles for ``columns`` from ``table`` (default: technologies), with fallbacks."""
    if table is None:
        return {c: tech_style(c) for c in columns}
    return {c: table.get(c, Style(_FALLBACK[i % len(_FALLBACK)], str(c), "++"))
            for i, c in enumerate(columns)}


def national(da: xr.DataArray) -> xr.DataArray:
    """Sum over regions when the array has them."""
    return da.sum("region") if "region" in da.dims else da


def tech_frame(da: xr.DataArray, index: str = "period") -> pd.DataFrame:
    """National values as a DataFrame (rows: ``index``, columns: technologies in stacking order)."""
    df = national(da).transpose(index, "tech").to_pandas()
    df.columns = [str(c) for c in df.columns]
    return df[tech_order(df.columns)]


def nonzero(df: pd.DataFrame, tol: float = 1e-6) -> pd.DataFrame:
    """Drop the columns that are zero everywhere (they stay out of plots and legends)."""
    return df.loc[:, (df.abs() > tol).any(axis=0)]


def stack_bars(ax, x, df: pd.DataFrame, styles: dict[str, Style], width, align: str = "center",
               edge: bool = True) -> list[Patch]:
    """Stacked bars of the columns of ``df`` at positions ``x`` (positives up, negatives down).

    ``width`` may be an array (steps of unequal duration with ``align="edge"``). Returns legend handles
    for the non-zero columns, top of the stack first.
    """
    df = nonzero(df)
    x = np.asarray(x, dtype=float)
    width = np.broadcast_to(np.asarray(width, dtype=float), x.shape)
    pos_base, neg_base = np.zeros(len(df)), np.zeros(len(df))
    for col in df.columns:
        st = styles[col]
        v = df[col].to_numpy(dtype=float)
        up, down = np.clip(v, 0, None), np.clip(v, None, 0)
        for vals, base in ((up, pos_base), (down, neg_base)):
            keep = vals != 0  # zero-height bars would pin the axis limits (sticky edges)
            if keep.any():
                ax.bar(x[keep], vals[keep], width=width[keep], bottom=base[keep], align=align,
                       color=st.color, hatch=st.hatch or None,
                       edgecolor=st.hatch_color if st.hatch else st.color,
                       linewidth=0.3 if edge else 0.0, label=st.label)
        pos_base += up
        neg_base += down
    ax.yaxis.set_major_formatter(thousands())
    return legend_handles(list(df.columns)[::-1], styles)


def thousands() -> FuncFormatter:
    """Tick labels with thousands separators (12,000; 2.5)."""
    return FuncFormatter(lambda v, _: (f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}").replace("-", "\u2212"))


def legend_handles(keys, styles: dict[str, Style]) -> list[Patch]:
    """Legend patches showing fill colour and hatch."""
    return [Patch(facecolor=styles[k].color, hatch=styles[k].hatch or None,
                  edgecolor=styles[k].hatch_color if styles[k].hatch else styles[k].color,
                  linewidth=0.3, label=styles[k].label) for k in keys]


def period_axis(ax, periods, label: bool = True, every: int = 1) -> float:
    """Year ticks on the x axis (a label on every ``every``-th period); returns a bar width that fits
    the period spacing [yr]."""
    periods = np.asarray(periods, dtype=float)
    step = float(np.min(np.diff(periods))) if len(periods) > 1 else 5.0
    ax.set_xticks(periods)
    ax.set_xticklabels([str(int(p)) if i % every == 0 else "" for i, p in enumerate(periods)])
    ax.set_xlim(periods[0] - 0.6 * step, periods[-1] + 0.6 * step)
    if label:
        ax.set_xlabel("Period start [year]")
    ax.grid(axis="x", visible=False)
    return 0.72 * step


def source_line(ds: xr.Dataset) -> str:
    """'Source: …' with scenario, creation date and model version from the Dataset's attributes."""
    a = ds.attrs
    created = str(a.get("created", "unknown date"))[:16].replace("T", " ")
    return (f"Source: cn-3060 model v{a.get('model_version', '?')}, scenario '{a.get('scenario', '?')}', "
            f"run {created} UTC. Real 2020 CNY.")


def new_figure(ds: xr.Dataset, title: str, size=(9.0, 5.0)) -> Figure:
    """A figure (Agg canvas, no pyplot state) with the common left-aligned title and source line."""
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    # the source line is the figure's x super-label, so the layout keeps room for it
    fig.supxlabel(source_line(ds), x=0.01, ha="left", fontsize=7, color="#555555", gid="source-line")
    fig.get_layout_engine().set(h_pad=0.06, w_pad=0.06)
    return fig


def styled(func):
    """Run a figure function under the common rc settings (fonts, hatch width, grid)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(RC):
            return func(*args, **kwargs)
    return wrapper


def fig_legend(fig: Figure, handles, title: str | None = None, spacing: float = 0.5):
    """Figure legend right of the plots (the constrained layout leaves room for it)."""
    return fig.legend(handles=handles, loc="outside right upper", frameon=False, title=title,
                      handlelength=1.8, handleheight=1.2, title_fontsize=8, alignment="left",
                      labelspacing=spacing)
