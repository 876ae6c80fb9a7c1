r"""What one more storage unit would earn at the solution's prices (for "what would it take").

The unit is the bundle a storage technology needs to work: 1 GW of discharge power, its minimum
duration h_min of store [GWh] and, where charging is sized separately (electrolysers), 1 GW of charging.
Its best operation against the balance prices P of each region and period is a small LP of its own
(a price taker, so the prices stay as they are, as for the first GW of any technology):

.. math::

    \max \sum_s w_s \left(P_{r,p,s} (dis_s - ch_s) - vom_t\, dis_s\right)
    \quad soc_s = k_s\, soc_{s-1} + \eta_c \delta_s ch_s - \delta_s dis_s / \eta_d,
    \quad 0 \le dis_s, ch_s \le 1, \quad 0 \le soc_s \le h_{min}

cyclic within each representative day (year-linked stores are valued day-cyclic too, so their seasonal
value is left out and the reported capex fall is an upper bound for them). All units of all regions,
technologies and periods form one block-diagonal LP solved once by HiGHS.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from model.lp.components.dispatch import previous_step


def arbitrage_value(ds, data, units: pd.DataFrame) -> np.ndarray:
    """Yearly operating profit of one bundle for each row (region, tech, period) of ``units``
    [bn CNY per GW of power per year]."""
    n_t = data.sizes["timestep"]
    n_u = len(units)
    if not n_u:
        return np.zeros(0)
    tech = units["tech"]
    hours = tech.map(data["storage_duration_min_h"].to_series()).fillna(0.0).to_numpy(float)
    eta_c = tech.map(data["charge_efficiency"].to_series()).to_numpy(float)
    eta_d = tech.map(data["discharge_efficiency"].to_series()).to_numpy(float)
    sigma = tech.map(data["self_discharge_per_h"].to_series()).fillna(0.0).to_numpy(float)
    vom = data["vom"].to_series().reindex(pd.MultiIndex.from_frame(units[["tech", "period"]])).to_numpy(float)
    price = ds["electricity_price"].to_series().reindex(pd.MultiIndex.from_arrays(
        [np.repeat(units["region"].to_numpy(), n_t), np.repeat(units["period"].to_numpy(), n_t),
         np.tile(np.arange(n_t), n_u)])).to_numpy(float).reshape(n_u, n_t)
    w = data["weight"].to_numpy().astype(float)[None, :]
    dur = data["duration"].to_numpy().astype(float)[None, :]
    keep = (1.0 - sigma[:, None]) ** dur
    # columns: ch (n_u × n_t), dis (n_u × n_t), soc (n_u × n_t)
    m = n_u * n_t
    cost = np.concatenate([(w * price).ravel(), (w * (vom[:, None] - price)).ravel(), np.zeros(m)])
    rows = np.arange(m)
    prev = (np.arange(n_u)[:, None] * n_t + previous_step(data)[None, :]).ravel()
    a = sp.csr_matrix((np.concatenate([np.ones(m), -keep.ravel(), -(eta_c[:, None] * dur).ravel(),
                                       np.broadcast_to(dur / eta_d[:, None], (n_u, n_t)).ravel()]),
                       (np.concatenate([rows, rows, rows, rows]),
                        np.concatenate([2 * m + rows, 2 * m + prev, rows, m + rows]))), shape=(m, 3 * m))
    upper = np.concatenate([np.ones(2 * m), np.repeat(hours, n_t)])
    res = linprog(cost, A_eq=a, b_eq=np.zeros(m), bounds=np.column_stack([np.zeros(3 * m), upper]),
                  method="highs")
    if res.status != 0:
        return np.full(n_u, np.nan)
    x = res.x
    profit = -(cost[:2 * m] * x[:2 * m]).reshape(2, n_u, n_t).sum(axis=(0, 2))  # CNY/MWh × GW × h/yr
    return profit * 1e-6
