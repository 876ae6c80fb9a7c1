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


def summary(ds: xr.Dataset, timings: dict | None = None) -> str:
    lines = [f"Scenario {ds.attrs.get('scenario')}: {ds.attrs.get('description', '')}".rstrip(": "),
             "", "Capacity and generation by technology (national)", mix_table(ds).to_string(), "",
             "CO2 and costs by period", co2_table(ds).to_string(), "",
             f"Total discounted system cost, periods {int(ds['period'][0])}–{int(ds['period'][-1])}: "
             f"{float(ds['total_cost']):,.0f} bn CNY (real 2020 CNY, PV {pv_year(ds)}: discounted to "
             f"{pv_year(ds)})",
             f"Unserved energy: {float(ds['unserved_energy'].sum()):.3f} TWh over all periods"]
    if timings:
        keys = ("load_s", "prepare_s", "build_s", "pyomo_build_s", "compile_s", "handover_s", "solve_s",
                "extract_s", "write_s")
        parts = [f"{k[:-2]} {timings[k]:.1f}" for k in keys if k in timings]
        lines.append("Seconds: " + ", ".join(parts))
        lines.append(f"Problem: {ds.attrs.get('n_variables'):,} variables, "
                     f"{ds.attrs.get('n_constraints'):,} constraints, {ds.attrs.get('n_nonzeros'):,} non-zeros")
    return "\n".join(lines)
