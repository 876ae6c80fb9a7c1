"""Scenario settings, the scenario file, and parameter overrides (``--set``).

Settings are a pydantic model (types, bounds, unknown keys rejected with the closest name suggested).
Overrides address table columns through the registry in :mod:`model.schema`::

    discount_rate=0.05                 a setting
    capex[solar_utility,2030]=2000     one cell (keys in the table's key order)
    capex[tech=solar_utility]*=0.8     scale every matching row (a whole trajectory)
    demand*=1.1                        scale a whole column

Values are parsed with ``yaml.safe_load`` (numbers, booleans, null, strings); nothing is evaluated.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .schema import TABLES, parameters


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
    demand_response_share: float = Field(0.0, ge=0, le=0.5,
                                         description="share of load that may shift within a day")
    demand_response_cost_cny_per_mwh: float = Field(50.0, ge=0)
    foresight: Literal["perfect", "myopic"] = "perfect"
    solver: str = Field("highs", description="highs, or any solver Pyomo knows by name")
    route: Literal["pyomo", "arrays"] = Field("pyomo", description="hand-over route to HiGHS")
    solver_options: dict = Field(default_factory=dict, description="passed to the solver as is")
    threads: int | None = Field(None, ge=1)
    time_limit_s: float | None = Field(None, gt=0)
    solver_log: bool = Field(False, description="print the solver's log")

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


def _settings_problems(err: ValidationError, where: str) -> list[str]:
    out = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"])
        if e["type"] == "extra_forbidden":
            out.append(f"{where}: unknown setting '{key}'{suggest(key, SETTING_NAMES)}")
        else:
            out.append(f"{where}: setting '{key}': {e['msg']} (found {e.get('input')!r})")
    return out


def read_yaml(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError:
        raise InputError([f"{path}: file not found"]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError([f"{path}:{where} malformed YAML: {getattr(err, 'problem', err)}"]) from None
    if not isinstance(data, dict):
        raise InputError([f"{path}: expected a mapping with 'defaults' and 'scenarios'"])
    return data


SCENARIO_KEYS = ("base", "description", "set", "files")


def load_scenario(path: Path, name: str, extra: list[str] | None = None) -> Scenario:
    """Resolve scenario ``name`` from ``scenarios.yaml`` (following ``base``), then apply ``extra``
    ``--set`` strings. Setting overrides update the settings; table overrides are kept as strings."""
    data = read_yaml(path)
    scenarios = data.get("scenarios") or {}
    if name not in scenarios:
        raise InputError([f"{path}: no scenario '{name}'{suggest(name, scenarios)}; "
                          f"known: {', '.join(map(str, scenarios))}"])
    chain, cur = [], name
    while cur is not None:
        if cur in chain:
            raise InputError([f"{path}: scenario '{name}': circular 'base' chain {chain + [cur]}"])
        if cur not in scenarios:
            raise InputError([f"{path}: scenario '{chain[-1]}': base '{cur}' does not exist"])
        chain.append(cur)
        cur = (scenarios[cur] or {}).get("base")
    merged: dict = dict(data.get("defaults") or {})
    overrides: list[str] = []
    files: dict[str, str] = {}
    description = ""
    for key in reversed(chain):
        entry = dict(scenarios[key] or {})
        description = entry.pop("description", description)
        entry.pop("base", None)
        for k, v in (entry.pop("set", None) or {}).items():
            overrides.append(_join_override(k, v))
        files.update(entry.pop("files", None) or {})
        merged.update(entry)
    problems = [f"{path}: files: '{k}' is not a table{suggest(k, TABLES)}"
                for k in files if k not in TABLES]
    table_overrides = []
    for text in overrides + list(extra or []):
        ov = parse_override(text)
        if ov.table is None:
            merged[ov.name] = ov.value
        else:
            table_overrides.append(text)
    try:
        settings = Settings(**merged)
    except ValidationError as err:
        problems += _settings_problems(err, f"{path} [scenario {name}]")
        settings = None
    if problems:
        raise InputError(problems)
    return Scenario(str(name), description, settings, table_overrides, files)


def _join_override(key: str, value) -> str:
    if isinstance(value, str) and value.startswith("*"):
        return f"{key}*={value[1:]}"
    if isinstance(value, str) and value.startswith("="):
        return f"{key}={value[1:]}"
    return f"{key}={yaml.safe_dump(value, default_flow_style=True).strip().removesuffix('...').strip()}"


@dataclass
class Override:
    text: str
    name: str
    table: str | None
    column: str | None
    selector: list[str]
    op: str  # '=' or '*='
    value: object


_OVERRIDE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(?:\[(.*)\])?\s*(\*?=)\s*(.*?)\s*$")


def parse_override(text: str) -> Override:
    """Parse ``name[selector]=value`` or ``name[selector]*=factor``; raise InputError if unknown."""
    m = _OVERRIDE.match(text)
    if not m:
        raise InputError([f"--set {text!r}: expected NAME=VALUE, NAME[KEYS]=VALUE or NAME[KEYS]*=FACTOR"])
    name, sel, op, raw = m.groups()
    try:
        value = yaml.safe_load(raw) if raw != "" else None
    except yaml.YAMLError:
        value = raw
    selector = [s.strip() for s in sel.split(",")] if sel else []
    params = parameters()
    if name in SETTING_NAMES:
        if selector or op != "=":
            raise InputError([f"--set {text!r}: setting '{name}' takes a plain value (NAME=VALUE)"])
        return Override(text, name, None, None, [], op, value)
    if name not in params:
        known = list(params) + list(SETTING_NAMES)
        raise InputError([f"--set {text!r}: unknown parameter '{name}'{suggest(name, known)}"])
    table, column = params[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError([f"--set {text!r}: value must be a number, found {raw!r}"])
    return Override(text, name, table, column, selector, op, float(value))


def _selector_mask(df: pd.DataFrame, table: str, selector: list[str], text: str) -> np.ndarray:
    key = TABLES[table].key
    mask = np.ones(len(df), dtype=bool)
    if len(selector) > len(key):
        raise InputError([f"--set {text!r}: {table} has key ({', '.join(key)}); too many keys given"])
    for i, item in enumerate(selector):
        col, val = (item.split("=", 1) if "=" in item else (key[i], item))
        col, val = col.strip(), val.strip()
        if col not in key:
            raise InputError([f"--set {text!r}: '{col}' is not a key of {table} ({', '.join(key)})"])
        if pd.api.types.is_numeric_dtype(df[col]):
            try:
                val = float(val)
            except ValueError:
                raise InputError([f"--set {text!r}: {col} must be a number, found {val!r}"]) from None
        known = set(df[col].tolist())
        if val not in known:
            raise InputError([f"--set {text!r}: no row of {table}.csv has {col}={val}"
                              f"{suggest(str(val), map(str, known))}"])
        mask &= (df[col] == val).to_numpy()
    return mask


def apply_overrides(tables: dict[str, pd.DataFrame], overrides: list[str]) -> dict[str, pd.DataFrame]:
    """Return copies of the tables with every override applied, in order."""
    out = dict(tables)
    for text in overrides:
        ov = parse_override(text)
        if ov.table is None:
            continue
        if ov.table not in out:
            raise InputError([f"--set {text!r}: the dataset has no {ov.table}.csv"])
        df = out[ov.table].copy()
        mask = _selector_mask(df, ov.table, ov.selector, text)
        if not mask.any():
            raise InputError([f"--set {text!r}: no row of {ov.table}.csv matches"])
        col = df[ov.column].astype(float)
        col[mask] = col[mask] * ov.value if ov.op == "*=" else ov.value
        df[ov.column] = col
        out[ov.table] = df
    return out
