"""Consistency of the default datasets inputs/china31 (provinces) and inputs/china7 (grid regions).

Uses only pandas, numpy and yaml. Statistics the 2020 fleet is checked against: NBS 2020 statistical
communiqué, CEC 2020, NEA (see inputs/SOURCES.md, "Checks").
"""
from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
C31 = ROOT / "inputs" / "china31"
C7 = ROOT / "inputs" / "china7"
BASE_YEAR = 2020
HISTORY_UNTIL = 2025  # existing.csv holds the fleet to the end of 2025 (annual cohorts 2019–2025)

PROVINCES = ("Beijing,Tianjin,Hebei,Shanxi,Shandong,InnerMongolia,Liaoning,Jilin,Heilongjiang,Shanghai,"
             "Jiangsu,Zhejiang,Anhui,Fujian,Henan,Hubei,Hunan,Jiangxi,Sichuan,Chongqing,Tibet,Shaanxi,Gansu,"
             "Qinghai,Ningxia,Xinjiang,Guangdong,Guangxi,Yunnan,Guizhou,Hainan").split(",")
GRID_REGIONS = {"North", "Northeast", "East", "Central", "Southwest", "Northwest", "South"}
TECHS = {"coal", "coal_ccs", "coal_ccs_retrofit", "gas_ccgt", "gas_peaker", "gas_ccs", "nuclear", "hydro",
         "wind_onshore", "wind_offshore", "solar_utility", "solar_distributed", "biomass", "beccs", "battery",
         "pumped_hydro", "hydrogen"}
PROFILE_NAMES = {"wind_onshore", "wind_offshore", "solar_utility", "solar_distributed", "hydro"}

# national installed capacity end-2020, GW: (statistic, relative tolerance)
STATS_2020 = {
    "coal": (1079.9, 0.01),            # CEC 2020 (incl. gangue)
    "gas": (98.0, 0.01),               # CEC 2020
    "hydro": (338.7, 0.01),            # NBS hydro 370.2 - pumped 31.49
    "pumped_hydro": (31.49, 0.01),     # IHA
    "nuclear": (49.89, 0.01),          # NBS 2020
    "wind": (281.5, 0.01),             # NBS 2020
    "wind_offshore": (9.0, 0.05),      # NEA
    "solar": (253.4, 0.01),            # NBS 2020
    "solar_distributed": (78.0, 0.05), # NEA
    "biomass": (29.5, 0.02),           # NEA
    "battery": (3.3, 0.1),             # NEA / CNESA, new-type storage
}
GENERATION_2020_TWH = 7779.0          # NBS 2020
OWN_USE_2020 = 0.0465                 # CEC 2020 power-plant own-use rate (R)
CONSUMPTION_2020_TWH = 7511.0         # NEA 2021-01, 全社会用电量

ADDITIVE = {  # table: (key columns besides region, value columns)
    "existing.csv": (["tech", "build_year"], ["capacity_gw", "energy_gwh"]),
    "demand.csv": (["year"], ["demand_twh"]),
    "demand_high.csv": (["year"], ["demand_twh"]),
    "demand_low.csv": (["year"], ["demand_twh"]),
    "potentials.csv": (["tech"], ["max_gw"]),
    "co2_storage.csv": ([], ["capacity_mt"]),
}
NATIONAL = ["techs.csv", "costs.csv", "fuels.csv", "fuel_prices.csv", "co2_caps.csv", "carbon_prices.csv",
            "clean_shares.csv", "build_limits.csv", "scenarios.yaml"]


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, float_precision="round_trip")


def alive(folder: Path) -> pd.DataFrame:
    ex = read(folder, "existing.csv")
    life = read(folder, "techs.csv").set_index("tech")["lifetime_yr"]
    return ex[(ex["build_year"] <= BASE_YEAR) & (ex["build_year"] + ex["tech"].map(life) > BASE_YEAR)]


def fleet_totals(folder: Path) -> dict:
    by = alive(folder).groupby("tech")["capacity_gw"].sum()
    g = lambda *ts: float(sum(by.get(t, 0.0) for t in ts))
    return {
        "coal": g("coal"), "gas": g("gas_ccgt", "gas_peaker"), "hydro": g("hydro"),
        "pumped_hydro": g("pumped_hydro"), "nuclear": g("nuclear"),
        "wind": g("wind_onshore", "wind_offshore"), "wind_offshore": g("wind_offshore"),
        "solar": g("solar_utility", "solar_distributed"), "solar_distributed": g("solar_distributed"),
        "biomass": g("biomass"), "battery": g("battery"),
    }


@pytest.fixture(scope="module", params=["china31", "china7"])
def folder(request):
    f = ROOT / "inputs" / request.param
    if not f.exists():
        pytest.skip(f"{f} not built")
    return f


