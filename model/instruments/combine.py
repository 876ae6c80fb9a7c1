"""``instruments.nc``: every instrument on every sample, national key results, and ``failures.csv``.

Dimensions ``instrument`` (cap, tax, collar, reference), ``sample`` (``s000``, …; one coordinate per
uncertain input with its drawn value, the factor for ``*=`` parameters), ``period``, ``tech``. Variables
(NaN where a solve failed; ``status`` and ``message`` say why):

- ``emissions`` [Mt/yr], ``co2_cap_slack`` [Mt/yr], ``capacity`` (tech) [GW]: national;
- ``co2_price`` [CNY/t]: marginal cost of emitting (the instrument's price + the ETS price every
  instrument shares); ``instrument_price`` [CNY/t]: the instrument's own price (cap: the allowance price;
  tax: the tax; collar: the allowance price within floor and ceiling; reference: its carbon price, if any);
- ``total_cost`` [bn CNY, PV]: the objective; ``carbon_payments`` [bn CNY, PV]: carbon price, price floor,
  allowances bought at the ceiling and ETS payments, transfers; ``resource_cost`` [bn CNY, PV] =
  total − payments; ``policy_cost`` [bn CNY, PV] = resource cost − the reference's on the same sample;
- ``central_*``: the same in the central case (no uncertainty) by instrument;
- ``co2_cap`` (period) [Mt/yr], ``cap_price_path``, ``collar_floor``, ``collar_ceiling`` (period) [CNY/t]:
  the central cap's path and price, the tax's price and the collar's bounds.

Attributes hold the run's definition and the tax twin's duality check (``tax_twin_*``).
"""
from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import xarray as xr

from model.batch.folders import atomic_write
from model.instruments import spec as S
from model.sweep.combine import OK, param_unit

#: variables by period read from a member's key results: name -> (units, description)
BY_PERIOD = {
    "emissions": ("Mt/yr", "national net CO2 emissions"),
    "co2_price": ("CNY/t", "marginal cost of emitting: the instrument's price + the ETS price"),
    "instrument_price": ("CNY/t", "the instrument's own CO2 price (cap, collar: allowance price; tax: the "
                                  "tax), without the ETS price all instruments share"),
    "co2_cap_slack": ("Mt/yr", "allowances bought at the collar's ceiling beyond the cap"),
}
#: present values read from a member: name -> description (all bn CNY, PV to the first period)
SCALARS = {
    "total_cost": "total system cost, the objective (carbon payments included)",
    "carbon_payments": "carbon price, price floor, allowances bought at the ceiling and ETS payments "
                       "(transfers)",
    "resource_cost": "total system cost without the carbon payments (transfers)",
}


def _values(key) -> dict:
    """A member's national numbers from its key results."""
    ets = key["ets_price"] if "ets_price" in key else 0.0
    npv = key["cost_npv"]
    pay = float(npv.sel(component="carbon_price")) if "carbon_price" in npv["component"] else 0.0
    slack = key["co2_cap_slack"] if "co2_cap_slack" in key else xr.zeros_like(key["emissions"])
    return {"emissions": key["emissions"], "co2_price": key["co2_price"],
            "instrument_price": key["co2_price"] - ets, "co2_cap_slack": slack,
            "capacity": key["capacity"], "total_cost": float(key["total_cost"]),
            "carbon_payments": pay, "resource_cost": float(key["total_cost"]) - pay}


def _outcome(outcomes: dict, instrument: str, sample: str) -> dict:
    return outcomes.get(S.member_id(instrument, sample), {})


def _grid(outcomes, samples, periods, techs):
    """numpy arrays (instrument, sample[, period | tech, period]) of every variable, NaN where missing."""
    ni, ns = len(S.INSTRUMENTS), len(samples)
    arr = {n: np.full((ni, ns, len(periods)), np.nan) for n in BY_PERIOD}
    arr["capacity"] = np.full((ni, ns, len(techs), len(periods)), np.nan)
    arr.update({n: np.full((ni, ns), np.nan) for n in SCALARS})
    for i, inst in enumerate(S.INSTRUMENTS):
        for j, s in enumerate(samples):
            out = _outcome(outcomes, inst, s)
            if out.get("status") != OK or out.get("key") is None:
                continue
            v = _values(out["key"])
            for n in BY_PERIOD:
                arr[n][i, j] = v[n].reindex(period=periods).to_numpy()
            arr["capacity"][i, j] = v["capacity"].reindex(tech=techs, period=periods).fillna(0.0).to_numpy()
            for n in SCALARS:
                arr[n][i, j] = v[n]
    return arr


