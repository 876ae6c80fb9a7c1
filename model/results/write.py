"""Writing results: netCDF, tidy CSVs and a manifest, atomically.

Everything is written into a temporary sibling folder first and moved into place only when complete;
an interrupted run leaves the previous results untouched.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from model.results.cf import conform
from model.results.envelope import envelope

#: tidy CSVs: file name -> (variable, value column name)
CSV_TABLES = {
    "capacity.csv": ("capacity", "capacity_gw"),
    "new_capacity.csv": ("new_capacity", "new_capacity_gw"),
    "retired_capacity.csv": ("retired_capacity", "retired_capacity_gw"),
    "storage_energy_capacity.csv": ("storage_energy_capacity", "energy_capacity_gwh"),
    "generation.csv": ("generation", "generation_twh"),
    "curtailment.csv": ("curtailment", "curtailment_twh"),
    "emissions.csv": ("emissions", "emissions_mt"),
    "captured_co2.csv": ("captured_co2", "captured_co2_mt"),
    "transmission_capacity.csv": ("transmission_capacity", "transmission_capacity_gw"),
    "unserved_energy.csv": ("unserved_energy", "unserved_energy_twh"),
    "cost.csv": ("cost", "cost_bn_cny_per_yr"),
    "investment.csv": ("investment", "investment_bn_cny"),
}

#: derived answers (model/results/metrics.py, model/results/entry.py): file name -> ({variable: value column}, whether
#: zeros are left out too); rows whose first value is missing are left out
DERIVED_TABLES = {
    "lcoe.csv": ({"lcoe": "lcoe_cny_per_mwh"}, True),
    "capacity_factor.csv": ({"capacity_factor": "capacity_factor"}, True),
    "curtailment_rate.csv": ({"curtailment_rate": "curtailment_rate"}, True),
    "capture_rate.csv": ({"capture_rate_by_tech": "capture_rate"}, True),
    "stranded_capital.csv": ({"stranded_capital": "stranded_capital_bn_cny"}, True),
    "prices.csv": ({"price_time_weighted": "price_time_weighted_cny_per_mwh",
                    "price_load_weighted": "price_load_weighted_cny_per_mwh"}, False),
    "entry.csv": ({"capex_reduction_to_enter": "capex_reduction_to_enter_cny_per_kw",
                   "capex_reduction_to_enter_pct": "capex_reduction_to_enter_pct",
                   "capex_reduction_region": "best_region"}, False),
}


@contextmanager
def atomic_folder(target: Path):
    """Yield a temporary folder; on success it replaces ``target``, on any error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    restore_interrupted(target)
    tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
        old = None
        if target.exists():
            old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def restore_interrupted(target: Path) -> None:
    """Put back the previous results of ``target`` if a run was killed in the instant between moving
    them aside and moving the new ones in (the two renames of :func:`atomic_folder`)."""
    if target.exists():
        return
    old = sorted(target.parent.glob(f".{target.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if old:
        os.replace(old[-1], target)


def remove_leftovers(folder: Path) -> None:
    """Remove the temporary folders (``.<name>.tmp-*``, ``.<name>.old-*``) that :func:`atomic_folder`
    writes inside ``folder`` and that a run killed while writing leaves behind."""
    for tmp in [*folder.glob(".*.tmp-*"), *folder.glob(".*.old-*")]:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)


def _tidy(da: xr.DataArray, value: str) -> pd.DataFrame:
    df = da.to_dataframe(name=value).reset_index()
    keep = [c for c in df.columns if c in da.dims or c == value]
    return df[keep]


def _derived(ds: xr.Dataset, cols: dict, drop_zero: bool) -> pd.DataFrame:
    """Variables on the same dimensions as one tidy table, value columns renamed by ``cols``."""
    dims = list(ds[next(iter(cols))].dims)
    df = ds[list(cols)].to_dataframe().reset_index().rename(columns=cols)[dims + list(cols.values())]
    first = df[next(iter(cols.values()))]
    return df[first.notna() & ((first != 0) if drop_zero else True)]


def period_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per period: CO2 cap, emissions, prices, costs."""
    df = pd.DataFrame({
        "period": ds["period"].to_numpy(),
        "co2_cap_mt": ds["co2_cap"].to_numpy(),
        "emissions_mt": ds["emissions"].sum("region").to_numpy(),
        "captured_co2_mt": ds["captured_co2"].sum("region").to_numpy(),
        "co2_price_cny_per_t": ds["co2_price"].to_numpy(),
        "co2_shadow_price_cny_per_t": ds["co2_shadow_price"].to_numpy(),
        "demand_twh": (ds["load"] * ds["weight"]).sum(["region", "timestep"]).to_numpy() / 1000,
        "generation_twh": ds["generation"].sum(["region", "tech"]).to_numpy(),
        "annual_cost_bn_cny": ds["cost"].sum("component").to_numpy(),
        "investment_bn_cny": ds["investment"].to_numpy(),
    })
    if "system_cost_per_mwh" in ds:
        df["system_cost_cny_per_mwh"] = ds["system_cost_per_mwh"].to_numpy()
    return df


def _clean_attrs(ds: xr.Dataset) -> xr.Dataset:
    """netCDF attributes must be numbers, strings or arrays: drop None, stringify the rest."""
    out = ds.copy()
    for obj in [out, *out.data_vars.values(), *out.coords.values()]:
        obj.attrs = {k: (v if isinstance(v, (int, float, str, np.number)) else json.dumps(v, default=str))
                     for k, v in obj.attrs.items() if v is not None}
    for name in list(out.data_vars) + list(out.coords):
        if out[name].dtype == object:
            out[name] = out[name].astype(str)
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_results(ds: xr.Dataset, out: Path, extra_files: dict | None = None, post=()) -> Path:
    """Write ``results.nc``, the tidy CSVs, ``periods.csv`` and ``manifest.json`` into ``out``.

    ``post`` are callables given the temporary folder once the results are in it (figures, memo); they
    run before the folder is moved into place, so a failure there leaves the previous results intact.
    """
    out = Path(out)
    ds = conform(ds)  # CF units and attributes, solver noise and -0 written as 0 (model/results/cf.py)
    with atomic_folder(out) as tmp:
        _clean_attrs(ds).to_netcdf(tmp / "results.nc")
        for fname, (var, col) in CSV_TABLES.items():
            if var in ds:
                _tidy(ds[var], col).to_csv(tmp / fname, index=False, float_format="%.6g")
        for fname, (cols, drop_zero) in DERIVED_TABLES.items():
            if all(v in ds for v in cols):
                _derived(ds, cols, drop_zero).to_csv(tmp / fname, index=False, float_format="%.6g")
        period_table(ds).to_csv(tmp / "periods.csv", index=False, float_format="%.6g")
        envelope(ds).to_csv(tmp / "envelope.csv", index=False, float_format="%.6g")
        for name, writer in (extra_files or {}).items():
            writer(tmp / name)
        for step in post:
            step(tmp)
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        manifest = {
            "scenario": ds.attrs.get("scenario"),
            "created": ds.attrs.get("created"),
            "model_version": ds.attrs.get("model_version"),
            "input_checksum": ds.attrs.get("input_checksum"),
            "status": ds.attrs.get("status"),
            "files": {str(p.relative_to(tmp)): {"sha256": _sha(p), "bytes": p.stat().st_size}
                      for p in files},
            "variables": {k: {"dims": list(v.dims), "units": v.attrs.get("units", ""),
                              "display_units": v.attrs.get("display_units", v.attrs.get("units", ""))}
                          for k, v in ds.data_vars.items()},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return out
