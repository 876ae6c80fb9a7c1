"""From a solved LP to the results Dataset (the results contract, see ``docs/results.md``).

Primal values and duals are read generically by family name through the LP's labels; prices are
undone from the objective's scaling: a balance dual (bn CNY per GW in one timestep of one period) divided
by the period weight (sum of discount factors, yr) and the timestep's weight (h/yr) is bn CNY/GWh,
× 1e6 → CNY/MWh; the CO2 cap's dual (bn CNY per Mt/yr) divided by the period weight is bn CNY/Mt,
× 1e3 → CNY/t, reported positive. Costs are recomputed from the solution per component and checked to add
up to the objective.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from model.lp.components import Accumulators
from model.lp.components.balance import balance_index, demand_gw
from model.lp.problem import LP
from model.lp.solve import Solution
from model.results.arrays import labelled, to_array
from model.results.costs import add_costs
from model.results.metrics import add_metrics


def _sum_over(series: pd.Series, keep: list[str]) -> pd.Series:
    return series.groupby(level=keep).sum() if len(series) else series


def extract(lp: LP, acc: Accumulators, data: xr.Dataset, sol: Solution, settings) -> xr.Dataset:
    """The results Dataset: capacities, energy, flows, emissions, prices and costs."""
    x, y = sol.x, sol.row_dual
    ds = xr.Dataset(coords={k: data[k] for k in ("region", "tech", "period", "timestep", "line")})
    for k in ("timestep_day", "timestep_step", "weight", "duration", "first_hour"):
        ds.coords[k] = data[k]
    for k in ("kind", "non_fossil"):  # technology attributes, so results are read without the inputs
        ds.coords[k] = data[k]
    ds["source_day"] = data["source_day"]
    ds["period_weight"] = data["period_weight"]
    ds["day_weight"] = data["day_weight"]
    for name in ("existing_capacity", "build_limit", "potential", "capacity_credit"):  # inputs the report
        # compares the results with (history, limits, firm capacity)
        if name in data:
            ds[name] = data[name]
    rtp, rtps = ["region", "tech", "period"], ["region", "tech", "period", "timestep"]
    ds["capacity"] = to_array(labelled(lp, x, "capacity"), data, rtp, "GW", "installed capacity")
    ds["new_capacity"] = to_array(labelled(lp, x, "new_capacity"), data, rtp, "GW",
                                  "capacity built at the start of the period")
    ret = labelled(lp, x, "retire")
    ds["retired_capacity"] = to_array(_sum_over(ret, rtp), data, rtp, "GW",
                                      "capacity retired early in the period")
    conv = labelled(lp, x, "convert")
    ds["converted_capacity"] = to_array(_sum_over(conv, rtp), data, rtp, "GW",
                                        "capacity converted by a retrofit in the period")
    ds["retired_end_of_life"] = to_array(_end_of_life(lp, x, data, settings), data, rtp, "GW",
                                         "capacity reaching the end of its lifetime at the start of the period")
    ds["storage_energy_capacity"] = to_array(labelled(lp, x, "energy_capacity"), data, rtp, "GWh",
                                             "storage energy capacity")
    ds["charge_capacity"] = to_array(labelled(lp, x, "charge_capacity"), data, rtp, "GW",
                                     "separate charging capacity (e.g. electrolysers)")
    ds["new_storage_energy_capacity"] = to_array(labelled(lp, x, "new_energy_capacity"), data, rtp, "GWh",
                                                 "storage energy capacity built at the start of the period")
    ds["new_charge_capacity"] = to_array(labelled(lp, x, "new_charge_capacity"), data, rtp, "GW",
                                         "separate charging capacity built at the start of the period")
    gen = labelled(lp, x, "generation")
    dis, chg = labelled(lp, x, "discharge"), labelled(lp, x, "charge")
    disp = gen.add(dis, fill_value=0.0).sub(chg, fill_value=0.0) if len(dis) else gen
    ds["dispatch"] = to_array(disp, data, rtps, "GW", "output (storage: discharge − charge)")
    ds["charge"] = to_array(chg, data, rtps, "GW", "storage charging")
    w = xr.DataArray(data["weight"].to_numpy(), dims=["timestep"], coords={"timestep": ds.timestep})
    out = to_array(gen.add(dis, fill_value=0.0) if len(dis) else gen, data, rtps, "GW")
    ds["generation"] = (out * w).sum("timestep").assign_attrs(units="TWh/yr") / 1000.0
    ds["generation"].attrs = {"units": "TWh/yr", "description": "electricity generated (storage: discharged)"}
    avail = data["capacity_factor"] * data["availability"] * ds["capacity"]
    variable = (data["kind"] == "variable")
    curt = ((avail - ds["dispatch"]).clip(min=0) * w).sum("timestep") / 1000.0
    ds["curtailment"] = curt.where(variable, 0.0).transpose(*rtp)
    ds["curtailment"].attrs = {"units": "TWh/yr", "description": "available wind/solar energy not used"}
    _transmission(ds, lp, x, data)
    _commitment(ds, lp, x, data)
    _emissions(ds, lp, acc, x, data)
    _prices(ds, lp, y, data, settings)
    ds["unserved_energy"] = (to_array(labelled(lp, x, "unserved"), data, ["region", "period", "timestep"],
                                      "GW") * w).sum("timestep") / 1000.0
    ds["unserved_energy"].attrs = {"units": "TWh/yr", "description": "load not served"}
    idx = balance_index(data)
    load = pd.Series(demand_gw(data, idx), index=pd.MultiIndex.from_frame(idx))
    ds["load"] = to_array(load, data, ["region", "period", "timestep"], "GW", "load")
    _demand_response(ds, lp, x, data, w)
    add_costs(ds, lp, x, data, settings)
    add_metrics(ds, lp, sol, data, settings)
    return ds


def _demand_response(ds, lp, x, data, w) -> None:
    """Load moved within the day: ``demand_shift`` [GW] (+ load added, − load removed in a timestep) and
    ``demand_shifted`` [TWh/yr] (energy moved, counted once)."""
    rpt = ["region", "period", "timestep"]
    up = to_array(labelled(lp, x, "demand_shift_up"), data, rpt, "GW")
    down = to_array(labelled(lp, x, "demand_shift_down"), data, rpt, "GW")
    ds["demand_shift"] = (up - down).assign_attrs(units="GW", description="flexible load moved into (+) or "
                                                  "out of (−) the timestep; load served = load + shift")
    ds["demand_shifted"] = ((up * w).sum("timestep") / 1000.0).assign_attrs(
        units="TWh/yr", description="flexible load moved within the day (energy moved, counted once)")


def _end_of_life(lp, x, data, settings) -> pd.Series:
    """Capacity leaving the fleet at the end of its lifetime in each period [GW]: the fall of each
    cohort's share (:mod:`model.data.periods`) from the previous period, times what is left of it after
    early retirements and conversions."""
    from model.data.periods import build_start, fleet_share

    ex = data["existing_capacity"].to_series()
    cohorts = ex[ex > 0].rename("gw").reset_index().assign(new=False)
    new = lp.values(x, "new_capacity")
    if len(new):
        nb = new.rename("gw").reset_index().rename(columns={"period": "vintage"}).assign(new=True)
        cohorts = pd.concat([cohorts, nb[nb["gw"] > 1e-12]], ignore_index=True)
    removed = pd.concat([lp.values(x, "retire"), lp.values(x, "convert")])
    if len(removed):
        gone = removed.groupby(level=["region", "tech", "vintage"]).sum().rename("gone").reset_index()
        cohorts = cohorts.merge(gone, on=["region", "tech", "vintage"], how="left").fillna({"gone": 0.0})
    else:
        cohorts["gone"] = 0.0
    periods = data["period"].to_numpy()
    life = cohorts["tech"].map(data["lifetime_yr"].to_series()).to_numpy(float)[:, None]
    start = build_start(cohorts["vintage"], settings.period_years, cohorts["new"])[:, None]
    share = fleet_share(start, life, periods[None, :], settings.period_years, settings.fixed_until)
    fall = np.clip(share[:, :-1] - share[:, 1:], 0.0, None)
    left = (cohorts["gw"] - cohorts["gone"]).clip(lower=0).to_numpy()[:, None]
    out = pd.DataFrame(left * fall, columns=periods[1:])
    out[["region", "tech"]] = cohorts[["region", "tech"]].to_numpy()
    out = out.melt(id_vars=["region", "tech"], var_name="period")
    out = out[out["value"] > 1e-12]
    if not len(out):
        return pd.Series(dtype=float)
    return out.groupby(["region", "tech", "period"])["value"].sum()


def _transmission(ds, lp, x, data):
    lp_dims = ["line", "period"]
    ds["transmission_capacity"] = to_array(labelled(lp, x, "line_capacity"), data, lp_dims, "GW",
                                           "inter-regional transmission capacity")
    ds["new_transmission_capacity"] = to_array(labelled(lp, x, "new_line_capacity"), data, lp_dims, "GW")
    fwd, bwd = labelled(lp, x, "flow_forward"), labelled(lp, x, "flow_backward")
    flow = fwd.sub(bwd, fill_value=0.0) if len(fwd) else fwd
    ds["flow"] = to_array(flow, data, ["line", "period", "timestep"], "GW",
                          "power sent from line_from to line_to (negative: reverse)")
    if "line_from" in data:
        ds.coords["line_from"] = data["line_from"]
        ds.coords["line_to"] = data["line_to"]


def _operation_prices(ds, lp, y, data) -> None:
    """Duals of the operating reserve [CNY/(MW·h)] and of the fuel supply limits [CNY/GJ]."""
    pw = data["period_weight"]
    res = labelled(lp, y, "operating_reserve", kind="con")
    ds["operating_reserve_price"] = (to_array(res, data, ["region", "period", "timestep"], "") /
                                     (pw * data["weight"]) * 1e6).assign_attrs(
        units="CNY/(MW*h)", description="marginal cost of holding 1 MW of operating reserve for an hour")
    if "fuel" in data.coords:
        fs = labelled(lp, y, "fuel_supply", kind="con")
        ds["fuel_supply_price"] = (-to_array(fs, data, ["fuel", "period"], "") / pw * 1e3).assign_attrs(
            units="CNY/GJ", description="scarcity value of fuel for power above its price (dual of the "
                                        "fuel supply limit)")


def _commitment(ds, lp, x, data) -> None:
    """Online capacity and start-ups of committed plants [GW]."""
    rpts = ["region", "tech", "period", "timestep"]
    ds["online_capacity"] = to_array(labelled(lp, x, "online"), data, rpts, "GW",
                                     "capacity online (linear unit commitment)")
    ds["start_ups"] = to_array(labelled(lp, x, "start_up"), data, rpts, "GW",
                               "capacity started at the beginning of the timestep")


def _accumulated(frame: pd.DataFrame, x: np.ndarray, dims: list[str]) -> pd.Series:
    if not len(frame):
        return pd.Series(dtype=float)
    val = frame["coef"].to_numpy() * x[frame["col"].to_numpy().astype(np.int64)]
    return pd.Series(val, index=pd.MultiIndex.from_frame(frame[dims])).groupby(level=dims).sum()


def _emissions(ds, lp, acc, x, data):
    rtp = ["region", "tech", "period"]
    em = _accumulated(acc.emissions.frame(), x, rtp)
    cap = _accumulated(acc.captured.frame(), x, rtp)
    ds["emissions_by_tech"] = to_array(em, data, rtp, "Mt/yr", "net CO2 emissions")
    ds["emissions"] = ds["emissions_by_tech"].sum("tech").assign_attrs(
        units="Mt/yr", description="net CO2 emissions (after capture; BECCS negative)")
    ds["captured_co2_by_tech"] = to_array(cap, data, rtp, "Mt/yr", "CO2 captured")
    ds["captured_co2"] = ds["captured_co2_by_tech"].sum("tech").assign_attrs(units="Mt/yr",
                                                                            description="CO2 captured")
    ds["co2_cap"] = data["co2_cap"]
    ds["co2_cap_slack"] = to_array(labelled(lp, x, "co2_cap_slack"), data, ["period"], "Mt/yr",
                                   "allowances bought at the CO2 price ceiling beyond the cap")


def _prices(ds, lp, y, data, settings):
    pw = data["period_weight"]
    dual = labelled(lp, y, "co2_cap", kind="con")
    shadow = to_array(-dual, data, ["period"], "CNY/t") / pw * 1e3 if len(dual) else \
        xr.zeros_like(pw)
    shadow = shadow.where(np.isfinite(data["co2_cap"]), 0.0)
    ds["co2_shadow_price"] = shadow.assign_attrs(units="CNY/t", description="dual of the CO2 cap")
    ds["carbon_price"] = data["carbon_price"]
    ds["ets_price"] = data["ets_price"] if "ets_price" in data else xr.zeros_like(data["carbon_price"])
    floor = data["co2_price_floor"] if "co2_price_floor" in data else xr.zeros_like(data["carbon_price"])
    ds["co2_price_floor"] = floor
    ds["co2_price_ceiling"] = data["co2_price_ceiling"] if "co2_price_ceiling" in data else \
        xr.full_like(data["carbon_price"], np.nan)
    ds["co2_cap_price"] = (floor + shadow).where(np.isfinite(data["co2_cap"])).assign_attrs(
        units="CNY/t", description="price of the cap's allowances: price floor + premium of the cap, "
                                   "between the floor and the ceiling (NaN: no cap)")
    ds["co2_price"] = (shadow + floor + data["carbon_price"] + ds["ets_price"]).assign_attrs(
        units="CNY/t", description="marginal cost of emitting for a plant in the ETS: cap shadow price + "
                                   "price floor + carbon price + ETS price (free allocation is per MWh, "
                                   "not per tonne)")
    bal = labelled(lp, y, "energy_balance", kind="con")
    price = to_array(bal, data, ["region", "period", "timestep"], "CNY/MWh")
    ds["electricity_price"] = (price / (pw * data["weight"]) * 1e6).assign_attrs(
        units="CNY/MWh", description="marginal cost of supply (dual of the energy balance)")
    rm = labelled(lp, y, "reserve_margin", kind="con")
    ds["reserve_price"] = (to_array(rm, data, ["region", "period"], "") / pw * 1e3).assign_attrs(
        units="CNY/(kW*yr)", description="marginal value of firm capacity (dual of the reserve margin)")
    n = settings.period_years
    st = labelled(lp, y, "co2_storage_limit", kind="con")
    st_price = -to_array(st, data, ["region"], "") * n / pw * 1e3
    ds["co2_storage_price"] = st_price.transpose("region", "period").assign_attrs(
        units="CNY/t", description="shadow price of CO2 storage capacity per tonne captured")
    cs = labelled(lp, y, "clean_share", kind="con")
    ds["clean_share_price"] = (to_array(cs, data, ["period"], "") / pw * 1e3).assign_attrs(
        units="CNY/MWh", description="dual of the non-fossil share: value of a non-fossil MWh "
                                    "(like a green certificate price)")
    _operation_prices(ds, lp, y, data)
    margin = settings.reserve_margin
    ds["reserve_requirement"] = ((1 + (margin or 0.0)) * data["peak_demand"]).where(
        (data["period"] >= settings.first_decision_period) & (margin is not None), 0.0).assign_attrs(units="GW")
