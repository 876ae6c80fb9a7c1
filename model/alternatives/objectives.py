r"""The objectives of alternatives as vectors over the LP's columns.

**Group value.** A group's value in period p is a linear function of the LP's columns,

.. math::  G_{g,p}(x) = \sum_{k \in terms(g)} \sum_{j \in rows(k, p)} a_j x_j

with a_j = 1 for a variable family (``capacity`` [GW], ``line_capacity`` [GW], …) and a_j the
accumulated coefficient for a quantity the components accumulate (``captured_co2`` [Mt/yr] = Σ capture
rate × CO2 intensity × output). It is compiled once (:func:`compile_groups`) into columns, coefficients
and each term's region (empty where a family has no region, e.g. lines), so the same vectors give the
objective, the national value and the regional breakdown.

**Spread-out alternatives** (SPORES-like, after Lombardi et al. 2020's relative-deployment weights). The
penalised columns are ``capacity[region, tech, period]`` and ``line_capacity[line, period]`` in the
spread periods; their groups for scaling are (tech, period) and (all lines, period). After solutions
x^{(0)} (the optimum), x^{(1)}, …, x^{(k-1)} the k-th alternative minimises

.. math::  \sum_i \frac{w_i}{N_{g(i)}} x_i, \qquad
           w_i = \sum_{j<k} \frac{\hat x^{(j)}_i}{\max_{i' \in g(i)} \hat x^{(j)}_{i'}}, \qquad
           N_g = \max\left(1\,\mathrm{GW},\ \max_{j<k} \max_{i \in g} \hat x^{(j)}_i\right)

(x̂ = x where x ≥ ``min_gw``, else 0): every region and technology an earlier plan used is penalised in
proportion to how much of its technology's largest regional build it was, so the next plan moves to
regions and technologies not used yet, as far as the slack allows.

**Least cost at the extreme.** A group's minimum (maximum) within the slack is reached by many plans;
the worker reports the cheapest of them (:mod:`model.alternatives.worker`: a second solve, min c·x
s.t. G ≤ G_min), so that "what cutting a group to its minimum costs" is that plan's cost above the
optimum, not whatever share of the slack the first solve happened to use.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.alternatives.spec import AlternativesFileError, AlternativesSpec, parse_term
from model.data.settings import suggest

#: quantities the components accumulate: name -> (attribute of Accumulators, unit)
ACCUMULATED = {"captured_co2": ("captured", "Mt/yr"), "emissions": ("emissions", "Mt/yr"),
               "generation": ("generation", "TWh/yr")}
#: results names of LP variable families
ALIASES = {"transmission_capacity": "line_capacity", "storage_energy_capacity": "energy_capacity"}
#: order of positional keys (dimensions not listed follow in the family's own order)
KEY_ORDER = ("tech", "region", "line")
#: families penalised by spread-out alternatives, and the dimension that groups their columns
SPREAD = (("capacity", "tech"), ("line_capacity", None))


@dataclass
class GroupVector:
    """A group's value in one period: Σ coef × x[cols] [unit]; ``region`` per entry ('' if none)."""

    group: str
    period: int
    unit: str
    cols: np.ndarray
    coef: np.ndarray
    region: np.ndarray

    def value(self, x: np.ndarray) -> float:
        return float(self.coef @ x[self.cols])

    def by_region(self, x: np.ndarray) -> pd.Series:
        """Value per region (entries without a region left out)."""
        keep = self.region != ""
        return pd.Series(self.coef[keep] * x[self.cols[keep]]).groupby(self.region[keep]).sum()


def term_frame(lp, acc, name: str) -> tuple[pd.DataFrame, str]:
    """Rows of a term's family: its dimensions plus ``col`` and ``coef``, and its unit; KeyError if
    the model has no such family."""
    name = ALIASES.get(name, name)
    if name in ACCUMULATED:
        attr, unit = ACCUMULATED[name]
        return getattr(acc, attr).frame(), unit
    block = lp.vars[name]
    return block.index.assign(col=block.positions, coef=1.0), block.unit


def known_terms(lp) -> list[str]:
    """Names a term may use: LP families indexed by period, their aliases and accumulated quantities."""
    fams = [n for n, b in lp.vars.items() if "period" in b.dims]
    return fams + [a for a, n in ALIASES.items() if n in fams] + list(ACCUMULATED)


def _select(frame: pd.DataFrame, keys, where: str) -> np.ndarray:
    """Mask of the rows the keys select; raise ValueError naming the bad key."""
    dims = [d for d in KEY_ORDER if d in frame.columns] + \
        [d for d in frame.columns if d not in KEY_ORDER and d not in ("period", "col", "coef")]
    mask = np.ones(len(frame), dtype=bool)
    if len(keys) > len(dims):
        raise ValueError(f"{where}: found {len(keys)} keys; expected at most {len(dims)} ({', '.join(dims)})")
    for i, key in enumerate(keys):
        dim, val = (k.strip() for k in key.split("=", 1)) if "=" in key else (dims[i], key)
        if dim not in dims:
            raise ValueError(f"{where}: '{dim}' is not a key{suggest(dim, dims)}; expected one of {', '.join(dims)}")
        values = frame[dim].astype(str)
        if val not in set(values):
            known = sorted(set(values))
            raise ValueError(f"{where}: no {dim} '{val}'{suggest(val, known)}; expected one of "
                             f"{', '.join(known[:20])}{', …' if len(known) > 20 else ''}")
        mask &= (values == val).to_numpy()
    return mask


