"""Scenario settings: a pydantic model with types, bounds and meanings; unknown keys are rejected with the
closest name suggested. :class:`InputError` carries every problem found in the inputs, one line each.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

#: calendar years any setting may name (first_period, last_period, no_new_coal_after)
YEARS = (1900, 2200)

#: a plain name (scenario, sweep, member): it names a results folder, so no separators, no leading dot
PLAIN_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"

#: solver option names that read or write files or folders
_FILE_OPTION = re.compile(r"file|path|folder|dir$|director", re.IGNORECASE)


class InputError(ValueError):
    """Bad input: ``problems`` holds one line per problem (file, row/key, column, found, expected)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class Settings(BaseModel):
    """Scenario settings (units in the names or the descriptions)."""

    #: strict: ``days: true`` or ``period_years: 2.5`` are refused, not read as 1 or 2; no inf or NaN
    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True, allow_inf_nan=False)

    discount_rate: float = Field(0.06, ge=0, le=0.3, description="real discount rate [1/yr]")
    first_period: int = Field(2020, ge=YEARS[0], le=YEARS[1],
                              description="first period (milestone year); costs are discounted to it")
    last_period: int = Field(2060, ge=YEARS[0], le=YEARS[1], description="last investment period (milestone "
                             "year)")
    period_years: int = Field(5, ge=1, le=10, description="years each period stands for, centred on its "
                              "milestone year (docs/formulation.md, model/data/periods.py)")
    history_until: int | None = Field(None, ge=YEARS[0], le=YEARS[1],
                                      description="last calendar year whose fleet is statistics: periods up "
                                      "to it have no investment or retirement decisions, their fleet is "
                                      "existing.csv at the end of the year, and policy targets do not apply "
                                      "to them [year]; null: only the first period is fixed")
    first_period_builds: bool = Field(False, description="allow investment and retirement in the first "
                                      "period (greenfield or single-period studies; not with history_until)")
    days: int = Field(8, ge=1, le=365, description="representative days (365 = full year)")
    segments: int | None = Field(None, ge=1, le=24,
                                 description="timesteps per day (None = 24 hourly steps)")
    extra_days: list[int] = Field(default_factory=list, description="calendar days (0-based) added as "
                                  "representative days of their own, weight 1 each (set by --accuracy)")
    full_year_check: bool = Field(True, description="after a run, operate its plan over the full year "
                                  "(docs/time-resolution.md); false: skip")
    check_segments: int | None = Field(4, ge=1, le=24, description="timesteps per calendar day in the "
                                       "full-year check (None = 24 hourly steps)")
    value_of_lost_load_cny_per_mwh: float = Field(20000.0, gt=0, le=1e6,
                                                  description="cost of unserved energy [CNY/MWh]")
    reserve_margin: float | None = Field(0.15, ge=0, le=1, description="planning reserve margin [fraction]; "
                                         "null: no reserve margin constraint")
    co2_transport_storage_cny_per_t: float = Field(150.0, ge=0, le=1e4, description="CO2 transport and "
                                                   "storage cost [CNY/t captured]")
    co2_cap: str | None = Field(None, description="path in co2_caps.csv, or null")
    carbon_price: str | dict[int, float] | None = Field(None, description="path in carbon_prices.csv, "
                                                      "or {year: CNY/t} interpolated like a path, or null")
    co2_price_floor: str | dict[int, float] | None = Field(
        None, description="lowest price of the CO2 cap's allowances [CNY/t]: a path in carbon_prices.csv or "
        "{year: CNY/t}, charged on net emissions (the cap's dual is the premium above it); null: none")
    co2_price_ceiling: str | dict[int, float] | None = Field(
        None, description="highest price of the CO2 cap's allowances [CNY/t]: a path in carbon_prices.csv "
        "or {year: CNY/t}; emissions above the cap are bought at it (a safety valve); null: none")
    clean_share: str | None = Field(None, description="path in clean_shares.csv, or null")
    build_limits: bool = Field(True, description="apply build_limits.csv")
    no_new_coal_after: int | None = Field(None, ge=YEARS[0], le=YEARS[1],
                                          description="no new unabated coal commissioned after this year: "
                                          "banned in periods whose builds all come later")
    ramping: bool = Field(True, description="linear ramping limits for techs with ramp_rate_per_h<1")
    unit_commitment: bool = Field(True, description="linear unit commitment (online capacity, minimum "
                                  "stable load, start costs) for techs with min_stable_load > 0")
    operating_reserve_load_share: float = Field(0.0, ge=0, le=0.5, description="operating reserve held "
                                                "in every timestep and region, share of load [fraction]")
    operating_reserve_vre_share: float = Field(0.0, ge=0, le=1, description="additional operating reserve, "
                                               "share of wind and solar output [fraction]")
    reserve_energy_h: float = Field(1.0, gt=0, le=24, description="hours a storage unit must be able to "
                                    "sustain the reserve it holds [h]")
    adequacy_duration_h: float | None = Field(None, gt=0, le=100, description="storage counts for the "
                                              "reserve margin at most energy / this many hours [h]; null: "
                                              "power × capacity credit only")
    committed: bool = Field(True, description="apply committed.csv and committed_lines.csv")
    chp_must_run: bool = Field(True, description="apply chp_must_run.csv (heat-led CHP output in the "
                               "heating season)")
    fuel_supply: bool = Field(True, description="apply fuel_supply.csv")
    ets: str | None = Field(None, description="path in carbon_prices.csv priced as an emissions-trading "
                            "scheme with free allocation per MWh (ets_benchmarks.csv), or null")
    allow_cap_increase: bool = Field(False, description="allow a CO2 cap path to rise after its peak")
    allow_unserved: bool = Field(False, description="accept solutions that shed load (at the value of "
                                 "lost load); otherwise shedding is explained as an infeasibility")
    demand_response_share: float = Field(0.0, ge=0, le=0.5,
                                         description="share of load that may shift within a day")
    demand_response_cost_cny_per_mwh: float = Field(50.0, ge=0, le=1e5, description="cost per MWh of load "
                                                    "shifted [CNY/MWh]")
    foresight: Literal["perfect", "myopic"] = Field("perfect", description="perfect (one LP over all "
                                                   "periods) or myopic (period by period)")
    look_ahead: int = Field(0, ge=0, le=8, description="myopic foresight: extra periods each step sees")
    solver: str = Field("highs", description="`highs` (highspy), or any installed solver Pyomo knows by "
                        "name (`gurobi`, `cplex`, `copt`, `cbc`, `appsi_highs`, …); checked before the build")
    route: Literal["pyomo", "arrays"] = Field("pyomo", description="hand-over route to HiGHS: `pyomo` "
                                              "(standard-form compiler) or `arrays` (no Pyomo)")
    solver_options: dict = Field(default_factory=dict, description="passed to the solver, except options "
                                 "that name files or folders (the run writes only its results); HiGHS "
                                 "option names and values are checked before the build")
    threads: int | None = Field(None, ge=1, le=1024, description="solver threads")
    time_limit_s: float | None = Field(None, gt=0, description="solver time limit [s]")
    solver_log: bool = Field(False, description="print the solver's log")

    @field_validator("solver_options")
    @classmethod
    def _no_file_options(cls, v: dict) -> dict:
        """Refuse solver options that read or write files (HiGHS ``log_file``, ``write_model_file``,
        Gurobi ``LogFile``, ...): a scenario or sweep file must not make the solver touch paths outside
        the results folder, e.g. on a shared Dask cluster."""
        bad = sorted(str(k) for k in v if _FILE_OPTION.search(str(k)))
        if bad:
            raise ValueError(f"solver options that read or write files are not allowed: {', '.join(bad)}")
        return v

    @field_validator("extra_days")
    @classmethod
    def _calendar_days(cls, v: list[int]) -> list[int]:
        bad = [d for d in v if not 0 <= d < 365]
        if bad:
            raise ValueError(f"calendar days are 0…364; found {bad}")
        return sorted(set(v))

    @field_validator("co2_cap", "carbon_price", "clean_share", "ets", "co2_price_floor", "co2_price_ceiling",
                     mode="before")
    @classmethod
    def _path_name(cls, v):
        """Path names may look like numbers ("3060"); keep them as text. A price given inline as
        {year: CNY/t} keeps its years as whole numbers (also when read back from JSON, where keys are
        text) and its prices as finite non-negative numbers."""
        if isinstance(v, dict):
            return _inline_prices(v)
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @property
    def periods(self) -> list[int]:
        return list(range(self.first_period, self.last_period + 1, self.period_years))

    @property
    def fixed_until(self) -> int | None:
        """Last period whose fleet is fixed by statistics (the history periods): ``history_until`` when the
        run starts at or before it, else the first period unless ``first_period_builds``; None when every
        period has decisions."""
        if self.history_until is not None and self.history_until >= self.first_period:
            return self.history_until
        return None if self.first_period_builds else self.first_period

    @property
    def first_decision_period(self) -> int:
        """First period with investment, retirement, the reserve margin and policy targets."""
        fixed = self.fixed_until
        if fixed is None:
            return self.first_period
        later = [p for p in self.periods if p > fixed]
        return later[0] if later else self.last_period + self.period_years

    @property
    def horizon_end(self) -> int:
        """Last calendar year the horizon covers: the end of the last period's span."""
        from model.data.periods import horizon_end

        return horizon_end(self.last_period, self.period_years)


