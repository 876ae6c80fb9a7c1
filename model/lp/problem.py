"""The linear program as labelled sparse blocks, and its translation into Pyomo.

Components describe their variables and constraints here with pandas/numpy, vectorised over a whole
family at once (no Python loop over timesteps). Each family is one block: a table of labels (one row per
variable or constraint, columns = dimension names) plus coefficient arrays. :func:`LP.to_pyomo` turns
every block into exactly one Pyomo component (one ``Var`` / ``Constraint`` indexed by a range, rows as
``LinearExpression``), which is the route measured fastest in ``shared/PERFORMANCE-NOTES.md``.

Keeping the blocks after the build lets results and duals be labelled generically, and lets sweeps
update cost, bound and right-hand-side vectors without rebuilding Pyomo objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

INF = float("inf")


@dataclass
class Block:
    """One variable or constraint family: labels and global positions.

    Attributes
    ----------
    name : str
        Family name (also the Pyomo component name).
    index : pandas.DataFrame
        One row per element; columns are dimension names (``region``, ``tech``, ...).
    start : int
        Global position of the first element (column for variables, row for constraints).
    unit : str
        Unit of the variable, or of the constraint's right-hand side.
    """

    name: str
    index: pd.DataFrame
    start: int
    unit: str = ""
    description: str = ""
    _lookup: pd.Index | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.index)

    @property
    def dims(self) -> list[str]:
        return list(self.index.columns)

    @property
    def positions(self) -> np.ndarray:
        return np.arange(self.start, self.start + self.size)

    def lookup(self) -> pd.Index:
        """Index of the labels for vectorised position look-ups."""
        if self._lookup is None:
            self._lookup = _as_index(self.index, self.dims)
        return self._lookup

    def pos(self, labels: pd.DataFrame, missing: str = "raise") -> np.ndarray:
        """Global positions of the elements named by ``labels`` (one row per element).

        ``missing='raise'`` raises ``KeyError`` naming the first absent label; ``missing='drop'`` returns
        -1 for absent labels so the caller can mask them.
        """
        loc = self.lookup().get_indexer(_as_index(labels, self.dims))
        if missing == "raise" and (loc < 0).any():
            bad = labels.iloc[int(np.flatnonzero(loc < 0)[0])].to_dict()
            raise KeyError(f"{self.name}: no element {bad}")
        return np.where(loc >= 0, loc + self.start, -1)


def _as_index(df: pd.DataFrame, dims: list[str]) -> pd.Index:
    if len(dims) == 1:
        return pd.Index(df[dims[0]].to_numpy())
    return pd.MultiIndex.from_frame(df[dims])


@dataclass
class Terms:
    """Coefficients of a constraint block in coordinate form (local row, global column, value)."""

    row: list[np.ndarray] = field(default_factory=list)
    col: list[np.ndarray] = field(default_factory=list)
    val: list[np.ndarray] = field(default_factory=list)

    def add(self, row, col, val) -> "Terms":
        row = np.asarray(row, dtype=np.int64)
        col = np.asarray(col, dtype=np.int64)
        val = np.broadcast_to(np.asarray(val, dtype=float), row.shape)
        keep = (col >= 0) & (val != 0)
        self.row.append(row[keep])
        self.col.append(col[keep])
        self.val.append(val[keep])
        return self

    def arrays(self):
        if not self.row:
            e = np.empty(0)
            return e.astype(np.int64), e.astype(np.int64), e
        return np.concatenate(self.row), np.concatenate(self.col), np.concatenate(self.val)


class LP:
    """A linear program under construction: min c·x  s.t.  row_lb ≤ A x ≤ row_ub,  lb ≤ x ≤ ub."""

    def __init__(self):
        self.vars: dict[str, Block] = {}
        self.cons: dict[str, Block] = {}
        self._lb: list[np.ndarray] = []
        self._ub: list[np.ndarray] = []
        self._cost: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []
        self._cols: list[np.ndarray] = []
        self._vals: list[np.ndarray] = []
        self._row_lb: list[np.ndarray] = []
        self._row_ub: list[np.ndarray] = []
        self.n_cols = 0
        self.n_rows = 0
        self._cost_extra: list[tuple[np.ndarray, np.ndarray]] = []

    # -- variables -----------------------------------------------------------------------------
    def add_variables(self, name: str, index: pd.DataFrame, lb=0.0, ub=INF, cost=0.0,
                      unit: str = "", description: str = "") -> Block:
        """Add a family of variables, one per row of ``index``; ``cost`` is the objective coefficient."""
        if name in self.vars:
            raise ValueError(f"variable family {name} defined twice")
        index = index.reset_index(drop=True)
        n = len(index)
        block = Block(name, index, self.n_cols, unit, description)
        self.vars[name] = block
        self._lb.append(np.broadcast_to(np.asarray(lb, float), (n,)).copy())
        self._ub.append(np.broadcast_to(np.asarray(ub, float), (n,)).copy())
        self._cost.append(np.broadcast_to(np.asarray(cost, float), (n,)).copy())
        self.n_cols += n
        return block

    def add_cost(self, cols: np.ndarray, coef) -> None:
        """Add ``coef`` to the objective coefficients of global columns ``cols`` (bn CNY per unit)."""
        cols = np.asarray(cols, dtype=np.int64)
        self._cost_extra.append((cols, np.broadcast_to(np.asarray(coef, float), cols.shape).copy()))

    def set_lower(self, cols: np.ndarray, lb) -> None:
        """Raise lower bounds of global columns (e.g. committed builds)."""
        lb_all = self.col_lower
        np.maximum.at(lb_all, np.asarray(cols, dtype=np.int64),
                      np.broadcast_to(np.asarray(lb, float), np.shape(cols)))
        self._lb = [lb_all]

    def set_upper(self, cols: np.ndarray, ub) -> None:
        """Tighten upper bounds of global columns (e.g. potentials, policy bans)."""
        ub_all = self.col_upper
        np.minimum.at(ub_all, np.asarray(cols, dtype=np.int64),
                      np.broadcast_to(np.asarray(ub, float), np.shape(cols)))
        self._ub = [ub_all]

    # -- constraints ---------------------------------------------------------------------------
    def add_constraints(self, name: str, index: pd.DataFrame, terms: Terms, sense: str, rhs,
                        unit: str = "", description: str = "") -> Block:
        """Add a family of rows ``terms · x  (<=|>=|==)  rhs``, one per row of ``index``."""
        if name in self.cons:
            raise ValueError(f"constraint family {name} defined twice")
        index = index.reset_index(drop=True)
        n = len(index)
        rhs = np.broadcast_to(np.asarray(rhs, float), (n,)).copy()
        lo = {"<=": np.full(n, -INF), ">=": rhs, "==": rhs}[sense]
        hi = {"<=": rhs, ">=": np.full(n, INF), "==": rhs}[sense]
        r, c, v = terms.arrays()
        if len(r) and (r.max() >= n or r.min() < 0):
            raise IndexError(f"{name}: term row outside the block")
        block = Block(name, index, self.n_rows, unit, description)
        self.cons[name] = block
        self._rows.append(r + self.n_rows)
        self._cols.append(c)
        self._vals.append(v)
        self._row_lb.append(np.asarray(lo, float))
        self._row_ub.append(np.asarray(hi, float))
        self.n_rows += n
        return block

    def add_terms(self, name: str, local_rows, cols, vals) -> None:
        """Append coefficients to existing rows of constraint family ``name`` (e.g. slack columns)."""
        block = self.cons[name]
        self._rows.append(np.asarray(local_rows, dtype=np.int64) + block.start)
        self._cols.append(np.asarray(cols, dtype=np.int64))
        self._vals.append(np.broadcast_to(np.asarray(vals, float), np.shape(cols)).copy())

    def relax_upper(self, cols) -> None:
        """Remove the upper bounds of global columns ``cols``."""
        ub = self.col_upper
        ub[np.asarray(cols, dtype=np.int64)] = INF
        self._ub = [ub]

    def coefficient_ranges(self) -> dict:
        """(smallest, largest) absolute non-zero of the matrix, costs, bounds and right-hand sides."""
        def rng(v):
            v = np.abs(v[np.isfinite(v) & (v != 0)])
            return (float(v.min()), float(v.max())) if len(v) else (0.0, 0.0)
        vals = np.concatenate(self._vals) if self._vals else np.empty(0)
        return {"matrix": rng(vals), "cost": rng(self.cost),
                "bounds": rng(np.r_[self.col_lower, self.col_upper]),
                "rhs": rng(np.r_[self.row_lower, self.row_upper])}

    # -- assembled arrays ----------------------------------------------------------------------
    @property
    def col_lower(self) -> np.ndarray:
        return np.concatenate(self._lb) if self._lb else np.empty(0)

    @property
    def col_upper(self) -> np.ndarray:
        return np.concatenate(self._ub) if self._ub else np.empty(0)

    @property
    def cost(self) -> np.ndarray:
        c = np.concatenate(self._cost) if self._cost else np.empty(0)
        for cols, coef in self._cost_extra:
            np.add.at(c, cols, coef)
        return c

    @property
    def row_lower(self) -> np.ndarray:
        return np.concatenate(self._row_lb) if self._row_lb else np.empty(0)

    @property
    def row_upper(self) -> np.ndarray:
        return np.concatenate(self._row_ub) if self._row_ub else np.empty(0)

    def matrix(self) -> sp.csr_matrix:
        """Constraint matrix A (rows × columns), duplicates summed, explicit zeros removed."""
        if not self._rows:
            return sp.csr_matrix((self.n_rows, self.n_cols))
        a = sp.coo_matrix((np.concatenate(self._vals), (np.concatenate(self._rows),
                                                         np.concatenate(self._cols))),
                          shape=(self.n_rows, self.n_cols)).tocsr()
        a.sum_duplicates()
        a.eliminate_zeros()
        return a

    def size(self) -> dict:
        return {"n_variables": self.n_cols, "n_constraints": self.n_rows,
                "n_nonzeros": int(sum(len(v) for v in self._vals))}

    def values(self, x: np.ndarray, name: str, kind: str = "var") -> pd.Series:
        """Slice of a solution (or dual) vector for one family, labelled by its dimensions; empty
        if the family does not exist in this model."""
        blocks = self.vars if kind == "var" else self.cons
        if name not in blocks:
            return pd.Series(dtype=float)
        block = blocks[name]
        idx = block.lookup()
        if not isinstance(idx, pd.MultiIndex):
            idx = pd.Index(idx, name=block.dims[0])
        return pd.Series(x[block.start:block.start + block.size], index=idx, name=name)
