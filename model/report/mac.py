"""The marginal abatement cost curve in the scenario memo, when a CO2-cap sweep has been run.

A cap sweep (e.g. ``run.py sweep inputs/sweeps/cap_paths.yaml`` → ``results/sweeps/cap_paths/sweep.nc``)
holds, per member, the final period's net emissions [Mt/yr] and CO2 price [CNY/t]. :func:`find_cap_sweep`
looks for one beside the results folder (``<results>/../sweeps/*/sweep.nc`` with a swept coordinate whose
``parameter`` names the CO2 cap); :func:`fig_mac` draws price against emissions with this run marked.
Read with xarray only (the sweep package sits above the report layer).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from model.report.style import RC, fig_legend, new_figure, styled, thousands

CAPTION = ("Marginal abatement cost from the CO2-cap sweep: final-period CO2 price against final-period net "
           "emissions, one point per cap level (this run marked).")


def _cap_coord(sweep: xr.Dataset) -> str | None:
    for name in sweep.coords:
        if sweep[name].dims == ("scenario",) and "co2_cap" in str(sweep[name].attrs.get("parameter", "")):
            return str(name)
    return None


def find_cap_sweep(results_dir: Path) -> Path | None:
    """``sweep.nc`` of a CO2-cap sweep next to ``results_dir`` (``cap_paths`` first), or None."""
    root = Path(results_dir).parent / "sweeps"
    if not root.is_dir():
        return None
    paths = sorted(root.glob("*/sweep.nc"), key=lambda p: (p.parent.name != "cap_paths", p.parent.name))
    for path in paths:
        try:
            with xr.open_dataset(path) as sw:
                if _cap_coord(sw) is not None and {"emissions", "co2_price"} <= set(sw.data_vars):
                    return path
        except (OSError, ValueError):
            continue
    return None


@styled
def fig_mac(sweep: xr.Dataset, ds: xr.Dataset | None = None, name: str = "") -> Figure:
    """Final-period CO2 price [CNY/t] against final-period net emissions [Mt/yr] over the sweep's solved
    members (labelled by their cap value), and this run's point."""
    cap = _cap_coord(sweep)
    final = int(sweep["period"][-1])
    ok = sweep.where(sweep["status"] == "optimal", drop=True) if "status" in sweep.coords else sweep
    em = ok["emissions"].sel(period=final).to_numpy().astype(float)
    price = ok["co2_price"].sel(period=final).to_numpy().astype(float)
    order = np.argsort(-em)
    fig = new_figure(ds if ds is not None else sweep, f"Marginal abatement cost {final} (sweep '{name}')",
                     (9.0, 5.0))
    ax = fig.add_subplot()
    line = dict(color="#2b5c8a", marker="o", linewidth=1.6)
    ax.plot(em[order], price[order], **line)
    for e, p, v in zip(em, price, ok[cap].to_numpy()):
        text = f"{float(v):g}" if np.issubdtype(np.asarray(v).dtype, np.number) else str(v)
        ax.annotate(f"cap {text}", (e, p), fontsize=7, xytext=(4, 4), textcoords="offset points")
    handles = [Line2D([], [], label="Sweep members (cap level)", **line)]
    if ds is not None and int(ds["period"][-1]) == final:
        me = dict(color="#c0392b", marker="*", markersize=14, linestyle="none")
        ax.plot(float(ds["emissions"].sel(period=final).sum()), float(ds["co2_price"].sel(period=final)), **me)
        handles.append(Line2D([], [], label="This run", **me))
    ax.invert_xaxis()
    ax.set_xlabel(f"Net CO2 emissions in {final} [Mt/yr] (less to the right)")
    ax.set_ylabel(f"CO2 price in {final} [CNY/t]")
    ax.yaxis.set_major_formatter(thousands())
    fig_legend(fig, handles)
    return fig


def mac_figure(ds: xr.Dataset, results_dir: Path) -> list[tuple[str, bytes]]:
    """[(caption, PNG)] of the MAC curve when a cap sweep exists (also saved to ``figures/12_mac_curve``)."""
    path = find_cap_sweep(results_dir)
    if path is None:
        return []
    import matplotlib as mpl

    with xr.open_dataset(path) as sw:
        fig = fig_mac(sw.load(), ds, path.parent.name)
    folder = Path(results_dir) / "figures"
    folder.mkdir(exist_ok=True)
    with mpl.rc_context(RC):
        fig.savefig(folder / "12_mac_curve.png", dpi=150)
    return [(CAPTION, (folder / "12_mac_curve.png").read_bytes())]
