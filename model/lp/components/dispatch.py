r"""Dispatch of generating technologies on the representative timesteps.

Variable ``generation[region, tech, period, timestep]`` (GW, average over the timestep), created only
where capacity can be positive and, for wind and solar, where the capacity factor is positive.

.. math::

    gen_{r,t,p,s} \le a_{r,t,p,s}\, (cap_{r,t,p} - \nu_{r,t,p})
        \quad a = \text{capacity factor} \times \text{availability} \times (1 - \text{observed curtailment})
        \qquad \text{(generation_limit)}

(``ν``: capacity commissioned during a history year but not yet in operation on average; history years
only, like the observed curtailment. Committed plants (linear unit commitment) are limited by their
online capacity instead, :mod:`.commitment`.)

    gen_{r,t,p,s} \ge m_t\, a_{r,t,s}\, cap_{r,t,p}
        \quad \text{for inflexible plants with minimum load } m_t            \text{(min_load)}

    |gen_{r,t,p,s} - gen_{r,t,p,s-1}| \le \rho_t\, \delta_s\, cap_{r,t,p}
        \quad \text{cyclic within each representative day}                   \text{(ramp_up, ramp_down)}

    \sum_{s \in d} \delta_s\, gen_{r,t,p,s} \le cap_{r,t,p} \sum_{s \in d} \delta_s\, inflow_{r,s}
        \quad \text{hydro energy budget per representative day}             \text{(hydro_budget)}

Objective: (variable O&M + fuel + CO2 transport & storage) × hours represented × period weight.
Registers generation in the balance, emissions, capture and generation accumulators.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.components import Accumulators
from model.lp.problem import LP, Terms

BN_PER_GWH = 1e-6  # CNY/MWh × GWh = 1e3 CNY = 1e-6 bn CNY
#: wind/solar capacity factors below this are treated as zero (keeps matrix coefficients ≥ 1e-3)
MIN_CF = 1e-3


def timestep_frame(data) -> pd.DataFrame:
    return pd.DataFrame({"timestep": data["timestep"].to_numpy(),
                         "day": data["timestep_day"].to_numpy(),
                         "step": data["timestep_step"].to_numpy()})


def previous_step(data) -> np.ndarray:
    """Index of the timestep before each timestep, wrapping around within its representative day."""
    day = data["timestep_day"].to_numpy()
    prev = np.arange(len(day)) - 1
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    ends = np.r_[starts[1:], len(day)] - 1
    prev[starts] = ends
    return prev


def operating_cost(data, s, techs: pd.Series, periods: pd.Series) -> np.ndarray:
    """Cost per MWh generated [CNY/MWh]: VOM + fuel + CO2 transport & storage (carbon price elsewhere)."""
    key = pd.MultiIndex.from_arrays([techs.to_numpy(), periods.to_numpy()])
    vom = data["vom"].to_series().reindex(key).to_numpy()
    fuel = data["fuel_cost"].to_series().reindex(key).to_numpy()
    captured = techs.map(data["co2_captured_t_per_mwh"].to_series()).to_numpy()
    return vom + fuel + captured * s.co2_transport_storage_cny_per_t


def add(lp: LP, data, s, acc: Accumulators) -> None:
    kind = data["kind"].to_series()
    active = acc.active[acc.active["tech"].map(kind) != "storage"]
    ts = timestep_frame(data)
    idx = active.merge(ts[["timestep"]], how="cross")
    cf = data["capacity_factor"].to_series()
    avail = idx["tech"].map(data["availability"].to_series()).to_numpy()
    a = cf.reindex(pd.MultiIndex.from_frame(idx[["region", "tech", "timestep"]])).to_numpy() * avail
    a = np.where((idx["tech"].map(kind) == "hydro").to_numpy(), avail, a)  # inflow is a daily budget
    keep = ~((idx["tech"].map(kind) == "variable").to_numpy() & (a < MIN_CF))
    idx, a = idx[keep].reset_index(drop=True), a[keep]
    rtp = pd.MultiIndex.from_frame(idx[["region", "tech", "period"]])
    curt = data["curtailment_observed"].to_series().reindex(
        pd.MultiIndex.from_frame(idx[["tech", "period"]])).fillna(0.0).to_numpy()
    a = a * (1.0 - curt)  # history years: observed curtailment
    offset = a * data["not_yet_online"].to_series().reindex(rtp).fillna(0.0).to_numpy()
    weight = data["weight"].to_numpy()[idx["timestep"].to_numpy()]
    pw = idx["period"].map(data["period_weight"].to_series()).to_numpy()
    cost = operating_cost(data, s, idx["tech"], idx["period"]) * weight * pw * BN_PER_GWH
    gen = lp.add_variables("generation", idx, cost=cost, unit="GW",
                           description="average output over the timestep")
    cap_col = lp.vars["capacity"].pos(idx[["region", "tech", "period"]])
    acc.dispatch = idx.assign(col=gen.positions, cap_col=cap_col, avail=a, offset=offset)
    limit = ~committed(data, s, idx["tech"])  # committed plants are limited by their online capacity
    sel = np.flatnonzero(limit)
    k = np.arange(len(sel))
    lp.add_constraints("generation_limit", idx.iloc[sel], Terms().add(k, gen.positions[sel], 1.0)
                       .add(k, cap_col[sel], -a[sel]), "<=", -offset[sel], unit="GW",
                       description="output ≤ available capacity (history years: capacity in operation)")
    _min_load(lp, data, idx, gen, cap_col, a, offset)
    if s.ramping:
        _ramping(lp, data, idx, gen, cap_col)
    _hydro_budget(lp, data, idx, gen, cap_col, kind)
    _register(lp, data, idx, gen, weight, acc)


def committed(data, s, techs: pd.Series) -> np.ndarray:
    """Whether each row's technology is dispatched with linear unit commitment (:mod:`.commitment`)."""
    if not s.unit_commitment:
        return np.zeros(len(techs), bool)
    return (techs.map(data["min_stable_load"].to_series()).fillna(0.0) > 0).to_numpy()


