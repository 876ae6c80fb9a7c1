"""Scenarios side by side: key numbers with differences, the cost of the policy against a reference run,
and a chart. The reference is the first compared folder, or a sibling results folder ``../reference``.
Units: as in :mod:`model.report.tables`; the policy cost in bn CNY (PV) and CNY/t.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.lines import Line2D

from model.report.style import (
    fig_legend,
    national,
    new_figure,
    nonzero,
    period_axis,
    stack_bars,
    styled,
    styles_for,
    tech_frame,
    tech_order,
    thousands,
)
from model.report.tables import MIX_YEARS, _period, key_numbers
from model.results.costs import pv_year
from model.results.metrics import policy_cost

REFERENCE = "reference"


def find_reference(results_dir: Path) -> Path | None:
    """A sibling results folder of the reference scenario (``<results>/reference``), unless this run is it."""
    results_dir = Path(results_dir)
    ref = results_dir.parent / REFERENCE
    if results_dir.resolve() != ref.resolve() and (ref / "results.nc").is_file():
        return ref
    return None


def run_names(datasets: list[xr.Dataset]) -> list[str]:
    """One distinct label per results Dataset: its scenario, numbered where two runs share it (a
    ``--set`` variant compared with its base)."""
    names = [str(d.attrs.get("scenario", f"run {i}")) for i, d in enumerate(datasets)]
    return [n if names.count(n) == 1 else f"{n} ({i + 1})" for i, n in enumerate(names)]


def comparison_frame(datasets: list[xr.Dataset]) -> pd.DataFrame:
    """Key numbers side by side (a column per scenario) with differences to the first scenario."""
    names = run_names(datasets)
    cols, units, digits = {}, {}, {}
    for name, d in zip(names, datasets):
        rows = key_numbers(d)
        cols[name] = {q: v for q, _, v, _ in rows}
        units.update({q: u for q, u, _, _ in rows})
        digits.update({q: n for q, _, _, n in rows})
    df = pd.DataFrame(cols).reindex(list(units))
    for other in names[1:]:
        df[f"Δ {names[0]} − {other}"] = df[names[0]] - df[other]
    df.insert(0, "Unit", pd.Series(units))
    df.attrs["digits"] = digits
    return df


@styled
def fig_comparison(datasets: list[xr.Dataset]):
    """Capacity by technology in 2060 [GW] side by side, and net CO2 emission paths [Mt/yr] overlaid."""
    names = run_names(datasets)
    year = _period(datasets[0], MIX_YEARS[-1])
    cap = pd.DataFrame({n: tech_frame(d["capacity"]).loc[_period(d, year)]
                        for n, d in zip(names, datasets)}).T
    cap = nonzero(cap.fillna(0.0)[tech_order(cap.columns)])
    fig = new_figure(datasets[0], f"Scenarios: capacity {year} and net CO2", (11, 4.8))
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.0, 1.4])
    x = np.arange(len(names))
    handles = stack_bars(ax, x, cap, styles_for(cap.columns), 0.6)
    ax.set_xticks(x, names)
    ax.set_xlabel("Scenario [–]")
    ax.set_ylabel(f"Installed capacity {year} [GW]")
    ax.grid(axis="x", visible=False)
    styles = ["-", "--", ":", "-."]
    markers = ["o", "s", "^", "D"]
    lines = []
    for i, (n, d) in enumerate(zip(names, datasets)):
        net = national(d["emissions"]).to_pandas()
        kw = dict(color=["black", "#2b5c8a", "#c0392b", "#6a3d9a"][i % 4], linestyle=styles[i % 4],
                  marker=markers[i % 4], markersize=4, linewidth=1.6)
        ax2.plot(net.index, net.to_numpy(), **kw)
        lines.append(Line2D([], [], label=f"{n}: net CO2", **kw))
    period_axis(ax2, datasets[0]["period"].to_numpy())
    ax2.axhline(0, color="black", linewidth=0.8)
    ax2.set_ylabel("Net CO2 emissions [Mt/yr]")
    ax2.yaxis.set_major_formatter(thousands())
    fig_legend(fig, lines + handles)
    return fig


def comparison_table(ds: xr.Dataset, others: list[xr.Dataset]) -> pd.DataFrame:
    """The key numbers side by side plus, per other scenario, the cost of the policy against it."""
    df = comparison_frame([ds, *others])
    names = run_names([ds, *others])
    me, pv = names[0], pv_year(ds)
    for ref, col in zip(others, names[1:]):
        pc = policy_cost(ds, ref)
        for key, label, unit in (("cost_difference_bn_cny", f"Resource cost difference (PV {pv})", "bn CNY"),
                                 ("total_cost_difference_bn_cny", f"Total cost difference (PV {pv}, with carbon "
                                  "payments)", "bn CNY"),
                                 ("abatement_mt", "Cumulative abatement", "Mt"),
                                 ("cost_per_tonne_cny", "Average cost of abatement", "CNY/t")):
            df.loc[f"{label}: {me} vs {col}", ["Unit", me]] = [unit, pc[key]]
    return df.rename_axis("quantity")
