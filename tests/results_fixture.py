"""A small synthetic results Dataset that follows the results contract (``docs/results.md``), no solving.

2 regions, a few technologies (one, ``wave``, missing from the style table; ``hydrogen`` zero everywhere),
3 periods, 2 representative days × 4 segments of unequal duration (8 timesteps), 1 line.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

REGIONS = ("North", "South")
TECHS = ("coal", "coal_ccs_retrofit", "gas_peaker", "nuclear", "wind_onshore", "solar_utility", "beccs",
         "battery", "hydrogen", "wave")
PERIODS = (2020, 2030, 2060)
COMPONENTS = ("investment", "fixed_om", "variable_om", "fuel", "co2_transport_storage", "carbon_price",
              "transmission", "unserved_energy", "demand_response")
DURATION = np.array([6.0, 6.0, 4.0, 8.0, 8.0, 4.0, 6.0, 6.0])  # h
DAY = np.array([0, 0, 0, 0, 1, 1, 1, 1])
DAY_WEIGHT = np.array([200.0, 165.0])  # d/yr
SOURCE_DAY = np.array([190, 15])  # 10 July, 16 January
#: national capacity by period [GW]
CAPACITY = {"coal": (100, 80, 0), "coal_ccs_retrofit": (0, 10, 20), "gas_peaker": (0, 20, 40),
            "nuclear": (10, 20, 30), "wind_onshore": (20, 100, 300), "solar_utility": (10, 120, 400),
            "beccs": (0, 0, 5), "battery": (0, 30, 100), "hydrogen": (0, 0, 0), "wave": (0, 0, 2)}
CF = {"coal": 0.5, "coal_ccs_retrofit": 0.5, "gas_peaker": 0.05, "nuclear": 0.85, "wind_onshore": 0.25,
      "solar_utility": 0.15, "beccs": 0.6, "battery": 0.1, "hydrogen": 0.0, "wave": 0.3}
CO2 = {"coal": 0.9, "coal_ccs_retrofit": 0.1, "gas_peaker": 0.4, "beccs": -1.0}  # net Mt per TWh
CAPTURE = {"coal_ccs_retrofit": 0.8, "beccs": 1.0}  # captured Mt per TWh
REGION_SHARE = np.array([0.6, 0.4])


def _first_hours() -> np.ndarray:
    out = np.zeros_like(DURATION)
    for d in np.unique(DAY):
        idx = np.where(DAY == d)[0]
        out[idx] = np.concatenate([[0.0], np.cumsum(DURATION[idx])[:-1]])
    return out


def _profiles(first: np.ndarray) -> dict[str, np.ndarray]:
    """Per-timestep output relative to capacity [-]; storage: discharge (+) and charge (−)."""
    mid = first + DURATION / 2
    sun = np.clip(np.sin((mid - 6) / 12 * np.pi), 0, None) * np.where(DAY == 0, 0.8, 0.4)
    battery = np.where(sun > 0.2, -0.5, 0.4)
    return {"solar_utility": sun, "wind_onshore": np.where(DAY == 0, 0.2, 0.4), "battery": battery}


def _rtp(values: dict, scale: float) -> xr.DataArray:
    arr = np.array([[np.asarray(values.get(t, (0, 0, 0)), float) * s for t in TECHS] for s in REGION_SHARE])
    return _da(arr * scale, ("region", "tech", "period"), "GW", "")


def _da(values, dims, unit, description) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, float), dims=dims,
                        attrs={"units": unit, "description": description})


def _attrs(scenario: str, inputs: str) -> dict:
    settings = {"discount_rate": 0.06, "first_period": 2020, "last_period": 2060, "period_years": 5,
                "co2_cap": "3060" if scenario != "reference" else None, "carbon_price": "ets_current",
                "solver": "highs"}
    return {"scenario": scenario, "description": f"Synthetic test scenario {scenario}",
            "objective_bn_cny": 0.0, "solver": "highs 1.15.1", "status": "Optimal",
            "input_checksum": "abc123",
            "inputs": inputs, "settings": json.dumps(settings), "overrides": "discount_rate=0.06",
            "created": "2026-01-02T03:04:05+00:00", "n_variables": 100, "n_constraints": 80,
            "n_nonzeros": 300, "model_version": "9.9.9", "pyomo": "6.10", "highspy": "1.15",
            "python": "3.11", "solve_s": 0.1, "git_commit": "abcdef123456"}


def make_results(scenario: str = "test", scale: float = 1.0, source_day: bool = True,
                 inputs: str = "", stranded: bool = False) -> xr.Dataset:
    """The synthetic results Dataset; ``scale`` multiplies capacities, energy, emissions and costs."""
    first = _first_hours()
    weight = DAY_WEIGHT[DAY] * DURATION
    coords = {"region": list(REGIONS), "tech": list(TECHS), "period": list(PERIODS),
              "timestep": np.arange(len(DAY)), "line": ["North-South"], "component": list(COMPONENTS),
              "day": np.arange(len(DAY_WEIGHT))}
    ds = xr.Dataset(coords=coords)
    for name, values in (("timestep_day", DAY), ("timestep_step", np.array([0, 1, 2, 3] * 2)),
                         ("first_hour", first.astype(int)), ("duration", DURATION), ("weight", weight)):
        ds.coords[name] = ("timestep", values)
    ds.coords["line_from"] = ("line", ["North"])
    ds.coords["line_to"] = ("line", ["South"])
    ds["day_weight"] = _da(DAY_WEIGHT, ("day",), "d/yr", "days per year represented")
    if source_day:
        ds["source_day"] = xr.DataArray(SOURCE_DAY, dims="day",
                                        attrs={"units": "-", "description": "calendar day (0-based)"})
    cap = _rtp(CAPACITY, scale)
    ds["capacity"] = cap
    ds["new_capacity"] = cap.copy(data=np.clip(np.diff(cap.values, axis=2, prepend=0.0), 0, None))
    ds["new_capacity"][:, :, 0] = 0.0
    ds["retired_capacity"] = _rtp({"coal": (0, 10, 40)}, scale)
    ds["converted_capacity"] = _rtp({"coal": (0, 10, 10)}, scale)
    ds["retired_end_of_life"] = _rtp({"coal": (0, 10, 30)}, scale)
    ds["storage_energy_capacity"] = _rtp({"battery": tuple(4 * v for v in CAPACITY["battery"])}, scale)
    ds["charge_capacity"] = cap * 0.0
    cf = xr.DataArray([CF[t] for t in TECHS], dims="tech")
    ds["generation"] = cap * cf * 8.76
    prof = _profiles(first)
    rel = np.array([prof.get(t, np.full(len(DAY), CF[t])) for t in TECHS])
    disp = cap * xr.DataArray(rel, dims=("tech", "timestep"))
    ds["dispatch"] = disp
    ds["charge"] = (-disp).clip(min=0) * xr.DataArray([t == "battery" for t in TECHS], dims="tech")
    ds["curtailment"] = ds["generation"] * 0.02 * xr.DataArray([t in ("wind_onshore", "solar_utility")
                                                                 for t in TECHS], dims="tech")
    ds["load"] = disp.sum("tech")
    _co2(ds)
    _costs_and_prices(ds, scale, stranded)
    for name, unit in UNITS.items():
        if name in ds:
            ds[name].attrs = {"units": unit, "description": name.replace("_", " ")}
    ds.attrs.update(_attrs(scenario, inputs))
    return ds.transpose("component", "line", "region", "tech", "period", "timestep", "day", ...)


def _co2(ds: xr.Dataset) -> None:
    net = xr.DataArray([CO2.get(t, 0.0) for t in TECHS], dims="tech")
    capt = xr.DataArray([CAPTURE.get(t, 0.0) for t in TECHS], dims="tech")
    ds["emissions_by_tech"] = ds["generation"] * net
    ds["emissions"] = ds["emissions_by_tech"].sum("tech")
    ds["captured_co2_by_tech"] = ds["generation"] * capt
    ds["captured_co2"] = ds["captured_co2_by_tech"].sum("tech")


def _costs_and_prices(ds: xr.Dataset, scale: float, stranded: bool) -> None:
    n = len(PERIODS)
    ds["co2_cap"] = _da([np.nan, 600.0, 5.0], ("period",), "Mt/yr", "")
    ds["period_weight"] = _da([4.5, 3.0, 1.0], ("period",), "yr", "sum of discount factors of the years")
    ds["carbon_price"] = _da([0.0, 80.0, 200.0], ("period",), "CNY/t", "")
    ds["co2_shadow_price"] = _da([0.0, 20.0, 300.0 * scale], ("period",), "CNY/t", "")
    ds["co2_price"] = ds["carbon_price"] + ds["co2_shadow_price"]
    ds["electricity_price"] = ds["load"] * 0.0 + 300.0
    ds["reserve_price"] = ds["emissions"] * 0.0
    ds["reserve_requirement"] = ds["load"].max("timestep")
    ds["unserved_energy"] = ds["emissions"] * 0.0
    base = np.array([[100, 400, 700], [50, 80, 120], [20, 15, 5], [300, 200, 30], [0, 2, 8],
                     [0, 30, 2], [5, 10, 25], [0, 0, 0], [0, 0, 0]], float)
    ds["cost"] = _da(base * scale, ("component", "period"), "bn CNY/yr", "")
    ds["cost_npv"] = _da(base.sum(axis=1) * 4.0 * scale, ("component",), "bn CNY", "")
    ds["total_cost"] = ds["cost_npv"].sum()
    ds["investment"] = _da(np.array([0.0, 5000.0, 8000.0][:n]) * scale, ("period",), "bn CNY", "")
    ds["transmission_capacity"] = _da([[10.0, 20.0, 50.0]], ("line", "period"), "GW", "")
    ds["new_transmission_capacity"] = _da([[0.0, 10.0, 30.0]], ("line", "period"), "GW", "")
    ds["flow"] = ds["transmission_capacity"] * xr.DataArray(np.linspace(0.2, 0.8, len(DAY)), dims="timestep")
    if stranded:
        ds["stranded_capital"] = _rtp({"coal": (0.0, 50.0, 120.0)}, 1.0)
    _inputs_copied(ds, scale)


def _inputs_copied(ds: xr.Dataset, scale: float) -> None:
    """Inputs the results carry for comparison: the base-year fleet by cohort, build limits, potentials,
    capacity credits, and the base-year fleet's capital as an annuity."""
    vint = [2010, 2015, 2020]
    base = {t: CAPACITY[t][0] for t in TECHS}
    shares = np.array([0.3, 0.3, 0.4])
    ex = np.array([[[base[t] * sh * r * scale for sh in shares] for t in TECHS] for r in REGION_SHARE])
    ds["existing_capacity"] = xr.DataArray(ex, dims=("region", "tech", "vintage"), coords={"vintage": vint},
                                           attrs={"units": "GW", "description": "base-year fleet by cohort"})
    limit = np.full((len(TECHS), len(PERIODS)), np.inf)
    limit[TECHS.index("wind_onshore")] = [np.inf, 16.0, 100.0]  # GW/yr; 2030 builds 80 GW = 16 × 5 years
    ds["build_limit"] = _da(limit, ("tech", "period"), "GW/yr", "national new-build limit")
    pot = np.full((len(REGIONS), len(TECHS)), np.inf)
    pot[:, TECHS.index("solar_utility")] = 400 * REGION_SHARE * scale  # reached in 2060
    ds["potential"] = _da(pot, ("region", "tech"), "GW", "upper bound on installed capacity")
    ds["capacity_credit"] = _da([0.9, 0.8, 0.95, 0.88, 0.1, 0.05, 0.85, 0.5, 0.9, 0.2], ("tech",), "-", "")
    ds["sunk_fleet_annuity"] = _da(np.array([60.0, 40.0, 5.0]) * scale, ("period",), "bn CNY/yr", "")


UNITS = {"capacity": "GW", "new_capacity": "GW", "retired_capacity": "GW", "converted_capacity": "GW",
         "retired_end_of_life": "GW", "storage_energy_capacity": "GWh", "charge_capacity": "GW",
         "generation": "TWh/yr", "dispatch": "GW", "charge": "GW", "curtailment": "TWh/yr", "load": "GW",
         "emissions": "Mt/yr", "emissions_by_tech": "Mt/yr", "captured_co2": "Mt/yr",
         "captured_co2_by_tech": "Mt/yr", "electricity_price": "CNY/MWh", "reserve_price": "CNY/(kW*yr)",
         "reserve_requirement": "GW", "unserved_energy": "TWh/yr", "flow": "GW", "stranded_capital": "bn CNY"}


def write_inputs(folder: Path) -> Path:
    """A dataset folder holding only ``regions.csv`` (positions for the map)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"region": list(REGIONS), "name": list(REGIONS), "lon_deg": [116.0, 113.0],
                  "lat_deg": [40.0, 23.0]}).to_csv(folder / "regions.csv", index=False)
    return folder


def write_results_folder(folder: Path, ds: xr.Dataset) -> Path:
    """A results folder with ``results.nc`` only."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(folder / "results.nc")
    return folder
