"""The combined result of alternatives: ``alternatives.nc``, the answers as CSVs, figures and the memo.

``alternatives.nc`` holds the same variables as a run's ``results.nc`` along an ``alternative``
dimension: the optimum first (id ``optimum``, objective ``optimum``, sense ``none``, slack 0), then
every alternative (NaN for failed or pending ones), with coordinates ``objective`` (a group,
``spread`` or ``optimum``), ``sense`` (min, max, spread, none), ``slack`` [fraction of the optimum's
cost], ``objective_period`` [year; 0 for none], ``status`` and ``message``. Variables derived from duals
(prices, "what would it take") are NaN for alternatives: the duals of an alternative's objective are
not prices. Added: ``group_capacity`` (alternative, group, period) and ``group_capacity_by_region``
(alternative, group, period, region), each group in its own unit (coordinate ``group_units``: GW;
carbon capture Mt/yr), ``slack_used`` [fraction], ``alternative_seconds`` and
``alternative_solve_seconds`` [s] and ``simplex_iterations``.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from model.alternatives.worker import OK
from model.batch.folders import atomic_write

OPTIMUM = "optimum"


def _blank(template: xr.Dataset) -> xr.Dataset:
    """The template with every value missing (NaN, '' for text)."""
    out = template.copy(deep=True)
    for name, da in out.data_vars.items():
        out[name] = xr.full_like(da, "" if da.dtype.kind in "OUS" else np.nan,
                                 dtype=object if da.dtype.kind in "OUS" else float)
    return out


def _load(folder: Path, aid: str) -> tuple[xr.Dataset, np.ndarray]:
    ds = xr.load_dataset(folder / aid / "results.nc")
    with np.load(folder / aid / "solution.npz") as f:
        return ds, f["x"]


def _groups(opt, xs: list) -> tuple[xr.DataArray, xr.DataArray]:
    """group_capacity (alternative, group, period) and its breakdown by region, from the solutions."""
    keys = list(opt.groups)
    groups = list(dict.fromkeys(g for g, _ in keys))
    periods = sorted({p for _, p in keys})
    regions = [str(r) for r in opt.data["region"].to_numpy()]
    nat = np.full((len(xs), len(groups), len(periods)), np.nan)
    reg = np.full((len(xs), len(groups), len(periods), len(regions)), np.nan)
    for (g, p), vec in opt.groups.items():
        i, j = groups.index(g), periods.index(p)
        for k, x in enumerate(xs):
            if x is None:
                continue
            nat[k, i, j] = vec.value(x)
            by = vec.by_region(x)
            if len(by):
                reg[k, i, j] = by.reindex(regions).fillna(0.0).to_numpy()
    units = [next(v.unit for (g2, _), v in opt.groups.items() if g2 == g) for g in groups]
    coords = {"group": groups, "period": periods, "group_units": ("group", units)}
    a = xr.DataArray(nat, dims=["alternative", "group", "period"], coords=coords, attrs={
        "units": "see group_units", "description": "national value of each group: capacity [GW], "
        "captured CO2 [Mt/yr], … (the sum of the group's terms)"})
    b = xr.DataArray(reg, dims=["alternative", "group", "period", "region"], coords={**coords, "region": regions},
                     attrs={"units": "see group_units", "description": "group value by region (NaN for "
                            "groups without regions, e.g. transmission)"})
    return a, b


def combine(folder: Path, optimum: xr.Dataset, opt, alts, outcomes: dict) -> xr.Dataset:
    """One Dataset over ``alternative``: the optimum, then every alternative (see module docstring)."""
    with np.load(folder / "optimum.npz") as f:
        x_opt = f["x"]
    dss, xs = [optimum], [x_opt]
    for a in alts:
        ok = outcomes.get(a.id, {}).get("status") == OK
        ds, x = _load(folder, a.id) if ok else (None, None)
        dss.append(ds)
        xs.append(x)
    blank = _blank(optimum)
    ids = [OPTIMUM] + [a.id for a in alts]
    ds = xr.concat([d if d is not None else blank for d in dss], dim=pd.Index(ids, name="alternative"),
                   join="outer", coords="minimal", compat="override", combine_attrs="override",
                   data_vars="all")
    for name in ds.data_vars:
        ds[name].attrs = dict(optimum[name].attrs)
        if name in optimum and ds[name].isel(alternative=slice(1, None)).isnull().all() and \
                optimum[name].notnull().any() and len(alts):
            ds[name].attrs["alternatives"] = "not defined for alternatives (from duals)"
    ds["group_capacity"], ds["group_capacity_by_region"] = _groups(opt, xs)
    _per_alternative(ds, optimum, alts, outcomes, [d.attrs if d is not None else {} for d in dss[1:]])
    ds.attrs = {**{k: v for k, v in optimum.attrs.items() if not k.endswith("_s")},
                "optimum_bn_cny": opt.objective, "created": opt.attrs.get("created", "")}
    return ds


#: per-alternative variables from each alternative's results attributes: name -> (attribute, unit, what)
TIMES = {"alternative_seconds": ("seconds", "s", "wall time on its worker until written"),
         "alternative_solve_seconds": ("solve_s", "s", "of which HiGHS (both phases; the optimum: the run's "
                                       "solve)"),
         "phase1_seconds": ("phase1_s", "s", "HiGHS, phase 1 (the extreme)"),
         "phase2_seconds": ("phase2_s", "s", "HiGHS, phase 2 (the least cost at the extreme; 0 if skipped)"),
         "simplex_iterations": ("simplex_iterations", "-", "simplex iterations, both phases")}


def _per_alternative(ds: xr.Dataset, optimum: xr.Dataset, alts, outcomes: dict, attrs: list[dict]) -> None:
    """Coordinates and per-alternative variables."""
    def col(key, default=np.nan):
        return [outcomes.get(a.id, {}).get(key, default) for a in alts]
    status = [OK] + [outcomes.get(a.id, {}).get("status", "pending") for a in alts]
    coords = {"objective": [OPTIMUM] + [a.objective for a in alts], "sense": ["none"] + [a.sense for a in alts],
              "status": status, "message": [""] + [str(m) for m in col("message", "")]}
    for name, vals in coords.items():
        ds.coords[name] = ("alternative", np.array(vals, dtype=object).astype(str))
    ds.coords["slack"] = ("alternative", np.array([0.0] + [a.slack for a in alts]))
    ds.coords["slack"].attrs = {"units": "-", "description": "allowed cost above the optimum, fraction"}
    ds.coords["objective_period"] = ("alternative", np.array([0] + [a.period for a in alts], dtype=np.int64))
    cost = ds["total_cost"].to_numpy()
    ds["slack_used"] = ("alternative", cost / float(optimum["total_cost"]) - 1)
    ds["slack_used"].attrs = {"units": "-", "description": "total cost above the optimum's, fraction"}
    for name, (key, unit, what) in TIMES.items():
        first = float(optimum.attrs.get("solve_s", np.nan)) if key == "solve_s" else np.nan
        ds[name] = ("alternative", np.array([first] + [float(a.get(key, np.nan)) for a in attrs], dtype=float))
        ds[name].attrs = {"units": unit, "description": what}
    for phase in ("phase1", "phase2"):
        ds[f"{phase}_method"] = ("alternative", np.array([""] + [str(a.get(f"{phase}_how", "")) for a in attrs],
                                                         dtype=object).astype(str))
        ds[f"{phase}_method"].attrs = {"units": "-", "description": f"how {phase} was solved: warm (simplex "
                                       f"from the optimum's basis), 'warm, then cold' (budget spent), cold"}


def failures(ds: xr.Dataset) -> pd.DataFrame:
    """Alternatives that did not solve: id, objective, sense, period, slack, status, message."""
    bad = ds["status"].to_numpy() != OK
    sub = ds.isel(alternative=np.flatnonzero(bad & (ds["status"].to_numpy() != "pending")))
    return pd.DataFrame({k: sub[k].to_numpy() for k in ("alternative", "objective", "sense", "objective_period",
                                                          "slack", "status", "message")})


def write_combined(folder: Path, ds: xr.Dataset) -> None:
    """``alternatives.nc`` (compressed), the answers and ``failures.csv``, each atomically."""
    from model.alternatives.answers import cost_of_minimum, must_haves, ranges

    enc = {k: {"zlib": True, "complevel": 4} for k, v in ds.data_vars.items() if v.dtype.kind == "f"}
    enc.update({k: {"_FillValue": None} for k in ds.coords if ds[k].dtype.kind in "US"})
    clean = ds.copy()
    for obj in [clean, *clean.data_vars.values(), *clean.coords.values()]:
        obj.attrs = {k: (v if isinstance(v, (int, float, str, np.number)) else json.dumps(v, default=str))
                     for k, v in obj.attrs.items() if v is not None}
    for name in clean.data_vars:
        if clean[name].dtype == object:
            clean[name] = clean[name].astype(str)
    atomic_write(folder / "alternatives.nc", lambda p: clean.to_netcdf(p, encoding=enc))
    for fname, df in (("ranges.csv", ranges(ds)), ("must_haves.csv", must_haves(ds)),
                      ("cost_of_minimum.csv", cost_of_minimum(ds)), ("failures.csv", failures(ds))):
        atomic_write(folder / fname, lambda p, df=df: df.to_csv(p, index=False, float_format="%.6g"))


def open_alternatives(path) -> xr.Dataset:
    """``alternatives.nc`` (a file or a results folder holding ``alternatives/alternatives.nc``), loaded."""
    path = Path(path)
    if path.is_dir():
        path = path / "alternatives.nc" if (path / "alternatives.nc").exists() else \
            path / "alternatives" / "alternatives.nc"
    return xr.load_dataset(path)
