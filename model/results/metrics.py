"""Derived answers for policy memos, added to the results Dataset.

* average electricity prices (time- and load-weighted) per region and period,
* system cost per MWh, cumulative investment,
* realised capacity factors, curtailment and capture rates, and LCOE by region, technology and period,
* stranded coal: capacity retired before the end of its lifetime and its undepreciated capital,
* "what would it take": for technologies not built, how far capex must fall for them to enter
  (:mod:`model.results.entry`),
* :func:`policy_cost`: the cost of a policy against a reference run, per tonne abated.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from model.data import finance
from model.data.periods import build_start, fleet_share, span_start
from model.results.annuities import build_annuities
from model.results.arrays import to_array
from model.results.costs import ets_payments
from model.results.entry import add_entry


def _da(values: xr.DataArray, unit: str, description: str) -> xr.DataArray:
    return values.assign_attrs(units=unit, description=description)


def add_metrics(ds: xr.Dataset, lp, sol, data: xr.Dataset, s) -> None:
    w = ds["weight"]
    price, load = ds["electricity_price"], ds["load"]
    ds["price_time_weighted"] = _da((price * w).sum("timestep") / w.sum(), "CNY/MWh",
                                    "time-weighted average electricity price")
    energy = (load * w).sum("timestep")
    ds["price_load_weighted"] = _da((price * load * w).sum("timestep") / energy.where(energy > 0),
                                    "CNY/MWh", "load-weighted average electricity price")
    demand_twh = energy.sum("region") / 1000
    ds["system_cost_per_mwh"] = _da(ds["cost"].sum("component") / demand_twh * 1000, "CNY/MWh",
                                    "annual system cost / demand (bn CNY/yr ÷ TWh/yr)")
    ds["cumulative_investment"] = _da(ds["investment"].where(ds["period"] > s.first_period).sum(),
                                      "bn CNY", "overnight investment from the second period on "
                                      "(2025–2060: builds for 2025–2064, undiscounted)")
    _operation(ds, data)
    _lcoe(ds, lp, sol, data, s)
    _stranded(ds, lp, sol.x, data, s)
    _sunk_fleet(ds, lp, sol.x, data, s)
    add_entry(ds, lp, sol, data, s)


def _operation(ds, data) -> None:
    hours = 8.76  # TWh per GW-year
    cap = ds["capacity"]
    gen = ds["generation"]
    ds["capacity_factor"] = _da((gen / (cap * hours)).where(cap > 1e-6), "-",
                                "realised capacity factor: generation / (capacity × 8760 h)")
    avail = gen + ds["curtailment"]
    ds["curtailment_rate"] = _da((ds["curtailment"] / avail).where(avail > 1e-9), "-",
                                 "curtailed share of available wind/solar energy")
    ds["co2_produced_by_tech"] = _da(_co2_produced(ds, data), "Mt/yr",
                                     "CO2 from combustion before capture (fossil and biogenic)")
    produced, captured = ds["co2_produced_by_tech"], ds["captured_co2_by_tech"]
    ds["capture_rate_by_tech"] = _da((captured / produced).where(captured > 1e-9), "-",
                                     "captured CO2 / CO2 produced, by technology")
    total = produced.sum("tech")
    ds["capture_rate_realised"] = _da((ds["captured_co2"] / total).where(total > 1e-9), "-",
                                      "captured CO2 / CO2 produced by combustion (all technologies)")


def _co2_produced(ds, data) -> xr.DataArray:
    """CO2 produced by combustion [Mt/yr]: captured / capture rate where there is capture (fossil CCUS
    and BECCS alike), else the net emissions of unabated fossil plants."""
    rate = data["capture_rate"]
    with np.errstate(divide="ignore", invalid="ignore"):
        via_capture = ds["captured_co2_by_tech"] / rate.where(rate > 0)
    return xr.where(rate > 0, via_capture.fillna(0.0), ds["emissions_by_tech"].clip(min=0))


def _annuity_by_cohort(lp, x, data, s) -> pd.Series:
    """Capital payments of new builds (power, store, charging; retrofits) in each period they pay
    [bn CNY/yr] by (region, tech, period)."""
    rows = build_annuities(lp, x, data, s)
    if not len(rows):
        return pd.Series(dtype=float)
    return rows.groupby(["region", "tech", "period"])["value"].sum()


def _lcoe(ds, lp, sol, data, s) -> None:
    """Levelised cost of what each technology generated, as realised [CNY/MWh]: annuities of new
    builds still paying + fixed O&M + variable O&M + fuel + CO2 transport/storage + carbon price,
    divided by generation. Capital of the base-year fleet is sunk and not included."""
    ann = to_array(_annuity_by_cohort(lp, sol.x, data, s), data, ["region", "tech", "period"], "")
    gen = ds["generation"]
    fixed = ann + ds["capacity"] * data["fom"] * 1e-3
    energy = ds["dispatch"] + ds["charge"]
    w = ds["weight"]
    out_twh = (energy * w).sum("timestep") * 1e-3
    variable = out_twh * data["vom"] * 1e-3 + gen * data["fuel_cost"] * 1e-3
    co2 = (ds["captured_co2_by_tech"] * s.co2_transport_storage_cny_per_t
           + ds["emissions_by_tech"] * (data["carbon_price"] + ds["co2_price_floor"])) * 1e-3 \
        + ets_payments(ds, data)
    total = fixed + variable + co2  # bn CNY/yr
    ds["lcoe"] = _da((total / gen * 1000).where(gen > 1e-6), "CNY/MWh",
                     "realised levelised cost (new-build annuities + O&M + fuel + CO2) / generation")


def _stranded(ds, lp, x, data, s) -> None:
    """Early retirements and their undepreciated capital (straight-line over the lifetime).

    A cohort living from s and retired at the start of period q's span s_q has (s + L − s_q)/L of its capital left;
    base-year cohorts are valued at the first period's capex (replacement cost, real 2020 CNY).
    """
    ret = lp.values(x, "retire")
    if not len(ret):
        ds["stranded_capital"] = _da(xr.zeros_like(ds["capacity"]), "bn CNY", "undepreciated capital "
                                     "of capacity retired early")
        return
    df = ret.rename("gw").reset_index()
    df = df[df["gw"] > 1e-9]
    life = df["tech"].map(data["lifetime_yr"].to_series()).to_numpy()
    first = data["capex"].sel(period=s.first_period).to_series()
    capex = data["capex"].to_series().reindex(pd.MultiIndex.from_arrays(
        [df["tech"], df["vintage"]])).to_numpy()
    recorded = data["existing_capex"].to_series().reindex(
        pd.MultiIndex.from_frame(df[["region", "tech", "vintage"]])).to_numpy() if "existing_capex" in data \
        else np.full(len(df), np.nan)
    capex = np.where(np.isnan(capex), recorded, capex)  # a cohort's own capex where recorded
    capex = np.where(np.isnan(capex), df["tech"].map(first).to_numpy(), capex)
    existing = data["existing_capacity"].to_series().reindex(
        pd.MultiIndex.from_frame(df[["region", "tech", "vintage"]])).fillna(0.0).to_numpy() > 0
    start = build_start(df["vintage"], s.period_years, ~existing)
    left = np.clip((start + life - span_start(df["period"].to_numpy(), s.period_years)) / life, 0, 1)
    df["value"] = df["gw"] * capex * left * 1e-3
    val = df.groupby(["region", "tech", "period"])["value"].sum()
    ds["stranded_capital"] = to_array(val, data, ["region", "tech", "period"], "bn CNY",
                                      "undepreciated capital of capacity retired early (straight line)")


def _sunk_fleet(ds, lp, x, data, s) -> None:
    r"""The base-year fleet's capital as an annuity, by period [bn CNY/yr] (``sunk_fleet_annuity``).

    .. math:: A_p = \sum_{c \in base} σ_{c,p} (K_c - G_{c,p}) \cdot capex_{t_c,p_0} \cdot CRF(r, L_{t_c})

    K the cohort's capacity, G what was retired early or converted up to p; capex of the first period
    (replacement cost, as for stranded capital, plus energy capex × the cohort's GWh). This capital is
    sunk: it is not in the objective nor in ``cost``, which is why the first period's cost has no
    investment. Reported so that periods can be compared on equal terms.
    """
    periods = data["period"].to_numpy()
    ex = data["existing_capacity"].to_series()
    cohorts = ex[ex > 0].rename("gw").reset_index()
    total = np.zeros(len(periods))
    if len(cohorts):
        key = pd.MultiIndex.from_frame(cohorts[["region", "tech", "vintage"]])
        gone = pd.concat([lp.values(x, "retire"), lp.values(x, "convert")])
        lost = np.zeros((len(cohorts), len(periods)))
        if len(gone):
            wide = gone.groupby(level=["region", "tech", "vintage", "period"]).sum().unstack("period")
            lost = wide.reindex(index=key, columns=periods).fillna(0.0).to_numpy().cumsum(axis=1)
        life = cohorts["tech"].map(data["lifetime_yr"].to_series()).to_numpy(float)
        first = data["capex"].sel(period=s.first_period)
        per_gw = cohorts["tech"].map(first.to_series()).to_numpy(float)
        energy = data["existing_energy"].to_series().reindex(key).fillna(0.0).to_numpy()
        per_gw = per_gw + np.divide(energy, cohorts["gw"].to_numpy(), out=np.zeros(len(cohorts)),
                                    where=cohorts["gw"].to_numpy() > 0) * cohorts["tech"].map(
            data["capex_energy"].sel(period=s.first_period).to_series()).to_numpy(float)
        live = fleet_share(cohorts["vintage"].to_numpy(float)[:, None], life[:, None], periods[None, :],
                           s.period_years, s.fixed_until)
        standing = np.clip(cohorts["gw"].to_numpy()[:, None] - lost, 0, None) * live
        ann = per_gw * finance.capital_recovery_factor(s.discount_rate, life) * 1e-3  # bn CNY/yr per GW
        total = (standing * ann[:, None]).sum(axis=0)
    ds["sunk_fleet_annuity"] = xr.DataArray(total, dims=["period"], coords={"period": periods}, attrs={
        "units": "bn CNY/yr", "description": "capital of the base-year fleet still standing, as an annuity "
        "at first-period capex (sunk: not in the objective or in cost)"})


def resource_cost(ds: xr.Dataset) -> float:
    """Present value of the system's resource cost [bn CNY]: the total cost without carbon-price
    payments, which are a transfer from generators to the state, not a cost to society."""
    carbon = float(ds["cost_npv"].sel(component="carbon_price")) if "cost_npv" in ds else 0.0
    return float(ds["total_cost"]) - carbon


def policy_cost(ds: xr.Dataset, ref: xr.Dataset) -> dict:
    """Cost of a policy against a reference run.

    Returns the PV difference of total cost as optimised (carbon-price payments included) and of
    resource cost (without them) [bn CNY], the cumulative abatement over the horizon [Mt] (each
    period's annual abatement × its years) and the average cost per tonne abated [CNY/t]: the PV
    resource-cost difference over the discounted abatement Σ_p W_p × abatement_p (the levelised cost of
    abatement). Where both runs pay a carbon price, only the resource cost measures what the policy
    costs; the total-cost difference also moves the carbon payments.
    """
    d_total = float(ds["total_cost"]) - float(ref["total_cost"])
    d_cost = resource_cost(ds) - resource_cost(ref)
    annual = ref["emissions"].sum("region") - ds["emissions"].sum("region")  # Mt/yr
    years = float(np.diff(ds["period"].to_numpy()).mean()) if ds.sizes["period"] > 1 else 1.0
    discounted = float((annual * ds["period_weight"]).sum())
    return {"cost_difference_bn_cny": d_cost, "total_cost_difference_bn_cny": d_total,
            "abatement_mt": float(annual.sum()) * years,
            "cost_per_tonne_cny": d_cost / discounted * 1e3 if discounted > 0 else float("nan")}
