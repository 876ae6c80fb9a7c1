"""Myopic foresight: the periods solved in sequence, each seeing only itself (plus an optional look-ahead).

Step k solves the window ``periods[k : k + 1 + look_ahead]`` with the fleet carried forward: the builds of
earlier steps become cohorts of ``existing`` (commissioned in their period), early retirements and
retrofit conversions shrink the cohorts they came from, new corridor capacity is added to the lines, and
the CO2 already stored is taken off each region's storage capacity. Only the first period of each window
is kept. The combined results have the same contract as a perfect-foresight run; costs are recomputed
on the whole horizon with the same discounting (base year = first period), so the two can be compared.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import xarray as xr

from model import progress
from model.data import finance
from model.data.periods import share, span_start
from model.data.prepare import prepare, time_slices
from model.lp.assemble import build
from model.results.costs import COMPONENTS
from model.results.extract import extract
from model.run.solved import Run, check_ranges, solve_checked, stamp


def _carry_forward(tables: dict, run: Run, period: int, s) -> dict:
    """Tables for the next step: the fleet, corridors and CO2 storage after ``period``'s decisions."""
    x, lp = run.solution.x, run.lp
    out = dict(tables)
    ex = tables["existing"].copy()
    ex["charge_gw"] = ex["charge_gw"].astype(float)
    key = ["region", "tech", "build_year"]
    gone = pd.concat([lp.values(x, "retire"), lp.values(x, "convert")])
    if len(gone):
        gone = gone[gone.index.get_level_values("period") == period]
        gone = gone.groupby(level=["region", "tech", "vintage"]).sum().rename("gone")
        gone.index = gone.index.set_names(key)
        ex = ex.merge(gone.reset_index(), on=key, how="left").fillna({"gone": 0.0})
        share = np.where(ex["capacity_gw"] > 0, 1 - ex["gone"] / ex["capacity_gw"].where(ex["capacity_gw"] > 0), 1)
        ex["capacity_gw"] = (ex["capacity_gw"] - ex["gone"]).clip(lower=0)
        ex["energy_gwh"] = ex["energy_gwh"] * share
        ex = ex.drop(columns="gone")
    ex = pd.concat([ex, _new_cohorts(lp, x, period)], ignore_index=True)
    out["existing"] = ex.groupby(key, as_index=False).agg(
        capacity_gw=("capacity_gw", "sum"), energy_gwh=("energy_gwh", "sum"),
        charge_gw=("charge_gw", lambda v: v.sum(min_count=1)))
    if tables.get("lines") is not None and "new_line_capacity" in lp.vars:
        new = lp.values(x, "new_line_capacity")
        new = new[new.index.get_level_values("period") == period].droplevel("period")
        lines = tables["lines"].copy()
        lines["existing_gw"] = lines["existing_gw"] + lines["line"].map(new).fillna(0.0)
        out["lines"] = lines
    if tables.get("co2_storage") is not None:
        stored = run.results["captured_co2"].sel(period=period).to_series() * s.period_years
        st = tables["co2_storage"].copy()
        st["capacity_mt"] = (st["capacity_mt"] - st["region"].map(stored).fillna(0.0)).clip(lower=0)
        out["co2_storage"] = st
    return out


def _new_cohorts(lp, x, period: int) -> pd.DataFrame:
    """Builds of ``period`` as cohorts (capacity, storage energy, separate charging capacity)."""
    frames = {}
    for name, col in (("new_capacity", "capacity_gw"), ("new_energy_capacity", "energy_gwh"),
                      ("new_charge_capacity", "charge_gw")):
        v = lp.values(x, name)
        if len(v):
            v = v[v.index.get_level_values("period") == period].droplevel("period")
            frames[col] = v[v > 1e-9]
    if not frames:
        return pd.DataFrame(columns=["region", "tech", "build_year", "capacity_gw", "energy_gwh", "charge_gw"])
    df = pd.concat(frames, axis=1).reset_index()
    df["build_year"] = period
    for col in ("capacity_gw", "energy_gwh"):
        df[col] = df.get(col, 0.0).fillna(0.0) if col in df else 0.0
    if "charge_gw" not in df:
        df["charge_gw"] = np.nan
    return df[["region", "tech", "build_year", "capacity_gw", "energy_gwh", "charge_gw"]]


