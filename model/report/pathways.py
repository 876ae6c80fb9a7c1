"""The memo's section "Against the published pathways": the run's ``envelope.csv`` rows
(:func:`model.results.envelope.envelope`, ranges from ``inputs/pathways.csv``, sourced in
``docs/calibration.md``) as a table, and every row outside its range explained in words from the run's
own numbers (the cap it faced, the carbon price, what it built), so that a reader sees why rather than
only that.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import xarray as xr

from model.report import notable as nb
from model.report import words as w
from model.results.envelope import envelope

LABELS = {"power_co2": "Power-sector CO2", "coal_share_generation": "Coal share of generation",
          "wind_solar_capacity": "Wind + solar capacity", "wind_solar_additions": "Wind + solar additions",
          "solar_capacity_share": "Solar share of capacity", "wind_capacity_share": "Wind share of capacity",
          "non_fossil_generation_share": "Non-fossil share of generation", "captured_co2": "CO2 captured",
          "total_generation": "Total generation"}
SHARES = {"coal_share_generation", "solar_capacity_share", "wind_capacity_share", "non_fossil_generation_share"}


def _value(indicator: str, v: float) -> str:
    return f"{w.fmt(100 * v, 0)} %" if indicator in SHARES else w.fmt(v, 0)


def _cap(ds: xr.Dataset, year: int) -> float:
    if "co2_cap" not in ds or year not in ds["period"].to_numpy():
        return np.nan
    return float(ds["co2_cap"].sel(period=year))


def _price(ds: xr.Dataset, year: int) -> float:
    if "co2_price" not in ds or year not in ds["period"].to_numpy():
        return np.nan
    return float(ds["co2_price"].sel(period=year))


def why(ds: xr.Dataset, row) -> str:
    """One sentence on why ``row`` (an envelope row with status ``below`` or ``above``) is outside."""
    y, ind, status = int(row.year), row.indicator, row.status
    cap, price = _cap(ds, y), _price(ds, y)
    cap_text = (f"the CO2 cap of this scenario allows {w.fmt(cap, 0)} Mt in {y}" if np.isfinite(cap)
                else f"this scenario has no CO2 cap in {y}")
    price_text = f" and the CO2 price is {w.fmt(price, 0)} CNY/t" if np.isfinite(price) else ""
    if ind == "power_co2" and status == "above":
        return (f"{cap_text}{price_text}; the published pathways at the low end are 1.5 °C-compatible "
                f"trajectories that cut faster than the cap path in co2_caps.csv. A tighter cap path "
                f"(--set co2_cap_path=…) or a higher carbon price would bring it inside.")
    if ind == "power_co2":
        return (f"{cap_text}{price_text}; with this dataset's costs clean supply is cheap enough that "
                f"the least-cost plan cuts emissions further than the cap requires.")
    if ind in ("wind_solar_capacity", "wind_solar_additions", "solar_capacity_share", "wind_capacity_share"):
        limits = _vre_limits(ds, y)
        if limits:
            return (f"{limits}; the published pathways assume larger resource potentials or faster builds "
                    f"than potentials.csv and build_limits.csv allow, so the model turns to other supply "
                    f"({cap_text}{price_text}).")
        if status == "below":
            return (f"wind and solar are built only where they are cheaper than the alternatives under the cap "
                    f"({cap_text}{price_text}); the published values are targets or scenarios with other "
                    f"cost paths; run.py alternatives shows how much more would fit within a small cost slack.")
        return (f"the least-cost plan builds more than the published range: wind and solar costs in costs.csv "
                f"fall faster than in the older studies, and the cap ({cap_text}) rewards it.")
    if ind == "coal_share_generation":
        return (f"coal generation follows the existing fleet, CHP heat must-run and the cap ({cap_text}"
                f"{price_text}); {'more' if status == 'above' else 'less'} coal runs than in the published "
                f"scenarios.")
    if ind == "captured_co2" and status == "above":
        ccs = _ccs_capacity(ds, y)
        limits = _vre_limits(ds, y)
        return (f"{cap_text}; to get there the plan keeps {w.fmt(ccs, 0)} GW of plants with capture in {y} "
                f"(coal and gas CCUS, BECCS for negative emissions){' because ' + limits if limits else ''}; "
                f"the CO2 storage limits of co2_storage.csv allow it. The CCUS roadmap's range assumes "
                f"more wind and solar; a lower storage limit or a higher CCUS cost would cut capture.")
    if ind == "captured_co2":
        return (f"carbon capture competes with wind, solar, storage and nuclear under the cap ({cap_text}"
                f"{price_text}); at this dataset's CCUS costs it is "
                f"{'less' if status == 'below' else 'more'} attractive than in the CCUS roadmap's range.")
    if ind in ("total_generation", "non_fossil_generation_share"):
        return ("total demand follows demand.csv (the dataset's projection; demand_high.csv and "
                "demand_low.csv bracket it) plus storage and electrolysis losses; the published range uses "
                "other demand projections.")
    return f"{cap_text}{price_text}."


def _vre_limits(ds: xr.Dataset, year: int) -> str:
    """Which wind and solar technologies sit at a resource potential or a build limit by ``year``."""
    vre = set(w.vre(ds))
    pot = {t: r for t, (r, first) in nb.potential_reached(ds).items() if t in vre and first <= year}
    lim = {t: p for t, p in nb.build_limited(ds).items() if t in vre and min(p) <= year}
    parts = []
    if pot:
        parts.append("at their resource potential: " + "; ".join(
            f"{w.label(t)} in {len(r)} of {ds.sizes['region']} regions" for t, r in pot.items()))
    if lim:
        parts.append("at their national build limit in some periods: " + w.listing(w.label(t) for t in lim))
    return ("wind and solar are " + ", and ".join(parts)) if parts else ""


def _ccs_capacity(ds: xr.Dataset, year: int) -> float:
    techs = [t for t in w.ccus(ds) + ["beccs"] if t in ds["tech"].to_numpy()]
    return float(ds["capacity"].sel(tech=sorted(set(techs)), period=year).sum())


def envelope_table(ds: xr.Dataset, published=None) -> pd.DataFrame:
    """The envelope rows formatted for the memo: indicator, year, model, published range, status
    (``published``: a pathways CSV, default ``inputs/pathways.csv``)."""
    env = envelope(ds, published)
    return pd.DataFrame({
        "Indicator": [LABELS.get(i, i) for i in env["indicator"]],
        "Year": env["year"].astype(int).astype(str),
        "Unit": ["%" if i in SHARES else u for i, u in zip(env["indicator"], env["unit"])],
        "Model": [_value(i, v) for i, v in zip(env["indicator"], env["model"])],
        "Published range": [f"{_value(i, lo)} – {_value(i, hi)}" for i, lo, hi in
                            zip(env["indicator"], env["low"], env["high"])],
        "Status": env["status"],
    })


def explanations(ds: xr.Dataset, published=None) -> list[str]:
    """A sentence for every envelope row outside its published range."""
    env = envelope(ds, published)
    out = []
    for row in env.itertuples(index=False):
        if row.status == "inside":
            continue
        unit = "" if row.indicator in SHARES else f" {row.unit}"
        out.append(f"{LABELS.get(row.indicator, row.indicator)} {int(row.year)}: {_value(row.indicator, row.model)}"
                   f"{unit} is {row.status} the published "
                   f"{_value(row.indicator, row.low)}–{_value(row.indicator, row.high)}: {why(ds, row)}")
    return out


def pathway_section(ds: xr.Dataset, table, published=None) -> str:
    """HTML of the section; ``table``: the memo's table renderer ``(df, digits, index_name) -> str``."""
    try:
        df = envelope_table(ds, published)
    except (KeyError, ValueError, OSError):  # a run without the variables the indicators need
        return ""
    if df.empty:
        return ""
    n_in = int((df["Status"] == "inside").sum())
    lead = (f"<p>{n_in} of {len(df)} indicators lie inside the range of the published China pathways "
            f"(docs/calibration.md; envelope.csv in the results).</p>")
    items = "".join(f"<li>{html.escape(s)}</li>" for s in explanations(ds, published))
    return ("<h2>Against the published pathways</h2>" + lead + table(df.set_index("Indicator"), 0, "Indicator")
            + (f"<ul class=\"notable\">{items}</ul>" if items else ""))
