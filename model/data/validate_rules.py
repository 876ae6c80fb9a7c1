"""Validation rules across tables and against the settings (references, technology kinds, corridors,
horizon coverage, base-year fleet, policy paths) and of the hourly profiles. Each problem is one line
naming the file, the row and the column, what was found and what was expected.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from model.data.dims import HOURS_PER_YEAR
from model.data.schema import TABLES, UNIT_LIMITS
from model.data.settings import suggest
from model.data.validate_tables import (
    _INVISIBLE,
    MAX_LINES,
    _fmt,
    _line,
    more_like_it,
    show,
    where,
)

#: tables that must have at least one row, and why (the others may hold only their header)
NONEMPTY = {"regions": "the model needs regions", "techs": "the model needs technologies",
            "demand": "every region needs demand", "costs": "technologies need costs"}


def _file(files: dict | None, name: str) -> str:
    return (files or {}).get(name) or TABLES[name].file


def check_refs(tables: dict, files: dict) -> list[str]:
    """Every ``ref`` column value exists in the referenced table (at most :data:`MAX_LINES` lines per
    column, the rest counted)."""
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
            col = df[c.name]
            # identifiers with invisible characters were reported when read: neither they nor the
            # references to what they would be without them are reported again
            odd = col.astype(str).str.contains(_INVISIBLE, regex=True)
            meant = {re.sub(_INVISIBLE, "", str(k)) for k in known}
            bad = np.flatnonzero((col.notna() & ~col.isin(known) & ~col.isin(meant) & ~odd).to_numpy())
            file = _file(files, name)
            for i in df.index[bad[:MAX_LINES]]:
                val = df.at[i, c.name]
                problems.append(f"{where(table, df, i, file)}: column '{c.name}': "
                                f"unknown {ref_col} {show(val)}{suggest(str(val), known)}; "
                                f"expected one defined in {_file(files, ref_table)}")
            problems += more_like_it(file, c.name, len(bad) - MAX_LINES)
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


def _plain(names) -> list[str]:
    """Sorted names without invisible characters (those were reported when read)."""
    return sorted(n for n in names if not re.search(_INVISIBLE, str(n)))


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
        for r in _plain(set(tables["regions"]["region"].dropna()) - set(tables["demand"]["region"])):
            problems.append(f"{_file(files, 'demand')}: region '{r}' has no demand rows; expected rows "
                            f"for every region in {_file(files, 'regions')}")
    techs, costs = tables.get("techs"), tables.get("costs")
    if techs is not None and costs is not None:
        used = set(techs.loc[techs["new_build"], "tech"].dropna())
        if tables.get("existing") is not None:
            used |= set(tables["existing"]["tech"].dropna()) & set(techs["tech"])
        for tech in _plain(used - set(costs["tech"])):
            problems.append(f"{_file(files, 'costs')}: technology '{tech}' has no cost rows; expected "
                            f"rows for every technology that is built or exists")
    if techs is not None and tables.get("fuel_prices") is not None:
        fuels = set(techs["fuel"].dropna()) - set(tables["fuel_prices"]["fuel"])
        if tables.get("fuels") is not None:
            fuels &= set(tables["fuels"]["fuel"])  # unknown fuels are reported by check_refs
        for fuel in _plain(fuels):
            problems.append(f"{_file(files, 'fuel_prices')}: fuel '{fuel}' used in "
                            f"{_file(files, 'techs')} has no price rows")
    return problems


def check_existing(tables: dict, settings, files: dict | None = None) -> list[str]:
    """Base-year fleet: cohorts not in the future and within potentials."""
    ex, techs, pot = tables.get("existing"), tables.get("techs"), tables.get("potentials")
    if ex is None or techs is None:
        return []
    t, fe = TABLES["existing"], _file(files, "existing")
    last = settings.history_until if settings.history_until is not None else settings.first_period
    what = "history_until" if settings.history_until is not None else "the base year"
    problems = [f"{where(t, ex, i, fe)}: column 'build_year': found {int(y)}; expected ≤ {what} {last}"
                for i, y in ex["build_year"].items() if y > last]
    if pot is not None:
        life = techs.drop_duplicates("tech").set_index("tech")["lifetime_yr"]
        alive = ex[(ex["build_year"] + ex["tech"].map(life).fillna(0) > last) & (ex["build_year"] <= last)]
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


def _collar(tables: dict, settings, found: list[str]) -> list[str]:
    """The CO2 price floor lies at or below the ceiling in every period (once both paths exist)."""
    from model.data.years import path_values

    lo, hi = settings.co2_price_floor, settings.co2_price_ceiling
    if lo is None or hi is None or any("co2_price_" in p for p in found):
        return []
    periods = settings.periods
    floor = path_values(tables, "carbon_prices", "price_cny_per_t", lo, periods)
    ceiling = path_values(tables, "carbon_prices", "price_cny_per_t", hi, periods)
    bad = [(p, f, c) for p, f, c in zip(periods, floor, ceiling) if np.isfinite(f) and np.isfinite(c) and f > c]
    return [f"settings: co2_price_floor {f:g} CNY/t is above co2_price_ceiling {c:g} CNY/t in {p}; expected "
            f"floor ≤ ceiling" for p, f, c in bad[:3]]


def check_policies(tables: dict, settings, files: dict | None = None) -> list[str]:
    """Paths named by the settings exist; a cap path does not rise after its peak unless allowed."""
    problems = []
    for setting, table in (("co2_cap", "co2_caps"), ("carbon_price", "carbon_prices"),
                           ("clean_share", "clean_shares"), ("ets", "carbon_prices"),
                           ("co2_price_floor", "carbon_prices"), ("co2_price_ceiling", "carbon_prices")):
        path = getattr(settings, setting)
        if path is None or isinstance(path, dict):  # inline {year: price}: checked by Settings
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
    problems += _reserve_credit(tables, settings, files) + _collar(tables, settings, problems)
    if settings.last_period < settings.first_period or \
            (settings.last_period - settings.first_period) % settings.period_years:
        problems.append(f"settings: periods {settings.first_period}–{settings.last_period} in steps of "
                        f"{settings.period_years} do not fit; expected last_period − first_period to be "
                        f"a non-negative multiple of period_years")
    return problems


def _reserve_credit(tables: dict, settings, files) -> list[str]:
    """With a reserve margin some technology must count towards it (capacity_credit > 0); otherwise the
    margin's rows hold no variables and cannot be met."""
    techs = tables.get("techs")
    if settings.reserve_margin is None or techs is None or not len(techs) or \
            settings.first_decision_period > settings.last_period or (techs["capacity_credit"] > 0).any():
        return []
    return [f"{_file(files, 'techs')}: column 'capacity_credit': no technology counts towards the reserve "
            f"margin (the column is missing or 0 everywhere; blank means 0); expected a capacity credit "
            f"for firm technologies, or reserve_margin: null to switch the reserve margin off"]


