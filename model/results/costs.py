"""System costs recomputed from the solution, by component and period.

``cost`` (component, period) is the annual cost in each period [bn CNY/yr, real 2020, undiscounted];
investment appears as the annuities paid in that period. ``cost_npv`` (component) is the present value
[bn CNY] and sums to the objective (``total_cost``); ``investment`` (period) is the overnight capital
spent at the start of each period [bn CNY].
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import xarray as xr

from model.data import finance
from model.lp.problem import LP
from model.results.arrays import labelled

COMPONENTS = ("investment", "fixed_om", "variable_om", "fuel", "co2_transport_storage", "carbon_price",
              "transmission", "unserved_energy", "demand_response")


def _paid_share(build_periods, life, s) -> np.ndarray:
    """Share of each period's years in which a build of each period pays its annuity: (P_build, P)."""
    periods = np.array(s.periods)
    out = np.zeros((len(build_periods), len(periods)))
    for i, v in enumerate(build_periods):
        last = min(v + round(life) - 1, s.horizon_end)
        for j, p in enumerate(periods):
            overlap = min(p + s.period_years - 1, last) - max(p, v) + 1
            out[i, j] = max(overlap, 0) / s.period_years
    return out


def _annuities(new: pd.Series, capex: pd.Series, life: pd.Series, s, key_tech: str) -> xr.DataArray:
    """Annual annuity payments per period [bn CNY/yr] of builds ``new`` (index key_tech, period)."""
    periods = np.array(s.periods)
    total = np.zeros(len(periods))
    if not len(new):
        return xr.DataArray(total, dims=["period"], coords={"period": periods})
    df = new.rename("x").reset_index()
    df = df.groupby([key_tech, "period"], as_index=False)["x"].sum()
    for (t, v), x in zip(df[[key_tech, "period"]].itertuples(index=False), df["x"]):
        if x == 0:
            continue
        ann = capex.loc[(t, v)] * finance.capital_recovery_factor(s.discount_rate, life.loc[t]) * x * 1e-3
        total += ann * _paid_share([v], life.loc[t], s)[0]
    return xr.DataArray(total, dims=["period"], coords={"period": periods})


def add_costs(ds: xr.Dataset, lp: LP, x: np.ndarray, data: xr.Dataset, s) -> None:
    periods = data["period"]
    w = xr.DataArray(data["weight"].to_numpy(), dims=["timestep"], coords={"timestep": data["timestep"]})
    out = ds["dispatch"] + ds["charge"]  # generation or discharge
    energy = (out * w).sum("timestep") * 1e-3  # TWh/yr; × CNY/MWh × 1e-3 → bn CNY/yr
    gen_twh = ds["generation"]
    cost = {}
    life = data["lifetime_yr"].to_series()
    inv = _annuities(labelled(lp, x, "new_capacity").groupby(level=["tech", "period"]).sum(),
                     data["capex"].to_series(), life, s, "tech")
    for name, capex in (("new_energy_capacity", "capex_energy"), ("new_charge_capacity", "capex_charge")):
        v = labelled(lp, x, name)
        if len(v):
            inv = inv + _annuities(v.groupby(level=["tech", "period"]).sum(), data[capex].to_series(),
                                   life, s, "tech")
    cost["investment"] = inv
    cost["fixed_om"] = (ds["capacity"] * data["fom"]).sum(["region", "tech"]) * 1e-3
    cost["variable_om"] = (energy * data["vom"]).sum(["region", "tech"]) * 1e-3
    cost["fuel"] = (gen_twh * data["fuel_cost"]).sum(["region", "tech"]) * 1e-3
    cost["co2_transport_storage"] = ds["captured_co2"].sum("region") * s.co2_transport_storage_cny_per_t * 1e-3
    cost["carbon_price"] = ds["emissions"].sum("region") * data["carbon_price"] * 1e-3
    cost["transmission"] = _transmission_cost(ds, lp, x, data, s)
    cost["unserved_energy"] = ds["unserved_energy"].sum("region") * s.value_of_lost_load_cny_per_mwh * 1e-3
    cost["demand_response"] = _dr_cost(lp, x, data, s)
    arr = xr.concat([cost[k].broadcast_like(periods).astype(float) for k in COMPONENTS],
                    dim=pd.Index(list(COMPONENTS), name="component"))
    ds["cost"] = arr.assign_attrs(units="bn CNY/yr", description="annual cost by component "
                                  "(investment as annuities paid in the period), real 2020 CNY")
    npv = (arr * data["period_weight"]).sum("period")
    npv.loc["investment"] = _investment_npv(lp, x)
    npv.loc["transmission"] = _line_npv(lp, x, ds, data)
    ds["cost_npv"] = npv.assign_attrs(units="bn CNY", pv_year=s.first_period, description=f"present "
                                      f"value by component, discounted to {s.first_period}")
    ds["total_cost"] = xr.DataArray(float(npv.sum()), attrs={
        "units": "bn CNY", "pv_year": s.first_period,
        "description": f"present value of total system cost (objective), discounted to {s.first_period}"})
    ds["investment"] = _overnight(lp, x, data).assign_attrs(
        units="bn CNY", description="overnight capital spent at the start of the period")


