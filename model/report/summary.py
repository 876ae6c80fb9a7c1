"""The short text summary printed after a run."""
from __future__ import annotations

import pandas as pd
import xarray as xr

from model.report.style import STORAGE
from model.results.costs import pv_year

SUMMARY_YEARS = (2020, 2030, 2060)


def _years(ds: xr.Dataset) -> list[int]:
    periods = [int(p) for p in ds["period"].to_numpy()]
    years = [y for y in SUMMARY_YEARS if y in periods]
    return years or [periods[0], periods[-1]]


def mix_table(ds: xr.Dataset) -> pd.DataFrame:
    """Capacity [GW] and generation [TWh/yr] by technology for the summary years."""
    years = _years(ds)
    cap = ds["capacity"].sum("region").sel(period=years).to_pandas()
    gen = ds["generation"].sum("region").sel(period=years).to_pandas()
    cap.columns = [f"GW {y}" for y in years]
    gen.columns = [f"TWh {y}" for y in years]
    out = pd.concat([cap, gen], axis=1)
    out = out[(out.abs() > 0.05).any(axis=1)]
    total = out.sum()
    storage = [t for t in out.index if t in STORAGE]  # discharge: energy generated before, not twice
    total[gen.columns] = out.drop(index=storage)[gen.columns].sum()
    out.loc["total (TWh without storage discharge)"] = total
    return out.round(0).astype(int)


def co2_table(ds: xr.Dataset) -> pd.DataFrame:
    return pd.DataFrame({
        "emissions Mt": ds["emissions"].sum("region").to_pandas(),
        "cap Mt": ds["co2_cap"].to_pandas(),
        "captured Mt": ds["captured_co2"].sum("region").to_pandas(),
        "CO2 price CNY/t": ds["co2_price"].to_pandas(),
        "cost bn CNY/yr": ds["cost"].sum("component").to_pandas(),
    }).round(1)


def check_lines(ds: xr.Dataset) -> list[str]:
    """The full-year check in plain words (empty without one): what the plan costs over the full year,
    how far that is from the planning estimate, where it leaves load unserved and exceeds the cap."""
    if "cost_gap" not in ds:
        return []
    ev, plan, gap = (float(ds[v]) for v in ("evaluated_cost", "planning_cost", "cost_gap"))
    seg = ds.attrs.get("check_segments", "")
    steps = "hourly" if str(seg) == "hourly" else f"{seg} steps a day"
    more = f"{abs(ev / plan - 1):.1%} {'more' if ev >= plan else 'less'}"
    lines = [f"Full-year check (365 days, {steps}, capacities fixed): this plan costs {ev:,.0f} bn "
             f"CNY over the full year, {more} than the planning estimate of {plan:,.0f} bn CNY "
             f"(gap {gap:.1%})."]
    lost = ds["check_unserved_energy"].to_series()
    lost = lost[lost > 0.005].sort_values(ascending=False)
    if len(lost):
        hours = ds["check_unserved_hours"].to_series()
        parts = [f"{v:,.2f} TWh in {int(p)} in {r} ({hours[(r, p)]:,.0f} h)" for (r, p), v in lost.head(3).items()]
        rest = f", {float(lost.iloc[3:].sum()):,.2f} TWh elsewhere" if len(lost) > 3 else ""
        lines.append("It would leave " + "; ".join(parts) + rest + " unserved.")
    else:
        lines.append("It serves all load in every period.")
    excess = ds["check_co2_excess"].to_series()
    excess = excess[excess > 0.05]
    if len(excess):
        lines.append("Its emissions exceed the CO2 cap by " + ", ".join(
            f"{v:,.1f} Mt in {int(p)}" for p, v in excess.items()) + ".")
    return lines


def summary(ds: xr.Dataset, timings: dict | None = None) -> str:
    lines = [f"Scenario {ds.attrs.get('scenario')}: {ds.attrs.get('description', '')}".rstrip(": "),
             "", "Capacity and generation by technology (national)", mix_table(ds).to_string(), "",
             "CO2 and costs by period", co2_table(ds).to_string(), "",
             f"Total discounted system cost, periods {int(ds['period'][0])}–{int(ds['period'][-1])}: "
             f"{float(ds['total_cost']):,.0f} bn CNY (real 2020 CNY, PV {pv_year(ds)}: discounted to "
             f"{pv_year(ds)})",
             f"Unserved energy: {float(ds['unserved_energy'].sum()):.3f} TWh over all periods"]
    lines += [""] + check_lines(ds) if "cost_gap" in ds else []
    if timings:
        keys = ("load_s", "prepare_s", "build_s", "pyomo_build_s", "compile_s", "handover_s", "solve_s",
                "extract_s", "write_s", "check_s")
        parts = [f"{k[:-2]} {timings[k]:.1f}" for k in keys if k in timings]
        lines.append("Seconds: " + ", ".join(parts))
        lines.append(f"Problem: {ds.attrs.get('n_variables'):,} variables, "
                     f"{ds.attrs.get('n_constraints'):,} constraints, {ds.attrs.get('n_nonzeros'):,} non-zeros")
    return "\n".join(lines)
