"""Figures of an instruments run, drawn from ``instruments.nc`` (PNG and SVG, units on every axis)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from model.instruments.answers import _ok, cost_differences, drivers, periods

COLOURS = {"cap": "#2166ac", "tax": "#d6604d", "collar": "#4d9221", "reference": "#878787"}
CAPTIONS = {
    "emissions": "National net CO2 emissions by instrument: median (line) and 5–95 % band over the samples; "
                 "the cap's path dashed (Mt/yr).",
    "price": "The instrument's CO2 price: median and 5–95 % band over the samples (CNY/t; the ETS price "
             "all instruments share is not included).",
    "costs": "Resource cost (present value, carbon payments excluded) against the cap's on the same sample, "
             "and the cost of the policy against the reference, one point per sample (bn CNY).",
    "drivers": "Which inputs drive the spread: Spearman rank correlation of each uncertain input with the "
               "cap's final-period price and the tax's final-period emissions.",
}


def _fan(ax, ds, name, instruments):
    ps = np.array(periods(ds))
    for inst in instruments:
        da = _ok(ds, name).sel(instrument=inst)
        if not np.isfinite(da.to_numpy()).any():
            continue
        q = da.quantile([0.05, 0.5, 0.95], dim="sample", skipna=True).to_numpy()
        ax.fill_between(ps, q[0], q[2], color=COLOURS[inst], alpha=0.18, lw=0)
        ax.plot(ps, q[1], color=COLOURS[inst], lw=2, label=inst)
    ax.set_xlabel("period [year]")
    ax.grid(alpha=0.3)


def fig_emissions(ds, ax):
    _fan(ax, ds, "emissions", ["reference", "tax", "collar", "cap"])
    if "co2_cap" in ds:
        ax.plot(np.array(periods(ds)), ds["co2_cap"].to_numpy(), "k--", lw=1, label="cap path")
    ax.set_ylabel("net CO2 emissions [Mt/yr]")
    ax.legend(fontsize=8)


def fig_price(ds, ax):
    _fan(ax, ds, "instrument_price", ["cap", "collar", "tax"])
    ax.set_ylabel("CO2 price [CNY/t]")
    ax.legend(fontsize=8)


def fig_costs(ds, ax):
    cost = _ok(ds, "resource_cost")
    series = {"tax − cap": cost.sel(instrument="tax") - cost.sel(instrument="cap"),
              "collar − cap": cost.sel(instrument="collar") - cost.sel(instrument="cap")}
    pol = _ok(ds, "policy_cost")
    series.update({f"{i} − reference": pol.sel(instrument=i) for i in ("cap", "tax", "collar")})
    for k, (label, da) in enumerate(series.items()):
        y = da.to_numpy()
        y = y[np.isfinite(y)]
        x = k + np.linspace(-0.2, 0.2, len(y)) if len(y) > 1 else np.full(len(y), float(k))
        ax.plot(x, y, "o", ms=3, alpha=0.6, color="#444")
        if len(y):
            ax.plot([k - 0.3, k + 0.3], [y.mean()] * 2, color="#d6604d", lw=2)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xticks(range(len(series)), list(series), rotation=20, fontsize=8)
    ax.set_xlabel("comparison (mean in red) [-]")
    ax.set_ylabel("resource cost difference [bn CNY, PV]")


def fig_drivers(ds, ax):
    df = drivers(ds)
    ps = periods(ds)
    final = ps[-1] if ps else None
    pick = df[((df["instrument"] == "cap") & (df["output"] == f"CO2 price {final} [CNY/t]")) |
              ((df["instrument"] == "tax") & (df["output"] == f"emissions {final} [Mt/yr]"))]
    params = list(dict.fromkeys(pick["parameter"]))
    y = np.arange(len(params))
    for k, (inst, colour) in enumerate((("cap", COLOURS["cap"]), ("tax", COLOURS["tax"]))):
        sub = pick[pick["instrument"] == inst].set_index("parameter").reindex(params)
        label = f"cap: price {final}" if inst == "cap" else f"tax: emissions {final}"
        ax.barh(y + (k - 0.5) * 0.38, sub["spearman_rho"].fillna(0.0), height=0.38, color=colour, label=label)
    ax.set_yticks(y, params, fontsize=8)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel("Spearman rank correlation [-]")
    ax.set_ylabel("uncertain input [-]")
    ax.legend(fontsize=8)


FIGURES = {"emissions": fig_emissions, "price": fig_price, "costs": fig_costs, "drivers": fig_drivers}


def write_figures(ds: xr.Dataset, folder) -> list[Path]:
    """Every figure as PNG and SVG in ``folder``; returns the PNG paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, draw in FIGURES.items():
        fig, ax = plt.subplots(figsize=(7, 4.2))
        try:
            draw(ds, ax)
            fig.tight_layout()
            for ext in ("png", "svg"):
                fig.savefig(folder / f"{name}.{ext}", dpi=130)
            out.append(folder / f"{name}.png")
        finally:
            plt.close(fig)
    return out
