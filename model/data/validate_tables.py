"""Validation of one table against the registry in :mod:`model.data.schema`, before anything is built.

Every problem becomes one line naming the file, the row (CSV line number and key) and the column, what
was found and what was expected. All problems of a dataset are collected and reported together.
Column types are coerced first (non-numeric cells reported); then a pandera schema generated from the
registry checks blanks, bounds, allowed values and duplicate keys. Cross-table rules: :mod:`model.data.validate_rules`.
Values changed by ``--set`` overrides are checked again (:func:`check_overridden`). At most
:data:`MAX_LINES` lines are written per file, column and kind of problem; the rest are counted
("… and 199,980 more like it"), so a broken million-row file is reported in a second, not a minute.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from model.data.files import MAX_TABLE_BYTES, csv_header, file_problem
from model.data.schema import FREE_COLUMNS, Col, Table, limits
from model.data.settings import INVISIBLE, suggest, visible

TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}
NA_TEXT = {"nan", "na", "n/a", "none", "null"}

#: tokens that start the unit part of a column name (``capex_cny_per_kw`` -> ``capex`` + ``cny_per_kw``)
UNIT_TOKENS = {"cny", "rmb", "yuan", "usd", "eur", "gw", "mw", "kw", "tw", "twh", "gwh", "mwh", "kwh",
               "mt", "gt", "kt", "t", "kg", "yr", "years", "months", "km", "mi", "h", "deg", "rad", "gj",
               "pj", "mj", "tj", "tce", "mtce", "pct", "percent", "per"}


def _line(i) -> int:
    """CSV line number of data row ``i`` (header is line 1)."""
    return int(i) + 2


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)) and float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return f"{float(v):g}" if 1e-4 <= abs(float(v)) or v == 0 or not np.isfinite(v) else str(float(v))
    return visible(v)


def where(table: Table, df: pd.DataFrame, i, file: str | None = None) -> str:
    key = ", ".join(f"{k}={_fmt(df.at[i, k])}" for k in table.key if k in df.columns)
    return f"{file or table.file}: row {_line(i)} ({key})"


def _unit_of(name: str) -> tuple[str, str]:
    """Split a column name into (quantity stem, unit suffix) at the first unit-like token."""
    tokens = name.lower().split("_")
    for k, tok in enumerate(tokens):
        if k > 0 and tok in UNIT_TOKENS:
            return "_".join(tokens[:k]), "_".join(tokens[k:])
    return name.lower(), ""


def check_columns(table: Table, raw: pd.DataFrame, file: str) -> list[str]:
    """Missing required columns, and unknown columns (with unit mismatches called out).

    Units are part of column names: a column whose quantity matches an expected column but whose unit
    differs (``capex_usd_per_kw`` for ``capex_cny_per_kw``) is reported as a unit mismatch, naming the
    expected unit, instead of as a missing plus an unknown column.
    """
    return _column_report(table, raw, file)[0]


def _column_report(table: Table, raw: pd.DataFrame, file: str) -> tuple[list[str], set]:
    """(problems, expected columns given under another name, e.g. in other units)."""
    expected = {c.name: c for c in table.columns}
    covered, extra = set(), []
    if len(set(raw.columns)) < len(raw.columns):
        for name in sorted({c for c in raw.columns if list(raw.columns).count(c) > 1}):
            extra.append(f"{file}: column '{name}' appears more than once; expected each column once")
    for name in raw.columns:
        if name in expected or name in FREE_COLUMNS:
            continue
        if name.lower() in expected and name.lower() not in raw.columns:
            covered.add(name.lower())
            extra.append(f"{file}: column '{name}': found upper-case letters; expected the column "
                         f"name '{name.lower()}'")
            continue
        if name.lower() in ("unit", "units"):
            first = next((c for c in table.value_columns if c.unit), None)
            eg = f" (e.g. '{first.name}' [{first.unit}])" if first else ""
            extra.append(f"{file}: column '{name}': found a separate units column; expected units as "
                         f"part of the column names{eg}")
            continue
        stem, unit = _unit_of(name)
        match = [c for c in table.columns if stem and _unit_of(c.name)[0] == stem
                 and c.name not in raw.columns and c.name not in covered]
        if match and unit:
            c = match[0]
            covered.add(c.name)
            extra.append(f"{file}: column '{name}': unit '{unit}' differs from the expected unit "
                         f"{c.unit or '-'}; expected column '{c.name}' [{c.unit or '-'}] (convert the "
                         f"values, then rename the column)")
        else:
            extra.append(f"{file}: unknown column '{name}'{suggest(name, expected)}; expected columns: "
                         f"{', '.join(expected)}")
    missing = [f"{file}: missing column '{c.name}' [{c.unit or 'text'}]" for c in table.columns
               if c.name not in raw.columns and c.name not in covered
               and (c.required or c.name in table.key)]
    return missing + extra, covered


#: problem lines per file, column and kind of problem; the rest are counted on one line
MAX_LINES = 20

#: characters an identifier may not contain (whitespace and invisible characters)
_INVISIBLE = INVISIBLE[:-1] + " ]"


def more_like_it(file: str, column: str, n: int) -> list[str]:
    """The line that counts the ``n`` problems not shown (none if ``n`` ≤ 0)."""
    return [f"{file}: column '{column}': … and {n:,} more like it"] if n > 0 else []


def show(value) -> str:
    """A value quoted for a message; invisible characters spelled out (``'coal\\u200b'``)."""
    text = visible(value)
    return f"'{text}'" if text == str(value) else f"'{text}' (with invisible characters)"


class _Cells:
    """Collects the cells of one column that fail one rule: every cell is marked failed, the first
    :data:`MAX_LINES` get a line and the rest are counted."""

    def __init__(self, table, df, file, failed, problems):
        self.table, self.df, self.file, self.failed, self.problems = table, df, file, failed, problems

    def add(self, mask, col: str, found, expected: str) -> None:
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        self.failed.update((self.df.index[i], col) for i in rows)
        for i in rows[:MAX_LINES]:
            self.problems.append(f"{where(self.table, self.df, self.df.index[i], self.file)}: column "
                                 f"'{col}': found {found(i)}; expected {expected}")
        self.problems += more_like_it(self.file, col, len(rows) - MAX_LINES)


def coerce(table: Table, raw: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[str], set]:
    """Convert text cells to the declared types; blanks become defaults (or NaN).

    Returns the typed frame, the problems, and the (row, column) cells that could not be converted.
    'NaN', 'inf' and the like are refused in every number column (a blank cell takes the default).
    Identifiers (key and reference columns) may not contain spaces or invisible characters.
    """
    df = raw.copy()
    problems: list[str] = []
    failed: set = set()
    cells = _Cells(table, df, file, failed, problems)
    for c in table.columns:
        if c.name not in df.columns:
            df[c.name] = np.nan if c.kind in ("float", "int") else c.default
            if c.default is not None:
                df[c.name] = c.default
            continue
        text = df[c.name].astype(str).str.strip()
        blank = text.eq("")
        unit = f"[{c.unit or '-'}]"
        if c.kind in ("float", "int"):
            na = text.str.lower().isin(NA_TEXT)
            cells.add(na, c.name, lambda i: f"'{text.iloc[i]}'", f"a number {unit}" if c.required or
                      c.name in table.key else f"a number or a blank cell {unit}")
            num = pd.to_numeric(text.where(~(blank | na)), errors="coerce")
            cells.add(num.isna() & ~blank & ~na, c.name, lambda i: show(text.iloc[i]), f"a number {unit}")
            inf = np.isinf(num)
            cells.add(inf, c.name, lambda i: f"'{text.iloc[i]}'", f"a finite number {unit}")
            num = num.where(~inf)
            if c.kind == "int":
                cells.add(num.notna() & (num != np.round(num)), c.name, lambda i: f"'{text.iloc[i]}'",
                          "a whole number")
            if c.default is not None:
                num = num.where(~blank, c.default)
            df[c.name] = num.astype(float)
        elif c.kind == "bool":
            low = text.str.lower()
            cells.add(~(low.isin(TRUE | FALSE) | blank), c.name, lambda i: show(text.iloc[i]),
                      "true or false")
            val = low.isin(TRUE)
            df[c.name] = val.where(~blank, bool(c.default)).astype(bool)
        else:
            if c.name in table.key or c.ref is not None:
                cells.add(text.str.contains(_INVISIBLE, regex=True), c.name, lambda i: show(text.iloc[i]),
                          "an identifier without spaces or invisible characters")
            df[c.name] = text.where(~blank, c.default if c.default is not None else None)
    return df, problems, failed


def _checks(c: Col) -> list[pa.Check]:
    b = limits(c)
    checks = []
    if b["ge"] is not None:
        checks.append(pa.Check.ge(b["ge"]))
    if b["gt"] is not None:
        checks.append(pa.Check.gt(b["gt"]))
    if b["le"] is not None:
        checks.append(pa.Check.le(b["le"]))
    if c.choices is not None:
        checks.append(pa.Check.isin(list(c.choices)))
    return checks


def pandera_schema(table: Table, unique: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of a table, generated from the registry."""
    cols = {c.name: pa.Column(nullable=not (c.required or c.name in table.key), checks=_checks(c))
            for c in table.columns}
    return pa.DataFrameSchema(cols, unique=list(table.key) if unique else None, strict=False)


