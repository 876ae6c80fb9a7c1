"""Reading a dataset folder: scenario, tables, hourly profiles — validated together, before any build.

:func:`load_inputs` returns :class:`Inputs` or raises :class:`~model.config.InputError` listing every
problem found (file, row, column, what was found, what was expected).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import validate as V
from .config import InputError, Scenario, apply_overrides, load_scenario
from .schema import TABLES


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
        found = V.check_profile(name, df, regions, rel)
        problems += found
        used.append(path)
        if not found:
            out[name] = df[regions].astype(float).reset_index(drop=True)
    return out, problems, used


def load_inputs(folder, scenario: str = "3060", sets: list[str] | None = None) -> Inputs:
    """Read and validate a dataset folder for one scenario (with ``--set`` overrides)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([f"{folder}: dataset folder not found"])
    scen = load_scenario(folder / "scenarios.yaml", scenario, sets)
    tables, problems, paths, files = {}, [], [folder / "scenarios.yaml"], {}
    for name, table in TABLES.items():
        fname = scen.files.get(name)
        files[name] = fname or table.file
        df, found = V.read_table(folder, table, fname)
        problems += found
        if df is not None:
            for c in table.columns:
                if c.kind == "int" and df[c.name].notna().all():
                    df[c.name] = df[c.name].astype(np.int64)
            tables[name] = df
            paths.append(folder / files[name])
    problems += V.check_refs(tables, files)
    if "techs" in tables:
        problems += V.check_techs(tables["techs"])
    problems += V.check_coverage(tables, scen.settings, files)
    problems += V.check_existing(tables, scen.settings)
    problems += V.check_lines(tables.get("lines"))
    problems += V.check_policies(tables, scen.settings)
    if problems:
        raise InputError(problems)
    try:
        tables = apply_overrides(tables, scen.overrides)
    except InputError as err:
        raise InputError(err.problems) from None
    regions = tables["regions"]["region"].tolist()
    names = ["load"] + sorted(set(tables["techs"]["profile"].dropna()) - {""})
    profiles, problems, used = read_profiles(folder, names, regions)
    if problems:
        raise InputError(problems)
    return Inputs(folder, scen, tables, profiles, _hash(paths + used), files)
