"""Caveats generated from a run's settings and results: what the numbers of this memo do not capture.

Each function of :data:`CAVEATS` takes the results Dataset and its settings (dict) and returns a caveat
(a short heading and one or two sentences) or None. The time resolution's error is read from the
full-year check when the results carry it (``cost_gap``), else from the time-resolution study
(``docs/time-resolution.csv``: the 2060 case at each number of days, against the full year).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import xarray as xr

from model.report import words as w

ROOT = Path(__file__).resolve().parents[2]
STUDY = ROOT / "docs" / "time-resolution.csv"


def _study_error(days: int, segments: int) -> float | None:
    """Cost error of ``days`` × ``segments`` against the full year in the study [fraction], or None."""
    if not STUDY.is_file():
        return None
    df = pd.read_csv(STUDY)
    row = df[(df["days"] == days) & (df["segments"] == segments)]
    full = df[(df["days"] == 365) & (df["segments"] == segments)]
    if full.empty:
        full = df[df["days"] == 365]
    if row.empty or full.empty:
        return None
    ref = float(full["total_cost_bn_cny"].iloc[0])
    return float(row["total_cost_bn_cny"].iloc[0]) / ref - 1


def time_resolution(ds: xr.Dataset, s: dict) -> tuple[str, str]:
    days, seg = int(s.get("days", 0) or 0), s.get("segments")
    steps = int(seg) if seg else 24
    text = (f"The year is represented by {days} representative days × {steps} steps a day "
            f"({ds.sizes.get('timestep', days * steps)} timesteps), each standing for a number of calendar days. ")
    if "cost_gap" in ds:
        text += (f"The full-year check of this plan measured a cost gap of {w.fmt(100 * float(ds['cost_gap']), 1)} %"
                 " against the planning estimate.")
    else:
        err = _study_error(days, steps)
        if err is not None:
            text += (f"At this resolution the time-resolution study (docs/time-resolution.md; 2060 alone under a "
                     f"net-zero cap) found the cost {w.fmt(abs(100 * err), 1)} % {'below' if err < 0 else 'above'} "
                     f"the full year's; few days miss multi-day lulls in wind and solar, so storage and firm "
                     f"capacity tend to be understated.")
        else:
            text += ("The cost error of this resolution against the full year was not measured on this dataset "
                     "(docs/time-resolution.md has the study); run the full-year check (run.py check) to "
                     "measure this plan's.")
    return "Time resolution", text


def weather(ds: xr.Dataset, s: dict) -> tuple[str, str]:
    inputs = Path(str(ds.attrs.get("inputs", "")))
    shipped = (ROOT / "inputs") in [(inputs if inputs.is_absolute() else ROOT / inputs).resolve().parent]
    if shipped:
        return ("Synthetic weather", "The hourly wind, solar, hydro inflow and load profiles of the shipped "
                "datasets are synthetic (scripts/make_profiles.py, docs/profiles.md): one plausible weather "
                "year calibrated to annual statistics, not observations; there is no year-to-year variation.")
    return ("Weather", f"The hourly profiles come from {inputs}/profiles; one weather year is used for every "
            f"period, so year-to-year variation is not represented.")


def foresight(ds: xr.Dataset, s: dict) -> tuple[str, str]:
    if s.get("foresight") == "myopic":
        return ("Myopic foresight", f"Each period is decided with knowledge of the next {s.get('look_ahead', 0)} "
                "period(s) only; later caps and costs come as surprises, as for real investors.")
    p0, last = int(ds["period"][0]), int(ds["period"][-1])
    return ("Perfect foresight", f"One optimisation decides {p0}–{last} at once, knowing every future cost, "
            "demand and cap: it anticipates tightening caps better than real investors would.")


def unit_commitment(ds: xr.Dataset, s: dict) -> tuple[str, str]:
    on = [k for k, v in s.items() if "commitment" in k and v not in (None, False, 0, "off", "none")]
    if on:
        return ("Linear unit commitment", f"Unit commitment is modelled linearly ({', '.join(on)}): start-ups and "
                "minimum loads are averaged over each technology's fleet, not decided unit by unit.")
    return ("No unit commitment", "Plants run anywhere between zero and their capacity (a minimum load only "
            "where a technology sets one, e.g. nuclear); start-up costs and minimum up/down times are ignored, "
            "which flatters thermal flexibility and understates the value of storage.")


def boundary(ds: xr.Dataset, s: dict) -> tuple[str, str]:
    return ("CO2 boundary", "Emissions, caps and CO2 prices cover the fuel-combustion CO2 of power plants' "
            "electricity output only: heat from CHP plants, industry's own generation and other sectors are "
            "outside (inputs/SOURCES.md, Boundary), so the totals are not China's energy CO2.")


def sunk_capital(ds: xr.Dataset, s: dict) -> tuple[str, str]:
    p0 = int(ds["period"][0])
    text = (f"Plants standing in {p0} were paid for before the model starts: their capital is sunk and not in "
            f"the objective or the costs, so {p0} carries no investment while later periods pay annuities for "
            f"new builds. The rise in annual cost after {p0} is not the cost of the transition")
    if "sunk_fleet_annuity" in ds:
        text += (f"; valued at {p0} capex the existing fleet's capital is {w.fmt(float(ds['sunk_fleet_annuity'].sel(period=p0)))}"
                 f" bn CNY/yr as an annuity (shown hatched, separately, in the cost figure)")
    return "Sunk base-year capital", text + "."


def adequacy(ds: xr.Dataset, s: dict) -> tuple[str, str] | None:
    margin = s.get("reserve_margin")
    if margin is None:
        return None
    return ("Adequacy", f"Firm capacity must exceed each region's peak load by {w.fmt(100 * float(margin))} % "
            "with fixed capacity credits per technology; reliability is not tested hour by hour over many years.")


def discounting(ds: xr.Dataset, s: dict) -> tuple[str, str] | None:
    rate = s.get("discount_rate")
    if rate is None:
        return None
    last = int(ds["period"][-1]) + w.period_years(ds) - 1
    return ("Discounting", f"Costs are discounted at {w.fmt(100 * float(rate), 1)} %/yr (real) to present value; "
            f"only the annuities paid up to {last} count, so late builds are not burdened with years beyond the "
            "horizon.")


def shedding(ds: xr.Dataset, s: dict) -> tuple[str, str] | None:
    if not s.get("allow_unserved"):
        return None
    return ("Load shedding allowed", "This run may shed load at the value of lost load "
            f"({w.fmt(s.get('value_of_lost_load_cny_per_mwh'))} CNY/MWh) instead of reporting an infeasibility.")


CAVEATS = (time_resolution, weather, foresight, unit_commitment, boundary, sunk_capital, adequacy,
           discounting, shedding)


def caveats(ds: xr.Dataset, settings: dict) -> list[tuple[str, str]]:
    """(heading, text) of every caveat that applies to this run."""
    out = []
    for c in CAVEATS:
        item = c(ds, settings)
        if item is not None:
            out.append(item)
    return out