def _bound(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1e4 and float(v).is_integer() else f"{v:g}"


def _expected(c: Col, check: str) -> str:
    """The 'expected …' part for a failed check, with the unit. A failed plausibility limit of the unit
    (:data:`model.data.schema.UNIT_LIMITS`) names the whole accepted range."""
    unit = f" [{c.unit or '-'}]"
    if check.startswith("isin"):
        return "one of " + ", ".join(map(str, c.choices))
    b = limits(c)
    own = (check.startswith("greater_than_or_equal_to") and b["ge"] == c.ge) or \
        (check.startswith("greater_than(") and b["gt"] == c.gt) or \
        (check.startswith("less_than_or_equal_to") and b["le"] == c.le)
    if not own:
        lo = f"[{_bound(b['ge'])}" if b["ge"] is not None else f"({_bound(b['gt'])}" if b["gt"] is not None \
            else "(−∞"
        hi = f"{_bound(b['le'])}]" if b["le"] is not None else "∞)"
        return f"a value in {lo}, {hi}{unit}, the plausible range for {c.unit} (check the units)"
    if check.startswith("greater_than_or_equal_to"):
        return f"a value ≥ {c.ge:g}{unit}"
    if check.startswith("greater_than"):
        return f"a value > {c.gt:g}{unit}"
    if check.startswith("less_than_or_equal_to"):
        lo = "(0" if c.gt == 0 else ("[0" if c.ge == 0 else "")
        return f"a value in {lo}, {c.le:g}]{unit}" if lo else f"a value ≤ {c.le:g}{unit}"
    return check


def _failures(table: Table, df: pd.DataFrame, unique: bool = True):
    """(row, column, check, found) for every failed pandera check."""
    try:
        pandera_schema(table, unique).validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
    fc = fc[fc["index"].notna()]
    return list(zip(fc["index"], fc["column"], fc["check"].astype(str), fc["failure_case"]))


def _found(c: Col, check: str, found) -> str:
    if check.startswith("isin"):
        return f"'{found}'{suggest(str(found), map(str, c.choices))}"
    return _fmt(found)


def duplicate_keys(table: Table, df: pd.DataFrame, file: str) -> list[str]:
    """One line per key that appears on more than one row, naming its rows (the first ten; at most
    :data:`MAX_LINES` keys, the rest counted)."""
    key = [k for k in table.key if k in df.columns]
    dup = df[df.duplicated(key, keep=False)]
    problems = []
    groups = dup.groupby(key, sort=False, dropna=False).indices if len(dup) else {}
    for n, rows in enumerate(groups.values()):
        if n == MAX_LINES:
            problems.append(f"{file}: … and {len(groups) - MAX_LINES:,} more duplicate keys like it")
            break
        first = dup.index[rows]
        listed = ", ".join(str(_line(i)) for i in first[:10]) + (f", … ({len(first):,} rows)"
                                                                  if len(first) > 10 else "")
        vals = ", ".join(f"{k}={_fmt(dup.at[first[0], k])}" for k in key)
        problems.append(f"{file}: rows {listed} ({vals}): duplicate key ({', '.join(key)}); expected "
                        f"each key on one row only")
    return problems


def run_pandera(table: Table, df: pd.DataFrame, file: str, skip: set) -> list[str]:
    """The registry's checks (blanks, bounds, allowed values) and duplicate keys; cells in ``skip``
    were reported already. At most :data:`MAX_LINES` lines per column and check, the rest counted."""
    problems = []
    shown: dict = {}
    seen = set()
    for idx, col, check, found in _failures(table, df, unique=False):
        if (idx, col) in skip or (idx, col, check) in seen:
            continue
        seen.add((idx, col, check))
        n = shown[(col, check)] = shown.get((col, check), 0) + 1
        if n > MAX_LINES:
            continue
        loc = where(table, df, idx, file)
        c = table.col(col)
        if check == "not_nullable":
            problems.append(f"{loc}: column '{col}': blank; expected a value [{c.unit or 'text'}]")
        else:
            problems.append(f"{loc}: column '{col}': found {_found(c, check, found)}; expected "
                            f"{_expected(c, check)}")
    for (col, _), n in shown.items():
        problems += more_like_it(file, col, n - MAX_LINES)
    return problems + duplicate_keys(table, df, file)


def check_overridden(table: Table, df: pd.DataFrame, file: str, cells: dict) -> list[str]:
    """Check the values changed by overrides again (bounds, whole numbers); ``cells`` maps (row,
    column) -> the override's label. Each problem names the override, then file, row, column; rows
    failing the same check for the same override are counted on one line."""
    found: dict = {}
    for idx, col, check, value in _failures(table, df, unique=False):
        label = cells.get((idx, col))
        if label is not None and check != "not_nullable":
            found.setdefault((label, col, check), []).append((idx, _found(table.col(col), check, value)))
    for (idx, col), label in cells.items():
        v = df.at[idx, col]
        if table.col(col).kind == "int" and not pd.isna(v) and float(v) != round(float(v)):
            found.setdefault((label, col, "whole"), []).append((idx, _fmt(v)))
    problems = []
    for (label, col, check), rows in found.items():
        idx, value = rows[0]
        want = "a whole number" if check == "whole" else _expected(table.col(col), check)
        more = f" ({len(rows) - 1} more rows like it)" if len(rows) > 1 else ""
        problems.append(f"{label}: {where(table, df, idx, file)}: column '{col}': found {value} after "
                        f"the override; expected {want}{more}")
    return problems


def read_table(folder: Path, table: Table, filename: str | None = None):
    """Read, type and check one table; return (DataFrame or None, problems)."""
    file = filename or table.file
    path = Path(folder) / file
    if not path.exists() and not path.is_symlink():
        if table.required or filename:
            return None, [f"{file}: missing file (expected in {folder})"]
        return None, []
    bad = file_problem(path, file, MAX_TABLE_BYTES)
    if bad:
        return None, [bad]
    try:
        header = csv_header(path)
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, csv.Error) as err:
        return None, [f"{file}: cannot be read as CSV: {str(err).splitlines()[0]}; expected a header "
                      f"row and comma-separated values (UTF-8)"]
    # the header as written: pandas renames a repeated 'x' to 'x.1', which would hide the repetition
    raw.columns = header if len(header) == len(raw.columns) else [str(c).strip() for c in raw.columns]
    problems, renamed = _column_report(table, raw, file)
    if renamed or len(set(raw.columns)) < len(raw.columns) or \
            any(c.name not in raw.columns for c in table.columns if c.required or c.name in table.key):
        return None, problems  # the values cannot be checked (or used) until the columns are fixed
    df, coerce_problems, failed = coerce(table, raw, file)
    problems += coerce_problems
    problems += run_pandera(table, df, file, failed)
    keep = [c.name for c in table.columns]
    return df[keep], problems
