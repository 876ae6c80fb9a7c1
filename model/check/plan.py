"""What a plan is, in the LP's terms: the capacity-type variable families, read from a results Dataset.

:data:`PLAN_FAMILIES` is the one list of variable families that make up a plan, each with the results
variable that holds its values (None: not in the results — per-cohort decisions such as early retirement
only enter rows that hold plan variables alone, which the check drops, so they are fixed at 0). A family
the components add later is either plan (capacity decided once per period: add it here with its results
variable) or operation (everything the full-year LP re-optimises, e.g. online capacity of a unit
commitment): ``tests/test_check.py`` fails for a new family without a ``timestep`` dimension until it is
classified here or in :data:`PERIOD_OPERATION`.

Capital terms — the objective coefficients of plan columns (annuities, fixed O&M) times the plan — are the
same for the planning run and the full-year check; :func:`capital_cost` evaluates them on an LP of the run's
own settings and one day (they do not depend on the time slices).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
import xarray as xr

from model.data.settings import InputError

#: variable family -> results variable holding its values (docs/results.md); None: fixed at 0
PLAN_FAMILIES = {
    "new_capacity": "new_capacity",
    "capacity": "capacity",
    "retire": None,
    "convert": None,
    "energy_capacity": "storage_energy_capacity",
    "new_energy_capacity": "new_storage_energy_capacity",
    "charge_capacity": "charge_capacity",
    "new_charge_capacity": "new_charge_capacity",
    "line_capacity": "transmission_capacity",
    "new_line_capacity": "new_transmission_capacity",
}
#: operational families without a timestep dimension (annual or per-run quantities, re-optimised)
PERIOD_OPERATION = ("annual_generation", "soc_inter", "soc_max", "soc_min", "reserve_forward",
                    "reserve_backward", "storage_firm", "credit_tranche", "co2_cap_slack")
#: results variables a check needs from a plan (besides those of PLAN_FAMILIES)
PLAN_CONTEXT = ("captured_co2", "period_weight", "total_cost")


def plan_dataset(results: xr.Dataset) -> xr.Dataset:
    """The plan's variables of a results Dataset (small: no timestep dimension)."""
    names = [v for v in list(PLAN_FAMILIES.values()) + list(PLAN_CONTEXT) if v and v in results]
    return results[names].load()


def plan_mask(lp) -> np.ndarray:
    """(n_cols,) bool: columns of plan families."""
    mask = np.zeros(lp.n_cols, bool)
    for name in PLAN_FAMILIES:
        if name in lp.vars:
            b = lp.vars[name]
            mask[b.start:b.start + b.size] = True
    return mask


def plan_values(lp, plan: xr.Dataset, tol: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """Global columns of every plan family in ``lp`` and their values in ``plan`` (0 where the plan has
    none). Raises :class:`~model.data.settings.InputError` if the plan holds capacity the LP has no
    column for (a results file that does not belong to this dataset)."""
    cols, vals = [], []
    for name, var in PLAN_FAMILIES.items():
        if name not in lp.vars or not lp.vars[name].size:
            continue
        b = lp.vars[name]
        v = np.zeros(b.size)
        if var is not None and var in plan:
            series = plan[var].to_series()
            dims = list(plan[var].dims)
            labels = b.index[dims]
            key = pd.MultiIndex.from_frame(labels) if len(dims) > 1 else pd.Index(labels[dims[0]])
            v = series.reindex(key).fillna(0.0).to_numpy()
            _no_orphans(series, key, b.index, var, tol)
        cols.append(b.positions)
        vals.append(np.clip(v, 0.0, None))
    if not cols:
        return np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(cols), np.concatenate(vals)


def _no_orphans(series: pd.Series, key: pd.Index, index: pd.DataFrame, var: str, tol: float) -> None:
    """Plan values of the LP's periods that no column of the LP can hold."""
    periods = set(index["period"]) if "period" in index else None
    s = series[series.abs() > tol]
    if periods is not None:
        s = s[s.index.get_level_values("period").isin(periods)]
    missing = s.index.difference(key)
    if len(missing):
        raise InputError([f"results.nc: the plan's {var} at {list(missing[:3])} has no column in the check's "
                          f"LP; expected results solved from this dataset"])


def plan_only_rows(a: sp.csr_matrix, plan: np.ndarray) -> np.ndarray:
    """(n_rows,) bool: rows whose non-zeros are all in plan columns (they constrain only the plan, which
    is given, so the check drops them: capacity balances, retirement limits, build limits, durations)."""
    pattern = a.copy()
    pattern.data = np.ones_like(pattern.data)
    return (pattern @ (~plan).astype(float)) == 0


def capital_cost(lp_one_day, plan: xr.Dataset) -> float:
    """Σ over plan columns of cost × plan value [bn CNY, PV] in an LP of the run's settings."""
    cols, vals = plan_values(lp_one_day, plan)
    return float(lp_one_day.cost[cols] @ vals) if len(cols) else 0.0


def fleet_as_cohorts(data: xr.Dataset, plan: xr.Dataset, period: int) -> xr.Dataset:
    """``data`` with the plan's capacity, storage energy and charging capacity of ``period`` added as
    cohorts commissioned in that period, so every planned unit has its columns in a one-period LP
    (which cohort they belong to does not matter: the rows that say so are dropped)."""
    out = data.copy()
    for name, var in (("existing_capacity", "capacity"), ("existing_energy", "storage_energy_capacity"),
                      ("existing_charge", "charge_capacity")):
        if var not in plan or name not in out:
            continue
        add = plan[var].sel(period=period).reindex(region=out["region"], tech=out["tech"]).fillna(0.0)
        arr = out[name].copy()
        arr.loc[dict(vintage=period)] = arr.sel(vintage=period) + add.clip(min=0).transpose(*arr.dims[:2])
        out[name] = arr
    return out
