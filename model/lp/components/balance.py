r"""Energy balance, unserved energy, demand response and the reserve margin.

.. math::

    \sum_t gen + \sum_{st} (dis - ch) + \text{net imports after losses} + unserved_{r,p,s}
        + (dr^{down} - dr^{up})_{r,p,s} = D_{r,p} \cdot 1000/8760 \cdot shape_{r,s}
        \qquad \text{(energy_balance, GW; its dual is the electricity price)}

    \sum_t credit_t\, cap_{r,t,p} + \text{reserve imports after losses} - \text{reserve exports}
        \ge (1 + margin)\, peak_{r,p} \qquad \text{(reserve_margin, not in the base period;}
        \text{ none with reserve\_margin: null)}

Unserved energy costs the value of lost load. Demand response (``demand_response_share > 0``) shifts up
to that share of each timestep's load to other timesteps of the same day, at a cost per MWh moved.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.components import Accumulators
from model.lp.components.dispatch import BN_PER_GWH
from model.lp.problem import LP, Terms


def balance_index(data) -> pd.DataFrame:
    return pd.MultiIndex.from_product(
        [data["region"].to_numpy(), data["period"].to_numpy(), data["timestep"].to_numpy()],
        names=["region", "period", "timestep"]).to_frame(index=False)


def demand_gw(data, idx: pd.DataFrame) -> np.ndarray:
    """Load in each (region, period, timestep) [GW]."""
    d = data["demand"].to_series().reindex(pd.MultiIndex.from_frame(idx[["region", "period"]])).to_numpy()
    shape = data["load_shape"].to_series().reindex(
        pd.MultiIndex.from_frame(idx[["region", "timestep"]])).to_numpy()
    return d * 1000.0 / 8760.0 * shape


def add(lp: LP, data, s, acc: Accumulators) -> None:
    idx = balance_index(data)
    load = demand_gw(data, idx)
    weight = data["weight"].to_numpy()[idx["timestep"].to_numpy()]
    pw = idx["period"].map(data["period_weight"].to_series()).to_numpy()
    scale = weight * pw * BN_PER_GWH
    un = lp.add_variables("unserved", idx, ub=load, cost=s.value_of_lost_load_cny_per_mwh * scale,
                          unit="GW", description="load not served")
    acc.balance.add(idx, un.positions, 1.0)
    if s.demand_response_share > 0:
        _demand_response(lp, data, s, idx, load, scale, acc)
    terms = acc.balance.terms(idx)
    lp.add_constraints("energy_balance", idx, terms, "==", load, unit="GW",
                       description="supply = demand in every region and timestep")
    _reserve_margin(lp, data, s, acc)


def _demand_response(lp, data, s, idx, load, scale, acc):
    """Load shifted within the day: up (more load) and down (less), energy-neutral per day."""
    cap = s.demand_response_share * load
    cost = s.demand_response_cost_cny_per_mwh * scale
    up = lp.add_variables("demand_shift_up", idx, ub=cap, cost=cost / 2, unit="GW")
    down = lp.add_variables("demand_shift_down", idx, ub=cap, cost=cost / 2, unit="GW")
    acc.balance.add(idx, up.positions, -1.0)
    acc.balance.add(idx, down.positions, 1.0)
    day = data["timestep_day"].to_numpy()[idx["timestep"].to_numpy()]
    dur = data["duration"].to_numpy()[idx["timestep"].to_numpy()]
    rows = idx[["region", "period"]].assign(day=day)
    days = rows.drop_duplicates().reset_index(drop=True)
    r = pd.MultiIndex.from_frame(days).get_indexer(pd.MultiIndex.from_frame(rows))
    t = Terms().add(r, up.positions, dur).add(r, down.positions, -dur)
    lp.add_constraints("demand_shift_neutral", days, t, "==", 0.0, unit="GWh")


def _reserve_margin(lp, data, s, acc):
    if s.reserve_margin is None:  # switched off
        return
    idx = pd.MultiIndex.from_product([data["region"].to_numpy(), data["period"].to_numpy()],
                                     names=["region", "period"]).to_frame(index=False)
    idx = idx[idx["period"] >= s.first_decision_period].reset_index(drop=True)
    if not len(idx):
        return
    peak = data["peak_demand"].to_series().reindex(pd.MultiIndex.from_frame(idx)).to_numpy()
    lp.add_constraints("reserve_margin", idx, acc.reserve.terms(idx), ">=", peak * (1 + s.reserve_margin),
                       unit="GW", description="firm capacity ≥ (1 + margin) × peak load")
