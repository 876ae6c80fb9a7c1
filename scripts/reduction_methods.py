"""Other ways to choose representative days, measured on the case of docs/time-resolution.md.

Each method below returns a :class:`model.data.timeslices.TimeSlices` like :func:`model.data.timeslices.representative_days`
(the shipped method, ``shipped``); the 2060 period of ``inputs/china7`` / ``3060`` is solved with it and
the cost is compared with the full-year reference in ``docs/time-resolution.csv``.

    python scripts/reduction_methods.py                       # all methods at 8, 12 and 16 days
    python scripts/reduction_methods.py --methods global_distribution --days 6 8 10 12 24 32 64

Prints one JSON line per solve (cost [bn CNY], error vs the full year [%], CO2 price [CNY/t], firm GW).
None of these is used by the model; they are here so that the table in docs/time-resolution.md can be
reproduced.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.data.dims import DAYS_PER_YEAR  # noqa: E402
from model.data.prepare import interp_years, prepare  # noqa: E402
from model.data.read import load_inputs  # noqa: E402
from model.data.timeslices import (  # noqa: E402
    TimeSlices,
    _features,
    _source_days,
    _split_and_rescale,
    representative_days,
)
from model.run.single import solve_inputs  # noqa: E402

ONE_PERIOD = ["first_period=2060", "last_period=2060", "first_period_builds=true", "build_limits=false",
              "route=arrays", "segments=4"]
FIRM = ["nuclear", "hydro", "gas_peaker", "gas_ccgt", "gas_ccs", "coal_ccs", "coal_ccs_retrofit", "biomass",
        "beccs"]
#: shares of annual energy from wind and solar in the 2060 full-year solution, for residual load
WIND_SHARE, SOLAR_SHARE = 0.47, 0.32


def _assemble(groups, profiles, feats, fixed_groups=()) -> TimeSlices:
    """TimeSlices from groups of (calendar days, their cluster labels, representative values, durations).

    Days of groups listed in ``fixed_groups`` keep their values when the year is rescaled to its means.
    """
    chron = np.empty(DAYS_PER_YEAR, int)
    values, durations, fixed = [], [], []
    for g, (days, labels, vals, durs) in enumerate(groups):
        chron[days] = len(values) + labels
        values += vals
        durations += durs
        fixed += [g in fixed_groups] * len(vals)
    n = len(values)
    spd = len(durations[0])
    dur = np.concatenate(durations)
    day = np.repeat(np.arange(n), spd)
    day_weight = np.bincount(chron, minlength=n).astype(float)
    weight = day_weight[day] * dur
    first = np.concatenate([np.r_[0, np.cumsum(d)[:-1]] for d in durations]).astype(int)
    vals = np.vstack(values)
    reduced = _split_and_rescale(profiles, feats.columns, vals, weight, np.repeat(fixed, spd))
    source = _source_days(feats, vals, dur, chron, spd)
    return TimeSlices(day, np.tile(np.arange(spd), n), dur, weight, first, day_weight, chron, source, reduced)


def _tsam(feats, days, n, segments, **kw):
    """tsam on a subset of whole calendar days: (labels, representative values, durations) per cluster."""
    import tsam
    from tsam import ClusterConfig, SegmentConfig

    rows = np.concatenate([np.arange(24 * d, 24 * d + 24) for d in days])
    sub = feats.iloc[rows].copy()
    sub.index = pd.date_range("2019-01-01", periods=len(sub), freq="h")
    res = tsam.aggregate(sub, n_clusters=n, cluster=kw.pop("cluster", ClusterConfig(method="hierarchical")),
                         segments=SegmentConfig(n_segments=segments), preserve_column_means=False, **kw)
    clusters = sorted(res.cluster_counts)
    remap = {c: i for i, c in enumerate(clusters)}
    labels = np.array([remap[c] for c in np.asarray(res.cluster_assignments)])
    vals = [res.cluster_representatives.loc[c][list(feats.columns)].to_numpy(float) for c in clusters]
    durs = [np.asarray(res.segment_durations[c], float) for c in clusters]
    return labels, vals, durs


def residual(feats, share) -> np.ndarray:
    """National residual load per hour [× mean load]: load − wind − solar at the 2060 energy shares."""
    def national(name):
        cols = [c for c in feats.columns if c.startswith(name + "|")]
        x = (feats[cols].to_numpy() * share.to_numpy()).sum(axis=1)
        return x / x.mean() if name != "load" else x
    return national("load") - WIND_SHARE * national("wind_onshore") - SOLAR_SHARE * national("solar_utility")


def _peak_and_rest(res_h, exclude=()):
    peak = int(np.argmax(res_h.reshape(DAYS_PER_YEAR, 24).max(axis=1)))
    rest = np.array([d for d in range(DAYS_PER_YEAR) if d != peak and d not in exclude])
    return peak, rest


def new_cluster(profiles, n, share, segments):
    """The peak net-load day as a new cluster centre, the days nearest it reassigned (tsam)."""
    from tsam import ExtremeConfig

    feats = _features(profiles, share)
    every = np.arange(DAYS_PER_YEAR)
    groups = [(every, *_tsam(feats, every, n - 1, segments,
                             extremes=ExtremeConfig(method="new_cluster", max_value=["net_load"])))]
    return _assemble(groups, profiles, feats)


def daily_means(profiles, n, share, segments):
    """Ward clustering of the days' standardised daily means; medoids; the peak residual day kept."""
    from scipy.cluster.hierarchy import fcluster, linkage

    feats = _features(profiles, share)
    peak, rest = _peak_and_rest(residual(feats, share))
    daily = feats.to_numpy().reshape(DAYS_PER_YEAR, 24, -1).mean(axis=1)
    z = (daily - daily.mean(axis=0)) / np.where(daily.std(axis=0) > 0, daily.std(axis=0), 1.0)
    labels = fcluster(linkage(z[rest], method="ward"), n - 1, criterion="maxclust") - 1
    medoids = []
    for c in range(labels.max() + 1):
        members = rest[labels == c]
        medoids.append(members[np.argmin(((z[members] - z[members].mean(axis=0)) ** 2).sum(axis=1))])
    days = np.array(medoids + [peak])
    own, vals, durs = _tsam(feats, days, len(days), segments)  # each day its own cluster: segmentation only
    vals, durs = [vals[own[i]] for i in range(len(days))], [durs[own[i]] for i in range(len(days))]
    label_of = np.r_[labels, labels.max() + 1]
    every = np.r_[rest, peak]
    return _assemble([(every, label_of, vals, durs)], profiles, feats)


