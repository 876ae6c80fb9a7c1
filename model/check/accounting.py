"""What an operated plan costs and delivers, read from the LP's families generically.

Operating cost is Σ c_j x_j over the columns that are neither plan (:data:`~model.check.plan.PLAN_FAMILIES`)
nor elastic slacks, by region (families without a region, if any carried a cost, are kept apart) and by
representative day (families with a timestep; annual terms such as the carbon price on annual generation
are not split into days). Everything is in the LP's money: present value [bn CNY].
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.check.elastic import PREFIX, SPILL
from model.check.plan import plan_mask


def operating_costs(lp, x: np.ndarray, cost: np.ndarray, data, skip: np.ndarray) -> dict:
    """``region`` (R,), ``other`` (scalar) and ``daily`` (P, D: periods and days of ``data``) operating
    cost [bn CNY PV] of the columns not in ``skip`` and not slacks."""
    regions, periods = pd.Index(data["region"].to_numpy()), pd.Index(data["period"].to_numpy())
    day_of = data["timestep_day"].to_numpy()
    out = {"region": np.zeros(len(regions)), "other": 0.0,
           "daily": np.zeros((len(periods), data.sizes["day"]))}
    for name, b in lp.vars.items():
        sl = slice(b.start, b.start + b.size)
        if name.startswith(PREFIX) or skip[sl].all():
            continue
        c = np.where(skip[sl], 0.0, cost[sl] * x[sl])
        if not c.any():
            continue
        if "region" in b.dims:
            np.add.at(out["region"], regions.get_indexer(b.index["region"]), c)
        else:
            out["other"] += float(c.sum())
        if "timestep" in b.dims and "period" in b.dims:
            np.add.at(out["daily"], (periods.get_indexer(b.index["period"]),
                                     day_of[b.index["timestep"].to_numpy()]), c)
    return out


def _by_region(series: pd.Series, regions: pd.Index) -> np.ndarray:
    if not len(series):
        return np.zeros(len(regions))
    return series.groupby(level="region").sum().reindex(regions).fillna(0.0).to_numpy()


def _energy(lp, x, data, name: str, by: list[str]) -> pd.Series:
    """Annual energy of a GW family per timestep [TWh/yr], summed to ``by``."""
    v = lp.values(x, name)
    if not len(v):
        return pd.Series(dtype=float)
    w = data["weight"].to_numpy()[v.index.get_level_values("timestep")]
    return pd.Series(v.to_numpy() * w / 1000, index=v.index).groupby(level=by).sum()


def outcome(lp, acc, data, x: np.ndarray, arr: dict, slacks: list[str]) -> dict:
    """The period's outcome (arrays over ``data``'s regions, techs and days; see the keys)."""
    regions, techs = pd.Index(data["region"].to_numpy()), pd.Index(data["tech"].to_numpy())
    costs = operating_costs(lp, x, arr["cost"], data, plan_mask(lp))
    penalty = sum(float(arr["cost"][lp.vars[n].positions] @ x[lp.vars[n].positions]) for n in slacks)
    un = lp.values(x, "unserved")
    ts = un.index.get_level_values("timestep")
    w = data["weight"].to_numpy()[ts]
    lost = pd.DataFrame({"region": un.index.get_level_values("region"), "gwh": un.to_numpy() * w,
                         "day": data["timestep_day"].to_numpy()[ts],
                         "hours": np.where(un.to_numpy() > 1e-3, w, 0.0)})
    daily = lost.groupby(["region", "day"])["gwh"].sum().unstack("day").reindex(
        index=regions, columns=range(data.sizes["day"])).fillna(0.0).to_numpy()
    emis = acc.emissions.frame()
    em = pd.Series(emis["coef"].to_numpy() * x[emis["col"].to_numpy().astype(np.int64)],
                   index=emis["region"].to_numpy()).groupby(level=0).sum() if len(emis) else pd.Series(dtype=float)
    out = {"regions": list(regions), "techs": list(techs),
           "operating_cost_pv": costs["region"], "operating_cost_other_pv": costs["other"],
           "daily_cost_pv": costs["daily"][0], "penalty_pv": penalty,
           "unserved_twh": lost.groupby("region")["gwh"].sum().reindex(regions).fillna(0.0).to_numpy() / 1000,
           "unserved_hours": lost.groupby("region")["hours"].sum().reindex(regions).fillna(0.0).to_numpy(),
           "unserved_daily_gwh": daily,
           "emissions_mt": em.reindex(regions).fillna(0.0).to_numpy(),
           "curtailment_twh": _curtailment(lp, x, arr, data, regions),
           "discharge_twh": _discharge(lp, x, data, regions, techs),
           "spill_twh": _by_region(_energy(lp, x, data, SPILL, ["region"]), regions)}
    out.update(_slacks(lp, x, regions))
    return out


def _slacks(lp, x, regions) -> dict:
    """Amounts by which each elastic row is missed, in the row's unit."""
    def get(name):
        return lp.values(x, PREFIX + name)
    co2, share = get("co2_cap"), get("clean_share")
    return {"co2_excess_mt": float(co2.sum()) if len(co2) else 0.0,
            "clean_share_shortfall_twh": float(share.sum()) if len(share) else 0.0,
            "reserve_shortfall_gw": _by_region(get("reserve_margin"), regions),
            "co2_storage_excess_mt": _by_region(get("co2_storage_limit"), regions)}


def _curtailment(lp, x, arr, data, regions) -> np.ndarray:
    """Available wind and solar energy not used [TWh/yr]: −(gen − a·cap) on generation_limit rows."""
    if "generation_limit" not in lp.cons:
        return np.zeros(len(regions))
    b = lp.cons["generation_limit"]
    act = arr["a"][b.start:b.start + b.size] @ x
    kind = b.index["tech"].map(data["kind"].to_series()).to_numpy()
    w = data["weight"].to_numpy()[b.index["timestep"].to_numpy()]
    twh = np.where(kind == "variable", np.clip(-act, 0.0, None) * w / 1000, 0.0)
    return pd.Series(twh, index=b.index["region"].to_numpy()).groupby(level=0).sum().reindex(
        regions).fillna(0.0).to_numpy()


def _discharge(lp, x, data, regions, techs) -> np.ndarray:
    """Storage discharged [TWh/yr] by (region, tech)."""
    e = _energy(lp, x, data, "discharge", ["region", "tech"])
    if not len(e):
        return np.zeros((len(regions), len(techs)))
    return e.unstack("tech").reindex(index=regions, columns=techs).fillna(0.0).to_numpy()
