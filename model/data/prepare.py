"""Turn validated input tables into the model's data: one labelled xarray Dataset.

Year-keyed tables are interpolated to the periods (held constant outside the years given; policy paths
are not extended backwards before their first year). Fuel prices and carbon contents become per-MWh
costs and emission rates of each technology. Hourly profiles are reduced to representative timesteps.
Every data variable carries its unit in ``attrs['units']``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from model.data import finance
from model.data.operations import add_operations
from model.data.periods import span_start
from model.data.settings import Settings
from model.data.timeslices import TimeSlices, peak_ratio, representative_days
from model.data.years import interp_years, path_values

GJ_PER_MWH = 3.6


def _da(values, dims, coords, unit: str, description: str = "") -> xr.DataArray:
    return xr.DataArray(values, dims=dims, coords={d: coords[d] for d in dims},
                        attrs={"units": unit, "description": description})


def tech_data(techs: pd.DataFrame, fuels: pd.DataFrame) -> dict:
    """Per-technology attributes, storage efficiencies and CO2 rates per MWh of electricity."""
    t = techs.set_index("tech")
    fuel = fuels.set_index("fuel")
    content = t["fuel"].map(fuel["co2_t_per_gj"]).fillna(0.0).astype(float)
    biogenic = t["fuel"].map(fuel["biogenic"]).fillna(False).astype(bool)
    eff = t["efficiency"].astype(float)
    heat = np.where(eff > 0, GJ_PER_MWH / eff, 0.0)  # GJ fuel per MWh electricity
    co2 = content * heat
    cap = t["capture_rate"].astype(float)
    emitted = np.where(biogenic, 0.0, co2 * (1 - cap))
    captured = co2 * cap
    net = emitted - np.where(biogenic, captured, 0.0)
    rte = t["round_trip_efficiency"].astype(float)
    eta_c = t["charge_efficiency"].astype(float).fillna(np.sqrt(rte))
    eta_d = rte / eta_c
    return {"heat_rate_gj_per_mwh": heat, "co2_net_t_per_mwh": net, "co2_captured_t_per_mwh": captured,
            "charge_efficiency": eta_c.to_numpy(), "discharge_efficiency": eta_d.to_numpy()}


def demand_share(tables: dict, settings: Settings) -> pd.Series:
    """Each region's share of first-period demand (weights the national net load)."""
    region_ids = tables["regions"]["region"].tolist()
    demand = interp_years(tables["demand"], "region", "demand_twh", settings.periods).reindex(region_ids)
    return demand.iloc[:, 0] / demand.iloc[:, 0].sum()


def time_slices(tables: dict, profiles: dict, settings: Settings) -> TimeSlices:
    """Representative days for a dataset; national net load weights regions by first-period demand."""
    share = demand_share(tables, settings)
    return representative_days(profiles, settings.days, share, settings.segments, settings.extra_days)


def prepare(tables: dict, profiles: dict, settings: Settings, time: TimeSlices | None = None) -> xr.Dataset:
    """Build the model data Dataset (see module docstring) from validated tables and hourly profiles."""
    s = settings
    periods = np.array(s.periods)
    techs, regions = tables["techs"], tables["regions"]
    tech_ids, region_ids = techs["tech"].tolist(), regions["region"].tolist()
    demand = interp_years(tables["demand"], "region", "demand_twh", periods).reindex(region_ids)
    if time is None:
        time = time_slices(tables, profiles, s)
    coords = {"region": region_ids, "tech": tech_ids, "period": periods,
              "timestep": np.arange(time.n_steps), "day": np.arange(len(time.day_weight)),
              "calendar_day": np.arange(len(time.chronology))}
    ds = xr.Dataset(coords=coords)
    _add_time(ds, time, coords)
    _add_techs(ds, techs, tables["fuels"], coords)
    _add_costs(ds, tables, s, coords)
    ds["demand"] = _da(demand.to_numpy(), ("region", "period"), coords, "TWh/yr",
                       "annual demand at the bus bar")
    load = time.profiles["load"][region_ids].to_numpy().T
    ds["load_shape"] = _da(load, ("region", "timestep"), coords, "-",
                           "load relative to the annual mean (weighted mean 1)")
    ratio = peak_ratio(profiles["load"][region_ids]).to_numpy()
    ds["peak_demand"] = _da(demand.to_numpy() * 1000 / 8760 * ratio[:, None], ("region", "period"),
                            coords, "GW", "peak of the full-year hourly load")
    _add_profiles(ds, techs, time, coords)
    _add_existing(ds, tables["existing"], coords)
    _add_potentials(ds, tables.get("potentials"), coords)
    _add_potentials(ds, tables.get("storage_potentials"), coords, "max_gwh", "energy_potential", "GWh",
                    "upper bound on storage energy capacity")
    _add_lines(ds, tables.get("lines"), s, coords)
    _add_policies(ds, tables, s, coords)
    add_operations(ds, tables, s, time, coords)
    ds.attrs.update({"settings": s.model_dump_json(), "first_period": int(periods[0]),
                     "period_years": s.period_years, "first_decision_period": s.first_decision_period})
    return ds


