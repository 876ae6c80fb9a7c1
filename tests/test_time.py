"""The reduced year: weights, chronology, the peak net-load day and annual energy (PITFALLS.md)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.data.prepare import time_slices
from model.data.read import load_inputs
from model.data.timeslices import DAYS_PER_YEAR, HOURS_PER_YEAR, net_load_index

CHINA7 = Path(__file__).resolve().parent.parent / "inputs" / "china7"


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(CHINA7, "3060", [])


def _share(inputs):
    demand = inputs.tables["demand"]
    first = demand[demand["year"] == demand["year"].min()].set_index("region")["demand_twh"]
    return first.reindex(inputs.tables["regions"]["region"]) / first.sum()


@pytest.mark.parametrize("days, segments", [(4, 4), (8, 4), (8, None), (16, 6)])
def test_reduced_year(inputs, days, segments):
    ts = time_slices(inputs.tables, inputs.profiles, inputs.settings.model_copy(
        update={"days": days, "segments": segments}))
    # days and hours add up to one year, every day is cut into whole hours
    assert len(ts.day_weight) == days
    assert ts.day_weight.sum() == DAYS_PER_YEAR and ts.weight_h.sum() == pytest.approx(HOURS_PER_YEAR)
    per_day = np.bincount(ts.day, weights=ts.duration_h)
    assert per_day.tolist() == pytest.approx([24.0] * days)
    # the chronology maps every calendar day to a representative day, as often as its weight says
    assert len(ts.chronology) == DAYS_PER_YEAR
    assert np.bincount(ts.chronology, minlength=days).tolist() == ts.day_weight.tolist()
    assert all(ts.chronology[src] == d for d, src in enumerate(ts.source_day))
    # the day of the national peak net load is a representative day of its own
    net = net_load_index(inputs.profiles, _share(inputs))
    peak_day = int(np.argmax(net)) // 24
    d = ts.chronology[peak_day]
    assert ts.day_weight[d] == 1 and ts.source_day[d] == peak_day
    # the reduced year keeps the annual energy of load (normalised to mean 1), wind and solar
    for name in ("load", "wind_onshore", "solar_utility", "wind_offshore", "solar_distributed"):
        full = inputs.profiles[name].mean()
        if name == "load":
            full = full / full
        reduced = ts.profiles[name].mul(ts.weight_h, axis=0).sum() / HOURS_PER_YEAR
        assert reduced.to_numpy() == pytest.approx(full.to_numpy(), rel=1e-6), name
