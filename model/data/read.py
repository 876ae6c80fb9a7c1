"""Reading a dataset folder: scenario, tables, hourly profiles — validated together, before any build.

:func:`load_inputs` returns :class:`Inputs` or raises :class:`~model.data.settings.InputError` listing every
problem found (file, row, column, what was found, what was expected).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from model.data import validate_rules as R
from model.data import validate_tables as V
from model.data.dims import PROFILES
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

    @property
    def settings(self):
        return self.scenario.settings


def _hash(paths) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(Path(p).name.encode())
        h.update(Path(p).read_bytes())
    return h.hexdigest()[:16]


def profile_path(folder: Path, name: str) -> Path | None:
    for suffix in (".csv.gz", ".csv"):
        p = Path(folder) / "profiles" / f"{name}{suffix}"
        if p.exists():
            return p
    return None


def read_profiles(folder: Path, names, regions: list[str]) -> tuple[dict, list[str], list[Path]]:
    """Read the hourly profiles (8760 × region) that the dataset's technologies need."""
    out, problems, used = {}, [], []
    for name in names:
        path = profile_path(folder, name)
        if path is None:
            problems.append(f"profiles/{name}.csv.gz: missing file (needed for "
                            f"{'load' if name == 'load' else 'technologies with profile ' + name})")
            continue
        rel = f"profiles/{path.name}"
        try:
            df = pd.read_csv(path)
        except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as err:
            problems.append(f"{rel}: cannot be read as CSV: {str(err).splitlines()[0]}")
            continue
        found = R.check_profile(name, df, regions, rel)
        problems += found
        used.append(path)
        if not found:
            out[name] = df[regions].astype(float).reset_index(drop=True)
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
    tables, paths, files, unavailable = {}, [folder / "scenarios.yaml"], {}, set()
    for name, table in TABLES.items():
        fname = scen.files.get(name) if scen is not None else None
        files[name] = fname or table.file
        df, found = V.read_table(folder, table, fname)
        problems += found
        if df is not None:
            tables[name] = _int_columns(table, df)
            paths.append(folder / files[name])
        elif found:
            unavailable.add(name)
    touched = {}
    if scen is not None and scen.overrides:
        overridden, found, touched = override_tables(tables, scen.overrides, labels, unavailable)
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
    return Inputs(folder, scen, tables, profiles, _hash(paths + used), files)