def _add_time(ds, time: TimeSlices, coords) -> None:
    ds["timestep_day"] = _da(time.day, ("timestep",), coords, "-", "representative day of the timestep")
    ds["timestep_step"] = _da(time.step, ("timestep",), coords, "-", "position within the day")
    ds["duration"] = _da(time.duration_h, ("timestep",), coords, "h", "length of the timestep")
    ds["weight"] = _da(time.weight_h, ("timestep",), coords, "h/yr", "hours per year represented")
    ds["first_hour"] = _da(time.first_hour, ("timestep",), coords, "h", "hour of day it starts")
    ds["day_weight"] = _da(time.day_weight, ("day",), coords, "d/yr", "days per year represented")
    ds["source_day"] = _da(time.source_day, ("day",), coords, "-", "calendar day (0-based) it comes from")
    ds["chronology"] = _da(time.chronology, ("calendar_day",), coords, "-",
                           "representative day of each calendar day")
    start, length, day = chronology_runs(time.chronology)
    ds.coords["run"] = np.arange(len(start))
    ds["run_start"] = xr.DataArray(start, dims=["run"], attrs={"units": "-", "description":
                                   "first calendar day of a run of days with the same representative day"})
    ds["run_length"] = xr.DataArray(length, dims=["run"], attrs={"units": "d"})
    ds["run_day"] = xr.DataArray(day, dims=["run"], attrs={"units": "-"})


def chronology_runs(chronology: np.ndarray):
    """Runs of consecutive calendar days represented by the same day: (start, length, day) arrays."""
    change = np.r_[True, chronology[1:] != chronology[:-1]]
    start = np.flatnonzero(change)
    length = np.diff(np.r_[start, len(chronology)])
    return start, length, chronology[start]


def _add_techs(ds, techs: pd.DataFrame, fuels: pd.DataFrame, coords) -> None:
    t = techs.set_index("tech")
    for col, unit in [("kind", "-"), ("fuel", "-"), ("profile", "-"), ("lifetime_yr", "yr"),
                      ("efficiency", "-"), ("capture_rate", "-"), ("min_load", "-"), ("min_capacity_factor", "-"),
                      ("ramp_rate_per_h", "1/h"), ("availability", "-"), ("capacity_credit", "-"),
                      ("storage_duration_min_h", "h"), ("storage_duration_max_h", "h"),
                      ("round_trip_efficiency", "-"), ("self_discharge_per_h", "1/h"),
                      ("storage_linking", "-"), ("separate_charge_capacity", "-"),
                      ("early_retirement", "-"), ("retrofit_of", "-"), ("first_build_year", "year"),
                      ("new_build", "-"), ("non_fossil", "-"), ("name", "-"),
                      ("min_stable_load", "-"), ("start_cost_cny_per_kw", "CNY/kW"), ("chp", "-"),
                      ("operating_reserve", "-")]:
        vals = t[col]
        if not (pd.api.types.is_numeric_dtype(vals) or pd.api.types.is_bool_dtype(vals)):
            vals = vals.fillna("").astype(str).astype(object)
        ds[col] = _da(vals.to_numpy(), ("tech",), coords, unit)
    for key, arr in tech_data(techs, fuels).items():
        unit = {"heat_rate_gj_per_mwh": "GJ/MWh", "co2_net_t_per_mwh": "t/MWh",
                "co2_captured_t_per_mwh": "t/MWh"}.get(key, "-")
        ds[key] = _da(np.asarray(arr, float), ("tech",), coords, unit)