# -- identities and references ------------------------------------------------------------------------
def test_province_ids():
    reg = read(C31, "regions.csv")
    assert sorted(reg["region"]) == sorted(PROVINCES)
    assert set(reg["grid_region"]) == GRID_REGIONS
    assert (reg["provinces"] == reg["region"]).all()


def test_china7_regions():
    reg = read(C7, "regions.csv")
    assert set(reg["region"]) == GRID_REGIONS
    assert (reg["grid_region"] == reg["region"]).all()
    p31 = read(C31, "regions.csv").set_index("region")["grid_region"]
    for _, row in reg.iterrows():
        members = row["provinces"].split(";")
        assert sorted(members) == sorted(p31[p31 == row["region"]].index)


def test_tech_ids():
    techs = read(C31, "techs.csv")
    assert set(techs["tech"]) == TECHS


def test_references(folder):
    regions = set(read(folder, "regions.csv")["region"])
    techs = read(folder, "techs.csv")
    tech_ids = set(techs["tech"])
    fuels = set(read(folder, "fuels.csv")["fuel"])
    for name in ["existing.csv", "demand.csv", "demand_high.csv", "demand_low.csv", "potentials.csv",
                 "co2_storage.csv"]:
        assert set(read(folder, name)["region"]) <= regions, name
    lines = read(folder, "lines.csv")
    assert set(lines["from_region"]) | set(lines["to_region"]) <= regions
    assert (lines["from_region"] != lines["to_region"]).all()
    assert lines["line"].is_unique
    for name in ["costs.csv", "existing.csv", "potentials.csv", "build_limits.csv"]:
        assert set(read(folder, name)["tech"]) <= tech_ids, name
    assert set(techs["fuel"].dropna()) <= fuels
    assert set(read(folder, "fuel_prices.csv")["fuel"]) == fuels
    assert set(techs["retrofit_of"].dropna()) <= tech_ids
    assert set(techs["profile"].dropna()) <= PROFILE_NAMES
    # every region has demand in every demand table; every tech has costs
    for name in ["demand.csv", "demand_high.csv", "demand_low.csv"]:
        assert set(read(folder, name)["region"]) == regions
    assert set(read(folder, "costs.csv")["tech"]) == tech_ids


def test_scenarios_resolve(folder):
    data = yaml.safe_load((folder / "scenarios.yaml").read_text())
    scen = data["scenarios"]
    paths = {
        "co2_cap": set(read(folder, "co2_caps.csv")["path"].astype(str)),
        "carbon_price": set(read(folder, "carbon_prices.csv")["path"].astype(str)),
        "clean_share": set(read(folder, "clean_shares.csv")["path"].astype(str)),
    }
    for name in scen:
        merged, chain, cur = dict(data["defaults"]), [], name
        while cur is not None:
            chain.append(cur)
            cur = (scen[cur] or {}).get("base")
        for key in reversed(chain):
            merged.update({k: v for k, v in (scen[key] or {}).items() if k != "base"})
        for setting, known in paths.items():
            if merged.get(setting) is not None:
                assert str(merged[setting]) in known, (name, setting)
        for fname in (merged.get("files") or {}).values():
            assert (folder / fname).exists(), (name, fname)


# -- values ---------------------------------------------------------------------------------------------
def test_no_negative_values(folder):
    for f in sorted(folder.glob("*.csv")):
        df = read(folder, f.name)
        num = df.select_dtypes("number")
        assert not (num < 0).any().any(), f.name


def test_cohorts_alive_in_base_year(folder):
    ex = read(folder, "existing.csv")
    life = read(folder, "techs.csv").set_index("tech")["lifetime_yr"]
    assert (ex["build_year"] <= HISTORY_UNTIL).all()
    assert (ex["build_year"] + ex["tech"].map(life) > BASE_YEAR).all()
    storage = set(read(folder, "techs.csv").query("kind == 'storage'")["tech"])
    st = ex[ex["tech"].isin(storage)]
    assert (st["energy_gwh"] > 0).all()


@pytest.mark.parametrize("key", sorted(STATS_2020))
def test_national_fleet_2020(folder, key):
    value, tol = STATS_2020[key]
    got = fleet_totals(folder)[key]
    assert got == pytest.approx(value, rel=tol), f"{key}: {got:.2f} GW vs statistic {value} GW"


def test_storage_energy_2020():
    ex = alive(C31)
    phs = ex[ex["tech"] == "pumped_hydro"]
    hours = phs["energy_gwh"].sum() / phs["capacity_gw"].sum()
    assert 5.0 <= hours <= 8.0
    bat = ex[ex["tech"] == "battery"]
    assert bat["energy_gwh"].sum() == pytest.approx(7.0, rel=0.05)


def test_demand_2020_generation_basis(folder):
    d = read(folder, "demand.csv")
    total = d.loc[d["year"] == BASE_YEAR, "demand_twh"].sum()
    assert total == pytest.approx(CONSUMPTION_2020_TWH, rel=0.005)
    # bus-bar demand vs generation net of power-plant own use: within 3 %
    assert total == pytest.approx(GENERATION_2020_TWH * (1 - OWN_USE_2020), rel=0.03)


