r"""Linear unit commitment of thermal plants with a minimum stable load (a clustered, relaxed formulation).

For every technology with ``min_stable_load`` ``m > 0`` (when ``unit_commitment`` is on), an ``online``
capacity ``u`` [GW] per (region, tech, period, timestep) and the capacity ``z`` [GW] started at the
beginning of each timestep:

.. math::

    u_{r,t,p,s} \le a_{r,t,p,s} (cap_{r,t,p} - \nu_{r,t,p})          \text{(online_limit)}

    gen_{r,t,p,s} \le u_{r,t,p,s}                                     \text{(online_output_max)}

    gen_{r,t,p,s} \ge m_t\, u_{r,t,p,s}                              \text{(min_stable_load)}

    z_{r,t,p,s} \ge u_{r,t,p,s} - u_{r,t,p,s-1}                        \text{(start_up, cyclic within the day)}

Starts cost ``start_cost_cny_per_kw`` × days per year the representative day stands for × period
weight. Without starts, online capacity could follow output freely and the minimum stable load would not
bind; with them, plants stay online through short troughs at their minimum, and the operating reserve
(:mod:`.reserves`) held on online capacity needs synchronous output. There are no minimum up and down
times and no integer units (a relaxation: cf. Palmintier & Webster 2014).
"""
from __future__ import annotations

import numpy as np

from model.lp.components import Accumulators
from model.lp.components.dispatch import committed, previous_step
from model.lp.problem import LP, Terms

BN = 1e-3  # CNY/kW × GW = 1e-3 bn CNY


def add(lp: LP, data, s, acc: Accumulators) -> None:
    rows = acc.dispatch
    if rows is None or not len(rows):
        return
    sel = np.flatnonzero(committed(data, s, rows["tech"]))
    if not len(sel):
        return
    uc = rows.iloc[sel].reset_index(drop=True)
    idx = uc[["region", "tech", "period", "timestep"]]
    k = np.arange(len(uc))
    online = lp.add_variables("online", idx, unit="GW", description="capacity online (committed)")
    lp.add_constraints("online_limit", idx, Terms().add(k, online.positions, 1.0)
                       .add(k, uc["cap_col"].to_numpy(), -uc["avail"].to_numpy()), "<=",
                       -uc["offset"].to_numpy(), unit="GW", description="online ≤ available capacity")
    gen = uc["col"].to_numpy()
    lp.add_constraints("online_output_max", idx, Terms().add(k, gen, 1.0).add(k, online.positions, -1.0),
                       "<=", 0.0, unit="GW", description="output ≤ online capacity")
    m = uc["tech"].map(data["min_stable_load"].to_series()).to_numpy(float)
    lp.add_constraints("min_stable_load", idx, Terms().add(k, gen, 1.0).add(k, online.positions, -m),
                       ">=", 0.0, unit="GW", description="output ≥ minimum stable load × online capacity")
    _starts(lp, data, uc, online)


def _starts(lp, data, uc, online) -> None:
    cost_kw = uc["tech"].map(data["start_cost_cny_per_kw"].to_series()).fillna(0.0).to_numpy(float)
    sel = np.flatnonzero(cost_kw > 0)
    if not len(sel):
        return
    idx = uc.iloc[sel][["region", "tech", "period", "timestep"]].reset_index(drop=True)
    ts = idx["timestep"].to_numpy()
    days = data["day_weight"].to_numpy()[data["timestep_day"].to_numpy()[ts]]
    pw = idx["period"].map(data["period_weight"].to_series()).to_numpy()
    start = lp.add_variables("start_up", idx, cost=cost_kw[sel] * days * pw * BN, unit="GW",
                             description="capacity started at the beginning of the timestep")
    prev = online.pos(idx.assign(timestep=previous_step(data)[ts]))
    k = np.arange(len(idx))
    t = Terms().add(k, start.positions, 1.0).add(k, online.positions[sel], -1.0).add(k, prev, 1.0)
    lp.add_constraints("start_up_def", idx, t, ">=", 0.0, unit="GW",
                       description="starts ≥ increase of online capacity (cyclic within the day)")