def residual_features(profiles, n, share, segments):
    """tsam with each region's residual load (2060 shares) added as a feature, weighted ×3."""
    from tsam import ExtremeConfig

    feats = _features(profiles, share)
    base = list(feats.columns)
    for r in profiles["load"].columns:
        load = profiles["load"][r].to_numpy(float)
        wind, solar = (profiles[k][r].to_numpy(float) for k in ("wind_onshore", "solar_utility"))
        feats[f"residual|{r}"] = (load / load.mean() - WIND_SHARE * wind / max(wind.mean(), 1e-9)
                                  - SOLAR_SHARE * solar / max(solar.mean(), 1e-9))
    weights = {c: (3.0 if c.startswith("residual|") else 1.0) for c in feats.columns}
    labels, vals, durs = _tsam(feats, np.arange(DAYS_PER_YEAR), n - 1, segments, weights=weights,
                               extremes=ExtremeConfig(method="append", max_value=["net_load"]))
    keep = [feats.columns.get_loc(c) for c in base]
    return _assemble([(np.arange(DAYS_PER_YEAR), labels, [v[:, keep] for v in vals],
                       durs)], profiles, feats[base])


def stratified(profiles, n, share, segments, top=0.3, clusters_share=0.5):
    """The ``top`` share of days by daily residual load get ``clusters_share`` of the clusters."""
    feats = _features(profiles, share)
    res_h = residual(feats, share)
    peak, _ = _peak_and_rest(res_h)
    order = np.argsort(-res_h.reshape(DAYS_PER_YEAR, 24).mean(axis=1))
    stress = np.sort([d for d in order[:round(top * DAYS_PER_YEAR)] if d != peak])
    rest = np.array([d for d in range(DAYS_PER_YEAR) if d not in set(stress) | {peak}])
    k_stress = max(1, round(clusters_share * (n - 1)))
    groups = [(stress, *_tsam(feats, stress, k_stress, segments)),
              (rest, *_tsam(feats, rest, max(1, n - 1 - k_stress), segments)),
              (np.array([peak]), *_tsam(feats, [peak], 1, segments))]
    return _assemble(groups, profiles, feats)


