"""Scenario settings: a pydantic model with types, bounds and meanings; unknown keys are rejected with the
closest name suggested. :class:`InputError` carries every problem found in the inputs, one line each.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

#: solver option names that read or write files or folders
_FILE_OPTION = re.compile(r"file|path|folder|dir$|director", re.IGNORECASE)


class InputError(ValueError):
    """Bad input: ``problems`` holds one line per problem (file, row/key, column, found, expected)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class Settings(BaseModel):
    """Scenario settings (units in the names or the descriptions)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    discount_rate: float = Field(0.06, ge=0, le=0.3, description="real discount rate [1/yr]")
    first_period: int = Field(2020, description="base year; capacity is the existing fleet")
    last_period: int = Field(2060, description="last investment period [year]")
    period_years: int = Field(5, ge=1, le=10, description="years each period stands for")
    first_period_builds: bool = Field(False, description="allow investment and retirement in the first "
                                      "period (greenfield or single-period studies)")
    days: int = Field(8, ge=1, le=365, description="representative days (365 = full year)")
    segments: int | None = Field(None, ge=1, le=24,
                                 description="timesteps per day (None = 24 hourly steps)")
    extra_days: list[int] = Field(default_factory=list, description="calendar days (0-based) added as "
                                  "representative days of their own, weight 1 each (set by --accuracy)")
    full_year_check: bool = Field(True, description="after a run, operate its plan over the full year "
                                  "(docs/time-resolution.md); false: skip")
    check_segments: int | None = Field(4, ge=1, le=24, description="timesteps per calendar day in the "
                                       "full-year check (None = 24 hourly steps)")
    value_of_lost_load_cny_per_mwh: float = Field(20000.0, gt=0)
    reserve_margin: float = Field(0.15, ge=0, le=1, description="planning reserve margin [fraction]")
    co2_transport_storage_cny_per_t: float = Field(150.0, ge=0)
    co2_cap: str | None = Field(None, description="path in co2_caps.csv, or null")
    carbon_price: str | None = Field(None, description="path in carbon_prices.csv, or null")
    clean_share: str | None = Field(None, description="path in clean_shares.csv, or null")
    build_limits: bool = Field(True, description="apply build_limits.csv")
    no_new_coal_after: int | None = Field(None, description="no new unabated coal from this year")
    ramping: bool = Field(True, description="linear ramping limits for techs with ramp_rate_per_h<1")
    allow_cap_increase: bool = Field(False, description="allow a CO2 cap path to rise after its peak")
    allow_unserved: bool = Field(False, description="accept solutions that shed load (at the value of "
                                 "lost load); otherwise shedding is explained as an infeasibility")
    demand_response_share: float = Field(0.0, ge=0, le=0.5,
                                         description="share of load that may shift within a day")
    demand_response_cost_cny_per_mwh: float = Field(50.0, ge=0)
    foresight: Literal["perfect", "myopic"] = "perfect"
    look_ahead: int = Field(0, ge=0, le=8, description="myopic foresight: extra periods each step sees")
    solver: str = Field("highs", description="highs, or any solver Pyomo knows by name")
    route: Literal["pyomo", "arrays"] = Field("pyomo", description="hand-over route to HiGHS")
    solver_options: dict = Field(default_factory=dict, description="passed to the solver as is, except "
                                 "options that name files or folders (the run writes only its results)")
    threads: int | None = Field(None, ge=1)
    time_limit_s: float | None = Field(None, gt=0)
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

    @field_validator("co2_cap", "carbon_price", "clean_share", mode="before")
    @classmethod
    def _path_name(cls, v):
        """Path names may look like numbers ("3060"); keep them as text."""
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @property
    def periods(self) -> list[int]:
        return list(range(self.first_period, self.last_period + 1, self.period_years))

    @property
    def first_decision_period(self) -> int:
        """First period with investment, retirement and the reserve margin."""
        return self.first_period if self.first_period_builds else self.first_period + self.period_years

    @property
    def horizon_end(self) -> int:
        """Last calendar year the horizon covers."""
        return self.last_period + self.period_years - 1


SETTING_NAMES = tuple(Settings.model_fields)


@dataclass
class Scenario:
    """A named scenario: settings, table overrides and file replacements."""

    name: str
    description: str = ""
    settings: Settings = field(default_factory=Settings)
    overrides: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)


def suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _expected_from(msg: str) -> str:
    """Turn a pydantic message ("Input should be ≤ 0.3") into the 'expected …' part of a problem line."""
    if msg.startswith("Input should be "):
        msg = msg[len("Input should be "):]
        if msg.startswith(("less", "greater")):
            msg = "a value " + msg
    return msg


def _settings_problems(err: ValidationError, where: str, sources: dict | None = None) -> list[str]:
    """One line per invalid setting, prefixed with where the value came from (``sources``: setting
    name -> 'scenarios.yaml [scenario X]' or "--set 'name=value'"; ``where`` otherwise)."""
    out = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"])
        src = (sources or {}).get(str(e["loc"][0]) if e["loc"] else key, where)
        if e["type"] == "extra_forbidden":
            out.append(f"{src}: unknown setting '{key}'{suggest(key, SETTING_NAMES)}")
        else:
            out.append(f"{src}: setting '{key}': found {e.get('input')!r}; "
                       f"expected {_expected_from(e['msg'])}")
    return out
