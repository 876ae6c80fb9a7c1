"""Memo figures from a synthetic results Dataset (no solving): files, titles, units, source line, styles."""
from __future__ import annotations

import re

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from results_fixture import DURATION, make_results, write_inputs

from model.report import dispatch as figures_maps
from model.report import figures, network
from model.report import style as figures_style
from model.report.figures import write_figures

UNIT = re.compile(r"\[[^\]]+\]")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return write_inputs(tmp_path_factory.mktemp("inputs"))


@pytest.fixture(scope="module")
def ds(inputs):
    return make_results(inputs=str(inputs))


@pytest.fixture(scope="module")
def drawn(ds):
    """Every figure function's Figure, drawn once."""
    out = {name: func(ds) for name, func in figures._figures().items()}
    for fig in out.values():
        fig.canvas.draw()
    return out


@pytest.fixture(scope="module")
def written(ds, tmp_path_factory):
    folder = tmp_path_factory.mktemp("figures") / "figs"
    return folder, write_figures(ds, folder)


def test_write_figures_png_and_svg(written):
    folder, paths = written
    names = set(figures._figures())
    assert {p.name for p in paths} == {f"{n}.{ext}" for n in names for ext in ("png", "svg")}
    for p in paths:
        assert p.is_file() and p.stat().st_size > 1000
    for n in names:
        img = mpimg.imread(folder / f"{n}.png")
        assert img.shape[0] > 400 and img.shape[1] > 800
        assert img[..., :3].std() > 0.05, f"{n}.png looks blank"
        svg = (folder / f"{n}.svg").read_text()
        assert "<svg" in svg and "Source: cn-3060" in svg
    assert set(figures.CAPTIONS) == names


def test_png_resolution(written):
    from PIL import Image

    png = [p for p in written[1] if p.suffix == ".png"]
    dpi = Image.open(png[0]).info["dpi"]
    assert round(dpi[0]) == 150


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.axison]


def test_titles_units_and_source_line(drawn, ds):
    for name, fig in drawn.items():
        assert fig.get_suptitle().strip(), f"{name}: no title"
        source = fig.get_supxlabel()
        for part in ("Source:", ds.attrs["scenario"], "2026-01-02", ds.attrs["model_version"]):
            assert part in source, f"{name}: source line lacks {part!r}"
        sup_y = fig.get_supylabel()
        for ax in _visible_axes(fig):
            assert UNIT.search(ax.get_ylabel()) or UNIT.search(sup_y), f"{name}: y axis without unit"
            spec = ax.get_subplotspec()
            if ax.xaxis.get_visible() and (spec is None or spec.is_last_row()):
                assert UNIT.search(ax.get_xlabel()), f"{name}: x axis without unit"


def test_titles_and_legends_do_not_overlap(drawn):
    for name, fig in drawn.items():
        renderer = fig.canvas.get_renderer()
        titles = [fig._suptitle] + [t for ax in fig.axes for t in (ax.title, ax._left_title) if t.get_text()]
        for leg in fig.legends:
            box = leg.get_window_extent(renderer)
            for t in titles:
                hit = t.get_window_extent(renderer).overlaps(box)
                assert not hit, f"{name}: {t.get_text()!r} hits legend"


def _legend_labels(fig):
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    return {t.get_text() for leg in legends for t in leg.get_texts()}


def test_zero_techs_left_out_and_unknown_tech_styled(drawn):
    labels = _legend_labels(drawn["01_capacity"])
    assert "Hydrogen storage" not in labels  # zero everywhere
    assert {"Coal (unabated)", "Solar PV utility", "Battery", "Wave"} <= labels
    style = figures_style.tech_style("wave")
    assert style.hatch and style.color.startswith("#")


def test_style_table_greyscale_contrast():
    """Techs close in the stacking order that look alike in grey carry different hatches."""
    order = list(figures_style.TECH_STYLE)
    for i, a in enumerate(order):
        for b in order[i + 1:i + 4]:
            sa, sb = figures_style.TECH_STYLE[a], figures_style.TECH_STYLE[b]
            close = abs(figures_style.luminance(sa.color) - figures_style.luminance(sb.color)) < 0.12
            assert not (close and sa.hatch == sb.hatch), (a, b)
    assert figures_style.NON_FOSSIL.isdisjoint(figures_style.STORAGE)


