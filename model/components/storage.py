r"""Storage: charging, discharging and state of charge.

Variables ``discharge``, ``charge`` (GW) per (region, tech, period, timestep). Power capacity bounds
discharge (and charge, unless charging power is a separate capacity); energy capacity (GWh) lies
between ``storage_duration_min_h`` and ``storage_duration_max_h`` times power capacity.

Day-linked storage (``storage_linking = day``): ``soc`` (GWh) at the end of each timestep, cycling within
each representative day,

.. math:: soc_s = (1-\sigma)^{\delta_s} soc_{s-1} + \eta_c \delta_s ch_s - \delta_s dis_s / \eta_d,
          \quad 0 \le soc_s \le E

Year-linked storage (``storage_linking = year``; Kotzur et al. 2018, Appl. Energy 213): ``soc_intra``
is the deviation from the start of the day, starting from 0 each representative day; ``soc_inter[c]``
(≥ 0) the state at the start of calendar day ``c``, chained over the 365 days through the chronology and
cyclic over the year; with ``soc_max[d] ≥ soc_intra``, ``soc_min[d] ≤ soc_intra`` (and ``soc_max ≥ 0 ≥
soc_min``) the state stays within ``[0, E]`` every hour:

.. math:: soc^{inter}_{c+1} = (1-\sigma)^{24} soc^{inter}_c + soc^{intra}_{last(d(c))},\quad
          soc^{inter}_c + soc^{max}_{d(c)} \le E,\quad soc^{inter}_c + soc^{min}_{d(c)} \ge 0
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..lp import LP, Terms
from . import Accumulators
from .dispatch import BN_PER_GWH, previous_step


def add(lp: LP, data, s, acc: Accumulators) -> None:
    kind = data["kind"].to_series()
    active = acc.active[acc.active["tech"].map(kind) == "storage"]
    if not len(active):
        return
    idx = active.merge(pd.DataFrame({"timestep": data["timestep"].to_numpy()}), how="cross")
    n = len(idx)
    weight = data["weight"].to_numpy()[idx["timestep"].to_numpy()]
    pw = idx["period"].map(data["period_weight"].to_series()).to_numpy()
    vom = data["vom"].to_series().reindex(pd.MultiIndex.from_frame(idx[["tech", "period"]])).to_numpy()
    dis = lp.add_variables("discharge", idx, cost=vom * weight * pw * BN_PER_GWH, unit="GW")
    chg = lp.add_variables("charge", idx, unit="GW")
    k = np.arange(n)
    cap = lp.vars["capacity"].pos(idx[["region", "tech", "period"]])
    lp.add_constraints("discharge_limit", idx, Terms().add(k, dis.positions, 1.0).add(k, cap, -1.0),
                       "<=", 0.0, unit="GW")
    ccap = cap
    if "charge_capacity" in lp.vars and lp.vars["charge_capacity"].size:
        sep = lp.vars["charge_capacity"].pos(idx[["region", "tech", "period"]], missing="drop")
        ccap = np.where(sep >= 0, sep, cap)
    lp.add_constraints("charge_limit", idx, Terms().add(k, chg.positions, 1.0).add(k, ccap, -1.0),
                       "<=", 0.0, unit="GW")
    _duration(lp, data, active)
    linking = idx["tech"].map(data["storage_linking"].to_series()).to_numpy()
    for mode, fn in (("day", _soc_day), ("year", _soc_year)):
        sel = np.flatnonzero(linking == mode)
        if len(sel):
            fn(lp, data, idx.iloc[sel].reset_index(drop=True), dis.positions[sel], chg.positions[sel])
    acc.balance.add(idx, dis.positions, 1.0)
    acc.balance.add(idx, chg.positions, -1.0)


def _duration(lp, data, active):
    """storage_duration_min_h × P ≤ E ≤ storage_duration_max_h × P."""
    idx = active.reset_index(drop=True)
    k = np.arange(len(idx))
    cap = lp.vars["capacity"].pos(idx)
    e = lp.vars["energy_capacity"].pos(idx)
    lo = idx["tech"].map(data["storage_duration_min_h"].to_series()).to_numpy()
    hi = idx["tech"].map(data["storage_duration_max_h"].to_series()).to_numpy()
    lp.add_constraints("duration_min", idx, Terms().add(k, e, 1.0).add(k, cap, -lo), ">=", 0.0,
                       unit="GWh")
    lp.add_constraints("duration_max", idx, Terms().add(k, e, 1.0).add(k, cap, -hi), "<=", 0.0,
                       unit="GWh")


def _flows(data, idx):
    """Per-row duration, self-discharge retention, and charge/discharge efficiencies."""
    dur = data["duration"].to_numpy()[idx["timestep"].to_numpy()]
    sigma = idx["tech"].map(data["self_discharge_per_h"].to_series()).to_numpy()
    eta_c = idx["tech"].map(data["charge_efficiency"].to_series()).to_numpy()
    eta_d = idx["tech"].map(data["discharge_efficiency"].to_series()).to_numpy()
    return dur, (1 - sigma) ** dur, eta_c, eta_d


def _soc_day(lp, data, idx, dis_col, chg_col):
    dur, keep, eta_c, eta_d = _flows(data, idx)
    soc = lp.add_variables("soc", idx, unit="GWh", description="state of charge at the end of the step")
    prev = idx[["region", "tech", "period"]].assign(timestep=previous_step(data)[idx["timestep"]])
    k = np.arange(len(idx))
    t = Terms().add(k, soc.positions, 1.0).add(k, soc.pos(prev), -keep)
    t.add(k, chg_col, -eta_c * dur).add(k, dis_col, dur / eta_d)
    lp.add_constraints("soc_balance", idx, t, "==", 0.0, unit="GWh")
    e = lp.vars["energy_capacity"].pos(idx[["region", "tech", "period"]])
    lp.add_constraints("soc_limit", idx, Terms().add(k, soc.positions, 1.0).add(k, e, -1.0), "<=", 0.0,
                       unit="GWh")


def _soc_year(lp, data, idx, dis_col, chg_col):
    dur, keep, eta_c, eta_d = _flows(data, idx)
    intra = lp.add_variables("soc_intra", idx, lb=-np.inf, unit="GWh",
                             description="change of state of charge since the start of the day")
    step = data["timestep_step"].to_numpy()[idx["timestep"]]
    prev = idx[["region", "tech", "period"]].assign(timestep=previous_step(data)[idx["timestep"]])
    prev_col = np.where(step > 0, intra.pos(prev), -1)
    k = np.arange(len(idx))
    t = Terms().add(k, intra.positions, 1.0).add(k, prev_col, -keep)
    t.add(k, chg_col, -eta_c * dur).add(k, dis_col, dur / eta_d)
    lp.add_constraints("soc_intra_balance", idx, t, "==", 0.0, unit="GWh")
    # extremes of the intra-day deviation per representative day
    units = idx[["region", "tech", "period"]].drop_duplicates().reset_index(drop=True)
    days = units.merge(pd.DataFrame({"day": data["day"].to_numpy()}), how="cross")
    smax = lp.add_variables("soc_max", days, lb=0.0, unit="GWh")
    smin = lp.add_variables("soc_min", days, lb=-np.inf, ub=0.0, unit="GWh")
    row_day = idx[["region", "tech", "period"]].assign(day=data["timestep_day"].to_numpy()[idx["timestep"]])
    lp.add_constraints("soc_max_def", idx, Terms().add(k, intra.positions, 1.0)
                       .add(k, smax.pos(row_day), -1.0), "<=", 0.0, unit="GWh")
    lp.add_constraints("soc_min_def", idx, Terms().add(k, intra.positions, 1.0)
                       .add(k, smin.pos(row_day), -1.0), ">=", 0.0, unit="GWh")
    _inter_day(lp, data, idx, units, intra, smax, smin)


def _inter_day(lp, data, idx, units, intra, smax, smin):
    chron = data["chronology"].to_numpy()
    cal = units.merge(pd.DataFrame({"calendar_day": np.arange(len(chron))}), how="cross")
    inter = lp.add_variables("soc_inter", cal, unit="GWh", description="state at the start of the day")
    n = len(cal)
    k = np.arange(n)
    c = cal["calendar_day"].to_numpy()
    rep = chron[c]
    sigma = cal["tech"].map(data["self_discharge_per_h"].to_series()).to_numpy()
    nxt = cal.assign(calendar_day=(c + 1) % len(chron))
    # last intra-day step of each representative day
    last_step = data["timestep"].to_series().groupby(data["timestep_day"].to_numpy()).max()
    last = cal[["region", "tech", "period"]].assign(timestep=last_step.reindex(rep).to_numpy())
    t = Terms().add(k, inter.pos(nxt), 1.0).add(k, inter.positions, -(1 - sigma) ** 24)
    t.add(k, intra.pos(last), -1.0)
    lp.add_constraints("soc_inter_balance", cal, t, "==", 0.0, unit="GWh")
    d = cal[["region", "tech", "period"]].assign(day=rep)
    e = lp.vars["energy_capacity"].pos(cal[["region", "tech", "period"]])
    lp.add_constraints("soc_inter_max", cal, Terms().add(k, inter.positions, 1.0)
                       .add(k, smax.pos(d), 1.0).add(k, e, -1.0), "<=", 0.0, unit="GWh")
    lp.add_constraints("soc_inter_min", cal, Terms().add(k, inter.positions, 1.0)
                       .add(k, smin.pos(d), 1.0), ">=", 0.0, unit="GWh")
