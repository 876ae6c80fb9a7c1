"""Assemble the LP from the components, in order. This list is the model's table of contents."""
from __future__ import annotations

import time

import xarray as xr

from model import progress
from model.data.settings import Settings
from model.lp.components import (
    Accumulators,
    adequacy,
    balance,
    capacity,
    chp,
    commitment,
    dispatch,
    reserves,
    storage,
    transmission,
)
from model.lp.policies import build_limits, carbon, clean_share, fuel_supply
from model.lp.problem import LP

#: components in build order; balance and policies come last because they use the accumulators
COMPONENTS = (capacity, dispatch, commitment, storage, reserves, transmission, chp, adequacy, balance, carbon,
              clean_share, build_limits, fuel_supply)


def build(data: xr.Dataset, settings: Settings) -> tuple[LP, Accumulators, float]:
    """Build the LP for prepared ``data``; returns the LP, the accumulators and the seconds taken."""
    t0 = time.perf_counter()
    lp = LP()
    acc = Accumulators()
    for component in COMPONENTS:
        progress.update(f"adding {component.__name__.rsplit('.', 1)[-1]} ({lp.n_cols:,} columns, "
                        f"{lp.n_rows:,} rows so far)")
        component.add(lp, data, settings, acc)
    return lp, acc, time.perf_counter() - t0
