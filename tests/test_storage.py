"""Storage linked within days and across the year (Kotzur et al. 2018, compressed into runs of days)."""
import factory
import numpy as np
import pytest

from model import run_scenario

SUMMER_DAYS = 182


def _seasonal(tmp_path, linking, days=365, sigma=0.0, segments=4):
    """Flat 10 GW load; PV with CF 1 in the first 182 days and 0 afterwards (capex 1000 CNY/kW,
    L = 10: 100 CNY/kW/yr); a dear backup at 1000 CNY/MWh; a lossless store with energy capex
    1 CNY/kWh (0.1 CNY/kWh/yr). Every day is flat, so ``segments`` steps a day lose nothing. Year-linked: PV is sized to cover the whole year,
    87,600 GWh / 4,368 h = 20.055 GW, and the store carries 183 × 240 = 43,920 GWh into winter."""
    pv = np.r_[np.ones(SUMMER_DAYS * 24), np.zeros((365 - SUMMER_DAYS) * 24)]
    return factory.write(
        tmp_path,
        techs=[{"tech": "pv", "kind": "variable", "profile": "solar_utility"},
               {"tech": "backup", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40},
               {"tech": "store", "kind": "storage", "round_trip_efficiency": 1.0, "charge_efficiency": 1.0,
                "storage_duration_max_h": 100000, "storage_linking": linking,
                "self_discharge_per_h": sigma}],
        costs=[{"tech": "pv", "capex_cny_per_kw": 1000}, {"tech": "backup", "capex_cny_per_kw": 0,
                                                          "vom_cny_per_mwh": 1000},
               {"tech": "store", "capex_cny_per_kw": 0, "capex_energy_cny_per_kwh": 1.0}],
        existing=[("A", "backup", 2015, 100, 0)], demand={"A": 87.6},
        profiles={"solar_utility": {"A": pv}}, settings={"days": days, "segments": segments})


def test_year_linked_storage_shifts_energy_between_seasons(tmp_path):
    ds = run_scenario(_seasonal(tmp_path, "year"), "test").results
    pv = float(ds["capacity"].sel(region="A", tech="pv", period=2020))
    assert pv == pytest.approx(87600 / (SUMMER_DAYS * 24), rel=1e-6)
    energy = float(ds["storage_energy_capacity"].sel(region="A", tech="store", period=2020))
    assert energy == pytest.approx(183 * 240, rel=1e-6)
    assert float(ds["generation"].sel(tech="backup").sum()) == pytest.approx(0, abs=1e-6)
    expected = pv * 100 + energy * 1e6 * 0.1 / 1e6  # M CNY
    assert float(ds["total_cost"]) == pytest.approx(expected / 1e3, rel=1e-6)


def test_day_linked_storage_cannot_shift_between_days(tmp_path):
    ds = run_scenario(_seasonal(tmp_path, "day"), "test").results
    backup = float(ds["generation"].sel(tech="backup").sum())
    assert backup == pytest.approx(183 * 240 / 1000, rel=1e-6)  # winter served by backup, TWh


@pytest.mark.parametrize("days", [4, 8])
def test_no_free_energy_across_weighted_days(tmp_path, days):
    """With representative days of unequal weight, what a year-linked store delivers over the year is
    what it took in times the efficiency (Switch 2.0.9's bug gave free energy)."""
    rng = np.random.default_rng(1)
    pv = np.clip(np.tile(np.sin(np.linspace(0, np.pi, 24)), 365) * rng.uniform(0.2, 1.0, 8760), 0, 1)
    pv *= np.r_[np.full(150 * 24, 1.3), np.full(215 * 24, 0.6)]
    pv = np.clip(pv, 0, 1)
    f = factory.write(
        tmp_path,
        techs=[{"tech": "pv", "kind": "variable", "profile": "solar_utility"},
               {"tech": "backup", "fuel": "none", "efficiency": 1, "new_build": False, "lifetime_yr": 40},
               {"tech": "store", "kind": "storage", "round_trip_efficiency": 0.64, "charge_efficiency": 0.8,
                "storage_duration_max_h": 5000, "storage_linking": "year"}],
        costs=[{"tech": "pv", "capex_cny_per_kw": 3000}, {"tech": "backup", "capex_cny_per_kw": 0,
                                                          "vom_cny_per_mwh": 800},
               {"tech": "store", "capex_cny_per_kw": 100, "capex_energy_cny_per_kwh": 5.0}],
        existing=[("A", "backup", 2015, 100, 0)], demand={"A": 87.6},
        profiles={"solar_utility": {"A": pv}}, settings={"days": days})
    ds = run_scenario(f, "test").results
    w = ds["weight"]
    charged = float((ds["charge"].sel(tech="store") * w).sum())
    delivered = float(((ds["dispatch"] + ds["charge"]).sel(tech="store") * w).sum())
    assert charged > 1.0
    assert delivered == pytest.approx(0.64 * charged, rel=1e-6)


