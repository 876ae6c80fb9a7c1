"""System costs recomputed from the solution, by component and period.

``cost`` (component, period) is the annual cost in each period [bn CNY/yr, real 2020, undiscounted;
variable O&M includes the start-up costs of committed plants];
investment appears as the annuities paid in that period. ``cost_npv`` (component) is the present value
[bn CNY] and sums to the objective (``total_cost``); ``investment`` (period) is the overnight capital
spent at the start of each period [bn CNY].
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import xarray as xr

from model.lp.problem import LP
from model.results.annuities import build_annuities, line_annuities
from model.results.arrays import labelled

COMPONENTS = ("investment", "fixed_om", "variable_om", "fuel", "co2_transport_storage", "carbon_price",
              "transmission", "unserved_energy", "demand_response")


def add_costs(ds: xr.Dataset, lp: LP, x: np.ndarray, data: xr.Dataset, s) -> None:
    periods = data["period"]
    w = xr.DataArray(data["weight"].to_numpy(), dims=["timestep"], coords={"timestep": data["timestep"]})
    out = ds["dispatch"] + ds["charge"]  # generation or discharge
    energy = (out * w).sum("timestep") * 1e-3  # TWh/yr; × CNY/MWh × 1e-3 → bn CNY/yr
    gen_twh = ds["generation"]
    cost = {}
    cost["investment"] = _by_period(build_annuities(lp, x, data, s), periods)
    cost["fixed_om"] = (ds["capacity"] * data["fom"]).sum(["region", "tech"]) * 1e-3
    cost["variable_om"] = (energy * data["vom"]).sum(["region", "tech"]) * 1e-3 + _start_cost(lp, x, data)
    cost["fuel"] = (gen_twh * data["fuel_cost"]).sum(["region", "tech"]) * 1e-3
    cost["co2_transport_storage"] = ds["captured_co2"].sum("region") * s.co2_transport_storage_cny_per_t * 1e-3
    cost["carbon_price"] = ds["emissions"].sum("region") * data["carbon_price"] * 1e-3 + \
        ets_payments(ds, data).sum(["region", "tech"]) + _collar_payments(ds, data)
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


def _collar_payments(ds: xr.Dataset, data: xr.Dataset) -> xr.DataArray:
    """The collar's terms of the objective [bn CNY/yr]: the floor on net emissions and the ceiling's
    premium over the floor on the allowances bought beyond the cap (:mod:`model.lp.policies.carbon`).
    Like the carbon price they are transfers, counted in the ``carbon_price`` component."""
    if "co2_price_floor" not in data:
        return xr.zeros_like(data["carbon_price"])
    floor = data["co2_price_floor"]
    premium = (data["co2_price_ceiling"] - floor).clip(min=0).fillna(0.0)
    return (ds["emissions"].sum("region") * floor + ds["co2_cap_slack"] * premium) * 1e-3


def _block_cost(lp: LP, x: np.ndarray, name: str) -> float:
    if name not in lp.vars:
        return 0.0
    b = lp.vars[name]
    sl = slice(b.start, b.start + b.size)
    return float(lp.cost[sl] @ x[sl])


def ets_payments(ds: xr.Dataset, data: xr.Dataset) -> xr.DataArray:
    """Payments of ETS-covered plants [bn CNY/yr] by (region, tech, period): ETS price × (net emissions −
    free allocation per MWh × generation); negative for plants below their benchmark."""
    if "ets_price" not in data:
        return xr.zeros_like(ds["emissions_by_tech"])
    allocation = data["ets_benchmark"] * ds["generation"]  # t/MWh × TWh = Mt
    due = (ds["emissions_by_tech"] - allocation).where(data["ets_covered"], 0.0)
    return due * data["ets_price"] * 1e-3


def _investment_npv(lp, x) -> float:
    return sum(_block_cost(lp, x, n) for n in ("new_capacity", "new_energy_capacity", "new_charge_capacity",
                                               "convert"))


def _by_period(rows: pd.DataFrame, periods) -> xr.DataArray:
    """Sum of ``value`` by period over the model's periods (0 where none)."""
    total = rows.groupby("period")["value"].sum() if len(rows) else pd.Series(dtype=float)
    p = periods.to_numpy()
    return xr.DataArray(total.reindex(p).fillna(0.0).to_numpy(), dims=["period"], coords={"period": p})


def _line_npv(lp, x, ds, data) -> float:
    return _block_cost(lp, x, "new_line_capacity") + _block_cost(lp, x, "line_capacity")


def _transmission_cost(ds, lp, x, data, s) -> xr.DataArray:
    periods = data["period"]
    if not data.sizes.get("line", 0):
        return xr.zeros_like(periods, dtype=float)
    fom = (ds["transmission_capacity"] * data["line_capex"] * data["line_fom_share"]).sum("line") * 1e-3
    return _by_period(line_annuities(lp, x, data, s), periods) + fom


def _start_cost(lp, x, data) -> xr.DataArray:
    """Start-up costs of committed plants [bn CNY/yr] by period: GW started × CNY/kW × days per year."""
    periods = data["period"].to_numpy()
    v = labelled(lp, x, "start_up")
    if not len(v):
        return xr.DataArray(np.zeros(len(periods)), dims=["period"], coords={"period": periods})
    idx = v.index.to_frame(index=False)
    days = data["day_weight"].to_numpy()[data["timestep_day"].to_numpy()[idx["timestep"].to_numpy()]]
    cost = idx["tech"].map(data["start_cost_cny_per_kw"].to_series()).to_numpy(float) * days * 1e-3
    total = pd.Series(v.to_numpy() * cost, index=idx["period"].to_numpy()).groupby(level=0).sum()
    return xr.DataArray(total.reindex(periods).fillna(0.0).to_numpy(), dims=["period"], coords={"period": periods})


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
