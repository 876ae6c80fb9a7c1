"""Infeasible scenarios are explained in the user's terms; solver failures write nothing."""
import subprocess
import sys
from pathlib import Path

import factory
import pytest

from model import run_scenario
from model.lp.solve import InfeasibleError, SolveError

ROOT = Path(__file__).resolve().parent.parent


def _cap_case(tmp_path, cap_2020, potential=None, reserve=0.0):
    """Coal (0.9 t/MWh) or wind (CF 0.3, potential-limited) serve a flat 100 GW load."""
    return factory.write(
        tmp_path,
        techs=[{"tech": "coal", "fuel": "coal", "efficiency": 0.4, "capacity_credit": 0.9},
               {"tech": "wind", "kind": "variable", "profile": "wind_onshore", "capacity_credit": 0.1}],
        costs=[{"tech": "coal", "capex_cny_per_kw": 3500}, {"tech": "wind", "capex_cny_per_kw": 5000}],
        fuels=[("coal", 0.1, False)], fuel_prices={"coal": 20},
        demand={"A": 876.0}, profiles={"wind_onshore": {"A": [0.3] * 8760}},
        potentials=[("A", "wind", potential)] if potential is not None else (),
        co2_caps=[("c", 2000, cap_2020), ("c", 2100, cap_2020)],
        settings={"co2_cap": "c", "days": 1, "reserve_margin": reserve})


def test_too_tight_cap_is_explained(tmp_path):
    """Wind is capped at 200 GW (≈ 526 TWh); the rest (350 TWh) must come from coal: ≥ 315 Mt. A 100 Mt
    cap cannot hold."""
    with pytest.raises(InfeasibleError) as err:
        run_scenario(_cap_case(tmp_path, 100.0, potential=200.0), "test")
    text = "\n".join(err.value.explanation)
    assert "the 2020 CO2 cap of 100 Mt/yr cannot be met" in text
    assert "315 Mt/yr" in text


def test_too_small_potential_is_explained(tmp_path):
    """Only wind (CF 0.3) can serve the flat 100 GW load: 333.3 GW are needed, the potential is 50 GW."""
    f = factory.write(
        tmp_path, techs=[{"tech": "wind", "kind": "variable", "profile": "wind_onshore"}],
        costs=[{"tech": "wind", "capex_cny_per_kw": 5000}], demand={"A": 876.0},
        profiles={"wind_onshore": {"A": [0.3] * 8760}}, potentials=[("A", "wind", 50.0)],
        settings={"days": 1})
    with pytest.raises(InfeasibleError) as err:
        run_scenario(f, "test")
    text = "\n".join(err.value.explanation)
    assert "demand in A 2020 needs 333.3 GW of wind, more than its potential of 50.0 GW" in text


def test_time_limit_writes_nothing(tmp_path):
    f = _cap_case(tmp_path / "d", 1e6)
    out = tmp_path / "out"
    with pytest.raises(SolveError) as err:
        run_scenario(f, "test", ["time_limit_s=1e-6", "days=365"], out=out)
    assert "Time limit" in err.value.status
    assert not out.exists()


def test_time_limit_message_names_status_and_last_iterate(tmp_path):
    f = _cap_case(tmp_path / "d", 1e6)
    with pytest.raises(SolveError) as err:
        run_scenario(f, "test", ["time_limit_s=1e-6", "days=365"])
    assert "HiGHS returned 'Time limit reached'" in str(err.value) and "no results written" in str(err.value)
    assert "max primal / dual infeasibility" in str(err.value) and "bound" in str(err.value)


def test_other_solver_infeasible_is_explained_too(tmp_path):
    """Through Pyomo (here appsi_highs) an infeasible cap gets the same explanation as with HiGHS."""
    with pytest.raises(InfeasibleError) as err:
        run_scenario(_cap_case(tmp_path, 100.0, potential=200.0), "test", ["solver=appsi_highs"])
    assert "the 2020 CO2 cap of 100 Mt/yr cannot be met" in "\n".join(err.value.explanation)


def test_badly_scaled_inputs_warn(tmp_path):
    f = _cap_case(tmp_path, 1e6)
    with pytest.warns(UserWarning, match="coefficients span"):
        run_scenario(f, "test", ["efficiency[coal]=1e-8"])


def test_cli_reports_infeasible_with_exit_code(tmp_path):
    f = _cap_case(tmp_path, 100.0, potential=200.0)
    res = subprocess.run([sys.executable, "run.py", "run", "--inputs", str(f), "--scenario", "test",
                          "--out", str(tmp_path / "out"), "--no-figures"], cwd=ROOT, capture_output=True,
                         text=True)
    assert res.returncode == 3
    assert "CO2 cap of 100 Mt/yr cannot be met" in res.stderr
    assert not (tmp_path / "out").exists()


def test_dual_bound_formula_equals_optimum_at_optimality():
    """min x + 2y s.t. 1 ≤ x + y, 0 ≤ x ≤ 5, 1 ≤ y: optimum 2 (x = 0, y = 1), which the dual bound of the
    optimal (feasible) dual solution reproduces."""
    import highspy
    import numpy as np

    from model.lp.solve import dual_bound

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.addVars(2, np.array([0.0, 1.0]), np.array([5.0, highspy.kHighsInf]))
    h.changeColsCost(2, np.array([0, 1], dtype=np.int32), np.array([1.0, 2.0]))
    h.addRow(1.0, highspy.kHighsInf, 2, np.array([0, 1], dtype=np.int32), np.array([1.0, 1.0]))
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(2.0)
    assert dual_bound(h) == pytest.approx(2.0)


def test_unreachable_cap_is_blamed_on_the_cap_not_the_potential(tmp_path):
    """Over three discounted 5-year periods (period weights ≈ 4.5) relaxing a GW of wind potential must
    still cost more than the emissions it would avoid, so the explanation names the cap."""
    f = _cap_case(tmp_path, 100.0, potential=200.0)
    with pytest.raises(InfeasibleError) as err:
        run_scenario(f, "test", ["last_period=2030", "period_years=5", "discount_rate=0.03"])
    text = "\n".join(err.value.explanation)
    assert "CO2 cap of 100 Mt/yr cannot be met" in text
    assert "more than its potential" not in text
