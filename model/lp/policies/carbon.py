r"""CO2: the national cap (with an optional price floor and ceiling, a collar), the carbon price, and CO2
storage limits.

.. math::

    \sum_{r,t} E_{r,t,p} - S_p \le cap_p \quad [Mt/yr]                 \text{(co2_cap; dual } \mu_p \ge 0)

    \text{cost} \mathrel{+}= (price_p + floor_p) \cdot E_{r,t,p} \cdot 10^{-3} \cdot W_p \quad [bn CNY]

    \text{cost} \mathrel{+}= (ceiling_p - floor_p) \cdot S_p \cdot 10^{-3} \cdot W_p, \quad S_p \ge 0
    \quad [bn CNY]                                                      \text{(co2_cap_slack)}

    n \sum_p \sum_t C_{r,t,p} \le storage_r \quad [Mt]                  \text{(co2_storage_limit)}

``E`` is net emissions (captured CO2 and biogenic CO2 excluded; BECCS capture counts negative), ``C`` the
captured CO2, ``n`` the years per period, ``W_p`` the period weight (Mt × CNY/t = 10⁻³ bn CNY). The carbon
price (a tax on net emissions, which BECCS removals earn) and the emissions-trading scheme with free
allocation per MWh (:func:`_ets`; removals earn nothing) are separate instruments.

**Collar.** A price floor charges ``floor_p`` on every tonne emitted, so the cap's dual ``μ_p`` (in CNY/t:
``μ_p / W_p × 10³``) is the premium above the floor. A ceiling adds the slack ``S_p`` (allowances issued
beyond the cap) at ``ceiling_p − floor_p``: the LP buys it as soon as the premium would exceed that, so
``μ_p ≤ ceiling_p − floor_p`` (the slack's reduced cost ``ceiling_p − floor_p − μ_p ≥ 0``) and the price of
the cap's allowances,

.. math::  P_p = floor_p + \mu_p \in [floor_p,\ ceiling_p] \quad [CNY/t],

is reported as ``co2_cap_price``: ``P_p = ceiling_p`` when ``S_p > 0`` (cap relaxed: a cap that alone
would be infeasible or very expensive is met by buying allowances), ``P_p = floor_p`` when the cap is
slack (emissions then fall to what the floor buys). Without a cap a floor is a plain carbon price and a
ceiling does nothing. Carbon price and ETS come on top (``co2_price = P + price + ETS price``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.components import Accumulators
from model.lp.problem import LP


def add(lp: LP, data, s, acc: Accumulators) -> None:
    _cap(lp, data, acc)
    _price(lp, data, acc)
    _ets(lp, data, acc)
    _storage(lp, data, s, acc)


def floor_price(data) -> pd.Series:
    """The CO2 price floor by period [CNY/t] (0 where none, or in data prepared without one)."""
    if "co2_price_floor" in data:
        return data["co2_price_floor"].to_series().fillna(0.0)
    return data["carbon_price"].to_series() * 0.0


def _cap(lp, data, acc):
    cap = data["co2_cap"].to_series().dropna()
    if not len(cap):
        return
    idx = pd.DataFrame({"period": cap.index.to_numpy()})
    lp.add_constraints("co2_cap", idx, acc.emissions.terms(idx), "<=", cap.to_numpy(), unit="Mt/yr",
                       description="national net CO2 emissions ≤ cap (+ allowances bought at the ceiling)")
    _ceiling(lp, data, cap.index)


def _ceiling(lp, data, periods: pd.Index) -> None:
    """The safety valve: slack ``S_p`` [Mt/yr] on the cap's rows where a ceiling is set, costing the
    ceiling's premium over the floor (see the module docstring)."""
    if "co2_price_ceiling" not in data:
        return
    ceiling = data["co2_price_ceiling"].to_series().reindex(periods).to_numpy(float)
    has = np.isfinite(ceiling)
    if not has.any():
        return
    floor = floor_price(data).reindex(periods).fillna(0.0).to_numpy(float)
    w = data["period_weight"].to_series().reindex(periods).to_numpy(float)
    idx = pd.DataFrame({"period": periods.to_numpy()[has]})
    premium = np.maximum(ceiling - floor, 0.0)[has]
    var = lp.add_variables("co2_cap_slack", idx, cost=premium * w[has] * 1e-3, unit="Mt/yr",
                           description="allowances bought at the price ceiling beyond the cap")
    lp.add_terms("co2_cap", np.flatnonzero(has), var.positions, -1.0)


def _price(lp, data, acc):
    """Carbon price and price floor on net emissions [bn CNY per Mt/yr]."""
    price = data["carbon_price"].to_series() + floor_price(data)
    if not (price > 0).any():
        return
    w = data["period_weight"].to_series()
    em = acc.emissions.frame()
    coef = em["coef"].to_numpy() * em["period"].map(price * w).to_numpy() * 1e-3
    lp.add_cost(em["col"].to_numpy(), coef)


def _ets(lp, data, acc):
    """Emissions trading with free allocation per MWh: a covered technology pays the ETS price on its net
    emissions minus its benchmark allocation, ``P_p (e_t − b_{t,p}) G`` [bn CNY/yr; t/MWh × TWh = Mt]. The
    allocation is an output subsidy, so the marginal carbon cost of generating is only ``P (e − b)``; on
    the margin of emitting (fixed output) it is the full price. Uncovered technologies (renewables,
    biomass, BECCS) pay and earn nothing: removals earn no ETS price."""
    price = data["ets_price"].to_series() if "ets_price" in data else None
    if price is None or not (price > 0).any() or not data["ets_covered"].any():
        return
    g = acc.generation.frame()
    g = g[g["tech"].map(data["ets_covered"].to_series()).fillna(False).to_numpy(bool)]
    if not len(g):
        return
    net = g["tech"].map(data["co2_net_t_per_mwh"].to_series()).to_numpy(float)
    bench = data["ets_benchmark"].to_series().reindex(pd.MultiIndex.from_frame(g[["tech", "period"]])).to_numpy()
    w = data["period_weight"].to_series()
    coef = g["coef"].to_numpy() * (net - bench) * g["period"].map(price * w).to_numpy() * 1e-3
    lp.add_cost(g["col"].to_numpy(), coef)


def _storage(lp, data, s, acc):
    limit = data["co2_storage"].to_series()
    limit = limit[np.isfinite(limit)]
    cap = acc.captured.frame()
    if not len(limit) or not len(cap):
        return
    idx = pd.DataFrame({"region": limit.index.to_numpy()})
    terms = acc.captured.terms(idx, scale=float(s.period_years))
    lp.add_constraints("co2_storage_limit", idx, terms, "<=", limit.to_numpy(), unit="Mt",
                       description="cumulative CO2 stored ≤ storage capacity")