def _cells(n: int) -> str:
    return f"{n} such cell{'s' if n != 1 else ''}"


def _hours(df: pd.DataFrame, file: str) -> list[str]:
    """The ``hour`` column holds 0, 1, …, 8759 in this order (hour-beginning, each hour once)."""
    if "hour" not in df.columns:
        return [f"{file}: missing column 'hour'; expected hours 0…{HOURS_PER_YEAR - 1}"]
    text = df["hour"].astype(str).str.strip()
    hours = pd.to_numeric(text, errors="coerce").to_numpy(float)
    n = min(len(hours), HOURS_PER_YEAR)
    want = np.arange(n)
    if np.array_equal(hours[:n], want):
        return []
    if n == HOURS_PER_YEAR and np.array_equal(hours, want + 1):
        return [f"{file}: column 'hour': found hours 1…{HOURS_PER_YEAR}; expected 0…{HOURS_PER_YEAR - 1} "
                f"(hour-beginning: subtract 1)"]
    i = int(np.flatnonzero(~(hours[:n] == want))[0])
    return [f"{file}: row {_line(i)}: column 'hour': found '{text.iloc[i]}'; expected {i} (hours "
            f"0…{HOURS_PER_YEAR - 1}, each once, in increasing order)"]


def check_profile(name: str, df: pd.DataFrame, regions: list[str], file: str) -> list[str]:
    """An hourly profile: 8760 rows, an ``hour`` column 0…8759 in order, one numeric column per region
    (cells as read, text), values in range."""
    problems = []
    if len(df) != HOURS_PER_YEAR:
        found = f"more than {HOURS_PER_YEAR}" if len(df) > HOURS_PER_YEAR else f"{len(df)}"
        problems.append(f"{file}: found {found} rows; expected {HOURS_PER_YEAR} (one per hour of a "
                        f"non-leap year)")
    hour_problems = _hours(df, file)
    problems += hour_problems

    def loc(i):
        hour = df["hour"].iloc[i] if "hour" in df and not hour_problems else None
        return f"{file}: row {_line(i)}" + (f" (hour={str(hour).strip()})" if hour is not None else "")

    for r in regions:
        if r not in df.columns:
            problems.append(f"{file}: missing column for region '{r}'{suggest(r, map(str, df.columns))}")
            continue
        text = df[r].astype(str).str.strip()
        vals = pd.to_numeric(text, errors="coerce")
        bad = vals.isna() | np.isinf(vals)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            found = "blank" if text.iloc[i] == "" else f"found '{text.iloc[i][:40]}'"
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


