"""Why is a scenario infeasible? An elastic re-solve that says which constraints cannot hold, and by how
much, in the user's terms.

The policy and adequacy constraints get slack variables priced far above any real option (≈10–100× the
value of lost load per unit), potentials and the ban on new coal become penalised, and over-generation
(must-run output above demand) may be spilled at a penalty. The elastic LP is always feasible unless the
data are structurally inconsistent; its non-zero slacks are the answer, e.g. "the 2035 CO2 cap of 2,100
Mt/yr cannot be met: the lowest emissions reachable with the allowed build rates and potentials are
2,640 Mt/yr".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from model.lp.assemble import build
from model.lp.components.dispatch import BN_PER_GWH
from model.lp.policies.build_limits import coal_ban
from model.lp.problem import LP, Terms
from model.lp.solve import SolveError, SolverOptions, load_arrays, run_highs

#: penalties per unit of slack [bn CNY per unit per year of the period, or per unit once]. Physical and
#: build limits (potentials, build rates, the coal ban) cost 10–100× more to relax than policy targets
#: (caps, shares, reserve): relaxing 1 GW of potential (1,000 bn CNY) can never be cheaper than the
#: emissions that GW avoids at the cap's penalty (≤ 8 Mt/yr × 10 bn CNY × a period weight ≤ 5), so an
#: unreachable cap is blamed on the cap, not on the potentials it would need.
PENALTY = {"co2_cap": 10.0, "clean_share": 10.0, "reserve_margin": 100.0, "build_limit": 1000.0,
           "co2_storage_limit": 10.0, "potential": 1000.0, "no_new_coal": 1000.0}
SPILL_CNY_PER_MWH = 1e5
#: in the elastic re-solve load may be shed only at this multiple of the value of lost load, far above
#: relaxing any potential or limit: what is shed there cannot be served by any means the model has
UNSERVED_FACTOR = 1000.0
TOL = 1e-4


def _slack(lp: LP, con: str, sign: float, penalty) -> None:
    """One slack column per row of ``con``: ``sign`` = +1 relaxes a ≥ row, −1 a ≤ row."""
    if con not in lp.cons:
        return
    blk = lp.cons[con]
    var = lp.add_variables(f"slack_{con}", blk.index, cost=penalty)
    lp.add_terms(con, np.arange(blk.size), var.positions, sign)


def _period_weighted(lp, data, con, per_year):
    blk = lp.cons.get(con)
    if blk is None:
        return 0.0
    return per_year * blk.index["period"].map(data["period_weight"].to_series()).to_numpy()


def relax(lp: LP, data, s) -> None:
    """Add the elastic slacks to a freshly built LP; load is shed only at :data:`UNSERVED_FACTOR` × the
    value of lost load (what no relaxed limit can serve, e.g. demand in the base period beyond the
    existing fleet)."""
    un = lp.vars["unserved"]
    lp.add_cost(un.positions, (UNSERVED_FACTOR - 1) * lp.cost[un.positions])
    _slack(lp, "co2_cap", -1.0, _period_weighted(lp, data, "co2_cap", PENALTY["co2_cap"]))
    _slack(lp, "clean_share", 1.0, _period_weighted(lp, data, "clean_share", PENALTY["clean_share"]))
    _slack(lp, "reserve_margin", 1.0, _period_weighted(lp, data, "reserve_margin", PENALTY["reserve_margin"]))
    _slack(lp, "build_limit", -1.0, PENALTY["build_limit"])
    _slack(lp, "co2_storage_limit", -1.0, PENALTY["co2_storage_limit"])
    _relax_potentials(lp)
    _relax_coal_ban(lp, data, s)
    bal = lp.cons["energy_balance"]
    w = data["weight"].to_numpy()[bal.index["timestep"].to_numpy()]
    pw = bal.index["period"].map(data["period_weight"].to_series()).to_numpy()
    spill = lp.add_variables("slack_spill", bal.index, cost=SPILL_CNY_PER_MWH * w * pw * BN_PER_GWH)
    lp.add_terms("energy_balance", np.arange(bal.size), spill.positions, -1.0)


def _relax_potentials(lp: LP) -> None:
    cap = lp.vars["capacity"]
    ub = lp.col_upper[cap.start:cap.start + cap.size]
    sel = np.flatnonzero(np.isfinite(ub))
    if not len(sel):
        return
    idx = cap.index.iloc[sel].reset_index(drop=True)
    excess = lp.add_variables("slack_potential", idx, cost=PENALTY["potential"])
    k = np.arange(len(sel))
    lp.relax_upper(cap.positions[sel])
    lp.add_constraints("potential_elastic", idx, Terms().add(k, cap.positions[sel], 1.0)
                       .add(k, excess.positions, -1.0), "<=", ub[sel], unit="GW")


def _relax_coal_ban(lp: LP, data, s) -> None:
    new = lp.vars["new_capacity"]
    ban = coal_ban(data, s, new.index)
    if ban.any():
        lp.relax_upper(new.positions[ban])
        lp.add_cost(new.positions[ban], PENALTY["no_new_coal"])


def explain_infeasible(data, s, opts: SolverOptions) -> list[str]:
    """Re-solve elastically and describe every constraint that had to give way."""
    lp, acc, _ = build(data, s)
    relax(lp, data, s)
    opts = SolverOptions(solver="highs", route="arrays", threads=opts.threads,
                         time_limit_s=opts.time_limit_s, options=dict(opts.options))
    try:
        sol = run_highs(load_arrays(lp, opts))
    except SolveError as err:
        return [f"even with every policy and adequacy constraint relaxed the model is {err.status}: the "
                f"data are structurally inconsistent (check existing capacities, lifetimes and storage)"]
    return describe(lp, sol.x, data, s) or ["the elastic re-solve needed no slack: the infeasibility is "
                                            "numerical; try another solver method (--set solver_options=...)"]


def _nonzero(lp: LP, x, name) -> pd.DataFrame:
    v = lp.values(x, f"slack_{name}")
    if not len(v):
        return pd.DataFrame()
    df = v.rename("slack").reset_index()
    if "period" in df:
        df["period"] = df["period"].astype(int)
    return df[df["slack"] > TOL]


def describe(lp: LP, x, data, s) -> list[str]:
    """User-facing lines for the non-zero slacks of an elastic solution."""
    out = []
    for _, r in _nonzero(lp, x, "co2_cap").iterrows():
        cap = float(data["co2_cap"].sel(period=int(r["period"])))
        out.append(f"the {int(r['period'])} CO2 cap of {cap:,.0f} Mt/yr cannot be met: the lowest emissions "
                   f"reachable with the allowed build rates and potentials are {cap + r['slack']:,.0f} Mt/yr")
    for _, r in _nonzero(lp, x, "potential").iterrows():
        pot = float(data["potential"].sel(region=r["region"], tech=r["tech"]))
        out.append(f"demand in {r['region']} {int(r['period'])} needs {pot + r['slack']:,.1f} GW of {r['tech']}, "
                   f"more than its potential of {pot:,.1f} GW (potentials.csv)")
    for _, r in _nonzero(lp, x, "reserve_margin").iterrows():
        peak = float(data["peak_demand"].sel(region=r["region"], period=r["period"]))
        out.append(f"firm capacity in {r['region']} {int(r['period'])} falls {r['slack']:,.1f} GW short of the "
                   f"reserve requirement of {peak * (1 + s.reserve_margin):,.0f} GW (peak × (1 + "
                   f"{s.reserve_margin:g})) with what potentials and build limits allow")
    for _, r in _nonzero(lp, x, "build_limit").iterrows():
        lim = float(data["build_limit"].sel(tech=r["tech"], period=r["period"]))
        out.append(f"new {r['tech']} in {int(r['period'])} would have to exceed its build limit of {lim:g} GW/yr "
                   f"({lim * s.period_years:,.0f} GW per period) by {r['slack']:,.1f} GW")
    for _, r in _nonzero(lp, x, "clean_share").iterrows():
        share = float(data["clean_share"].sel(period=int(r["period"])))
        out.append(f"the {int(r['period'])} non-fossil share of {share:.0%} cannot be met: {r['slack']:,.1f} TWh/yr "
                   f"of non-fossil generation is missing")
    for _, r in _nonzero(lp, x, "co2_storage_limit").iterrows():
        cap = float(data["co2_storage"].sel(region=r["region"]))
        out.append(f"CO2 storage in {r['region']} would have to hold {cap + r['slack']:,.0f} Mt, more than "
                   f"its capacity of {cap:,.0f} Mt (co2_storage.csv)")
    out += _spill_and_coal(lp, x, data, s)
    return out + _unservable(lp, x, data, s)


def _unservable(lp, x, data, s) -> list[str]:
    """Load the elastic solution still sheds: no relaxed limit can serve it."""
    un = lp.values(x, "unserved")
    if not len(un) or un.max() <= TOL:
        return []
    w = data["weight"].to_numpy()[un.index.get_level_values("timestep")]
    twh = pd.Series(un.to_numpy() * w / 1000, index=un.index).groupby(level=["region", "period"]).sum()
    out = []
    for (region, period), v in twh[twh > TOL].items():
        why = (f"the base period {period} allows no investment (first_period_builds: false), and the existing "
               f"fleet and imports fall short" if period < s.first_decision_period else
               "not by any builds, imports or storage within the physical limits (availability, minimum "
               "loads, ramping, transmission, hydro budgets)")
        out.append(f"in {region} {period}, {v:,.1f} TWh/yr of demand cannot be served: {why}")
    return out


def _spill_and_coal(lp, x, data, s) -> list[str]:
    out = []
    spill = lp.values(x, "slack_spill")
    if len(spill) and spill.max() > TOL:
        w = data["weight"].to_numpy()[spill.index.get_level_values("timestep")]
        twh = pd.Series(spill.to_numpy() * w / 1000, index=spill.index).groupby(level=["region", "period"]).sum()
        for (region, period), v in twh[twh > TOL].items():
            out.append(f"in {region} {period}, {v:,.2f} TWh/yr of must-run output (minimum loads) exceeds "
                       f"what demand, storage and exports can absorb")
    new = lp.values(x, "new_capacity")
    if s.no_new_coal_after is not None and len(new):
        coal = new[coal_ban(data, s, new.index.to_frame(index=False))]
        if len(coal) and coal.sum() > TOL:
            out.append(f"{coal.sum():,.1f} GW of new unabated coal commissioned after {s.no_new_coal_after} "
                       f"would be needed despite no_new_coal_after")
    return out
