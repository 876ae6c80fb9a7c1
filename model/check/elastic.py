r"""Elastic rows of the full-year check: what a fixed plan may miss is measured, not infeasible.

A plan fixed on representative days can miss, over the real year, the period's CO2 cap, its clean
share, or (in principle) the reserve margin and the CO2 storage left to it. Each such row gets a slack
column priced at :data:`ELASTIC` (per unit and year of the period, times the period weight where the
row has a period): high against any real option, so a slack is used only where the plan cannot comply,
and its size is reported. The CO2 price of the penalty (10,000 CNY/t) lies below the value of lost load
per tonne that serving the load with gas or coal emits (20,000 CNY/MWh ÷ 0.35–0.8 t/MWh ≈ 25,000–57,000
CNY/t): operating the plan, the check keeps the lights on before it keeps the cap, and reports both.
Over-generation that must-run output forces onto the grid is spilled at the value of lost load.

Penalties are not part of the evaluated cost (:mod:`model.check.output`); load not served is, at the
value of lost load, as in planning. A row family the components add later that the full year may not
meet (e.g. an hourly operating-reserve requirement) belongs in :data:`ELASTIC`.
"""
from __future__ import annotations

import numpy as np

from model.lp.components.dispatch import BN_PER_GWH

#: constraint family -> (sign of the slack: +1 relaxes a ≥ row, −1 a ≤ row; penalty [bn CNY per unit
#: of the row per year]; what one unit is)
ELASTIC = {
    "co2_cap": (-1.0, 10.0, "Mt/yr (10,000 CNY/t)"),
    "clean_share": (1.0, 5.0, "TWh/yr (5,000 CNY/MWh of non-fossil generation missing)"),
    "reserve_margin": (1.0, 10.0, "GW (10,000 CNY/kW·yr of firm capacity missing)"),
    "co2_storage_limit": (-1.0, 10.0, "Mt stored (10,000 CNY/t, once)"),
    "fuel_supply": (-1.0, 1.0, "PJ/yr (1,000 CNY/GJ of fuel above the supply)"),
}
#: hourly constraint families -> (sign, penalty [CNY/MWh: per GW missing for an hour], what one unit is):
#: the penalty is weighted like energy (hours the timestep stands for × period weight)
ELASTIC_HOURLY = {
    "operating_reserve": (1.0, 2000.0, "GW of operating reserve missing (2,000 CNY/MWh)"),
    "chp_must_run": (1.0, 2000.0, "GW of heat-led CHP output missing (2,000 CNY/MWh)"),
}
#: prefix of the slack families (excluded from costs, reported by name)
PREFIX = "elastic_"
SPILL = PREFIX + "spill"


def add_elastic(lp, data, voll_cny_per_mwh: float) -> list[str]:
    """Slack columns on the :data:`ELASTIC` rows and a spill column on every energy-balance row; returns
    the names of the slack families added."""
    added = []
    pw = data["period_weight"].to_series()
    for con, (sign, penalty, _) in ELASTIC.items():
        if con not in lp.cons or not lp.cons[con].size:
            continue
        blk = lp.cons[con]
        weight = blk.index["period"].map(pw).to_numpy() if "period" in blk.dims else 1.0
        var = lp.add_variables(PREFIX + con, blk.index, cost=penalty * weight, unit=blk.unit,
                               description=f"amount by which {con} is missed")
        lp.add_terms(con, np.arange(blk.size), var.positions, sign)
        added.append(var.name)
    for con, (sign, penalty, _) in ELASTIC_HOURLY.items():
        if con not in lp.cons or not lp.cons[con].size:
            continue
        blk = lp.cons[con]
        hours = data["weight"].to_numpy()[blk.index["timestep"].to_numpy()]
        cost = penalty * hours * blk.index["period"].map(pw).to_numpy() * BN_PER_GWH
        var = lp.add_variables(PREFIX + con, blk.index, cost=cost, unit=blk.unit,
                               description=f"amount by which {con} is missed")
        lp.add_terms(con, np.arange(blk.size), var.positions, sign)
        added.append(var.name)
    bal = lp.cons["energy_balance"]
    w = data["weight"].to_numpy()[bal.index["timestep"].to_numpy()]
    cost = voll_cny_per_mwh * w * bal.index["period"].map(pw).to_numpy() * BN_PER_GWH
    spill = lp.add_variables(SPILL, bal.index, cost=cost, unit="GW", description="over-generation spilled")
    lp.add_terms("energy_balance", np.arange(bal.size), spill.positions, -1.0)
    return added + [SPILL]
