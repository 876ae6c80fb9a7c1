"""Small helpers that turn results into words: periods, labels, technology groups, national series."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import xarray as xr

from model.report.style import NON_FOSSIL, STORAGE, national, tech_style


def fmt(value, digits: int | None = 0) -> str:
    """A number with thousands separators ('–' for missing); ``digits=None``: a year (no separator)."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    value = round(float(value), 0 if digits is None else digits) + 0.0  # + 0.0: no "−0"
    text = f"{value:.0f}" if digits is None else f"{value:,.{digits}f}"
    return text.replace("-", "−")


def nearest_period(ds: xr.Dataset, year: int) -> int:
    periods = ds["period"].to_numpy()
    return int(periods[np.argmin(np.abs(periods - year))])


def period_years(ds: xr.Dataset) -> int:
    """Years one period stands for (the ``period_years`` setting, else the spacing of the periods)."""
    try:
        return int(json.loads(ds.attrs.get("settings") or "{}").get("period_years"))
    except (TypeError, ValueError, AttributeError):
        p = ds["period"].to_numpy()
        return int(np.min(np.diff(p))) if len(p) > 1 else 1


def json_setting(ds: xr.Dataset, name: str, default=None):
    """One setting of the run (the ``settings`` attribute, JSON)."""
    try:
        return json.loads(ds.attrs.get("settings") or "{}").get(name, default)
    except (TypeError, ValueError, AttributeError):
        return default


def label(tech: str) -> str:
    return tech_style(str(tech)).label


def years(periods) -> str:
    """'2030', '2030 and 2040', '2030–2045' (consecutive periods) or '2025, 2035 and 2050'."""
    ps = sorted(int(p) for p in periods)
    if not ps:
        return ""
    if len(ps) == 1:
        return str(ps[0])
    steps = set(np.diff(ps))
    if len(ps) > 2 and len(steps) == 1:
        return f"{ps[0]}–{ps[-1]}"
    return ", ".join(map(str, ps[:-1])) + f" and {ps[-1]}"


def listing(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}" if items else ""


def techs(ds: xr.Dataset) -> list[str]:
    return [str(t) for t in ds["tech"].to_numpy()]


def vre(ds: xr.Dataset) -> list[str]:
    return [t for t in techs(ds) if t.startswith(("wind", "solar"))]


def storage(ds: xr.Dataset) -> list[str]:
    return [t for t in techs(ds) if t in STORAGE]


def unabated_coal(ds: xr.Dataset) -> list[str]:
    return [t for t in techs(ds) if t.startswith("coal") and "ccs" not in t]


def ccus(ds: xr.Dataset) -> list[str]:
    return [t for t in techs(ds) if "ccs" in t]


def by_tech(ds: xr.Dataset, name: str) -> pd.DataFrame:
    """National (period × tech) frame of a (region, tech, period) variable."""
    df = national(ds[name]).transpose("period", "tech").to_pandas()
    df.columns = [str(c) for c in df.columns]
    return df


def series(ds: xr.Dataset, name: str) -> pd.Series:
    """National series by period of a variable (summed over regions and technologies)."""
    da = ds[name]
    for dim in ("region", "tech"):
        if dim in da.dims:
            da = da.sum(dim)
    return da.to_pandas()


def supply_shares(ds: xr.Dataset, period: int) -> pd.Series:
    """Share of each technology in generation without storage discharge [%], largest first."""
    gen = by_tech(ds, "generation").loc[period]
    gen = gen.drop([t for t in gen.index if t in STORAGE])
    total = float(gen.sum())
    return (100 * gen / total).sort_values(ascending=False) if total > 0 else gen * 0.0


def non_fossil_share(ds: xr.Dataset, period: int) -> float:
    share = supply_shares(ds, period)
    return float(share[[t for t in share.index if t in NON_FOSSIL]].sum())
