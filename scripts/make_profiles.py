#!/usr/bin/env python
"""Synthetic hourly profiles for China's 31 provinces (calendar year 2019).

Writes six gzip-compressed CSV files (8760 rows each, column ``hour`` = 0..8759,
hour-beginning, Beijing time UTC+8, then one column per province in ``PROVINCES``
order):

* ``load.csv.gz``               relative load shape, MW (annual energy = 2020 demand)
* ``wind_onshore.csv.gz``       capacity factor (CF) in [0, 1]
* ``wind_offshore.csv.gz``      CF; all zeros for non-coastal provinces
* ``solar_utility.csv.gz``      CF of fixed-tilt utility PV (per unit of module capacity)
* ``solar_distributed.csv.gz``  CF of low-tilt rooftop PV (per unit of module capacity)
* ``hydro.csv.gz``              inflow availability as a share of installed capacity

No weather data is used.  Every profile is generated from a simple physical
model driven by seeded stochastic processes, with per-province parameters and
calibration targets read from ``scripts/profile_assumptions.csv``.  Annual
means are calibrated exactly to the targets there.  Methods, sources and the
achieved statistics are documented in ``docs/profiles.md``.

Usage::

    python scripts/make_profiles.py [--out DIR] [--report FILE] [--plots DIR]
    python scripts/make_profiles.py --calibrate-load REF.csv   # maintainers only

``--calibrate-load`` re-fits the load-shape rows of the assumptions file to an
external hourly provincial load table (the PyPSA-China-PIK file, two-letter
province codes).  The default run never reads that file.
"""
from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.ndimage import uniform_filter1d
from scipy.optimize import lsq_linear
from scipy.signal import lfilter
from scipy.special import expit, log_ndtr, logit

HERE = Path(__file__).resolve().parent
ASSUMPTIONS = HERE / "profile_assumptions.csv"
DEFAULT_OUT = HERE.parent / "inputs" / "china31" / "profiles"

PROVINCES = [
    "Beijing", "Tianjin", "Hebei", "Shanxi", "Shandong", "InnerMongolia", "Liaoning",
    "Jilin", "Heilongjiang", "Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian",
    "Henan", "Hubei", "Hunan", "Jiangxi", "Sichuan", "Chongqing", "Tibet", "Shaanxi",
    "Gansu", "Qinghai", "Ningxia", "Xinjiang", "Guangdong", "Guangxi", "Yunnan",
    "Guizhou", "Hainan",
]
COASTAL = ["Tianjin", "Hebei", "Shandong", "Liaoning", "Shanghai", "Jiangsu", "Zhejiang",
           "Fujian", "Guangdong", "Guangxi", "Hainan"]
# two-letter codes of the reference load table (used by --calibrate-load only)
REF_CODES = dict(zip(PROVINCES, [
    "BJ", "TJ", "HE", "SX", "SD", "NM", "LN", "JL", "HL", "SH", "JS", "ZJ", "AH", "FJ",
    "HA", "HB", "HN", "JX", "SC", "CQ", "XZ", "SN", "GS", "QH", "NX", "XJ", "GD", "GX",
    "YN", "GZ", "HI"]))

YEAR = 2019
N_DAYS, N_HOURS = 365, 8760
TZ = "Etc/GMT-8"  # Beijing time, UTC+8, no daylight saving
FILES = ["load", "wind_onshore", "wind_offshore", "solar_utility", "solar_distributed",
         "hydro"]

# One numpy Generator (PCG64) seed per stochastic process.  Changing a seed
# changes only that process.
SEEDS = {
    "weather": 2019_0001,        # daily temperature anomalies (load and PV temperature)
    "load": 2019_0002,           # non-weather day-to-day and hourly load noise
    "wind_onshore": 2019_0003,   # onshore synoptic + mesoscale wind-speed fields
    "wind_offshore": 2019_0004,  # offshore-specific part of the wind-speed fields
    "solar": 2019_0005,          # daily cloudiness field and intra-day clearness noise
    "hydro": 2019_0006,          # daily inflow noise
}

# ----------------------------------------------------------------------------
# Fixed model constants (documented in docs/profiles.md)
# ----------------------------------------------------------------------------
T_COOL_C, T_HEAT_C = 22.0, 14.0      # degree-day base temperatures, daily mean, degC
LOAD_FOURIER_K = 5                   # harmonics of the 24-h load shape
# Spring Festival dip shape g(t) (t = days from Lunar New Year's day, g = 1 at the
# deepest point), fitted by eye to the national reference load around 16 Feb 2018.
SF_KNOTS = ([-12, -8, -6, -3, -1, 0, 1, 2, 4, 6, 8, 10, 14, 17, 20, 23],
            [0.0, .15, .38, .58, .86, .95, 1.0, 1.0, .90, .70, .54, .45, .32, .20, .05, 0.0])
SF_WINDOW = (-12, 23)
SPRING_FESTIVAL = {2018: dt.date(2018, 2, 16), 2019: dt.date(2019, 2, 5)}
# Official public holidays and make-up working days (State Council General Office
# notices on the 2018 and 2019 holiday schedules, incl. the March 2019 amendment
# extending Labour Day to 1-4 May).
HOLIDAYS = {
    2018: ["01-01", ("02-15", "02-21"), ("04-05", "04-07"), ("04-29", "05-01"),
           ("06-16", "06-18"), ("09-22", "09-24"), ("10-01", "10-07"), ("12-30", "12-31")],
    2019: ["01-01", ("02-04", "02-10"), ("04-05", "04-07"), ("05-01", "05-04"),
           ("06-07", "06-09"), ("09-13", "09-15"), ("10-01", "10-07")],
}
MAKEUP_WORKDAYS = {2018: ["02-11", "02-24", "04-08", "04-28", "09-29", "09-30", "12-29"],
                   2019: ["02-02", "02-03", "04-28", "05-05", "09-29", "10-12"]}

# Generic turbine power curve (normalised to rated power; 3 m/s cut-in, ~11.5 m/s
# rated, 25 m/s cut-out), typical of 2-4 MW IEC class II/III machines.  It is
# smoothed with a 1 m/s Gaussian spread of the speed (turbines within a farm).
POWER_CURVE_V = np.array([0, 2.99, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11.5, 12, 25, 25.01, 40])
POWER_CURVE_P = np.array([0, 0, 0, .03, .08, .15, .25, .38, .54, .72, .88, .95, 1, 1, 0, 0])
WIND_SITE_MULT = np.array([0.80, 0.88, 0.96, 1.04, 1.12, 1.20])  # site mean-speed spread
WIND_SYNOPTIC_SHARE = 0.6   # variance share of the provincial synoptic field
WIND_TAU_H = {"synoptic": 40.0, "meso": 12.0}
WIND_SYNOPTIC_LENGTH_KM = 700.0
WIND_LOSSES = 0.90          # availability x wake x electrical losses
WIND_WEIBULL_K = {"onshore": 2.0, "offshore": 2.2}
OFFSHORE_ONSHORE_RHO = 0.75  # correlation of offshore and onshore synoptic fields

# Monthly sunshine percentage (share of possible sunshine hours), Jan..Dec, per
# cloud regime: rounded estimates of typical station climatology (north: Beijing;
# northeast: Harbin/Shenyang; arid: Hami/Jiuquan/Yinchuan/Urumqi; plateau: Lhasa;
# yangtze: Shanghai/Nanjing/Wuhan; basin: Chengdu/Chongqing/Guiyang; south:
# Guangzhou/Nanning/Fuzhou; yunnan: Kunming).  Converted to a clear-sky index with
# the Angstrom-Prescott relation, see regime_clearness().
SUNSHINE_PCT = {
    "north":     [64, 64, 62, 61, 62, 55, 44, 50, 60, 64, 60, 61],
    "northeast": [58, 65, 63, 57, 57, 55, 48, 53, 60, 60, 55, 53],
    "arid":      [60, 65, 65, 68, 70, 72, 72, 74, 76, 74, 65, 55],
    "plateau":   [78, 75, 68, 65, 62, 55, 48, 52, 60, 75, 80, 82],
    "yangtze":   [38, 34, 33, 38, 42, 34, 52, 56, 46, 48, 44, 42],
    "basin":     [18, 20, 27, 33, 35, 32, 40, 44, 28, 20, 18, 15],
    "south":     [33, 22, 20, 22, 32, 35, 50, 48, 50, 55, 52, 45],
    "yunnan":    [75, 78, 72, 68, 55, 38, 32, 38, 40, 45, 58, 68],
}
CLOUD_SPREAD = 0.9          # sd of daily clear-sky index in logit space
PV_GAMMA = -0.0037          # 1/K, power temperature coefficient
# CFs are per unit of module (DC) capacity, the basis of Chinese capacity statistics.
PV_SYSTEM = {               # losses (soiling, mismatch, wiring, inverter), Faiman u0, albedo
    "utility": dict(losses=0.86, u0=25.0, albedo=0.25),
    "distributed": dict(losses=0.84, u0=20.0, albedo=0.20),
}

