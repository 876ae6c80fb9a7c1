r"""Minimum non-fossil share of generation (national, per period).

.. math:: \sum_{r,t} (nf_t - share_p)\, G_{r,t,p} \ge 0 \quad [TWh/yr]

``G`` is generation (storage discharge excluded), ``nf_t`` 1 for non-fossil technologies.
"""
from __future__ import annotations

import pandas as pd

from model.lp.components import Accumulators
from model.lp.problem import LP, Terms


def add(lp: LP, data, s, acc: Accumulators) -> None:
    share = data["clean_share"].to_series().dropna()
    if not len(share):
        return
    idx = pd.DataFrame({"period": share.index.to_numpy()})
    g = acc.generation.frame()
    g = g[g["period"].isin(share.index)]
    nf = g["tech"].map(data["non_fossil"].to_series()).astype(float).to_numpy()
    coef = g["coef"].to_numpy() * (nf - g["period"].map(share).to_numpy())
    rows = pd.Index(idx["period"]).get_indexer(g["period"])
    lp.add_constraints("clean_share", idx, Terms().add(rows, g["col"].to_numpy(), coef), ">=", 0.0,
                       unit="TWh/yr", description="non-fossil generation ≥ share × generation")