SETTING_NAMES = tuple(Settings.model_fields)


def _inline_prices(v: dict) -> dict[int, float]:
    """{year: CNY/t} with years as int (``2030`` or ``"2030"``) and prices as finite floats ≥ 0."""
    import math

    if not v:
        raise ValueError("found an empty mapping; expected {year: CNY/t, …} with at least one year")
    out = {}
    for k, x in v.items():
        year = int(k) if isinstance(k, int) and not isinstance(k, bool) or (isinstance(k, str) and
                                                                           k.strip().isdigit()) else None
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            raise ValueError(f"found year {k!r}; expected a year {YEARS[0]}…{YEARS[1]}")
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < 0:
            raise ValueError(f"found {x!r} for {year}; expected a price ≥ 0 [CNY/t]")
        out[year] = float(x)
    return dict(sorted(out.items()))


@dataclass
class Scenario:
    """A named scenario: settings, table overrides and file replacements."""

    name: str
    description: str = ""
    settings: Settings = field(default_factory=Settings)
    overrides: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    #: the ``--set`` texts given on top of the scenario file (CLI, API ``sets``), in order
    cli_overrides: list[str] = field(default_factory=list)


#: invisible characters: whitespace other than a plain space, zero-width and formatting characters
INVISIBLE = r"[\t\n\r\f\v\u00a0\u00ad\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]"


