"""Translate an :class:`~model.lp.LP` into a Pyomo ``ConcreteModel``.

One Pyomo ``Var`` per variable family and one ``Constraint`` per constraint family, each indexed by
``range(n)``; the labels of element ``i`` are row ``i`` of the family's index table (``lp.vars[name]``).
Rows are ``LinearExpression`` objects built from Python lists (no operator overloading), returned as
``(lower, body, upper)`` tuples — the fastest rule style measured in ``shared/PERFORMANCE-NOTES.md``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from .lp import LP


@dataclass
class PyomoModel:
    """A Pyomo model plus the global-position maps needed to read solutions back.

    ``var_data[j]`` is the Pyomo VarData of global column j; ``con_data[i]`` the ConstraintData of
    global row i.
    """

    model: pyo.ConcreteModel
    var_data: np.ndarray
    con_data: list


def _bounds(values: np.ndarray, infinite: float) -> list:
    out = values.astype(object)
    out[values == infinite] = None
    return out.tolist()


def to_pyomo(lp: LP, name: str = "cn3060") -> PyomoModel:
    """Build the Pyomo model: variables with bounds, one constraint per LP row, the objective."""
    m = pyo.ConcreteModel(name=name)
    var_data = np.empty(lp.n_cols, dtype=object)
    lower = _bounds(lp.col_lower, -np.inf)
    upper = _bounds(lp.col_upper, np.inf)
    for blk in lp.vars.values():
        comp = pyo.Var(range(blk.size), domain=pyo.Reals)
        setattr(m, blk.name, comp)
        data = list(comp.values())
        for k, vd in enumerate(data):
            j = blk.start + k
            vd.setlb(lower[j])
            vd.setub(upper[j])
        var_data[blk.start:blk.start + blk.size] = data

    a = lp.matrix()
    indptr, indices, coefs = a.indptr, a.indices, a.data
    row_lo = _bounds(lp.row_lower, -np.inf)
    row_hi = _bounds(lp.row_upper, np.inf)
    con_data: list = []
    for blk in lp.cons.values():
        s0 = blk.start

        def rule(_m, i, s0=s0):
            r = s0 + i
            lo, hi = indptr[r], indptr[r + 1]
            expr = LinearExpression(constant=0.0, linear_coefs=coefs[lo:hi].tolist(),
                                    linear_vars=var_data[indices[lo:hi]].tolist())
            return (row_lo[r], expr, row_hi[r])

        comp = pyo.Constraint(range(blk.size), rule=rule)
        setattr(m, blk.name, comp)
        con_data.extend(comp.values())

    cost = lp.cost
    nz = np.flatnonzero(cost)
    m.objective = pyo.Objective(
        expr=LinearExpression(constant=0.0, linear_coefs=cost[nz].tolist(),
                              linear_vars=var_data[nz].tolist()),
        sense=pyo.minimize)
    return PyomoModel(m, var_data, con_data)
