"""The numbers of the memo, from a results Dataset: key numbers, the capacity and generation mix, the
CO2 and price path, the run's settings and overrides, and scenarios side by side.

Units: GW, TWh/yr, Mt/yr, CNY/t, bn CNY (present value discounted to the first period, "PV <year>",
or per year), trillion CNY; real 2020 CNY.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import xarray as xr

from model.data.settings import Settings
from model.report.figures import non_fossil_share
from model.report.style import STORAGE, national, tech_frame, tech_style
from model.report.words import fmt, nearest_period  # noqa: F401 (fmt: re-exported for the memo)
from model.results.costs import pv_year
from model.results.metrics import resource_cost

MIX_YEARS = (2030, 2060)


def load_results(path: Path) -> xr.Dataset:
    """A results Dataset from a results folder (``results.nc`` inside) or a ``.nc`` file, in memory."""
    path = Path(path)
    return xr.load_dataset(path / "results.nc" if path.is_dir() else path)


def _period(ds: xr.Dataset, year: int) -> int:
    return nearest_period(ds, year)


def key_numbers(ds: xr.Dataset) -> list[tuple[str, str, float, int | None]]:
    """Headline numbers: (quantity, unit, value, decimals; None for a year)."""
    net = national(ds["emissions"]).to_pandas()
    p30, p60 = (_period(ds, y) for y in MIX_YEARS)
    cap = tech_frame(ds["capacity"])
    share = non_fossil_share(ds)
    vre = [t for t in cap.columns if t.startswith(("wind", "solar"))]
    later = [p for p in ds["period"].to_numpy() if 2020 < p <= 2060]
    rows = [("Peak net CO2 emissions", "Mt/yr", float(net.max()), 0),
            ("Peak period (first year)", "year", float(net.idxmax()), None),
            (f"Net CO2 emissions {p30}", "Mt/yr", float(net[p30]), 0),
            (f"Net CO2 emissions {p60}", "Mt/yr", float(net[p60]), 0)]
    for p in (p30, p60):
        rows += [(f"Installed capacity {p}", "GW", float(cap.loc[p].sum()), 0),
                 (f"Wind and solar capacity {p}", "GW", float(cap.loc[p, vre].sum()), 0),
                 (f"Unabated coal capacity {p}", "GW", float(cap.loc[p].get("coal", 0.0)), 0),
                 (f"Non-fossil share of generation {p}", "%", float(share[p]), 1),
                 (f"CO2 price {p}", "CNY/t", float(ds["co2_price"].sel(period=p)), 0)]
    rows += [(f"Total discounted system cost (PV {pv_year(ds)}; history fleet's capital sunk)", "bn CNY",
              float(ds["total_cost"]), 0)]
    if "system_cost_per_mwh" in ds:
        rows += [(f"System cost per MWh of demand {p}", "CNY/MWh",
                  float(ds["system_cost_per_mwh"].sel(period=p)), 0) for p in dict.fromkeys((p30, p60))]
    if "sunk_fleet_annuity" in ds:
        p0 = int(ds["period"][0])
        rows.append((f"Base-year fleet's capital as an annuity {p0} (sunk, not in the costs)", "bn CNY/yr",
                     float(ds["sunk_fleet_annuity"].sel(period=p0)), 0))
    if "cost_npv" in ds:
        rows.append((f"Discounted resource cost, without carbon payments (PV {pv_year(ds)})", "bn CNY",
                     resource_cost(ds), 0))
    if later:
        rows.append((f"Cumulative investment, builds {later[0]}–{later[-1]}", "trillion CNY",
                     float(ds["investment"].sel(period=later).sum()) / 1000.0, 2))
    coal = [t for t in ds["tech"].to_numpy() if str(t).startswith("coal")]
    if "stranded_capital" in ds:
        rows.append(("Stranded coal capital (undepreciated, all periods)", "bn CNY",
                     float(ds["stranded_capital"].sel(tech=coal).sum()), 0))
    if "retired_capacity" in ds:
        rows.append(("Coal retired early, all periods", "GW",
                     float(ds["retired_capacity"].sel(tech=coal).sum()), 0))
    rows += _flexibility_numbers(ds, p60, vre)
    rows.append(("Unserved energy, sum over periods", "TWh/yr", float(ds["unserved_energy"].sum()), 2))
    return rows


def _flexibility_numbers(ds: xr.Dataset, p: int, vre: list[str]) -> list[tuple[str, str, float, int]]:
    """Curtailment, storage and flexible demand in period ``p``: what flexibility options change."""
    curt = float(ds["curtailment"].sel(period=p, tech=vre).sum())
    avail = curt + float(ds["generation"].sel(period=p, tech=vre).sum())
    store = [t for t in ds["tech"].to_numpy() if t in STORAGE]
    rows = [(f"Wind and solar curtailment {p}", "%", 100 * curt / avail if avail > 0 else float("nan"), 1),
            (f"Storage power {p}", "GW", float(ds["capacity"].sel(period=p, tech=store).sum()), 0),
            (f"Storage energy {p}", "GWh", float(ds["storage_energy_capacity"].sel(period=p).sum()), 0)]
    if "hydrogen" in ds["tech"].to_numpy():
        rows.append((f"Hydrogen storage energy {p}", "GWh",
                     float(ds["storage_energy_capacity"].sel(period=p, tech="hydrogen").sum()), 0))
    if "demand_shifted" in ds:
        rows.append((f"Flexible demand shifted {p}", "TWh/yr", float(ds["demand_shifted"].sel(period=p).sum()), 1))
    return rows


def mix_table(ds: xr.Dataset) -> pd.DataFrame:
    """Capacity [GW] and generation [TWh/yr] by technology in 2030 and 2060, and the 2060 share [%].

    The total row adds all capacity (storage at its power) but only generation: storage discharge is
    energy generated earlier, so it is listed by technology and left out of the generation total.
    """
    years = list(dict.fromkeys(_period(ds, y) for y in MIX_YEARS))
    cap, gen = tech_frame(ds["capacity"]).loc[years].T, tech_frame(ds["generation"]).loc[years].T
    df = pd.concat({**{f"Capacity {y} [GW]": cap[y] for y in years},
                    **{f"Generation {y} [TWh/yr]": gen[y] for y in years}}, axis=1)
    df = df[(df.abs() > 1e-3).any(axis=1)]
    supply = gen[years[-1]].drop([t for t in gen.index if t in STORAGE])
    df[f"Share of generation {years[-1]} [%]"] = (100 * supply / max(float(supply.sum()), 1e-9)).reindex(df.index)
    total = df.drop(index=[t for t in df.index if t in STORAGE]).sum()
    for col in df.columns:
        if col.startswith("Capacity"):
            total[col] = df[col].sum()
    df.loc["Total"] = total
    df.index = [tech_style(t).label + (" (discharge)" if t in STORAGE else "") if t != "Total"
                else "Total (generation without storage discharge)" for t in df.index]
    return df


def period_table(ds: xr.Dataset) -> pd.DataFrame:
    """CO2, prices and costs by period."""
    return pd.DataFrame({
        "Net CO2 emissions [Mt/yr]": national(ds["emissions"]).to_pandas(),
        "CO2 captured [Mt/yr]": national(ds["captured_co2"]).to_pandas(),
        "CO2 cap [Mt/yr]": ds["co2_cap"].to_pandas(),
        "CO2 price [CNY/t]": ds["co2_price"].to_pandas(),
        "Annual cost [bn CNY/yr]": ds["cost"].sum("component").to_pandas(),
        "Investment [bn CNY]": ds["investment"].to_pandas(),
    }).rename_axis("Period")


def run_settings(ds: xr.Dataset) -> dict:
    """The run's settings (the ``settings`` attribute, JSON) as a dict ({} when missing)."""
    try:
        out = json.loads(ds.attrs.get("settings") or "{}")
    except (TypeError, ValueError):
        return {}
    return out if isinstance(out, dict) else {}


