r"""Inter-regional transmission: capacity expansion and lossy flows in both directions.

Variables: ``new_line_capacity[line, period]``, ``line_capacity[line, period]`` (GW),
``flow_forward``, ``flow_backward`` (GW, ≥ 0, sent from the sending end) per (line, period, timestep),
and ``reserve_forward``, ``reserve_backward`` (GW) per (line, period): firm capacity one region lends
another for the reserve margin.

.. math::

    cap_{l,p} = existing_l + \sum_v σ_{v,p}\, new_{l,v},\qquad
    flow^{\rightarrow}_{l,p,s} \le cap_{l,p},\quad flow^{\leftarrow}_{l,p,s} \le cap_{l,p}

The receiving region gets ``(1 − loss_l) × flow``, with ``loss_l = loss_fixed + loss_per_1000km ×
length / 1000``. Objective: capex (per kW·km × length + fixed) × annuity weight on new capacity, fixed
O&M on total capacity. Existing corridors are assumed to be kept in service over the horizon.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.data.periods import build_start, fleet_share
from model.lp.components import Accumulators
from model.lp.problem import LP, Terms

BN = 1e-3


def add(lp: LP, data, s, acc: Accumulators) -> None:
    lines = data["line"].to_numpy()
    if not len(lines):
        return
    periods = data["period"].to_numpy()
    p0 = s.first_decision_period
    capex = data["line_capex"].to_series()
    build = pd.MultiIndex.from_product([lines, periods[periods >= p0]], names=["line", "period"])
    build = build.to_frame(index=False)
    headroom = build["line"].map(data["line_max"].to_series() - data["line_existing"].to_series())
    build = build[headroom.to_numpy() > 0].reset_index(drop=True)
    aw = data["line_annuity_weight"].to_series().reindex(pd.MultiIndex.from_frame(build)).to_numpy()
    new = lp.add_variables("new_line_capacity", build,
                           cost=build["line"].map(capex).to_numpy() * aw * BN, unit="GW")
    idx = pd.MultiIndex.from_product([lines, periods], names=["line", "period"]).to_frame(index=False)
    pw = idx["period"].map(data["period_weight"].to_series()).to_numpy()
    fom = (idx["line"].map(capex) * idx["line"].map(data["line_fom_share"].to_series())).to_numpy()
    cap = lp.add_variables("line_capacity", idx, ub=idx["line"].map(data["line_max"].to_series()),
                           cost=fom * pw * BN, unit="GW")
    _capacity_balance(lp, data, s, idx, build, cap, new)
    _flows(lp, data, idx, cap, acc)
    _reserve_sharing(lp, data, s, idx, cap, acc)


def _capacity_balance(lp, data, s, idx, build, cap, new):
    life = build["line"].map(data["line_lifetime"].to_series())
    pairs = build.rename(columns={"period": "vintage"}).assign(col=new.positions, life=life.to_numpy())
    pairs = pairs.merge(pd.DataFrame({"period": data["period"].to_numpy()}), how="cross")
    share = fleet_share(build_start(pairs["vintage"], s.period_years, True), pairs["life"], pairs["period"],
                        s.period_years, s.fixed_until)
    pairs, share = pairs[share > 1e-12], share[share > 1e-12]
    rows = cap.lookup()
    t = Terms().add(np.arange(len(idx)), cap.positions, 1.0)
    t.add(rows.get_indexer(pd.MultiIndex.from_frame(pairs[["line", "period"]])), pairs["col"].to_numpy(),
          -share)
    rhs = idx["line"].map(data["line_existing"].to_series()).to_numpy()
    lp.add_constraints("line_capacity_balance", idx, t, "==", rhs, unit="GW")


def _ends(data, lines: pd.Series):
    return (lines.map(data["line_from"].to_series()).to_numpy(),
            lines.map(data["line_to"].to_series()).to_numpy(),
            1.0 - lines.map(data["line_loss"].to_series()).to_numpy())


def _flows(lp, data, idx, cap, acc):
    fidx = idx.merge(pd.DataFrame({"timestep": data["timestep"].to_numpy()}), how="cross")
    k = np.arange(len(fidx))
    ccol = cap.pos(fidx[["line", "period"]])
    src, dst, eff = _ends(data, fidx["line"])
    for name, frm, to in (("flow_forward", src, dst), ("flow_backward", dst, src)):
        f = lp.add_variables(name, fidx, unit="GW", description="power sent into the line")
        lp.add_constraints(name + "_limit", fidx, Terms().add(k, f.positions, 1.0).add(k, ccol, -1.0),
                           "<=", 0.0, unit="GW")
        acc.balance.add(fidx.assign(region=frm), f.positions, -1.0)
        acc.balance.add(fidx.assign(region=to), f.positions, eff)


def _reserve_sharing(lp, data, s, idx, cap, acc):
    ridx = idx[idx["period"] >= s.first_decision_period].reset_index(drop=True)
    k = np.arange(len(ridx))
    ccol = cap.pos(ridx)
    src, dst, eff = _ends(data, ridx["line"])
    for name, frm, to in (("reserve_forward", src, dst), ("reserve_backward", dst, src)):
        r = lp.add_variables(name, ridx, unit="GW", description="firm capacity lent over the line")
        lp.add_constraints(name + "_limit", ridx, Terms().add(k, r.positions, 1.0).add(k, ccol, -1.0),
                           "<=", 0.0, unit="GW")
        acc.reserve.add(ridx.assign(region=frm), r.positions, -1.0)
        acc.reserve.add(ridx.assign(region=to), r.positions, eff)
