r"""Investment, vintages, early retirement and retrofits.

Variables (GW unless stated)

* ``new_capacity[region, tech, period]`` — built in a decision period: commissioned in the years up to its
  milestone year and online from the start of its span (:mod:`model.data.periods`).
* ``retire[region, tech, vintage, period]`` — early retirement of a cohort (techs with
  ``early_retirement``); its fixed O&M is saved, its capital is sunk (reported as stranded).
* ``convert[region, tech, vintage, period]`` — capacity of a cohort converted by a retrofit technology
  (``retrofit_of``); the retrofit's new capacity is ``efficiency ratio × converted``. It lives the
  retrofit's lifetime, cut at the end of its host cohort's life, and its capital is paid over that life.
* ``capacity[region, tech, period]``; for storage also ``energy_capacity`` (GWh) with
  ``new_energy_capacity``, and ``charge_capacity`` / ``new_charge_capacity`` where charging power is a
  separate decision.

A cohort ``c`` counts in period ``p`` with its share ``σ_{c,p}`` of the period's years (existing cohorts
from their commissioning year, builds from their period's span start, for their lifetime; history periods
count the fleet at the end of the year; :func:`model.data.periods.fleet_share`):

.. math::

    capacity_{r,t,p} = \sum_c σ_{c,p} (existing_c + new_c)
                       - \sum_c σ_{c,p} \sum_{q \le p} (retire_{c,q} + convert_{c,q})

    \sum_q (retire_{r,t,v,q} + convert_{r,t,v,q}) \le existing_{r,t,v} + new_{r,t,v}

Objective: ``capex × annuity_weight`` on new capacity (annuities inside the horizon only), fixed O&M ×
period weight on capacity. Potentials bound ``capacity`` [GW]; storage energy potentials bound
``energy_capacity`` [GWh].
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.data import finance
from model.data.periods import build_start, fleet_share, span_start
from model.lp.components import Accumulators
from model.lp.problem import LP, Terms

BN = 1e-3  # CNY/kW × GW = 1e6 CNY = 1e-3 bn CNY


def cohort_share(data, s, vintage, tech, period, is_new) -> np.ndarray:
    """Share of each cohort alive in ``period`` [-] (:func:`model.data.periods.fleet_share`): new builds
    of period ``vintage`` live from the start of its span, existing cohorts from their commissioning year."""
    life = pd.Series(np.asarray(tech)).map(data["lifetime_yr"].to_series()).to_numpy(float)
    start = build_start(vintage, s.period_years, is_new)
    return fleet_share(start, life, period, s.period_years, s.fixed_until)


def build_periods(data, s) -> pd.DataFrame:
    """(region, tech, period) where new capacity may be built (retrofits are handled separately)."""
    p0 = s.first_decision_period
    techs = data["tech"].to_numpy()
    first = np.nan_to_num(data["first_build_year"].to_numpy().astype(float), nan=p0)
    ok_tech = data["new_build"].to_numpy().astype(bool) & (data["retrofit_of"].to_numpy() == "")
    rows = []
    pot = data["potential"].to_numpy()
    for ti in np.flatnonzero(ok_tech):
        periods = [p for p in data["period"].to_numpy() if p >= p0 and p >= first[ti]]
        regions = data["region"].to_numpy()[pot[:, ti] > 0]
        rows.append(pd.MultiIndex.from_product([regions, [techs[ti]], periods],
                                               names=["region", "tech", "vintage"]).to_frame(index=False))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["region", "tech", "vintage"])


def existing_cohorts(data) -> pd.DataFrame:
    ex = data["existing_capacity"].to_series()
    en = data["existing_energy"].to_series()
    ch = data["existing_charge"].to_series()
    df = pd.DataFrame({"capacity": ex, "energy": en, "charge": ch}).reset_index()
    return df[(df["capacity"] > 0) | (df["energy"] > 0) | (df["charge"] > 0)].reset_index(drop=True)


def retrofit_pairs(data) -> dict:
    """retrofit tech -> source tech."""
    rt = data["retrofit_of"].to_series()
    return {t: src for t, src in rt.items() if src}


def alive_pairs(cohorts: pd.DataFrame, data, s) -> pd.DataFrame:
    """Every (cohort, period) where the cohort is alive, with its ``share`` of the period [-]."""
    pairs = cohorts.merge(pd.DataFrame({"period": data["period"].to_numpy()}), how="cross")
    share = cohort_share(data, s, pairs["vintage"], pairs["tech"], pairs["period"], pairs["new"])
    pairs = pairs.assign(share=share)
    return pairs[share > 1e-12].reset_index(drop=True)


def add(lp: LP, data, s, acc: Accumulators) -> None:
    p0 = s.first_decision_period
    existing = existing_cohorts(data).assign(new=False)
    builds = build_periods(data, s).assign(new=True, capacity=0.0, energy=0.0, charge=0.0)
    retro = retrofit_pairs(data)
    # vintages of the sources of retrofits, and early-retirement candidates
    base = pd.concat([existing, builds], ignore_index=True)
    pairs = alive_pairs(base, data, s)
    retirable = set(data["tech"].to_numpy()[data["early_retirement"].to_numpy().astype(bool)])
    decide = pairs[pairs["period"] >= p0]
    ret_idx = decide[decide["tech"].isin(retirable)][["region", "tech", "vintage", "period"]]
    first = dict(zip(data["tech"].to_numpy(), data["first_build_year"].to_numpy().astype(float)))
    conv_parts = []
    for rt, src in retro.items():
        fb = first.get(rt, np.nan)
        sel = decide[(decide["tech"] == src) & ((decide["period"] >= fb) | np.isnan(fb))]
        conv_parts.append(sel[["region", "tech", "vintage", "period", "new"]].assign(target=rt))
    conv_idx = pd.concat(conv_parts, ignore_index=True) if conv_parts else \
        pd.DataFrame(columns=["region", "tech", "vintage", "period", "new", "target"])
    conv_idx = retrofit_cohorts(conv_idx, data, s)
    conv_idx = conv_idx[conv_idx["life"] > 1e-9].reset_index(drop=True)
    # retrofit technologies' own builds (reporting and build limits): one per (region, period) with a
    # conversion; their capacity and capital come from the conversions, which carry the host's life
    retro_builds = conv_idx[["region", "target", "period"]].drop_duplicates().rename(
        columns={"target": "tech", "period": "vintage"}).assign(new=True, capacity=0.0, energy=0.0, charge=0.0)
    builds = pd.concat([builds, retro_builds], ignore_index=True)

    new = _add_new(lp, data, builds, set(retro))
    retire = lp.add_variables("retire", ret_idx, unit="GW",
                              description="early retirement of a cohort in a period")
    convert = lp.add_variables("convert", conv_idx[["region", "tech", "vintage", "period"]],
                               cost=_retrofit_capex(data, s, conv_idx), unit="GW",
                               description="capacity of a cohort converted by a retrofit")
    conv_pairs = _retrofit_pairs(conv_idx, convert, data, s)
    cap, acc.active = _add_capacity(lp, data, s, existing, builds, pairs, new, retire, convert, conv_pairs)
    _add_retirement_limits(lp, existing, builds, new, retire, convert)
    _link_retrofits(lp, data, conv_idx, new, convert)
    _add_storage_capacity(lp, data, s, existing, builds, pairs)


def _add_new(lp: LP, data, builds: pd.DataFrame, retrofits: set):
    """new_capacity with capex × annuity weight as cost; retrofits' capital sits on their conversions."""
    idx = builds[["region", "tech", "vintage"]].rename(columns={"vintage": "period"})
    capex = data["capex"].to_series()
    aw = data["annuity_weight"].to_series()
    key = pd.MultiIndex.from_frame(idx[["tech", "period"]])
    cost = capex.reindex(key).to_numpy() * aw.reindex(key).to_numpy() * BN
    cost = np.where(idx["tech"].isin(retrofits).to_numpy(), 0.0, cost)
    return lp.add_variables("new_capacity", idx, cost=cost, unit="GW",
                            description="capacity built in the period (commissioned in the years up to its "
                                        "milestone, online from the start of its span)")


