"""Model components. Each module has one entry point ``add(lp, data, settings, acc)`` that adds its
variables and constraint families to the LP and registers its terms in the shared accumulators
(:class:`Accumulators`): the energy balance, the reserve margin, emissions, capture and generation.
Policies (:mod:`model.lp.policies`) and the balance consume the accumulators after all components ran.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from model.lp.problem import Terms


@dataclass
class Contribution:
    """Terms other modules add to a row family that is created later (e.g. the energy balance).

    Each part is (labels, columns, coefficients): ``labels`` holds the row dimensions for every term.
    """

    dims: tuple[str, ...]
    parts: list = field(default_factory=list)

    def add(self, labels: pd.DataFrame, cols: np.ndarray, coef) -> None:
        coef = np.broadcast_to(np.asarray(coef, float), (len(labels),))
        self.parts.append((labels[list(self.dims)].reset_index(drop=True), np.asarray(cols), coef))

    def terms(self, index: pd.DataFrame, scale: np.ndarray | float = 1.0) -> Terms:
        """Terms for the rows of ``index`` (one row per label combination of its columns, a subset of
        ``dims``: terms are summed over the other dimensions); unmatched labels dropped."""
        t = Terms()
        dims = [d for d in self.dims if d in index.columns]
        lookup = _index(index, dims)
        for labels, cols, coef in self.parts:
            rows = lookup.get_indexer(_index(labels, dims))
            keep = rows >= 0
            s = scale[rows[keep]] if isinstance(scale, np.ndarray) else scale
            t.add(rows[keep], cols[keep], coef[keep] * s)
        return t

    def frame(self) -> pd.DataFrame:
        """All parts as one frame: the dims, ``col`` and ``coef``."""
        if not self.parts:
            return pd.DataFrame(columns=list(self.dims) + ["col", "coef"])
        frames = [lab.assign(col=c, coef=k) for lab, c, k in self.parts]
        return pd.concat(frames, ignore_index=True)


def _index(df: pd.DataFrame, dims) -> pd.Index:
    dims = list(dims)
    if len(dims) == 1:
        return pd.Index(df[dims[0]].to_numpy())
    return pd.MultiIndex.from_frame(df[dims])


@dataclass
class Accumulators:
    """Shared lists of terms (Switch's dynamic lists): filled by components, used by rows built later.

    balance     (region, period, timestep) [GW]
    reserve     (region, period)           firm capacity [GW]
    emissions   (region, tech, period)     net CO2 [Mt/yr]
    captured    (region, tech, period)     captured CO2 [Mt/yr]
    generation  (region, tech, period)     electricity generated [TWh/yr]
    dispatch    one row per generation column with its capacity column and availability
    """

    balance: Contribution = field(default_factory=lambda: Contribution(("region", "period", "timestep")))
    reserve: Contribution = field(default_factory=lambda: Contribution(("region", "period")))
    emissions: Contribution = field(default_factory=lambda: Contribution(("region", "tech", "period")))
    captured: Contribution = field(default_factory=lambda: Contribution(("region", "tech", "period")))
    generation: Contribution = field(default_factory=lambda: Contribution(("region", "tech", "period")))
    #: (region, tech, period) whose capacity can be positive (set by the capacity component)
    active: pd.DataFrame | None = None
    #: one row per generation column (set by dispatch): region, tech, period, timestep, ``col`` (generation),
    #: ``cap_col`` (capacity), ``avail`` (available output per GW of capacity [-]) and ``offset`` (GW not
    #: available: capacity of a history year not yet online, times ``avail``)
    dispatch: pd.DataFrame | None = None
