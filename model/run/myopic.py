"""Myopic foresight: the periods solved in sequence, each seeing only itself (plus an optional look-ahead).

Step k solves the window ``periods[k : k + 1 + look_ahead]`` with the fleet carried forward exactly
(:mod:`model.run.carry`): the builds of earlier steps become cohorts of ``existing`` starting life where
they did, early retirements and retrofit conversions shrink the cohorts they came from (also those built
in the same period), retrofits live no longer than their hosts, new corridor capacity is added to the
lines, and the CO2 already stored is taken off each region's storage capacity. Only the first period of
each window is kept. History periods are steps of their own with nothing to decide. The combined results have the same contract as a perfect-foresight run; costs are recomputed
on the whole horizon with the same discounting (base year = first period), so the two can be compared.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import xarray as xr

from model import progress
from model.data import finance
from model.data.prepare import prepare, time_slices
from model.lp.assemble import build
from model.results.annuities import build_annuities, line_annuities
from model.results.costs import COMPONENTS
from model.results.extract import extract
from model.run.carry import carry_forward
from model.run.solved import Run, check_ranges, solve_checked, stamp


def solve_myopic(inputs, look_ahead: int = 0) -> Run:
    """Solve period by period; returns a :class:`~model.run.single.Run` whose results cover every period."""
    s = inputs.settings
    periods = s.periods
    tables = dict(inputs.tables)
    ts = time_slices(tables, inputs.profiles, s)
    steps, capital, timings = [], [], {"build_s": 0.0, "solve_s": 0.0, "prepare_s": 0.0, "extract_s": 0.0}
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
        steps.append(ds.sel(period=[p]))
        capital.append(_capital(lp, sol.x, data, p, s))
        tables = carry_forward(tables, lp, sol.x, data, p, sk, ds["captured_co2"].sel(period=p).to_series())
    full = prepare(inputs.tables, inputs.profiles, s, time=ts)
    results = combine(steps, full, s, capital)
    stamp(results, inputs, float(results["total_cost"]), sol.info.get("solver", ""), sol.status, largest,
          timings)
    results.attrs.update({"foresight": "myopic", "look_ahead": look_ahead, "lp_size": "largest step"})
    return Run(results, full, None, None, None, timings)


def _capital(lp, x, data, period: int, s) -> dict:
    """Capital of the builds of ``period`` on the whole horizon ``s`` (a step sees only its window):
    annual payments by period [bn CNY/yr] and their present value [bn CNY], for generation and storage
    (retrofits with their host-limited life) and for corridors."""
    from model.lp.components.capacity import BN, _retrofit_capex, retrofit_cohorts

    rows = build_annuities(lp, x, data, s)
    rows = rows[rows["vintage"] == period]
    lines = line_annuities(lp, x, data, s)
    lines = lines[lines["vintage"] == period]
    pv = 0.0
    retrofit = set(data["tech"].to_numpy()[data["retrofit_of"].to_numpy() != ""])
    for name, capex in (("new_capacity", "capex"), ("new_energy_capacity", "capex_energy"),
                        ("new_charge_capacity", "capex_charge")):
        v = lp.values(x, name)
        if not len(v):
            continue
        v = v[(v.index.get_level_values("period") == period) & ~v.index.get_level_values("tech").isin(retrofit)]
        tech = v.index.get_level_values("tech")
        life = pd.Series(tech).map(data["lifetime_yr"].to_series()).to_numpy(float)
        aw = finance.annuity_weight(period, life, s.discount_rate, s.first_period, s.horizon_end, s.period_years)
        c = pd.Series(tech).map(data[capex].sel(period=period).to_series()).to_numpy(float)
        pv += float((v.to_numpy() * np.nan_to_num(c) * aw).sum() * BN)
    conv = lp.values(x, "convert")
    if len(conv):
        df = conv[conv.index.get_level_values("period") == period].rename("gw").reset_index()
        target = {src: t for t, src in data["retrofit_of"].to_series().items() if src}
        ex = data["existing_capacity"].to_series().reindex(
            pd.MultiIndex.from_frame(df[["region", "tech", "vintage"]])).fillna(0.0).to_numpy()
        df = retrofit_cohorts(df.assign(target=df["tech"].map(target), new=ex <= 0), data, s)
        pv += float((df["gw"].to_numpy() * _retrofit_capex(data, s, df)).sum())
    v = lp.values(x, "new_line_capacity")
    if len(v):
        v = v[v.index.get_level_values("period") == period]
        line = v.index.get_level_values("line")
        life = pd.Series(line).map(data["line_lifetime"].to_series()).to_numpy(float)
        aw = finance.annuity_weight(period, life, s.discount_rate, s.first_period, s.horizon_end, s.period_years)
        pv_lines = float((v.to_numpy() * pd.Series(line).map(data["line_capex"].to_series()).to_numpy() * aw).sum()
                         * BN)
    else:
        pv_lines = 0.0
    return {"rows": rows, "lines": lines, "pv": pv, "pv_lines": pv_lines}


def combine(steps: list[xr.Dataset], data: xr.Dataset, s, capital: list[dict]) -> xr.Dataset:
    """One results Dataset from the first period of every step; capital costs recomputed on the horizon
    from each step's builds (:func:`_capital`), operating costs as each step found them."""
    with_period = [k for k, v in steps[0].data_vars.items() if "period" in v.dims]
    out = xr.concat([d[with_period] for d in steps], dim="period", coords="minimal", compat="override")
    for k in ("source_day", "day_weight"):
        out[k] = steps[0][k]
    out["period_weight"] = data["period_weight"]
    periods = data["period"].to_numpy()
    by_period = lambda frames: pd.concat(frames).groupby("period")["value"].sum().reindex(  # noqa: E731
        periods).fillna(0.0).to_numpy() if any(len(f) for f in frames) else np.zeros(len(periods))
    cost = out["cost"].copy()
    cost.loc[dict(component="investment")] = by_period([c["rows"] for c in capital])
    fom = (out["transmission_capacity"] * data["line_capex"] * data["line_fom_share"]).sum("line") * 1e-3 \
        if out.sizes.get("line", 0) else 0.0
    cost.loc[dict(component="transmission")] = by_period([c["lines"] for c in capital]) + np.asarray(fom)
    out["cost"] = cost.sel(component=list(COMPONENTS))
    npv = (out["cost"] * data["period_weight"]).sum("period")
    npv.loc["investment"] = sum(c["pv"] for c in capital)
    if out.sizes.get("line", 0):
        npv.loc["transmission"] = sum(c["pv_lines"] for c in capital) + float((np.asarray(fom)
                                                                             * data["period_weight"]).sum())
    pv = f"present value by component, discounted to {s.first_period}"
    out["cost_npv"] = npv.assign_attrs(units="bn CNY", description=pv, pv_year=s.first_period)
    out["total_cost"] = xr.DataArray(float(npv.sum()), attrs={"units": "bn CNY", "pv_year": s.first_period,
                                     "description": "present value of total system cost on the whole horizon"})
    out.attrs = dict(steps[-1].attrs)
    out.attrs["objective_bn_cny"] = float(npv.sum())
    return out
