#!/usr/bin/env python
"""Aggregate the provincial dataset (``inputs/china31``) to the seven grid regions (``inputs/china7``).

Deterministic: the same input gives byte-identical output (sorted rows, fixed number formatting, gzip
files written with mtime 0 and no file name in the header).

Rules (also documented in ``inputs/SOURCES.md``):

* ``regions.csv``: one row per grid region; ``provinces`` lists its provinces (in the order of the
  provincial ``regions.csv``); lon/lat = mean of the provinces' points weighted by their demand in the
  first year of ``demand.csv``.
* additive tables are summed over the provinces of a grid region: ``existing.csv`` (by tech and
  build_year, capacity and energy), every demand table (``demand*.csv``), ``potentials.csv`` and
  ``storage_potentials.csv`` (a bound is
  written only when every province of the region has one; a missing row means "no bound") and
  ``co2_storage.csv``.
* ``committed.csv`` and ``chp_must_run.csv`` are summed like the additive tables; ``committed_lines.csv``
  per corridor between grid regions (committed lines inside a grid region are dropped); the heating
  season of a grid region is the median start and end day of its provinces that have one.
* ``lines.csv``: lines between provinces of different grid regions are summed into one corridor per pair
  of grid regions: existing_gw and max_gw are summed (max_gw blank if any member line is unbounded);
  length, costs, O&M share, losses and lifetime are means weighted by existing capacity (plain means when
  no member line has existing capacity). Lines inside a grid region are dropped.
* national tables (techs, costs, fuels, fuel_prices, co2_caps, carbon_prices, clean_shares, build_limits)
  and ``scenarios.yaml`` are copied unchanged.
* ``profiles/`` (only if the provincial dataset has it): load = sum over the region's provinces of each
  province's load shape scaled to its first-year demand (MW); capacity factors (wind_onshore,
  wind_offshore, solar_utility, solar_distributed) = mean over provinces weighted by
  w = base-year installed capacity of the technology using the profile + 0.1 x its potential (max_gw),
  so that regions with little installed capacity still reflect where new capacity can go; hydro =
  weighted by base-year conventional hydro capacity. Where all weights of a region are zero, the plain
  mean is used. Written as ``NAME.csv.gz``.

Usage: python scripts/aggregate_regions.py [--src inputs/china31] [--dst inputs/china7]
"""
from __future__ import annotations

import argparse
import gzip
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
GRID_REGIONS = ("North", "Northeast", "East", "Central", "Southwest", "Northwest", "South")
REGION_NAMES = {
    "North": "North China", "Northeast": "Northeast China", "East": "East China",
    "Central": "Central China", "Southwest": "Southwest China", "Northwest": "Northwest China",
    "South": "South China (China Southern Grid)",
}
COPY = ("techs.csv", "costs.csv", "fuels.csv", "fuel_prices.csv", "co2_caps.csv", "carbon_prices.csv",
        "clean_shares.csv", "build_limits.csv", "scenarios.yaml")
HANDLED = {"regions.csv", "existing.csv", "potentials.csv", "storage_potentials.csv", "co2_storage.csv",
           "lines.csv", "committed.csv", "committed_lines.csv", "chp_must_run.csv"}
CF_PROFILES = ("wind_onshore", "wind_offshore", "solar_utility", "solar_distributed")
POTENTIAL_WEIGHT = 0.1      # weight of the potential relative to installed capacity (capacity factors)
DECIMALS = 4                # CSV tables
CF_DECIMALS = 4             # capacity-factor profiles
LOAD_DECIMALS = 1           # load profile, MW


