"""Validation of a dataset against the registry in :mod:`model.schema`, before anything is built.

Every problem becomes one line naming the file, the row (CSV line number and key) and the column, what
was found and what was expected. All problems of a dataset are collected and reported together.
Column types are coerced first (non-numeric cells reported); then a pandera schema generated from the
registry checks blanks, bounds, allowed values and duplicate keys; then cross-table rules run.
Values changed by ``--set`` overrides are checked again (:func:`check_overridden`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from model.data.settings import suggest
from model.data.dims import HOURS_PER_YEAR
from model.data.schema import FREE_COLUMNS, TABLES, Col, Table

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
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return f"{float(v):g}" if abs(float(v)) >= 1e-4 or v == 0 else str(float(v))
    return str(v)


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
            na = text.str.lower().isin(NA_TEXT)
            if c.required or c.name in table.key:
                for i in np.flatnonzero(na.to_numpy()):
                    failed.add((df.index[i], c.name))
                    problems.append(f"{where(table, df, df.index[i], file)}: column '{c.name}': "
                                    f"found '{text.iloc[i]}'; expected a number [{c.unit or '-'}]")
            blank |= na
            num = pd.to_numeric(text.where(~blank), errors="coerce")
            bad = num.isna() & ~blank
            for i in np.flatnonzero(bad.to_numpy()):
                failed.add((df.index[i], c.name))
                problems.append(f"{where(table, df, df.index[i], file)}: column '{c.name}': "
                                f"found '{text.iloc[i]}'; expected a number [{c.unit or '-'}]")
            inf = np.isinf(num)
            for i in np.flatnonzero(inf.to_numpy()):
                failed.add((df.index[i], c.name))
                problems.append(f"{where(table, df, df.index[i], file)}: column '{c.name}': "
                                f"found '{text.iloc[i]}'; expected a finite number [{c.unit or '-'}]")
            num = num.where(~inf)
            if c.kind == "int":
                frac = num.notna() & (num != np.round(num))
                for i in np.flatnonzero(frac.to_numpy()):
                    failed.add((df.index[i], c.name))
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


def pandera_schema(table: Table, unique: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of a table, generated from the registry."""
    cols = {c.name: pa.Column(nullable=not (c.required or c.name in table.key), checks=_checks(c))
            for c in table.columns}
    return pa.DataFrameSchema(cols, unique=list(table.key) if unique else None, strict=False)


def _expected(c: Col, check: str) -> str:
    unit = f" [{c.unit or '-'}]"
    if check.startswith("greater_than_or_equal_to"):
        return f"a value ≥ {c.ge:g}{unit}"
    if check.startswith("greater_than"):
        return f"a value > {c.gt:g}{unit}"
    if check.startswith("less_than_or_equal_to"):
        lo = "(0" if c.gt == 0 else ("[0" if c.ge == 0 else "")
        return f"a value in {lo}, {c.le:g}]{unit}" if lo else f"a value ≤ {c.le:g}{unit}"
    if check.startswith("isin"):
        return "one of " + ", ".join(map(str, c.choices))
    return check


def _failures(table: Table, df: pd.DataFrame, unique: bool = True):
    """(row, column, check, found) for every failed pandera check."""
    try:
        pandera_schema(table, unique).validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
    out = []
    for _, f in fc.iterrows():
        idx = f["index"]
        if idx is None or (isinstance(idx, float) and np.isnan(idx)):
            continue
        out.append((idx, f["column"], str(f["check"]), f["failure_case"]))
    return out


def _found(c: Col, check: str, found) -> str:
    if check.startswith("isin"):
        return f"'{found}'{suggest(str(found), map(str, c.choices))}"
    return _fmt(found)


def duplicate_keys(table: Table, df: pd.DataFrame, file: str) -> list[str]:
    """One line per key that appears on more than one row, naming every row."""
    key = [k for k in table.key if k in df.columns]
    dup = df[df.duplicated(key, keep=False)]
    problems = []
    for _, grp in dup.groupby(key, sort=False, dropna=False):
        rows = ", ".join(str(_line(i)) for i in grp.index)
        vals = ", ".join(f"{k}={_fmt(grp.iloc[0][k])}" for k in key)
        problems.append(f"{file}: rows {rows} ({vals}): duplicate key ({', '.join(key)}); expected "
                        f"each key on one row only")
    return problems


