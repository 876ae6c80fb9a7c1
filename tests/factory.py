"""Tiny datasets written on the fly, for tests whose optimum can be worked out by hand."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

TECH_DEFAULTS = {"name": "", "kind": "thermal", "fuel": "", "profile": "", "lifetime_yr": 10,
                 "efficiency": "", "capture_rate": 0, "min_load": 0, "ramp_rate_per_h": 1,
                 "availability": 1, "capacity_credit": 1, "storage_duration_min_h": 0,
                 "storage_duration_max_h": "", "round_trip_efficiency": "", "charge_efficiency": "",
                 "self_discharge_per_h": 0, "storage_linking": "day",
                 "separate_charge_capacity": False, "early_retirement": False, "retrofit_of": "",
                 "first_build_year": "", "new_build": True, "non_fossil": False, "min_stable_load": 0,
                 "start_cost_cny_per_kw": 0, "chp": False, "operating_reserve": False}

BASE_SETTINGS = {"discount_rate": 0.0, "first_period": 2020, "last_period": 2020, "period_years": 1,
                 "first_period_builds": True, "days": 365, "reserve_margin": 0.0, "ramping": False,
                 "build_limits": False, "value_of_lost_load_cny_per_mwh": 20000,
                 "co2_transport_storage_cny_per_t": 0.0}


def hours_profile(values_by_hour_of_day) -> np.ndarray:
    """A year of identical days from 24 hourly values."""
    return np.tile(np.asarray(values_by_hour_of_day, float), 365)


def write(folder: Path, *, regions=("A",), techs=(), costs=(), fuels=(("none", 0.0, False),),
          fuel_prices=None, existing=(), demand=None, load=None, profiles=None, lines=(),
          potentials=(), co2_caps=(), carbon_prices=(), clean_shares=(), build_limits=(),
          co2_storage=(), storage_potentials=(), settings=None, scenarios=None, heating=None,
          tables=None) -> Path:
    """Write a dataset folder. ``demand``: {region: TWh/yr} (same every year); ``load``: {region: 8760
    array} (default flat); ``profiles``: {name: {region: 8760 array}}; ``heating``: {region: (first day,
    last day)} of the heating season; ``tables``: {name: list of row dicts} for any other table."""
    folder = Path(folder)
    (folder / "profiles").mkdir(parents=True, exist_ok=True)
    years = [2000, 2100]
    reg = pd.DataFrame({"region": list(regions), "name": list(regions), "grid_region": list(regions),
                        "provinces": list(regions), "lon_deg": 110.0, "lat_deg": 35.0})
    if heating:
        reg["heating_start_doy"] = reg["region"].map({r: s for r, (s, _) in heating.items()}).astype("Int64")
        reg["heating_end_doy"] = reg["region"].map({r: e for r, (_, e) in heating.items()}).astype("Int64")
    reg.to_csv(folder / "regions.csv", index=False)
    rows = [{**TECH_DEFAULTS, **t} for t in techs]
    pd.DataFrame(rows, columns=list(TECH_DEFAULTS) + ["tech"])[["tech"] + list(TECH_DEFAULTS)].to_csv(
        folder / "techs.csv", index=False)
    cost_rows = []
    for c in costs:
        for y in years:
            cost_rows.append({"year": y, **c})
    pd.DataFrame(cost_rows, columns=["tech", "year", "capex_cny_per_kw", "capex_energy_cny_per_kwh",
                                     "capex_charge_cny_per_kw", "fom_cny_per_kw_yr", "vom_cny_per_mwh"]
                 ).to_csv(folder / "costs.csv", index=False)
    pd.DataFrame(list(fuels), columns=["fuel", "co2_t_per_gj", "biogenic"]).to_csv(
        folder / "fuels.csv", index=False)
    fp = fuel_prices or {f[0]: 0.0 for f in fuels}
    pd.DataFrame([{"fuel": f, "year": y, "price_cny_per_gj": p} for f, p in fp.items() for y in years]
                 ).to_csv(folder / "fuel_prices.csv", index=False)
    pd.DataFrame(list(existing), columns=["region", "tech", "build_year", "capacity_gw", "energy_gwh"]
                 ).to_csv(folder / "existing.csv", index=False)
    demand = demand or {r: 876.0 for r in regions}
    pd.DataFrame([{"region": r, "year": y, "demand_twh": d} for r, d in demand.items() for y in years]
                 ).to_csv(folder / "demand.csv", index=False)
    _profiles(folder, regions, load, profiles)
    pd.DataFrame(list(lines), columns=["line", "from_region", "to_region", "existing_gw", "length_km",
                                       "capex_cny_per_kw_km", "capex_fixed_cny_per_kw",
                                       "fom_share_per_yr", "loss_fixed", "loss_per_1000km", "max_gw",
                                       "lifetime_yr"]).to_csv(folder / "lines.csv", index=False)
    for name, cols, data in (("potentials", ["region", "tech", "max_gw"], potentials),
                             ("co2_caps", ["path", "year", "co2_cap_mt"], co2_caps),
                             ("carbon_prices", ["path", "year", "price_cny_per_t"], carbon_prices),
                             ("clean_shares", ["path", "year", "min_share"], clean_shares),
                             ("build_limits", ["tech", "year", "max_gw_per_yr"], build_limits),
                             ("co2_storage", ["region", "capacity_mt"], co2_storage),
                             ("storage_potentials", ["region", "tech", "max_gwh"], storage_potentials)):
        pd.DataFrame(list(data), columns=cols).to_csv(folder / f"{name}.csv", index=False)
    for name, rows in (tables or {}).items():
        pd.DataFrame(list(rows)).to_csv(folder / f"{name}.csv", index=False)
    scen = {"defaults": {**BASE_SETTINGS, **(settings or {})},
            "scenarios": scenarios or {"test": {"description": "test"}}}
    (folder / "scenarios.yaml").write_text(yaml.safe_dump(scen, sort_keys=False))
    return folder


def _profiles(folder, regions, load, profiles):
    load = load or {r: np.ones(8760) for r in regions}
    pd.DataFrame({"hour": np.arange(8760), **{r: load[r] for r in regions}}).to_csv(
        folder / "profiles" / "load.csv", index=False)
    for name, by_region in (profiles or {}).items():
        cols = {r: by_region.get(r, np.zeros(8760)) for r in regions}
        pd.DataFrame({"hour": np.arange(8760), **cols}).to_csv(folder / "profiles" / f"{name}.csv",
                                                               index=False)