def _min_load(lp, data, idx, gen, cap_col, a, offset):
    m = idx["tech"].map(data["min_load"].to_series()).to_numpy()
    sel = np.flatnonzero(m > 0)
    if not len(sel):
        return
    k = np.arange(len(sel))
    t = Terms().add(k, gen.positions[sel], 1.0).add(k, cap_col[sel], -m[sel] * a[sel])
    lp.add_constraints("min_load", idx.iloc[sel], t, ">=", -m[sel] * offset[sel], unit="GW")


def _ramping(lp, data, idx, gen, cap_col):
    """Ramp limits between consecutive timesteps of a day, for techs with ramp rate × duration < 1."""
    rate = idx["tech"].map(data["ramp_rate_per_h"].to_series()).to_numpy()
    dur = data["duration"].to_numpy()[idx["timestep"].to_numpy()]
    sel = np.flatnonzero(rate * dur < 1)
    if not len(sel):
        return
    prev_ts = previous_step(data)[idx["timestep"].to_numpy()[sel]]
    prev = idx.iloc[sel][["region", "tech", "period"]].assign(timestep=prev_ts)
    prev_col = gen.pos(prev, missing="drop")
    ok = prev_col >= 0
    sel, prev_col = sel[ok], prev_col[ok]
    k = np.arange(len(sel))
    limit = -rate[sel] * dur[sel]
    up = Terms().add(k, gen.positions[sel], 1.0).add(k, prev_col, -1.0).add(k, cap_col[sel], limit)
    down = Terms().add(k, gen.positions[sel], -1.0).add(k, prev_col, 1.0).add(k, cap_col[sel], limit)
    lp.add_constraints("ramp_up", idx.iloc[sel], up, "<=", 0.0, unit="GW")
    lp.add_constraints("ramp_down", idx.iloc[sel], down, "<=", 0.0, unit="GW")


