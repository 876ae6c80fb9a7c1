"""The combined result of a sweep: ``sweep.nc``, ``key_numbers.csv`` and ``failures.csv``.

``sweep.nc`` has a ``scenario`` dimension (member id) with coordinates ``label``, ``status``,
``message`` and one coordinate per swept parameter (numeric where possible; for ``*FACTOR`` parameters
the factor, 1 at the base), so that ``ds.where(ds.status == "optimal")``, ``ds.groupby("discount_rate")``
or ``ds.set_xindex("discount_rate").sel(discount_rate=0.05)`` work. Its variables are the key results of
each member, national totals (NaN for failed or pending members):

capacity, generation (tech, period) [GW, TWh/yr]; emissions, captured_co2, co2_cap (period) [Mt/yr];
co2_price (period) [CNY/t]; cost (component, period) [bn CNY/yr]; cost_npv (component) [bn CNY];
total_cost [bn CNY, present value]; investment (period) [bn CNY overnight]; member_seconds [s].
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from model.batch.folders import atomic_write  # noqa: F401 (re-exported)

NATIONAL = ("capacity", "generation", "emissions", "captured_co2")
AS_IS = ("co2_price", "co2_cap", "cost", "cost_npv", "total_cost", "investment", "co2_shadow_price",
         "co2_cap_price", "co2_cap_slack", "carbon_price", "ets_price", "co2_price_floor", "co2_price_ceiling",
         "period_weight")
OK = "optimal"


def key_results(ds: xr.Dataset) -> xr.Dataset:
    """The key results of one member's results Dataset, summed over regions (units kept)."""
    out = xr.Dataset()
    for name in NATIONAL:
        if name in ds:
            out[name] = ds[name].sum("region", keep_attrs=True)
    for name in AS_IS:
        if name in ds:
            out[name] = ds[name]
    keep = {"tech", "period", "component"}
    out = out.drop_vars([c for c in out.coords if c not in keep])
    return out.load()


def read_member(folder: Path) -> xr.Dataset:
    """Key results of a member written to ``folder`` (``results.nc``)."""
    with xr.open_dataset(Path(folder) / "results.nc") as ds:
        return key_results(ds)


