r"""Operating reserve: upward headroom held in every region and timestep.

.. math::

    \sum_{t \in UC} (u_{r,t,p,s} - gen_{r,t,p,s})
    + \sum_{t \in D} (a_{r,t,p,s} (cap_{r,t,p} - \nu_{r,t,p}) - gen_{r,t,p,s})
    + \sum_{st} res_{r,st,p,s}
    \;\ge\; \rho_L\, load_{r,p,s} + \rho_V \sum_{t \in VRE} gen_{r,t,p,s}
    \qquad \text{(operating_reserve)}

over the technologies with ``operating_reserve``: committed plants (``UC``, :mod:`.commitment`) hold it
on online capacity — so reserve needs synchronous output at or above the minimum stable load — other
dispatchable plants (``D``: hydro, peakers, biomass) on their available headroom, and storage on its
discharge headroom with energy behind it:

.. math::

    res_{r,st,p,s} \le cap_{r,st,p} - dis_{r,st,p,s} + ch_{r,st,p,s}          \text{(storage_reserve_power)}

    h_{res}\, res_{r,st,p,s} \le soc_{r,st,p,s-1}   \text{(day-linked stores; storage_reserve_energy)}

``ρ_L`` is ``operating_reserve_load_share``, ``ρ_V`` ``operating_reserve_vre_share``, ``h_res``
``reserve_energy_h``. Year-linked stores (pumped hydro, hydrogen) hold days of energy: they count with
their discharge headroom directly, without a reserve variable. Off when both shares are 0.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.components import Accumulators
from model.lp.components.balance import balance_index, demand_gw
from model.lp.components.dispatch import committed, previous_step
from model.lp.problem import LP, Terms


def add(lp: LP, data, s, acc: Accumulators) -> None:
    if s.operating_reserve_load_share <= 0 and s.operating_reserve_vre_share <= 0:
        return
    idx = balance_index(data)
    rows = pd.MultiIndex.from_frame(idx)
    t = Terms()
    provider = data["operating_reserve"].to_series().astype(bool)
    d = acc.dispatch
    rhs = s.operating_reserve_load_share * demand_gw(data, idx)
    if d is not None and len(d):
        r = rows.get_indexer(pd.MultiIndex.from_frame(d[["region", "period", "timestep"]]))
        prov = d["tech"].map(provider).fillna(False).to_numpy(bool)
        uc = committed(data, s, d["tech"])
        _headroom(lp, t, d, r, prov, uc)
        offset = np.zeros(len(idx))
        sel = prov & ~uc
        np.add.at(offset, r[sel], d["offset"].to_numpy()[sel])
        rhs = rhs + offset
        vre = (d["tech"].map(data["kind"].to_series()) == "variable").to_numpy()
        if s.operating_reserve_vre_share > 0 and vre.any():
            t.add(r[vre], d["col"].to_numpy()[vre], -s.operating_reserve_vre_share)
    _storage(lp, data, s, t, rows, provider)
    lp.add_constraints("operating_reserve", idx, t, ">=", rhs, unit="GW",
                       description="upward headroom ≥ share of load + share of wind and solar output")


def _headroom(lp, t: Terms, d, r, prov, uc) -> None:
    """Headroom of generators: online − output (committed), available − output (other dispatchable)."""
    gen = d["col"].to_numpy()
    sel = np.flatnonzero(prov & uc)
    if len(sel):
        online = lp.vars["online"].pos(d.iloc[sel][["region", "tech", "period", "timestep"]])
        t.add(r[sel], online, 1.0).add(r[sel], gen[sel], -1.0)
    sel = np.flatnonzero(prov & ~uc)
    if len(sel):
        t.add(r[sel], d["cap_col"].to_numpy()[sel], d["avail"].to_numpy()[sel]).add(r[sel], gen[sel], -1.0)


def _storage(lp, data, s, t: Terms, rows, provider) -> None:
    """Storage headroom: cap − dis + ch directly for year-linked stores (days of energy behind them); a
    reserve variable bounded by that headroom and by the state of charge for day-linked stores."""
    dis = lp.vars.get("discharge")
    if dis is None or not dis.size:
        return
    idx = dis.index
    prov = idx["tech"].map(provider).fillna(False).to_numpy(bool)
    day = (idx["tech"].map(data["storage_linking"].to_series()) == "day").to_numpy()
    cap = lp.vars["capacity"].pos(idx[["region", "tech", "period"]])
    ch = lp.vars["charge"].pos(idx)
    r = rows.get_indexer(pd.MultiIndex.from_frame(idx[["region", "period", "timestep"]]))
    deep = np.flatnonzero(prov & ~day)
    t.add(r[deep], cap[deep], 1.0).add(r[deep], dis.positions[deep], -1.0).add(r[deep], ch[deep], 1.0)
    keep = np.flatnonzero(prov & day)
    if not len(keep):
        return
    lab = idx.iloc[keep].reset_index(drop=True)
    res = lp.add_variables("storage_reserve", lab, unit="GW", description="operating reserve held by storage")
    k = np.arange(len(lab))
    lp.add_constraints("storage_reserve_power", lab, Terms().add(k, res.positions, 1.0).add(k, cap[keep], -1.0)
                       .add(k, dis.positions[keep], 1.0).add(k, ch[keep], -1.0), "<=", 0.0, unit="GW")
    soc = lp.vars.get("soc")
    if soc is not None and soc.size:
        prev = soc.pos(lab.assign(timestep=previous_step(data)[lab["timestep"].to_numpy()]), missing="drop")
        sel = np.flatnonzero(prev >= 0)
        q = np.arange(len(sel))
        lp.add_constraints("storage_reserve_energy", lab.iloc[sel], Terms().add(
            q, res.positions[sel], s.reserve_energy_h).add(q, prev[sel], -1.0), "<=", 0.0, unit="GWh")
    t.add(r[keep], res.positions, 1.0)