def _block_cost(lp: LP, x: np.ndarray, name: str) -> float:
    if name not in lp.vars:
        return 0.0
    b = lp.vars[name]
    sl = slice(b.start, b.start + b.size)
    return float(lp.cost[sl] @ x[sl])


def _investment_npv(lp, x) -> float:
    return sum(_block_cost(lp, x, n) for n in ("new_capacity", "new_energy_capacity", "new_charge_capacity"))


def _line_npv(lp, x, ds, data) -> float:
    return _block_cost(lp, x, "new_line_capacity") + _block_cost(lp, x, "line_capacity")


def _transmission_cost(ds, lp, x, data, s) -> xr.DataArray:
    periods = data["period"].to_numpy()
    if not data.sizes.get("line", 0):
        return xr.DataArray(np.zeros(len(periods)), dims=["period"], coords={"period": periods})
    new = labelled(lp, x, "new_line_capacity")
    capex = data["line_capex"].to_series()
    life = data["line_lifetime"].to_series()
    total = np.zeros(len(periods))
    for (line, v), val in new.items():
        if val:
            ann = capex[line] * finance.capital_recovery_factor(s.discount_rate, life[line]) * val * 1e-3
            total += ann * _paid_share([v], life[line], s)[0]
    fom = (ds["transmission_capacity"] * data["line_capex"] * data["line_fom_share"]).sum("line") * 1e-3
    return xr.DataArray(total, dims=["period"], coords={"period": periods}) + fom


def _dr_cost(lp, x, data, s) -> xr.DataArray:
    periods = data["period"].to_numpy()
    total = pd.Series(0.0, index=periods)
    for name in ("demand_shift_up", "demand_shift_down"):
        v = labelled(lp, x, name)
        if len(v):
            w = data["weight"].to_numpy()[v.index.get_level_values("timestep")]
            e = pd.Series(v.to_numpy() * w, index=v.index.get_level_values("period")).groupby(level=0).sum()
            total = total.add(e * s.demand_response_cost_cny_per_mwh / 2 * 1e-6, fill_value=0.0)
    return xr.DataArray(total.reindex(periods).to_numpy(), dims=["period"], coords={"period": periods})


def _overnight(lp, x, data) -> xr.DataArray:
    periods = data["period"].to_numpy()
    total = pd.Series(0.0, index=periods)
    for name, capex in (("new_capacity", "capex"), ("new_energy_capacity", "capex_energy"),
                        ("new_charge_capacity", "capex_charge")):
        v = labelled(lp, x, name)
        if len(v):
            c = data[capex].to_series().reindex(v.index.droplevel("region")).to_numpy()
            s = pd.Series(v.to_numpy() * c * 1e-3, index=v.index.get_level_values("period"))
            total = total.add(s.groupby(level=0).sum(), fill_value=0.0)
    v = labelled(lp, x, "new_line_capacity")
    if len(v):
        c = data["line_capex"].to_series().reindex(v.index.get_level_values("line")).to_numpy()
        s = pd.Series(v.to_numpy() * c * 1e-3, index=v.index.get_level_values("period"))
        total = total.add(s.groupby(level=0).sum(), fill_value=0.0)
    return xr.DataArray(total.reindex(periods).to_numpy(), dims=["period"], coords={"period": periods})


def pv_year(ds: xr.Dataset) -> int:
    """The year a results Dataset's present values are discounted to: its ``first_period`` (the
    ``pv_year`` attribute of ``total_cost``; older results: the settings, else the first period)."""
    year = ds["total_cost"].attrs.get("pv_year") if "total_cost" in ds else None
    if year is None:
        try:
            year = json.loads(ds.attrs.get("settings", "{}")).get("first_period")
        except (TypeError, ValueError):
            year = None
    return int(year if year is not None else ds["period"].to_numpy()[0])
