"""What would it take: how far a technology's capex must fall before the model builds it.

For a generating technology the value of one more GW built in period v is what it would earn at the
solution's prices over the periods it lives (an investor's view of the LP's duals):

    margin[r,t,q] = Σ_s w_s a_{r,t,s} max(P_{r,q,s} − c_{t,q}, m_t (P − c))   energy, run when it pays
                    + R_{r,q} credit_t − fom_{t,q}                          firm capacity, fixed O&M
    c_{t,q} = VOM + fuel + CO2 T&S × capture + CO2 price × net rate + CO2 storage price × capture
              − clean-share price × (non-fossil − share)
    value[r,t,v] = Σ_q σ_{v,q} W_q margin[r,t,q]      (σ: the build's share of period q's years)
    need[r,t,v] = capex × annuity weight − value       (≥ 0 at an optimum; 0 where it is built)

(P electricity price, R reserve price, m minimum load, W period weight.) With unique duals this is the
exact entry threshold; where the optimum is degenerate (ties) the duals are not unique and the need is a
lower bound. Storage is valued the same way, as the bundle it needs to work — 1 GW of power, its minimum
duration of store and (where sized separately) 1 GW of charging — operated at the solution's prices by a
small LP of its own (:mod:`model.results.entry_storage`); the capex fall is per kW of that bundle (power +
h_min × energy + charging capex). Hydro (daily budgets) and retrofits are valued through the LP's
reduced costs of their investment and capacity variables (a lower bound: at a degenerate optimum a
reduced cost can be 0 for a column that is not built). Ramping limits are ignored.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from model.data import finance
from model.data.periods import fleet_share, span_start
from model.results.arrays import to_array

PRICE_BASED = ("thermal", "nuclear", "variable")


def operating_cost(ds: xr.Dataset, data: xr.Dataset, s) -> xr.DataArray:
    """c[region, tech, period]: cost of producing one more MWh [CNY/MWh] at the solution's prices (for a
    plant in the ETS: ETS price × (net rate − free allocation per MWh))."""
    net, cap = data["co2_net_t_per_mwh"], data["co2_captured_t_per_mwh"]
    share = data["clean_share"].fillna(0.0)
    nf = data["non_fossil"].astype(float)
    ets = (ds["ets_price"] * (net - data["ets_benchmark"])).where(data["ets_covered"], 0.0) \
        if "ets_benchmark" in data else 0.0
    c = (data["vom"] + data["fuel_cost"] + cap * s.co2_transport_storage_cny_per_t
         + (ds["co2_shadow_price"] + ds["co2_price_floor"] + data["carbon_price"]) * net + ets + ds["co2_storage_price"] * cap
         - ds["clean_share_price"] * (nf - share))
    return c.transpose("region", "tech", "period")


def annual_margin(ds: xr.Dataset, data: xr.Dataset, s) -> xr.DataArray:
    """margin[region, tech, period]: what 1 GW earns per year above its running and fixed costs
    [bn CNY/(GW·yr)]."""
    c = operating_cost(ds, data, s)
    a = data["capacity_factor"].where(data["kind"] == "variable", 1.0) * data["availability"]
    spread = ds["electricity_price"] - c
    run = xr.where(spread > 0, spread, data["min_load"] * spread)
    energy = (run * a * ds["weight"]).sum("timestep") * 1e-6
    firm = ds["reserve_price"] * data["capacity_credit"] * 1e-3
    return (energy + firm - data["fom"] * 1e-3).transpose("region", "tech", "period")


def price_based_need(ds, data, s, builds: pd.DataFrame, margin: pd.Series | None = None,
                     capex: np.ndarray | None = None) -> np.ndarray:
    """Capex fall needed [CNY/kW] for each candidate build (region, tech, period = vintage): capex
    minus the present value of its annual margins [bn CNY/(GW·yr)] over the periods it lives, per
    annuity weight."""
    margin = annual_margin(ds, data, s).to_series() if margin is None else margin
    w = data["period_weight"].to_series()
    pairs = build_pairs(builds, data, s)
    m = margin.reindex(pd.MultiIndex.from_frame(pairs[["region", "tech", "period"]])).to_numpy()
    value = pd.Series(m * pairs["share"].to_numpy() * pairs["period"].map(w).to_numpy()).groupby(
        pairs["index"].to_numpy()).sum()
    value = value.reindex(np.arange(len(builds)), fill_value=0.0).to_numpy()
    key = pd.MultiIndex.from_frame(builds[["tech", "period"]])
    aw = data["annuity_weight"].to_series().reindex(key).to_numpy()
    capex = data["capex"].to_series().reindex(key).to_numpy() if capex is None else capex
    return capex - value / (aw * 1e-3)


def storage_need(ds, data, s, builds: pd.DataFrame, capex: np.ndarray) -> np.ndarray:
    """Capex fall [CNY/kW of the bundle] for storage builds, from the bundle's arbitrage at the
    solution's prices (:mod:`model.results.entry_storage`), its firm capacity at the reserve price and its
    fixed O&M, in every period it lives."""
    from model.results.entry_storage import arbitrage_value

    units = builds[["region", "tech"]].drop_duplicates().merge(
        pd.DataFrame({"period": data["period"].to_numpy()}), how="cross")
    energy = arbitrage_value(ds, data, units)
    key = pd.MultiIndex.from_frame(units)
    firm = ds["reserve_price"].to_series().reindex(pd.MultiIndex.from_frame(units[["region", "period"]]))
    credit = units["tech"].map(data["capacity_credit"].to_series()).to_numpy(float)
    fom = data["fom"].to_series().reindex(pd.MultiIndex.from_frame(units[["tech", "period"]])).to_numpy(float)
    margin = pd.Series(energy + (firm.fillna(0.0).to_numpy() * credit - fom) * 1e-3, index=key)
    return price_based_need(ds, data, s, builds, margin, capex)


def storage_bundle(data, techs: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(GWh of store, GW of separate charging) built with each GW of storage power when it enters: the
    minimum duration and, where charging is sized separately (electrolysers), as much charging power."""
    hours = techs.map(data["storage_duration_min_h"].to_series()).fillna(0.0).to_numpy(float)
    store = (techs.map(data["kind"].to_series()) == "storage").to_numpy()
    charge = techs.map(data["separate_charge_capacity"].to_series()).fillna(False).to_numpy(bool)
    return np.where(store, hours, 0.0), np.where(charge, 1.0, 0.0)


