"""Solution vectors as labelled pandas Series and xarray DataArrays over the model's coordinates."""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from model.lp.problem import LP


def labelled(lp: LP, vec: np.ndarray, name: str, kind: str = "var") -> pd.Series:
    return lp.values(vec, name, kind)


def to_array(series: pd.Series, data: xr.Dataset, dims: list[str], unit: str, description: str = "",
             fill: float = 0.0) -> xr.DataArray:
    """A labelled Series → DataArray over the full coordinates of ``dims`` (missing → ``fill``)."""
    coords = {d: data[d].to_numpy() for d in dims}
    if len(series):
        series = series.groupby(level=dims).sum() if list(series.index.names) != dims else series
        full = pd.MultiIndex.from_product([coords[d] for d in dims], names=dims) if len(dims) > 1 \
            else pd.Index(coords[dims[0]], name=dims[0])
        values = series.reindex(full).fillna(fill).to_numpy().reshape([len(coords[d]) for d in dims])
    else:
        values = np.full([len(coords[d]) for d in dims], fill)
    return xr.DataArray(values, dims=dims, coords=coords, attrs={"units": unit, "description": description})
