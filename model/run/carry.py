"""The fleet carried from one myopic step to the next (:mod:`model.run.myopic`).

After the step that decided period ``p`` the tables of the next step get, exactly:

* every cohort of ``existing`` reduced by what was retired or converted in ``p`` (capacity, and storage
  energy and charging power in proportion);
* every build of ``p`` as a cohort of its own, reduced likewise by what was retired or converted in ``p``
  itself. It starts life at the start of ``p``'s span (:mod:`model.data.periods`), so ``build_year`` is
  that year and it counts in later periods with exactly the shares it had in the step. Its charging
  power is given explicitly (0 where none was built: the default of a blank ``charge_gw``, the power
  capacity, would hand out free electrolysers), cohorts with only charging power are kept, and its
  ``capex_cny_per_kw`` is that of ``p``, so stranded capital is valued at the build year's capex;
* every retrofit created in ``p`` as one cohort per host cohort, with a ``build_year`` moved back so that
  its life ends where its host's would have (a retrofit lives no longer than the unit it converts);
* new corridor capacity added to the lines, and the CO2 stored taken off the storage capacity.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.data.periods import span_start
from model.lp.components.capacity import retrofit_cohorts

KEY = ["region", "tech", "build_year"]
COLUMNS = KEY + ["capacity_gw", "energy_gwh", "charge_gw", "capex_cny_per_kw"]


def carry_forward(tables: dict, lp, x, data, period: int, s, captured: pd.Series) -> dict:
    """Tables for the next step after the decisions of ``period`` (``captured``: CO2 captured by region
    in that period [Mt/yr]). ``s``: the step's settings."""
    out = dict(tables)
    gone = _gone(lp, x, period)
    ex = _existing(tables["existing"], gone)
    new = _new_cohorts(lp, x, data, period, s, gone)
    both = pd.concat([ex, new], ignore_index=True)[COLUMNS]
    out["existing"] = both.groupby(KEY, as_index=False).agg(
        capacity_gw=("capacity_gw", "sum"), energy_gwh=("energy_gwh", "sum"),
        charge_gw=("charge_gw", lambda v: v.sum(min_count=1)),
        capex_cny_per_kw=("capex_cny_per_kw", "mean"))
    if tables.get("lines") is not None and "new_line_capacity" in lp.vars:
        built = lp.values(x, "new_line_capacity")
        built = built[built.index.get_level_values("period") == period].droplevel("period")
        lines = tables["lines"].copy()
        lines["existing_gw"] = lines["existing_gw"] + lines["line"].map(built).fillna(0.0)
        out["lines"] = lines
    if tables.get("co2_storage") is not None:
        st = tables["co2_storage"].copy()
        stored = st["region"].map(captured * s.period_years).fillna(0.0)
        st["capacity_mt"] = (st["capacity_mt"] - stored).clip(lower=0)
        out["co2_storage"] = st
    return out


def _gone(lp, x, period: int) -> pd.Series:
    """GW retired or converted in ``period``, by (region, tech, vintage)."""
    gone = pd.concat([lp.values(x, "retire"), lp.values(x, "convert")])
    if not len(gone):
        return pd.Series(dtype=float)
    gone = gone[gone.index.get_level_values("period") == period]
    return gone.groupby(level=["region", "tech", "vintage"]).sum()


def _shrink(df: pd.DataFrame, gone: pd.Series, vintage: pd.Series) -> pd.DataFrame:
    """Cohorts less what left them; energy and charging power shrink in proportion."""
    key = pd.MultiIndex.from_arrays([df["region"], df["tech"], vintage])
    lost = gone.reindex(key).fillna(0.0).to_numpy() if len(gone) else np.zeros(len(df))
    cap = df["capacity_gw"].to_numpy(float)
    keep = np.divide(cap - lost, cap, out=np.ones(len(df)), where=cap > 0).clip(0.0, 1.0)
    return df.assign(capacity_gw=(cap - lost).clip(min=0), energy_gwh=df["energy_gwh"] * keep,
                     charge_gw=df["charge_gw"] * keep)


def _existing(ex: pd.DataFrame, gone: pd.Series) -> pd.DataFrame:
    ex = ex.copy()
    for col in ("charge_gw", "capex_cny_per_kw"):
        ex[col] = ex[col].astype(float) if col in ex else np.nan
    ex["energy_gwh"] = ex["energy_gwh"].astype(float).fillna(0.0)
    return _shrink(ex, gone, ex["build_year"])


def _new_cohorts(lp, x, data, period: int, s, gone: pd.Series) -> pd.DataFrame:
    """Builds of ``period`` (power, store, charging) and its retrofits, as cohorts."""
    retrofit = set(data["tech"].to_numpy()[data["retrofit_of"].to_numpy() != ""])
    frames = {}
    for name, col in (("new_capacity", "capacity_gw"), ("new_energy_capacity", "energy_gwh"),
                      ("new_charge_capacity", "charge_gw")):
        v = lp.values(x, name)
        if len(v):
            v = v[v.index.get_level_values("period") == period].droplevel("period")
            frames[col] = v[(v > 1e-9) & ~v.index.get_level_values("tech").isin(retrofit)]
    rows = [_retrofits(lp, x, data, period, s)]
    if frames:
        df = pd.concat(frames, axis=1).reset_index()
        for col in ("capacity_gw", "energy_gwh", "charge_gw"):
            df[col] = df[col].fillna(0.0) if col in df else 0.0
        df = _shrink(df, gone, pd.Series(period, index=df.index))
        sep = df["tech"].map(data["separate_charge_capacity"].to_series()).fillna(False).to_numpy(bool)
        df["charge_gw"] = np.where(sep, df["charge_gw"], np.nan)  # blank: charging = power (not separate)
        df["build_year"] = int(span_start(period, s.period_years))
        df["capex_cny_per_kw"] = df["tech"].map(data["capex"].sel(period=period).to_series()).to_numpy(float)
        rows.append(df)
    rows = [r for r in rows if len(r)]
    return pd.concat(rows, ignore_index=True)[COLUMNS] if rows else pd.DataFrame(columns=COLUMNS)


def _retrofits(lp, x, data, period: int, s) -> pd.DataFrame:
    conv = lp.values(x, "convert")
    if not len(conv):
        return pd.DataFrame(columns=COLUMNS)
    df = conv[conv.index.get_level_values("period") == period].rename("gw").reset_index()
    df = df[df["gw"] > 1e-9].reset_index(drop=True)
    if not len(df):
        return pd.DataFrame(columns=COLUMNS)
    target = {src: t for t, src in data["retrofit_of"].to_series().items() if src}
    ex = data["existing_capacity"].to_series().reindex(
        pd.MultiIndex.from_frame(df[["region", "tech", "vintage"]])).fillna(0.0).to_numpy()
    df = retrofit_cohorts(df.assign(target=df["tech"].map(target), new=ex <= 0), data, s)
    own = df["target"].map(data["lifetime_yr"].to_series()).to_numpy(float)
    start = df["start"].to_numpy(float) - np.clip(own - df["life"].to_numpy(float), 0.0, None)
    capex = df["target"].map(data["capex"].sel(period=period).to_series()).to_numpy(float)
    return pd.DataFrame({"region": df["region"], "tech": df["target"], "build_year": np.round(start).astype(int),
                         "capacity_gw": df["gw"] * df["ratio"], "energy_gwh": 0.0, "charge_gw": np.nan,
                         "capex_cny_per_kw": capex})