def run_pandera(table: Table, df: pd.DataFrame, file: str, skip: set) -> list[str]:
    problems = []
    for idx, col, check, found in _failures(table, df, unique=False):
        if (idx, col) in skip:
            continue
        loc = where(table, df, idx, file)
        c = table.col(col)
        if check == "not_nullable":
            problems.append(f"{loc}: column '{col}': blank; expected a value [{c.unit or 'text'}]")
        else:
            problems.append(f"{loc}: column '{col}': found {_found(c, check, found)}; expected "
                            f"{_expected(c, check)}")
    problems = sorted(set(problems), key=problems.index)
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
    if not path.exists():
        if table.required or filename:
            return None, [f"{file}: missing file (expected in {folder})"]
        return None, []
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        return None, [f"{file}: cannot be read as CSV: {str(err).splitlines()[0]}; expected a header "
                      f"row and comma-separated values (UTF-8)"]
    raw.columns = [str(c).strip() for c in raw.columns]
    problems, renamed = _column_report(table, raw, file)
    if renamed or len(set(raw.columns)) < len(raw.columns) or \
            any(c.name not in raw.columns for c in table.columns if c.required or c.name in table.key):
        return None, problems  # the values cannot be checked (or used) until the columns are fixed
    df, coerce_problems, failed = coerce(table, raw, file)
    problems += coerce_problems
    problems += run_pandera(table, df, file, failed)
    keep = [c.name for c in table.columns]
    return df[keep], problems


# -- cross-table rules ---------------------------------------------------------------------------
def _file(files: dict | None, name: str) -> str:
    return (files or {}).get(name) or TABLES[name].file


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
                                f"expected one defined in {_file(files, ref_table)}")
    return problems


def check_techs(techs: pd.DataFrame, files: dict | None = None) -> list[str]:
    """Columns a technology needs given its kind."""
    t = TABLES["techs"]
    file = _file(files, "techs")
    problems = []
    need = {"thermal": ("fuel", "efficiency"), "nuclear": ("fuel", "efficiency"),
            "variable": ("profile",), "hydro": ("profile",),
            "storage": ("round_trip_efficiency", "storage_duration_max_h")}
    for i, row in techs.iterrows():
        for col in need.get(row["kind"], ()):
            if row[col] is None or (isinstance(row[col], float) and np.isnan(row[col])):
                c = t.col(col)
                want = (f"a {c.ref.split('.')[1]} from {_file(files, c.ref.split('.')[0])}" if c.ref
                        else f"one of {', '.join(c.choices)}" if c.choices else f"a value [{c.unit}]")
                problems.append(f"{where(t, techs, i, file)}: column '{col}': blank; expected {want} "
                                f"— a {row['kind']} technology needs it")
        if row["kind"] == "storage":
            lo, hi = row["storage_duration_min_h"], row["storage_duration_max_h"]
            if not np.isnan(hi) and lo > hi:
                problems.append(f"{where(t, techs, i, file)}: column 'storage_duration_min_h': found "
                                f"{lo:g} > storage_duration_max_h {hi:g}; expected min ≤ max")
            ce, rte = row["charge_efficiency"], row["round_trip_efficiency"]
            if not (np.isnan(ce) or np.isnan(rte)) and ce < rte:
                problems.append(f"{where(t, techs, i, file)}: column 'charge_efficiency': found {ce:g} "
                                f"< round_trip_efficiency {rte:g}; expected charge_efficiency ≥ round "
                                f"trip (discharge efficiency would exceed 1)")
    return problems


