r"""CO2: the national cap, the carbon price, and CO2 storage limits.

.. math::

    \sum_{r,t} E_{r,t,p} \le cap_p \quad [Mt/yr]                       \text{(co2_cap; dual → CO2 price)}

    \text{cost} \mathrel{+}= price_p \cdot E_{r,t,p} \cdot 10^{-3} \cdot W_p \quad [bn CNY]

    n \sum_p \sum_t C_{r,t,p} \le storage_r \quad [Mt]                  \text{(co2_storage_limit)}

``E`` is net emissions (captured CO2 and biogenic CO2 excluded; BECCS capture counts negative), ``C`` the
captured CO2, ``n`` the years per period, ``W_p`` the period weight. The carbon price (a tax on net
emissions, which BECCS removals earn) and the emissions-trading scheme with free allocation per MWh
(:func:`_ets`; removals earn nothing) are separate instruments.
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


def _cap(lp, data, acc):
    cap = data["co2_cap"].to_series().dropna()
    if not len(cap):
        return
    idx = pd.DataFrame({"period": cap.index.to_numpy()})
    lp.add_constraints("co2_cap", idx, acc.emissions.terms(idx), "<=", cap.to_numpy(), unit="Mt/yr",
                       description="national net CO2 emissions ≤ cap")


def _price(lp, data, acc):
    price = data["carbon_price"].to_series()
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