def _hydro_budget(lp, data, idx, gen, cap_col, kind):
    """Daily energy of hydro plants ≤ inflow energy of that representative day."""
    sel = np.flatnonzero((idx["tech"].map(kind) == "hydro").to_numpy())
    if not len(sel):
        return
    h = idx.iloc[sel].assign(day=data["timestep_day"].to_numpy()[idx["timestep"].to_numpy()[sel]])
    dur = data["duration"].to_numpy()[h["timestep"].to_numpy()]
    inflow = data["capacity_factor"].to_series().reindex(
        pd.MultiIndex.from_frame(h[["region", "tech", "timestep"]])).to_numpy()
    h = h.assign(energy=dur * inflow, gcol=gen.positions[sel], ccol=cap_col[sel], dur=dur)
    rows_df = h[["region", "tech", "period", "day"]].drop_duplicates().reset_index(drop=True)
    rows = pd.MultiIndex.from_frame(rows_df)
    r = rows.get_indexer(pd.MultiIndex.from_frame(h[["region", "tech", "period", "day"]]))
    budget = h.groupby(["region", "tech", "period", "day"], sort=False)["energy"].sum()
    ccol = h.groupby(["region", "tech", "period", "day"], sort=False)["ccol"].first()
    t = Terms().add(r, h["gcol"].to_numpy(), h["dur"].to_numpy())
    t.add(np.arange(len(rows_df)), ccol.reindex(rows).to_numpy(), -budget.reindex(rows).to_numpy())
    lp.add_constraints("hydro_budget", rows_df, t, "<=", 0.0, unit="GWh/d")


def _register(lp, data, idx, gen, weight, acc: Accumulators):
    """Balance terms per timestep; annual energy, emissions and capture through one annual variable per
    (region, tech, period), so the national policy rows stay short and well scaled."""
    acc.balance.add(idx, gen.positions, 1.0)
    rtp = idx[["region", "tech", "period"]].drop_duplicates().reset_index(drop=True)
    annual = lp.add_variables("annual_generation", rtp, unit="TWh/yr",
                              description="generation summed over the year's timesteps")
    rows = pd.MultiIndex.from_frame(rtp).get_indexer(pd.MultiIndex.from_frame(idx[["region", "tech", "period"]]))
    t = Terms().add(np.arange(len(rtp)), annual.positions, 1.0).add(rows, gen.positions, -weight / 1000.0)
    lp.add_constraints("annual_generation_def", rtp, t, "==", 0.0, unit="TWh/yr")
    net = rtp["tech"].map(data["co2_net_t_per_mwh"].to_series()).to_numpy()
    cap = rtp["tech"].map(data["co2_captured_t_per_mwh"].to_series()).to_numpy()
    acc.generation.add(rtp, annual.positions, 1.0)
    _must_run(lp, data, rtp, annual)
    nz = np.flatnonzero(net != 0)  # t/MWh × TWh = Mt
    acc.emissions.add(rtp.iloc[nz], annual.positions[nz], net[nz])
    nz = np.flatnonzero(cap != 0)
    acc.captured.add(rtp.iloc[nz], annual.positions[nz], cap[nz])


def _must_run(lp, data, rtp, annual):
    """Annual generation ≥ must-run share × availability × 8760 h × capacity [TWh/yr]."""
    f = data["must_run_share"].to_series().reindex(
        pd.MultiIndex.from_frame(rtp[["tech", "period"]])).fillna(0.0).to_numpy()
    sel = np.flatnonzero(f > 0)
    if not len(sel):
        return
    avail = rtp["tech"].map(data["availability"].to_series()).to_numpy()
    k = np.arange(len(sel))
    cap = lp.vars["capacity"].pos(rtp.iloc[sel])
    nyo = data["not_yet_online"].to_series().reindex(pd.MultiIndex.from_frame(rtp.iloc[sel])).fillna(0.0)
    coef = (f * avail * 8.76)[sel]
    t = Terms().add(k, annual.positions[sel], 1.0).add(k, cap, -coef)
    lp.add_constraints("must_run", rtp.iloc[sel], t, ">=", -coef * nyo.to_numpy(), unit="TWh/yr",
                       description="annual must-run generation of base-load plants")