def retrofit_cohorts(conv_idx: pd.DataFrame, data, s) -> pd.DataFrame:
    """One row per possible conversion of a host cohort (``region, tech, vintage, period, new, target``)
    with the retrofit's ``ratio`` (efficiency of the retrofit / of the host), ``start`` (the conversion
    period's span start) and ``life`` [yr]: the retrofit's lifetime, cut at the end of its host's life —
    a retrofit cannot outlive the unit it converts."""
    if not len(conv_idx):
        return conv_idx.assign(ratio=[], start=[], life=[])
    eff = data["efficiency"].to_series()
    life = data["lifetime_yr"].to_series()
    ratio = (conv_idx["target"].map(eff) / conv_idx["tech"].map(eff)).fillna(1.0).to_numpy(float)
    start = span_start(conv_idx["period"].to_numpy(float), s.period_years)
    host_end = build_start(conv_idx["vintage"], s.period_years, conv_idx["new"]) + \
        conv_idx["tech"].map(life).to_numpy(float)
    own = conv_idx["target"].map(life).to_numpy(float)
    return conv_idx.assign(ratio=ratio, start=start, life=np.minimum(own, host_end - start))


def _retrofit_capex(data, s, conv: pd.DataFrame) -> np.ndarray:
    """Objective coefficient of a conversion [bn CNY per GW of host]: ratio × retrofit capex of the period
    × CRF(life) × PV of the years of its (host-limited) life inside the horizon."""
    if not len(conv):
        return np.zeros(0)
    capex = data["capex"].to_series().reindex(pd.MultiIndex.from_frame(
        conv[["target", "period"]])).to_numpy(float)
    crf = finance.capital_recovery_factor(s.discount_rate, conv["life"].to_numpy(float))
    pv = finance.paid_years_pv(conv["start"], conv["life"], s.discount_rate, s.first_period, s.horizon_end)
    return conv["ratio"].to_numpy() * capex * crf * pv * BN