# -- formatting --------------------------------------------------------------------------------------
def fmt(value, decimals: int = DECIMALS) -> str:
    """Fixed, locale-free number formatting without exponent or trailing zeros; blank for NaN."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return np.format_float_positional(round(float(value), decimals) + 0.0, trim="-")
    return str(value)


def write_csv(path: Path, df: pd.DataFrame, decimals: dict | None = None) -> None:
    decimals = decimals or {}
    lines = [",".join(df.columns)]
    for row in df.itertuples(index=False):
        lines.append(",".join(fmt(v, decimals.get(c, DECIMALS)) for c, v in zip(df.columns, row)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_gz(path: Path, text: str) -> None:
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(text.encode("utf-8"))


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, float_precision="round_trip")


# -- tables ------------------------------------------------------------------------------------------
def province_map(src: Path) -> tuple[pd.DataFrame, dict]:
    reg = read(src / "regions.csv")
    bad = sorted(set(reg["grid_region"]) - set(GRID_REGIONS))
    if bad:
        raise SystemExit(f"regions.csv: unknown grid_region {bad}; expected one of {GRID_REGIONS}")
    return reg, dict(zip(reg["region"], reg["grid_region"]))


def first_year_demand(src: Path) -> pd.Series:
    d = read(src / "demand.csv")
    y0 = d["year"].min()
    return d[d["year"] == y0].set_index("region")["demand_twh"]


def aggregate_regions(reg: pd.DataFrame, demand0: pd.Series) -> pd.DataFrame:
    rows = []
    for g in sorted(set(reg["grid_region"])):
        members = reg[reg["grid_region"] == g]
        w = members["region"].map(demand0).fillna(0.0).to_numpy()
        if w.sum() <= 0:
            w = np.ones(len(members))
        row = dict(region=g, name=REGION_NAMES.get(g, g), grid_region=g,
                   provinces=";".join(members["region"]),
                   lon_deg=float(np.average(members["lon_deg"], weights=w)),
                   lat_deg=float(np.average(members["lat_deg"], weights=w)))
        for c in ("heating_start_doy", "heating_end_doy"):
            if c in members:  # the median over the provinces with a heating season
                vals = members[c].dropna()
                row[c] = int(np.median(vals)) if len(vals) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def aggregate_existing(ex: pd.DataFrame, gmap: dict) -> pd.DataFrame:
    ex = ex.assign(region=ex["region"].map(gmap))
    out = ex.groupby(["region", "tech", "build_year"], as_index=False).agg(
        capacity_gw=("capacity_gw", "sum"),
        energy_gwh=("energy_gwh", lambda s: s.sum(min_count=1)))
    return out.sort_values(["region", "tech", "build_year"], kind="mergesort")


def aggregate_demand(d: pd.DataFrame, gmap: dict) -> pd.DataFrame:
    d = d.assign(region=d["region"].map(gmap))
    out = d.groupby(["region", "year"], as_index=False)["demand_twh"].sum()
    return out.sort_values(["region", "year"], kind="mergesort")


def aggregate_potentials(pot: pd.DataFrame, gmap: dict, column: str = "max_gw") -> pd.DataFrame:
    pot = pot.assign(grid=pot["region"].map(gmap))
    members = pd.Series(gmap).groupby(pd.Series(gmap)).size()
    rows = []
    for (g, tech), grp in pot.groupby(["grid", "tech"]):
        if grp[column].notna().sum() == members[g]:    # every province bounded
            rows.append({"region": g, "tech": tech, column: float(grp[column].sum())})
    return pd.DataFrame(rows).sort_values(["region", "tech"], kind="mergesort")


def aggregate_sum(df: pd.DataFrame, gmap: dict, keys: list[str], value: str) -> pd.DataFrame:
    """Sum ``value`` over the provinces of each grid region, by ``keys`` (region first)."""
    df = df.assign(region=df["region"].map(gmap))
    return df.groupby(keys, as_index=False)[value].sum().sort_values(keys, kind="mergesort")


def aggregate_committed_lines(com: pd.DataFrame, lines: pd.DataFrame, gmap: dict) -> pd.DataFrame:
    """Committed provincial lines summed per corridor between grid regions; lines inside one are dropped."""
    ends = lines.set_index("line")[["from_region", "to_region"]]
    a, b = com["line"].map(ends["from_region"]).map(gmap), com["line"].map(ends["to_region"]).map(gmap)
    com = com.assign(line=np.where(a < b, a + "-" + b, b + "-" + a))[a != b]
    return com.groupby(["line", "year"], as_index=False)["min_gw"].sum().sort_values(["line", "year"])


def aggregate_co2_storage(st: pd.DataFrame, gmap: dict) -> pd.DataFrame:
    st = st.assign(region=st["region"].map(gmap))
    return st.groupby("region", as_index=False)["capacity_mt"].sum().sort_values("region")


def aggregate_lines(lines: pd.DataFrame, gmap: dict) -> pd.DataFrame:
    lines = lines.copy()
    a, b = lines["from_region"].map(gmap), lines["to_region"].map(gmap)
    lines["ga"] = np.where(a < b, a, b)
    lines["gb"] = np.where(a < b, b, a)
    lines = lines[lines["ga"] != lines["gb"]]
    weighted = ["length_km", "capex_cny_per_kw_km", "capex_fixed_cny_per_kw", "fom_share_per_yr",
                "loss_fixed", "loss_per_1000km", "lifetime_yr"]
    rows = []
    for (ga, gb), grp in lines.groupby(["ga", "gb"]):
        w = grp["existing_gw"].fillna(0.0).to_numpy()
        if w.sum() <= 0:
            w = np.ones(len(grp))
        row = dict(line=f"{ga}-{gb}", from_region=ga, to_region=gb,
                   existing_gw=float(grp["existing_gw"].fillna(0.0).sum()))
        for c in weighted:
            row[c] = float(np.average(grp[c].astype(float), weights=w))
        row["max_gw"] = float(grp["max_gw"].sum()) if grp["max_gw"].notna().all() else np.nan
        rows.append(row)
    cols = ["line", "from_region", "to_region", "existing_gw", "length_km", "capex_cny_per_kw_km",
            "capex_fixed_cny_per_kw", "fom_share_per_yr", "loss_fixed", "loss_per_1000km", "max_gw",
            "lifetime_yr"]
    return pd.DataFrame(rows)[cols].sort_values("line", kind="mergesort")


# -- profiles ----------------------------------------------------------------------------------------
def read_profile(folder: Path, name: str) -> pd.DataFrame | None:
    for fname in (f"{name}.csv.gz", f"{name}.csv"):
        if (folder / fname).exists():
            return pd.read_csv(folder / fname, float_precision="round_trip")
    return None


def base_year_capacity(src: Path) -> pd.DataFrame:
    """Installed capacity in the base year by (region, tech): cohorts not retired by then."""
    ex = read(src / "existing.csv")
    techs = read(src / "techs.csv").set_index("tech")
    base = int(first_year_demand_year(src))
    alive = ex[ex["build_year"] + ex["tech"].map(techs["lifetime_yr"]) > base]
    alive = alive[alive["build_year"] <= base]
    return alive.groupby(["region", "tech"])["capacity_gw"].sum().unstack(fill_value=0.0)


def first_year_demand_year(src: Path) -> int:
    return int(read(src / "demand.csv")["year"].min())


def profile_text(df: pd.DataFrame, decimals: int) -> str:
    lines = [",".join(df.columns)]
    for row in df.itertuples(index=False):
        lines.append(str(int(row[0])) + "," + ",".join(f"{v:.{decimals}f}" for v in row[1:]))
    return "\n".join(lines) + "\n"


def aggregate_profiles(src: Path, dst: Path, reg: pd.DataFrame, gmap: dict) -> list[str]:
    pdir = src / "profiles"
    if not pdir.is_dir():
        return []
    out_dir = dst / "profiles"
    out_dir.mkdir(parents=True, exist_ok=True)
    groups = {g: list(reg.loc[reg["grid_region"] == g, "region"]) for g in sorted(set(reg["grid_region"]))}
    cap = base_year_capacity(src)
    pot = read(src / "potentials.csv") if (src / "potentials.csv").exists() else None
    techs = read(src / "techs.csv")
    written = []

    load = read_profile(pdir, "load")
    if load is not None:
        d0 = first_year_demand(src)
        res = pd.DataFrame({"hour": load["hour"].astype(int)})
        for g, members in groups.items():
            total = np.zeros(len(load))
            for p in members:
                shape = load[p].to_numpy(dtype=float)
                total += shape / shape.sum() * d0.get(p, 0.0) * 1e6      # MWh per hour = MW
            res[g] = total
        write_gz(out_dir / "load.csv.gz", profile_text(res, LOAD_DECIMALS))
        written.append("load")

    for name in CF_PROFILES + ("hydro",):
        prof = read_profile(pdir, name)
        if prof is None:
            continue
        tech_ids = list(techs.loc[techs["profile"] == name, "tech"])
        weights = {}
        for p in reg["region"]:
            w = sum(float(cap.at[p, t]) if (p in cap.index and t in cap.columns) else 0.0 for t in tech_ids)
            if name != "hydro" and pot is not None:
                sel = pot[(pot["region"] == p) & pot["tech"].isin(tech_ids)]["max_gw"]
                w += POTENTIAL_WEIGHT * float(sel.fillna(0.0).sum())
            weights[p] = w
        res = pd.DataFrame({"hour": prof["hour"].astype(int)})
        for g, members in groups.items():
            w = np.array([weights[p] for p in members])
            if w.sum() <= 0:
                w = np.ones(len(members))
            vals = prof[members].to_numpy(dtype=float) @ (w / w.sum())
            res[g] = np.clip(vals, 0.0, 1.0)
        write_gz(out_dir / f"{name}.csv.gz", profile_text(res, CF_DECIMALS))
        written.append(name)
    return written


# -- main --------------------------------------------------------------------------------------------
def aggregate(src: Path, dst: Path) -> list[str]:
    if not (src / "regions.csv").exists():
        raise SystemExit(f"{src}: no regions.csv")
    dst.mkdir(parents=True, exist_ok=True)
    for old in list(dst.glob("*.csv")) + list(dst.glob("*.yaml")) + list(dst.glob("profiles/*.csv*")):
        old.unlink()
    reg, gmap = province_map(src)
    d0 = first_year_demand(src)
    log = []

    write_csv(dst / "regions.csv", aggregate_regions(reg, d0), dict(lon_deg=2, lat_deg=2))
    write_csv(dst / "existing.csv", aggregate_existing(read(src / "existing.csv"), gmap))
    if (src / "potentials.csv").exists():
        write_csv(dst / "potentials.csv", aggregate_potentials(read(src / "potentials.csv"), gmap), dict(max_gw=3))
    if (src / "storage_potentials.csv").exists():
        write_csv(dst / "storage_potentials.csv",
                  aggregate_potentials(read(src / "storage_potentials.csv"), gmap, "max_gwh"), dict(max_gwh=1))
    if (src / "co2_storage.csv").exists():
        write_csv(dst / "co2_storage.csv", aggregate_co2_storage(read(src / "co2_storage.csv"), gmap), dict(capacity_mt=1))
    write_csv(dst / "lines.csv", aggregate_lines(read(src / "lines.csv"), gmap),
              dict(existing_gw=3, length_km=0, capex_fixed_cny_per_kw=1, max_gw=3, lifetime_yr=1))
    if (src / "committed.csv").exists():
        write_csv(dst / "committed.csv", aggregate_sum(read(src / "committed.csv"), gmap,
                                                       ["region", "tech", "year"], "min_gw"), dict(min_gw=3))
    if (src / "chp_must_run.csv").exists():
        write_csv(dst / "chp_must_run.csv", aggregate_sum(read(src / "chp_must_run.csv"), gmap,
                                                          ["region", "year"], "must_run_gw"), dict(must_run_gw=3))
    if (src / "committed_lines.csv").exists():
        write_csv(dst / "committed_lines.csv", aggregate_committed_lines(
            read(src / "committed_lines.csv"), read(src / "lines.csv"), gmap), dict(min_gw=3))

    for f in sorted(src.glob("*.csv")):
        if f.name in HANDLED or f.name in COPY:
            continue
        head = read(f).columns
        if {"region", "year", "demand_twh"} <= set(head):
            write_csv(dst / f.name, aggregate_demand(read(f), gmap), dict(demand_twh=3))
            log.append(f"{f.name}: summed")
        elif "region" in head or "from_region" in head:
            raise SystemExit(f"{f}: a regional table this script does not know how to aggregate")
        else:
            shutil.copyfile(f, dst / f.name)
            log.append(f"{f.name}: copied")
    for name in COPY:
        if (src / name).exists():
            shutil.copyfile(src / name, dst / name)
    profiles = aggregate_profiles(src, dst, reg, gmap)
    log.append("profiles: " + (", ".join(profiles) if profiles else "none (no profiles/ in source)"))
    return log


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=ROOT / "inputs" / "china31")
    ap.add_argument("--dst", type=Path, default=ROOT / "inputs" / "china7")
    args = ap.parse_args(argv)
    for line in aggregate(args.src, args.dst):
        print(line)
    print(f"wrote {args.dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