def non_default_settings(ds: xr.Dataset) -> dict:
    """Settings whose value differs from the model's default (:class:`~model.data.settings.Settings`)."""
    defaults = Settings().model_dump(mode="json")
    return {k: v for k, v in run_settings(ds).items() if k in defaults and defaults[k] != v}


def overrides(ds: xr.Dataset) -> tuple[list[str], list[str]]:
    """(``--set`` texts given on top of the scenario, table overrides of the scenario file)."""
    split = lambda text: [t.strip() for t in str(text or "").split(";") if t.strip()]  # noqa: E731
    cli = split(ds.attrs.get("cli_overrides"))
    return cli, [t for t in split(ds.attrs.get("overrides")) if t not in cli]


def assumptions(ds: xr.Dataset) -> list[tuple[str, str]]:
    """(setting, value) from the description, ``settings`` (JSON) and the override attributes."""
    a = ds.attrs
    cli, table = overrides(ds)
    rows = [("scenario", str(a.get("scenario", ""))), ("description", str(a.get("description", "")))]
    rows += [("--set overrides of this run", "; ".join(cli) or "none"),
             ("parameter overrides of the scenario", "; ".join(table) or "none")]
    rows += [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in run_settings(ds).items()]
    rows += [("inputs", str(a.get("inputs", ""))), ("input checksum", str(a.get("input_checksum", ""))),
             ("git commit", str(a.get("git_commit", "unknown")))]
    return rows