def worst_window(profiles, n, share, segments, length=3):
    """The ``length`` consecutive days of highest residual load kept as days of their own, unrescaled."""
    feats = _features(profiles, share)
    res_h = residual(feats, share)
    daily = res_h.reshape(DAYS_PER_YEAR, 24).mean(axis=1)
    start = int(np.argmax([daily[i:i + length].mean() for i in range(DAYS_PER_YEAR - length + 1)]))
    window = list(range(start, start + length))
    peak, rest = _peak_and_rest(res_h, exclude=window)
    own = np.array(sorted(set(window) | {peak}))
    rest = np.array([d for d in rest if d not in own])
    groups = [(rest, *_tsam(feats, rest, max(1, n - len(own)), segments)),
              (own, *_tsam(feats, own, len(own), segments))]
    return _assemble(groups, profiles, feats, fixed_groups=(1,))


def global_distribution(profiles, n, share, segments):
    """tsam's representation that keeps the value distribution of the whole year for every column."""
    from tsam import ClusterConfig, Distribution, ExtremeConfig

    feats = _features(profiles, share)
    labels, vals, durs = _tsam(feats, np.arange(DAYS_PER_YEAR), n - 1, segments,
                               cluster=ClusterConfig(method="hierarchical",
                                                     representation=Distribution(scope="global")),
                               extremes=ExtremeConfig(method="append", max_value=["net_load"]))
    return _assemble([(np.arange(DAYS_PER_YEAR), labels, vals, durs)], profiles, feats)


def shipped(profiles, n, share, segments):
    return representative_days(profiles, n, share, segments)


METHODS = {f.__name__: f for f in (shipped, new_cluster, daily_means, residual_features, stratified,
                                   worst_window, global_distribution)}


def solve(method: str, days: int, reference: float) -> dict:
    t0 = time.perf_counter()
    inputs = load_inputs(ROOT / "inputs" / "china7", "3060", ONE_PERIOD + [f"days={days}"])
    regions = inputs.tables["regions"]["region"].tolist()
    demand = interp_years(inputs.tables["demand"], "region", "demand_twh", [2060]).reindex(regions).iloc[:, 0]
    ts = METHODS[method](inputs.profiles, days, demand / demand.sum(), inputs.settings.segments)
    assert abs(ts.day_weight.sum() - DAYS_PER_YEAR) < 1e-9
    data = prepare(inputs.tables, inputs.profiles, inputs.settings, time=ts)
    ds = solve_inputs(inputs, data).results
    cost = float(ds["total_cost"])
    cap = ds["capacity"].sum("region").sel(period=2060).to_series()
    return {"method": method, "days": days, "representative_days": len(ts.day_weight),
            "cost_bn_cny": round(cost, 1), "error_pct": round(100 * (cost / reference - 1), 2),
            "co2_price_cny_per_t": round(float(ds["co2_price"][0]), 1),
            "firm_gw": round(float(cap.reindex(FIRM).fillna(0).sum())), "seconds": round(time.perf_counter() - t0, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    ap.add_argument("--days", type=int, nargs="+", default=[8, 12, 16])
    args = ap.parse_args()
    study = pd.read_csv(ROOT / "docs" / "time-resolution.csv")
    reference = float(study.loc[study["days"] == 365, "total_cost_bn_cny"].iloc[0])
    for m in args.methods:
        for d in args.days:
            print(json.dumps(solve(m, d, reference)), flush=True)


if __name__ == "__main__":
    main()