def test_self_discharge_costs_energy(tmp_path):
    """With 0.01 %/h self-discharge the store must take in more than it gives back."""
    ds = run_scenario(_seasonal(tmp_path, "year", sigma=1e-4), "test").results
    w = ds["weight"]
    charged = float((ds["charge"].sel(tech="store") * w).sum())
    delivered = float(((ds["dispatch"] + ds["charge"]).sel(tech="store") * w).sum())
    assert delivered < charged * (1 - 1e-3)


def _overnight(tmp_path, sigma):
    """Flat 1 GW load; free solar (100 GW existing) with CF 1 in hours 12–23 and 0 in 0–11; gas at
    100 CNY/MWh; an existing year-linked store of 5 GWh and 10 GW, lossless but for self-discharge σ
    per hour. Every day the store is full at midnight (solar refills it) and serves the night."""
    solar = factory.hours_profile([0.0] * 12 + [1.0] * 12)
    return factory.write(
        tmp_path,
        techs=[{"tech": "solar", "kind": "variable", "profile": "solar_utility", "new_build": False},
               {"tech": "gas", "fuel": "none", "efficiency": 1, "new_build": False},
               {"tech": "store", "kind": "storage", "round_trip_efficiency": 1.0, "charge_efficiency": 1.0,
                "storage_duration_max_h": 10, "storage_linking": "year", "self_discharge_per_h": sigma,
                "new_build": False}],
        costs=[{"tech": "solar", "capex_cny_per_kw": 0}, {"tech": "gas", "capex_cny_per_kw": 0,
                                                          "vom_cny_per_mwh": 100},
               {"tech": "store", "capex_cny_per_kw": 0}],
        existing=[("A", "solar", 2020, 100, 0), ("A", "gas", 2020, 10, 0), ("A", "store", 2020, 10, 5)],
        demand={"A": 8.76}, profiles={"solar_utility": {"A": solar}}, settings={"days": 1})


def test_year_linked_state_of_charge_stays_non_negative_with_self_discharge(tmp_path):
    """σ = 0.1/h: from 5 GWh at midnight the store gives 1 GW for three hours (5·0.9 − 1 = 3.5,
    3.5·0.9 − 1 = 2.15, 2.15·0.9 − 1 = 0.935) and 0.935·0.9 = 0.8415 GWh in the fourth, 3.8415 GWh a
    night; gas serves the other 12 − 3.8415 = 8.1585 GWh: 365 × 8.1585 GWh × 100 CNY/MWh = 0.29779 bn
    CNY. A bound that ignored the decay of the midnight state within the night (the state at the end of
    hour h is 0.9^h S + intra_h, not S + intra_h) would let the store give 6.78 GWh."""
    run = run_scenario(_overnight(tmp_path, 0.1), "test")
    gas = float(run.results["generation"].sel(region="A", tech="gas", period=2020))
    assert gas == pytest.approx(365 * 8.1585 / 1000, rel=1e-6)
    assert float(run.results["total_cost"]) == pytest.approx(365 * 8.1585 * 100 / 1e6, rel=1e-6)
    # the state hour by hour, rebuilt from the LP's own variables: within [0, 5] GWh
    lp, x = run.lp, run.solution.x
    start = float(lp.values(x, "soc_inter").iloc[0])
    intra = lp.values(x, "soc_intra").to_numpy()
    hours = np.arange(1, len(intra) + 1)
    state = 0.9 ** hours * start + intra
    assert start == pytest.approx(5.0, rel=1e-6)
    assert state.min() >= -1e-7 and state.max() <= 5 + 1e-7


def test_year_linked_bounds_unchanged_without_self_discharge(tmp_path):
    """σ = 0: the store gives its 5 GWh every night; gas serves 7 GWh a night."""
    ds = run_scenario(_overnight(tmp_path, 0.0), "test").results
    assert float(ds["generation"].sel(region="A", tech="gas", period=2020)) == pytest.approx(365 * 7 / 1000,
                                                                                          rel=1e-6)
