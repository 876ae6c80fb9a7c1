"""Validation of a dataset against the registry in :mod:`model.schema`, before anything is built.

Every problem becomes one line naming the file, the row (CSV line number and key) and the column, what
was found and what was expected. All problems of a dataset are collected and reported together.
Column types are coerced first (non-numeric cells reported); then a pandera schema generated from the
registry checks blanks, bounds, allowed values and duplicate keys; then cross-table rules run.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .config import suggest
from .dims import HOURS_PER_YEAR
from .schema import FREE_COLUMNS, TABLES, Col, Table

TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}


def _line(i) -> int:
    """CSV line number of data row ``i`` (header is line 1)."""
    return int(i) + 2


def _fmt(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def where(table: Table, df: pd.DataFrame, i, file: str | None = None) -> str:
    key = ", ".join(f"{k}={_fmt(df.at[i, k])}" for k in table.key if k in df.columns)
    return f"{file or table.file}: row {_line(i)} ({key})"


def _unit_of(name: str) -> tuple[str, str]:
    """Split a column name into (quantity stem, unit suffix) at the first unit-like token."""
    tokens = name.split("_")
    for k, tok in enumerate(tokens):
        if tok in {"cny", "usd", "eur", "gw", "mw", "kw", "twh", "gwh", "mwh", "mt", "kt", "t", "yr",
                   "km", "h", "deg", "gj", "pj"}:
            return "_".join(tokens[:k]), "_".join(tokens[k:])
    return name, ""


def check_columns(table: Table, raw: pd.DataFrame, file: str) -> list[str]:
    """Missing required columns, and unknown columns (with unit mismatches called out)."""
    problems = []
    expected = {c.name: c for c in table.columns}
    for c in table.columns:
        if c.name not in raw.columns and (c.required or c.name in table.key):
            problems.append(f"{file}: missing column '{c.name}' [{c.unit or 'text'}]")
    for name in raw.columns:
        if name in expected or name in FREE_COLUMNS:
            continue
        stem, unit = _unit_of(name)
        match = [c for c in table.columns if _unit_of(c.name)[0] == stem and stem]
        if match and unit:
            want = _unit_of(match[0].name)[1]
            problems.append(f"{file}: column '{name}' is in {unit.replace('_', ' ')}; expected "
                            f"'{match[0].name}' in {want.replace('_', ' ')} (convert the values)")
        else:
            problems.append(f"{file}: unknown column '{name}'{suggest(name, expected)}")
    return problems


def coerce(table: Table, raw: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[str], set]:
    """Convert text cells to the declared types; blanks become defaults (or NaN).

    Returns the typed frame, the problems, and the (row, column) cells that could not be converted.
    """
    df = raw.copy()
    problems = []
    failed = set()
    for c in table.columns:
        if c.name not in df.columns:
            df[c.name] = np.nan if c.kind in ("float", "int") else c.default
            if c.default is not None:
                df[c.name] = c.default
            continue
        text = df[c.name].astype(str).str.strip()
        blank = text.eq("")
        if c.kind in ("float", "int"):
            blank |= text.str.lower().isin(["nan", "na", "n/a"])
        if c.kind in ("float", "int"):
            num = pd.to_numeric(text.where(~blank), errors="coerce")
            bad = num.isna() & ~blank
            for i in np.flatnonzero(bad.to_numpy()):
                failed.add((df.index[i], c.name))
                problems.append(f"{where(table, df, df.index[i], file)}: column '{c.name}': "
                                f"found '{text.iloc[i]}'; expected a number [{c.unit or '-'}]")
            if c.kind == "int":
                frac = num.notna() & (num != np.round(num))
                for i in np.flatnonzero(frac.to_numpy()):
                    problems.append(f"{where(table, df, df.index[i], file)}: column '{c.name}': "
                                    f"found '{text.iloc[i]}'; expected a whole number")
            if c.default is not None:
                num = num.where(~blank, c.default)
            df[c.name] = num.astype(float)
        elif c.kind == "bool":
            low = text.str.lower()
            bad = ~(low.isin(TRUE | FALSE) | blank)
            for i in np.flatnonzero(bad.to_numpy()):
                failed.add((df.index[i], c.name))
                problems.append(f"{where(table, df, df.index[i], file)}: column '{c.name}': "
                                f"found '{text.iloc[i]}'; expected true or false")
            val = low.isin(TRUE)
            df[c.name] = val.where(~blank, bool(c.default)).astype(bool)
        else:
            df[c.name] = text.where(~blank, c.default if c.default is not None else None)
    return df, problems, failed


def _checks(c: Col) -> list[pa.Check]:
    checks = []
    if c.ge is not None:
        checks.append(pa.Check.ge(c.ge))
    if c.gt is not None:
        checks.append(pa.Check.gt(c.gt))
    if c.le is not None:
        checks.append(pa.Check.le(c.le))
    if c.choices is not None:
        checks.append(pa.Check.isin(list(c.choices)))
    return checks


def pandera_schema(table: Table) -> pa.DataFrameSchema:
    """The pandera schema of a table, generated from the registry."""
    cols = {c.name: pa.Column(nullable=not (c.required or c.name in table.key), checks=_checks(c))
            for c in table.columns}
    return pa.DataFrameSchema(cols, unique=list(table.key), strict=False)


def _expected(c: Col, check: str) -> str:
    if check.startswith("greater_than_or_equal_to"):
        return f"a value ≥ {c.ge:g} [{c.unit or '-'}]"
    if check.startswith("greater_than"):
        return f"a value > {c.gt:g} [{c.unit or '-'}]"
    if check.startswith("less_than_or_equal_to"):
        lo = "(0" if c.gt == 0 else ("[0" if c.ge == 0 else "")
        return f"a value in {lo}, {c.le:g}]" if lo else f"a value ≤ {c.le:g}"
    if check.startswith("isin"):
        return "one of " + ", ".join(map(str, c.choices))
    return check


def run_pandera(table: Table, df: pd.DataFrame, file: str, skip: set) -> list[str]:
    try:
        pandera_schema(table).validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
    problems = []
    for _, f in fc.iterrows():
        col, check, idx = f["column"], str(f["check"]), f["index"]
        if idx is None or (isinstance(idx, float) and np.isnan(idx)) or (idx, col) in skip:
            continue
        loc = where(table, df, idx, file)
        if check == "multiple_fields_uniqueness":
            if col == table.key[0]:
                problems.append(f"{loc}: duplicate key ({', '.join(table.key)}) — each must appear once")
        elif check == "not_nullable":
            problems.append(f"{loc}: column '{col}': blank; expected a value "
                            f"[{table.col(col).unit or 'text'}]")
        else:
            problems.append(f"{loc}: column '{col}': found {f['failure_case']}; expected "
                            f"{_expected(table.col(col), check)}")
    return sorted(set(problems), key=problems.index)


def read_table(folder: Path, table: Table, filename: str | None = None):
    """Read, type and check one table; return (DataFrame or None, problems)."""
    file = filename or table.file
    path = Path(folder) / file
    if not path.exists():
        if table.required or filename:
            return None, [f"{file}: missing file (expected in {folder})"]
        return None, []
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        return None, [f"{file}: cannot be read as CSV: {str(err).splitlines()[0]}"]
    raw.columns = [str(c).strip() for c in raw.columns]
    problems = check_columns(table, raw, file)
    if any("missing column" in p for p in problems):
        return None, problems
    df, coerce_problems, failed = coerce(table, raw, file)
    problems += coerce_problems
    problems += run_pandera(table, df, file, failed)
    keep = [c.name for c in table.columns]
    return df[keep], problems


# -- cross-table rules ---------------------------------------------------------------------------
def check_refs(tables: dict, files: dict) -> list[str]:
    """Every ``ref`` column value exists in the referenced table."""
    problems = []
    for name, df in tables.items():
        table = TABLES[name]
        for c in table.columns:
            if c.ref is None or df is None:
                continue
            ref_table, ref_col = c.ref.split(".")
            if tables.get(ref_table) is None:
                continue
            known = set(tables[ref_table][ref_col].dropna())
            for i, val in df[c.name].items():
                if val is None or (isinstance(val, float) and np.isnan(val)) or val in known:
                    continue
                problems.append(f"{where(table, df, i, files.get(name))}: column '{c.name}': "
                                f"unknown {ref_col} '{val}'{suggest(str(val), known)}; "
                                f"expected one defined in {ref_table}.csv")
    return problems


def check_techs(techs: pd.DataFrame) -> list[str]:
    """Columns a technology needs given its kind."""
    t = TABLES["techs"]
    problems = []
    need = {"thermal": ("fuel", "efficiency"), "nuclear": ("fuel", "efficiency"),
            "variable": ("profile",), "hydro": ("profile",),
            "storage": ("round_trip_efficiency", "storage_duration_max_h")}
    for i, row in techs.iterrows():
        for col in need.get(row["kind"], ()):
            if row[col] is None or (isinstance(row[col], float) and np.isnan(row[col])):
                problems.append(f"{where(t, techs, i)}: column '{col}': blank; a {row['kind']} "
                                f"technology needs it")
        if row["kind"] == "storage":
            lo, hi = row["storage_duration_min_h"], row["storage_duration_max_h"]
            if not np.isnan(hi) and lo > hi:
                problems.append(f"{where(t, techs, i)}: column 'storage_duration_min_h': found {lo:g} "
                                f"> storage_duration_max_h {hi:g}; expected min ≤ max")
            ce, rte = row["charge_efficiency"], row["round_trip_efficiency"]
            if not (np.isnan(ce) or np.isnan(rte)) and ce < rte:
                problems.append(f"{where(t, techs, i)}: column 'charge_efficiency': found {ce:g} "
                                f"< round_trip_efficiency {rte:g}; discharge efficiency would exceed 1")
    return problems


def check_coverage(tables: dict, settings, files: dict) -> list[str]:
    """Year-keyed tables span the horizon; every region has demand; used techs have costs."""
    problems = []
    first, last = settings.first_period, settings.last_period
    for name, key in (("demand", "region"), ("costs", "tech"), ("fuel_prices", "fuel")):
        df = tables.get(name)
        if df is None:
            continue
        for k, years in df.groupby(key)["year"]:
            if years.min() > first or years.max() < last:
                problems.append(f"{files.get(name, name + '.csv')}: {key}={k}: years "
                                f"{int(years.min())}–{int(years.max())} do not cover the horizon "
                                f"{first}–{last}; expected rows at or before {first} and at or after {last}")
    if tables.get("demand") is not None and tables.get("regions") is not None:
        for r in sorted(set(tables["regions"]["region"]) - set(tables["demand"]["region"])):
            problems.append(f"{files.get('demand', 'demand.csv')}: region '{r}' has no demand rows")
    techs, costs = tables.get("techs"), tables.get("costs")
    if techs is not None and costs is not None:
        used = set(techs.loc[techs["new_build"], "tech"])
        if tables.get("existing") is not None:
            used |= set(tables["existing"]["tech"])
        for tech in sorted(used - set(costs["tech"])):
            problems.append(f"{files.get('costs', 'costs.csv')}: technology '{tech}' has no cost rows")
    if techs is not None and tables.get("fuel_prices") is not None:
        fuels = set(techs["fuel"].dropna()) - set(tables["fuel_prices"]["fuel"])
        for fuel in sorted(fuels):
            problems.append(f"{files.get('fuel_prices', 'fuel_prices.csv')}: fuel '{fuel}' used in "
                            f"techs.csv has no price rows")
    return problems


def check_existing(tables: dict, settings) -> list[str]:
    """Base-year fleet: cohorts not in the future and within potentials."""
    ex, techs, pot = tables.get("existing"), tables.get("techs"), tables.get("potentials")
    if ex is None or techs is None:
        return []
    t = TABLES["existing"]
    problems = [f"{where(t, ex, i)}: column 'build_year': found {int(y)}; expected ≤ the base year "
                f"{settings.first_period}" for i, y in ex["build_year"].items()
                if y > settings.first_period]
    if pot is not None:
        life = techs.set_index("tech")["lifetime_yr"]
        alive = ex[ex["build_year"] + ex["tech"].map(life).fillna(0) > settings.first_period]
        total = alive.groupby(["region", "tech"])["capacity_gw"].sum()
        limit = pot.set_index(["region", "tech"])["max_gw"]
        both = total.to_frame("have").join(limit.rename("max"), how="inner")
        for (r, tech), row in both[both["have"] > both["max"] + 1e-9].iterrows():
            problems.append(f"potentials.csv: ({r}, {tech}): max_gw {row['max']:g} GW is below the "
                            f"existing base-year capacity {row['have']:g} GW in existing.csv")
    return problems


def check_lines(lines: pd.DataFrame | None) -> list[str]:
    if lines is None:
        return []
    t = TABLES["lines"]
    return [f"{where(t, lines, i)}: from_region equals to_region ('{r}'); a corridor joins two regions"
            for i, r in lines["from_region"].items() if r == lines.at[i, "to_region"]]


def check_policies(tables: dict, settings) -> list[str]:
    """Paths named by the settings exist; a cap path does not rise after its peak unless allowed."""
    problems = []
    for setting, table in (("co2_cap", "co2_caps"), ("carbon_price", "carbon_prices"),
                           ("clean_share", "clean_shares")):
        path = getattr(settings, setting)
        if path is None:
            continue
        df = tables.get(table)
        known = set(df["path"]) if df is not None else set()
        if str(path) not in {str(k) for k in known}:
            problems.append(f"setting {setting}='{path}': no such path in {table}.csv"
                            f"{suggest(str(path), map(str, known))}")
    caps = tables.get("co2_caps")
    if caps is not None and not settings.allow_cap_increase:
        for path, grp in caps.sort_values("year").groupby("path"):
            vals, years = grp["co2_cap_mt"].to_numpy(), grp["year"].to_numpy()
            peak = int(np.argmax(vals))
            for k in range(peak + 1, len(vals)):
                if vals[k] > vals[k - 1] + 1e-9:
                    problems.append(f"co2_caps.csv: path '{path}', year {int(years[k])}: cap "
                                    f"{vals[k]:g} Mt rises after the peak of {vals[peak]:g} Mt in "
                                    f"{int(years[peak])}; set allow_cap_increase: true if intended")
                    break
    if (settings.last_period - settings.first_period) % settings.period_years or \
            settings.last_period < settings.first_period:
        problems.append(f"settings: periods {settings.first_period}–{settings.last_period} in steps of "
                        f"{settings.period_years} do not fit; expected last − first to be a non-negative "
                        f"multiple of period_years")
    return problems


def check_profile(name: str, df: pd.DataFrame, regions: list[str], file: str) -> list[str]:
    """An hourly profile: 8760 rows, an hour column, one numeric column per region, values in range."""
    problems = []
    if len(df) != HOURS_PER_YEAR:
        problems.append(f"{file}: {len(df)} rows; expected {HOURS_PER_YEAR} (one per hour of a "
                        f"non-leap year)")
    if "hour" not in df.columns:
        problems.append(f"{file}: missing column 'hour'")
    for r in regions:
        if r not in df.columns:
            problems.append(f"{file}: missing column for region '{r}'{suggest(r, df.columns)}")
            continue
        vals = pd.to_numeric(df[r], errors="coerce")
        bad = vals.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            problems.append(f"{file}: row {_line(i)} (hour={df['hour'].iloc[i] if 'hour' in df else i}): "
                            f"column '{r}': found '{df[r].iloc[i]}'; expected a number"
                            f" ({int(bad.sum())} such cells)")
            continue
        if name == "load":
            if (vals < 0).any() or vals.sum() <= 0:
                problems.append(f"{file}: column '{r}': load must be ≥ 0 with a positive total")
        elif (vals < 0).any() or (vals > 1 + 1e-6).any():
            i = int(np.flatnonzero(((vals < 0) | (vals > 1 + 1e-6)).to_numpy())[0])
            problems.append(f"{file}: row {_line(i)} (hour={i}): column '{r}': found capacity factor "
                            f"{vals.iloc[i]:g}; expected a value in [0, 1]")
    return problems
