"""Translate an :class:`~model.lp.LP` into a Pyomo ``ConcreteModel``.

One Pyomo ``Var`` per variable family and one ``Constraint`` per constraint family, each indexed by
``range(n)``; the labels of element ``i`` are row ``i`` of the family's index table (``lp.vars[name]``).
Rows are ``LinearExpression`` objects built from Python lists (no operator overloading), returned as
``(lower, body, upper)`` tuples — the fastest rule style measured in ``shared/PERFORMANCE-NOTES.md``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from model import progress
from model.lp.problem import LP


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


def _add_vars(m: pyo.ConcreteModel, lp: LP) -> np.ndarray:
    """One ``Var`` per variable family, with bounds; returns the VarData of every global column."""
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
    return var_data


class _Rows:
    """Builds the ``Constraint`` of one family from the LP's CSR rows."""

    def __init__(self, lp: LP, var_data: np.ndarray):
        a = lp.matrix()
        self.indptr, self.indices, self.coefs = a.indptr, a.indices, a.data
        self.lo, self.hi = _bounds(lp.row_lower, -np.inf), _bounds(lp.row_upper, np.inf)
        self.var_data = var_data

    def constraint(self, start: int, size: int) -> pyo.Constraint:
        indptr, indices, coefs, var_data = self.indptr, self.indices, self.coefs, self.var_data

        def rule(_m, i):
            r = start + i
            lo, hi = indptr[r], indptr[r + 1]
            expr = LinearExpression(constant=0.0, linear_coefs=coefs[lo:hi].tolist(),
                                    linear_vars=var_data[indices[lo:hi]].tolist())
            return (self.lo[r], expr, self.hi[r])

        return pyo.Constraint(range(size), rule=rule)


def _objective(lp: LP, var_data: np.ndarray) -> pyo.Objective:
    nz = np.flatnonzero(lp.cost)
    return pyo.Objective(expr=LinearExpression(constant=0.0, linear_coefs=lp.cost[nz].tolist(),
                                               linear_vars=var_data[nz].tolist()), sense=pyo.minimize)


def to_pyomo(lp: LP, name: str = "cn3060") -> PyomoModel:
    """Build the whole Pyomo model: variables with bounds, one constraint per LP row, the objective
    (for solvers reached through Pyomo's own interfaces)."""
    m = pyo.ConcreteModel(name=name)
    var_data = _add_vars(m, lp)
    rows = _Rows(lp, var_data)
    con_data: list = []
    for blk in lp.cons.values():
        comp = rows.constraint(blk.start, blk.size)
        setattr(m, blk.name, comp)
        con_data.extend(comp.values())
    m.objective = _objective(lp, var_data)
    return PyomoModel(m, var_data, con_data)


@dataclass
class StandardForm:
    """What Pyomo's standard-form compiler made of the model, in the LP's global column order:
    ``A`` (compiled rows × all columns, CSR), ``rows`` (global LP row of each compiled row), ``kind``
    (−1 ≥, 0 =, +1 ≤), ``rhs`` and ``cost`` (per global column)."""

    A: object
    rows: np.ndarray
    kind: np.ndarray
    rhs: np.ndarray
    cost: np.ndarray
    compile_s: float = 0.0


#: rows compiled at a time: the memory of a chunk's expressions is freed before the next is built
CHUNK_ROWS = 5000


def compile_by_family(lp: LP) -> StandardForm:
    """Build the Pyomo model one constraint family (or :data:`CHUNK_ROWS` rows of it) at a time, compile
    each with Pyomo's ``LinearStandardFormCompiler`` (``mixed_form``) and drop its constraints before
    building the next, so only the variables and one chunk's expressions are alive at once (the peak memory of a whole
    Pyomo model is ~3 KB per row and column, see ``shared/PERFORMANCE-NOTES.md``)."""
    import scipy.sparse as sp
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    m = pyo.ConcreteModel(name="cn3060")
    var_data = _add_vars(m, lp)
    col_of = {id(v): j for j, v in enumerate(var_data)}
    rows = _Rows(lp, var_data)
    parts_a, parts_r, parts_k, parts_b = [], [], [], []
    compile_s = 0.0
    chunks = [(blk.name, start, min(CHUNK_ROWS, blk.start + blk.size - start)) for blk in lp.cons.values()
              for start in range(blk.start, blk.start + blk.size, CHUNK_ROWS)]
    for k, (name, start, size) in enumerate(chunks):
        progress.update(f"Pyomo: constraint family {name}, chunk {k + 1} of {len(chunks)}")
        comp = rows.constraint(start, size)
        setattr(m, name, comp)
        row_of = {id(c): start + i for i, c in enumerate(comp.values())}
        t0 = time.perf_counter()
        repn = LinearStandardFormCompiler().write(m, mixed_form=True)
        compile_s += time.perf_counter() - t0
        cols = np.fromiter((col_of[id(v)] for v in repn.columns), dtype=np.int64, count=len(repn.columns))
        a = repn.A.tocoo()
        parts_a.append(sp.csr_matrix((a.data, (a.row, cols[a.col])), shape=(a.shape[0], lp.n_cols)))
        parts_r.append(np.fromiter((row_of[id(r[0])] for r in repn.rows), dtype=np.int64, count=len(repn.rows)))
        parts_k.append(np.fromiter((r[1] for r in repn.rows), dtype=np.int64, count=len(repn.rows)))
        parts_b.append(np.asarray(repn.rhs, dtype=float))
        m.del_component(comp)
        del comp, repn, row_of
    m.objective = _objective(lp, var_data)
    repn = LinearStandardFormCompiler().write(m, mixed_form=True)
    cost = np.zeros(lp.n_cols)
    if repn.c.shape[0]:
        cols = np.fromiter((col_of[id(v)] for v in repn.columns), dtype=np.int64, count=len(repn.columns))
        cost[cols] = np.asarray(repn.c.toarray()).ravel()
    return StandardForm(sp.vstack(parts_a, format="csr") if parts_a else sp.csr_matrix((0, lp.n_cols)),
                        np.concatenate(parts_r) if parts_r else np.zeros(0, np.int64),
                        np.concatenate(parts_k) if parts_k else np.zeros(0, np.int64),
                        np.concatenate(parts_b) if parts_b else np.zeros(0), cost, compile_s)
