r"""Build-rate limits and the ban on new unabated coal.

.. math:: \sum_r new_{r,t,p} \le limit_{t,p} \cdot n \quad [GW]  \qquad \text{(build_limit)}

With ``no_new_coal_after = Y``, new capacity of coal-fired technologies without capture is fixed to 0 in
periods ``p ≥ Y``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.components import Accumulators
from model.lp.problem import LP, Terms


def add(lp: LP, data, s, acc: Accumulators) -> None:
    new = lp.vars["new_capacity"]
    idx = new.index
    limit = data["build_limit"].to_series()
    lim = limit.reindex(pd.MultiIndex.from_frame(idx[["tech", "period"]])).to_numpy()
    sel = np.flatnonzero(np.isfinite(lim))
    if len(sel):
        rows_df = idx.iloc[sel][["tech", "period"]].drop_duplicates().reset_index(drop=True)
        r = pd.MultiIndex.from_frame(rows_df).get_indexer(
            pd.MultiIndex.from_frame(idx.iloc[sel][["tech", "period"]]))
        rhs = limit.reindex(pd.MultiIndex.from_frame(rows_df)).to_numpy() * s.period_years
        lp.add_constraints("build_limit", rows_df, Terms().add(r, new.positions[sel], 1.0), "<=", rhs,
                           unit="GW", description="national new capacity per period ≤ limit × years")
    if s.no_new_coal_after is not None:
        fuel = idx["tech"].map(data["fuel"].to_series())
        capture = idx["tech"].map(data["capture_rate"].to_series())
        ban = (fuel == "coal") & (capture == 0) & (idx["period"] >= s.no_new_coal_after)
        if ban.any():
            lp.set_upper(new.positions[ban.to_numpy()], 0.0)
