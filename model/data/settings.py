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

from model.data.schema import TABLES, parameters

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


def read_yaml(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError:
        raise InputError([f"{path}: missing file"]) from None
    except (UnicodeDecodeError, IsADirectoryError) as err:
        raise InputError([f"{path}: cannot be read as UTF-8 text: {err}"]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f": line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        context = getattr(err, "context", None)
        raise InputError([f"{path}{where}: malformed YAML: {problem}"
                          f"{f' ({context})' if context else ''}; expected valid YAML "
                          f"(check indentation, 'key: value' colons and quotes)"]) from None
    if not isinstance(data, dict):
        raise InputError([f"{path}: found {type(data).__name__ if data is not None else 'an empty file'}; "
                          f"expected a mapping with 'defaults' and 'scenarios'"])
    return data


SCENARIO_KEYS = ("base", "description", "set", "files")
TOP_KEYS = ("defaults", "scenarios")


def load_scenario(path: Path, name: str, extra: list[str] | None = None) -> Scenario:
    """Resolve scenario ``name`` from ``scenarios.yaml`` (following ``base``), then apply ``extra``
    ``--set`` strings. Setting overrides update the settings; table overrides are kept as strings.
    Raises :class:`InputError` listing every problem found."""
    scen, problems, _ = resolve_scenario(path, name, extra)
    if problems:
        raise InputError(problems)
    return scen


def resolve_scenario(path: Path, name: str, extra: list[str] | None = None
                     ) -> tuple[Scenario | None, list[str], dict[str, str]]:
    """Like :func:`load_scenario`, but return ``(scenario, problems, labels)`` instead of raising, so
    that the caller can report these problems together with those of the tables.

    ``scenario`` is None when the scenario cannot be resolved at all (unreadable file, unknown name);
    its ``settings`` are None when they are invalid. ``labels`` maps each table-override text to where
    it came from ("--set '...'" or "scenarios.yaml [scenario X] set '...'"), for messages.
    """
    scen, problems, labels = _resolve_scenario(Path(path), str(name), extra)
    if scen is None:  # the --set texts can still be checked
        for text in extra or []:
            try:
                parse_override(text)
            except InputError as err:
                problems += err.problems
    return scen, problems, labels


def _resolve_scenario(path: Path, name: str, extra: list[str] | None
                      ) -> tuple[Scenario | None, list[str], dict[str, str]]:
    try:
        data = read_yaml(path)
    except InputError as err:
        return None, err.problems, {}
    problems = [f"{path}: unknown top-level key '{k}'{suggest(str(k), TOP_KEYS)}; expected only "
                f"{' and '.join(TOP_KEYS)}" for k in data if k not in TOP_KEYS]
    scenarios = data.get("scenarios") or {}
    defaults = data.get("defaults") or {}
    for key, val in (("scenarios", scenarios), ("defaults", defaults)):
        if not isinstance(val, dict):
            problems.append(f"{path}: '{key}': found {type(val).__name__} {val!r}; expected a mapping "
                            f"(name: value lines indented under '{key}:')")
    if problems and not (isinstance(scenarios, dict) and isinstance(defaults, dict)):
        return None, problems, {}
    scenarios = {str(k): v for k, v in scenarios.items()}
    if name not in scenarios:
        problems.append(f"{path}: no scenario '{name}'{suggest(name, scenarios)}; "
                        f"known: {', '.join(scenarios)}")
        return None, problems, {}
    chain, cur = [], name
    while cur is not None:
        cur = str(cur)
        if cur in chain:
            problems.append(f"{path}: scenario '{name}': circular 'base' chain "
                            f"{' -> '.join(chain + [cur])}")
            return None, problems, {}
        if cur not in scenarios:
            problems.append(f"{path}: scenario '{chain[-1]}': base '{cur}' does not exist"
                            f"{suggest(cur, scenarios)}; known: {', '.join(scenarios)}")
            return None, problems, {}
        entry = scenarios[cur]
        if entry is not None and not isinstance(entry, dict):
            problems.append(f"{path}: scenario '{cur}': found {type(entry).__name__} {entry!r}; "
                            f"expected a mapping of settings")
            return None, problems, {}
        chain.append(cur)
        cur = (entry or {}).get("base")
    merged: dict = dict(defaults)
    sources: dict[str, str] = {str(k): f"{path} [defaults]" for k in merged}
    overrides: list[tuple[str, str]] = []
    files: dict[str, str] = {}
    description = ""
    for key in reversed(chain):
        where = f"{path} [scenario {key}]"
        entry = dict(scenarios[key] or {})
        description = entry.pop("description", description)
        entry.pop("base", None)
        block = entry.pop("set", None) or {}
        if not isinstance(block, dict):
            problems.append(f"{where}: 'set': found {type(block).__name__} {block!r}; expected a "
                            f"mapping of PARAMETER[KEYS]: VALUE (or '*FACTOR')")
            block = {}
        for k, v in block.items():
            text = _join_override(str(k), v)
            overrides.append((text, f"{where} set {text!r}"))
        fblock = entry.pop("files", None) or {}
        if not isinstance(fblock, dict):
            problems.append(f"{where}: 'files': found {type(fblock).__name__} {fblock!r}; expected a "
                            f"mapping of TABLE: FILE.csv")
            fblock = {}
        for k, v in fblock.items():
            if str(k) not in TABLES:
                problems.append(f"{where}: files: '{k}' is not a table{suggest(str(k), TABLES)}")
            elif not isinstance(v, str) or not v.strip():
                problems.append(f"{where}: files: '{k}': found {v!r}; expected a file name in the "
                                f"dataset folder")
            else:
                files[str(k)] = v.strip()
        merged.update(entry)
        sources.update({str(k): where for k in entry})
    overrides += [(text, f"--set {text!r}") for text in (extra or [])]
    table_overrides, labels = [], {}
    for text, label in overrides:
        try:
            ov = parse_override(text, label)
        except InputError as err:
            problems += err.problems
            continue
        if ov.table is None:
            merged[ov.name] = ov.value
            sources[ov.name] = label
        else:
            table_overrides.append(text)
            labels[text] = label
    try:
        settings = Settings(**{str(k): v for k, v in merged.items()})
    except ValidationError as err:
        problems += _settings_problems(err, f"{path} [scenario {name}]", sources)
        settings = None
    return Scenario(name, description, settings, table_overrides, files), problems, labels


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


#: the override that scales demand growth: D'(y) = D(y0) + f × (D(y) − D(y0)), y0 the region's first year
GROWTH = "demand_growth"

_OVERRIDE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(?:\[(.*)\])?\s*(\*?=)\s*(.*?)\s*$")


def parse_override(text: str, label: str | None = None) -> Override:
    """Parse ``name[selector]=value`` or ``name[selector]*=factor``; raise InputError if unknown.

    ``label`` says where the text came from in messages (default ``--set 'TEXT'``)."""
    label = label or f"--set {text!r}"
    m = _OVERRIDE.match(text)
    if not m:
        raise InputError([f"{label}: cannot be parsed; expected NAME=VALUE, NAME[KEYS]=VALUE or "
                          f"NAME[KEYS]*=FACTOR"])
    name, sel, op, raw = m.groups()
    try:
        value = yaml.safe_load(raw) if raw != "" else None
    except yaml.YAMLError:
        value = raw
    if isinstance(value, str):
        try:
            value = float(value)  # YAML 1.1 reads "1e-6" as text
        except ValueError:
            pass
    selector = [s.strip() for s in sel.split(",")] if sel else []
    params = parameters()
    if name in SETTING_NAMES:
        if selector or op != "=":
            raise InputError([f"{label}: setting '{name}' takes a plain value; expected NAME=VALUE"])
        return Override(text, name, None, None, [], op, value)
    if name not in params:
        known = list(params) + list(SETTING_NAMES)
        raise InputError([f"{label}: unknown parameter '{name}'{suggest(name, known)}; expected a "
                          f"setting, a column of an input table (TABLE.COLUMN) or an alias such as "
                          f"capex, demand, fuel_price"])
    table, column = params[name]
    unit = TABLES[table].col(column).unit or "-"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        what = "factor" if op == "*=" else "value"
        raise InputError([f"{label}: found {what} {raw!r}; expected a number"
                          f"{'' if op == '*=' else f' [{unit}]'} for {table}.{column}"])
    return Override(text, name, table, column, selector, op, float(value))


def _show(val) -> str:
    return str(int(val)) if isinstance(val, float) and val.is_integer() else str(val)


def _selector_mask(df: pd.DataFrame, table: str, selector: list[str], text: str,
                   label: str | None = None) -> np.ndarray:
    label = label or f"--set {text!r}"
    key = TABLES[table].key
    mask = np.ones(len(df), dtype=bool)
    if len(selector) > len(key):
        raise InputError([f"{label}: found {len(selector)} keys; {table}.csv has key "
                          f"({', '.join(key)}), expected at most {len(key)}"])
    for i, item in enumerate(selector):
        col, val = (item.split("=", 1) if "=" in item else (key[i], item))
        col, val = col.strip(), val.strip()
        if col not in key:
            raise InputError([f"{label}: '{col}' is not a key column of {table}.csv"
                              f"{suggest(col, key)}; expected one of {', '.join(key)}"])
        if pd.api.types.is_numeric_dtype(df[col]):
            try:
                val = float(val)
            except ValueError:
                raise InputError([f"{label}: {col}: found {val!r}; expected a number"]) from None
        known = set(df[col].dropna().tolist())
        if val not in known:
            raise InputError([f"{label}: no row of {table}.csv has {col}={_show(val)}"
                              f"{suggest(_show(val), map(_show, known))}; expected one of "
                              f"{', '.join(sorted(map(_show, known))[:20])}"
                              f"{', …' if len(known) > 20 else ''}"])
        mask &= (df[col] == val).to_numpy()
    return mask


def override_tables(tables: dict[str, pd.DataFrame], overrides: list[str],
                    labels: dict[str, str] | None = None, unavailable=()):
    """Apply every table override, in order, to copies of the tables; collect the problems.

    Returns ``(tables, problems, touched)``; ``touched`` maps table -> {(row, column): label} for
    every cell an override changed (so that the changed values can be checked again). Overrides of
    tables named in ``unavailable`` (present but unreadable; already reported) are skipped.
    """
    out = dict(tables)
    problems: list[str] = []
    touched: dict[str, dict] = {}
    for text in overrides:
        label = (labels or {}).get(text) or f"--set {text!r}"
        try:
            ov = parse_override(text, label)
            if ov.table is None:
                continue
            if out.get(ov.table) is None:
                if ov.table in unavailable:
                    continue
                raise InputError([f"{label}: the dataset has no {ov.table}.csv; expected the file in "
                                  f"the dataset folder"])
            df = out[ov.table].copy()
            mask = _selector_mask(df, ov.table, ov.selector, text, label)
            if not mask.any():
                raise InputError([f"{label}: no row of {ov.table}.csv matches"])
        except InputError as err:
            problems += err.problems
            continue
        col = df[ov.column].astype(float)
        if ov.name == GROWTH:
            if ov.op != "*=":
                problems.append(f"{label}: '{GROWTH}' takes a factor on the growth above the first year; "
                                f"expected {GROWTH}*=FACTOR")
                continue
            first = col.groupby(df["region"]).transform(lambda c: c.loc[df.loc[c.index, "year"].idxmin()])
            col[mask] = first[mask] + ov.value * (col[mask] - first[mask])
        else:
            col[mask] = col[mask] * ov.value if ov.op == "*=" else ov.value
        df[ov.column] = col
        out[ov.table] = df
        cells = touched.setdefault(ov.table, {})
        for i in df.index[mask]:
            cells[(i, ov.column)] = label
    return out, problems, touched


def apply_overrides(tables: dict[str, pd.DataFrame], overrides: list[str],
                    labels: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Return copies of the tables with every override applied, in order; raise InputError listing
    every override that cannot be applied. (Values are checked again by :func:`model.io.load_inputs`.)"""
    out, problems, _ = override_tables(tables, overrides, labels)
    if problems:
        raise InputError(problems)
    return out
