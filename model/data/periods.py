r"""The time convention of the horizon: which calendar years a period stands for, and which share of a
cohort's life falls into each period. Every module that needs it (capacity, transmission, costs,
results) asks here, so there is one convention.

A period is named by its milestone year ``p`` and stands for the ``n = period_years`` calendar years
centred on it:

.. math:: span(p) = [s_p,\ s_p + n), \qquad s_p = p - \lfloor (n-1)/2 \rfloor
          \qquad (n = 5:\ p-2 \dots p+2)

Its demand, costs and policy targets are those of year ``p`` (for trends linear within the span, the
value of the middle year is the mean over the span). Capacity built in period ``q`` is commissioned in
the ``n`` years up to and including ``q`` — on average at ``s_q`` — so it is online from ``s_q``, pays
its annuity from ``s_q`` for its lifetime ``L`` and serves exactly the years it pays for. An existing
cohort commissioned in year ``v`` lives ``[v, v + L)``. In every decision period its share is the
fraction of the period's years it is alive:

.. math:: share(c, p) = |span(p) \cap [start_c,\ start_c + L_c)| \,/\, n \ \in [0, 1]

so a 12-year battery built for 2030 counts fully in 2030 and 2035 and with 2/5 in 2040, and a
lifetime need not be a multiple of ``n``. History periods (``p ≤ history_until``) have no decisions:
their fleet is the statistics' fleet at the end of year ``p`` (a cohort counts fully if
``v ≤ p < v + L``). The horizon ends at ``horizon_end = last_period + ⌊n/2⌋``.
"""
from __future__ import annotations

import numpy as np


def span_start(period, n: int):
    """First calendar year of the span of ``period`` (array-like) [year]."""
    return np.asarray(period) - (int(n) - 1) // 2


def horizon_end(last_period: int, n: int) -> int:
    """Last calendar year the horizon covers [year]."""
    return int(last_period) + int(n) // 2


def overlap(start, life, lo, hi) -> np.ndarray:
    """Length of ``[start, start + life) ∩ [lo, hi)`` [yr], broadcast over all arguments."""
    start, life = np.asarray(start, float), np.asarray(life, float)
    return np.clip(np.minimum(start + life, hi) - np.maximum(start, lo), 0.0, None)


def share(start, life, period, n: int) -> np.ndarray:
    """Share of period ``period``'s years in which a cohort living ``[start, start + life)`` is alive."""
    lo = span_start(period, n)
    return overlap(start, life, lo, lo + int(n)) / float(n)


def fleet_share(start, life, period, n: int, history_until: int | None) -> np.ndarray:
    """:func:`share`, except in history periods (``period ≤ history_until``), where a cohort counts fully
    if it stands at the end of the milestone year (``start ≤ period < start + life``), as statistics do."""
    start, life, period = np.broadcast_arrays(np.asarray(start, float), np.asarray(life, float),
                                              np.asarray(period, float))
    out = share(start, life, period, n)
    if history_until is not None:
        hist = period <= history_until
        at_end = ((start <= period) & (period < start + life)).astype(float)
        out = np.where(hist, at_end, out)
    return out


def build_start(vintage, n: int, is_new) -> np.ndarray:
    """Start of life [year]: the span start of the build period for new builds (``is_new``), the
    commissioning year for existing cohorts."""
    vintage = np.asarray(vintage, float)
    return np.where(np.asarray(is_new, bool), span_start(vintage, n), vintage)
