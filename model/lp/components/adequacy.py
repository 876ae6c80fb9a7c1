r"""Firm capacity for the planning reserve margin (:mod:`.balance`): what each technology counts for.

* Most technologies: ``capacity_credit × capacity``.
* Storage, when ``adequacy_duration_h = h`` is set: firm output ``f`` limited by power and by energy —
  a store counts only for what it can sustain through an ``h``-hour peak:

  .. math:: f_{r,st,p} \le credit_{st}\, cap_{r,st,p},\qquad h\, f_{r,st,p} \le E_{r,st,p}
            \qquad \text{(storage_firm_power, storage_firm_energy)}

* Technologies with tranches in ``capacity_credits.csv`` (wind, solar): their capacity is split into
  tranches ``y_k`` by its share of the regional peak, each with its own credit, falling with the share:

  .. math:: \sum_k y_{r,t,p,k} \le cap_{r,t,p},\quad
            0 \le y_{r,t,p,k} \le (w_k - w_{k-1})\, peak_{r,p},\quad
            firm = \sum_k c_k\, y_{r,t,p,k}                       \text{(credit_tranches)}

  (``w_k`` the tranche's upper share of peak). With ``c_k`` decreasing the first tranches fill first, so
  the marginal credit of wind or solar falls as its share grows.

Only in decision periods (the reserve margin does not apply to history).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.components import Accumulators
from model.lp.problem import LP, Terms


def add(lp: LP, data, s, acc: Accumulators) -> None:
    cap = lp.vars["capacity"]
    idx = cap.index
    credit = idx["tech"].map(data["capacity_credit"].to_series()).to_numpy(float)
    storage = (idx["tech"].map(data["kind"].to_series()) == "storage").to_numpy()
    tranche = idx["tech"].isin(_tranche_techs(data)).to_numpy()
    flat = ~tranche & ~(storage & (s.adequacy_duration_h is not None))
    sel = np.flatnonzero(flat)
    acc.reserve.add(idx.iloc[sel], cap.positions[sel], credit[sel])
    decided = (idx["period"] >= s.first_decision_period).to_numpy()
    if s.adequacy_duration_h is not None:
        _storage(lp, data, s, idx, cap, np.flatnonzero(storage & decided), credit, acc)
    if tranche.any():
        _tranches(lp, data, idx, cap, np.flatnonzero(tranche & decided), acc)


def _tranche_techs(data) -> list[str]:
    if "credit_value" not in data or not data.sizes.get("tranche", 0):
        return []
    has = data["credit_value"].notnull().any("tranche").to_series()
    return has[has].index.tolist()


def _storage(lp, data, s, idx, cap, sel, credit, acc) -> None:
    if not len(sel):
        return
    rows = idx.iloc[sel].reset_index(drop=True)
    firm = lp.add_variables("storage_firm", rows, unit="GW", description="firm capacity of storage")
    k = np.arange(len(rows))
    lp.add_constraints("storage_firm_power", rows, Terms().add(k, firm.positions, 1.0)
                       .add(k, cap.positions[sel], -credit[sel]), "<=", 0.0, unit="GW")
    energy = lp.vars["energy_capacity"].pos(rows)
    lp.add_constraints("storage_firm_energy", rows, Terms().add(k, firm.positions, s.adequacy_duration_h)
                       .add(k, energy, -1.0), "<=", 0.0, unit="GWh",
                       description="firm output × adequacy duration ≤ energy capacity")
    acc.reserve.add(rows, firm.positions, 1.0)


def _tranches(lp, data, idx, cap, sel, acc) -> None:
    if not len(sel):
        return
    rows = idx.iloc[sel].reset_index(drop=True)
    upto = data["credit_upto"].to_series().dropna()
    value = data["credit_value"].to_series().dropna()
    parts = rows.assign(cap_col=cap.positions[sel]).merge(upto.rename("upto").reset_index(), on="tech")
    parts = parts.sort_values(["region", "tech", "period", "tranche"]).reset_index(drop=True)
    lower = parts.groupby(["region", "tech", "period"])["upto"].shift(1).fillna(0.0)
    peak = data["peak_demand"].to_series().reindex(pd.MultiIndex.from_frame(parts[["region", "period"]]))
    width = (parts["upto"] - lower).to_numpy() * peak.to_numpy()
    y = lp.add_variables("credit_tranche", parts[["region", "tech", "period", "tranche"]], ub=width, unit="GW",
                         description="capacity counted in a capacity-credit tranche")
    r = pd.MultiIndex.from_frame(rows).get_indexer(pd.MultiIndex.from_frame(parts[["region", "tech", "period"]]))
    t = Terms().add(r, y.positions, 1.0).add(np.arange(len(rows)), cap.positions[sel], -1.0)
    lp.add_constraints("credit_tranches", rows, t, "<=", 0.0, unit="GW",
                       description="capacity in the tranches ≤ installed capacity")
    c = parts.set_index(["tech", "tranche"]).index.map(value).to_numpy(float)
    acc.reserve.add(parts, y.positions, c)