def solve_myopic(inputs, look_ahead: int = 0) -> Run:
    """Solve period by period; returns a :class:`~model.run.single.Run` whose results cover every period."""
    s = inputs.settings
    periods = s.periods
    tables = dict(inputs.tables)
    ts = time_slices(tables, inputs.profiles, s)
    steps, timings = [], {"build_s": 0.0, "solve_s": 0.0, "prepare_s": 0.0, "extract_s": 0.0}
    largest = {"n_variables": 0, "n_constraints": 0, "n_nonzeros": 0}
    for k, p in enumerate(periods):
        window = periods[k:k + 1 + look_ahead]
        sk = s.model_copy(update={"first_period": p, "last_period": window[-1],
                                  "first_period_builds": s.first_period_builds or k > 0})
        t0 = time.perf_counter()
        with progress.stage(f"myopic step {k + 1} of {len(periods)} ({p}–{window[-1]})"):
            data = prepare(tables, inputs.profiles, sk, time=ts)
            lp, acc, b = build(data, sk)
            check_ranges(lp)
            sol = solve_checked(lp, data, sk)
            t1 = time.perf_counter()
            ds = extract(lp, acc, data, sol, sk)
        timings["extract_s"] += time.perf_counter() - t1
        timings["build_s"] += b
        timings["solve_s"] += sol.timings["solve_s"]
        timings["prepare_s"] += t1 - t0 - b - sol.timings["solve_s"]
        if lp.size()["n_nonzeros"] > largest["n_nonzeros"]:
            largest = lp.size()
        run = Run(ds, data, lp, acc, sol, {})
        steps.append(ds.sel(period=[p]))
        tables = _carry_forward(tables, run, p, sk)
    full = prepare(inputs.tables, inputs.profiles, s, time=ts)
    results = combine(steps, full, s)
    stamp(results, inputs, float(results["total_cost"]), sol.info.get("solver", ""), sol.status, largest,
          timings)
    results.attrs.update({"foresight": "myopic", "look_ahead": look_ahead, "lp_size": "largest step"})
    return Run(results, full, None, None, None, timings)


def combine(steps: list[xr.Dataset], data: xr.Dataset, s) -> xr.Dataset:
    """One results Dataset from the first period of every step; costs recomputed on the horizon."""
    with_period = [k for k, v in steps[0].data_vars.items() if "period" in v.dims]
    out = xr.concat([d[with_period] for d in steps], dim="period", coords="minimal", compat="override")
    for k in ("source_day", "day_weight"):
        out[k] = steps[0][k]
    out["period_weight"] = data["period_weight"]
    _investment_costs(out, data, s)
    npv = (out["cost"] * data["period_weight"]).sum("period")
    aw = data["annuity_weight"]
    npv.loc["investment"] = float(sum((out[v].sum("region") * data[c] * aw).sum() * 1e-3 for v, c in (
        ("new_capacity", "capex"), ("new_storage_energy_capacity", "capex_energy"),
        ("new_charge_capacity", "capex_charge"))))
    if out.sizes.get("line", 0):
        npv.loc["transmission"] = float((out["new_transmission_capacity"] * data["line_capex"]
                                         * data["line_annuity_weight"]).sum() * 1e-3
                                        + ((out["transmission_capacity"] * data["line_capex"]
                                            * data["line_fom_share"]).sum("line") * 1e-3
                                           * data["period_weight"]).sum())
    out["cost_npv"] = npv.assign_attrs(units="bn CNY", description="present value by component (2020)")
    out["total_cost"] = xr.DataArray(float(npv.sum()), attrs={"units": "bn CNY", "description":
                                     "present value of total system cost on the whole horizon"})
    out.attrs = dict(steps[-1].attrs)
    out.attrs["objective_bn_cny"] = float(npv.sum())
    return out


def _paid(annual: float, vintage: int, life: float, s) -> np.ndarray:
    """An annuity of ``annual`` bn CNY/yr of a build of period ``vintage``, paid from the start of its
    span for ``life`` years, in each period [bn CNY/yr] (:mod:`model.data.periods`)."""
    return annual * share(span_start(vintage, s.period_years), life, np.array(s.periods), s.period_years)


def _investment_costs(out: xr.Dataset, data: xr.Dataset, s) -> None:
    """Annuities paid in each period by all builds so far [bn CNY/yr]: the steps only saw their window."""
    periods = np.array(s.periods)
    crf = lambda life: finance.capital_recovery_factor(s.discount_rate, life)  # noqa: E731
    inv = np.zeros(len(periods))
    for var, capex in (("new_capacity", "capex"), ("new_storage_energy_capacity", "capex_energy"),
                       ("new_charge_capacity", "capex_charge")):
        built = out[var].sum("region") * data[capex] * 1e-3  # bn CNY overnight by (tech, period)
        for (t, v), val in built.to_series().items():
            if val:
                life = float(data["lifetime_yr"].sel(tech=t))
                inv += _paid(val * crf(life), int(v), life, s)
    lines = np.zeros(len(periods))
    if "new_transmission_capacity" in out and out.sizes.get("line", 0):
        built = out["new_transmission_capacity"] * data["line_capex"] * 1e-3
        for (line, v), val in built.to_series().items():
            if val:
                life = float(data["line_lifetime"].sel(line=line))
                lines += _paid(val * crf(life), int(v), life, s)
        fom = (out["transmission_capacity"] * data["line_capex"] * data["line_fom_share"]).sum("line") * 1e-3
        lines = lines + fom.to_numpy()
    cost = out["cost"].copy()
    cost.loc[dict(component="investment")] = inv
    cost.loc[dict(component="transmission")] = lines
    out["cost"] = cost.sel(component=list(COMPONENTS))
