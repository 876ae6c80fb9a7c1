r"""National fuel supply available to power generation (e.g. gas in bcm/yr, biomass feedstock).

.. math:: \sum_{r,t:\ fuel_t = f} hr_t\, G_{r,t,p} \le S_{f,p} \quad [PJ/yr]     \text{(fuel_supply)}

``G`` is annual generation [TWh/yr], ``hr`` the heat rate [GJ/MWh = PJ/TWh], ``S`` ``fuel_supply.csv``.
One limit per fuel, so technologies burning the same fuel share it (biomass and BECCS share the
feedstock). 1 bcm of natural gas ≈ 36 PJ.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.components import Accumulators
from model.lp.problem import LP, Terms


def add(lp: LP, data, s, acc: Accumulators) -> None:
    if "fuel_limit" not in data:
        return
    lim = data["fuel_limit"].to_series()
    lim = lim[np.isfinite(lim)]
    if not len(lim):
        return
    g = acc.generation.frame()
    g = g.assign(fuel=g["tech"].map(data["fuel"].to_series()).to_numpy(),
                 hr=g["tech"].map(data["heat_rate_gj_per_mwh"].to_series()).to_numpy(float))
    burnt = pd.MultiIndex.from_frame(g.loc[g["hr"] > 0, ["fuel", "period"]])
    lim = lim[lim.index.isin(burnt)]  # a limit on a fuel no plant burns is no row
    if not len(lim):
        return
    rows = lim.index.to_frame(index=False)
    r = pd.MultiIndex.from_frame(rows).get_indexer(pd.MultiIndex.from_frame(g[["fuel", "period"]]))
    keep = (r >= 0) & (g["hr"].to_numpy() > 0)
    t = Terms().add(r[keep], g["col"].to_numpy()[keep], (g["coef"] * g["hr"]).to_numpy()[keep])
    lp.add_constraints("fuel_supply", rows, t, "<=", lim.to_numpy(), unit="PJ/yr",
                       description="fuel burnt for power ≤ fuel available")
