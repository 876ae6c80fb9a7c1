"""Time: representative days chosen from the 8760-hour profiles, their weights and chronology.

Days are clustered jointly over all regions' load and capacity-factor profiles with tsam (hierarchical
clustering, medoid representatives); the day with the highest national net load is always kept as a day
of its own. Each representative day ``d`` has a weight ``n_d`` (days per year, Σ n_d = 365) and the
chronology maps each calendar day to its representative day (used to link seasonal storage). Optional
segmentation merges hours within a day into ``segments`` steps of unequal duration (tsam's segmentation).
After clustering, every profile is rescaled so the reduced year reproduces its annual mean exactly
(capacity factors are clipped at 1 and the rescaling repeated).

``extra_days`` (calendar days, e.g. those the full-year check found served worst) become representative
days of their own after the clustered ones: weight 1 each, taken off the cluster they belonged to, kept
at their real values (only the clustered days are rescaled), and the chronology maps them to their new
days, so consecutive extra days form a real multi-day sequence for year-linked storage.
:func:`calendar_days` cuts chosen calendar days (by default all 365, in order) into ``segments`` steps
each, every day its own representative day: the full year that the check operates a plan on.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.data.dims import DAYS_PER_YEAR, HOURS_PER_YEAR

#: shares of annual energy assumed from wind and solar when the peak net-load day is picked
NET_LOAD_WIND_SHARE = 0.25
NET_LOAD_SOLAR_SHARE = 0.25


@dataclass
class TimeSlices:
    """The reduced year.

    Attributes (T timesteps, D representative days)
    ----------
    day : (T,) int — representative day of each timestep
    step : (T,) int — position of the timestep within its day
    duration_h : (T,) float — hours each timestep lasts [h]
    weight_h : (T,) float — hours per year each timestep stands for [h/yr] (= n_d × duration)
    first_hour : (T,) int — hour of day at which the timestep starts [h]
    day_weight : (D,) float — calendar days each representative day stands for [d/yr]
    chronology : (365,) int — representative day of each calendar day
    source_day : (D,) int — calendar day (0-based) each representative day was taken from
    profiles : dict name -> DataFrame (T × region) of the reduced profiles
    """

    day: np.ndarray
    step: np.ndarray
    duration_h: np.ndarray
    weight_h: np.ndarray
    first_hour: np.ndarray
    day_weight: np.ndarray
    chronology: np.ndarray
    source_day: np.ndarray
    profiles: dict

    @property
    def n_steps(self) -> int:
        return len(self.day)


def net_load_index(profiles: dict, demand_share: pd.Series) -> np.ndarray:
    """National net load per hour [relative to mean load]: load − wind − solar at fixed energy shares."""
    load = profiles["load"]
    load = (load / load.mean()).mul(demand_share, axis=1).sum(axis=1).to_numpy()
    net = load / load.mean()
    for name, share in (("wind_onshore", NET_LOAD_WIND_SHARE), ("solar_utility", NET_LOAD_SOLAR_SHARE)):
        if name in profiles:
            cf = profiles[name].mul(demand_share, axis=1).sum(axis=1).to_numpy()
            if cf.mean() > 0:
                net = net - share * cf / cf.mean()
    return net


def _features(profiles: dict, demand_share: pd.Series) -> pd.DataFrame:
    cols = {}
    for name, df in profiles.items():
        for r in df.columns:
            col = df[r].to_numpy(dtype=float)
            if name == "load":
                col = col / col.mean() if col.mean() > 0 else col
            cols[f"{name}|{r}"] = col
    cols["net_load"] = net_load_index(profiles, demand_share)
    index = pd.date_range("2019-01-01", periods=HOURS_PER_YEAR, freq="h")
    return pd.DataFrame(cols, index=index)


def full_year(profiles: dict) -> TimeSlices:
    """Every calendar day as its own representative day (8760 hourly timesteps)."""
    day = np.repeat(np.arange(DAYS_PER_YEAR), 24)
    step = np.tile(np.arange(24), DAYS_PER_YEAR)
    ones = np.ones(HOURS_PER_YEAR)
    reduced = {k: v.reset_index(drop=True).astype(float) for k, v in profiles.items()}
    reduced["load"] = reduced["load"] / reduced["load"].mean().replace(0.0, 1.0)
    return TimeSlices(day, step, ones, ones.copy(), step.copy(), np.ones(DAYS_PER_YEAR),
                      np.arange(DAYS_PER_YEAR), np.arange(DAYS_PER_YEAR), reduced)


def representative_days(profiles: dict, n_days: int, demand_share: pd.Series,
                        segments: int | None = None, extra_days=()) -> TimeSlices:
    """Choose ``n_days`` representative days (one of them the peak net-load day), plus ``extra_days``.

    Parameters
    ----------
    profiles : dict name -> DataFrame (8760 × region); load in any unit, others capacity factors [-]
    n_days : number of representative days including the peak net-load day
    demand_share : Series region -> share of national demand, weights the national net load
    segments : timesteps per day (None: 24 hourly steps)
    extra_days : calendar days (0-based) added as representative days of their own (weight 1 each)
    """
    if n_days >= DAYS_PER_YEAR and not segments:
        return full_year(profiles)
    if len(extra_days):
        return _with_extra_days(profiles, n_days, demand_share, segments, extra_days)
    import tsam
    from tsam import ClusterConfig, ExtremeConfig, SegmentConfig

    feats = _features(profiles, demand_share)
    res = tsam.aggregate(
        feats, n_clusters=max(n_days - 1, 1),
        cluster=ClusterConfig(method="hierarchical"),
        extremes=ExtremeConfig(method="append", max_value=["net_load"]) if n_days > 1 else None,
        segments=SegmentConfig(n_segments=segments) if segments and segments < 24 else None,
        preserve_column_means=False)
    counts = res.cluster_counts
    clusters = sorted(counts)
    if len(clusters) != n_days:
        warnings.warn(f"days: {n_days} representative days asked, {len(clusters)} found (the year has "
                      f"fewer distinct days, or the peak day is one of the clusters); the model uses "
                      f"{len(clusters)}", stacklevel=2)
    chron_raw = np.asarray(res.cluster_assignments)
    remap = {c: i for i, c in enumerate(clusters)}
    chronology = np.array([remap[c] for c in chron_raw])
    day_weight = np.array([float(counts[c]) for c in clusters])
    reps = res.cluster_representatives
    if segments and segments < 24:
        durations = np.concatenate([np.asarray(res.segment_durations[c], float) for c in clusters])
    else:
        durations = np.ones(24 * len(clusters))
    steps_per_day = len(durations) // len(clusters)
    day = np.repeat(np.arange(len(clusters)), steps_per_day)
    step = np.tile(np.arange(steps_per_day), len(clusters))
    first_hour = np.concatenate([np.concatenate([[0], np.cumsum(durations[d * steps_per_day:
                                 (d + 1) * steps_per_day])[:-1]]) for d in range(len(clusters))])
    weight = day_weight[day] * durations
    values = reps.loc[clusters].to_numpy(dtype=float)
    source = _source_days(feats, values, durations, chronology, steps_per_day)
    reduced = _split_and_rescale(profiles, feats.columns, values, weight)
    return TimeSlices(day, step, durations, weight, first_hour.astype(int), day_weight,
                      chronology, source, reduced)


def _segmented(feats: pd.DataFrame, days: np.ndarray, segments: int | None):
    """Each of ``days`` (calendar days) cut into ``segments`` steps (tsam's segmentation, every day its
    own cluster; None or 24: hourly): (values (len(days)·steps × features), durations [h])."""
    days = np.asarray(days, dtype=int)
    hours = (days[:, None] * 24 + np.arange(24)[None, :]).ravel()
    sub = feats.iloc[hours]
    if not segments or segments >= 24:
        return sub.to_numpy(dtype=float), np.ones(len(hours))
    import tsam
    from tsam import ClusterConfig, SegmentConfig

    sub = sub.set_axis(pd.date_range("2019-01-01", periods=len(hours), freq="h"))
    res = tsam.aggregate(sub, n_clusters=len(days), cluster=ClusterConfig(method="hierarchical"),
                         segments=SegmentConfig(n_segments=segments), preserve_column_means=False)
    order = np.asarray(res.cluster_assignments)  # cluster of each day (each day is its own cluster)
    reps = res.cluster_representatives
    values = np.concatenate([reps.loc[c].to_numpy(dtype=float) for c in order])
    durations = np.concatenate([np.asarray(res.segment_durations[c], float) for c in order])
    return values, durations


def _first_hours(durations: np.ndarray, steps_per_day: int) -> np.ndarray:
    d = durations.reshape(-1, steps_per_day)
    return np.concatenate([np.zeros((len(d), 1)), np.cumsum(d, axis=1)[:, :-1]], axis=1).ravel().astype(int)


def calendar_days(profiles: dict, demand_share: pd.Series, segments: int | None = 4) -> TimeSlices:
    """The full year: all 365 calendar days in order, each its own representative day of weight 1, cut
    into ``segments`` steps a day (tsam's segmentation; None: 24 hourly steps, 8760 timesteps)."""
    if not segments or segments >= 24:
        return full_year(profiles)
    days = np.arange(DAYS_PER_YEAR)
    feats = _features(profiles, demand_share)
    values, durations = _segmented(feats, days, segments)
    steps = len(durations) // DAYS_PER_YEAR
    day = np.repeat(days, steps)
    reduced = _split_and_rescale(profiles, feats.columns, values, durations.copy())
    return TimeSlices(day, np.tile(np.arange(steps), DAYS_PER_YEAR), durations, durations.copy(),
                      _first_hours(durations, steps), np.ones(DAYS_PER_YEAR), days.copy(), days.copy(),
                      reduced)


def _with_extra_days(profiles, n_days, demand_share, segments, extra_days) -> TimeSlices:
    """The clustered days, then each extra calendar day as a day of its own (see module docstring).
    Days already represented by themselves alone (a cluster of one) are not added again."""
    base = representative_days(profiles, n_days, demand_share, segments)
    extra = np.unique(np.asarray(extra_days, dtype=int))
    if len(extra) and (extra.min() < 0 or extra.max() >= DAYS_PER_YEAR):
        raise ValueError(f"extra_days must be calendar days 0…{DAYS_PER_YEAR - 1}; found {extra.tolist()}")
    extra = extra[base.day_weight[base.chronology[extra]] > 1]
    extra = _drop_emptying(extra, base)
    if not len(extra):
        return base
    feats = _features(profiles, demand_share)
    steps = base.n_steps // len(base.day_weight)
    base_values = np.column_stack([_base_column(base, profiles, c) for c in feats.columns])
    values, durations = _segmented(feats, extra, segments)
    n_base = len(base.day_weight)
    chronology = base.chronology.copy()
    day_weight = base.day_weight - np.bincount(chronology[extra], minlength=n_base)
    chronology[extra] = n_base + np.arange(len(extra))
    day_weight = np.r_[day_weight, np.ones(len(extra))]
    all_dur = np.r_[base.duration_h, durations]
    day = np.repeat(np.arange(n_base + len(extra)), steps)
    weight = day_weight[day] * all_dur
    fixed = np.r_[np.zeros(base.n_steps, bool), np.ones(len(durations), bool)]
    reduced = _split_and_rescale(profiles, feats.columns, np.r_[base_values, values], weight, fixed)
    return TimeSlices(day, np.tile(np.arange(steps), n_base + len(extra)), all_dur, weight,
                      np.r_[base.first_hour, _first_hours(durations, steps)], day_weight, chronology,
                      np.r_[base.source_day, extra], reduced)


def _drop_emptying(extra: np.ndarray, base: TimeSlices) -> np.ndarray:
    """Keep at least one calendar day in every cluster: of the days a cluster would lose entirely, the
    last stays with its cluster."""
    keep = np.ones(len(extra), bool)
    taken = np.bincount(base.chronology[extra], minlength=len(base.day_weight))
    for d in np.flatnonzero(taken >= base.day_weight):
        keep[np.flatnonzero(base.chronology[extra] == d)[-1]] = False
    return extra[keep]


def _base_column(base: TimeSlices, profiles: dict, column: str) -> np.ndarray:
    """A feature column of the clustered days as the model uses it (the net-load index is not needed
    after clustering and is left at 0)."""
    name, _, region = column.partition("|")
    if name in base.profiles and region:
        return base.profiles[name][region].to_numpy(dtype=float)
    return np.zeros(base.n_steps)


def _source_days(feats, values, durations, chronology, steps_per_day) -> np.ndarray:
    """Calendar day closest to each representative day among the days it stands for (for labels)."""
    daily = feats.to_numpy().reshape(DAYS_PER_YEAR, 24, -1).mean(axis=1)
    out = []
    for d in range(len(values) // steps_per_day):
        rep = values[d * steps_per_day:(d + 1) * steps_per_day]
        w = durations[d * steps_per_day:(d + 1) * steps_per_day, None]
        mean = (rep * w).sum(axis=0) / w.sum()
        members = np.flatnonzero(chronology == d)
        dist = ((daily[members] - mean) ** 2).sum(axis=1)
        out.append(int(members[np.argmin(dist)]))
    return np.array(out)


def _split_and_rescale(profiles, columns, values, weight, fixed: np.ndarray | None = None) -> dict:
    """Reduced profiles per name (T × region), rescaled to the full year's annual means.

    ``fixed`` (T,) bool marks timesteps that keep their values (e.g. extreme days); only the others are
    scaled. None: all are scaled.
    """
    free = np.ones(len(weight), bool) if fixed is None else ~np.asarray(fixed, bool)
    reduced = {}
    for name, df in profiles.items():
        cols = [f"{name}|{r}" for r in df.columns]
        pos = [columns.get_loc(c) for c in cols]
        arr = np.clip(values[:, pos], 0.0, None)
        target = df.to_numpy(dtype=float).mean(axis=0)
        if name == "load":
            target = target / np.where(target > 0, target, 1.0)
        for _ in range(20):
            mean = (arr[free] * weight[free, None]).sum(axis=0) / HOURS_PER_YEAR
            kept = (arr[~free] * weight[~free, None]).sum(axis=0) / HOURS_PER_YEAR
            scale = np.where(mean > 0, (target - kept) / np.where(mean > 0, mean, 1.0), 0.0)
            arr[free] = arr[free] * scale
            if name != "load":
                arr = np.clip(arr, 0.0, 1.0)
            if np.allclose((arr * weight[:, None]).sum(axis=0) / HOURS_PER_YEAR, target, rtol=1e-9):
                break
        reduced[name] = pd.DataFrame(arr, columns=df.columns)
    return reduced


def peak_ratio(load: pd.DataFrame) -> pd.Series:
    """Peak / average of each region's full-year hourly load [-] (for the reserve margin)."""
    return load.max() / load.mean()
