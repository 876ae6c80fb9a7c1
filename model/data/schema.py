"""The parameter registry: every input table and column, with type, unit, default, bounds and meaning.

This one declaration drives validation (:mod:`model.data.validate_tables`), defaults, the ``--set`` override names
(:mod:`model.data.settings`) and the documentation (``docs/inputs.md``). Units are part of column names.
"""
from __future__ import annotations

from dataclasses import dataclass

from model.data.dims import KINDS, PROFILES


@dataclass(frozen=True)
class Col:
    """One column of an input table.

    ``kind`` is ``str``, ``float``, ``int`` or ``bool``. A column with a ``default`` may be left out or
    blank; one without must be given in every row. ``ref`` names a ``table.column`` the value must exist
    in. ``ge/gt/le`` are inclusive/exclusive bounds.
    """

    name: str
    kind: str = "float"
    unit: str = ""
    default: object = None
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    choices: tuple | None = None
    ref: str | None = None
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    optional: bool = False  # may be blank without a default (e.g. an unbounded upper limit)


@dataclass(frozen=True)
class Table:
    """One CSV file of a dataset: its key columns and value columns."""

    name: str
    key: tuple[str, ...]
    columns: tuple[Col, ...]
    required: bool = True
    description: str = ""

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)

    @property
    def value_columns(self) -> list[Col]:
        return [c for c in self.columns if c.name not in self.key]


#: plausibility limits by unit, on top of each column's own bounds: (lowest, highest) accepted and the
#: highest usual value. Beyond the limits a value is an error (a lifetime of 1e-300 yr, capex of 1e308
#: CNY/kW, a year 1e19 are typos or unit errors); above the usual value it is accepted with a warning.
UNIT_LIMITS: dict[str, tuple[float | None, float | None, float | None]] = {
    "year": (1900, 2200, None),
    "yr": (1, 200, 100),
    "CNY/kW": (None, 1e6, 1e5),
    "CNY/kWh": (None, 1e5, 1e4),
    "CNY/(kW*yr)": (None, 1e5, 1e4),
    "CNY/(kW*km)": (None, 1e3, 100),
    "CNY/MWh": (None, 1e5, 1e4),
    "CNY/GJ": (None, 1e4, 1e3),
    "CNY/t": (None, 1e5, 1e4),
    "t/GJ": (None, 1.0, 0.2),
    "GW": (None, 1e6, 1e5),
    "GWh": (None, 1e7, 1e6),
    "TWh/yr": (None, 1e5, 2e4),
    "GW/yr": (None, 1e4, 1e3),
    "Mt/yr": (-1e7, 1e7, 1e5),
    "Mt": (None, 1e8, 1e7),
    "km": (None, 2e4, 5e3),
    "h": (None, 1e6, 1e4),
}


def limits(c: "Col") -> dict:
    """The bounds a column's values must keep (``ge``, ``gt``, ``le``; None where there is none): its own,
    tightened by the plausibility limits of its unit (:data:`UNIT_LIMITS`)."""
    lo, hi, _ = UNIT_LIMITS.get(c.unit, (None, None, None))
    ge = c.ge if lo is None else max(lo, c.ge) if c.ge is not None else lo
    gt = c.gt if (c.gt is None or ge is None or c.gt >= ge) else None
    le = c.le if hi is None else min(hi, c.le) if c.le is not None else hi
    return {"ge": ge, "gt": gt, "le": le}


FRACTION = dict(ge=0.0, le=1.0)
POSITIVE_FRACTION = dict(gt=0.0, le=1.0)