def _add_costs(ds, tables: dict, s: Settings, coords) -> None:
    periods, techs = coords["period"], coords["tech"]
    costs = tables["costs"]
    for col, name, unit in [("capex_cny_per_kw", "capex", "CNY/kW"),
                            ("capex_energy_cny_per_kwh", "capex_energy", "CNY/kWh"),
                            ("capex_charge_cny_per_kw", "capex_charge", "CNY/kW"),
                            ("fom_cny_per_kw_yr", "fom", "CNY/(kW*yr)"),
                            ("vom_cny_per_mwh", "vom", "CNY/MWh")]:
        wide = interp_years(costs, "tech", col, periods).reindex(techs).fillna(0.0)
        ds[name] = _da(wide.to_numpy(), ("tech", "period"), coords, unit)
    prices = interp_years(tables["fuel_prices"], "fuel", "price_cny_per_gj", periods)
    fuel = ds["fuel"].to_numpy()
    fuel_cost = np.array([prices.loc[f].to_numpy() if f in prices.index else np.zeros(len(periods))
                          for f in fuel]) * ds["heat_rate_gj_per_mwh"].to_numpy()[:, None]
    ds["fuel_cost"] = _da(fuel_cost, ("tech", "period"), coords, "CNY/MWh", "fuel cost per MWh generated")
    life = ds["lifetime_yr"].to_numpy()[:, None]
    ds["period_weight"] = _da(finance.period_weight(periods, s.period_years, s.discount_rate,
                                                    s.first_period), ("period",), coords, "yr",
                              "sum of discount factors over the period's years")
    ds["period_start"] = _da(span_start(periods, s.period_years), ("period",), coords, "year",
                             "first calendar year the period stands for (model/data/periods.py)")
    ds["annuity_weight"] = _da(finance.annuity_weight(periods[None, :], life, s.discount_rate,
                                                      s.first_period, s.horizon_end, s.period_years),
                               ("tech", "period"), coords, "-",
                               "PV of annuities inside the horizon per unit of overnight cost")


def _add_profiles(ds, techs: pd.DataFrame, time: TimeSlices, coords) -> None:
    """Capacity factor of variable and hydro techs per region and timestep (1 for the others)."""
    cf = np.ones((len(coords["region"]), len(coords["tech"]), len(coords["timestep"])))
    for k, prof in enumerate(ds["profile"].to_numpy()):
        if prof:
            cf[:, k, :] = time.profiles[prof][coords["region"]].to_numpy().T
    ds["capacity_factor"] = _da(cf, ("region", "tech", "timestep"), coords, "-",
                                "hourly availability of variable renewables / hydro inflow")


def _add_existing(ds, existing: pd.DataFrame, coords) -> None:
    vint = np.unique(np.concatenate([existing["build_year"].to_numpy(int), coords["period"]]))
    coords["vintage"] = vint
    ds.coords["vintage"] = vint
    existing = existing.assign(charge_gw=existing["charge_gw"].astype(float).fillna(existing["capacity_gw"]))
    if "capex_cny_per_kw" not in existing:
        existing = existing.assign(capex_cny_per_kw=np.nan)
    for col, name, unit, how in [("capacity_gw", "existing_capacity", "GW", "sum"),
                                 ("energy_gwh", "existing_energy", "GWh", "sum"),
                                 ("charge_gw", "existing_charge", "GW", "sum"),
                                 ("capex_cny_per_kw", "existing_capex", "CNY/kW", "mean")]:
        arr = existing.assign(**{col: existing[col].astype(float)}).groupby(
            ["region", "tech", "build_year"])[col].agg(how).to_xarray()
        arr = arr.rename(build_year="vintage").reindex(region=coords["region"], tech=coords["tech"],
                                                       vintage=vint)
        if how == "sum":
            arr = arr.fillna(0.0)
        ds[name] = _da(arr.to_numpy(), ("region", "tech", "vintage"), coords, unit,
                       "fleet to the last history year by commissioning year")


