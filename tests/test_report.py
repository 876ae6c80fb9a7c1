"""The HTML memo from synthetic results folders (no solving), and rendering it in headless Chromium."""
from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from results_fixture import make_results, write_inputs, write_results_folder

from model.report import memo as report
from model.report.figures import CAPTIONS

CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=1"]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    inputs = str(write_inputs(root / "inputs"))
    main = write_results_folder(root / "3060", make_results("3060", inputs=inputs, stranded=True))
    ref = write_results_folder(root / "reference", make_results("reference", scale=0.9, inputs=inputs))
    return main, ref


@pytest.fixture(scope="module")
def memo(folders):
    main, ref = folders
    path = report.write_memo(main, compare=[ref])
    return path, path.read_text(encoding="utf-8")


def test_one_self_contained_file(memo, folders):
    path, text = memo
    assert path == folders[0] / "memo.html" and path.is_file()
    assert not list(folders[0].glob(".memo.html.tmp-*"))
    for bad in ('src="http', "src='http", "<link", "<script", "@import", "url(", "href=\"http"):
        assert bad not in text, bad
    assert not re.search(r"""(src|href)=["'](?!data:)""", text)


def test_figures_embedded(memo, folders):
    _, text = memo
    imgs = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(imgs) == len(CAPTIONS) + 1  # every figure and the comparison chart
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in imgs)
    assert (folders[0] / "figures" / "05_dispatch.svg").is_file()  # drawn and kept for the folder
    for caption in CAPTIONS.values():
        assert html.escape(caption) in text


def test_key_numbers(memo, folders):
    _, text = memo
    ds = report.load_results(folders[0])
    ref = report.load_results(folders[1])
    assert "Peak net CO2 emissions" in text
    assert report.fmt(float(ds["total_cost"])) in text
    assert "Cumulative investment, builds 2030–2060" in text and "13.00" in text  # 5,000 + 8,000 bn CNY
    assert "Stranded coal capital" in text and "170" in text  # 0 + 50 + 120 over both regions
    # the policy's cost leaves out carbon payments (32 bn CNY/yr × 4 in the fixture's NPV, scaled)
    carbon = float(ds["cost_npv"].sel(component="carbon_price"))
    carbon_ref = float(ref["cost_npv"].sel(component="carbon_price"))
    assert carbon == pytest.approx(128.0) and carbon_ref == pytest.approx(0.9 * 128.0)
    inc = float(ds["total_cost"]) - carbon - (float(ref["total_cost"]) - carbon_ref)
    assert f"<b>{report.fmt(inc)} bn CNY</b>" in text
    assert "CNY/t</b> (PV cost ÷ discounted abatement)" in text
    for header in ("Capacity 2030 [GW]", "Generation 2060 [TWh/yr]", "CO2 price [CNY/t]",
                   "Investment [bn CNY]"):
        assert header in text
    rows = dict((q, v) for q, _, v, _ in report.key_numbers(ds))
    assert rows["Peak period (first year)"] == 2020
    assert rows["Cumulative investment, builds 2030–2060"] == pytest.approx(13.0)
    vre = [t for t in ds["tech"].to_numpy() if str(t).startswith(("wind", "solar"))]
    curt = float(ds["curtailment"].sel(period=2060, tech=vre).sum())
    gen = float(ds["generation"].sel(period=2060, tech=vre).sum())
    assert rows["Wind and solar curtailment 2060"] == pytest.approx(100 * curt / (curt + gen)) and curt > 0
    assert rows["Storage energy 2060"] == pytest.approx(float(ds["storage_energy_capacity"].sel(period=2060).sum()))
    assert rows["Coal retired early, all periods"] == pytest.approx(50.0)  # 0 + 10 + 40 over both regions


def test_comparison_csv(memo, folders):
    table = pd.read_csv(folders[0] / "comparison.csv", index_col=0)
    ds, ref = (report.load_results(f) for f in folders)
    row = table.loc["Resource cost difference (PV 2020): 3060 vs reference"]
    carbon = [float(d["cost_npv"].sel(component="carbon_price")) for d in (ds, ref)]
    inc = float(ds["total_cost"]) - carbon[0] - float(ref["total_cost"]) + carbon[1]
    assert row["Unit"] == "bn CNY" and float(row["3060"]) == pytest.approx(inc)
    # the synthetic reference emits less than the policy run: no abatement, no cost per tonne
    assert table.loc["Average cost of abatement: 3060 vs reference", "Unit"] == "CNY/t"
    assert np.isnan(float(table.loc["Average cost of abatement: 3060 vs reference", "3060"]))
    assert "Δ 3060 − reference" in table.columns


def test_comparison_and_assumptions(memo):
    _, text = memo
    assert "<h2>Comparison</h2>" in text and "Δ 3060 − reference" in text
    assert "Assumptions that differ" in text and "co2_cap" in text
    assert "discount_rate" in text and "discount_rate=0.06" in text  # settings and overrides
    assert "Synthetic test scenario 3060" in text


def test_thousands_separators():
    assert report.fmt(12345.678) == "12,346"
    assert report.fmt(-0.0001, 1) == "0.0"
    assert report.fmt(2060.0, None) == "2060"
    assert report.fmt(float("nan")) == "–"


def test_existing_figures_are_used_and_no_comparison(tmp_path):
    folder = write_results_folder(tmp_path / "run", make_results("solo"))
    (folder / "figures").mkdir()
    png = (b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    (folder / "figures" / "01_capacity.png").write_bytes(png)
    text = report.write_memo(folder).read_text()
    assert base64.b64encode(png).decode() in text
    assert text.count("<img ") == 1  # not regenerated
    assert "<h2>Comparison</h2>" not in text and "Stranded" not in text


def _chromium(args, tmp_path, timeout=120):
    cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def _console_problems(stderr: str) -> list[str]:
    """Console messages (a static memo has none) and uncaught errors in Chromium's log."""
    return [ln for ln in stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")
def test_memo_renders_in_chromium(memo, tmp_path):
    path, _ = memo
    url = path.resolve().as_uri()
    shot = tmp_path / "memo.png"
    res = _chromium([f"--screenshot={shot}", "--window-size=1200,3000", url], tmp_path)
    assert shot.is_file(), res.stderr[-2000:]
    img = mpimg.imread(shot)[..., :3]
    assert img.shape[:2] == (3000, 1200)
    assert (img < 0.9).mean() > 0.02 and img.std() > 0.05, "screenshot looks blank"
    assert _console_problems(res.stderr) == []
    dom = _chromium(["--dump-dom", url], tmp_path)
    assert dom.returncode == 0
    imgs = re.findall(r'<img src="data:image/png;base64,', dom.stdout)
    assert len(imgs) == len(CAPTIONS) + 1
    assert "<h1>Scenario memo: 3060</h1>" in dom.stdout
    assert _console_problems(dom.stderr) == []


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")
def test_chromium_console_check_detects_errors(tmp_path):
    """The console check is not vacuous: a page with a script error is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>console.error('boom'); missingFn();</script></body></html>")
    res = _chromium(["--dump-dom", page.as_uri()], tmp_path)
    assert any("Uncaught" in ln for ln in _console_problems(res.stderr))
