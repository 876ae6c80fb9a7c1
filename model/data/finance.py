"""Discounting and annualisation. Money is real 2020 CNY; the base year of discounting is the first
period. Convention: period ``p`` stands for the calendar years ``p … p + period_years − 1``; investment
in period ``p`` is made at its start and pays an annuity from year ``p`` for its economic lifetime, but
only for the years inside the horizon (no end effect, no salvage value needed).
"""
from __future__ import annotations

import numpy as np


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
    """Sum of discount factors over each period's years [yr]: PV of 1 CNY/yr paid through period p."""
    return np.array([discount_factor(np.arange(p, p + period_years), rate, base_year).sum()
                     for p in periods])


def annuity_weight(build_periods, life_yr, rate: float, base_year: int, horizon_end: int) -> np.ndarray:
    """PV of the annuities of 1 CNY of overnight cost built at the start of each period [-].

    ``CRF(rate, life) × Σ_{y = p}^{min(p + life − 1, horizon_end)} DF(y)``; equals 1 when the whole
    lifetime lies inside the horizon. Broadcasts ``build_periods`` (…, P) against ``life_yr`` (T, 1).
    """
    p = np.asarray(build_periods, dtype=float)
    life = np.asarray(life_yr, dtype=float)
    p, life = np.broadcast_arrays(p, life)
    crf = capital_recovery_factor(rate, life)
    out = np.empty(p.shape)
    for idx in np.ndindex(p.shape):
        last = min(p[idx] + round(life[idx]) - 1, horizon_end)
        out[idx] = discount_factor(np.arange(p[idx], last + 1), rate, base_year).sum()
    return crf * out
