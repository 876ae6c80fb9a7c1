r"""Build-rate limits, committed projects and the ban on new unabated coal.

.. math::

    \sum_r new_{r,t,p} \le limit_{t,p} \cdot n \quad [GW]                  \text{(build_limit)}

    \sum_l new^{line}_{l,p} \le limit^{line}_p \cdot n \quad [GW]          \text{(transmission_limit)}

    new_{r,t,p} \ge committed_{r,t,p},\qquad new^{line}_{l,p} \ge committed^{line}_{l,p}
    \qquad \text{(lower bounds: projects under construction or approved)}

With ``no_new_coal_after = Y``, new capacity of coal-fired technologies without capture is fixed to 0 in
periods whose builds are all commissioned after ``Y`` (``p − n + 1 > Y``: with 5-year periods and
``Y = 2030``, from the 2035 period on; the 2030 period's builds, commissioned 2026–2030, are allowed).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.components import Accumulators
from model.lp.problem import LP, Terms


def coal_ban(data, s, idx: pd.DataFrame) -> np.ndarray:
    """Rows of a (tech, period) frame that ``no_new_coal_after`` forbids to build."""
    if s.no_new_coal_after is None:
        return np.zeros(len(idx), bool)
    fuel = idx["tech"].map(data["fuel"].to_series())
    capture = idx["tech"].map(data["capture_rate"].to_series())
    late = idx["period"] - s.period_years + 1 > s.no_new_coal_after
    return ((fuel == "coal") & (capture == 0) & late).to_numpy()


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
    ban = coal_ban(data, s, idx)
    if ban.any():
        lp.set_upper(new.positions[ban], 0.0)
    committed = data["committed_min"].to_series().reindex(pd.MultiIndex.from_frame(idx)).fillna(0.0).to_numpy()
    if (committed > 0).any():
        lp.set_lower(new.positions, committed)
    _lines(lp, data, s)


def _lines(lp: LP, data, s) -> None:
    new = lp.vars.get("new_line_capacity")
    if new is None or not new.size:
        return
    committed = data["committed_line_min"].to_series().reindex(pd.MultiIndex.from_frame(new.index)).fillna(0.0)
    if (committed > 0).any():
        lp.set_lower(new.positions, committed.to_numpy())
    limit = data["transmission_limit"].to_series()
    limit = limit[np.isfinite(limit) & (limit.index >= s.first_decision_period)]
    if not len(limit):
        return
    rows = pd.DataFrame({"period": limit.index.to_numpy()})
    r = pd.Index(rows["period"]).get_indexer(new.index["period"])
    keep = r >= 0
    lp.add_constraints("transmission_limit", rows, Terms().add(r[keep], new.positions[keep], 1.0), "<=",
                       limit.to_numpy() * s.period_years, unit="GW",
                       description="national new corridor capacity per period ≤ limit × years")