def visible(text) -> str:
    """``text`` with invisible and unprintable characters spelled out (``coal\\u200b``)."""
    text = str(text)
    if text.isprintable() and not re.search(INVISIBLE, text):
        return text
    return "".join(ch if ch.isprintable() and not re.fullmatch(INVISIBLE, ch) else f"\\u{ord(ch):04x}"
                   for ch in text)


def suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    return f" (did you mean '{visible(close[0])}'?)" if close else ""


def short(value, limit: int = 60) -> str:
    """``repr`` of a value found in the inputs, cut to ``limit`` characters (a huge YAML structure
    must not flood a message, or take long to print)."""
    import reprlib

    r = reprlib.Repr()
    r.maxstring = r.maxother = limit
    r.maxlist = r.maxdict = r.maxtuple = r.maxset = 6
    r.maxlevel = 3
    text = r.repr(value)
    return text if len(text) <= limit + 10 else text[:limit] + "…"


_PYDANTIC = {"a valid integer": "a whole number", "a valid boolean": "true or false",
             "a valid number": "a number", "a finite number": "a finite number",
             "a valid string": "text", "a valid dictionary": "a mapping {name: value, …}"}


def _expected_from(msg: str) -> str:
    """Turn a pydantic message ("Input should be ≤ 0.3") into the 'expected …' part of a problem line."""
    msg = msg.removeprefix("Value error, ")
    if msg.startswith("Input should be "):
        msg = msg[len("Input should be "):]
        if msg.startswith(("less", "greater")):
            msg = "a value " + msg
        for k, v in _PYDANTIC.items():
            if msg.startswith(k):
                msg = v + msg[len(k):]
    return msg


def _settings_problems(err: ValidationError, where: str, sources: dict | None = None) -> list[str]:
    """One line per invalid setting, prefixed with where the value came from (``sources``: setting
    name -> 'scenarios.yaml [scenario X]' or "--set 'name=value'"; ``where`` otherwise). A setting
    that may also be null gets one line, not one per alternative type."""
    out, done = [], set()
    for e in err.errors():
        key = str(e["loc"][0]) if e["loc"] else ""
        if key in done:
            continue
        done.add(key)
        src = (sources or {}).get(key, where)
        if e["type"] == "extra_forbidden":
            out.append(f"{src}: unknown setting {short(key)}{suggest(key, SETTING_NAMES)}")
        else:
            found = e.get("input")
            but = " (not true/false)" if isinstance(found, bool) and e["type"] != "bool_type" else ""
            out.append(f"{src}: setting '{key}': found {short(found)}; expected {_expected_from(e['msg'])}{but}")
    return out