def reduced_cost_need(lp, sol, data, s) -> np.ndarray:
    """Capex fall [CNY/kW] from the reduced costs of new_capacity and of the capacity it adds in every
    period it lives (hydro with its daily budgets, retrofits)."""
    blk = lp.vars["new_capacity"]
    rc = sol.col_dual[blk.start:blk.start + blk.size].copy()
    var = lp.vars["capacity"]
    r = pd.Series(sol.col_dual[var.start:var.start + var.size], index=var.lookup())
    pairs = build_pairs(blk.index, data, s)
    vals = r.reindex(pd.MultiIndex.from_frame(pairs[["region", "tech", "period"]])).fillna(0.0)
    rc += pd.Series(vals.to_numpy() * pairs["share"].to_numpy()).groupby(pairs["index"].to_numpy()).sum(
        ).reindex(np.arange(blk.size), fill_value=0.0).to_numpy()
    key = pd.MultiIndex.from_frame(blk.index[["tech", "period"]])
    aw = data["annuity_weight"].to_series().reindex(key).to_numpy()
    return rc / (aw * 1e-3)


def retrofit_need(lp, sol, data, s) -> np.ndarray:
    """Capex fall [CNY/kW of retrofit] for each retrofit build (region, tech, period) of ``new_capacity``:
    the smallest, over the host cohorts it could convert, of the conversion's reduced cost per unit of
    its capital coefficient (ratio × CRF × PV of its host-limited life)."""
    from model.lp.components.capacity import retrofit_cohorts

    blk = lp.vars["new_capacity"]
    out = np.full(blk.size, np.nan)
    conv = lp.vars.get("convert")
    if conv is None or not conv.size:
        return out
    rc = sol.col_dual[conv.start:conv.start + conv.size]
    df = conv.index.assign(rc=rc)
    target = {src: t for t, src in data["retrofit_of"].to_series().items() if src}
    ex = data["existing_capacity"].to_series().reindex(
        pd.MultiIndex.from_frame(df[["region", "tech", "vintage"]])).fillna(0.0).to_numpy()
    df = retrofit_cohorts(df.assign(target=df["tech"].map(target), new=ex <= 0), data, s)
    coef = df["ratio"] * finance.capital_recovery_factor(s.discount_rate, df["life"]) * \
        finance.paid_years_pv(df["start"], df["life"], s.discount_rate, s.first_period, s.horizon_end) * 1e-3
    df = df.assign(need=df["rc"] / coef.where(coef > 0))
    best = df.groupby(["region", "target", "period"])["need"].min()
    key = pd.MultiIndex.from_frame(blk.index[["region", "tech", "period"]])
    return best.reindex(key).to_numpy(float)


