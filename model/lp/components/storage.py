r"""Storage: charging, discharging and state of charge.

Variables ``discharge``, ``charge`` (GW) per (region, tech, period, timestep). Power capacity bounds
discharge (and charge, unless charging power is a separate capacity); new energy capacity (GWh) lies
between ``storage_duration_min_h`` and ``storage_duration_max_h`` times new power capacity (the existing
fleet keeps the durations it has).

Day-linked storage (``storage_linking = day``): ``soc`` (GWh) at the end of each timestep, cycling within
each representative day,

.. math:: soc_s = (1-\sigma)^{\delta_s} soc_{s-1} + \eta_c \delta_s ch_s - \delta_s dis_s / \eta_d,
          \quad 0 \le soc_s \le E

Year-linked storage (``storage_linking = year``; Kotzur et al. 2018, Appl. Energy 213): ``soc_intra``
is the deviation from the start of the day, starting from 0 each representative day; the state at the
start of each calendar day ``c`` is chained over the 365 days through the chronology, cyclic over the year
(``soc_inter`` holds it at the start of each run of consecutive days with the same representative day,
see :func:`_inter_day`). Within the day the starting state decays too: at the end of step ``s``, ``h_s``
hours into the day, the state is ``a_s S_c + soc^{intra}_s`` with ``a_s = (1-\sigma)^{h_s}``. With

.. math:: a_s\, soc^{min}_d \le soc^{intra}_s,\qquad
          soc^{intra}_s \le a_s\, soc^{max}_d + (1 - a_s) E \qquad (soc^{max} \ge 0 \ge soc^{min})

the bounds on the day's starting state are exactly the bounds on every step's state (``0 ≤ a_s S_c +
soc^{intra}_s ≤ E`` for all ``s`` ⇔ the two below; with ``σ = 0`` the rows reduce to ``soc^{min} ≤
soc^{intra} ≤ soc^{max}``):

.. math:: S_{c+1} = (1-\sigma)^{24} S_c + soc^{intra}_{last(d(c))},\quad
          S_c + soc^{max}_{d(c)} \le E,\quad S_c + soc^{min}_{d(c)} \ge 0
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.components import Accumulators
from model.lp.components.dispatch import BN_PER_GWH, previous_step
from model.lp.problem import LP, Terms


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
    """New builds: storage_duration_min_h × new power ≤ new energy ≤ storage_duration_max_h × new power.

    The existing fleet keeps the energy capacity it has; only new capacity chooses its duration.
    """
    if "new_energy_capacity" not in lp.vars or not lp.vars["new_energy_capacity"].size:
        return
    e = lp.vars["new_energy_capacity"]
    idx = e.index
    k = np.arange(len(idx))
    p = lp.vars["new_capacity"].pos(idx)
    lo = idx["tech"].map(data["storage_duration_min_h"].to_series()).to_numpy()
    hi = idx["tech"].map(data["storage_duration_max_h"].to_series()).to_numpy()
    lp.add_constraints("duration_min", idx, Terms().add(k, e.positions, 1.0).add(k, p, -lo), ">=", 0.0,
                       unit="GWh")
    lp.add_constraints("duration_max", idx, Terms().add(k, e.positions, 1.0).add(k, p, -hi), "<=", 0.0,
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
    a = _retention_since_day_start(data, idx)
    e = lp.vars["energy_capacity"].pos(idx[["region", "tech", "period"]])
    lp.add_constraints("soc_max_def", idx, Terms().add(k, intra.positions, 1.0).add(k, smax.pos(row_day), -a)
                       .add(k, e, a - 1.0), "<=", 0.0, unit="GWh")
    lp.add_constraints("soc_min_def", idx, Terms().add(k, intra.positions, 1.0)
                       .add(k, smin.pos(row_day), -a), ">=", 0.0, unit="GWh")
    _inter_day(lp, data, idx, units, intra, smax, smin)


def _retention_since_day_start(data, idx) -> np.ndarray:
    """``a_s = (1 − σ)^{h_s}``: the share of the day's starting state left at the end of step ``s``
    (``h_s`` hours after the start of the day), per row of ``idx``."""
    ts = data["timestep"].to_numpy()
    order = np.lexsort((data["timestep_step"].to_numpy(), data["timestep_day"].to_numpy()))
    hours = pd.Series(data["duration"].to_numpy()[order], index=ts[order]).groupby(
        data["timestep_day"].to_numpy()[order]).cumsum()
    h = hours.reindex(idx["timestep"].to_numpy()).to_numpy()
    sigma = idx["tech"].map(data["self_discharge_per_h"].to_series()).to_numpy()
    return (1 - sigma) ** h


def _inter_day(lp, data, idx, units, intra, smax, smin):
    """Chain the state of charge over the year through runs of identical representative days.

    ``soc_inter[k]`` is the state at the start of run ``k`` (``L`` consecutive calendar days all
    represented by day ``d``). With ``a = (1 − σ)^24`` and ``Δ`` the net intra-day change of ``d``, the
    state at the start of day ``j`` of the run is ``a^j E_k + Δ (1 − a^j)/(1 − a)``, monotone in ``j``: the
    bounds checked on the first and the last day of a run hold on every day between. This is exact and
    needs one state per run instead of one per calendar day.
    """
    start = data["run_start"].to_numpy()
    length = data["run_length"].to_numpy()
    rday = data["run_day"].to_numpy()
    runs = units.merge(pd.DataFrame({"run": np.arange(len(start))}), how="cross")
    inter = lp.add_variables("soc_inter", runs, unit="GWh", description="state at the start of the run")
    k = np.arange(len(runs))
    r = runs["run"].to_numpy()
    a = (1 - runs["tech"].map(data["self_discharge_per_h"].to_series()).to_numpy()) ** 24
    n = length[r]
    last_step = data["timestep"].to_series().groupby(data["timestep_day"].to_numpy()).max()
    delta = intra.pos(runs[["region", "tech", "period"]].assign(timestep=last_step.reindex(rday[r]).to_numpy()))
    nxt = inter.pos(runs.assign(run=(r + 1) % len(start)))
    t = Terms().add(k, nxt, 1.0).add(k, inter.positions, -a ** n).add(k, delta, -_growth(a, n))
    lp.add_constraints("soc_inter_balance", runs, t, "==", 0.0, unit="GWh")
    d = runs[["region", "tech", "period"]].assign(day=rday[r])
    e = lp.vars["energy_capacity"].pos(runs[["region", "tech", "period"]])
    hi, lo = smax.pos(d), smin.pos(d)
    for tag, j in (("first", np.zeros_like(n)), ("last", n - 1)):
        sel = np.flatnonzero(j > 0) if tag == "last" else k
        q = np.arange(len(sel))
        lab = runs.iloc[sel]
        coef_e, coef_d = a[sel] ** j[sel], _growth(a[sel], j[sel])
        up = Terms().add(q, inter.positions[sel], coef_e).add(q, delta[sel], coef_d)
        up.add(q, hi[sel], 1.0).add(q, e[sel], -1.0)
        down = Terms().add(q, inter.positions[sel], coef_e).add(q, delta[sel], coef_d).add(q, lo[sel], 1.0)
        lp.add_constraints(f"soc_inter_max_{tag}", lab, up, "<=", 0.0, unit="GWh")
        lp.add_constraints(f"soc_inter_min_{tag}", lab, down, ">=", 0.0, unit="GWh")


def _growth(a, n):
    """Σ_{i<n} a^i: how many net daily changes accumulate over ``n`` days with retention ``a``."""
    a, n = np.asarray(a, float), np.asarray(n, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isclose(a, 1.0), n, (1 - a ** n) / (1 - a))
