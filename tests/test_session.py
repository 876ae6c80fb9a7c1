"""The in-memory session behind sweeps: the base scenario's days for every member, other solvers."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.data.prepare import time_slices
from model.data.read import load_inputs
from model.run.session import Session

CHINA7 = Path(__file__).resolve().parent.parent / "inputs" / "china7"
SMALL = ["first_period=2060", "last_period=2060", "first_period_builds=true", "build_limits=false",
         "days=3", "segments=2"]


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(CHINA7, "3060", SMALL)


def test_members_use_the_base_scenarios_days(inputs):
    """Tripling one region's demand would pick other days; a session keeps the base scenario's."""
    base = time_slices(inputs.tables, inputs.profiles, inputs.settings)
    member = ["demand[East]*=3"]
    tables, settings, _ = Session(inputs).variant(member)
    own = time_slices(tables, inputs.profiles, settings)
    assert not np.array_equal(own.source_day, base.source_day)  # the case tests something
    session = Session(inputs)
    run = session.solve(member)
    assert np.array_equal(session.time.source_day, base.source_day)
    assert np.array_equal(run.results["source_day"].to_numpy(), base.source_day)


def test_another_solver_is_used_for_members(inputs):
    """A member naming another solver is solved by it (here Pyomo's appsi_highs), not by HiGHS's
    loaded instance, and reaches the same optimum."""
    session = Session(inputs)
    ref = session.solve([])
    other = session.solve(["solver=appsi_highs"])
    assert other.results.attrs["session_load"] == "other solver"
    assert float(other.results["total_cost"]) == pytest.approx(float(ref.results["total_cost"]), rel=1e-6)
