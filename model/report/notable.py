"""Notable results, flagged automatically from a results Dataset, one sentence each.

Each check in :data:`CHECKS` takes the Dataset and returns sentences (none when nothing is notable):
technologies at their national build limit or regional potential, early retirements and the capital
they strand, capacity that (almost) never runs, which policy constraints bind (every dual in the results:
CO2 cap, non-fossil share, reserve margin, CO2 storage, and any new ``*_price`` dual described as a dual
or shadow price), load shedding, high curtailment, and technologies never built with the capex fall that
would bring them in. Thresholds are module constants. Units: GW, GW/yr, bn CNY, %, CNY/t, CNY/MWh.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

from model.report import words as w

#: share of a limit counted as "at the limit"
AT_LIMIT = 0.995
#: capacity factor below which capacity "never runs"; the capacity must exceed MIN_GW
IDLE_CF, MIN_GW = 0.01, 1.0
#: national wind and solar curtailment flagged above this share
HIGH_CURTAILMENT = 0.10
#: duals (variable, what binds, unit) read in words; others are found by their description
DUALS = {
    "co2_shadow_price": ("the CO2 cap", "CNY/t"),
    "clean_share_price": ("the minimum non-fossil share", "CNY/MWh"),
    "reserve_price": ("the planning reserve margin", "CNY/(kW·yr)"),
    "co2_storage_price": ("the CO2 storage limit", "CNY/t"),
}
#: prices that are not duals of a policy constraint
NOT_DUALS = {"electricity_price", "carbon_price", "co2_price", "price_time_weighted", "price_load_weighted"}


def build_limited(ds: xr.Dataset) -> dict[str, list[int]]:
    """Technologies whose national new capacity reaches the build limit: {tech: periods}."""
    if "build_limit" not in ds or "new_capacity" not in ds:
        return {}
    n = w.period_years(ds)
    new = w.by_tech(ds, "new_capacity")
    limit = ds["build_limit"].transpose("period", "tech").to_pandas()
    out = {}
    for tech in limit.columns:
        lim = limit[tech].astype(float)
        ok = np.isfinite(lim) & (lim > 0)
        hit = lim.index[ok & (new.get(str(tech), 0.0) >= AT_LIMIT * lim * n)]
        if len(hit):
            out[str(tech)] = [int(p) for p in hit]
    return out


def at_build_limit(ds: xr.Dataset) -> list[str]:
    """One sentence for all technologies at their national build limit (each with its periods and
    rates): there the limit, not the cost, sets how fast they grow."""
    parts = []
    for tech, hit in build_limited(ds).items():
        lim = ds["build_limit"].sel(tech=tech).to_pandas()
        rates = sorted({w.fmt(lim[p], 1 if lim[p] < 10 else 0) for p in hit}, key=float)
        parts.append(f"{w.label(tech)} in {w.years(hit)} ({' / '.join(rates)} GW/yr)")
    if not parts:
        return []
    if len(parts) == 1:
        tech, years = parts[0].split(" in ", 1)
        return [f"{tech} is built at its national build limit in {years}: the limit, not its cost, sets how "
                f"fast it grows."]
    return ["At their national build limits (build_limits.csv), so that the limit, not the cost, sets how "
            f"fast they grow: {'; '.join(parts)}."]


def potential_reached(ds: xr.Dataset) -> dict[str, tuple[list[str], int]]:
    """Technologies at their resource potential somewhere: {tech: (regions, first period)}."""
    if "potential" not in ds:
        return {}
    pot, cap = ds["potential"], ds["capacity"]
    full = (cap >= AT_LIMIT * pot) & np.isfinite(pot) & (pot > 0) & (cap > MIN_GW)
    out = {}
    for tech in ds["tech"].to_numpy():
        f = full.sel(tech=tech)
        if bool(f.any()):
            regions = [str(r) for r in ds["region"].to_numpy() if bool(f.sel(region=r).any())]
            out[str(tech)] = (regions, int(ds["period"].where(f.any("region"), drop=True).min()))
    return out


def at_potential(ds: xr.Dataset) -> list[str]:
    """One sentence for all technologies at their resource potential somewhere (potentials.csv)."""
    n = ds.sizes["region"]
    parts = [f"{w.label(t)} in {'every region' if len(regions) == n > 1 else w.listing(regions)} (from {first})"
             for t, (regions, first) in potential_reached(ds).items()]
    if not parts:
        return []
    return [f"At their resource potential (potentials.csv): {'; '.join(parts)}."]


def early_retirements(ds: xr.Dataset) -> list[str]:
    if "retired_capacity" not in ds:
        return []
    ret = w.by_tech(ds, "retired_capacity")
    stranded = w.by_tech(ds, "stranded_capital") if "stranded_capital" in ds else ret * 0
    base = w.by_tech(ds, "capacity").iloc[0]
    out = []
    for tech in ret.columns:
        gw = ret[tech]
        if gw.sum() < MIN_GW / 2:
            continue
        when = gw[gw > 0.05].index
        p0 = int(ret.index[0])
        share = f" ({w.fmt(100 * gw.sum() / base[tech])} % of its {p0} fleet)" if base.get(tech, 0) > 0 else ""
        out.append(f"{w.fmt(gw.sum())} GW of {w.label(tech)} retire before the end of their life in "
                   f"{w.years(when)}{share}, stranding {w.fmt(stranded[tech].sum())} bn CNY of undepreciated "
                   f"capital.")
    return out


def idle_capacity(ds: xr.Dataset) -> list[str]:
    cap, gen = w.by_tech(ds, "capacity"), w.by_tech(ds, "generation")
    total = cap.sum(axis=1)
    reserve = ds["reserve_price"].max("region").to_pandas() if "reserve_price" in ds else total * 0
    out = []
    for tech in cap.columns:
        cf = gen[tech] / (cap[tech] * 8.76)
        idle = cap.index[(cap[tech] > MIN_GW) & (cap[tech] > 0.005 * total) & (cf < IDLE_CF)]
        if not len(idle):
            continue
        what = "discharge" if tech in w.storage(ds) else "run"
        why = (" — held for the planning reserve margin (firm capacity), not for energy"
               if (reserve.reindex(idle) > 0).any() else "")
        out.append(f"{w.fmt(cap.loc[idle, tech].max())} GW of {w.label(tech)} ({w.years(idle)}) {what} at a "
                   f"capacity factor below {w.fmt(100 * IDLE_CF)} %{why}.")
    return out


def _dual_variables(ds: xr.Dataset) -> dict:
    found = dict(DUALS)
    for name, da in ds.data_vars.items():
        desc = str(da.attrs.get("description", "")).lower()
        if name not in found and name not in NOT_DUALS and ("dual" in desc or "shadow price" in desc):
            found[name] = (desc.split("(")[0].strip() or name, da.attrs.get("display_units",
                                                                            da.attrs.get("units", "")))
    return {k: v for k, v in found.items() if k in ds}


def binding_constraints(ds: xr.Dataset) -> list[str]:
    out = []
    for name, (what, unit) in _dual_variables(ds).items():
        da = ds[name]
        if "period" not in da.dims:
            continue
        other = [d for d in da.dims if d != "period"]
        mag = np.abs(da).max(other) if other else np.abs(da)
        bind = mag.to_pandas()
        hit = bind[bind > 1e-3].index
        if name == "co2_shadow_price" and "co2_cap" in ds:
            capped = ds["co2_cap"].to_pandas().dropna().index
            if not len(capped):
                continue
            slack = [p for p in capped if p not in hit]
            gap = (ds["co2_cap"] - ds["emissions"].sum("region")).to_pandas().reindex(slack)
            tail = (f"; in {w.years(slack)} emissions stay below it (by up to {w.fmt(gap.max())} Mt/yr)"
                    if slack else "")
            out.append((f"The CO2 cap binds in {w.years(hit)} (shadow price up to {w.fmt(bind.max())} {unit})"
                        if len(hit) else "The CO2 cap never binds") + tail + ".")
            continue
        if not len(hit):
            continue
        where = ""
        if "region" in other:
            regions = [str(r) for r in ds["region"].to_numpy()
                       if float(np.abs(da.sel(region=r)).max()) > 1e-3]
            where = f" in {len(regions)} of {ds.sizes['region']} regions"
        out.append(f"{what[0].upper() + what[1:]} binds{where} in {w.years(hit)} (up to "
                   f"{w.fmt(bind.max(), 1 if bind.max() < 10 else 0)} {unit}).")
    return out


def unserved(ds: xr.Dataset) -> list[str]:
    if "unserved_energy" not in ds:
        return []
    twh = w.series(ds, "unserved_energy")
    hit = twh[twh > 1e-3]
    return [f"Load is shed in {w.years(hit.index)} (up to {w.fmt(hit.max(), 2)} TWh/yr), valued at the value of "
            f"lost load."] if len(hit) else []


def curtailment(ds: xr.Dataset) -> list[str]:
    vre = w.vre(ds)
    if "curtailment" not in ds or not vre:
        return []
    curt = w.by_tech(ds, "curtailment")[vre].sum(axis=1)
    avail = curt + w.by_tech(ds, "generation")[vre].sum(axis=1)
    rate = (curt / avail.where(avail > 0)).fillna(0.0)
    hit = rate[rate > HIGH_CURTAILMENT]
    return [f"Wind and solar curtailment exceeds {w.fmt(100 * HIGH_CURTAILMENT)} % in {w.years(hit.index)} "
            f"(up to {w.fmt(100 * hit.max())} %, {w.fmt(curt.max())} TWh/yr): overbuilding is cheaper than "
            f"more storage or transmission there."] if len(hit) else []


def not_built(ds: xr.Dataset) -> list[str]:
    if "capex_reduction_to_enter_pct" not in ds:
        return []
    last = int(ds["period"][-1])
    built = w.by_tech(ds, "new_capacity").sum() if "new_capacity" in ds else None
    pct = ds["capex_reduction_to_enter_pct"].sel(period=last).to_pandas()
    pct = pct[(pct > 0) & ((built.reindex(pct.index).fillna(0) < 1e-3) if built is not None else True)]
    if not len(pct):
        return []
    parts = [f"{w.label(t)} ({w.fmt(v)} %)" for t, v in pct.sort_values().head(5).items()]
    return [f"Never built, with the capex fall that would make the first GW worth building in {last}: "
            f"{w.listing(parts)}."]


CHECKS = (at_build_limit, at_potential, early_retirements, idle_capacity, binding_constraints, unserved,
          curtailment, not_built)


def notable(ds: xr.Dataset) -> list[str]:
    """Every notable result, one sentence each (a check that fails on unusual results is skipped)."""
    out = []
    for check in CHECKS:
        try:
            out += check(ds)
        except (KeyError, ValueError, IndexError, TypeError):  # e.g. a variable missing from old results
            continue
    return out

