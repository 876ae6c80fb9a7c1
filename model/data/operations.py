"""Operating rules, commitments and history statistics prepared for the LP (part of the input Dataset).

Every array is labelled by the model's dimensions and carries ``units``:

* ``heating_share[region, timestep]`` — share of the calendar days a timestep's representative day
  stands for that fall in the region's heating season [-];
* ``chp_must_run[region, period]`` — heat-led minimum output of CHP plants in the heating season [GW];
* ``not_yet_online[region, tech, period]`` — in history periods, capacity commissioned during the year
  that was not yet in operation on average (1 − online share of the year's additions) [GW];
* ``curtailment_observed[tech, period]`` — in history periods, the observed curtailment share [-];
* ``must_run_share[tech, period]`` — annual must-run share (``min_capacity_factor``; in history periods
  as observed where ``observed_operation.csv`` says) [-];
* ``committed_min[region, tech, period]``, ``committed_line_min[line, period]`` — committed builds [GW];
* ``transmission_limit[period]`` — national limit on new corridor capacity [GW/yr];
* ``fuel_limit[fuel, period]`` — national fuel available to power generation [PJ/yr];
* ``ets_price[period]`` [CNY/t] and ``ets_benchmark[tech, period]`` [t/MWh], ``ets_covered[tech]``;
* ``credit_upto[tech, tranche]`` [fraction of regional peak] and ``credit_value[tech, tranche]`` [-] —
  capacity-credit tranches of wind and solar.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from model.data.years import interp_years, path_values

INF = np.inf


def _da(values, dims, coords, units: str, description: str = "") -> xr.DataArray:
    return xr.DataArray(values, dims=dims, coords={d: coords[d] for d in dims},
                        attrs={"units": units, "description": description})


def _wide(df, key, col, periods, backward=True, fill=np.nan):
    if df is None or not len(df):
        return None
    return interp_years(df, key, col, periods, backward=backward).fillna(fill)


def add_operations(ds: xr.Dataset, tables: dict, s, time, coords) -> None:
    """Add every array of the module docstring to ``ds``."""
    periods = coords["period"]
    _heating(ds, tables["regions"], time, coords)
    chp = _wide(tables.get("chp_must_run"), "region", "must_run_gw", periods, fill=0.0)
    arr = np.zeros((len(coords["region"]), len(periods)))
    if chp is not None and s.chp_must_run:
        arr = chp.reindex(coords["region"]).fillna(0.0).to_numpy(float)
    ds["chp_must_run"] = _da(arr, ("region", "period"), coords, "GW",
                             "heat-led minimum electric output of CHP plants in the heating season")
    _history(ds, tables, s, coords)
    _commitments(ds, tables, s, coords)
    _fuel_and_ets(ds, tables, s, coords)
    _credits(ds, tables.get("capacity_credits"), coords)


def heating_days(regions: pd.DataFrame) -> np.ndarray:
    """(region, calendar day) 1 where the day lies in the region's heating season, else 0."""
    doy = np.arange(1, 366)
    out = np.zeros((len(regions), 365))
    for i, (start, end) in enumerate(zip(regions.get("heating_start_doy", pd.Series(np.nan, index=regions.index)),
                                         regions.get("heating_end_doy", pd.Series(np.nan, index=regions.index)))):
        if pd.isna(start) or pd.isna(end):
            continue
        out[i] = (doy >= start) & (doy <= end) if start <= end else (doy >= start) | (doy <= end)
    return out


def _heating(ds, regions, time, coords) -> None:
    days = heating_days(regions.set_index("region").reindex(coords["region"]).reset_index())
    chron = np.asarray(time.chronology)
    n_days = len(time.day_weight)
    counts = np.zeros((len(coords["region"]), n_days))
    np.add.at(counts.T, chron, days.T)
    share = counts / np.maximum(np.bincount(chron, minlength=n_days), 1)[None, :]
    ds["heating_share"] = _da(share[:, np.asarray(time.day)], ("region", "timestep"), coords, "-",
                              "share of the days a timestep stands for that are in the heating season")


def _history(ds, tables, s, coords) -> None:
    """Capacity commissioned in a history year but not yet online on average; observed curtailment."""
    periods, techs = coords["period"], coords["tech"]
    hist = np.array([s.fixed_until is not None and p <= s.fixed_until for p in periods])
    obs = tables.get("observed_operation")
    online = np.ones((len(techs), len(periods)))
    curt = np.zeros((len(techs), len(periods)))
    must = np.repeat(ds["min_capacity_factor"].to_numpy().astype(float)[:, None], len(periods), axis=1)
    if obs is not None and len(obs):
        o = obs.set_index(["tech", "year"])
        for (tech, year), row in o.iterrows():
            if tech in techs and year in periods and hist[list(periods).index(year)]:
                k, j = techs.index(tech), list(periods).index(year)
                online[k, j], curt[k, j] = row["online_share_of_additions"], row["curtailment_share"]
                if pd.notna(row.get("min_capacity_factor", np.nan)):
                    must[k, j] = row["min_capacity_factor"]
    ds["must_run_share"] = _da(must, ("tech", "period"), coords, "-",
                               "annual must-run share of available capacity (history years: as observed)")
    ex = tables["existing"]
    added = np.zeros((len(coords["region"]), len(techs), len(periods)))
    for j, p in enumerate(periods):
        if not hist[j]:
            continue
        cur = ex[ex["build_year"] == p].groupby(["region", "tech"])["capacity_gw"].sum()
        wide = cur.unstack("tech").reindex(index=coords["region"], columns=techs).fillna(0.0)
        added[:, :, j] = wide.to_numpy(float)
    ds["not_yet_online"] = _da(added * (1 - online)[None, :, :], ("region", "tech", "period"), coords, "GW",
                               "capacity commissioned in a history year but not yet in operation on average")
    ds["curtailment_observed"] = _da(curt, ("tech", "period"), coords, "-",
                                     "observed curtailment share of available output (history years)")


