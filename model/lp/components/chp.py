r"""Combined heat and power: the heat-led minimum electric output in the heating season.

CHP plants that supply district heat cannot turn down below what the heat load needs. The requirement
is regional and seasonal, not a property of the installed fleet, so retiring CHP plants does not escape
it: whatever plants are kept or built to serve it (coal, coal with CCUS, gas, biomass — technologies with
``chp``) must run:

.. math:: \sum_{t \in CHP} gen_{r,t,p,s} \ge M_{r,p}\, h_{r,s}     \qquad \text{(chp_must_run)}

``M`` is ``chp_must_run.csv`` (GW of electric output in the heating season), ``h`` the share of the days
a timestep stands for that lie in the region's heating season (``regions.csv``). Replacing heat supply
(heat pumps, electric boilers, industrial waste heat) is outside the model: the path of ``M`` says how
fast it happens.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.components import Accumulators
from model.lp.components.balance import balance_index
from model.lp.problem import LP, Terms


def add(lp: LP, data, s, acc: Accumulators) -> None:
    if not s.chp_must_run or acc.dispatch is None or not float(data["chp_must_run"].sum()):
        return
    idx = balance_index(data)
    need = (data["chp_must_run"].to_series().reindex(pd.MultiIndex.from_frame(idx[["region", "period"]]))
            .to_numpy() * data["heating_share"].to_series().reindex(
                pd.MultiIndex.from_frame(idx[["region", "timestep"]])).to_numpy())
    sel = np.flatnonzero(need > 1e-9)
    if not len(sel):
        return
    idx, need = idx.iloc[sel].reset_index(drop=True), need[sel]
    d = acc.dispatch
    d = d[d["tech"].map(data["chp"].to_series()).fillna(False).to_numpy(bool)]
    r = pd.MultiIndex.from_frame(idx).get_indexer(pd.MultiIndex.from_frame(d[["region", "period", "timestep"]]))
    keep = r >= 0
    lp.add_constraints("chp_must_run", idx, Terms().add(r[keep], d["col"].to_numpy()[keep], 1.0), ">=", need,
                       unit="GW", description="CHP output ≥ heat-led minimum in the heating season")
