"""The check's results: variables added to the results Dataset, ``check.csv``, and writing them into an
existing results folder atomically.

Scalars [bn CNY, present value of 2020]: ``planning_cost`` (the run's objective), ``evaluated_cost`` (the
same cost terms for the plan operated over the full year: its capital terms, which are identical, plus
the operating terms of the full-year LPs), ``cost_gap`` = (evaluated − planning) / evaluated [-],
``check_capital_cost``. Per (region, period), annual like ``cost``: ``check_operating_cost`` [bn CNY/yr],
``check_unserved_energy`` [TWh/yr], ``check_unserved_hours`` [h/yr], ``check_emissions`` [Mt/yr],
``check_curtailment`` [TWh/yr], ``check_spill`` [TWh/yr], ``check_reserve_shortfall`` [GW]; per period
``check_co2_excess`` [Mt/yr above the cap], ``check_clean_share_shortfall`` [TWh/yr]; per (region, tech,
period) ``check_storage_discharge`` [TWh/yr] and ``check_storage_cycles`` [full cycles/yr]; per (region,
period, calendar_day) ``check_unserved_by_day`` [GWh/d].
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from model.batch.folders import atomic_write

from model.check.evaluate import Check
from model.results.write import _clean_attrs, _sha

CHECK_CSV = "check.csv"
#: amounts below this (in their unit: TWh, h, GW, Mt) are solver noise of the interior point, shown as 0
NOISE = 1e-6


def _denoise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, float)
    return np.where(np.abs(v) < NOISE, 0.0, v)


def _rp(check: Check, key: str, ds: xr.Dataset, unit: str, description: str, scale=None) -> xr.DataArray:
    regions = check.outcomes[check.periods[0]]["regions"]
    vals = np.column_stack([np.asarray(check.outcomes[p][key], float) / (scale[p] if scale else 1.0)
                            for p in check.periods])
    vals = vals if scale else _denoise(vals)
    da = xr.DataArray(vals, dims=["region", "period"], coords={"region": regions, "period": check.periods})
    return da.reindex(region=ds["region"]).fillna(0.0).assign_attrs(units=unit, description=description)


def check_variables(check: Check, ds: xr.Dataset) -> xr.Dataset:
    """The check's variables (module docstring) on the coordinates of the results ``ds``."""
    pw = {p: float(ds["period_weight"].sel(period=p)) for p in check.periods}
    out = xr.Dataset()
    scalar = lambda v, u, d: xr.DataArray(v, attrs={"units": u, "description": d})  # noqa: E731
    out["planning_cost"] = scalar(check.planning_cost, "bn CNY", "the run's objective: present value of "
                                  "system cost as planned on the representative days")
    out["evaluated_cost"] = scalar(check.evaluated_cost, "bn CNY", "the same cost terms for the plan "
                                   "operated over the full year (capital as planned + full-year operation)")
    out["cost_gap"] = scalar(check.cost_gap, "-", "(evaluated_cost − planning_cost) / evaluated_cost")
    out["check_capital_cost"] = scalar(check.capital_cost, "bn CNY", "capital terms of the plan "
                                       "(annuities, fixed O&M, lines): the same in planning and check")
    out["check_operating_cost"] = _rp(check, "operating_cost_pv", ds, "bn CNY/yr", "operating cost of "
                                      "the plan over the full year (annual, undiscounted)", scale=pw)
    for key, name, unit, desc in (
            ("unserved_twh", "check_unserved_energy", "TWh/yr", "load not served over the full year"),
            ("unserved_hours", "check_unserved_hours", "h/yr", "hours with load not served"),
            ("emissions_mt", "check_emissions", "Mt/yr", "net CO2 emissions over the full year"),
            ("curtailment_twh", "check_curtailment", "TWh/yr", "available wind and solar energy not used"),
            ("spill_twh", "check_spill", "TWh/yr", "over-generation (must-run) spilled"),
            ("reserve_shortfall_gw", "check_reserve_shortfall", "GW", "firm capacity missing for the "
             "reserve margin")):
        out[name] = _rp(check, key, ds, unit, desc)
    per = lambda key: _denoise([float(check.outcomes[p][key]) for p in check.periods])  # noqa: E731
    out["check_co2_excess"] = xr.DataArray(per("co2_excess_mt"), dims=["period"], coords={
        "period": check.periods}, attrs={"units": "Mt/yr", "description": "emissions above the CO2 cap"})
    out["check_clean_share_shortfall"] = xr.DataArray(per("clean_share_shortfall_twh"), dims=["period"],
                                                      coords={"period": check.periods}, attrs={
        "units": "TWh/yr", "description": "non-fossil generation missing for the clean share"})
    _storage(out, check, ds)
    first = check.outcomes[check.periods[0]]
    daily = _denoise(np.stack([check.outcomes[p]["unserved_daily_gwh"] for p in check.periods], axis=1))
    out["check_unserved_by_day"] = xr.DataArray(
        daily, dims=["region", "period", "calendar_day"],
        coords={"region": first["regions"], "period": check.periods,
                "calendar_day": np.arange(daily.shape[2])},
        attrs={"units": "GWh/d", "description": "load not served on each calendar day (0 = 1 January)"})
    out.attrs = {"check_segments": "hourly" if not check.segments else int(check.segments),
                 "check_s": round(check.seconds, 2),
                 "check_solve_s": round(sum(o["solve_s"] for o in check.outcomes.values()), 2),
                 "check_penalty_bn_cny": sum(o["penalty_pv"] for o in check.outcomes.values())}
    return out


