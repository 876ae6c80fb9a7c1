"""The two hand-overs to HiGHS — through Pyomo's standard-form compiler (default) and straight from the
LP's arrays — give HiGHS the same LP and the same answers."""
from pathlib import Path

import numpy as np
import pytest

from model import run_scenario
from model.data.prepare import prepare
from model.data.read import load_inputs
from model.lp.assemble import build
from model.lp.solve import SolverOptions, load

CHINA7 = Path(__file__).resolve().parent.parent / "inputs" / "china7"
SMALL = ["first_period=2050", "last_period=2060", "first_period_builds=true", "build_limits=false", "days=2",
         "segments=4"]


def test_same_lp_in_highs():
    inputs = load_inputs(CHINA7, "3060", SMALL)
    lp, _, _ = build(prepare(inputs.tables, inputs.profiles, inputs.settings), inputs.settings)
    lps = {}
    for route in ("pyomo", "arrays"):
        h = load(lp, SolverOptions(route=route)).highs.getLp()
        lps[route] = h
    a, b = lps["pyomo"], lps["arrays"]
    assert (a.num_col_, a.num_row_) == (b.num_col_, b.num_row_)
    assert len(a.a_matrix_.value_) == len(b.a_matrix_.value_)
    for attr in ("col_cost_", "col_lower_", "col_upper_"):
        assert np.sum(getattr(a, attr), where=np.isfinite(getattr(a, attr))) == pytest.approx(
            np.sum(getattr(b, attr), where=np.isfinite(getattr(b, attr))), rel=1e-12), attr
    assert np.sum(a.a_matrix_.value_) == pytest.approx(np.sum(b.a_matrix_.value_), rel=1e-12)


def test_same_answers():
    ds = {r: run_scenario(CHINA7, "3060", SMALL + [f"route={r}"]).results for r in ("pyomo", "arrays")}
    assert float(ds["pyomo"]["total_cost"]) == pytest.approx(float(ds["arrays"]["total_cost"]), rel=1e-9)
    for name in ("capacity", "co2_price", "electricity_price"):
        np.testing.assert_allclose(ds["pyomo"][name].to_numpy(), ds["arrays"][name].to_numpy(),
                                   rtol=1e-6, atol=1e-6, err_msg=name)