def _add_potentials(ds, pot: pd.DataFrame | None, coords, column: str = "max_gw", name: str = "potential",
                    unit: str = "GW", description: str = "upper bound on installed capacity") -> None:
    """A (region, tech) bound from a potentials table; ``inf`` where no row gives one."""
    arr = np.full((len(coords["region"]), len(coords["tech"])), np.inf)
    if pot is not None and len(pot):
        wide = pot.pivot(index="region", columns="tech", values=column)
        wide = wide.reindex(index=coords["region"], columns=coords["tech"])
        arr = np.where(wide.isna(), np.inf, wide.to_numpy(float))
    ds[name] = _da(arr, ("region", "tech"), coords, unit, description)


def _add_lines(ds, lines: pd.DataFrame | None, s: Settings, coords) -> None:
    lines = lines if lines is not None else pd.DataFrame(columns=["line", "from_region", "to_region"])
    coords["line"] = lines["line"].tolist()
    ds.coords["line"] = coords["line"]
    if not len(lines):
        return
    capex = lines["capex_cny_per_kw_km"] * lines["length_km"] + lines["capex_fixed_cny_per_kw"]
    loss = lines["loss_fixed"] + lines["loss_per_1000km"] * lines["length_km"] / 1000
    vals = {"line_from": (lines["from_region"], "-"), "line_to": (lines["to_region"], "-"),
            "line_existing": (lines["existing_gw"], "GW"), "line_length": (lines["length_km"], "km"),
            "line_capex": (capex, "CNY/kW"), "line_loss": (loss, "fraction"),
            "line_fom_share": (lines["fom_share_per_yr"], "1/yr"),
            "line_max": (lines["max_gw"].astype(float).fillna(np.inf), "GW"),
            "line_lifetime": (lines["lifetime_yr"], "yr")}
    for name, (v, unit) in vals.items():
        ds[name] = _da(np.asarray(v.to_numpy()), ("line",), coords, unit)
    ds["line_annuity_weight"] = _da(
        finance.annuity_weight(coords["period"][None, :], lines["lifetime_yr"].to_numpy()[:, None],
                               s.discount_rate, s.first_period, s.horizon_end, s.period_years),
        ("line", "period"), coords, "-")


def _add_policies(ds, tables: dict, s: Settings, coords) -> None:
    """Policy paths at the periods; targets (caps, shares) apply from the first decision period on."""
    periods = coords["period"]
    decided = periods >= s.first_decision_period
    cap = path_values(tables, "co2_caps", "co2_cap_mt", s.co2_cap, periods)
    ds["co2_cap"] = _da(np.where(decided, cap, np.nan), ("period",), coords, "Mt/yr",
                        "national CO2 cap (NaN: none)")
    price = np.nan_to_num(path_values(tables, "carbon_prices", "price_cny_per_t", s.carbon_price, periods))
    ds["carbon_price"] = _da(price, ("period",), coords, "CNY/t", "carbon price paid on net emissions")
    for name, what in (("co2_price_floor", "lowest price of the CO2 cap's allowances, charged on net "
                                           "emissions (0: none)"),
                       ("co2_price_ceiling", "highest price of the CO2 cap's allowances: emissions above "
                                             "the cap bought at it (NaN: none)")):
        vals = path_values(tables, "carbon_prices", "price_cny_per_t", getattr(s, name), periods)
        ds[name] = _da(np.nan_to_num(vals) if name == "co2_price_floor" else vals, ("period",), coords,
                       "CNY/t", what)
    share = path_values(tables, "clean_shares", "min_share", s.clean_share, periods)
    ds["clean_share"] = _da(np.where(decided, share, np.nan), ("period",), coords, "fraction",
                            "minimum non-fossil share (NaN: none)")
    limits = np.full((len(coords["tech"]), len(periods)), np.inf)
    if s.build_limits and tables.get("build_limits") is not None and len(tables["build_limits"]):
        wide = interp_years(tables["build_limits"], "tech", "max_gw_per_yr", periods, backward=False)
        wide = wide.reindex(coords["tech"])
        limits = np.where(wide.isna(), np.inf, wide.to_numpy(float))
    ds["build_limit"] = _da(limits, ("tech", "period"), coords, "GW/yr", "national new-build limit")
    storage = np.full(len(coords["region"]), np.inf)
    if tables.get("co2_storage") is not None and len(tables["co2_storage"]):
        st = tables["co2_storage"].set_index("region")["capacity_mt"]
        storage = st.reindex(coords["region"]).fillna(0.0).to_numpy(float)
    ds["co2_storage"] = _da(storage, ("region",), coords, "Mt", "cumulative CO2 storage capacity")
