"""Figures of a sweep (``sweep.nc``): tornado charts, fan charts, marginal abatement cost and cap cost.

- one-at-a-time: tornado charts of total cost [bn CNY] and of the final-period CO2 price [CNY/t];
- Monte Carlo: fan charts (median, 5–95 % and 25–75 % bands) of national capacity for the main
  technologies [GW] and of net emissions [Mt/yr]; total cost against each sampled parameter;
- a sweep over the 2060 cap level (``co2_cap_value[PATH,2060]``) or over cap paths (``co2_cap``): the
  marginal abatement cost curve (final-period CO2 price against final-period emissions and abatement)
  and total cost against the cap;
- other grids: total cost against each parameter.

Each figure has a title, units on its axes and a source line; PNG and SVG are written.
"""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib as mpl
import numpy as np
import xarray as xr
from matplotlib.figure import Figure

try:  # the memo figures' colour table, when that module is there
    from model.report.style import RC, tech_style

    def tech_color(tech: str) -> str:
        """Fill colour of a technology (the memo figures' table)."""
        return tech_style(tech).color

    def tech_label(tech: str) -> str:
        """Display name of a technology."""
        return tech_style(tech).label
except ImportError:  # pragma: no cover - fallback colours
    RC = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
          "grid.color": "#dddddd", "svg.fonttype": "none"}
    _COLORS = {"coal": "#3d3d3d", "gas_ccgt": "#d95f0e", "nuclear": "#cbc9e2", "hydro": "#08519c",
               "wind_onshore": "#6baed6", "solar_utility": "#ffe14d", "battery": "#f768a1"}

    def tech_color(tech: str) -> str:
        """Fill colour of a technology (small fallback table)."""
        return _COLORS.get(tech, "#707070")

    def tech_label(tech: str) -> str:
        """Display name of a technology."""
        return tech.replace("_", " ")

OK = "optimal"
LOW, HIGH = "#2b8cbe", "#e34a33"


def _final(ds: xr.Dataset) -> int:
    periods = [int(p) for p in ds["period"].to_numpy()]
    return 2060 if 2060 in periods else periods[-1]


def source(ds: xr.Dataset) -> str:
    """The figures' source line: model version, sweep, base scenario, members solved, run date."""
    a = ds.attrs
    n, ok = ds.sizes["scenario"], int((ds["status"] == OK).sum())
    return (f"Source: cn-3060 model v{a.get('model_version', '?')}, sweep '{a.get('sweep', '?')}' "
            f"(base scenario '{a.get('base', '?')}', {ok} of {n} members solved), run "
            f"{str(a.get('created', ''))[:16].replace('T', ' ')} UTC. Real 2020 CNY.")