def _group(lp, acc, group: str, terms: list[str], periods, path) -> tuple[dict, list[str]]:
    """GroupVector per period of one group, and the problems found."""
    parts, units, problems = [], set(), []
    for i, text in enumerate(terms):
        where = f"{path}: 'groups.{group}.{i}' {text!r}"
        term = parse_term(text)
        try:
            frame, unit = term_frame(lp, acc, term.name)
        except KeyError:
            problems.append(f"{where}: unknown name '{term.name}'{suggest(term.name, known_terms(lp))}; "
                            f"expected one of {', '.join(known_terms(lp))}")
            continue
        if "period" not in frame.columns:
            problems.append(f"{where}: '{term.name}' has no period; expected a family indexed by period")
            continue
        try:
            parts.append(frame[_select(frame, term.keys, where)])
        except ValueError as err:
            problems.append(str(err))
        units.add(unit)
    if len(units) > 1:
        problems.append(f"{path}: 'groups.{group}': mixes units {', '.join(sorted(units))}; expected terms "
                        f"of one unit")
    if problems:
        return {}, problems
    rows = pd.concat(parts, ignore_index=True)
    unit = next(iter(units), "")
    out = {}
    for p in periods:
        sel = rows[rows["period"] == p]
        region = sel["region"].astype(str).to_numpy() if "region" in sel else np.full(len(sel), "")
        out[int(p)] = GroupVector(group, int(p), unit, sel["col"].to_numpy(np.int64),
                                  sel["coef"].to_numpy(float), region.astype(object))
    return out, problems


def compile_groups(spec: AlternativesSpec, lp, acc, periods, path) -> dict[tuple[str, int], GroupVector]:
    """Every group of the file in every objective period, checked against the model: unknown names and
    keys, groups that mix units and periods the model does not have raise
    :class:`AlternativesFileError` (file and key in each line)."""
    problems = [f"{path}: 'periods': {p} is not a period of the model; expected one of "
                f"{', '.join(map(str, periods))}" for p in spec.periods if p not in periods]
    wanted = list(dict.fromkeys([*spec.periods, *(spec.spread.periods or [])]))
    problems += [f"{path}: 'spread.periods': {p} is not a period of the model" for p in spec.spread.periods or []
                 if p not in periods]
    out = {}
    for group, terms in spec.groups.items():
        vecs, found = _group(lp, acc, group, terms, [p for p in wanted if p in periods], path)
        problems += found
        out.update({(group, p): v for p, v in vecs.items()})
    if problems:
        raise AlternativesFileError(problems)
    return out


def spread_columns(lp, periods) -> tuple[np.ndarray, np.ndarray]:
    """Penalised columns of spread-out alternatives and the id of each one's scaling group."""
    cols, keys = [], []
    for name, dim in SPREAD:
        if name not in lp.vars:
            continue
        b = lp.vars[name]
        sel = b.index["period"].isin(list(periods)).to_numpy()
        cols.append(b.positions[sel])
        label = b.index[dim].astype(str) if dim else pd.Series(name, index=b.index.index)
        keys.append((label + "@" + b.index["period"].astype(str)).to_numpy()[sel])
    if not cols:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    _, gid = np.unique(np.concatenate(keys), return_inverse=True)
    return np.concatenate(cols).astype(np.int64), gid.astype(np.int64)


def spread_coefficients(gid: np.ndarray, previous: list[np.ndarray], min_gw: float) -> np.ndarray:
    """Main coefficients w_i / N_g of the penalised columns after the solutions ``previous`` (their
    values at those columns, the optimum first); see the module docstring."""
    n_g = int(gid.max()) + 1 if len(gid) else 0
    w, peak = np.zeros(len(gid)), np.zeros(n_g)
    for x in previous:
        v = np.where(x >= min_gw, x, 0.0)
        ref = np.zeros(n_g)
        np.maximum.at(ref, gid, v)
        w += np.divide(v, ref[gid], out=np.zeros(len(v)), where=ref[gid] > 0)
        peak = np.maximum(peak, ref)
    return w / np.maximum(peak, 1.0)[gid]


def objective_vector(n_cols: int, cols: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """The objective m over all columns (duplicates summed), scaled to max |m_j| = 1."""
    m = np.zeros(n_cols)
    np.add.at(m, cols, coef)
    big = float(np.abs(m).max()) if len(m) else 0.0
    return m / big if big > 0 else m