def test_same_colour_and_order_across_figures(drawn):
    """A technology has the same fill colour in every figure."""
    colours = {}
    for name in ("01_capacity", "02_generation", "05_dispatch"):
        for leg in drawn[name].legends:
            for handle, text in zip(leg.legend_handles, leg.get_texts()):
                if hasattr(handle, "get_facecolor") and not hasattr(handle, "get_xdata"):
                    colours.setdefault(text.get_text(), set()).add(tuple(np.round(handle.get_facecolor(), 3)))
    assert colours and all(len(c) == 1 for c in colours.values())


def test_non_fossil_share_and_emissions_frame(ds):
    share = figures.non_fossil_share(ds)
    assert ((share >= 0) & (share <= 100)).all() and share.iloc[-1] > share.iloc[0]
    em = figures.emissions_frame(ds)
    assert (em["beccs"] <= 0).all() and em.loc[2060, "beccs"] < 0
    assert em.loc[2030, "captured"] == pytest.approx(float(ds["captured_co2_by_tech"].sel(
        tech="coal_ccs_retrofit", period=2030).sum()))


def test_coal_fleet_frame(ds):
    df = figures.coal_fleet_frame(ds)
    assert list(df.columns) == ["running", "retrofit", "retired_early", "retired_eol"]
    assert df.loc[2060, "retired_early"] == pytest.approx(50.0)  # 0 + 10 + 40, cumulative
    assert df.loc[2060, "retired_eol"] == pytest.approx(40.0)
    assert df.loc[2020, "running"] == pytest.approx(100.0)


def test_representative_days_with_and_without_source_day(ds):
    assert figures_maps.representative_days(ds) == {"summer": (0, "10 Jul"), "winter": (1, "16 Jan")}
    fallback = figures_maps.representative_days(make_results(source_day=False))
    assert fallback["summer"][0] == 0 and fallback["winter"][0] == 1
    assert "solar" in fallback["summer"][1]


def test_dispatch_steps_have_true_widths(drawn):
    ax = drawn["05_dispatch"].axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    widths = {round(p.get_width(), 6) for p in bars}
    assert widths <= set(DURATION[:4]) and len(widths) > 1
    starts = {round(p.get_x(), 6) for p in bars}
    assert starts <= {0.0, 6.0, 12.0, 16.0}


def test_dispatch_frames_balance(ds):
    out, neg, load, first, dur = figures_maps.dispatch_frames(ds, 2060, 0)
    assert (neg <= 1e-9).all().all() and (out >= -1e-9).all().all()
    assert np.allclose(out.sum(axis=1) + neg.sum(axis=1), load)
    assert list(first) == sorted(first) and dur.sum() == pytest.approx(24.0)


def test_regional_dispatch_closes_with_net_imports(ds):
    """A region's output + discharge − charging + net imports is its load in every timestep."""
    region = figures_maps.largest_importer(ds)
    assert region in ds["region"].to_numpy()
    out, neg, load, _, _ = figures_maps.dispatch_frames(ds, 2060, 0, region)
    assert "net_imports" in out.columns and (out["net_imports"] >= 0).all() and (neg["net_imports"] <= 0).all()
    assert np.allclose(out.sum(axis=1) + neg.sum(axis=1), load)
    local = ds["dispatch"].sel(region=region, period=2060).sum("tech").to_pandas()
    net = (out["net_imports"] + neg["net_imports"])
    assert np.allclose(net.to_numpy(), (load - local.reindex(load.index)).to_numpy())


def test_region_coords_sources(ds, inputs):
    xy = network.region_coords(ds)
    assert xy.loc["North", "x"] == pytest.approx(116.0)
    given = pd.DataFrame({"region": ["North", "South"], "lon_deg": [100.0, 101.0], "lat_deg": [30.0, 31.0]})
    assert network.region_coords(ds, given).loc["South", "y"] == pytest.approx(31.0)
    missing = make_results(inputs="/nonexistent/folder")
    xy = network.region_coords(missing)
    assert len(xy.drop_duplicates()) == 2  # schematic circle
    fig = network.fig_network(missing)
    assert fig.get_suptitle()


def test_skips_broken_figure_with_warning(ds, tmp_path, monkeypatch):
    subset = {k: v for k, v in figures._figures().items() if k in ("06_network", "07_coal_fleet")}
    monkeypatch.setattr(figures, "_figures", lambda: subset)
    broken = ds.drop_vars("flow")
    with pytest.warns(UserWarning, match="06_network"):
        paths = write_figures(broken, tmp_path, formats=("png",))
    assert [p.name for p in paths] == ["07_coal_fleet.png"]