def _retrofit_pairs(conv: pd.DataFrame, convert, data, s) -> pd.DataFrame:
    """(region, target tech, period p) terms of the retrofit capacity: ratio × share × convert column."""
    if not len(conv):
        return pd.DataFrame(columns=["region", "tech", "period", "col", "coef"])
    rows = conv.assign(col=convert.positions).merge(
        pd.DataFrame({"p": data["period"].to_numpy()}), how="cross")
    share = fleet_share(rows["start"], rows["life"], rows["p"], s.period_years, s.fixed_until)
    rows = rows.assign(coef=rows["ratio"] * share)
    rows = rows[rows["coef"] > 1e-12]
    return pd.DataFrame({"region": rows["region"].to_numpy(), "tech": rows["target"].to_numpy(),
                         "period": rows["p"].to_numpy(), "col": rows["col"].to_numpy(),
                         "coef": rows["coef"].to_numpy()})


def _add_capacity(lp, data, s, existing, builds, pairs, new, retire, convert, conv_pairs):
    """capacity = surviving cohorts − cumulative retirements and conversions of surviving cohorts
    (+ the retrofit capacity the conversions create, for retrofit technologies)."""
    has = pd.concat([existing[["region", "tech"]], builds[["region", "tech"]]]).drop_duplicates()
    idx = has.merge(pd.DataFrame({"period": data["period"].to_numpy()}), how="cross")
    fom = data["fom"].to_series()
    w = data["period_weight"].to_series()
    key = pd.MultiIndex.from_frame(idx[["tech", "period"]])
    cost = fom.reindex(key).to_numpy() * idx["period"].map(w).to_numpy() * BN
    pot = data["potential"].to_series()
    ub = pot.reindex(pd.MultiIndex.from_frame(idx[["region", "tech"]])).to_numpy()
    cap = lp.add_variables("capacity", idx, ub=np.nan_to_num(ub, nan=np.inf), cost=cost, unit="GW",
                           description="installed capacity available in the period")
    rows = cap.lookup()
    t = Terms().add(np.arange(len(idx)), cap.positions, 1.0)
    new_pairs = pairs[pairs["new"]]
    r = rows.get_indexer(pd.MultiIndex.from_frame(new_pairs[["region", "tech", "period"]]))
    c = new.pos(new_pairs[["region", "tech", "vintage"]].rename(columns={"vintage": "period"}))
    t.add(r, c, -new_pairs["share"].to_numpy())
    for var in (retire, convert):
        if not var.size:
            continue
        # a decision in period q removes its share of the cohort in every period p ≥ q where it lives
        joined = var.index.assign(col=var.positions).merge(
            pairs[["region", "tech", "vintage", "period", "share"]].rename(columns={"period": "p"}),
            on=["region", "tech", "vintage"])
        joined = joined[joined["p"] >= joined["period"]]
        r = rows.get_indexer(pd.MultiIndex.from_frame(joined[["region", "tech", "p"]]))
        t.add(r, joined["col"].to_numpy(), joined["share"].to_numpy())
    if len(conv_pairs):
        r = rows.get_indexer(pd.MultiIndex.from_frame(conv_pairs[["region", "tech", "period"]]))
        t.add(r, conv_pairs["col"].to_numpy(), -conv_pairs["coef"].to_numpy())
    ex_pairs = pairs[~pairs["new"]].assign(capacity=lambda d: d["capacity"] * d["share"])
    rhs = ex_pairs.groupby(["region", "tech", "period"])["capacity"].sum()
    rhs = rhs.reindex(rows).fillna(0.0).to_numpy()
    lp.add_constraints("capacity_balance", idx, t, "==", rhs, unit="GW",
                       description="capacity = surviving cohorts − retirements − conversions")
    built = pd.concat([new_pairs[["region", "tech", "period"]], conv_pairs[["region", "tech", "period"]]])
    return cap, _active(idx, rows, rhs, built)