def _commitments(ds, tables, s, coords) -> None:
    periods = coords["period"]
    com = tables.get("committed") if s.committed else None
    arr = np.zeros((len(coords["region"]), len(coords["tech"]), len(periods)))
    if com is not None and len(com):
        g = com[com["year"].isin(periods)].groupby(["region", "tech", "year"])["min_gw"].sum()
        for (r, t, y), v in g.items():
            arr[coords["region"].index(r), coords["tech"].index(t), list(periods).index(y)] = v
    ds["committed_min"] = _da(arr, ("region", "tech", "period"), coords, "GW", "committed new capacity")
    lines = coords.get("line", [])
    larr = np.zeros((len(lines), len(periods)))
    cl = tables.get("committed_lines") if s.committed else None
    if cl is not None and len(cl) and len(lines):
        g = cl[cl["year"].isin(periods)].groupby(["line", "year"])["min_gw"].sum()
        for (line, y), v in g.items():
            larr[list(lines).index(line), list(periods).index(y)] = v
    ds["committed_line_min"] = _da(larr, ("line", "period"), coords, "GW", "committed new corridor capacity")
    tl = _wide(tables.get("transmission_limits").assign(key="all") if tables.get("transmission_limits")
               is not None else None, "key", "max_gw_per_yr", periods, backward=False, fill=INF)
    vals = tl.iloc[0].to_numpy(float) if tl is not None and s.build_limits else np.full(len(periods), INF)
    ds["transmission_limit"] = _da(vals, ("period",), coords, "GW/yr", "national limit on new corridor capacity")


def _fuel_and_ets(ds, tables, s, coords) -> None:
    periods = coords["period"]
    fuels = tables["fuels"]["fuel"].tolist()
    coords["fuel"] = fuels
    ds.coords["fuel"] = fuels
    lim = _wide(tables.get("fuel_supply"), "fuel", "max_pj_per_yr", periods, backward=False, fill=INF)
    arr = np.full((len(fuels), len(periods)), INF)
    if lim is not None and s.fuel_supply:
        arr = lim.reindex(fuels).fillna(INF).to_numpy(float)
    ds["fuel_limit"] = _da(arr, ("fuel", "period"), coords, "PJ/yr", "national fuel available to power")
    price = np.nan_to_num(path_values(tables, "carbon_prices", "price_cny_per_t", s.ets, periods))
    ds["ets_price"] = _da(price, ("period",), coords, "CNY/t", "price of the emissions-trading scheme")
    bench = _wide(tables.get("ets_benchmarks"), "tech", "benchmark_t_per_mwh", periods)
    covered = np.zeros(len(coords["tech"]), bool)
    b = np.zeros((len(coords["tech"]), len(periods)))
    if bench is not None and s.ets is not None:
        bench = bench.reindex(coords["tech"])
        covered = bench.notna().all(axis=1).to_numpy()
        b = bench.fillna(0.0).to_numpy(float)
    ds["ets_benchmark"] = _da(b, ("tech", "period"), coords, "t/MWh", "free allocation per MWh generated")
    ds["ets_covered"] = _da(covered, ("tech",), coords, "-", "covered by the emissions-trading scheme")


def _credits(ds, cc, coords) -> None:
    n = int(cc["tranche"].max()) if cc is not None and len(cc) else 0
    coords["tranche"] = np.arange(1, n + 1)
    ds.coords["tranche"] = coords["tranche"]
    upto = np.full((len(coords["tech"]), n), np.nan)
    val = np.full((len(coords["tech"]), n), np.nan)
    if n:
        for _, row in cc.iterrows():
            k, j = coords["tech"].index(row["tech"]), int(row["tranche"]) - 1
            upto[k, j] = INF if pd.isna(row["share_of_peak_upto"]) else row["share_of_peak_upto"]
            val[k, j] = row["capacity_credit"]
    ds["credit_upto"] = _da(upto, ("tech", "tranche"), coords, "-",
                            "tranche end, share of the regional peak (inf: no end)")
    ds["credit_value"] = _da(val, ("tech", "tranche"), coords, "-", "capacity credit of the tranche")
