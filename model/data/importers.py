"""Importers for hourly data in other layouts.

:func:`import_pypsa_china_load` reads hourly provincial load in the layout of the public PyPSA-China
data (a first column of hour numbers, then one column per province under its two-letter code, 8760 rows,
MW) and writes the dataset's ``profiles/load.csv.gz``, summing provinces into the dataset's regions
through the ``provinces`` column of ``regions.csv``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from model.data.dims import HOURS_PER_YEAR
from model.data.files import MAX_TABLE_BYTES, file_problem
from model.data.settings import InputError

#: two-letter province codes of the PyPSA-China data → province identifiers of this project
PROVINCE_CODES = {
    "AH": "Anhui", "BJ": "Beijing", "CQ": "Chongqing", "FJ": "Fujian", "GS": "Gansu", "GD": "Guangdong",
    "GX": "Guangxi", "GZ": "Guizhou", "HI": "Hainan", "HE": "Hebei", "HL": "Heilongjiang", "HA": "Henan",
    "HB": "Hubei", "HN": "Hunan", "JS": "Jiangsu", "JX": "Jiangxi", "JL": "Jilin", "LN": "Liaoning",
    "NM": "InnerMongolia", "NX": "Ningxia", "QH": "Qinghai", "SN": "Shaanxi", "SD": "Shandong",
    "SH": "Shanghai", "SX": "Shanxi", "SC": "Sichuan", "TJ": "Tianjin", "XJ": "Xinjiang", "XZ": "Tibet",
    "YN": "Yunnan", "ZJ": "Zhejiang",
}


def read_pypsa_china_load(path: Path) -> pd.DataFrame:
    """Hourly load [MW] by province identifier (8760 rows) from a PyPSA-China layout CSV."""
    bad = file_problem(Path(path), str(path), MAX_TABLE_BYTES)
    if bad:
        raise InputError([bad])
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", nrows=HOURS_PER_YEAR + 1)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, EOFError) as err:
        raise InputError([f"{path}: cannot be read as CSV: {str(err).splitlines()[0]}"]) from None
    codes = [c for c in df.columns if c in PROVINCE_CODES]
    problems = []
    if len(df) != HOURS_PER_YEAR:
        problems.append(f"{path}: {len(df)} rows; expected {HOURS_PER_YEAR}")
    missing = sorted(set(PROVINCE_CODES) - set(codes))
    if missing:
        problems.append(f"{path}: missing province columns {', '.join(missing)}")
    if problems:
        raise InputError(problems)
    out = df[codes].apply(pd.to_numeric, errors="coerce").rename(columns=PROVINCE_CODES)
    bad = out.isna() | (out < 0)
    if bad.any().any():
        col = bad.any().idxmax()
        raise InputError([f"{path}: column for {col}: {int(bad[col].sum())} cells are blank, non-numeric "
                          f"or negative; expected load in MW"])
    return out


def to_regions(load: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Sum provincial load into the dataset's regions (``provinces`` lists them, ';'-separated)."""
    cols = {}
    for _, row in regions.iterrows():
        provs = [p.strip() for p in str(row.get("provinces") or row["region"]).split(";") if p.strip()]
        unknown = [p for p in provs if p not in load.columns]
        if unknown:
            raise InputError([f"regions.csv: region {row['region']}: provinces {unknown} not in the load file"])
        cols[row["region"]] = load[provs].sum(axis=1)
    return pd.DataFrame(cols)


def import_pypsa_china_load(source: Path, dataset: Path) -> Path:
    """Write ``<dataset>/profiles/load.csv.gz`` from a PyPSA-China load file; returns the path."""
    from model.data.schema import TABLES
    from model.data.validate_tables import read_table

    regions, problems = read_table(Path(dataset), TABLES["regions"])
    plain = Path(dataset) / "profiles" / "load.csv"
    if plain.exists():
        problems.append(f"{plain}: exists; expected no profiles/load.csv beside the load.csv.gz this writes "
                        f"(remove it first)")
    if problems or regions is None:
        raise InputError(problems or [f"{dataset}: no regions.csv"])
    load = to_regions(read_pypsa_china_load(Path(source)), regions)
    load.insert(0, "hour", np.arange(HOURS_PER_YEAR))
    out = Path(dataset) / "profiles" / "load.csv.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    load.to_csv(out, index=False, float_format="%.1f", compression={"method": "gzip", "mtime": 0})
    return out