def _template(outcomes):
    return next((o["key"] for o in outcomes.values() if o.get("status") == OK and o.get("key") is not None), None)


def combine(design, members, outcomes: dict) -> xr.Dataset:
    """``instruments.nc`` as a Dataset from the members' outcomes (see the module docstring)."""
    ids = [m.id for m in members]
    tpl = _template(outcomes)
    periods = tpl["period"].to_numpy() if tpl is not None else np.array([], dtype=int)
    pv_year = tpl["total_cost"].attrs.get("pv_year", "") if tpl is not None else ""
    techs = np.array([str(t) for t in tpl["tech"].to_numpy()]) if tpl is not None else np.array([], dtype=str)
    coords = {"instrument": list(S.INSTRUMENTS), "sample": ids, "period": periods, "tech": techs}
    ds = xr.Dataset(coords=coords)
    for prefix, samples in (("", ids), ("central_", [S.CENTRAL])):
        arr = _grid(outcomes, samples, periods, techs)
        for name, (units, desc) in {**BY_PERIOD, "capacity": ("GW", "national installed capacity")}.items():
            dims = ["instrument", "sample", "tech", "period"] if name == "capacity" else \
                ["instrument", "sample", "period"]
            da = xr.DataArray(arr[name], dims=dims, coords={d: (samples if d == "sample" else ds[d].to_numpy())
                                                            for d in dims})
            ds[prefix + name] = (da if not prefix else da.isel(sample=0, drop=True)).assign_attrs(
                units=units, description=desc + (" (central case)" if prefix else ""))
        for name, desc in SCALARS.items():
            da = xr.DataArray(arr[name], dims=["instrument", "sample"],
                              coords={"instrument": ds["instrument"].to_numpy(), "sample": samples})
            ds[prefix + name] = (da if not prefix else da.isel(sample=0, drop=True)).assign_attrs(
                units="bn CNY", pv_year=pv_year, description=desc)
        cost = ds[prefix + "resource_cost"]
        ds[prefix + "policy_cost"] = (cost - cost.sel(instrument="reference")).assign_attrs(
            units="bn CNY", description="resource cost above the reference scenario's on the same sample "
                                        "(present value)")
    _status(ds, outcomes, ids)
    _sample_coords(ds, design, members)
    _central(ds, design, outcomes, periods)
    ds.attrs.update(_attrs(design, members, outcomes))
    return ds


def _status(ds, outcomes, ids) -> None:
    for name, default in (("status", "pending"), ("message", "")):
        grid = [[str(_outcome(outcomes, i, s).get(name, default)) for s in ids] for i in S.INSTRUMENTS]
        ds[name] = (("instrument", "sample"), np.array(grid, dtype=object).astype(str).reshape(len(S.INSTRUMENTS),
                                                                                               len(ids)))
        ds["central_" + name] = ("instrument", np.array([str(_outcome(outcomes, i, S.CENTRAL).get(name, default))
                                                         for i in S.INSTRUMENTS], dtype=object).astype(str))
    secs = [[float(_outcome(outcomes, i, s).get("seconds") or np.nan) for s in ids] for i in S.INSTRUMENTS]
    ds["member_seconds"] = (("instrument", "sample"), np.array(secs).reshape(len(S.INSTRUMENTS), len(ids)))
    ds["member_seconds"].attrs = {"units": "s", "description": "wall time of the solve on its worker (NaN: "
                                                                "reused or not run)"}


def _sample_coords(ds, design, members) -> None:
    for p in S.params_of(design.spec):
        vals = np.array([float(m.values[p.coord]) for m in members])
        ds.coords[p.coord] = ("sample", vals)
        ds[p.coord].attrs = {"parameter": p.key, "targets": ", ".join(p.targets), "operation": p.op,
                             "units": "factor on the base value" if p.op == "*=" else param_unit(p.targets[0])}


