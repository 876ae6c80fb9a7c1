"""Year-keyed tables read at the model's periods: linear interpolation between the years given."""
from __future__ import annotations

import numpy as np
import pandas as pd


def interp_years(df: pd.DataFrame, key: str | list, col: str, periods, backward: bool = True) -> pd.DataFrame:
    """Interpolate ``col`` over ``year`` to ``periods`` for each key (constant outside the years
    given; NaN before the first year when ``backward`` is False). Returns key × period (wide)."""
    out = {}
    for k, grp in df.sort_values("year").groupby(key):
        x, y = grp["year"].to_numpy(float), grp[col].to_numpy(float)
        vals = np.interp(periods, x, y)
        if not backward:
            vals = np.where(np.asarray(periods) < x.min(), np.nan, vals)
        out[k] = vals
    return pd.DataFrame(out, index=pd.Index(periods, name="period")).T


def path_values(tables, table: str, col: str, path: str | dict | None, periods) -> np.ndarray:
    """Values of one policy path (``path`` in a table keyed by path and year, or given inline as a
    mapping {year: value}) at ``periods``; NaN where none (no path, or before its first year)."""
    if isinstance(path, dict):
        df = pd.DataFrame({"path": "inline", "year": list(path), col: list(path.values())})
        return interp_years(df, "path", col, periods, backward=False).iloc[0].to_numpy(float)
    if path is None or tables.get(table) is None:
        return np.full(len(periods), np.nan)
    df = tables[table]
    df = df[df["path"].astype(str) == str(path)]
    return interp_years(df, "path", col, periods, backward=False).iloc[0].to_numpy(float)
