"""Discounting and annualisation. Money is real 2020 CNY; the base year of discounting is the first
period's milestone year. The time convention (which years a period stands for, when builds start paying)
is :mod:`model.data.periods`: period ``p`` stands for the years of its span, centred on ``p``; capacity
built in period ``q`` pays an annuity from the start of ``q``'s span for its economic lifetime, but only
for the years inside the horizon (no end effect, no salvage value needed).
"""
from __future__ import annotations

import numpy as np

from model.data.periods import overlap, span_start


def discount_factor(years, rate: float, base_year: int) -> np.ndarray:
    """Present-value factor of one CNY paid in each of ``years`` [-]: (1 + rate)^-(year - base)."""
    return (1.0 + rate) ** -(np.asarray(years, dtype=float) - base_year)


def capital_recovery_factor(rate: float, life_yr) -> np.ndarray:
    """Annuity per CNY of overnight cost over ``life_yr`` years [1/yr]; 1/life when rate is 0."""
    life = np.asarray(life_yr, dtype=float)
    if rate == 0:
        return 1.0 / life
    return rate / (1.0 - (1.0 + rate) ** -life)


def period_weight(periods, period_years: int, rate: float, base_year: int) -> np.ndarray:
    """Sum of discount factors over each period's span [yr]: PV of 1 CNY/yr paid through period p."""
    return np.array([discount_factor(np.arange(s, s + period_years), rate, base_year).sum()
                     for s in span_start(np.asarray(periods), period_years)])


def paid_years_pv(start, life, rate: float, base_year: int, horizon_end: int) -> np.ndarray:
    """Σ_y DF(y) × (share of year y in ``[start, start + life)``) over the years up to ``horizon_end``
    [yr]: the PV of 1 CNY/yr paid over a life, cut at the end of the horizon. Broadcasts."""
    start, life = np.broadcast_arrays(np.asarray(start, float), np.asarray(life, float))
    out = np.zeros(start.shape)
    if not start.size:
        return out
    years = np.arange(int(np.floor(start.min())), int(horizon_end) + 1)
    for y in years:
        out += discount_factor(y, rate, base_year) * overlap(start, life, y, y + 1)
    return out


def annuity_weight(build_periods, life_yr, rate: float, base_year: int, horizon_end: int,
                   period_years: int) -> np.ndarray:
    """PV of the annuities of 1 CNY of overnight cost built in each period [-].

    ``CRF(rate, L) × Σ_{y = s_q}^{min(s_q + L − 1, horizon_end)} DF(y)`` with ``s_q`` the start of the build
    period's span (payments at the start of each year of life); ``(1 + rate) × DF(s_q)`` when the whole
    lifetime lies inside the horizon. Broadcasts
    ``build_periods`` (…, P) against ``life_yr`` (T, 1).
    """
    p, life = np.broadcast_arrays(np.asarray(build_periods, float), np.asarray(life_yr, float))
    start = span_start(p, period_years)
    return capital_recovery_factor(rate, life) * paid_years_pv(start, life, rate, base_year, horizon_end)