def _central(ds, design, outcomes, periods) -> None:
    """The cap's path and price in the central case, the collar's bounds, the duality check of the tax."""
    cap = _outcome(outcomes, "cap", S.CENTRAL)
    if cap.get("status") != OK or cap.get("key") is None:
        return
    key = cap["key"]
    price = pd.Series(S.cap_price(key)).reindex(periods).to_numpy()
    ds["co2_cap"] = ("period", key["co2_cap"].reindex(period=periods).to_numpy())
    ds["co2_cap"].attrs = {"units": "Mt/yr", "description": "the cap scenario's CO2 cap (NaN: none)"}
    for name, factor, desc in (("cap_price_path", 1.0, "the cap's CO2 price in the central case: the tax's "
                                                      "price (above any carbon price of the scenario)"),
                               ("collar_floor", 1 - design.collar, "the collar's price floor"),
                               ("collar_ceiling", 1 + design.collar, "the collar's price ceiling")):
        ds[name] = ("period", price * factor)
        ds[name].attrs = {"units": "CNY/t", "description": desc}
    ds.attrs.update(tax_twin_check(key, _outcome(outcomes, "tax", S.CENTRAL).get("key")))


def tax_twin_check(cap_key, tax_key) -> dict:
    """LP duality in the central case: the cap's plan is an optimum of its tax twin, so the tax's
    objective equals the cap's plus the tax's premium on the cap's emissions, Σ_p W_p μ_p E_p × 10⁻³
    [bn CNY]. The tax's emissions need not equal the cap's: at exactly the cap's price the tax is
    indifferent between the plans of a whole face of the LP (the step of the abatement curve the cap cuts),
    and the solver returns one of them."""
    if tax_key is None:
        return {}
    w, mu = cap_key["period_weight"], cap_key["co2_shadow_price"]
    expected = float(cap_key["total_cost"]) + float((w * mu * cap_key["emissions"]).sum()) * 1e-3
    got = float(tax_key["total_cost"])
    gap = np.abs(tax_key["emissions"] - cap_key["emissions"])
    return {"tax_twin_objective_expected_bn_cny": expected, "tax_twin_objective_bn_cny": got,
            "tax_twin_objective_gap_relative": abs(got - expected) / max(abs(expected), 1e-9),
            "tax_twin_emissions_gap_max_mt": float(gap.max())}


def _attrs(design, members, outcomes) -> dict:
    from model.version import __version__

    mc = design.spec.monte_carlo
    checksum = next((o.get("key").attrs.get("input_checksum", "") for o in outcomes.values()
                     if o.get("key") is not None), "")
    return {"scenario": design.scenario, "reference": design.reference, "collar": design.collar,
            "uncertainty_file": str(design.file), "inputs": str(design.spec.inputs), "samples": len(members),
            "seed": mc.seed, "shared_sets": "; ".join(design.shared), "input_checksum": checksum,
            "spec": json.dumps(design.spec.model_dump(), default=str), "model_version": __version__,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())}


def failures(ds: xr.Dataset, jobs: list[dict]) -> pd.DataFrame:
    """Solves without a result: member, instrument, sample, status, message and the --set strings."""
    sets = {j["member"]["id"]: "; ".join(list(j["shared"]) + list(j["member"]["sets"])) for j in jobs}
    rows = []
    for prefix, samples in (("", list(ds["sample"].to_numpy())), ("central_", [S.CENTRAL])):
        for inst in S.INSTRUMENTS:
            for s in samples:
                st = ds[prefix + "status"].sel(instrument=inst, **({"sample": s} if not prefix else {}))
                msg = ds[prefix + "message"].sel(instrument=inst, **({"sample": s} if not prefix else {}))
                if str(st.item()) != OK:
                    mid = S.member_id(inst, s)
                    rows.append({"member": mid, "instrument": inst, "sample": s, "status": str(st.item()),
                                 "message": str(msg.item()), "sets": sets.get(mid, "")})
    return pd.DataFrame(rows, columns=["member", "instrument", "sample", "status", "message", "sets"])


def write_instruments(folder, ds: xr.Dataset, jobs: list[dict]) -> None:
    """``instruments.nc`` and ``failures.csv``, each atomically."""
    enc = {k: {"_FillValue": None} for k in list(ds.coords) + list(ds.data_vars) if ds[k].dtype.kind in "USO"}
    atomic_write(folder / "instruments.nc", lambda p: ds.to_netcdf(p, encoding=enc))
    fl = failures(ds, jobs)
    atomic_write(folder / "failures.csv", lambda p: fl.to_csv(p, index=False))


def open_instruments(path) -> xr.Dataset:
    """``instruments.nc`` of a folder (or the file itself), loaded."""
    from pathlib import Path

    path = Path(path)
    path = path / "instruments.nc" if path.is_dir() else path
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no instruments.nc here; run `run.py instruments SCENARIO` first")
    return xr.load_dataset(path)
