"""Capital payments of every build, period by period, on the convention of :mod:`model.data.periods`: a
build of period ``q`` pays ``capex × CRF(L)`` per year from the start of ``q``'s span for its lifetime
``L`` (a retrofit: for its host-limited life), inside the horizon only; in period ``p`` it pays that
annuity times its share of ``p``'s years.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.data import finance
from model.data.periods import share, span_start

#: investment families: (variable, capex data variable)
BUILDS = (("new_capacity", "capex"), ("new_energy_capacity", "capex_energy"),
          ("new_charge_capacity", "capex_charge"))


def _spread(df: pd.DataFrame, start, life, annual, s, keys: list[str]) -> pd.DataFrame:
    """Annual payments [bn CNY/yr] of rows ``df`` in every period: ``annual × share(start, life, p)``."""
    periods = np.array(s.periods)
    pay = np.asarray(annual, float)[:, None] * share(np.asarray(start, float)[:, None],
                                                     np.asarray(life, float)[:, None], periods[None, :],
                                                     s.period_years)
    out = pd.DataFrame(pay, columns=periods)
    out[keys] = df[keys].to_numpy()
    out = out.melt(id_vars=keys, var_name="period", value_name="value")
    out["period"] = out["period"].astype(int)
    return out[out["value"] != 0]


def build_annuities(lp, x: np.ndarray, data, s) -> pd.DataFrame:
    """Annual capital payments [bn CNY/yr] by (region, tech, vintage, period) of generation and storage
    builds, including retrofits (whose capital sits on their conversions)."""
    parts = []
    retrofit = set(data["tech"].to_numpy()[data["retrofit_of"].to_numpy() != ""])
    life = data["lifetime_yr"].to_series()
    for name, capex in BUILDS:
        v = lp.values(x, name)
        if not len(v):
            continue
        df = v.rename("gw").reset_index().rename(columns={"period": "vintage"})
        df = df[(df["gw"] > 1e-12) & ~df["tech"].isin(retrofit)].reset_index(drop=True)
        c = data[capex].to_series().reindex(pd.MultiIndex.from_arrays([df["tech"], df["vintage"]])).to_numpy()
        L = df["tech"].map(life).to_numpy(float)
        annual = df["gw"].to_numpy() * np.nan_to_num(c) * finance.capital_recovery_factor(s.discount_rate, L) * 1e-3
        parts.append(_spread(df, span_start(df["vintage"].to_numpy(), s.period_years), L, annual, s,
                             ["region", "tech", "vintage"]))
    parts.append(_retrofit_annuities(lp, x, data, s))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["region", "tech", "vintage", "period", "value"])
    return pd.concat(parts, ignore_index=True)


def _retrofit_annuities(lp, x, data, s) -> pd.DataFrame:
    from model.lp.components.capacity import retrofit_cohorts

    conv = lp.values(x, "convert")
    if not len(conv):
        return pd.DataFrame()
    df = conv.rename("gw").reset_index()
    df = df[df["gw"] > 1e-12].reset_index(drop=True)
    if not len(df):
        return pd.DataFrame()
    rt = data["retrofit_of"].to_series()
    target = {src: t for t, src in rt.items() if src}
    ex = data["existing_capacity"].to_series().reindex(
        pd.MultiIndex.from_frame(df[["region", "tech", "vintage"]])).fillna(0.0).to_numpy()
    df = df.assign(target=df["tech"].map(target), new=ex <= 0)
    df = retrofit_cohorts(df, data, s)
    capex = data["capex"].to_series().reindex(pd.MultiIndex.from_arrays([df["target"], df["period"]])).to_numpy()
    annual = df["gw"] * df["ratio"] * capex * finance.capital_recovery_factor(s.discount_rate, df["life"]) * 1e-3
    out = _spread(df.assign(tech=df["target"], vintage=df["period"]), df["start"], df["life"], annual, s,
                  ["region", "tech", "vintage"])
    return out


def line_annuities(lp, x: np.ndarray, data, s) -> pd.DataFrame:
    """Annual capital payments [bn CNY/yr] of new corridor capacity by (line, vintage, period)."""
    v = lp.values(x, "new_line_capacity")
    if not len(v):
        return pd.DataFrame(columns=["line", "vintage", "period", "value"])
    df = v.rename("gw").reset_index().rename(columns={"period": "vintage"})
    df = df[df["gw"] > 1e-12].reset_index(drop=True)
    L = df["line"].map(data["line_lifetime"].to_series()).to_numpy(float)
    capex = df["line"].map(data["line_capex"].to_series()).to_numpy(float)
    annual = df["gw"].to_numpy() * capex * finance.capital_recovery_factor(s.discount_rate, L) * 1e-3
    return _spread(df, span_start(df["vintage"].to_numpy(), s.period_years), L, annual, s, ["line", "vintage"])