def new_figure(ds: xr.Dataset, title: str, size=(8.0, 5.0)) -> Figure:
    """A figure on an Agg canvas with a left-aligned title and the source line."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.supxlabel(source(ds), x=0.01, ha="left", fontsize=7, color="#555555")
    return fig


def _ok(ds: xr.Dataset) -> xr.Dataset:
    return ds.where(ds["status"] == OK, drop=True) if (ds["status"] == OK).any() else ds.isel(scenario=[])


def swept(ds: xr.Dataset) -> list[str]:
    """Coordinates on ``scenario`` that are swept parameters."""
    return [c for c in ds.coords if "parameter" in ds[c].attrs]


# -- one at a time -----------------------------------------------------------------------------------
def tornado(ds: xr.Dataset, metric: xr.DataArray, title: str, unit: str) -> Figure:
    """Bars from the base value to the value with each parameter at its low and high setting."""
    side, varied = ds["side"].to_numpy(), ds["varied"].to_numpy()
    base_idx = np.flatnonzero(side == "base")
    base = float(metric.isel(scenario=base_idx[0])) if len(base_idx) else np.nan
    rows = []
    for key in dict.fromkeys(v for v in varied if v):
        vals = {}
        for s in ("low", "high"):
            i = np.flatnonzero((varied == key) & (side == s))
            vals[s] = (float(metric.isel(scenario=i[0])), str(ds["label"][i[0]].item())) if len(i) else (np.nan, "")
        span = np.nanmax([abs(vals["low"][0] - base), abs(vals["high"][0] - base), 0])
        rows.append((key, vals, span))
    rows.sort(key=lambda r: r[2])
    fig = new_figure(ds, title, size=(8.5, 1.2 + 0.45 * max(len(rows), 1)))
    ax = fig.add_subplot()
    for y, (key, vals, _) in enumerate(rows):
        for s, color in (("low", LOW), ("high", HIGH)):
            v = vals[s][0]
            if np.isfinite(v) and np.isfinite(base):
                ax.barh(y, v - base, left=base, color=color, height=0.6, label=f"{s} input value")
            else:
                ax.text(base, y, f"  {s}: failed", va="center", fontsize=7, color="#c0392b")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{k}\n{_short(v['low'][1])} / {_short(v['high'][1])}" for k, v, _ in rows], fontsize=7)
    if np.isfinite(base):
        ax.axvline(base, color="black", linewidth=1)
        ax.annotate(f"base {base:,.0f}", (base, len(rows) - 0.4), fontsize=7, ha="center")
    ax.set_xlabel(unit)
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), loc="lower right", frameon=False)
    return fig


def _short(label: str) -> str:
    m = re.search(r"(×[^ ]+|=[^ ]+) \(", label)
    return m.group(1) if m else label


# -- Monte Carlo -----------------------------------------------------------------------------------
def _fan(ax, da: xr.DataArray, color: str) -> None:
    x = da["period"].to_numpy()
    q = da.quantile([0.05, 0.25, 0.5, 0.75, 0.95], dim="scenario").to_numpy()
    ax.fill_between(x, q[0], q[4], color=color, alpha=0.25, linewidth=0, label="5–95 %")
    ax.fill_between(x, q[1], q[3], color=color, alpha=0.45, linewidth=0, label="25–75 %")
    ax.plot(x, q[2], color="black" if color in ("#ffe14d", "#cbc9e2") else color, linewidth=1.6, label="median")


def _period_ticks(ax, periods) -> None:
    every = 2 if len(periods) > 5 else 1
    ax.set_xticks(periods, [str(int(p)) if i % every == 0 else "" for i, p in enumerate(periods)])


def fan_capacity(ds: xr.Dataset, n_main: int = 9) -> Figure:
    """Small multiples of national capacity [GW] for the ``n_main`` technologies with the largest
    median final-period capacity: median, 25–75 % and 5–95 % bands over the solved samples."""
    ok = _ok(ds)
    cap = ok["capacity"]
    final = _final(ds)
    med = cap.sel(period=final).median("scenario")
    techs = [str(t) for t in med.sortby(med, ascending=False)["tech"].to_numpy()
             if float(cap.sel(tech=t).max()) > 1e-3][:n_main]
    ncol = 3
    nrow = max(1, int(np.ceil(len(techs) / ncol)))
    fig = new_figure(ds, f"National capacity across {ok.sizes['scenario']} Monte Carlo samples",
                     size=(9.0, 1.2 + 2.2 * nrow))
    axes = fig.subplots(nrow, ncol, squeeze=False, sharex=True)
    for ax, tech in zip(axes.flat, techs):
        _fan(ax, cap.sel(tech=tech), tech_color(tech))
        ax.set_title(tech_label(tech), loc="left", fontsize=9)
        ax.set_ylabel("GW")
        ax.set_ylim(bottom=0)
    for ax in list(axes.flat)[len(techs):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("Period start [year]")
        _period_ticks(ax, cap["period"].to_numpy())
    axes.flat[0].legend(loc="upper left", frameon=False, fontsize=7)
    return fig


def fan_emissions(ds: xr.Dataset) -> Figure:
    """National net CO2 emissions [Mt/yr]: median and bands over the solved samples, with the cap."""
    ok = _ok(ds)
    fig = new_figure(ds, f"Net CO2 emissions across {ok.sizes['scenario']} Monte Carlo samples")
    ax = fig.add_subplot()
    _fan(ax, ok["emissions"], "#636363")
    if "co2_cap" in ok and bool(ok["co2_cap"].notnull().any()):
        cap = ok["co2_cap"].median("scenario")
        ax.plot(cap["period"], cap, color="#c0392b", linestyle="--", marker="v", label="CO2 cap (median)")
    ax.set_xlabel("Period start [year]")
    _period_ticks(ax, ok["period"].to_numpy())
    ax.set_ylabel("Net CO2 emissions [Mt/yr]")
    ax.legend(frameon=False)
    return fig


def scatter_cost(ds: xr.Dataset, coords: list[str]) -> Figure:
    """Total cost against each numeric swept parameter."""
    ok = _ok(ds)
    coords = [c for c in coords if ok[c].dtype.kind == "f"]
    ncol = min(3, max(len(coords), 1))
    nrow = max(1, int(np.ceil(len(coords) / ncol)))
    fig = new_figure(ds, "Total system cost against each swept parameter", size=(9.0, 1.2 + 2.6 * nrow))
    axes = fig.subplots(nrow, ncol, squeeze=False, sharey=True)
    for ax, c in zip(axes.flat, coords):
        ax.scatter(ok[c], ok["total_cost"], s=12, color="#2b5c8a")
        ax.set_xlabel(f"{ok[c].attrs.get('parameter', c)} [{ok[c].attrs.get('units', '-')}]", fontsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel("Total cost (present value) [bn CNY]")
    for ax in list(axes.flat)[len(coords):]:
        ax.set_visible(False)
    return fig


# -- CO2 cap sweeps ------------------------------------------------------------------------------------
def cap_coord(ds: xr.Dataset) -> str | None:
    """The swept coordinate that sets the final-period cap level or the cap path, if any."""
    final = _final(ds)
    for c in swept(ds):
        p = ds[c].attrs["parameter"] + " " + ds[c].attrs.get("targets", "")
        if re.search(rf"co2_cap_value\[[^\]]*,\s*{final}\]", p) and ds[c].attrs.get("operation") == "=":
            return c
        if re.fullmatch(r"co2_cap", ds[c].attrs["parameter"]):
            return c
    return None


def _groups(ok: xr.Dataset, cap: str) -> list[tuple[str, np.ndarray]]:
    """Members grouped by the values of the other swept parameters: (legend label, indices)."""
    others = [c for c in swept(ok) if c != cap]
    keys = [tuple(str(ok[c].values[i]) for c in others) for i in range(ok.sizes["scenario"])]
    out = []
    for key in dict.fromkeys(keys):
        idx = np.array([i for i, k in enumerate(keys) if k == key])
        label = ", ".join(f"{ok[c].attrs['parameter']}{'×' if ok[c].attrs.get('operation') == '*=' else '='}{v}"
                          for c, v in zip(others, key))
        out.append((label, idx))
    return out


def _failed_note(ax, ds: xr.Dataset, cap: str) -> None:
    bad = ds["status"] != OK
    if bool(bad.any()):
        vals = sorted({str(v) for v in ds[cap].values[bad.values]})
        ax.text(0.01, 0.01, f"No solution for {ds[cap].attrs['parameter']} = {', '.join(vals)}",
                transform=ax.transAxes, fontsize=7, color="#c0392b")


def mac_curve(ds: xr.Dataset, cap: str) -> Figure:
    """Final-period CO2 price [CNY/t] against final-period net emissions [Mt/yr] (abatement relative to
    the member with the highest emissions on the top axis); one line per combination of other swept
    parameters."""
    ok = _ok(ds)
    final = _final(ds)
    em = ok["emissions"].sel(period=final).to_numpy()
    price = ok["co2_price"].sel(period=final).to_numpy()
    fig = new_figure(ds, f"Marginal abatement cost: {final} CO2 price against {final} emissions")
    ax = fig.add_subplot()
    for label, idx in _groups(ok, cap):
        idx = idx[np.argsort(-em[idx])]
        ax.plot(em[idx], price[idx], marker="o", label=label or None)
    points: dict = {}  # members at the same point share one label
    for e, p, lab in zip(em, price, ok[cap].to_numpy()):
        text = f"{lab:g}" if isinstance(lab, (float, np.floating)) else str(lab)
        points.setdefault((round(float(e), 3), round(float(p), 3)), []).append(text)
    for (e, p), texts in points.items():
        ax.annotate(f"cap {', '.join(texts)}", (e, p), fontsize=7, xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel(f"Net CO2 emissions in {final} [Mt/yr]")
    ax.set_ylabel(f"CO2 price in {final} [CNY/t]")
    ax.invert_xaxis()
    ref = float(np.nanmax(em)) if em.size else 0.0
    top = ax.secondary_xaxis("top", functions=(lambda x: ref - x, lambda a: ref - a))
    top.set_xlabel("Abatement relative to the member with the highest emissions [Mt/yr]")
    _failed_note(ax, ds, cap)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(frameon=False, fontsize=7)
    return fig


def cost_vs_cap(ds: xr.Dataset, cap: str) -> Figure:
    """Total system cost [bn CNY, present value] against the cap level [Mt/yr] (or bars by cap path)."""
    ok = _ok(ds)
    final = _final(ds)
    numeric = ok[cap].dtype.kind == "f"
    fig = new_figure(ds, f"Total system cost against the {final} CO2 cap" if numeric else
                     "Total system cost by CO2 cap path")
    ax = fig.add_subplot()
    x, cost = ok[cap].to_numpy(), ok["total_cost"].to_numpy()
    groups = _groups(ok, cap)
    for k, (label, idx) in enumerate(groups):
        if numeric:
            idx = idx[np.argsort(x[idx])]
            ax.plot(x[idx], cost[idx], marker="o", label=label or None)
        else:
            w = 0.8 / len(groups)
            pos = np.arange(len(idx)) + (k - (len(groups) - 1) / 2) * w
            ax.bar(pos, cost[idx], width=w, label=label or None)
            ax.set_xticks(np.arange(len(idx)), [str(v) for v in x[idx]])
    ax.set_xlabel(f"{ok[cap].attrs.get('parameter', cap)} [Mt/yr]" if numeric else "CO2 cap path")
    ax.set_ylabel("Total cost (present value) [bn CNY]")
    _failed_note(ax, ds, cap)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(frameon=False, fontsize=7)
    return fig


# -- all -------------------------------------------------------------------------------------------
def sweep_figures(ds: xr.Dataset) -> dict:
    """Figure name -> figure for this sweep's design (nothing for metrics no member has)."""
    out = {}
    if not (ds["status"] == OK).any() or "total_cost" not in ds:
        return out
    design = ds.attrs.get("design")
    final = _final(ds)
    if design == "one_at_a_time" and "side" in ds.coords:
        out["tornado_total_cost"] = tornado(ds, ds["total_cost"], "Sensitivity of total system cost",
                                            "Total cost (present value) [bn CNY]")
        out["tornado_co2_price"] = tornado(ds, ds["co2_price"].sel(period=final),
                                           f"Sensitivity of the {final} CO2 price", f"CO2 price in {final} [CNY/t]")
    if design == "monte_carlo":
        out["fan_capacity"] = fan_capacity(ds)
        out["fan_emissions"] = fan_emissions(ds)
    cap = cap_coord(ds)
    if cap is not None and design == "grid":
        out["mac_curve"] = mac_curve(ds, cap)
        out["cost_vs_cap"] = cost_vs_cap(ds, cap)
    elif design in ("grid", "monte_carlo"):
        out["cost_vs_parameters"] = scatter_cost(ds, swept(ds))
    return out


def write_sweep_figures(ds: xr.Dataset, folder: Path, formats=("png", "svg")) -> list[Path]:
    """Write the sweep's figures into ``folder`` atomically (PNG and SVG); returns the paths."""
    from model.results.write import atomic_folder

    folder = Path(folder)
    with mpl.rc_context({**RC, "svg.hashsalt": "cn-3060-sweep"}):
        figs = sweep_figures(ds)
        with atomic_folder(folder) as tmp:
            for name, fig in figs.items():
                for fmt in formats:
                    fig.savefig(tmp / f"{name}.{fmt}", format=fmt, dpi=150,
                                metadata={"Date": None} if fmt == "svg" else {})
    return [folder / f"{n}.{f}" for n in figs for f in formats]