TABLES: dict[str, Table] = {t.name: t for t in [
    Table("regions", ("region",), (
        Col("region", "str"),
        Col("name", "str", default=""),
        Col("grid_region", "str", default=""),
        Col("provinces", "str", default=""),
        Col("lon_deg", "float", "degree", ge=-180, le=180),
        Col("lat_deg", "float", "degree", ge=-90, le=90),
        Col("heating_start_doy", "int", "day of year", optional=True, ge=1, le=365,
            description="first day of the district-heating season (1 = 1 January; blank: none)"),
        Col("heating_end_doy", "int", "day of year", optional=True, ge=1, le=365,
            description="last day of the heating season (may be earlier in the year than the start: the "
                        "season then runs over the new year)"),
    ), description="regions of the model"),
    Table("techs", ("tech",), (
        Col("tech", "str"),
        Col("name", "str", default=""),
        Col("kind", "str", choices=KINDS),
        Col("fuel", "str", optional=True, ref="fuels.fuel"),
        Col("profile", "str", optional=True, choices=tuple(p for p in PROFILES if p != "load")),
        Col("lifetime_yr", "float", "yr", gt=0),
        Col("efficiency", "float", "fraction", optional=True, **POSITIVE_FRACTION),
        Col("capture_rate", "float", "fraction", default=0.0, **FRACTION),
        Col("min_load", "float", "fraction", default=0.0, **FRACTION),
        Col("min_capacity_factor", "float", "fraction", default=0.0, **FRACTION,
            description="annual must-run: generation ≥ this × available capacity × 8760 h"),
        Col("ramp_rate_per_h", "float", "1/h", default=1.0, gt=0),
        Col("availability", "float", "fraction", default=1.0, **POSITIVE_FRACTION),
        Col("capacity_credit", "float", "fraction", default=0.0, **FRACTION),
        Col("storage_duration_min_h", "float", "h", default=0.0, ge=0),
        Col("storage_duration_max_h", "float", "h", optional=True, gt=0),
        Col("round_trip_efficiency", "float", "fraction", optional=True, **POSITIVE_FRACTION),
        Col("charge_efficiency", "float", "fraction", optional=True, **POSITIVE_FRACTION),
        Col("self_discharge_per_h", "float", "1/h", default=0.0, **FRACTION),
        Col("storage_linking", "str", default="day", choices=("day", "year")),
        Col("separate_charge_capacity", "bool", default=False),
        Col("early_retirement", "bool", default=False),
        Col("retrofit_of", "str", optional=True, ref="techs.tech"),
        Col("first_build_year", "int", "year", optional=True),
        Col("new_build", "bool", default=True),
        Col("non_fossil", "bool", default=False),
        Col("min_stable_load", "float", "fraction", default=0.0, **FRACTION,
            description="linear unit commitment: output ≥ this × online capacity (0: no commitment)"),
        Col("start_cost_cny_per_kw", "float", "CNY/kW", default=0.0, ge=0,
            description="cost of bringing one kW online (fuel and wear of a start)"),
        Col("chp", "bool", default=False,
            description="may serve the heat-led must-run of combined heat and power (chp_must_run.csv)"),
        Col("operating_reserve", "bool", default=False,
            description="may hold operating reserve: online headroom (committed plants), available "
                        "headroom (other dispatchable plants), or discharge headroom with energy behind it "
                        "(storage)"),
    ), description="technology characteristics"),
    Table("costs", ("tech", "year"), (
        Col("tech", "str", ref="techs.tech"),
        Col("year", "int", "year"),
        Col("capex_cny_per_kw", "float", "CNY/kW", ge=0),
        Col("capex_energy_cny_per_kwh", "float", "CNY/kWh", default=0.0, ge=0),
        Col("capex_charge_cny_per_kw", "float", "CNY/kW", default=0.0, ge=0),
        Col("fom_cny_per_kw_yr", "float", "CNY/(kW*yr)", default=0.0, ge=0),
        Col("vom_cny_per_mwh", "float", "CNY/MWh", default=0.0, ge=0),
    ), description="technology costs by year, real 2020 CNY"),
    Table("fuels", ("fuel",), (
        Col("fuel", "str"),
        Col("co2_t_per_gj", "float", "t/GJ", ge=0),
        Col("biogenic", "bool", default=False),
    ), description="fuel carbon content"),
    Table("fuel_prices", ("fuel", "year"), (
        Col("fuel", "str", ref="fuels.fuel"),
        Col("year", "int", "year"),
        Col("price_cny_per_gj", "float", "CNY/GJ", ge=0),
    ), description="fuel prices by year, real 2020 CNY"),
    Table("existing", ("region", "tech", "build_year"), (
        Col("region", "str", ref="regions.region"),
        Col("tech", "str", ref="techs.tech"),
        Col("build_year", "int", "year"),
        Col("capacity_gw", "float", "GW", ge=0),
        Col("energy_gwh", "float", "GWh", default=0.0, ge=0),
        Col("charge_gw", "float", "GW", optional=True, ge=0,
            description="separate charging capacity (storage with separate_charge_capacity; blank = "
                        "capacity_gw)"),
        Col("capex_cny_per_kw", "float", "CNY/kW", optional=True, ge=0,
            description="overnight cost the cohort was built at, for its stranded capital if retired early "
                        "(blank: the first period's capex; myopic steps record the build period's)"),
    ), description="base-year fleet by commissioning cohort"),
    Table("demand", ("region", "year"), (
        Col("region", "str", ref="regions.region"),
        Col("year", "int", "year"),
        Col("demand_twh", "float", "TWh/yr", ge=0),
    ), description="annual demand at the bus bar"),
    Table("lines", ("line",), (
        Col("line", "str"),
        Col("from_region", "str", ref="regions.region"),
        Col("to_region", "str", ref="regions.region"),
        Col("existing_gw", "float", "GW", default=0.0, ge=0),
        Col("length_km", "float", "km", gt=0),
        Col("capex_cny_per_kw_km", "float", "CNY/(kW*km)", ge=0),
        Col("capex_fixed_cny_per_kw", "float", "CNY/kW", default=0.0, ge=0),
        Col("fom_share_per_yr", "float", "1/yr", default=0.0, **FRACTION),
        Col("loss_fixed", "float", "fraction", default=0.0, ge=0, le=0.5),
        Col("loss_per_1000km", "float", "fraction", default=0.0, ge=0, le=0.5),
        Col("max_gw", "float", "GW", optional=True, ge=0),
        Col("lifetime_yr", "float", "yr", default=40.0, gt=0),
    ), description="inter-regional corridors"),
    Table("potentials", ("region", "tech"), (
        Col("region", "str", ref="regions.region"),
        Col("tech", "str", ref="techs.tech"),
        Col("max_gw", "float", "GW", ge=0),
    ), required=False, description="upper bounds on installed capacity"),
    Table("storage_potentials", ("region", "tech"), (
        Col("region", "str", ref="regions.region"),
        Col("tech", "str", ref="techs.tech"),
        Col("max_gwh", "float", "GWh", ge=0),
    ), required=False, description="upper bounds on storage energy capacity (e.g. hydrogen salt caverns)"),
    Table("co2_storage", ("region",), (
        Col("region", "str", ref="regions.region"),
        Col("capacity_mt", "float", "Mt", ge=0),
    ), required=False, description="cumulative CO2 storage capacity"),
    Table("co2_caps", ("path", "year"), (
        Col("path", "str"),
        Col("year", "int", "year"),
        Col("co2_cap_mt", "float", "Mt/yr"),
    ), required=False, description="national CO2 cap paths"),
    Table("carbon_prices", ("path", "year"), (
        Col("path", "str"),
        Col("year", "int", "year"),
        Col("price_cny_per_t", "float", "CNY/t", ge=0),
    ), required=False, description="carbon price paths"),
    Table("clean_shares", ("path", "year"), (
        Col("path", "str"),
        Col("year", "int", "year"),
        Col("min_share", "float", "fraction", **FRACTION),
    ), required=False, description="minimum non-fossil share of generation"),
    Table("build_limits", ("tech", "year"), (
        Col("tech", "str", ref="techs.tech"),
        Col("year", "int", "year"),
        Col("max_gw_per_yr", "float", "GW/yr", ge=0),
    ), required=False, description="national new-build limits"),
    Table("committed", ("region", "tech", "year"), (
        Col("region", "str", ref="regions.region"),
        Col("tech", "str", ref="techs.tech"),
        Col("year", "int", "year", description="decision period (milestone year) in which it is built"),
        Col("min_gw", "float", "GW", ge=0),
    ), required=False, description="committed projects (under construction, approved): minimum new "
                                   "capacity built in a period"),
    Table("committed_lines", ("line", "year"), (
        Col("line", "str", ref="lines.line"),
        Col("year", "int", "year", description="decision period (milestone year) in which it is built"),
        Col("min_gw", "float", "GW", ge=0),
    ), required=False, description="committed corridor capacity: minimum new capacity in a period"),
    Table("transmission_limits", ("year",), (
        Col("year", "int", "year"),
        Col("max_gw_per_yr", "float", "GW/yr", ge=0),
    ), required=False, description="national limit on new inter-regional capacity"),
    Table("fuel_supply", ("fuel", "year"), (
        Col("fuel", "str", ref="fuels.fuel"),
        Col("year", "int", "year"),
        Col("max_pj_per_yr", "float", "PJ/yr", ge=0),
    ), required=False, description="national fuel available to power generation"),
    Table("chp_must_run", ("region", "year"), (
        Col("region", "str", ref="regions.region"),
        Col("year", "int", "year"),
        Col("must_run_gw", "float", "GW", ge=0),
    ), required=False, description="heat-led minimum electric output of CHP plants in the heating season"),
    Table("capacity_credits", ("tech", "tranche"), (
        Col("tech", "str", ref="techs.tech"),
        Col("tranche", "int", "-", ge=1),
        Col("share_of_peak_upto", "float", "fraction", optional=True, gt=0,
            description="the tranche ends where the tech's regional capacity reaches this share of the "
                        "regional peak (blank: no end)"),
        Col("capacity_credit", "float", "fraction", **FRACTION),
    ), required=False, description="declining capacity credits of wind and solar by their share of peak"),
    Table("ets_benchmarks", ("tech", "year"), (
        Col("tech", "str", ref="techs.tech"),
        Col("year", "int", "year"),
        Col("benchmark_t_per_mwh", "float", "t/MWh", ge=0),
    ), required=False, description="free allocation of the emissions-trading scheme per MWh generated "
                                   "(covered technologies)"),
    Table("observed_operation", ("tech", "year"), (
        Col("tech", "str", ref="techs.tech"),
        Col("year", "int", "year"),
        Col("online_share_of_additions", "float", "fraction", default=1.0, **FRACTION,
            description="share of the year's additions in operation on average over the year"),
        Col("curtailment_share", "float", "fraction", default=0.0, **FRACTION,
            description="observed curtailment of available output"),
        Col("min_capacity_factor", "float", "fraction", optional=True, **FRACTION,
            description="annual must-run share in that year, replacing the technology's (blank: keep)"),
    ), required=False, description="statistics of history years that the dispatch of those years uses"),
]}