def _coord_values(values: list):
    """Numeric array (NaN for missing) when every value is a number, else strings ('' for missing)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in present):
        return np.array([np.nan if v is None else float(v) for v in values])
    return np.array(["" if v is None else str(v) for v in values], dtype=object).astype(str)


def combine(members, params, outcomes: dict, attrs: dict) -> xr.Dataset:
    """One Dataset over ``scenario`` from the members' key results (``outcomes[id]`` holds
    ``status``, ``message``, ``seconds`` and ``key``: the key-results Dataset or None)."""
    ids = [m.id for m in members]
    keys = [outcomes.get(i, {}).get("key") for i in ids]
    template = next((k for k in keys if k is not None), None)
    if template is not None:
        blank = xr.full_like(template, np.nan, dtype=float)
        ds = xr.concat([k if k is not None else blank for k in keys], dim=pd.Index(ids, name="scenario"),
                       join="outer", coords="minimal", compat="override", combine_attrs="drop_conflicts")
    else:
        ds = xr.Dataset(coords={"scenario": ids})
    ds = ds.assign_coords(scenario=np.array(ids, dtype=str))
    for dim in ("tech", "component"):
        if dim in ds.dims:
            ds = ds.assign_coords({dim: np.array([str(v) for v in ds[dim].to_numpy()], dtype=str)})
    for name in ds.data_vars:
        if template is not None and name in template:
            ds[name].attrs = dict(template[name].attrs)
    ds["member_seconds"] = ("scenario", [float(outcomes.get(i, {}).get("seconds") or np.nan) for i in ids])
    ds["member_seconds"].attrs = {"units": "s", "description": "wall time of the member on its worker"}
    ds["member_solve_seconds"] = ("scenario", [float(outcomes.get(i, {}).get("solve_seconds") or np.nan)
                                               for i in ids])
    ds["member_solve_seconds"].attrs = {"units": "s", "description": "of which the solver's own time"}
    ds["model_load"] = ("scenario", np.array([outcomes.get(i, {}).get("load", "") for i in ids], dtype=str))
    ds["model_load"].attrs = {"units": "-", "description": "build: model built; update: loaded model re-used"}
    coords = {"label": [m.label for m in members],
              "status": [outcomes.get(i, {}).get("status", "pending") for i in ids],
              "message": [outcomes.get(i, {}).get("message", "") for i in ids]}
    if any(m.varied or m.side for m in members):
        coords.update(varied=[m.varied for m in members], side=[m.side for m in members])
    for name, vals in coords.items():
        ds = ds.assign_coords({name: ("scenario", np.array(vals, dtype=object).astype(str))})
    for p in params:
        ds = ds.assign_coords({p.coord: ("scenario", _coord_values([m.values.get(p.coord) for m in members]))})
        ds[p.coord].attrs = {"parameter": p.key, "targets": ", ".join(p.targets), "operation": p.op,
                             "units": "factor on the base value" if p.op == "*=" else param_unit(p.targets[0])}
    ds.attrs.update({k: (v if isinstance(v, (str, int, float)) else json.dumps(v, default=str))
                     for k, v in attrs.items()})
    return ds


def open_sweep(path) -> xr.Dataset:
    """``sweep.nc`` with an index on every swept parameter's coordinate, so ``ds.sel(solar_capex=1.2)``
    works (netCDF keeps the coordinates but not their indexes). ``path``: the sweep's folder (as the CLI
    takes it, e.g. ``results/sweeps/ccus_cost``) or its ``sweep.nc``."""
    path = Path(path)
    if path.is_dir():
        path = path / "sweep.nc"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no sweep.nc here; run the sweep first (run.py sweep FILE)")
    ds = xr.load_dataset(path)
    for name in [c for c in ds.coords if "parameter" in ds[c].attrs and ds[c].dims == ("scenario",)]:
        ds = ds.set_xindex(name)
    return ds


def param_unit(target: str) -> str:
    """Unit of a parameter addressed like ``--set`` (a table column, or a setting's "[unit]")."""
    from model.data.overrides import parse_override
    from model.data.schema import TABLES
    from model.data.settings import Settings

    ov = parse_override(f"{target}=0")
    if ov.table is not None:
        return TABLES[ov.table].col(ov.column).unit or "-"
    desc = Settings.model_fields[ov.name].description or ""
    return desc[desc.find("[") + 1:desc.find("]")] if "[" in desc else "-"


def _year(periods, want: int):
    return want if want in periods else (periods[-1] if periods else None)


def key_numbers(ds: xr.Dataset, params) -> pd.DataFrame:
    """One row per member: parameter values and key numbers (units in the column names)."""
    df = pd.DataFrame({"member": ds["scenario"].to_numpy(), "label": ds["label"].to_numpy(),
                       "status": ds["status"].to_numpy()})
    for p in params:
        df[p.coord] = ds[p.coord].to_numpy()
    periods = [int(p) for p in ds["period"].to_numpy()] if "period" in ds.dims else []
    if "total_cost" in ds:
        df["total_cost_bn_cny"] = ds["total_cost"].to_numpy()
    final = _year(periods, 2060)
    if "co2_price" in ds:
        if 2030 in periods:
            df["co2_price_2030_cny_per_t"] = ds["co2_price"].sel(period=2030).to_numpy()
        df[f"co2_price_{final}_cny_per_t"] = ds["co2_price"].sel(period=final).to_numpy()
    if "emissions" in ds:
        df[f"emissions_{final}_mt"] = ds["emissions"].sel(period=final).to_numpy()
    if "capacity" in ds:
        cap = ds["capacity"].sel(period=final)
        for tech in cap["tech"].to_numpy():
            df[f"capacity_{final}_gw_{tech}"] = cap.sel(tech=tech).to_numpy()
    if "investment" in ds:
        df["investment_cumulative_trn_cny"] = ds["investment"].sum("period", skipna=False).to_numpy() / 1000
    df["message"] = ds["message"].to_numpy()
    return df


def failures(ds: xr.Dataset, members) -> pd.DataFrame:
    """Members that did not solve: id, label, status, message and their ``--set`` strings."""
    sets = {m.id: "; ".join(m.sets) for m in members}
    bad = [i for i, s in zip(ds["scenario"].to_numpy(), ds["status"].to_numpy()) if s != OK]
    sub = ds.sel(scenario=bad) if bad else None
    return pd.DataFrame({
        "member": bad, "label": sub["label"].to_numpy() if bad else [],
        "status": sub["status"].to_numpy() if bad else [], "message": sub["message"].to_numpy() if bad else [],
        "sets": [sets.get(i, "") for i in bad]})


def write_combined(folder: Path, ds: xr.Dataset, members, params) -> dict[str, Path]:
    """Write ``sweep.nc``, ``key_numbers.csv`` and ``failures.csv`` into ``folder``, each atomically."""
    folder = Path(folder)
    enc = {k: {"_FillValue": None} for k in ds.coords if ds[k].dtype.kind in "US"}
    out = {"sweep.nc": atomic_write(folder / "sweep.nc", lambda p: ds.to_netcdf(p, encoding=enc))}
    kn = key_numbers(ds, params)
    out["key_numbers.csv"] = atomic_write(folder / "key_numbers.csv",
                                          lambda p: kn.to_csv(p, index=False, float_format="%.6g"))
    fl = failures(ds, members)
    out["failures.csv"] = atomic_write(folder / "failures.csv", lambda p: fl.to_csv(p, index=False))
    return out
