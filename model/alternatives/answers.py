"""The answers of alternatives, from ``alternatives.nc`` only: ranges, must-haves, cost of the minimum.

- **Range** of a group in a period at a slack: min and max of its value over every plan found within
  that slack, the optimum included (``ranges``).
- **Must-have**: the minimum over those plans, nationally and by region (``must_haves``). Nationally it
  is exact where the group's own min alternative solved (``exact``): no plan within the slack has less.
  By region it is the least any plan found has there, an upper bound on the regional must-have (a region's
  own minimum is solved only when a group restricted to it is minimised).
- **Cost of the minimum**: what cutting a group to its minimum costs, the min alternative's total cost
  above the optimum [bn CNY, % of the optimum] (``cost_of_minimum``): the slack it actually uses,
  thanks to the cost tie-break of every objective (:mod:`model.alternatives.objectives`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

OK = "optimal"
#: a must-have below this share of the optimum's value (or below NONE_ABS units) reads "needs no ..."
NONE_SHARE, NONE_ABS = 0.005, 0.05


def slacks(ds: xr.Dataset) -> list[float]:
    """The slacks of the alternatives (the optimum's 0 left out), ascending."""
    return sorted({float(s) for s in ds["slack"].to_numpy() if s > 0})


def plans(ds: xr.Dataset, slack: float) -> xr.Dataset:
    """The optimum and the solved alternatives within ``slack``."""
    keep = (ds["status"].to_numpy() == OK) & ((ds["slack"].to_numpy() == slack) | (ds["objective"].to_numpy()
                                                                                   == "optimum"))
    return ds.isel(alternative=np.flatnonzero(keep))


def _own_min(ds: xr.Dataset, group: str, period: int, slack: float) -> str | None:
    """Id of the group's solved min alternative for this period and slack, if any."""
    m = (ds["objective"] == group) & (ds["sense"] == "min") & (ds["objective_period"] == period) & \
        (ds["slack"] == slack) & (ds["status"] == OK)
    ids = ds["alternative"].to_numpy()[m.to_numpy()]
    return str(ids[0]) if len(ids) else None


def ranges(ds: xr.Dataset) -> pd.DataFrame:
    """One row per slack, group and period: optimum, min and max over the plans, which plans, how many."""
    rows = []
    for s in slacks(ds):
        sub = plans(ds, s)
        ids = sub["alternative"].to_numpy()
        for g, unit in zip(ds["group"].to_numpy(), ds["group_units"].to_numpy()):
            for p in ds["period"].to_numpy():
                v = sub["group_capacity"].sel(group=g, period=p).to_numpy()
                if not np.isfinite(v).any():
                    continue
                rows.append({"slack": s, "group": str(g), "period": int(p), "units": str(unit),
                             "optimum": float(ds["group_capacity"].sel(alternative="optimum", group=g, period=p)),
                             "min": float(np.nanmin(v)), "max": float(np.nanmax(v)),
                             "min_alternative": str(ids[np.nanargmin(v)]), "max_alternative": str(ids[np.nanargmax(v)]),
                             "plans": int(np.isfinite(v).sum())})
    return pd.DataFrame(rows, columns=["slack", "group", "period", "units", "optimum", "min", "max",
                                       "min_alternative", "max_alternative", "plans"])


def must_haves(ds: xr.Dataset) -> pd.DataFrame:
    """One row per slack, group, period and place (``national`` or a region): the least any plan within the
    slack has, the optimum's value, and whether it is exact (the group's min alternative solved)."""
    rows = []
    for s in slacks(ds):
        sub = plans(ds, s)
        for g, unit in zip(ds["group"].to_numpy(), ds["group_units"].to_numpy()):
            for p in ds["period"].to_numpy():
                nat = sub["group_capacity"].sel(group=g, period=p).to_numpy()
                if not np.isfinite(nat).any():
                    continue
                base = {"slack": s, "group": str(g), "period": int(p), "units": str(unit)}
                opt = ds.sel(alternative="optimum", group=g, period=p)
                rows.append({**base, "region": "national", "must_have": float(np.nanmin(nat)),
                             "optimum": float(opt["group_capacity"]),
                             "exact": _own_min(ds, str(g), int(p), s) is not None})
                reg = sub["group_capacity_by_region"].sel(group=g, period=p)
                for r in reg["region"].to_numpy():
                    v = reg.sel(region=r).to_numpy()
                    if np.isfinite(v).any():
                        rows.append({**base, "region": str(r), "must_have": float(np.nanmin(v)),
                                     "optimum": float(opt["group_capacity_by_region"].sel(region=r)),
                                     "exact": False})
    return pd.DataFrame(rows, columns=["slack", "group", "period", "units", "region", "must_have", "optimum",
                                       "exact"])


def cost_of_minimum(ds: xr.Dataset) -> pd.DataFrame:
    """One row per solved min alternative: the group's minimum, how much below the optimum, and what it
    costs above the optimum [bn CNY, %]."""
    rows = []
    c0 = float(ds["total_cost"].sel(alternative="optimum"))
    for s in slacks(ds):
        for g, unit in zip(ds["group"].to_numpy(), ds["group_units"].to_numpy()):
            for p in ds["period"].to_numpy():
                aid = _own_min(ds, str(g), int(p), s)
                if aid is None:
                    continue
                alt = ds.sel(alternative=aid, group=g, period=p)
                opt = float(ds["group_capacity"].sel(alternative="optimum", group=g, period=p))
                cost = float(alt["total_cost"]) - c0
                rows.append({"slack": s, "group": str(g), "period": int(p), "units": str(unit), "optimum": opt,
                             "minimum": float(alt["group_capacity"]), "cut": opt - float(alt["group_capacity"]),
                             "cost_bn_cny": cost, "cost_pct": 100 * cost / c0, "alternative": aid})
    return pd.DataFrame(rows, columns=["slack", "group", "period", "units", "optimum", "minimum", "cut",
                                       "cost_bn_cny", "cost_pct", "alternative"])


def label(group: str) -> str:
    """A group name in words (``storage_power`` → storage power)."""
    return str(group).replace("_", " ")


def _amount(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}"
    return f"{text} {unit}".replace("-", "−")


def sentences(ds: xr.Dataset, slack: float, period: int | None = None) -> list[str]:
    """The national must-haves at ``slack`` in words, one per group (and period), with the optimum and
    the cost of the minimum: "Every plan within 5 % of the least cost has at least 2,400 GW of solar
    installed by 2060 (least-cost plan 3,100 GW; the minimum costs 610 bn CNY, 1.5 %, more)." A must-have
    of (almost) nothing reads "… needs no coal in 2060 …"."""
    mh = must_haves(ds)
    mh = mh[(mh["slack"] == slack) & (mh["region"] == "national")]
    if period is not None:
        mh = mh[mh["period"] == period]
    cm = cost_of_minimum(ds).set_index(["slack", "group", "period"])
    pct = f"{slack * 100:g} %"
    out = []
    for r in mh.itertuples():
        who = "Every plan" if r.exact else "Every plan found"
        if r.must_have < max(NONE_SHARE * abs(r.optimum), NONE_ABS):
            what = f"needs no {label(r.group)} in {r.period}"
        elif r.units == "GW":
            what = f"has at least {_amount(r.must_have, r.units)} of {label(r.group)} installed by {r.period}"
        else:
            what = f"has at least {_amount(r.must_have, r.units)} of {label(r.group)} in {r.period}"
        extra = f"least-cost plan {_amount(r.optimum, r.units)}"
        if (slack, r.group, r.period) in cm.index:
            c = cm.loc[(slack, r.group, r.period)]
            extra += f"; the minimum costs {c['cost_bn_cny']:,.0f} bn CNY ({c['cost_pct']:.2f} %) more"
        out.append(f"{who} within {pct} of the least cost {what} ({extra}).")
    return out
