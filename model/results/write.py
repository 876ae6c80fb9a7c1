"""Writing results: netCDF, tidy CSVs and a manifest, atomically and only where it is safe.

Everything is written into a temporary sibling folder first and moved into place only when complete;
an interrupted run leaves the previous results untouched, and the next run removes the temporary
folders a killed one left. Every folder written carries a marker file (:data:`MARKER`); an existing
folder is replaced only if it carries it (or is empty), never the dataset, a file or ``/``
(:func:`target_problems`, also run before a solve so that a bad ``--out`` costs nothing).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from model.data.settings import InputError
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


#: the file every folder this tool writes carries; only such a folder (or an empty one) is replaced
MARKER = ".cn3060-results"
#: files that mark a folder written by an earlier version of this tool (before the marker existed)
LEGACY_MARKERS = ("manifest.json", "sweep.json", "failure.json")
#: free space a results folder needs before a solve starts [bytes]
MIN_FREE_BYTES = 50 * 2**20


def owned(folder: Path) -> bool:
    """Whether ``folder`` is one this tool wrote (it carries :data:`MARKER`, or a legacy marker)."""
    folder = Path(folder)
    return any((folder / m).is_file() for m in (MARKER, *LEGACY_MARKERS))


def target_problems(target: Path, label: str | None = None, protect=()) -> list[str]:
    """Why ``target`` must not be (re)placed by a results folder; empty if it may.

    Refused: the file system's root, a folder that is or contains one of ``protect`` (the dataset), an
    existing file, a non-empty folder this tool did not write (neither it nor its parent carries
    :data:`MARKER`), a place that cannot be written, or too little free space (:data:`MIN_FREE_BYTES`).
    """
    target = Path(target)
    label = label or f"--out {target}"
    full = Path(os.path.abspath(target))
    if full == Path(full.anchor) or full.resolve() == Path(full.anchor):
        return [f"{label}: is the root of the file system; expected a results folder (e.g. results/NAME)"]
    for p in protect:
        p = Path(p).resolve()
        if p == full.resolve() or p.is_relative_to(full.resolve()):
            return [f"{label}: is or contains the dataset folder {p}; expected a results folder elsewhere "
                    f"(replacing it would delete the inputs)"]
    if full.is_symlink() or (full.exists() and not full.is_dir()):
        return [f"{label}: is an existing file; expected a folder (a new one, or results this tool wrote)"]
    if full.is_dir() and not owned(full) and not owned(full.parent) and any(full.iterdir()):
        return [f"{label}: is a folder this tool did not write (no {MARKER} in it); expected a new or empty "
                f"folder, or earlier results (remove the folder or choose another --out)"]
    return _writable(full, label)


def _writable(full: Path, label: str) -> list[str]:
    """The nearest existing folder above ``full`` accepts a new folder and has room for results."""
    base = full.parent
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir():
        return [f"{label}: {base} is not a folder; expected a path whose parent is a folder"]
    try:
        probe = Path(tempfile.mkdtemp(prefix=".cn3060-probe-", dir=base))
        probe.rmdir()
    except OSError as err:
        return [f"{label}: cannot write in {base}: {err.strerror or err}; expected a writable place"]
    free = shutil.disk_usage(base).free
    if free < MIN_FREE_BYTES:
        return [f"{label}: only {free / 2**20:,.1f} MiB free in {base}; expected at least "
                f"{MIN_FREE_BYTES / 2**20:,.0f} MiB for the results"]
    return []


def check_target(target: Path, label: str | None = None, protect=()) -> None:
    """Raise :class:`~model.data.settings.InputError` if ``target`` must not be written (see
    :func:`target_problems`)."""
    problems = target_problems(target, label, protect)
    if problems:
        raise InputError(problems)


@contextmanager
def atomic_folder(target: Path, protect=()):
    """Yield a temporary folder (carrying :data:`MARKER`); on success it replaces ``target``, on any
    error it is removed. Refuses (InputError) a target :func:`target_problems` refuses. Temporary
    folders that killed runs left beside ``target`` are removed first."""
    target = Path(target)
    check_target(target, f"results folder {target}", protect)
    target.parent.mkdir(parents=True, exist_ok=True)
    restore_interrupted(target)
    remove_leftovers(target.parent, target.name)
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        (tmp / MARKER).write_text("written by cn-3060; a folder with this file may be replaced by the "
                                  "next run\n", encoding="utf-8")
        yield tmp
        old = None
        if target.exists():
            old = target.parent / f".{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_leftovers(folder: Path, name: str = "*") -> None:
    """Remove the temporary folders (``.<name>.tmp-*``, ``.<name>.old-*``) that :func:`atomic_folder`
    writes inside ``folder`` and that a run killed while writing left behind. A folder whose writer (the
    process id in its name) is still running on this machine is kept."""
    for tmp in [*Path(folder).glob(f".{name}.tmp-*"), *Path(folder).glob(f".{name}.old-*")]:
        pid = tmp.name.rsplit(".tmp-" if ".tmp-" in tmp.name else ".old-", 1)[-1].split("-")[0]
        if tmp.is_dir() and not (pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid))):
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
    with atomic_folder(out, protect=[ds.attrs["inputs"]] if ds.attrs.get("inputs") else ()) as tmp:
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
