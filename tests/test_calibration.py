"""The history years of the default dataset reproduce the statistics (tolerances and sources:
docs/calibration.md, inputs/SOURCES.md): 2020 and 2025 are dispatched on the statistics' fleet."""
import pytest

from model import run_scenario

GROUPS = {"coal": ["coal"], "gas": ["gas_ccgt", "gas_peaker"], "nuclear": ["nuclear"], "hydro": ["hydro"],
          "pumped_hydro": ["pumped_hydro"], "wind": ["wind_onshore", "wind_offshore"],
          "solar": ["solar_utility", "solar_distributed"], "biomass": ["biomass"], "battery": ["battery"]}

#: generation [TWh] (NBS/CEC/NEA; 2025 estimates from NEA/CEC growth rates and shares, SOURCES.md)
GENERATION = {
    2020: {"coal": 4750.0, "gas": 250.0, "nuclear": 366.3, "hydro": 1355.0, "wind": 466.5, "solar": 261.1,
           "biomass": 132.6},
    2025: {"coal": 5450.0, "gas": 300.0, "nuclear": 486.0, "hydro": 1460.0, "wind": 1130.0, "solar": 1200.0,
           "biomass": 205.0},
}
#: end-of-year capacity [GW] (NBS/CEC/NEA/IHA/CNEA; SOURCES.md)
CAPACITY = {
    2020: {"coal": 1079.9, "gas": 98.0, "nuclear": 49.89, "hydro": 338.7, "pumped_hydro": 31.49, "wind": 281.5,
           "solar": 253.4, "biomass": 29.5},
    2025: {"coal": 1265.0, "gas": 164.0, "nuclear": 62.0, "hydro": 384.0, "pumped_hydro": 66.2, "wind": 640.0,
           "solar": 1200.0, "biomass": 48.0, "battery": 136.0},
}
#: power CO2, model boundary (electricity, CHP heat excluded) [Mt]
CO2 = {2020: 3900.0, 2025: 4600.0}


@pytest.fixture(scope="module")
def history():
    return run_scenario("inputs/china7", "reference", ["last_period=2025", "days=12"]).results


@pytest.mark.parametrize("year,name", [(y, n) for y in GENERATION for n in GENERATION[y]])
def test_generation_within_10_percent(history, year, name):
    stat = GENERATION[year][name]
    model = float(history["generation"].sel(period=year, tech=GROUPS[name]).sum())
    assert model == pytest.approx(stat, rel=0.10), f"{year} {name}: model {model:.0f} TWh vs {stat:.0f} TWh"


@pytest.mark.parametrize("year,name", [(y, n) for y in CAPACITY for n in CAPACITY[y]])
def test_capacity_within_3_percent(history, year, name):
    stat = CAPACITY[year][name]
    model = float(history["capacity"].sel(period=year, tech=GROUPS[name]).sum())
    assert model == pytest.approx(stat, rel=0.03), f"{year} {name}: model {model:.1f} GW vs {stat:.1f} GW"


@pytest.mark.parametrize("year", list(CO2))
def test_co2_within_10_percent(history, year):
    assert float(history["emissions"].sel(period=year).sum()) == pytest.approx(CO2[year], rel=0.10)


def test_no_unserved_energy(history):
    assert float(history["unserved_energy"].sum()) < 1e-6


def test_nothing_is_decided_in_history(history):
    assert float(history["new_capacity"].sum()) == 0
    assert float(history["retired_capacity"].sum()) == 0