def test_demand_paths():
    tot = {name: read(C31, name).groupby("year")["demand_twh"].sum()
           for name in ["demand.csv", "demand_high.csv", "demand_low.csv"]}
    c = tot["demand.csv"]
    # 2030 central ≈ ">13,000" (SGERI 2024, S&P 2025); 2060 inside the published 15–17 PWh
    assert 12500 <= c[2030] <= 13500 and 15000 <= c[2060] <= 17000
    assert 18000 <= tot["demand_high.csv"][2060] <= 19500
    assert 14000 <= tot["demand_low.csv"][2060] <= 15500
    assert (tot["demand_low.csv"] <= c + 1e-6).all() and (c <= tot["demand_high.csv"] + 1e-6).all()
    assert c.is_monotonic_increasing


def test_existing_within_potential(folder):
    have = alive(folder).groupby(["region", "tech"])["capacity_gw"].sum()
    pot = read(folder, "potentials.csv").set_index(["region", "tech"])["max_gw"]
    both = pd.concat([have.rename("have"), pot.rename("max")], axis=1, join="inner")
    over = both[both["have"] > both["max"] + 1e-3]
    assert over.empty, over


def test_co2_caps():
    caps = read(C31, "co2_caps.csv")
    for path, grp in caps.groupby("path"):
        v = grp.sort_values("year")["co2_cap_mt"].to_numpy()
        assert (np.diff(v) <= 1e-9).all(), path      # non-increasing
        assert BASE_YEAR not in set(grp["year"]), path
    c = caps[caps["path"].astype(str) == "3060"].set_index("year")["co2_cap_mt"]
    assert c[2060] == 0


def test_line_lengths_plausible():
    lines = read(C31, "lines.csv")
    assert lines["length_km"].between(50, 5000).all()
    # the PIK "current" network carries ~506 GW in total, plus the four 8-GW UHV lines of 2024–2025
    assert lines["existing_gw"].sum() == pytest.approx(506.0 + 32.0, rel=0.01)


# -- aggregation ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ADDITIVE))
def test_china7_sums_equal_china31(name):
    keys, values = ADDITIVE[name]
    a, b = read(C31, name), read(C7, name)
    for v in values:
        sa = a.groupby(keys)[v].sum() if keys else pd.Series([a[v].sum()])
        sb = b.groupby(keys)[v].sum() if keys else pd.Series([b[v].sum()])
        pd.testing.assert_series_equal(sa.sort_index(), sb.sort_index(), check_exact=False, atol=1e-3,
                                       rtol=1e-6, check_names=False)


def test_china7_lines_sum_inter_regional():
    gmap = read(C31, "regions.csv").set_index("region")["grid_region"]
    l31 = read(C31, "lines.csv")
    inter = l31[l31["from_region"].map(gmap) != l31["to_region"].map(gmap)]
    l7 = read(C7, "lines.csv")
    assert l7["existing_gw"].sum() == pytest.approx(inter["existing_gw"].sum(), abs=1e-3)
    pairs31 = {frozenset((gmap[a], gmap[b])) for a, b in zip(inter["from_region"], inter["to_region"])}
    assert pairs31 == {frozenset(p) for p in zip(l7["from_region"], l7["to_region"])}


@pytest.mark.parametrize("name", NATIONAL)
def test_china7_national_tables_copied(name):
    assert filecmp.cmp(C31 / name, C7 / name, shallow=False)


def test_china7_profiles():
    pdir = C7 / "profiles"
    if not (C31 / "profiles").is_dir():
        pytest.skip("no provincial profiles yet")
    regions = set(read(C7, "regions.csv")["region"])
    for f in sorted(pdir.glob("*.csv.gz")):
        df = pd.read_csv(f)
        assert len(df) == 8760 and list(df.columns)[0] == "hour", f.name
        assert set(df.columns[1:]) == regions, f.name
        if f.name != "load.csv.gz":
            assert df[list(regions)].to_numpy().min() >= 0 and df[list(regions)].to_numpy().max() <= 1
        else:
            d = read(C7, "demand.csv")
            d0 = d[d["year"] == BASE_YEAR].set_index("region")["demand_twh"]
            for r in regions:
                assert df[r].sum() / 1e6 == pytest.approx(d0[r], rel=1e-4)


def test_china7_is_up_to_date(tmp_path):
    """Re-running the aggregation reproduces the committed inputs/china7 byte for byte."""
    out = tmp_path / "china7"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "aggregate_regions.py"), "--src", str(C31),
                    "--dst", str(out)], check=True, capture_output=True)
    committed = sorted(p.relative_to(C7) for p in C7.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert committed == fresh
    for rel in fresh:
        assert (out / rel).read_bytes() == (C7 / rel).read_bytes(), f"{rel} differs: rerun scripts/aggregate_regions.py"
