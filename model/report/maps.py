"""Maps of China for the memo: region outlines (:mod:`model.report.geography`) on longitude/latitude
axes, and the capacity map (capacity mix by region as pies, area ~ GW).

From a results Dataset and the dataset's ``regions.csv`` (positions, provinces). Units: GW, degrees.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch

from model.report import geography
from model.report.style import (
    fig_legend,
    legend_handles,
    new_figure,
    nonzero,
    styled,
    styles_for,
    tech_frame,
)


def _inputs_folder(ds: xr.Dataset) -> list[Path]:
    raw = ds.attrs.get("inputs")
    if not raw:
        return []
    p = Path(str(raw))
    return [p] if p.is_absolute() else [Path.cwd() / p, Path(__file__).resolve().parents[1] / p]


def region_coords(ds: xr.Dataset, coords: pd.DataFrame | None = None) -> pd.DataFrame:
    """Region positions (columns ``x`` = lon [°E], ``y`` = lat [°N], index region).

    From ``coords`` (columns ``lon_deg``, ``lat_deg``; index or column ``region``), else from
    ``<ds.attrs['inputs']>/regions.csv``; regions without distinct positions are put on a circle.
    """
    regions = [str(r) for r in ds["region"].values]
    if coords is None:
        for folder in _inputs_folder(ds):
            if (folder / "regions.csv").is_file():
                coords = pd.read_csv(folder / "regions.csv")
                break
    xy = None
    if coords is not None:
        c = coords.set_index("region") if "region" in coords.columns else coords
        c = c.rename(index=str).reindex(regions)
        if {"lon_deg", "lat_deg"} <= set(c.columns) and c[["lon_deg", "lat_deg"]].notna().all().all():
            xy = pd.DataFrame({"x": c["lon_deg"].astype(float), "y": c["lat_deg"].astype(float)})
            if len(xy.drop_duplicates()) < len(xy):
                xy = None
    if xy is None:
        angle = np.linspace(0, 2 * np.pi, len(regions), endpoint=False) + np.pi / 2
        xy = pd.DataFrame({"x": 110 + 8 * np.cos(angle), "y": 33 + 8 * np.sin(angle)}, index=regions)
    return xy


REGION_FILLS = ("#eef3e8", "#f6efe2", "#e9eef6", "#f4e9ee", "#eaf3f3", "#f3f1e6", "#efeaf5", "#f0f0f0")


def regions_table(ds: xr.Dataset, coords: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """``regions.csv`` of the run's dataset (or ``coords``), or None when it cannot be found."""
    if coords is not None:
        return coords.reset_index() if "region" not in coords.columns else coords
    for folder in _inputs_folder(ds):
        if (folder / "regions.csv").is_file():
            return pd.read_csv(folder / "regions.csv")
    return None


def draw_outlines(ax, ds: xr.Dataset, coords: pd.DataFrame | None = None) -> bool:
    """Region outlines (filled, province borders thin, region borders dark) and the provinces outside
    the model in grey; sets the extent to China. False (nothing drawn) when outlines are unavailable."""
    shapes = geography.region_shapes(regions_table(ds, coords))
    if shapes is None or set(map(str, ds["region"].to_numpy())) - set(shapes):
        return False
    provinces = geography.province_shapes() or {}
    for i, (region, geom) in enumerate(shapes.items()):
        ax.add_patch(PathPatch(geography.to_path(geom), facecolor=REGION_FILLS[i % len(REGION_FILLS)],
                               edgecolor="#555555", linewidth=0.9, zorder=0.2))
    for name, geom in provinces.items():
        ax.add_patch(PathPatch(geography.to_path(geom), facecolor="none", edgecolor="#b5b5b5",
                               linewidth=0.3, zorder=0.3))
    for geom in geography.others(shapes).values():
        ax.add_patch(PathPatch(geography.to_path(geom), facecolor="#dddddd", edgecolor="#999999",
                               linewidth=0.4, zorder=0.2))
    x0, x1, y0, y1 = geography.EXTENT
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1.0 / np.cos(np.deg2rad((y0 + y1) / 2)))
    ax.set_xlabel("Longitude [°E]")
    ax.set_ylabel("Latitude [°N]")
    ax.grid(False)
    return True


def _positions(ds: xr.Dataset, coords) -> pd.DataFrame:
    return region_coords(ds, coords)


@styled
def fig_capacity_map(ds: xr.Dataset, coords: pd.DataFrame | None = None, years=(2030, 2060)) -> Figure:
    """Installed capacity by region on the map: a pie per region (area ~ total GW, slices by technology,
    storage at power capacity), one panel per period of ``years`` (nearest periods)."""
    periods = ds["period"].to_numpy()
    chosen = list(dict.fromkeys(int(periods[np.argmin(np.abs(periods - y))]) for y in years))
    xy = _positions(ds, coords)
    columns = nonzero(tech_frame(ds["capacity"])).columns
    styles = styles_for(columns)
    fig = new_figure(ds, "Installed capacity by region", (11.0, 5.0 if len(chosen) > 1 else 7.0))
    axes = fig.subplots(1, len(chosen), squeeze=False)[0]
    top = float(ds["capacity"].sel(period=chosen).sum("tech").max())
    for ax, p in zip(axes, chosen):
        mapped = draw_outlines(ax, ds, coords)
        if not mapped:
            ax.set_xlim(xy["x"].min() - 6, xy["x"].max() + 6)
            ax.set_ylim(xy["y"].min() - 6, xy["y"].max() + 6)
            ax.set_xlabel("Longitude [°E]")
            ax.set_ylabel("Latitude [°N]")
        cap = ds["capacity"].sel(period=p).to_pandas()
        cap.columns = [str(c) for c in cap.columns]
        span = ax.get_xlim()[1] - ax.get_xlim()[0]
        for region, (x, y) in xy.iterrows():
            row = cap.loc[region, list(columns)].clip(lower=0)
            total = float(row.sum())
            if total <= 0:
                continue
            size = span * (0.03 + 0.085 * np.sqrt(total / top)) / (1 if len(xy) < 12 else 1.8)
            inset = ax.inset_axes([x - size / 2, y - size / 2, size, size], transform=ax.transData, zorder=4)
            keep = row[row > 1e-3 * total]
            inset.pie(keep.to_numpy(), colors=[styles[t].color for t in keep.index],
                      hatch=[styles[t].hatch or None for t in keep.index],
                      wedgeprops=dict(linewidth=0.3, edgecolor="white"))
            inset.set_aspect("equal")
            inset.set_axis_off()
            ax.annotate(f"{region}\n{total:,.0f} GW", (x, y - size / 2), ha="center", va="top", fontsize=6,
                        zorder=5,
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.75))
        ax.set_title(f"{p} (pie area ~ capacity; largest {top:,.0f} GW)", loc="left", fontsize=9)
    fig_legend(fig, legend_handles(list(columns)[::-1], styles))
    return fig