#: columns any table may carry for documentation; ignored by the model
FREE_COLUMNS = ("source", "note", "notes", "comment")

#: short names accepted by --set for frequently swept columns
ALIASES = {
    "capex": "costs.capex_cny_per_kw",
    "capex_energy": "costs.capex_energy_cny_per_kwh",
    "capex_charge": "costs.capex_charge_cny_per_kw",
    "fom": "costs.fom_cny_per_kw_yr",
    "vom": "costs.vom_cny_per_mwh",
    "fuel_price": "fuel_prices.price_cny_per_gj",
    "demand": "demand.demand_twh",
    "demand_growth": "demand.demand_twh",  # a factor on growth above the first year (config.py)
    "potential": "potentials.max_gw",
    "energy_potential": "storage_potentials.max_gwh",
    "co2_cap_value": "co2_caps.co2_cap_mt",
    "carbon_price_value": "carbon_prices.price_cny_per_t",
    "line_capex": "lines.capex_cny_per_kw_km",
    "build_limit": "build_limits.max_gw_per_yr",
    "co2_storage": "co2_storage.capacity_mt",
    "committed_min": "committed.min_gw",
    "fuel_limit": "fuel_supply.max_pj_per_yr",
    "chp_heat_min": "chp_must_run.must_run_gw",
    "ets_benchmark": "ets_benchmarks.benchmark_t_per_mwh",
}


def parameters() -> dict[str, tuple[str, str]]:
    """Every addressable table parameter: name -> (table, column).

    A column is addressable as ``table.column``, and also by its bare name when that is unique across
    tables; aliases from :data:`ALIASES` are added.
    """
    out: dict[str, tuple[str, str]] = {}
    count: dict[str, int] = {}
    for t in TABLES.values():
        for c in t.value_columns:
            out[f"{t.name}.{c.name}"] = (t.name, c.name)
            count[c.name] = count.get(c.name, 0) + 1
    for t in TABLES.values():
        for c in t.value_columns:
            if count[c.name] == 1:
                out[c.name] = (t.name, c.name)
    for alias, full in ALIASES.items():
        out[alias] = out[full]
    return out
