"""The answers of an instruments run, from ``instruments.nc``: tidy tables and the sentences of the memo.

- ``distributions.csv``: per instrument, quantity and period, the distribution over the samples that
  solved (n, mean, sd, min, 5/25/50/75/95 %, max) of emissions [Mt/yr], the instrument's CO2 price
  [CNY/t], allowances bought at the ceiling [Mt/yr], and (period ``all``) the resource cost, the
  carbon payments and the cost of the policy [bn CNY, PV]. Resource cost excludes carbon payments: a
  tax, floor, allowance or ETS payment moves money between emitters and the state, it uses no resources.
- ``targets.csv``: per instrument, how often emissions exceed the cap's level in the peak year (2030) and
  in the final period (2060, net zero), by more than :data:`TOLERANCE_MT`: probability, mean and largest
  excess [Mt/yr].
- ``cost_differences.csv``: expected resource cost of each instrument, and the paired difference between
  instruments on the same samples (mean, sd, 5/50/95 %, share of samples above 0) [bn CNY, PV].
- ``drivers.csv``: Spearman rank correlation of each uncertain input with what moves: the cap's and the
  collar's price, the tax's and the collar's emissions, the tax's resource cost above the cap's.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

from model.batch.folders import atomic_write
from model.sweep.combine import OK

#: emissions above a target by more than this count as a miss [Mt/yr] (solver tolerance, rounding)
TOLERANCE_MT = 0.1
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
PAIRS = (("tax", "cap"), ("collar", "cap"), ("tax", "collar"), ("cap", "reference"), ("tax", "reference"),
         ("collar", "reference"))


def _ok(ds: xr.Dataset, name: str) -> xr.DataArray:
    return ds[name].where(ds["status"] == OK)


def periods(ds: xr.Dataset) -> list[int]:
    return [int(p) for p in ds["period"].to_numpy()]


def target_years(ds: xr.Dataset) -> dict[str, int]:
    """{'2030 peak': 2030, '2060 net zero': 2060}: the peak year (2030 when modelled) and the final period,
    where the cap scenario has a cap."""
    out = {}
    if "co2_cap" not in ds:
        return out
    cap = ds["co2_cap"].to_series()
    ps = periods(ds)
    if 2030 in ps and np.isfinite(cap.get(2030, np.nan)):
        out["2030 peak"] = 2030
    if ps and np.isfinite(cap.get(ps[-1], np.nan)):
        out[f"{ps[-1]} {'net zero' if abs(cap[ps[-1]]) < 1e-9 else 'cap'}"] = ps[-1]
    return out


def _stats(x: np.ndarray) -> dict:
    x = x[np.isfinite(x)]
    if not len(x):
        return {"n": 0}
    q = np.quantile(x, QUANTILES)
    return {"n": len(x), "mean": x.mean(), "sd": x.std(ddof=1) if len(x) > 1 else 0.0, "min": x.min(),
            **{f"p{int(round(k * 100)):02d}": v for k, v in zip(QUANTILES, q)}, "max": x.max()}


def distributions(ds: xr.Dataset) -> pd.DataFrame:
    rows = []
    for inst in ds["instrument"].to_numpy():
        for name, unit in (("emissions", "Mt/yr"), ("instrument_price", "CNY/t"), ("co2_cap_slack", "Mt/yr")):
            da = _ok(ds, name).sel(instrument=inst)
            for p in periods(ds):
                rows.append({"instrument": inst, "quantity": name, "units": unit, "period": str(p),
                             **_stats(da.sel(period=p).to_numpy())})
        for name in ("resource_cost", "carbon_payments", "policy_cost"):
            rows.append({"instrument": inst, "quantity": name, "units": "bn CNY (PV)", "period": "all",
                         **_stats(_ok(ds, name).sel(instrument=inst).to_numpy())})
    return pd.DataFrame(rows)


def targets(ds: xr.Dataset) -> pd.DataFrame:
    rows = []
    for label, year in target_years(ds).items():
        level = float(ds["co2_cap"].sel(period=year))
        for inst in ds["instrument"].to_numpy():
            e = _ok(ds, "emissions").sel(instrument=inst, period=year).to_numpy()
            e = e[np.isfinite(e)]
            excess = e - level
            miss = excess > TOLERANCE_MT
            rows.append({"instrument": inst, "target": label, "period": year, "level_mt": level, "n": len(e),
                         "probability_miss": miss.mean() if len(e) else np.nan,
                         "mean_excess_when_missed_mt": excess[miss].mean() if miss.any() else 0.0,
                         "max_excess_mt": max(excess.max(), 0.0) if len(e) else np.nan,
                         "mean_excess_mt": np.clip(excess, 0, None).mean() if len(e) else np.nan})
    return pd.DataFrame(rows)


def cost_differences(ds: xr.Dataset) -> pd.DataFrame:
    cost = _ok(ds, "resource_cost")
    rows = [{"comparison": str(i), **_stats(cost.sel(instrument=i).to_numpy()), "share_above_0": np.nan}
            for i in ds["instrument"].to_numpy()]
    for a, b in PAIRS:
        d = (cost.sel(instrument=a) - cost.sel(instrument=b)).to_numpy()
        fin = d[np.isfinite(d)]
        rows.append({"comparison": f"{a} - {b}", **_stats(d),
                     "share_above_0": (fin > 0).mean() if len(fin) else np.nan})
    df = pd.DataFrame(rows)
    df.insert(1, "units", "bn CNY (PV)")
    return df


def _outputs(ds: xr.Dataset) -> list[tuple[str, str, xr.DataArray]]:
    """(instrument, what, values over samples) whose spread the inputs may drive."""
    ps = periods(ds)
    years = sorted({y for y in (2030 if 2030 in ps else None, ps[-1] if ps else None) if y is not None})
    out = []
    for y in years:
        out += [("cap", f"CO2 price {y} [CNY/t]", _ok(ds, "instrument_price").sel(instrument="cap", period=y)),
                ("tax", f"emissions {y} [Mt/yr]", _ok(ds, "emissions").sel(instrument="tax", period=y)),
                ("collar", f"emissions {y} [Mt/yr]", _ok(ds, "emissions").sel(instrument="collar", period=y)),
                ("collar", f"CO2 price {y} [CNY/t]", _ok(ds, "instrument_price").sel(instrument="collar", period=y))]
    cost = _ok(ds, "resource_cost")
    out.append(("tax - cap", "resource cost [bn CNY]", cost.sel(instrument="tax") - cost.sel(instrument="cap")))
    return out


def parameters(ds: xr.Dataset) -> list[str]:
    return [c for c in ds.coords if "parameter" in ds[c].attrs and ds[c].dims == ("sample",)]


def drivers(ds: xr.Dataset) -> pd.DataFrame:
    rows = []
    for inst, what, y in _outputs(ds):
        y = pd.Series(y.to_numpy())
        for p in parameters(ds):
            x = pd.Series(ds[p].to_numpy())
            ok = x.notna() & y.notna()
            rho = np.nan
            if ok.sum() >= 3 and x[ok].nunique() > 1 and y[ok].nunique() > 1:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    rho = float(x[ok].corr(y[ok], method="spearman"))
            rows.append({"instrument": inst, "output": what, "parameter": ds[p].attrs["parameter"],
                         "spearman_rho": rho, "n": int(ok.sum())})
    return pd.DataFrame(rows, columns=["instrument", "output", "parameter", "spearman_rho", "n"])


def sentences(ds: xr.Dataset) -> list[str]:
    """The answer in words (one sentence each)."""
    out = []
    n_ok = {i: int((ds["status"].sel(instrument=i) == OK).sum()) for i in ds["instrument"].to_numpy()}
    t = targets(ds)
    price = _ok(ds, "instrument_price").sel(instrument="cap")
    ps = periods(ds)
    if not len(t) or not ps or not n_ok.get("tax") or not n_ok.get("cap"):
        return [f"Not enough solved samples for an answer (solved: {n_ok})."]
    final = t[(t["instrument"] == "tax") & (t["period"] == ps[-1])]
    if len(final):
        r = final.iloc[0]
        p_range = price.sel(period=ps[-1]).to_numpy()
        out.append(f"Under the same uncertainty ({n_ok['tax']} samples), a tax at the cap's central price "
                   f"misses {'net zero' if abs(r.level_mt) < 1e-9 else 'the cap'} in {ps[-1]} in "
                   f"{r.probability_miss * 100:.0f} % of samples by up to {r.max_excess_mt:,.0f} Mt/yr "
                   f"(mean {r.mean_excess_when_missed_mt:,.0f} Mt/yr when it misses); the cap's price in "
                   f"{ps[-1]} ranges from {np.nanmin(p_range):,.0f} to {np.nanmax(p_range):,.0f} CNY/t.")
    peak = t[(t["instrument"] == "tax") & (t["period"] == 2030)]
    if len(peak) and 2030 in ps:
        r = peak.iloc[0]
        p_range = price.sel(period=2030).to_numpy()
        out.append(f"In 2030 the tax overshoots the cap of {r.level_mt:,.0f} Mt/yr in "
                   f"{r.probability_miss * 100:.0f} % of samples (by up to {r.max_excess_mt:,.0f} Mt/yr); the "
                   f"cap's 2030 price ranges from {np.nanmin(p_range):,.0f} to {np.nanmax(p_range):,.0f} CNY/t.")
    cd = cost_differences(ds).set_index("comparison")
    if "tax - cap" in cd.index and np.isfinite(cd.at["tax - cap", "mean"]):
        r = cd.loc["tax - cap"]
        out.append(f"Expected resource cost (present value, carbon payments excluded): the tax "
                   f"{'above' if r['mean'] >= 0 else 'below'} the cap by {abs(r['mean']):,.0f} bn CNY on average "
                   f"(5–95 %: {r['p05']:,.0f} to {r['p95']:,.0f} bn CNY); the collar "
                   f"{_signed(cd, 'collar - cap')} bn CNY against the cap.")
    return out


def _signed(cd: pd.DataFrame, key: str) -> str:
    v = cd.at[key, "mean"] if key in cd.index else np.nan
    return "n/a" if not np.isfinite(v) else f"{v:+,.0f}"


def write_answers(folder, ds: xr.Dataset) -> None:
    """The four CSVs, each atomically (numbers with 6 significant digits)."""
    from pathlib import Path

    folder = Path(folder)
    for name, fn in (("distributions", distributions), ("targets", targets),
                     ("cost_differences", cost_differences), ("drivers", drivers)):
        df = fn(ds)
        atomic_write(folder / f"{name}.csv", lambda p, df=df: df.to_csv(p, index=False, float_format="%.6g"))
