"""Reading a dataset folder: scenario, tables, hourly profiles — validated together, before any build.

:func:`load_inputs` returns :class:`Inputs` or raises :class:`~model.data.settings.InputError` listing every
problem found (file, row, column, what was found, what was expected).
"""
from __future__ import annotations

import csv
import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from model.data import validate_rules as R
from model.data import validate_tables as V
from model.data.dims import HOURS_PER_YEAR, PROFILES
from model.data.files import MAX_PROFILE_BYTES, csv_header, duplicated, file_problem
from model.data.overrides import override_tables
from model.data.scenarios import resolve_scenario
from model.data.schema import TABLES
from model.data.settings import InputError, Scenario


@dataclass
class Inputs:
    folder: Path
    scenario: Scenario
    tables: dict
    profiles: dict
    checksum: str
    files: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    @property
    def settings(self):
        return self.scenario.settings


def _hash(paths) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(Path(p).name.encode())
        h.update(Path(p).read_bytes())
    return h.hexdigest()[:16]


def profile_paths(folder: Path, name: str) -> list[Path]:
    """The files that could hold profile ``name``: ``profiles/NAME.csv.gz`` and/or ``profiles/NAME.csv``."""
    return [p for p in (Path(folder) / "profiles" / f"{name}{sfx}" for sfx in (".csv.gz", ".csv"))
            if p.exists() or p.is_symlink()]


def _read_profile(path: Path, rel: str) -> tuple[pd.DataFrame | None, list[str]]:
    """One profile file as text cells (blank and 'NaN' told apart), at most one row more than a year
    (a larger file is reported by its row count, not read whole); header as written."""
    bad = file_problem(path, rel, MAX_PROFILE_BYTES)
    if bad:
        return None, [bad]
    try:
        header = csv_header(path)
        df = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=HOURS_PER_YEAR + 1)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, EOFError, OSError,
            csv.Error) as err:
        return None, [f"{rel}: cannot be read as CSV: {str(err).splitlines()[0]}"]
    dup = duplicated(header)
    if dup:
        return None, [f"{rel}: column '{c}' appears more than once; expected one column per region"
                      for c in dup]
    if len(header) == len(df.columns):
        df.columns = header
    return df, []


def read_profiles(folder: Path, names, regions: list[str]) -> tuple[dict, list[str], list[Path]]:
    """Read the hourly profiles (8760 × region) that the dataset's technologies need."""
    out, problems, used = {}, [], []
    for name in names:
        paths = profile_paths(folder, name)
        if not paths:
            problems.append(f"profiles/{name}.csv.gz: missing file (needed for "
                            f"{'load' if name == 'load' else 'technologies with profile ' + name})")
            continue
        if len(paths) > 1:
            problems.append(f"profiles/{name}.csv.gz and profiles/{name}.csv: both exist; expected one "
                            f"of them (remove the other, so that it is clear which one is used)")
            continue
        path = paths[0]
        rel = f"profiles/{path.name}"
        df, found = _read_profile(path, rel)
        if df is None:
            problems += found
            continue
        found = R.check_profile(name, df, regions, rel)
        problems += found
        used.append(path)
        if not found:
            out[name] = df[regions].apply(pd.to_numeric).astype(float).reset_index(drop=True)
    return out, problems, used


def _int_columns(table, df: pd.DataFrame) -> pd.DataFrame:
    for c in table.columns:
        if c.kind == "int" and df[c.name].notna().all() and (df[c.name] == df[c.name].round()).all():
            df[c.name] = df[c.name].astype(np.int64)
    return df


def cross_checks(tables: dict, settings, files: dict) -> list[str]:
    """Rules across tables (references, tech kinds, corridors) and against the settings (horizon,
    base-year fleet, policy paths); the latter are skipped when the settings are invalid (None)."""
    problems = R.check_refs(tables, files)
    if tables.get("techs") is not None:
        problems += R.check_techs(tables["techs"], files)
    problems += R.check_lines(tables.get("lines"), files)
    problems += R.check_storage_potentials(tables, files)
    if settings is not None:
        problems += R.check_coverage(tables, settings, files)
        problems += R.check_existing(tables, settings, files)
        problems += R.check_policies(tables, settings, files)
        problems += R.check_history(tables, settings, files)
    return problems


def load_inputs(folder, scenario: str = "3060", sets: list[str] | None = None) -> Inputs:
    """Read and validate a dataset folder for one scenario (with ``--set`` overrides).

    Every problem is collected — scenario file, settings and overrides, each table, the rules across
    tables, the values after overrides, the hourly profiles — and raised together as one
    :class:`InputError`; nothing is built.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([f"{folder}: dataset folder not found"])
    scen, problems, labels = resolve_scenario(folder / "scenarios.yaml", scenario, sets)
    settings = scen.settings if scen is not None else None
    tables, paths, files, unavailable, found = _read_tables(folder, scen)
    problems += found
    touched = {}
    if scen is not None and scen.overrides:
        overridden, found, touched = override_tables(tables, scen.overrides, labels, unavailable,
                                                     getattr(settings, "history_until", None))
        problems += found
        for name, cells in touched.items():
            problems += V.check_overridden(TABLES[name], overridden[name], files[name], cells)
    else:
        overridden = tables
    cross = cross_checks(overridden, settings, files)
    if touched:
        # problems that only the overrides cause: say so, naming them
        before = set(cross_checks(tables, settings, files))
        names = "; ".join(dict.fromkeys(labels.get(t, f"--set {t!r}") for t in scen.overrides))
        cross = [p if p in before else f"{p} (after the overrides: {names})" for p in cross]
    problems += cross
    profiles, used = {}, []
    if tables.get("regions") is not None and tables.get("techs") is not None:
        regions = list(dict.fromkeys(tables["regions"]["region"].dropna()))
        names = ["load"] + sorted(set(tables["techs"]["profile"].dropna()) & set(PROFILES))
        profiles, found, used = read_profiles(folder, names, regions)
        problems += found
    if problems:
        raise InputError(problems)
    tables = {name: _int_columns(TABLES[name], df) if name in touched else df
              for name, df in overridden.items()}
    inputs = Inputs(folder, scen, tables, profiles, _hash(paths + used), files)
    inputs.warnings = R.input_warnings(tables, profiles, files)
    for text in inputs.warnings:
        warnings.warn(text, InputWarning, stacklevel=2)
    return inputs


class InputWarning(UserWarning):
    """Inputs that are valid but probably not what was meant (an all-zero profile, unusual magnitudes)."""


def _read_tables(folder: Path, scen):
    """Read and check every table of the registry: (tables, paths read, file of each table, tables
    present but unusable, problems). A table that must have rows (regions, techs, …) and has only a
    header is reported once and left out, so the tables that refer to it do not report every row."""
    tables, paths, files, unavailable, problems = {}, [folder / "scenarios.yaml"], {}, set(), []
    for name, table in TABLES.items():
        fname = scen.files.get(name) if scen is not None else None
        files[name] = fname or table.file
        df, found = V.read_table(folder, table, fname)
        problems += found
        if df is not None and not len(df) and name in R.NONEMPTY:
            found = [f"{files[name]}: no rows (only a header); expected at least one {table.key[0]} "
                     f"({R.NONEMPTY[name]})"]
            problems += found
            df = None
        if df is not None:
            tables[name] = _int_columns(table, df)
            paths.append(folder / files[name])
        elif found:
            unavailable.add(name)
    return tables, paths, files, unavailable, problems