def check_coverage(tables: dict, settings, files: dict) -> list[str]:
    """Year-keyed tables span the horizon; every region has demand; used techs have costs."""
    problems = []
    first, last = settings.first_period, settings.last_period
    for name, key, ref in (("demand", "region", "regions"), ("costs", "tech", "techs"),
                           ("fuel_prices", "fuel", "fuels")):
        df = tables.get(name)
        if df is None:
            continue
        known = set(tables[ref][key].dropna()) if tables.get(ref) is not None else None
        short: dict = {}
        for k, years in df.dropna(subset=["year"]).groupby(key)["year"]:
            if known is not None and k not in known:
                continue  # an unknown key, reported by check_refs
            if years.min() > first or years.max() < last:
                short.setdefault((int(years.min()), int(years.max())), []).append(str(k))
        for (lo, hi), keys in short.items():
            problems.append(f"{_file(files, name)}: {key} {', '.join(keys)}: years {lo}–{hi} do not "
                            f"cover the horizon {first}–{last}; expected rows at or before {first} and "
                            f"at or after {last}")
    if tables.get("demand") is not None and tables.get("regions") is not None:
        for r in sorted(set(tables["regions"]["region"].dropna()) - set(tables["demand"]["region"])):
            problems.append(f"{_file(files, 'demand')}: region '{r}' has no demand rows; expected rows "
                            f"for every region in {_file(files, 'regions')}")
    techs, costs = tables.get("techs"), tables.get("costs")
    if techs is not None and costs is not None:
        used = set(techs.loc[techs["new_build"], "tech"].dropna())
        if tables.get("existing") is not None:
            used |= set(tables["existing"]["tech"].dropna()) & set(techs["tech"])
        for tech in sorted(used - set(costs["tech"])):
            problems.append(f"{_file(files, 'costs')}: technology '{tech}' has no cost rows; expected "
                            f"rows for every technology that is built or exists")
    if techs is not None and tables.get("fuel_prices") is not None:
        fuels = set(techs["fuel"].dropna()) - set(tables["fuel_prices"]["fuel"])
        if tables.get("fuels") is not None:
            fuels &= set(tables["fuels"]["fuel"])  # unknown fuels are reported by check_refs
        for fuel in sorted(fuels):
            problems.append(f"{_file(files, 'fuel_prices')}: fuel '{fuel}' used in "
                            f"{_file(files, 'techs')} has no price rows")
    return problems


def check_existing(tables: dict, settings, files: dict | None = None) -> list[str]:
    """Base-year fleet: cohorts not in the future and within potentials."""
    ex, techs, pot = tables.get("existing"), tables.get("techs"), tables.get("potentials")
    if ex is None or techs is None:
        return []
    t, fe = TABLES["existing"], _file(files, "existing")
    problems = [f"{where(t, ex, i, fe)}: column 'build_year': found {int(y)}; expected ≤ the base year "
                f"{settings.first_period}" for i, y in ex["build_year"].items()
                if y > settings.first_period]
    if pot is not None:
        life = techs.drop_duplicates("tech").set_index("tech")["lifetime_yr"]
        alive = ex[(ex["build_year"] + ex["tech"].map(life).fillna(0) > settings.first_period)
                   & (ex["build_year"] <= settings.first_period)]
        total = alive.groupby(["region", "tech"])["capacity_gw"].sum()
        for i, row in pot.iterrows():
            have = total.get((row["region"], row["tech"]), 0.0)
            if row["max_gw"] >= 0 and have > row["max_gw"] + 1e-9:  # (negative: reported already)
                problems.append(f"{where(TABLES['potentials'], pot, i, _file(files, 'potentials'))}: "
                                f"column 'max_gw': found {row['max_gw']:g} GW; expected ≥ the existing "
                                f"base-year capacity {have:g} GW of {row['tech']} in {row['region']} "
                                f"({fe})")
    return problems


def check_storage_potentials(tables: dict, files: dict | None = None) -> list[str]:
    """Storage energy potentials name storage technologies and hold the base-year energy capacity."""
    pot, techs, ex = tables.get("storage_potentials"), tables.get("techs"), tables.get("existing")
    if pot is None or techs is None:
        return []
    t, f = TABLES["storage_potentials"], _file(files, "storage_potentials")
    kind = techs.drop_duplicates("tech").set_index("tech")["kind"]
    problems = [f"{where(t, pot, i, f)}: column 'tech': found '{tech}' of kind '{kind[tech]}'; expected a "
                f"storage technology" for i, tech in pot["tech"].items()
                if tech in kind.index and kind[tech] != "storage"]
    if ex is not None and "energy_gwh" in ex:
        have = ex.groupby(["region", "tech"])["energy_gwh"].sum()
        for i, row in pot.iterrows():
            e = float(have.get((row["region"], row["tech"]), 0.0))
            if row["max_gwh"] >= 0 and e > row["max_gwh"] + 1e-9:
                problems.append(f"{where(t, pot, i, f)}: column 'max_gwh': found {row['max_gwh']:g} GWh; "
                                f"expected ≥ the existing energy capacity {e:g} GWh ({_file(files, 'existing')})")
    return problems


def check_lines(lines: pd.DataFrame | None, files: dict | None = None) -> list[str]:
    if lines is None:
        return []
    t = TABLES["lines"]
    return [f"{where(t, lines, i, _file(files, 'lines'))}: column 'to_region': found '{r}', the same "
            f"as from_region; expected another region (a corridor joins two regions)"
            for i, r in lines["from_region"].items() if r is not None and r == lines.at[i, "to_region"]]