def check_history(tables: dict, settings, files: dict | None = None) -> list[str]:
    """``history_until`` inside the horizon; committed builds in decision periods, within potentials and
    build limits; capacity-credit tranches ordered."""
    s, problems = settings, []
    if s.history_until is not None and s.first_period_builds and s.history_until >= s.first_period:
        problems.append(f"settings: first_period_builds: true, but history_until {s.history_until} makes the "
                        f"first period {s.first_period} history; expected history_until: null (or a year "
                        f"before first_period) to build in the first period")
    decision = [p for p in s.periods if p >= s.first_decision_period]
    for name in ("committed", "committed_lines"):
        df = tables.get(name)
        if df is None or not s.committed:
            continue
        inside = (df["year"] >= s.first_period) & (df["year"] <= s.last_period)  # others: outside the run
        bad = df.index[inside & ~df["year"].isin(decision)]
        problems += [f"{where(TABLES[name], df, i, _file(files, name))}: column 'year': found "
                     f"{int(df.at[i, 'year'])}; expected a decision period "
                     f"({', '.join(map(str, decision)) or 'none in this horizon'})" for i in bad[:20]]
    problems += _committed_within_limits(tables, s, files)
    cc = tables.get("capacity_credits")
    if cc is not None:
        for tech, grp in cc.sort_values("tranche").groupby("tech"):
            upto = grp["share_of_peak_upto"].to_numpy(float)
            if np.isnan(upto[:-1]).any() or not (np.diff(upto[~np.isnan(upto)]) > 0).all():
                problems.append(f"{_file(files, 'capacity_credits')}: tech {tech}: column "
                                f"'share_of_peak_upto': found {', '.join(_fmt(u) for u in upto)}; expected "
                                f"increasing shares by tranche, only the last one blank")
    return problems


def _committed_within_limits(tables: dict, s, files) -> list[str]:
    """Committed builds no larger than the potential of their region or the national build limit."""
    com = tables.get("committed")
    if com is None or not s.committed or not len(com):
        return []
    problems = []
    pot = tables.get("potentials")
    if pot is not None:
        bound = pot.set_index(["region", "tech"])["max_gw"]
        total = com.groupby(["region", "tech"])["min_gw"].sum()
        for key, gw in total.items():
            if key in bound.index and gw > bound[key] + 1e-9:
                problems.append(f"{_file(files, 'committed')}: {key[1]} in {key[0]}: committed builds of "
                                f"{gw:g} GW exceed the potential of {bound[key]:g} GW "
                                f"({_file(files, 'potentials')}); expected at most the potential")
    lim = tables.get("build_limits")
    if lim is not None and s.build_limits:
        for (tech, year), gw in com.groupby(["tech", "year"])["min_gw"].sum().items():
            rows = lim[lim["tech"] == tech].sort_values("year")
            if not len(rows) or year < rows["year"].min():
                continue
            cap = float(np.interp(year, rows["year"], rows["max_gw_per_yr"])) * s.period_years
            if gw > cap + 1e-9:
                problems.append(f"{_file(files, 'committed')}: {tech} {year}: committed builds of {gw:g} GW "
                                f"exceed the national build limit of {cap:g} GW per period "
                                f"({_file(files, 'build_limits')}); expected at most the limit")
    return problems


def input_warnings(tables: dict, profiles: dict, files: dict | None = None) -> list[str]:
    """Valid inputs that are probably not meant: a capacity-factor profile that is 0 every hour in a
    region where its technologies may be built, and values above the usual magnitude of their unit
    (:data:`model.data.schema.UNIT_LIMITS`: often a unit error, e.g. costs in CNY/MW for CNY/kW)."""
    out = []
    techs, pot = tables.get("techs"), tables.get("potentials")
    for name, df in profiles.items():
        if name == "load" or techs is None:
            continue
        users = sorted(techs.loc[techs["profile"] == name, "tech"].dropna())
        zero = [r for r in df.columns if not (df[r] > 0).any()]
        if pot is not None and users:
            capped = pot[pot["tech"].isin(users) & (pot["max_gw"] <= 0)].groupby("region")["tech"].nunique()
            zero = [r for r in zero if capped.get(r, 0) < len(users)]
        if users and zero:
            out.append(f"profiles/{name}: capacity factor 0 in every hour in {', '.join(map(str, zero[:10]))}"
                       f"{' …' if len(zero) > 10 else ''}: {', '.join(users)} would produce nothing there; "
                       f"expected a profile with output (or a potential of 0 in potentials.csv)")
    for name, df in tables.items():
        out += _magnitudes(TABLES[name], df, _file(files, name))
    return out


def _magnitudes(table, df: pd.DataFrame, file: str) -> list[str]:
    out = []
    for c in table.value_columns:
        usual = UNIT_LIMITS.get(c.unit, (None, None, None))[2]
        if usual is None or c.kind not in ("float", "int") or df is None or not len(df):
            continue
        vals = pd.to_numeric(df[c.name], errors="coerce").abs()
        if vals.max() > usual:
            i, n = vals.idxmax(), int((vals > usual).sum())
            out.append(f"{where(table, df, i, file)}: column '{c.name}': found {_fmt(df.at[i, c.name])} "
                       f"{c.unit}, above the usual at most {usual:,g} {c.unit} ({n} such row{'s' * (n > 1)}); "
                       f"check the units (and any factor applied to the column)")
    return out
