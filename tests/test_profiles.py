"""Checks of the synthetic hourly profiles (scripts/make_profiles.py).

Most tests read the committed files in inputs/china31/profiles/; the last one
regenerates them into a temporary folder and compares the bytes.
"""
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_profiles.py"
PROFILE_DIR = ROOT / "inputs" / "china31" / "profiles"
CF_FILES = {"wind_onshore": "cf_wind_onshore", "wind_offshore": "cf_wind_offshore",
            "solar_utility": "cf_solar_utility", "solar_distributed": "cf_solar_distributed",
            "hydro": "cf_hydro"}


def _load_module():
    spec = importlib.util.spec_from_file_location("make_profiles", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mp = _load_module()


@pytest.fixture(scope="module")
def profiles():
    if not (PROFILE_DIR / "load.csv.gz").exists():
        pytest.skip("profiles not generated; run python scripts/make_profiles.py")
    return mp.read_profiles(PROFILE_DIR)


@pytest.fixture(scope="module")
def table():
    return mp.read_assumptions()


def test_shape_columns_and_hours(profiles):
    for name, frame in profiles.items():
        assert frame.shape == (8760, 31), name
        assert list(frame.columns) == mp.PROVINCES, name
        assert (frame.index.to_numpy() == np.arange(8760)).all(), name
        assert np.isfinite(frame.to_numpy()).all(), name


def test_capacity_factors_in_unit_interval_and_load_positive(profiles):
    for name in CF_FILES:
        values = profiles[name].to_numpy()
        assert values.min() >= 0.0 and values.max() <= 1.0, name
    assert profiles["load"].to_numpy().min() > 0


def test_offshore_zero_for_inland_provinces(profiles):
    inland = [p for p in mp.PROVINCES if p not in mp.COASTAL]
    assert (profiles["wind_offshore"][inland] == 0).all().all()
    assert (profiles["wind_offshore"][mp.COASTAL].mean() > 0.2).all()


def test_annual_capacity_factors_match_targets(profiles, table):
    for name, row in CF_FILES.items():
        target = mp.num(table, row)
        achieved = profiles[name][mp.PROVINCES].mean().to_numpy()
        has = target > 0
        assert np.allclose(achieved[has], target[has], rtol=0.01), name


def test_load_peak_to_average_matches_reference_statistic(profiles, table):
    load = profiles["load"][mp.PROVINCES]
    achieved = (load.max() / load.mean()).to_numpy()
    assert np.allclose(achieved, mp.num(table, "ref_peak_avg"), rtol=0.01)


def test_pv_zero_at_night_simple(profiles):
    hour = np.arange(8760) % 24
    for name in ("solar_utility", "solar_distributed"):
        night = profiles[name].to_numpy()[np.isin(hour, [0, 1, 2, 23])]
        assert (night == 0).all(), name


def test_pv_zero_when_sun_below_horizon(profiles, table):
    pvlib = pytest.importorskip("pvlib")
    times = mp.hour_index() + pd.Timedelta(minutes=30)
    points = {"solar_utility": ("re_lat_deg", "re_lon_deg"),
              "solar_distributed": ("lat_deg", "lon_deg")}
    for name, (lat_row, lon_row) in points.items():
        lat, lon = mp.num(table, lat_row), mp.num(table, lon_row)
        for i, prov in enumerate(mp.PROVINCES):
            pos = pvlib.solarposition.get_solarposition(times, lat[i], lon[i])
            dark = pos["apparent_elevation"].to_numpy() < 0
            assert (profiles[name][prov].to_numpy()[dark] == 0).all(), (name, prov)


def test_pv_peaks_near_local_solar_noon(profiles):
    for name in ("solar_utility", "solar_distributed"):
        peak = mp.solar_peak_hour(profiles[name])
        assert ((peak >= 11) & (peak <= 15)).all(), name


def test_wind_correlation_decreases_with_distance(profiles, table):
    corr = np.corrcoef(profiles["wind_onshore"][mp.PROVINCES].to_numpy().T)
    dist = mp.great_circle_km(mp.num(table, "re_lat_deg"), mp.num(table, "re_lon_deg"))
    iu = np.triu_indices(31, 1)
    near = corr[iu][dist[iu] < 600].mean()
    far = corr[iu][dist[iu] > 2000].mean()
    assert near > 0.35 and abs(far) < 0.15


def test_spring_festival_dip_in_national_load(profiles):
    national = profiles["load"][mp.PROVINCES].sum(axis=1).to_numpy().reshape(365, 24).mean(axis=1)
    january = national[7:28].mean()
    festival = national[34:40].mean()   # 4-9 February 2019
    assert festival < 0.8 * january


def test_regeneration_gives_identical_bytes(tmp_path, profiles):
    pytest.importorskip("pvlib")
    mp.main(["--out", str(tmp_path)])
    for name in mp.FILES:
        new = (tmp_path / f"{name}.csv.gz").read_bytes()
        assert new == (PROFILE_DIR / f"{name}.csv.gz").read_bytes(), name
        assert len(new) < 5 * 2 ** 20, name