def _storage(out: xr.Dataset, check: Check, ds: xr.Dataset) -> None:
    first = check.outcomes[check.periods[0]]
    dis = _denoise(np.stack([check.outcomes[p]["discharge_twh"] for p in check.periods], axis=2))
    da = xr.DataArray(dis, dims=["region", "tech", "period"],
                      coords={"region": first["regions"], "tech": first["techs"], "period": check.periods})
    da = da.reindex(region=ds["region"], tech=ds["tech"]).fillna(0.0)
    out["check_storage_discharge"] = da.assign_attrs(units="TWh/yr", description="storage discharged")
    energy = ds["storage_energy_capacity"].sel(period=check.periods)
    out["check_storage_cycles"] = (da * 1000 / energy.where(energy > 1e-6)).assign_attrs(
        units="1/yr", description="equivalent full cycles: energy discharged / energy capacity")


def add_check(ds: xr.Dataset, check: Check) -> xr.Dataset:
    """``ds`` with the check's variables and attributes added (earlier check variables replaced)."""
    old = [v for v in ds.data_vars if v.startswith("check_") or v in ("planning_cost", "evaluated_cost",
                                                                       "cost_gap")]
    new = check_variables(check, ds)
    out = ds.drop_vars(old).merge(new, combine_attrs="override")
    out.attrs = {**ds.attrs, **new.attrs}
    return out


def check_table(ds: xr.Dataset) -> pd.DataFrame:
    """check.csv: one row per (period, region), then national rows (region 'all') per period and one
    row for the whole horizon (period 'all') with the planning and evaluated costs and the gap."""
    cols = {"check_operating_cost": "operating_cost_bn_cny_per_yr",
            "check_unserved_energy": "unserved_energy_twh", "check_unserved_hours": "unserved_hours",
            "check_emissions": "emissions_mt", "check_curtailment": "curtailment_twh",
            "check_spill": "spill_twh", "check_reserve_shortfall": "reserve_shortfall_gw"}
    df = ds[list(cols)].to_dataframe().reset_index().rename(columns=cols)
    df["storage_discharge_twh"] = ds["check_storage_discharge"].sum("tech").to_dataframe(
        "v").reset_index()["v"].to_numpy()
    df = df[["period", "region", *cols.values(), "storage_discharge_twh"]]
    nat = df.groupby("period", as_index=False).sum(numeric_only=True).assign(region="all")
    nat["unserved_hours"] = np.nan  # hours of different regions do not add up
    nat["co2_cap_mt"] = ds["co2_cap"].sel(period=nat["period"].to_numpy()).to_numpy()
    nat["co2_excess_mt"] = ds["check_co2_excess"].to_numpy()
    nat["clean_share_shortfall_twh"] = ds["check_clean_share_shortfall"].to_numpy()
    total = pd.DataFrame([{"period": "all", "region": "all",
                           "planning_cost_bn_cny": float(ds["planning_cost"]),
                           "evaluated_cost_bn_cny": float(ds["evaluated_cost"]),
                           "cost_gap": float(ds["cost_gap"]),
                           "unserved_energy_twh": float(ds["check_unserved_energy"].sum())}])
    return pd.concat([df.sort_values(["period", "region"]), nat, total], ignore_index=True)


def write_check(folder: Path, ds: xr.Dataset) -> None:
    """Write the check's outputs into an existing results folder: ``check.csv``, then ``results.nc``
    (the run's variables and the check's), then ``manifest.json``, each replaced atomically; nothing
    else in the folder is touched."""
    folder = Path(folder)
    atomic_write(folder / CHECK_CSV, lambda p: check_table(ds).to_csv(p, index=False, float_format="%.6g"))
    atomic_write(folder / "results.nc", lambda p: _clean_attrs(ds).to_netcdf(p))
    man = folder / "manifest.json"
    manifest = json.loads(man.read_text()) if man.exists() else {"files": {}, "variables": {}}
    for name in (CHECK_CSV, "results.nc"):
        manifest["files"][name] = {"sha256": _sha(folder / name), "bytes": (folder / name).stat().st_size}
    manifest["variables"] = {k: {"dims": list(v.dims), "units": v.attrs.get("units", "")}
                             for k, v in ds.data_vars.items()}
    atomic_write(man, lambda p: p.write_text(json.dumps(manifest, indent=2)))