def _active(idx, rows, rhs, built_rows) -> pd.DataFrame:
    """(region, tech, period) whose capacity can be positive: a surviving cohort or a possible build."""
    built = np.zeros(len(idx), dtype=bool)
    built[rows.get_indexer(pd.MultiIndex.from_frame(built_rows))] = True
    return idx[(rhs > 0) | built].reset_index(drop=True)


def _add_retirement_limits(lp, existing, builds, new, retire, convert):
    """Cumulative retirements and conversions of a cohort ≤ what was installed."""
    parts = [b.index.assign(col=b.positions) for b in (retire, convert) if b.size]
    if not parts:
        return
    dec = pd.concat(parts, ignore_index=True)
    cohorts = dec[["region", "tech", "vintage"]].drop_duplicates().reset_index(drop=True)
    rows = pd.MultiIndex.from_frame(cohorts)
    t = Terms().add(rows.get_indexer(pd.MultiIndex.from_frame(dec[["region", "tech", "vintage"]])),
                    dec["col"].to_numpy(), 1.0)
    built = new.pos(cohorts.rename(columns={"vintage": "period"}), missing="drop")
    t.add(np.arange(len(cohorts)), built, -1.0)
    ex = existing.groupby(["region", "tech", "vintage"])["capacity"].sum()
    rhs = ex.reindex(rows).fillna(0.0).to_numpy()
    lp.add_constraints("retirement_limit", cohorts, t, "<=", rhs, unit="GW",
                       description="a cohort cannot be retired or converted beyond what was built")


def _link_retrofits(lp, data, conv_idx, new, convert):
    """new retrofit capacity = efficiency ratio × capacity converted in that period."""
    if not len(conv_idx):
        return
    ratio = conv_idx["ratio"].to_numpy()
    idx = conv_idx[["region", "target", "period"]].drop_duplicates().rename(columns={"target": "tech"})
    idx = idx.reset_index(drop=True)
    rows = pd.MultiIndex.from_frame(idx)
    t = Terms().add(np.arange(len(idx)), new.pos(idx), 1.0)
    r = rows.get_indexer(pd.MultiIndex.from_frame(conv_idx[["region", "target", "period"]]))
    t.add(r, convert.positions, -ratio)
    lp.add_constraints("retrofit_link", idx, t, "==", 0.0, unit="GW",
                       description="retrofit capacity = ratio × converted capacity")


def _add_storage_capacity(lp, data, s, existing, builds, pairs):
    """Energy capacity (GWh) and, where separate, charging capacity (GW) of storage."""
    kind = data["kind"].to_series()
    storage = set(kind[kind == "storage"].index)
    sep = set(data["tech"].to_numpy()[data["separate_charge_capacity"].to_numpy().astype(bool)])
    aw = data["annuity_weight"].to_series()
    for name, techs, capex_name, ex_col in (("energy_capacity", storage, "capex_energy", "energy"),
                                            ("charge_capacity", sep, "capex_charge", "charge")):
        b = builds[builds["tech"].isin(techs)][["region", "tech", "vintage"]]
        b = b.rename(columns={"vintage": "period"}).reset_index(drop=True)
        key = pd.MultiIndex.from_frame(b[["tech", "period"]])
        cost = data[capex_name].to_series().reindex(key).to_numpy() * aw.reindex(key).to_numpy() * BN
        unit = "GWh" if name == "energy_capacity" else "GW"
        nv = lp.add_variables("new_" + name, b, cost=cost, unit=unit)
        p = pairs[pairs["tech"].isin(techs)]
        idx = p[["region", "tech", "period"]].drop_duplicates().reset_index(drop=True)
        ub = np.inf
        if name == "energy_capacity":  # storage energy potentials (salt caverns, reservoirs) [GWh]
            ub = data["energy_potential"].to_series().reindex(
                pd.MultiIndex.from_frame(idx[["region", "tech"]])).fillna(np.inf).to_numpy()
        var = lp.add_variables(name, idx, ub=ub, unit=unit)
        rows = var.lookup()
        t = Terms().add(np.arange(len(idx)), var.positions, 1.0)
        pn = p[p["new"]]
        t.add(rows.get_indexer(pd.MultiIndex.from_frame(pn[["region", "tech", "period"]])),
              nv.pos(pn[["region", "tech", "vintage"]].rename(columns={"vintage": "period"})),
              -pn["share"].to_numpy())
        ex = p[~p["new"]]
        rhs = (ex[ex_col] * ex["share"]).groupby([ex["region"], ex["tech"], ex["period"]]).sum()
        lp.add_constraints(name + "_balance", idx, t, "==", rhs.reindex(rows).fillna(0.0).to_numpy(),
                           unit=unit)