# Monthly hydro inflow regimes (relative, normalised to mean 1 in the script),
# Jan..Dec.  Estimates from the rainy seasons of the main basins.
HYDRO_REGIMES = {
    "southwest": [.45, .40, .42, .55, .80, 1.30, 1.75, 1.75, 1.55, 1.20, .75, .55],
    "upper_yangtze": [.50, .42, .50, .75, 1.05, 1.40, 1.75, 1.55, 1.40, 1.05, .70, .55],
    "south":     [.45, .40, .50, .80, 1.30, 1.65, 1.60, 1.50, 1.25, .85, .60, .50],
    "southeast": [.55, .65, .95, 1.25, 1.55, 1.75, 1.25, 1.00, .85, .65, .50, .45],
    "north":     [.50, .50, .60, .70, .80, 1.00, 1.70, 1.80, 1.40, 1.00, .70, .55],
    "northeast": [.35, .30, .45, 1.00, 1.10, 1.00, 1.60, 1.90, 1.50, 1.10, .90, .40],
    "northwest": [.70, .65, .70, .85, 1.00, 1.25, 1.45, 1.40, 1.25, 1.00, .85, .75],
}
HYDRO_NOISE_SD, HYDRO_NOISE_TAU_D = 0.10, 5.0


# ----------------------------------------------------------------------------
# Input helpers
# ----------------------------------------------------------------------------
def read_assumptions(path: Path = ASSUMPTIONS) -> pd.DataFrame:
    """Read the assumptions table (rows = parameters, columns = provinces)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("parameter")
    missing = [p for p in PROVINCES if p not in table.columns]
    if missing:
        raise ValueError(f"assumptions file lacks provinces {missing}")
    return table


def num(table: pd.DataFrame, name: str) -> np.ndarray:
    """Numeric row ``name`` of the assumptions table, in PROVINCES order."""
    return table.loc[name, PROVINCES].astype(float).to_numpy()


def txt(table: pd.DataFrame, name: str) -> list[str]:
    """Text row ``name`` of the assumptions table, in PROVINCES order."""
    return [str(v) for v in table.loc[name, PROVINCES]]


def hour_index() -> pd.DatetimeIndex:
    """Hour-beginning time stamps of 2019 in Beijing time (8760 values)."""
    return pd.date_range(f"{YEAR}-01-01 00:00", periods=N_HOURS, freq="h", tz=TZ)


def day_of_year() -> np.ndarray:
    """Day index 0..364 of every hour."""
    return np.repeat(np.arange(N_DAYS), 24)


def month_of_day(year: int = YEAR) -> np.ndarray:
    """Calendar month (1..12) of every day of a non-leap year."""
    return pd.date_range(f"{year}-01-01", periods=N_DAYS, freq="D").month.to_numpy()


# ----------------------------------------------------------------------------
# Stochastic building blocks
# ----------------------------------------------------------------------------
def great_circle_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Matrix of great-circle distances (km) between points given in degrees."""
    la, lo = np.radians(lat), np.radians(lon)
    a = (np.sin((la[:, None] - la[None, :]) / 2) ** 2
         + np.cos(la[:, None]) * np.cos(la[None, :])
         * np.sin((lo[:, None] - lo[None, :]) / 2) ** 2)
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def correlated_ar1(rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray,
                   n_steps: int, tau: float, length_km: float) -> np.ndarray:
    """Stationary standard-normal AR(1) field, shape (n_steps, n_points).

    Lag-1 autocorrelation exp(-1/tau) (tau in time steps); the innovations, and
    hence the field at any time, have spatial correlation exp(-distance/length_km).
    """
    corr = np.exp(-great_circle_km(lat, lon) / length_km) + 1e-6 * np.eye(len(lat))
    chol = np.linalg.cholesky(corr / (1 + 1e-6))
    eps = rng.standard_normal((n_steps, len(lat))) @ chol.T
    return ar1_filter(eps, tau)


def ar1_filter(eps: np.ndarray, tau: float) -> np.ndarray:
    """Filter white N(0,1) noise (time on axis 0) into stationary N(0,1) AR(1)."""
    phi = np.exp(-1.0 / tau)
    b0 = np.sqrt(1 - phi ** 2)
    zi = ((1 - b0) * eps[:1]).reshape((1,) + eps.shape[1:])  # starts at eps[0]
    out, _ = lfilter([b0], [1.0, -phi], eps, axis=0, zi=zi)
    return out


def bisect_scale(func, target: np.ndarray, lo: float, hi: float,
                 n_iter: int = 50) -> np.ndarray:
    """Vectorised bisection: find x (one per column) with func(x) = target.

    ``func`` maps an array of scale values (n,) to achieved values (n,) and must be
    increasing in x on [lo, hi].
    """
    lo_a = np.full(len(target), lo, float)
    hi_a = np.full(len(target), hi, float)
    for _ in range(n_iter):
        mid = 0.5 * (lo_a + hi_a)
        too_low = func(mid) < target
        lo_a = np.where(too_low, mid, lo_a)
        hi_a = np.where(too_low, hi_a, mid)
    return 0.5 * (lo_a + hi_a)


