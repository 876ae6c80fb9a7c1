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


def test_extra_days_become_days_of_their_own(inputs):
    """Calendar days added to 8 clustered days: weight 1 each, taken off their cluster, kept at their
    real values (hourly here), the chronology pointing at them; the year keeps its annual energy."""
    s = inputs.settings.model_copy(update={"days": 8, "segments": None})
    base = time_slices(inputs.tables, inputs.profiles, s)
    extra = [40, 41, 42, 300]
    ts = time_slices(inputs.tables, inputs.profiles, s.model_copy(update={"extra_days": extra}))
    assert len(ts.day_weight) == 12 and ts.day_weight.sum() == DAYS_PER_YEAR
    assert ts.day_weight[8:].tolist() == [1, 1, 1, 1] and ts.chronology[extra].tolist() == [8, 9, 10, 11]
    assert ts.source_day[8:].tolist() == extra
    lost = np.bincount(base.chronology[extra], minlength=8)
    assert ts.day_weight[:8].tolist() == (base.day_weight - lost).tolist()
    others = np.setdiff1d(np.arange(DAYS_PER_YEAR), extra)
    assert (ts.chronology[others] == base.chronology[others]).all()
    wind = inputs.profiles["wind_onshore"]
    got = ts.profiles["wind_onshore"].to_numpy()[ts.day == 9]  # calendar day 41, hour by hour
    assert got == pytest.approx(wind.to_numpy()[41 * 24:42 * 24], abs=1e-12)
    for name in ("load", "wind_onshore", "solar_utility"):
        full = inputs.profiles[name].mean()
        full = full / full if name == "load" else full
        reduced = ts.profiles[name].mul(ts.weight_h, axis=0).sum() / HOURS_PER_YEAR
        assert reduced.to_numpy() == pytest.approx(full.to_numpy(), rel=1e-6), name


def test_full_year_of_segmented_calendar_days(inputs):
    from model.data.prepare import demand_share
    from model.data.timeslices import calendar_days

    ts = calendar_days(inputs.profiles, demand_share(inputs.tables, inputs.settings), 4)
    assert ts.n_steps == 4 * DAYS_PER_YEAR and (ts.chronology == np.arange(DAYS_PER_YEAR)).all()
    assert (ts.day_weight == 1).all() and ts.weight_h.sum() == pytest.approx(HOURS_PER_YEAR)
    # each step is the mean of the hours it merges
    wind = inputs.profiles["wind_onshore"].to_numpy()
    start = 9 * 24 + ts.first_hour[ts.day == 9]
    for k, (h0, dur) in enumerate(zip(start, ts.duration_h[ts.day == 9])):
        assert ts.profiles["wind_onshore"].to_numpy()[9 * 4 + k] == pytest.approx(
            wind[h0:h0 + int(dur)].mean(axis=0), rel=1e-9)
