"""Where a run stands against the published China pathways (``inputs/pathways.csv``; sources and the
conversion to the model's boundary in ``docs/calibration.md``).

:func:`envelope` returns one row per indicator and year: the model's value, the published range
(``low``, ``high``), ``status`` (``inside``, ``below``, ``above``) and the sources. Indicators are
computed from a results Dataset only:

power_co2 [Mt/yr], coal_share_generation [-], wind_solar_capacity [GW], wind_solar_additions [GW/yr,
the period's builds per year], solar_capacity_share and wind_capacity_share [-, of capacity without
storage], non_fossil_generation_share [-], captured_co2 [Mt/yr], total_generation [TWh/yr, without
storage discharge].
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

#: the table of published pathways shipped with the model
PATHWAYS = Path(__file__).resolve().parents[2] / "inputs" / "pathways.csv"
VRE = ("wind_onshore", "wind_offshore", "solar_utility", "solar_distributed")
WIND, SOLAR = ("wind_onshore", "wind_offshore"), ("solar_utility", "solar_distributed")


def _generators(ds: xr.Dataset) -> list[str]:
    kind = ds["kind"].to_series() if "kind" in ds else None
    if kind is not None:
        return [t for t, k in kind.items() if k != "storage"]
    return [t for t in ds["tech"].to_numpy() if t not in ("battery", "pumped_hydro", "hydrogen")]


def indicators(ds: xr.Dataset, year: int) -> dict[str, float]:
    """The model's value of every indicator in ``year`` (NaN when the year is not a period)."""
    if year not in ds["period"].to_numpy():
        return {}
    p = dict(period=year)
    gens = _generators(ds)
    cap = ds["capacity"].sum("region").sel(**p)
    gen = ds["generation"].sum("region").sel(**p)
    total = float(gen.sel(tech=gens).sum())
    cap_gen = float(cap.sel(tech=gens).sum())
    present = lambda techs: [t for t in techs if t in ds["tech"].to_numpy()]  # noqa: E731
    nf = ds["non_fossil"].to_series() if "non_fossil" in ds else None
    out = {
        "power_co2": float(ds["emissions"].sum("region").sel(**p)),
        "coal_share_generation": float(gen.sel(tech=present(["coal"])).sum()) / total if total else np.nan,
        "wind_solar_capacity": float(cap.sel(tech=present(VRE)).sum()),
        "wind_solar_additions": float(ds["new_capacity"].sum("region").sel(tech=present(VRE), **p).sum())
        / _years(ds),
        "solar_capacity_share": float(cap.sel(tech=present(SOLAR)).sum()) / cap_gen if cap_gen else np.nan,
        "wind_capacity_share": float(cap.sel(tech=present(WIND)).sum()) / cap_gen if cap_gen else np.nan,
        "captured_co2": float(ds["captured_co2"].sum("region").sel(**p)),
        "total_generation": total,
    }
    if nf is not None and total:
        out["non_fossil_generation_share"] = float(gen.sel(tech=[t for t in gens if nf.get(t)]).sum()) / total
    return out


def _years(ds) -> float:
    per = ds["period"].to_numpy()
    return float(np.diff(per).mean()) if len(per) > 1 else 1.0


def envelope(ds: xr.Dataset, pathways: Path | None = None) -> pd.DataFrame:
    """The run against every published range it can be compared with (years outside the run dropped)."""
    ref = pd.read_csv(pathways or PATHWAYS)
    rows = []
    for r in ref.itertuples(index=False):
        value = indicators(ds, int(r.year)).get(r.indicator, np.nan)
        if np.isnan(value):
            continue
        status = "inside" if r.low <= value <= r.high else ("below" if value < r.low else "above")
        rows.append({"indicator": r.indicator, "year": int(r.year), "unit": r.unit, "model": value,
                     "low": r.low, "high": r.high, "status": status, "basis": r.basis, "sources": r.sources})
    return pd.DataFrame(rows, columns=["indicator", "year", "unit", "model", "low", "high", "status", "basis",
                                       "sources"])