def build_pairs(builds: pd.DataFrame, data, s) -> pd.DataFrame:
    """Every (build, period it lives in) with the build's row number ``index`` and its ``share`` of
    the period's years (:mod:`model.data.periods`)."""
    pairs = builds.rename(columns={"period": "vintage"}).reset_index().merge(
        pd.DataFrame({"period": data["period"].to_numpy()}), how="cross")
    life = pairs["tech"].map(data["lifetime_yr"].to_series()).to_numpy(float)
    share = fleet_share(span_start(pairs["vintage"].to_numpy(), s.period_years), life, pairs["period"],
                        s.period_years, s.fixed_until)
    return pairs.assign(share=share)[share > 1e-12]


def _not_allowed(lp, blk, data) -> np.ndarray:
    """Builds that no capex fall could bring in: fixed to zero (e.g. the ban on new unabated coal) or
    under a national build limit of zero."""
    fixed = lp.col_upper[blk.start:blk.start + blk.size] <= 0
    limit = data["build_limit"].to_series().reindex(pd.MultiIndex.from_frame(blk.index[["tech", "period"]]))
    return fixed | (limit.to_numpy() <= 0)


def add_entry(ds: xr.Dataset, lp, sol, data: xr.Dataset, s) -> None:
    """Add ``capex_reduction_to_enter`` [CNY/kW], ``…_pct`` [%] and ``…_region`` by (tech, period)."""
    blk = lp.vars.get("new_capacity")
    if blk is None or not blk.size:
        return
    builds = blk.index
    built = sol.x[blk.start:blk.start + blk.size] > 1e-6
    kind = builds["tech"].map(data["kind"].to_series())
    retro = builds["tech"].map(data["retrofit_of"].to_series()) != ""
    by_price = (kind.isin(PRICE_BASED) & ~retro).to_numpy()
    store = (kind == "storage").to_numpy()
    key = pd.MultiIndex.from_frame(builds[["tech", "period"]])
    hours, charge = storage_bundle(data, builds["tech"])
    capex = data["capex"].to_series().reindex(key).to_numpy() \
        + hours * np.nan_to_num(data["capex_energy"].to_series().reindex(key).to_numpy()) \
        + charge * np.nan_to_num(data["capex_charge"].to_series().reindex(key).to_numpy())
    need = reduced_cost_need(lp, sol, data, s)
    need = np.where(retro.to_numpy(), retrofit_need(lp, sol, data, s), need)
    need = np.where(by_price, price_based_need(ds, data, s, builds), need)
    if store.any():
        need[store] = storage_need(ds, data, s, builds[store].reset_index(drop=True), capex[store])
    need = np.where(built, 0.0, np.clip(need, 0.0, None))
    need = np.where(_not_allowed(lp, blk, data), np.nan, need)
    df = builds.assign(need=need, capex=capex).dropna(subset=["need"])
    best = df.loc[df.groupby(["tech", "period"])["need"].idxmin()].set_index(["tech", "period"])
    nan = float("nan")
    ds["capex_reduction_to_enter"] = to_array(best["need"], data, ["tech", "period"], "CNY/kW",
                                              "capex fall needed before the first GW is built, in the "
                                              "best region (0 where built; empty where a ban or a "
                                              "zero build limit forbids building; storage: per kW of "
                                              "power + minimum-duration store + charging, seasonal "
                                              "stores valued day-cyclic, an upper bound); see "
                                              "model/results/entry.py",
                                              fill=nan)
    pct = best["need"] / best["capex"].where(best["capex"] > 0) * 100
    ds["capex_reduction_to_enter_pct"] = to_array(pct, data, ["tech", "period"], "%",
                                                  "capex fall needed to enter, share of capex", fill=nan)
    ds["capex_reduction_region"] = to_array(best["region"].astype(object), data, ["tech", "period"], "-",
                                            "region where entry needs the smallest capex fall", fill="")