def check_policies(tables: dict, settings, files: dict | None = None) -> list[str]:
    """Paths named by the settings exist; a cap path does not rise after its peak unless allowed."""
    problems = []
    for setting, table in (("co2_cap", "co2_caps"), ("carbon_price", "carbon_prices"),
                           ("clean_share", "clean_shares")):
        path = getattr(settings, setting)
        if path is None:
            continue
        df = tables.get(table)
        known = sorted({str(k) for k in df["path"].dropna()}) if df is not None else []
        if str(path) not in known:
            problems.append(f"setting {setting}='{path}': no such path in {_file(files, table)}"
                            f"{suggest(str(path), known)}; expected one of: "
                            f"{', '.join(known) if known else '(none: the file is missing or empty)'}")
    caps = tables.get("co2_caps")
    if caps is not None and not settings.allow_cap_increase:
        t = TABLES["co2_caps"]
        for path, grp in caps.dropna(subset=["year", "co2_cap_mt"]).sort_values("year").groupby("path"):
            vals, years = grp["co2_cap_mt"].to_numpy(), grp["year"].to_numpy()
            falling = False
            for k in range(1, len(vals)):
                if vals[k] < vals[k - 1] - 1e-9:
                    falling = True
                elif falling and vals[k] > vals[k - 1] + 1e-9:
                    peak = int(np.argmax(vals[:k]))
                    problems.append(f"{where(t, caps, grp.index[k], _file(files, 'co2_caps'))}: column "
                                    f"'co2_cap_mt': found {vals[k]:g} Mt, a rise from {vals[k - 1]:g} Mt "
                                    f"in {int(years[k - 1])} after the path peaked ({vals[peak]:g} Mt "
                                    f"in {int(years[peak])}); expected a cap that does not rise again, "
                                    f"or set allow_cap_increase: true if intended")
                    break
    if settings.last_period < settings.first_period or \
            (settings.last_period - settings.first_period) % settings.period_years:
        problems.append(f"settings: periods {settings.first_period}–{settings.last_period} in steps of "
                        f"{settings.period_years} do not fit; expected last_period − first_period to be "
                        f"a non-negative multiple of period_years")
    return problems


def _cells(n: int) -> str:
    return f"{n} such cell{'s' if n != 1 else ''}"


def check_profile(name: str, df: pd.DataFrame, regions: list[str], file: str) -> list[str]:
    """An hourly profile: 8760 rows, an hour column, one numeric column per region, values in range."""
    problems = []
    if len(df) != HOURS_PER_YEAR:
        problems.append(f"{file}: found {len(df)} rows; expected {HOURS_PER_YEAR} (one per hour of a "
                        f"non-leap year)")
    if "hour" not in df.columns:
        problems.append(f"{file}: missing column 'hour'; expected hours 0…{HOURS_PER_YEAR - 1}")

    def loc(i):
        return f"{file}: row {_line(i)} (hour={_fmt(df['hour'].iloc[i]) if 'hour' in df else i})"

    for r in regions:
        if r not in df.columns:
            problems.append(f"{file}: missing column for region '{r}'{suggest(r, map(str, df.columns))}")
            continue
        vals = pd.to_numeric(df[r], errors="coerce")
        bad = vals.isna() | np.isinf(vals)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            cell = df[r].iloc[i]
            found = "blank" if pd.isna(cell) or str(cell).strip() == "" else f"found '{cell}'"
            problems.append(f"{loc(i)}: column '{r}': {found}; expected a number"
                            f" ({_cells(int(bad.sum()))})")
            continue
        if name == "load":
            if (vals < 0).any() or vals.sum() <= 0:
                i = int(np.flatnonzero((vals < 0).to_numpy())[0]) if (vals < 0).any() else 0
                problems.append(f"{loc(i)}: column '{r}': found load {vals.iloc[i]:g}; expected values "
                                f"≥ 0 with a positive total")
        elif (vals < 0).any() or (vals > 1 + 1e-6).any():
            out = (vals < 0) | (vals > 1 + 1e-6)
            i = int(np.flatnonzero(out.to_numpy())[0])
            problems.append(f"{loc(i)}: column '{r}': found capacity factor {vals.iloc[i]:g}; expected "
                            f"a value in [0, 1] ({_cells(int(out.sum()))})")
    return problems
