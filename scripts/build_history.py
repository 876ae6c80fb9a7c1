#!/usr/bin/env python
"""Provincial history 2020–2025 and near-term commitments of ``inputs/china31`` (sources and methods:
``inputs/SOURCES.md``, sections "existing.csv", "committed.csv", "chp_must_run.csv", "demand.csv").

From the 2020 provincial fleet already in ``existing.csv`` this script writes, reproducibly:

* ``existing.csv``: the 2018–2020 cohort split into 2019 (2018–2019 builds) and 2020 (the 2020
  additions), and annual cohorts 2021–2025 from the national additions of each year, allocated to
  provinces by the rules in :data:`RULES` (estimates, tagged E in SOURCES.md);
* ``committed.csv``: coal under construction, nuclear under construction and approved, pumped hydro
  under construction, by province;
* ``chp_must_run.csv``: the heat-led winter minimum output of coal CHP in the northern provinces;
* ``regions.csv``: the heating seasons; ``lines.csv``: the UHV lines of 2024–2025 and the committed
  corridors; ``committed_lines.csv``;
* ``demand*.csv``: the national paths of :data:`DEMAND_TWH` split by the provincial shares already in
  the files; ``potentials.csv``: raised to 1.2 × the 2025 fleet where that fleet exceeds them.

Rerunning reproduces the files (to the last rounded digit, as it re-reads its own 4-decimal output). Usage: ``python scripts/build_history.py [--dst inputs/china31]``
then ``python scripts/aggregate_regions.py``.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from aggregate_regions import read, write_csv  # noqa: E402

YEARS = (2021, 2022, 2023, 2024, 2025)

#: national additions per year [GW] (SOURCES.md "existing.csv": NEA, CEC, IHA, CNEA, GEM; E where noted)
ADDITIONS = {
    "coal": (29.0, 28.0, 47.0, 31.0, 73.0),
    "gas_ccgt": (9.5, 6.0, 12.0, 18.5, 19.9),
    "biomass": (8.0, 3.0, 3.0, 1.9, 2.6),
    "hydro": (15.9, 13.4, 3.0, 6.0, 7.0),
    "pumped_hydro": (4.9, 9.4, 5.15, 7.75, 7.48),
    "nuclear": (3.4, 2.3, 1.4, 3.9, 1.1),
    "wind_onshore": (29.2, 33.5, 69.4, 75.8, 113.3),
    "wind_offshore": (16.9, 4.1, 6.3, 4.0, 6.0),
    "solar_utility": (25.6, 36.3, 120.6, 156.1, 170.1),
    "solar_distributed": (29.3, 51.1, 96.3, 118.0, 145.0),
    "battery": (2.4, 3.0, 22.7, 42.4, 62.2),
}
BATTERY_GWH = (5.0, 7.0, 48.7, 101.1, 182.0)
#: the 2020 additions inside the 2018–2020 cohort [GW] (NEA/CEC/GEM; SOURCES.md)
ADDED_2020 = {"coal": 38.4, "gas_ccgt": 8.4, "biomass": 5.4, "hydro": 12.2, "pumped_hydro": 1.2,
              "nuclear": 1.12, "wind_onshore": 68.6, "wind_offshore": 3.06, "solar_utility": 32.7,
              "solar_distributed": 15.5, "battery": 1.56}
#: nuclear units connected 2021–2025 by province [GW] (CNEA/operators, R)
NUCLEAR = {2021: {"Jiangsu": 1.1, "Fujian": 1.15, "Liaoning": 1.15}, 2022: {"Fujian": 1.15, "Liaoning": 1.15},
           2023: {"Guangxi": 1.2, "Shandong": 0.2}, 2024: {"Guangxi": 1.2, "Fujian": 1.2, "Shandong": 1.5},
           2025: {"Fujian": 1.1}}
#: battery additions by grid region, mid-2025 fleet shares (NEA via energytrend.com, V)
BATTERY_REGION = {"North": 0.297, "Northwest": 0.257, "East": 0.166, "South": 0.154, "Central": 0.122,
                  "Northeast": 0.004, "Southwest": 0.0}
#: conventional hydro additions by province (Baihetan, Wudongde, Lianghekou, Yangqu, Lawa; E)
HYDRO = {"Sichuan": 0.40, "Yunnan": 0.35, "Tibet": 0.08, "Qinghai": 0.05}

#: committed builds in the 2030 period (2026–2030) and 2035 [GW, national] (SOURCES.md "committed.csv")
COAL_COMMITTED_2030 = 200.0
NUCLEAR_COMMITTED = {2030: {"Guangdong": 6, "Fujian": 5, "Zhejiang": 5, "Shandong": 5, "Liaoning": 3,
                            "Jiangsu": 3, "Guangxi": 2, "Hainan": 1},
                     2035: {"Guangdong": 4, "Zhejiang": 3, "Shandong": 3, "Fujian": 3, "Jiangsu": 2,
                            "Liaoning": 2, "Guangxi": 1}}
PHS_COMMITTED = {2030: 60.0, 2035: 30.0}

#: heating seasons (day of year; R, municipal rules) and the share of coal capacity that is heat-led CHP
HEATING = {**{p: (319, 74) for p in ("Beijing", "Tianjin", "Hebei", "Shandong", "Henan", "Shanxi", "Shaanxi")},
           **{p: (305, 90) for p in ("Liaoning", "Xinjiang", "Gansu", "Ningxia")},
           **{p: (293, 110) for p in ("Jilin", "Heilongjiang", "Qinghai")}, "InnerMongolia": (288, 105)}
CHP_SHARE = 0.6      # of northern coal capacity (E: ≈ 390 of ≈ 550 GW national CHP, R)
HEAT_LED_MIN = 0.5   # electric minimum of heat-led CHP, share of capacity (R: 50–70 % without decoupling)
CHP_PATH = {2020: 1.0, 2025: 1.0, 2030: 1.0, 2035: 0.9, 2040: 0.75, 2045: 0.6, 2050: 0.45, 2055: 0.35,
            2060: 0.25}

#: UHV lines 2024–2025 (in service, added to existing_gw) and committed corridors [GW] (SOURCES.md)
NEW_LINES = {("Chongqing", "Xinjiang"): 8.0, ("Hunan", "Ningxia"): 8.0, ("Gansu", "Shandong"): 8.0,
             ("Hubei", "Sichuan"): 8.0}
COMMITTED_LINES = {("Gansu", "Zhejiang"): 8.0, ("Anhui", "Shaanxi"): 8.0}

#: national demand paths [TWh/yr] (SOURCES.md "demand.csv")
DEMAND_TWH = {
    "demand.csv": (7511, 10370, 13000, 14500, 15500, 16100, 16500, 16700, 16800),
    "demand_high.csv": (7511, 10370, 13700, 15600, 17000, 17900, 18400, 18700, 19000),
    "demand_low.csv": (7511, 10370, 12300, 13400, 14100, 14500, 14800, 14900, 15000),
}


def shares(values: pd.Series) -> pd.Series:
    v = values.clip(lower=0).fillna(0.0)
    return v / v.sum() if v.sum() > 0 else v * 0


def base_2020(ex: pd.DataFrame) -> pd.DataFrame:
    """The fleet as it stood before this script: cohorts ≤ 2018, and one 2020 cohort for 2018–2020."""
    old = ex[ex["build_year"] <= 2018]
    rec = ex[ex["build_year"].isin([2019, 2020])].copy()
    rec["build_year"] = 2020
    rec = rec.groupby(["region", "tech", "build_year"], as_index=False)[["capacity_gw", "energy_gwh"]].sum(min_count=1)
    return pd.concat([old, rec], ignore_index=True)


def split_2020(base: pd.DataFrame) -> pd.DataFrame:
    rows = []
    total = base[base["build_year"] == 2020].groupby("tech")["capacity_gw"].sum()
    for _, r in base.iterrows():
        if r["build_year"] != 2020 or r["tech"] not in ADDED_2020:
            rows.append(r.to_dict())
            continue
        f = min(ADDED_2020[r["tech"]] / total[r["tech"]], 1.0)
        for year, part in ((2019, 1 - f), (2020, f)):
            if r["capacity_gw"] * part >= 5e-4:
                rows.append({**r.to_dict(), "build_year": year, "capacity_gw": r["capacity_gw"] * part,
                             "energy_gwh": r["energy_gwh"] * part if pd.notna(r["energy_gwh"]) else np.nan})
    return pd.DataFrame(rows)


def allocation(tech: str, year: int, base: pd.DataFrame, reg: pd.DataFrame, pot: pd.Series,
               demand: pd.DataFrame) -> pd.Series:
    """Provincial shares of a national addition (RULES in SOURCES.md, E)."""
    prov = reg["region"]
    cap20 = base[base["tech"] == tech].groupby("region")["capacity_gw"].sum().reindex(prov).fillna(0.0)
    p = pot.xs(tech, level="tech").reindex(prov).fillna(0.0) if tech in pot.index.get_level_values("tech") \
        else pd.Series(0.0, index=prov)
    if tech == "nuclear":
        return pd.Series(NUCLEAR[year]).reindex(prov).fillna(0.0) / sum(NUCLEAR[year].values())
    if tech == "hydro":
        s = pd.Series(HYDRO).reindex(prov).fillna(0.0)
        return s + (1 - s.sum()) * shares(p - cap20)
    if tech in ("pumped_hydro",):
        return shares(p)
    if tech == "battery":
        vre = base[base["tech"].str.startswith(("wind", "solar"))].groupby("region")["capacity_gw"].sum()
        g = reg.set_index("region")["grid_region"]
        within = vre.reindex(prov).fillna(0.0) / vre.reindex(prov).fillna(0.0).groupby(g.values).transform("sum")
        return (g.map(BATTERY_REGION) * within).fillna(0.0)
    if tech == "coal":
        d = demand.pivot(index="region", columns="year", values="demand_twh").reindex(prov)
        return 0.5 * shares(cap20) + 0.5 * shares(d[2025] - d[2020])
    if tech in ("wind_onshore", "wind_offshore"):
        return 0.5 * shares(cap20) + 0.5 * shares(p)
    if tech == "solar_utility":
        return 0.4 * shares(cap20) + 0.6 * shares(p)
    return shares(cap20)  # gas, biomass, distributed solar


def existing(src: Path, reg, pot, demand) -> pd.DataFrame:
    ex = read(src / "existing.csv")
    base = base_2020(ex)
    out = split_2020(base)
    rows = []
    for tech, adds in ADDITIONS.items():
        for k, year in enumerate(YEARS):
            share = allocation(tech, year, base, reg, pot, demand)
            gw = share * adds[k]
            for region, v in gw.items():
                if v >= 5e-4:
                    e = v * BATTERY_GWH[k] / adds[k] if tech == "battery" else (v * 6.0 if tech == "pumped_hydro" else np.nan)
                    rows.append({"region": region, "tech": tech, "build_year": year, "capacity_gw": v,
                                 "energy_gwh": e})
    out = pd.concat([out, pd.DataFrame(rows)], ignore_index=True)
    out = out.groupby(["region", "tech", "build_year"], as_index=False)[["capacity_gw", "energy_gwh"]].sum(min_count=1)
    return out.sort_values(["region", "tech", "build_year"]).reset_index(drop=True)


def committed(ex, reg, pot, demand) -> pd.DataFrame:
    base = ex[ex["build_year"] <= 2020]
    rows = []
    coal = allocation("coal", 2025, base, reg, pot, demand) * COAL_COMMITTED_2030
    rows += [(r, "coal", 2030, v) for r, v in coal.items() if v >= 5e-3]
    for year, by in NUCLEAR_COMMITTED.items():
        rows += [(r, "nuclear", year, float(v)) for r, v in by.items()]
    phs = shares(pot.xs("pumped_hydro", level="tech").reindex(reg["region"]).fillna(0.0))
    for year, total in PHS_COMMITTED.items():
        rows += [(r, "pumped_hydro", year, v * total) for r, v in phs.items() if v * total >= 5e-3]
    return pd.DataFrame(rows, columns=["region", "tech", "year", "min_gw"])


def chp(ex, reg) -> pd.DataFrame:
    alive = ex[(ex["tech"] == "coal") & (ex["build_year"] + 40 > 2025) & (ex["build_year"] <= 2025)]
    coal = alive.groupby("region")["capacity_gw"].sum()
    rows = []
    for p in HEATING:
        base = coal.get(p, 0.0) * CHP_SHARE * HEAT_LED_MIN
        rows += [(p, y, base * f) for y, f in CHP_PATH.items()]
    return pd.DataFrame(rows, columns=["region", "year", "must_run_gw"])


def regions(reg) -> pd.DataFrame:
    reg = reg.drop(columns=[c for c in ("heating_start_doy", "heating_end_doy") if c in reg])
    reg["heating_start_doy"] = reg["region"].map({p: s for p, (s, _) in HEATING.items()}).astype(float)
    reg["heating_end_doy"] = reg["region"].map({p: e for p, (_, e) in HEATING.items()}).astype(float)
    return reg


def great_circle_km(a, b) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a["lon_deg"], a["lat_deg"], b["lon_deg"], b["lat_deg"]))
    c = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(c))


def lines(src: Path, reg) -> tuple[pd.DataFrame, pd.DataFrame]:
    ln = read(src / "lines.csv")
    pts = reg.set_index("region")
    template = ln.iloc[0]
    com = []
    for pair, gw in list(NEW_LINES.items()) + list(COMMITTED_LINES.items()):
        a, b = sorted(pair)
        name = f"{a}-{b}"
        if name not in set(ln["line"]):  # a new corridor (rerunning finds it and leaves it)
            ln = pd.concat([ln, pd.DataFrame([{**template.to_dict(), "line": name, "from_region": a,
                                                "to_region": b, "existing_gw": NEW_LINES.get(pair, 0.0),
                                                "length_km": round(1.25 * great_circle_km(pts.loc[a], pts.loc[b]))}])],
                           ignore_index=True)
        if pair in COMMITTED_LINES:
            com.append((name, 2030, gw))
    return ln.sort_values("line").reset_index(drop=True), pd.DataFrame(com, columns=["line", "year", "min_gw"])


def demand_files(src: Path) -> dict:
    out = {}
    for name, totals in DEMAND_TWH.items():
        d = read(src / name)
        years = sorted(d["year"].unique())
        share = d["demand_twh"] / d.groupby("year")["demand_twh"].transform("sum")
        d["demand_twh"] = share * d["year"].map(dict(zip(years, totals)))
        out[name] = d
    return out


def potentials(pot_df: pd.DataFrame, ex: pd.DataFrame) -> pd.DataFrame:
    fleet = ex[ex["build_year"] <= 2025].groupby(["region", "tech"])["capacity_gw"].sum()
    pot_df = pot_df.copy()
    key = pd.MultiIndex.from_frame(pot_df[["region", "tech"]])
    have = fleet.reindex(key).fillna(0.0).to_numpy()
    low = have > pot_df["max_gw"].to_numpy() + 1e-9
    pot_df.loc[low, "max_gw"] = np.ceil(have[low] * 1.2 * 100) / 100
    for i in np.flatnonzero(low):
        print(f"potential raised: {pot_df['region'].iat[i]} {pot_df['tech'].iat[i]} -> {pot_df['max_gw'].iat[i]} GW")
    return pot_df


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dst", default=str(ROOT / "inputs" / "china31"))
    args = ap.parse_args(argv)
    src = Path(args.dst)
    reg = read(src / "regions.csv")
    pot_df = read(src / "potentials.csv")
    pot = pot_df.set_index(["region", "tech"])["max_gw"]
    demand = read(src / "demand.csv")
    ex = existing(src, reg, pot, demand)
    write_csv(src / "existing.csv", ex)
    write_csv(src / "committed.csv", committed(ex, reg, pot, demand))
    write_csv(src / "chp_must_run.csv", chp(ex, reg))
    write_csv(src / "regions.csv", regions(reg))
    ln, com = lines(src, reg)
    write_csv(src / "lines.csv", ln)
    write_csv(src / "committed_lines.csv", com)
    for name, d in demand_files(src).items():
        write_csv(src / name, d)
    write_csv(src / "potentials.csv", potentials(pot_df, ex))
    tot = ex.groupby(["tech", "build_year"])["capacity_gw"].sum().unstack().fillna(0.0)
    fleet = {t: tot.loc[t, [c for c in tot.columns if c <= 2025]].sum() for t in tot.index}
    print("national fleet 2025 (all cohorts, before end-of-life):", {k: round(v, 1) for k, v in fleet.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
