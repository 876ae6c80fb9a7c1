"""Parameter overrides (``--set``), addressed through the registry in :mod:`model.data.schema`::

    discount_rate=0.05                 a setting
    capex[solar_utility,2030]=2000     one cell (keys in the table's key order)
    capex[tech=solar_utility]*=0.8     scale every matching row (a whole trajectory)
    demand*=1.1                        scale a whole column

Values are parsed with ``yaml.safe_load`` (numbers, booleans, null, strings); nothing is evaluated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import yaml

from model.data.schema import TABLES, parameters
from model.data.settings import SETTING_NAMES, InputError, suggest


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


#: the override that scales demand growth: D'(y) = D(y0) + f × (D(y) − D(y0)), y0 the region's last year of
#: statistics (the latest year ≤ ``history_until``; without history, its first year): history stays data
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
    if sel is not None and not all(item.strip() for item in sel.split(",")):
        raise InputError([f"{label}: found an empty key in [{sel}]; expected keys in the table's key order "
                          f"(e.g. capex[coal,2030]), or no brackets to change the whole column"])
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


def _growth_base(years: pd.Series, growth_from: int | None):
    """Row label of the year that growth is measured from: the latest year ≤ ``growth_from``, else the
    first year."""
    upto = years[years <= growth_from] if growth_from is not None else years.iloc[:0]
    return upto.idxmax() if len(upto) else years.idxmin()


def override_tables(tables: dict[str, pd.DataFrame], overrides: list[str],
                    labels: dict[str, str] | None = None, unavailable=(), growth_from: int | None = None):
    """Apply every table override, in order, to copies of the tables; collect the problems.

    ``growth_from``: the run's ``history_until``; ``demand_growth*=F`` scales only the growth after the
    region's latest year up to it (so the statistics years keep their demand).

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
            base_row = df.groupby("region")["year"].transform(lambda y: _growth_base(y, growth_from))
            first = col.loc[base_row.to_numpy()].set_axis(col.index)
            grow = mask & (df["year"] > df.loc[base_row.to_numpy(), "year"].set_axis(df.index))
            col[grow] = first[grow] + ov.value * (col[grow] - first[grow])
        else:
            col[mask] = col[mask] * ov.value if ov.op == "*=" else ov.value
        df[ov.column] = col
        out[ov.table] = df
        cells = touched.setdefault(ov.table, {})
        for i in df.index[mask]:
            cells[(i, ov.column)] = label
    return out, problems, touched


def apply_overrides(tables: dict[str, pd.DataFrame], overrides: list[str],
                    labels: dict[str, str] | None = None, growth_from: int | None = None) -> dict[str, pd.DataFrame]:
    """Return copies of the tables with every override applied, in order; raise InputError listing
    every override that cannot be applied. (Values are checked again by :func:`model.data.read.load_inputs`.)"""
    out, problems, _ = override_tables(tables, overrides, labels, growth_from=growth_from)
    if problems:
        raise InputError(problems)
    return out