def clipped_scale_to_mean(raw: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale each column of ``raw`` (hours x provinces) by a factor a so that
    mean(min(a * raw, 1)) equals ``target``; returns (profiles, factors)."""
    scale = bisect_scale(lambda a: np.minimum(raw * a, 1.0).mean(axis=0), target, 0.0, 50.0)
    return np.minimum(raw * scale, 1.0), scale


# ----------------------------------------------------------------------------
# Weather: daily temperature
# ----------------------------------------------------------------------------
def climatological_temperature(t_jan: np.ndarray, t_jul: np.ndarray) -> np.ndarray:
    """Smooth annual temperature cycle (degC), shape (365, P).

    T(d) = Tm - Ta cos(2 pi (d - 15) / 365), coldest on 16 January, with
    Tm = (Tjan + Tjul) / 2 and Ta = (Tjul - Tjan) / 2 from monthly normals.
    """
    d = np.arange(N_DAYS)[:, None]
    return (t_jan + t_jul) / 2 - (t_jul - t_jan) / 2 * np.cos(2 * np.pi * (d - 15) / 365)


def daily_temperature(table: pd.DataFrame) -> np.ndarray:
    """Daily mean temperature (degC) at the load points, shape (365, P).

    Climatology plus a spatially correlated AR(1) anomaly (tau 3 days, length
    1200 km) whose standard deviation grows with latitude and is ~35 % larger in
    winter than in summer: sd = (1.2 + 0.06 (lat - 20)) (1 + 0.35 cos(...)) K.
    """
    lat, lon = num(table, "lat_deg"), num(table, "lon_deg")
    t_clim = climatological_temperature(num(table, "t_jan_c"), num(table, "t_jul_c"))
    rng = np.random.default_rng(SEEDS["weather"])
    anom = correlated_ar1(rng, lat, lon, N_DAYS, tau=3.0, length_km=1200.0)
    d = np.arange(N_DAYS)[:, None]
    sd = (1.2 + 0.06 * (lat - 20.0)) * (1 + 0.35 * np.cos(2 * np.pi * (d - 15) / 365))
    return t_clim + sd * anom


# ----------------------------------------------------------------------------
# Load
# ----------------------------------------------------------------------------
def _dates(spec, year: int) -> list[dt.date]:
    """Expand 'MM-DD' strings and ('MM-DD', 'MM-DD') ranges to dates."""
    out = []
    for item in spec:
        first, last = (item, item) if isinstance(item, str) else item
        d0 = dt.date.fromisoformat(f"{year}-{first}")
        d1 = dt.date.fromisoformat(f"{year}-{last}")
        out += [d0 + dt.timedelta(k) for k in range((d1 - d0).days + 1)]
    return out


def calendar(year: int) -> tuple[np.ndarray, np.ndarray]:
    """Day types ('work', 'sat', 'sun', 'holiday') and days relative to the
    Spring Festival (Lunar New Year's day) for each day of ``year``."""
    days = [dt.date(year, 1, 1) + dt.timedelta(k) for k in range(N_DAYS)]
    holidays = set(_dates(HOLIDAYS[year], year))
    makeup = set(_dates(MAKEUP_WORKDAYS[year], year))
    kinds = []
    for day in days:
        if day in holidays:
            kinds.append("holiday")
        elif day in makeup or day.weekday() < 5:
            kinds.append("work")
        else:
            kinds.append("sat" if day.weekday() == 5 else "sun")
    sf_t = np.array([(day - SPRING_FESTIVAL[year]).days for day in days])
    return np.array(kinds), sf_t


def spring_festival_shape(sf_t: np.ndarray) -> np.ndarray:
    """Relative depth g(t) of the Spring Festival load dip (0..1)."""
    return np.interp(sf_t, SF_KNOTS[0], SF_KNOTS[1], left=0.0, right=0.0)


def day_factor(kinds: np.ndarray, sf_t: np.ndarray, sat, sun, holiday, sf_depth) -> np.ndarray:
    """Multiplicative day-type factor (365, P): weekend and holiday levels, and the
    Spring Festival dip 1 - depth * g(t) (official festival days take the dip only)."""
    in_sf = (sf_t >= SF_WINDOW[0]) & (sf_t <= SF_WINDOW[1])
    fac = np.ones((N_DAYS, np.size(sat)))
    fac[kinds == "sat"] = sat
    fac[kinds == "sun"] = sun
    fac[(kinds == "holiday") & ~in_sf] = holiday
    fac[(kinds == "holiday") & in_sf] = 1.0
    return fac * (1 - np.outer(spring_festival_shape(sf_t), sf_depth))


def daily_design(temp: np.ndarray) -> np.ndarray:
    """Regressors of the daily-mean load for one province: constant, cooling and
    heating degrees (K), linear trend over the year, annual cos and sin."""
    d = np.arange(N_DAYS)
    return np.column_stack([
        np.ones(N_DAYS), np.maximum(temp - T_COOL_C, 0), np.maximum(T_HEAT_C - temp, 0),
        d / (N_DAYS - 1) - 0.5, np.cos(2 * np.pi * d / N_DAYS), np.sin(2 * np.pi * d / N_DAYS)])


DAILY_COEFS = ["load_b0", "load_b_cool", "load_b_heat", "load_b_trend", "load_b_cos",
               "load_b_sin"]


def fourier_names(season: str) -> list[str]:
    """Row names of the Fourier coefficients of the 24-h load shape."""
    return [f"load_shape_{season}_{ab}{k}" for k in range(1, LOAD_FOURIER_K + 1)
            for ab in ("a", "b")]


def fourier_basis() -> np.ndarray:
    """(24, 2K) basis cos/sin(2 pi k (h + 0.5) / 24), k = 1..K, Beijing time."""
    h = (np.arange(24) + 0.5)[:, None] * 2 * np.pi / 24
    k = np.arange(1, LOAD_FOURIER_K + 1)[None, :]
    return np.stack([np.cos(k * h), np.sin(k * h)], axis=2).reshape(24, -1)


def daily_shapes(table: pd.DataFrame, temp: np.ndarray) -> np.ndarray:
    """Intra-day load shape (365, 24, P) with daily mean ~1: a mix of the winter and
    summer shapes weighted by w = (T - Tjan) / (Tjul - Tjan) clipped to [0, 1]."""
    basis = fourier_basis()
    winter = 1 + basis @ np.array([num(table, n) for n in fourier_names("winter")])
    summer = 1 + basis @ np.array([num(table, n) for n in fourier_names("summer")])
    t_jan, t_jul = num(table, "t_jan_c"), num(table, "t_jul_c")
    w = np.clip((temp - t_jan) / (t_jul - t_jan), 0, 1)[:, None, :]
    return (1 - w) * winter[None] + w * summer[None]


WARM_MONTHS = [5, 6, 7, 8, 9, 10]   # peak targets are set separately for May-Oct and Nov-Apr


def stretch_peaks(x: np.ndarray, warm_target: float, cold_target: float,
                  quantile: float = 0.90) -> tuple[np.ndarray, np.ndarray]:
    """Calibrate the warm-season (May-Oct) and cold-season (Nov-Apr) peaks.

    Within each season the hours above its ``quantile`` are stretched linearly,
    x' = x + k (x - q)+, with k chosen so that the seasonal maximum equals the
    target (as a multiple of the annual mean); repeated with renormalisation to
    mean 1 until both hold.  Returns the series and the two factors k.
    """
    x = x / x.mean()
    warm = np.isin(np.repeat(month_of_day(), 24), WARM_MONTHS)
    ks = np.zeros(2)
    for _ in range(12):
        for j, (mask, target) in enumerate(((warm, warm_target), (~warm, cold_target))):
            season = x[mask]
            excess = np.maximum(season - np.quantile(season, quantile), 0)
            k = max((target - season.max()) / excess.max(), -0.9)
            x[mask] = season + k * excess
            ks[j] = (1 + ks[j]) * (1 + k) - 1
        x = x / x.mean()
    return x, ks


def make_load(table: pd.DataFrame, temp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hourly load (MW), shape (8760, P), and the peak-stretch factors k.

    L(d, h) = D(T_d) x F(d) x S(d, h) x (1 + e_d)(1 + e_h): daily level D from
    degree days, trend and annual harmonics; day-type and Spring Festival factor F;
    temperature-weighted 24-h shape S; non-weather noise e_d (sd 1.5 %, tau 2 d)
    and e_h (sd 1 %, tau 3 h).  The top 10 % of hours of the warm (May-Oct) and
    cold (Nov-Apr) seasons are then stretched so that the seasonal peaks equal
    ``load_target_peak_warm`` and ``load_target_peak_cold`` (x annual mean); the
    series is scaled to the province's 2020 demand.
    """
    coef = np.array([num(table, n) for n in DAILY_COEFS])           # (6, P)
    level = np.stack([daily_design(temp[:, p]) @ coef[:, p]
                      for p in range(len(PROVINCES))], axis=1)
    kinds, sf_t = calendar(YEAR)
    fac = day_factor(kinds, sf_t, num(table, "load_sat"), num(table, "load_sun"),
                     num(table, "load_holiday"), num(table, "load_sf_depth"))
    rng = np.random.default_rng(SEEDS["load"])
    e_day = 1 + 0.015 * ar1_filter(rng.standard_normal((N_DAYS, len(PROVINCES))), 2.0)
    e_hour = 1 + 0.010 * ar1_filter(rng.standard_normal((N_HOURS, len(PROVINCES))), 3.0)
    daily = np.maximum(level, 0.2) * fac * e_day
    hourly = (daily[:, None, :] * daily_shapes(table, temp)).reshape(N_HOURS, -1) * e_hour
    warm, cold = num(table, "load_target_peak_warm"), num(table, "load_target_peak_cold")
    avg_mw = num(table, "demand_twh_2020") * 1e6 / N_HOURS
    out, ks = np.empty_like(hourly), np.empty((len(PROVINCES), 2))
    for p in range(len(PROVINCES)):
        shape, ks[p] = stretch_peaks(hourly[:, p], warm[p], cold[p])
        out[:, p] = shape * avg_mw[p]
    return out, ks


# ----------------------------------------------------------------------------
# Wind
# ----------------------------------------------------------------------------
def synoptic_field(rng: np.random.Generator, lat, lon) -> np.ndarray:
    """Synoptic-scale standard-normal wind anomaly (8760, P).

    AR(1) with tau 40 h and spatial correlation exp(-distance / 700 km), minus
    70 % of its centred 15-day running mean (an AR(1) has too much power at
    monthly scales, which would swamp the seasonal cycle), standardised per
    province to mean 0 and variance 1.
    """
    raw = correlated_ar1(rng, lat, lon, N_HOURS, tau=WIND_TAU_H["synoptic"],
                         length_km=WIND_SYNOPTIC_LENGTH_KM)
    field = raw - 0.7 * uniform_filter1d(raw, size=15 * 24, axis=0, mode="wrap")
    return (field - field.mean(axis=0)) / field.std(axis=0)


def wind_latent(rng: np.random.Generator, synoptic: np.ndarray) -> np.ndarray:
    """Standard-normal latent wind field (8760, P, S) for S sites per province:
    60 % of the variance from the provincial synoptic field, 40 % from
    independent site-level mesoscale AR(1) noise (tau 12 h)."""
    n_hours, n_prov = synoptic.shape
    n_sites = len(WIND_SITE_MULT)
    meso = ar1_filter(rng.standard_normal((n_hours, n_prov * n_sites)), WIND_TAU_H["meso"])
    meso = meso.reshape(n_hours, n_prov, n_sites)
    share = WIND_SYNOPTIC_SHARE
    return np.sqrt(share) * synoptic[:, :, None] + np.sqrt(1 - share) * meso


def farm_power_curve() -> tuple[np.ndarray, np.ndarray]:
    """Power curve smoothed over a N(0, 1 m/s) spread of speeds within a farm,
    tabulated every 0.05 m/s (Gauss-Hermite quadrature, 15 nodes)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(15)
    grid = np.arange(0, 40.0001, 0.05)
    power = np.interp(grid[:, None] + nodes[None, :], POWER_CURVE_V, POWER_CURVE_P)
    return grid, power @ (weights / weights.sum())


FARM_CURVE = farm_power_curve()


def wind_modulation(table: pd.DataFrame, lon: np.ndarray) -> np.ndarray:
    """Seasonal x diurnal multiplier of the wind-speed scale, shape (8760, P).

    1 + A_s cos(2 pi (d - d_peak) / 365) times 1 + A_d cos(2 pi (h_solar - h_peak) / 24),
    with h_solar the local mean solar time (Beijing time + (lon - 120) / 15 h).
    """
    d = day_of_year()[:, None] + 0.5
    h_solar = (np.arange(N_HOURS) % 24 + 0.5)[:, None] + (lon - 120.0) / 15.0
    season = 1 + num(table, "wind_season_amp") * np.cos(
        2 * np.pi * (d - num(table, "wind_season_peak_doy")) / 365)
    diurnal = 1 + num(table, "wind_diurnal_amp") * np.cos(
        2 * np.pi * (h_solar - num(table, "wind_diurnal_peak_h")) / 24)
    return season * diurnal


def unit_speeds(latent: np.ndarray, modulation: np.ndarray, k_weibull: float) -> np.ndarray:
    """Site wind speeds per unit Weibull scale, (8760, P, S):
    m(t) s_site (-ln(1 - u))^(1/k) with u = Phi(z)."""
    weibull = (-log_ndtr(-latent)) ** (1.0 / k_weibull)
    return weibull * modulation[:, :, None] * WIND_SITE_MULT


def wind_cf(speed_unit: np.ndarray, scale) -> np.ndarray:
    """Provincial CF (8760, P): speeds c x unit speeds through the farm power
    curve, averaged over the sites of a province, times losses."""
    speed = speed_unit * np.asarray(scale)[None, :, None]
    return WIND_LOSSES * np.interp(speed, *FARM_CURVE).mean(axis=2)


def calibrate_wind(latent, modulation, target, k_weibull) -> tuple[np.ndarray, np.ndarray]:
    """Find the Weibull scale c (m/s) per province that hits the target annual CF;
    returns (CF profiles, mean hub-height wind speed in m/s)."""
    cols = np.flatnonzero(target > 0)
    cf = np.zeros(modulation.shape)
    mean_speed = np.zeros(modulation.shape[1])
    if cols.size == 0:
        return cf, mean_speed
    unit = unit_speeds(latent[:, cols], modulation[:, cols], k_weibull)
    scale = bisect_scale(lambda c: wind_cf(unit, c).mean(axis=0), target[cols], 1.0, 20.0,
                         n_iter=40)
    cf[:, cols] = wind_cf(unit, scale)
    mean_speed[cols] = unit.mean(axis=(0, 2)) * scale
    return cf, mean_speed


def make_wind(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Onshore and offshore wind CF profiles (8760, P) and mean wind speeds (m/s).

    Onshore sits at the renewable-fleet point (re_lat/re_lon).  Offshore sits at
    an offshore point (off_lat/off_lon), has its own seed, and its synoptic field
    is correlated (rho 0.75) with the onshore one of the same province; its
    seasonal and diurnal modulation is 0.6 times as strong, Weibull k = 2.2.
    """
    lat, lon = num(table, "re_lat_deg"), num(table, "re_lon_deg")
    modulation = wind_modulation(table, lon)
    rng_on = np.random.default_rng(SEEDS["wind_onshore"])
    syn_on = synoptic_field(rng_on, lat, lon)
    onshore, v_on = calibrate_wind(wind_latent(rng_on, syn_on), modulation,
                                   num(table, "cf_wind_onshore"), WIND_WEIBULL_K["onshore"])
    lat_off, lon_off = num(table, "off_lat_deg"), num(table, "off_lon_deg")
    rng_off = np.random.default_rng(SEEDS["wind_offshore"])
    rho = OFFSHORE_ONSHORE_RHO
    syn_off = rho * syn_on + np.sqrt(1 - rho ** 2) * synoptic_field(rng_off, lat_off, lon_off)
    target_off = np.where(np.isin(PROVINCES, COASTAL), num(table, "cf_wind_offshore"), 0.0)
    mod_off = 1 + 0.6 * (wind_modulation(table, lon_off) - 1)
    offshore, v_off = calibrate_wind(wind_latent(rng_off, syn_off), mod_off, target_off,
                                     WIND_WEIBULL_K["offshore"])
    return {"wind_onshore": onshore, "wind_offshore": offshore,
            "v_onshore": v_on, "v_offshore": v_off}


# ----------------------------------------------------------------------------
# Solar PV
# ----------------------------------------------------------------------------
def daily_from_monthly(monthly: np.ndarray) -> np.ndarray:
    """Daily values (365, ...) from 12 monthly means (12, ...): periodic linear
    interpolation between mid-month points, then three passes of rescaling so
    that each month keeps its mean."""
    months = month_of_day() - 1
    mid = np.array([15.0 + 30.42 * m for m in range(12)])
    knots = np.concatenate([mid - 365, mid, mid + 365])
    vals = np.concatenate([monthly, monthly, monthly])
    d = np.arange(N_DAYS) + 0.5
    flat = vals.reshape(36, -1)
    out = np.stack([np.interp(d, knots, flat[:, j]) for j in range(flat.shape[1])], axis=1)
    for _ in range(3):
        means = np.stack([out[months == m].mean(axis=0) for m in range(12)])
        out = out * (flat[:12] / means)[months]
    return out.reshape((N_DAYS,) + monthly.shape[1:])


def clearsky_and_geometry(lat: float, lon: float, alt: float) -> pd.DataFrame:
    """Solar position and Ineichen clear-sky irradiance (W/m2) at mid-hour of every
    hour-beginning interval of 2019 (Linke turbidity from pvlib's climatology)."""
    import pvlib  # imported here so that the statistics helpers work without pvlib
    times = hour_index() + pd.Timedelta(minutes=30)
    loc = pvlib.location.Location(lat, lon, tz=TZ, altitude=alt)
    pos = loc.get_solarposition(times)
    cs = loc.get_clearsky(times, model="ineichen", solar_position=pos)
    out = pd.concat([pos[["apparent_zenith", "zenith", "azimuth"]], cs], axis=1)
    out["dni_extra"] = pvlib.irradiance.get_extra_radiation(times)
    return out


def regime_clearness(regime: str) -> np.ndarray:
    """Monthly mean clear-sky index (all-sky / clear-sky GHI) of a cloud regime from
    its sunshine fraction s: Angstrom-Prescott H/H0 = 0.25 + 0.5 s, divided by a
    clear-sky H/H0 of 0.75."""
    return (0.25 + 0.5 * np.array(SUNSHINE_PCT[regime]) / 100.0) / 0.75


def clearness_index(rng: np.random.Generator, regimes: list[str], lat, lon) -> np.ndarray:
    """Hourly clear-sky index k (8760, n) in (0, 1].

    Daily: logit(k_d) = logit(m(d)) + 0.9 z_d, m(d) the regime's monthly mean
    interpolated to days, z_d spatially correlated AR(1) (tau 2 d, 600 km).
    Hourly: logit(k_h) = logit(k_d) + 0.35 x_h, x_h independent AR(1) (tau 3 h).
    """
    monthly = np.array([regime_clearness(r) for r in regimes]).T        # (12, n)
    mean_daily = daily_from_monthly(monthly)
    z_day = correlated_ar1(rng, lat, lon, N_DAYS, tau=2.0, length_km=600.0)
    k_day = expit(logit(np.clip(mean_daily, 0.05, 0.95)) + CLOUD_SPREAD * z_day)
    x_hour = ar1_filter(rng.standard_normal((N_HOURS, len(regimes))), 3.0)
    return expit(logit(np.repeat(k_day, 24, axis=0)) + 0.35 * x_hour)


def pv_output(geo: pd.DataFrame, k: np.ndarray, temp_air: np.ndarray, tilt: float,
              system: dict) -> np.ndarray:
    """Raw AC output per unit AC capacity (8760,) before calibration.

    GHI = k x clear-sky GHI; Erbs split into DNI/DHI; Hay-Davies transposition to a
    south-facing plane of ``tilt`` degrees; ASHRAE incidence-angle loss on the
    beam; Faiman cell temperature; P = POA/1000 (1 + gamma (Tc - 25)) x losses,
    per unit of module (DC) capacity.  Zero whenever the sun is below the horizon
    at mid-hour.
    """
    import pvlib
    up = geo["apparent_zenith"].to_numpy() < 90.0
    ghi = np.where(up, k * geo["ghi"].to_numpy(), 0.0)
    doy = geo.index.dayofyear.to_numpy()
    split = pvlib.irradiance.erbs(ghi, geo["zenith"].to_numpy(), doy)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt, 180.0, geo["apparent_zenith"].to_numpy(), geo["azimuth"].to_numpy(),
        np.nan_to_num(split["dni"]), ghi, np.nan_to_num(split["dhi"]),
        dni_extra=geo["dni_extra"].to_numpy(), albedo=system["albedo"], model="haydavies")
    aoi = pvlib.irradiance.aoi(tilt, 180.0, geo["apparent_zenith"].to_numpy(),
                               geo["azimuth"].to_numpy())
    beam = np.nan_to_num(poa["poa_direct"]) * pvlib.iam.ashrae(aoi, b=0.05)
    effective = np.clip(beam + np.nan_to_num(poa["poa_diffuse"]), 0, None)
    t_cell = pvlib.temperature.faiman(effective, temp_air, wind_speed=2.0, u0=system["u0"])
    p_dc = effective / 1000.0 * (1 + PV_GAMMA * (t_cell - 25.0))
    return np.where(up, np.clip(p_dc * system["losses"], 0, None), 0.0)


def hourly_air_temperature(temp_daily: np.ndarray, lon, dtr) -> np.ndarray:
    """Hourly air temperature (degC, 8760 x n): daily mean plus a cosine diurnal
    cycle of range ``dtr`` K peaking at 15 h local solar time."""
    h_solar = (np.arange(N_HOURS) % 24 + 0.5)[:, None] + (np.asarray(lon) - 120.0) / 15.0
    return np.repeat(temp_daily, 24, axis=0) + dtr / 2 * np.cos(2 * np.pi * (h_solar - 15) / 24)


def make_solar(table: pd.DataFrame, temp: np.ndarray) -> dict[str, np.ndarray]:
    """Utility PV (fleet point, tilt ~ latitude) and distributed PV (load point,
    low tilt) CF profiles (8760, P), with their calibration factors."""
    kinds = {
        "solar_utility": ("re_lat_deg", "re_lon_deg", "re_alt_m", "cloud_regime_utility",
                          "pv_tilt_utility_deg", "utility"),
        "solar_distributed": ("lat_deg", "lon_deg", "alt_m", "cloud_regime_distributed",
                              "pv_tilt_distributed_deg", "distributed"),
    }
    lat = np.concatenate([num(table, v[0]) for v in kinds.values()])
    lon = np.concatenate([num(table, v[1]) for v in kinds.values()])
    regimes = sum((txt(table, v[3]) for v in kinds.values()), [])
    rng = np.random.default_rng(SEEDS["solar"])
    k_all = clearness_index(rng, regimes, lat, lon)     # one joint cloud field
    dtr = np.where(np.isin(regimes, ["arid", "plateau", "yunnan"]), 12.0, 7.0)
    n_prov, out = len(PROVINCES), {}
    for j, (name, (la, lo, al, _, tilt, system)) in enumerate(kinds.items()):
        alt = num(table, al)
        t_daily = temp - 0.0065 * (alt - num(table, "alt_m"))   # lapse rate to the site
        cols = slice(j * n_prov, (j + 1) * n_prov)
        t_air = hourly_air_temperature(t_daily, lon[cols], dtr[cols])
        raw = np.empty((N_HOURS, n_prov))
        for p in range(n_prov):
            geo = clearsky_and_geometry(lat[cols][p], lon[cols][p], alt[p])
            raw[:, p] = pv_output(geo, k_all[:, cols][:, p], t_air[:, p],
                                  num(table, tilt)[p], PV_SYSTEM[system])
        out[name], out[name + "_scale"] = clipped_scale_to_mean(raw, num(table, "cf_" + name))
    return out


# ----------------------------------------------------------------------------
# Hydro
# ----------------------------------------------------------------------------
def make_hydro(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Hydro inflow availability (8760, P) as a share of installed capacity.

    Regime monthly shape -> smooth daily curve (monthly means kept) x lognormal
    AR(1) noise (sd 10 %, tau 5 d, spatial length 500 km), linearly interpolated
    between day midpoints to hours, then scaled (clipped at 1) to the target CF.
    """
    regimes = txt(table, "hydro_regime")
    monthly = np.array([np.array(HYDRO_REGIMES[r]) / np.mean(HYDRO_REGIMES[r])
                        for r in regimes]).T
    daily = daily_from_monthly(monthly)
    rng = np.random.default_rng(SEEDS["hydro"])
    z = correlated_ar1(rng, num(table, "re_lat_deg"), num(table, "re_lon_deg"), N_DAYS,
                       tau=HYDRO_NOISE_TAU_D, length_km=500.0)
    daily = daily * np.exp(HYDRO_NOISE_SD * z - HYDRO_NOISE_SD ** 2 / 2)
    t_day = np.arange(N_DAYS) * 24 + 12.0
    t_hour = np.arange(N_HOURS) + 0.5
    hourly = np.stack([np.interp(t_hour, t_day, daily[:, p]) for p in range(daily.shape[1])],
                      axis=1)
    return clipped_scale_to_mean(hourly, num(table, "cf_hydro"))


# ----------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------
def write_profile(values: np.ndarray, path: Path, decimals: int) -> None:
    """Write (8760, P) values as gzip CSV with fixed decimals and gzip mtime 0, so
    that repeated runs give identical bytes."""
    frame = pd.DataFrame(np.round(values, decimals), columns=PROVINCES)
    frame.insert(0, "hour", np.arange(N_HOURS))
    frame.to_csv(path, index=False, float_format=f"%.{decimals}f", lineterminator="\n",
                 compression={"method": "gzip", "mtime": 0, "compresslevel": 9})


def generate(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Run all generators; returns profiles (8760, P) and diagnostics by name."""
    temp = daily_temperature(table)
    load, stretch = make_load(table, temp)
    out = {"load": load, "load_stretch": stretch, "temperature": temp}
    out.update(make_wind(table))
    out.update(make_solar(table, temp))
    out["hydro"], out["hydro_scale"] = make_hydro(table)
    return out


def write_all(profiles: dict[str, np.ndarray], out_dir: Path) -> None:
    """Write the six profile files into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        write_profile(profiles[name], out_dir / f"{name}.csv.gz", 1 if name == "load" else 4)


# ----------------------------------------------------------------------------
# Statistics (used by --report, --calibrate-load and the tests)
# ----------------------------------------------------------------------------
def load_statistics(series: np.ndarray, year: int = YEAR) -> dict[str, float]:
    """Shape statistics of one hourly load series (8760,): peak/average, month and
    hour (Beijing time, hour-beginning) of the peak, mean daily min/max ratio,
    summer (Jun-Aug) peak / winter (Dec-Feb) peak, monthly means / annual mean."""
    x = np.asarray(series, float) / np.mean(series)
    days = x.reshape(N_DAYS, 24)
    month_h = np.repeat(month_of_day(year), 24)
    i_peak = int(np.argmax(x))
    summer, winter = np.isin(month_h, [6, 7, 8]), np.isin(month_h, [12, 1, 2])
    stats = {"peak_avg": x.max(), "peak_month": month_h[i_peak], "peak_hour": i_peak % 24,
             "daily_minmax": (days.min(axis=1) / days.max(axis=1)).mean(),
             "summer_winter_peak": x[summer].max() / x[winter].max()}
    for m in range(1, 13):
        stats[f"month_{m:02d}"] = x[month_h == m].mean()
    return stats


def mean_daily_shape(series: np.ndarray, months: list[int], year: int) -> np.ndarray:
    """Mean 24-h shape (each day normalised to mean 1) over the given months."""
    days = np.asarray(series, float).reshape(N_DAYS, 24)
    sel = np.isin(month_of_day(year), months)
    return (days[sel] / days[sel].mean(axis=1, keepdims=True)).mean(axis=0)


# ----------------------------------------------------------------------------
# Calibration of the load rows from a reference table (maintainers only)
# ----------------------------------------------------------------------------
REF_NAME = ("PyPSA-China-PIK Hourly_demand_of_31_province_China_modified_V2.1.csv @25c83bf "
            "(Zenodo 10.5281/zenodo.8322210; NDRC-based 2018 shape)")
REF_SOURCE = {"fit": "derived: fitted by make_profiles.py --calibrate-load to " + REF_NAME,
              "stat": "derived statistic (year 2018) of " + REF_NAME}


def read_reference(path: Path) -> pd.DataFrame:
    """Reference hourly provincial load (8760 x 31, MW) with province names as columns."""
    ref = pd.read_csv(path, index_col=0, encoding="utf-8-sig")
    if ref.shape != (N_HOURS, 31):
        raise ValueError(f"unexpected reference shape {ref.shape}")
    return pd.DataFrame({p: ref[REF_CODES[p]].to_numpy(float) for p in PROVINCES})


def fit_daily_level(yd: np.ndarray, temp: np.ndarray, regular: np.ndarray) -> np.ndarray:
    """Least-squares daily-level coefficients (DAILY_COEFS order) on regular working
    days.  Cooling/heating sensitivities are bounded to [0, 0.05] and [0, 0.04] per
    K, and fixed at 0 where the climatological degree days never reach 2 K (the
    term would otherwise be unidentified)."""
    x = daily_design(temp)
    upper = np.array([np.inf, 0.05, 0.04, np.inf, np.inf, np.inf])
    upper[1:3] = np.where(x[:, 1:3].max(axis=0) >= 2.0, upper[1:3], 1e-12)
    lower = [-np.inf, 0.0, 0.0, -np.inf, -np.inf, -np.inf]
    beta = lsq_linear(x[regular], yd[regular], bounds=(lower, upper)).x
    beta[1:3] = np.where(upper[1:3] > 1e-6, beta[1:3], 0.0)
    return beta


def fit_daily_shapes(rel: np.ndarray, w: np.ndarray, regular: np.ndarray) -> tuple:
    """Winter and summer 24-h shapes from intra-day profiles ``rel`` (365, 24):
    per hour, rel = (1 - w) S_winter + w S_summer on regular days; each shape is
    then reduced to LOAD_FOURIER_K harmonics (returned as coefficient vectors)."""
    design = np.column_stack([1 - w, w])[regular]
    shapes = np.linalg.lstsq(design, rel[regular], rcond=None)[0]          # (2, 24)
    shapes = shapes / shapes.mean(axis=1, keepdims=True)
    coefs = np.linalg.lstsq(fourier_basis(), (shapes - 1).T, rcond=None)[0]  # (2K, 2)
    return coefs[:, 0], coefs[:, 1]


def fit_load_province(y: np.ndarray, t_jan: float, t_jul: float) -> dict[str, float]:
    """Fit all load parameters of one province to its reference series (2018)."""
    kinds, sf_t = calendar(2018)
    in_sf = (sf_t >= SF_WINDOW[0]) & (sf_t <= SF_WINDOW[1])
    y = y / y.mean()
    days = y.reshape(N_DAYS, 24)
    yd = days.mean(axis=1)
    temp = climatological_temperature(np.array([t_jan]), np.array([t_jul]))[:, 0]
    regular = (kinds == "work") & ~in_sf
    beta = fit_daily_level(yd, temp, regular)
    ratio = yd / (daily_design(temp) @ beta)
    level = {k: float(np.median(ratio[(kinds == k) & ~in_sf])) for k in ("sat", "sun", "holiday")}
    week = day_factor(kinds, sf_t, level["sat"], level["sun"], level["holiday"], 0.0)[:, 0]
    g = spring_festival_shape(sf_t)
    depth = float(np.sum((1 - ratio / week)[in_sf] * g[in_sf]) / np.sum(g[in_sf] ** 2))
    w = np.clip((temp - t_jan) / (t_jul - t_jan), 0, 1)
    winter, summer = fit_daily_shapes(days / yd[:, None], w, regular)
    out = dict(zip(DAILY_COEFS, beta))
    out.update(load_sat=level["sat"], load_sun=level["sun"], load_holiday=level["holiday"],
               load_sf_depth=depth)
    out.update(zip(fourier_names("winter"), winter))
    out.update(zip(fourier_names("summer"), summer))
    stats = load_statistics(y, 2018)
    warm = np.isin(np.repeat(month_of_day(2018), 24), WARM_MONTHS)
    out["load_target_peak_warm"], out["load_target_peak_cold"] = y[warm].max(), y[~warm].max()
    out.update({"ref_" + k: v for k, v in stats.items()})
    return out


def load_row_units(name: str) -> str:
    """Unit string of a fitted load row."""
    if name in ("load_b_cool", "load_b_heat"):
        return "1/K (share of annual mean load per K)"
    if name in ("ref_peak_month",):
        return "month"
    if name == "ref_peak_hour":
        return "h (hour-beginning, Beijing time)"
    return "share of annual mean" if name.startswith(("load_b", "ref_month")) else "ratio"


def calibrate_load(table: pd.DataFrame, reference: Path, path: Path) -> pd.DataFrame:
    """Re-fit the load rows of the assumptions table and write it back to ``path``."""
    ref = read_reference(reference)
    t_jan, t_jul = num(table, "t_jan_c"), num(table, "t_jul_c")
    fits = {p: fit_load_province(ref[p].to_numpy(), t_jan[i], t_jul[i])
            for i, p in enumerate(PROVINCES)}
    table = table.copy()
    for name in fits[PROVINCES[0]]:
        decimals = 0 if name in ("ref_peak_month", "ref_peak_hour") else 4
        values = [f"{fits[p][name]:.{decimals}f}" for p in PROVINCES]
        table.loc[name, PROVINCES] = values
        table.loc[name, "unit"] = load_row_units(name)
        table.loc[name, "source"] = REF_SOURCE["stat" if name.startswith("ref_") else "fit"]
    table.reset_index().to_csv(path, index=False, lineterminator="\n")
    return table



# ----------------------------------------------------------------------------
# Report (markdown tables of target vs achieved statistics)
# ----------------------------------------------------------------------------
def read_profiles(out_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the six written profile files (index = hour)."""
    return {name: pd.read_csv(out_dir / f"{name}.csv.gz", index_col="hour") for name in FILES}


def md_table(header: list[str], rows: list[list]) -> str:
    """Markdown table; floats are written with 3 decimals."""
    fmt = lambda v: f"{v:.3f}" if isinstance(v, (float, np.floating)) else str(v)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def national_weights(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """2020 capacity weights (GW) per profile: onshore/offshore wind split, total
    solar split 69 % utility / 31 % distributed (NEA national share), hydro."""
    wind, off = num(table, "wind_gw_2020"), num(table, "offwind_gw_2020")
    solar = num(table, "solar_gw_2020")
    return {"wind_onshore": wind - off, "wind_offshore": off,
            "solar_utility": 0.69 * solar, "solar_distributed": 0.31 * solar,
            "hydro": num(table, "hydro_gw_2020")}


def national_summary(table: pd.DataFrame, prof: dict[str, pd.DataFrame]) -> str:
    """Capacity-weighted national CFs against the 2020 national statistics."""
    w = national_weights(table)
    cf = {k: prof[k][PROVINCES].mean().to_numpy() for k in w}
    wavg = lambda keys: sum((w[k] * cf[k]).sum() for k in keys) / sum(w[k].sum() for k in keys)
    rows = [
        ["wind, onshore", wavg(["wind_onshore"]), "-", "-"],
        ["wind, offshore", wavg(["wind_offshore"]), "-", "-"],
        ["wind, all", wavg(["wind_onshore", "wind_offshore"]), 2097 / 8760,
         "NEA 2020: 2097 h (97 % used; 2097/0.97 h = 0.247)"],
        ["PV, utility", wavg(["solar_utility"]), "-", "-"],
        ["PV, distributed", wavg(["solar_distributed"]), "-", "-"],
        ["PV, all", wavg(["solar_utility", "solar_distributed"]), 1160 / 8760,
         "NEA 2020: ~1160 h (98 % used; 1160/0.98 h = 0.135)"],
        ["hydro", wavg(["hydro"]), 3827 / 8760, "NEA 2020: 3827 h (96.6 % used)"],
    ]
    return md_table(["profile", "achieved (2020-capacity-weighted)", "statistic", "note"], rows)


def cf_table(table: pd.DataFrame, prof: pd.DataFrame, target_row: str, extra: dict) -> str:
    """Per-province target vs achieved annual CF plus extra diagnostic columns."""
    target, achieved = num(table, target_row), prof[PROVINCES].mean().to_numpy()
    month = np.repeat(month_of_day(), 24)
    mcf = prof[PROVINCES].groupby(month).mean()
    rows = []
    for i, p in enumerate(PROVINCES):
        if target[i] == 0:
            continue
        rows.append([p, target[i], achieved[i], mcf[p].idxmax(), mcf[p].idxmin(),
                     prof[p].max()] + [v[i] for v in extra.values()])
    header = ["province", "target CF", "achieved CF", "best month", "worst month", "max CF"]
    return md_table(header + list(extra), rows)


def solar_peak_hour(prof: pd.DataFrame) -> np.ndarray:
    """Hour (Beijing time, mid-hour) of the highest mean output per province."""
    mean_day = prof[PROVINCES].to_numpy().reshape(N_DAYS, 24, -1).mean(axis=0)
    return mean_day.argmax(axis=0) + 0.5


def correlation_by_distance(values: np.ndarray, lat, lon, edges=(0, 500, 1000, 1500, 2500, 9999)) -> str:
    """Mean pairwise correlation of provincial series, binned by distance (km)."""
    corr = np.corrcoef(values.T)
    dist = great_circle_km(lat, lon)
    iu = np.triu_indices(len(lat), 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (dist[iu] >= lo) & (dist[iu] < hi)
        if sel.any():
            rows.append([f"{lo}-{hi} km", int(sel.sum()), float(np.mean(corr[iu][sel]))])
    return md_table(["distance", "pairs", "mean correlation"], rows)


def load_table(table: pd.DataFrame, load: pd.DataFrame, ref: pd.DataFrame | None) -> str:
    """Per-province load statistics: reference (2018) vs generated (2019)."""
    rows = []
    for p in PROVINCES:
        gen = load_statistics(load[p].to_numpy())
        refm = [float(table.loc[f"ref_month_{m:02d}", p]) for m in range(1, 13)]
        genm = [gen[f"month_{m:02d}"] for m in range(1, 13)]
        row = [p]
        for key in ("peak_avg", "peak_month", "peak_hour", "daily_minmax", "summer_winter_peak"):
            r = float(table.loc["ref_" + key, p])
            row += [f"{r:.0f} / {gen[key]:.0f}" if key in ("peak_month", "peak_hour")
                    else f"{r:.2f} / {gen[key]:.2f}"]
        row.append(f"{np.corrcoef(refm, genm)[0, 1]:.2f}")
        if ref is not None:
            for months in ([12, 1, 2], [6, 7, 8]):
                a = mean_daily_shape(ref[p].to_numpy(), months, 2018)
                b = mean_daily_shape(load[p].to_numpy(), months, YEAR)
                row.append(f"{np.corrcoef(a, b)[0, 1]:.2f}")
        rows.append(row)
    header = ["province", "peak/avg", "peak month", "peak hour", "daily min/max",
              "summer/winter peak", "corr. monthly means"]
    if ref is not None:
        header += ["corr. daily shape DJF", "corr. daily shape JJA"]
    return md_table(header, rows)


def national_load_table(load: pd.DataFrame, ref: pd.DataFrame | None) -> str:
    """National coincident load statistics (sum of provinces)."""
    gen_sum = load[PROVINCES].sum(axis=1).to_numpy()
    gen = load_statistics(gen_sum)
    refs = load_statistics(ref[PROVINCES].sum(axis=1).to_numpy(), 2018) if ref is not None else {}
    hour_gen = gen_sum.reshape(N_DAYS, 24).mean(axis=0)
    rows = [[k, f"{refs[k]:.3f}" if refs else "-", f"{gen[k]:.3f}"] for k in gen]
    rows.append(["hour of min. of mean daily profile", "-", int(np.argmin(hour_gen))])
    if ref is not None:
        hour_ref = ref[PROVINCES].sum(axis=1).to_numpy().reshape(N_DAYS, 24).mean(axis=0)
        rows[-1][1] = int(np.argmin(hour_ref))
        rows.append(["corr. of mean daily profile", "-",
                     f"{np.corrcoef(hour_ref, hour_gen)[0, 1]:.3f}"])
    return md_table(["statistic", "reference 2018", "generated 2019"], rows)


def wind_extra(prof: pd.DataFrame, speed: np.ndarray) -> dict[str, np.ndarray]:
    """Wind diagnostics: mean speed, lag-1 h autocorrelation, DJF/JJA CF ratio."""
    x = prof[PROVINCES].to_numpy()
    month = np.repeat(month_of_day(), 24)
    lag1 = np.array([np.corrcoef(x[1:, i], x[:-1, i])[0, 1] if x[:, i].std() > 0 else 0
                     for i in range(x.shape[1])])
    winter = x[np.isin(month, [12, 1, 2])].mean(axis=0)
    summer = x[np.isin(month, [6, 7, 8])].mean(axis=0)
    return {"mean speed m/s": speed, "lag-1 h autocorr.": lag1,
            "DJF/JJA CF": winter / np.maximum(summer, 1e-9)}


def build_report(table: pd.DataFrame, prof: dict[str, pd.DataFrame], diag: dict,
                 ref: pd.DataFrame | None) -> str:
    """Markdown report of all target-vs-achieved statistics."""
    lat, lon = num(table, "re_lat_deg"), num(table, "re_lon_deg")
    parts = ["### National (2020-capacity-weighted) capacity factors\n", national_summary(table, prof)]
    parts += ["\n### Onshore wind\n", cf_table(table, prof["wind_onshore"], "cf_wind_onshore",
                                               wind_extra(prof["wind_onshore"], diag["v_onshore"]))]
    parts += ["\nHourly onshore CF correlation between provinces by distance:\n\n",
              correlation_by_distance(prof["wind_onshore"][PROVINCES].to_numpy(), lat, lon)]
    parts += ["\n### Offshore wind\n", cf_table(table, prof["wind_offshore"], "cf_wind_offshore",
                                                wind_extra(prof["wind_offshore"], diag["v_offshore"]))]
    for name in ("solar_utility", "solar_distributed"):
        extra = {"scale factor": diag[name + "_scale"],
                 "peak of mean day (BJT, mid-hour)": [f"{h:.1f}" for h in solar_peak_hour(prof[name])]}
        parts += [f"\n### {name.replace('_', ' ').capitalize()} PV\n",
                  cf_table(table, prof[name], "cf_" + name, extra)]
    daily = prof["solar_utility"][PROVINCES].to_numpy().reshape(N_DAYS, 24, -1).mean(axis=1)
    anomaly = daily - pd.DataFrame(daily).rolling(31, center=True, min_periods=1).mean().to_numpy()
    parts += ["\nDaily utility-PV CF anomaly (vs 31-day mean) correlation by distance:\n\n",
              correlation_by_distance(anomaly, lat, lon)]
    parts += ["\n### Hydro\n", cf_table(table, prof["hydro"], "cf_hydro",
                                        {"scale factor": diag["hydro_scale"]})]
    month = np.repeat(month_of_day(), 24)
    w = national_weights(table)["hydro"]
    nat = (prof["hydro"][PROVINCES].to_numpy() @ w) / w.sum()
    monthly = pd.Series(nat).groupby(month).mean()
    parts += ["\nNational capacity-weighted hydro, monthly mean CF:\n\n",
              md_table(["month"] + [str(m) for m in range(1, 13)],
                       [["CF"] + [float(v) for v in monthly]])]
    parts += ["\n### Load (reference 2018 / generated 2019)\n", load_table(table, prof["load"], ref),
              "\nNational coincident load (sum of provinces):\n\n", national_load_table(prof["load"], ref)]
    return "".join(parts)


# ----------------------------------------------------------------------------
# Plots (optional, for review)
# ----------------------------------------------------------------------------
def make_plots(table: pd.DataFrame, prof: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Write a few review plots (PNG) into ``out_dir``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    out_dir.mkdir(parents=True, exist_ok=True)
    month = np.repeat(month_of_day(), 24)
    fig, axes = plt.subplots(4, 2, figsize=(15, 16))
    ax = axes[0, 0]
    for p in ("InnerMongolia", "Hebei", "Gansu", "Yunnan", "Fujian"):
        ax.plot(prof["wind_onshore"][p].to_numpy()[:24 * 21], label=p, lw=0.9)
    ax.plot(prof["wind_offshore"]["Jiangsu"].to_numpy()[:24 * 21], "k--", lw=0.9,
            label="Jiangsu offshore")
    ax.set(title="Wind CF, 1-21 January (hours)", ylim=(0, 1))
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    for name, style in (("wind_onshore", "-"), ("solar_utility", "--")):
        mcf = prof[name][PROVINCES].groupby(month).mean()
        for p, c in (("InnerMongolia", "C0"), ("Jiangsu", "C1"), ("Yunnan", "C2"), ("Qinghai", "C3")):
            ax.plot(range(1, 13), mcf[p], style, color=c, label=f"{p} {name}")
    ax.set(title="Monthly mean CF (solid wind, dashed utility PV)")
    ax.legend(fontsize=6)
    _plot_solar_days(axes[1, 0], axes[1, 1], prof)
    _plot_load(axes[2, 0], axes[2, 1], table, prof["load"])
    ax = axes[3, 0]
    hmon = prof["hydro"][PROVINCES].groupby(month).mean()
    for p in ("Sichuan", "Yunnan", "Hubei", "Guangxi", "Fujian", "Qinghai", "Jilin"):
        ax.plot(range(1, 13), hmon[p], label=p)
    ax.set(title="Hydro inflow availability, monthly mean", ylim=(0, 1))
    ax.legend(fontsize=7)
    ax = axes[3, 1]
    corr = np.corrcoef(prof["wind_onshore"][PROVINCES].to_numpy().T)
    dist = great_circle_km(num(table, "re_lat_deg"), num(table, "re_lon_deg"))
    iu = np.triu_indices(len(PROVINCES), 1)
    ax.scatter(dist[iu], corr[iu], s=6)
    ax.set(title="Hourly onshore wind CF correlation vs distance", xlabel="km")
    fig.tight_layout()
    fig.savefig(out_dir / "profiles_overview.png", dpi=80)
    plt.close(fig)


def _plot_solar_days(ax_a, ax_b, prof: dict[str, pd.DataFrame]) -> None:
    """Mean diurnal PV output in June and December; one week of hourly output."""
    day_month = month_of_day()
    for p, c in (("Heilongjiang", "C0"), ("Shandong", "C1"), ("Xinjiang", "C2"),
                 ("Tibet", "C3"), ("Guangdong", "C4"), ("Chongqing", "C5")):
        x = prof["solar_utility"][p].to_numpy().reshape(N_DAYS, 24)
        ax_a.plot(np.arange(24) + 0.5, x[day_month == 6].mean(axis=0), color=c, label=f"{p} Jun")
        ax_a.plot(np.arange(24) + 0.5, x[day_month == 12].mean(axis=0), "--", color=c)
    ax_a.set(title="Utility PV mean day (solid Jun, dashed Dec), Beijing time", xlim=(0, 24))
    ax_a.legend(fontsize=7)
    for p in ("Shandong", "Jiangsu", "Zhejiang", "Xinjiang"):
        ax_b.plot(prof["solar_distributed"][p].to_numpy()[24 * 180:24 * 194], label=p, lw=0.9)
    ax_b.set(title="Distributed PV CF, 30 Jun - 13 Jul (hours)")
    ax_b.legend(fontsize=7)


def _plot_load(ax_a, ax_b, table: pd.DataFrame, load: pd.DataFrame) -> None:
    """National daily mean load (with Spring Festival) and monthly means vs reference."""
    nat = load[PROVINCES].sum(axis=1).to_numpy() / 1e3
    ax_a.plot(np.arange(N_DAYS) + 0.5, nat.reshape(N_DAYS, 24).mean(axis=1), label="daily mean")
    ax_a.plot(np.arange(N_HOURS) / 24, nat, lw=0.2, alpha=0.5, label="hourly")
    ax_a.axvline((SPRING_FESTIVAL[YEAR] - dt.date(YEAR, 1, 1)).days, color="k", ls=":")
    ax_a.set(title="National load 2019 (GW); dotted: Spring Festival", xlabel="day")
    ax_a.legend(fontsize=7)
    month = np.repeat(month_of_day(), 24)
    for p, c in (("Beijing", "C0"), ("Guangdong", "C1"), ("Chongqing", "C2"), ("Xinjiang", "C3")):
        gen = load[p].groupby(month).mean() / load[p].mean()
        ref = [float(table.loc[f"ref_month_{m:02d}", p]) for m in range(1, 13)]
        ax_b.plot(range(1, 13), gen.to_numpy(), color=c, label=f"{p} generated")
        ax_b.plot(range(1, 13), ref, "--", color=c, label=f"{p} reference 2018")
    ax_b.set(title="Monthly mean load / annual mean")
    ax_b.legend(fontsize=7)


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------
def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    ap.add_argument("--assumptions", type=Path, default=ASSUMPTIONS)
    ap.add_argument("--report", type=Path, help="write markdown statistics to this file")
    ap.add_argument("--plots", type=Path, help="write review plots (PNG) to this folder")
    ap.add_argument("--reference", type=Path,
                    help="reference hourly load table, for --report comparisons only")
    ap.add_argument("--calibrate-load", type=Path, metavar="REF",
                    help="re-fit the load rows of the assumptions file to REF, then generate")
    return ap.parse_args(argv)


def main(argv=None) -> None:
    """Generate, write and optionally report on all profiles."""
    args = parse_args(argv)
    table = read_assumptions(args.assumptions)
    if args.calibrate_load:
        table = calibrate_load(table, args.calibrate_load, args.assumptions)
    start = time.time()
    diag = generate(table)
    write_all(diag, args.out)
    print(f"wrote {len(FILES)} profiles to {args.out} in {time.time() - start:.1f} s")
    if args.report or args.plots:
        prof = read_profiles(args.out)
        if args.report:
            ref = read_reference(args.reference) if args.reference else None
            args.report.write_text(build_report(table, prof, diag, ref))
        if args.plots:
            make_plots(table, prof, args.plots)


if __name__ == "__main__":
    main()
