"""The 2020 dispatch of the default dataset reproduces history (tolerances: docs/calibration.md)."""
import pytest

from model import run_scenario

#: 2020 national generation [TWh] (NBS/CEC, inputs/SOURCES.md) and the tolerance accepted
STATS = {
    "coal": (4750.0, 0.10, ["coal"]),
    "gas": (250.0, 0.15, ["gas_ccgt", "gas_peaker"]),
    "nuclear": (366.3, 0.10, ["nuclear"]),
    "hydro": (1355.0, 0.10, ["hydro"]),
    "wind": (466.5, 0.35, ["wind_onshore", "wind_offshore"]),
    "solar": (261.1, 0.25, ["solar_utility", "solar_distributed"]),
    "biomass": (132.6, 0.15, ["biomass"]),
}
CO2_2020_MT = 3900.0


@pytest.fixture(scope="module")
def base_year():
    return run_scenario("inputs/china7", "reference", ["last_period=2020", "days=12"]).results


@pytest.mark.parametrize("name", list(STATS))
def test_generation_2020(base_year, name):
    stat, tol, techs = STATS[name]
    model = float(base_year["generation"].sel(period=2020, tech=techs).sum())
    assert model == pytest.approx(stat, rel=tol), f"{name}: model {model:.0f} TWh vs {stat:.0f} TWh"


def test_co2_2020_within_10_percent(base_year):
    assert float(base_year["emissions"].sel(period=2020).sum()) == pytest.approx(CO2_2020_MT, rel=0.10)


def test_no_unserved_energy_2020(base_year):
    assert float(base_year["unserved_energy"].sum()) < 1e-6
