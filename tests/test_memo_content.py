"""The memo's words from the synthetic results (tests/results_fixture.py): every number in the summary,
the notable results, the caveats, the sources with their tags, and the title block of a variant."""
import json

import numpy as np
import pytest
import xarray as xr
from results_fixture import CAPACITY, make_results, write_inputs, write_results_folder

from model.report import caveats, narrative, notable, sources
from model.report import memo as report
from model.report.tables import mix_table

SOURCES_MD = """# Sources
## demand.csv
| year | central | basis |
|---|---|---|
| 2060 | 16300 | central = PIK 2060 total (M) |
| 2030 | 12000 | E: +3 %/yr |
## existing.csv — the 2020 fleet
| tech | total | source | tag |
|---|---|---|---|
| coal | 1079.9 | CEC 2020 | V |
## costs.csv
**Capex (CNY/kW).** One source: Zhu (M); batteries from tenders (V).
## Policy paths
**build_limits.csv** (national GW/yr, E unless stated):

| tech | limits | basis |
|---|---|---|
| wind_onshore | 90 (2025), 150 (2030+) | 2024 additions ≈80 GW (facts, V by difference) |
| nuclear | 10 | approvals (R) |
## scenarios.yaml
| key | value | source |
|---|---|---|
| discount_rate | 0.06 real | PIK (M); NDRC 8 % (V) |
| reserve_margin | 0.15 | SW (M) |
"""


@pytest.fixture(scope="module")
def ds():
    return make_results("3060", stranded=True)


def test_summary_numbers_come_from_the_results(ds):
    text = " ".join(narrative.summary(ds))
    net = ds["emissions"].sum("region").to_pandas()
    assert 5 <= len(narrative.summary(ds)) <= 8
    assert f"base year 2020 ({report.fmt(net[2020])} Mt/yr)" in text  # the fixture's peak is the base year
    assert f"{report.fmt(net[2060])} Mt/yr in 2060" in text
    vre60 = sum(CAPACITY[t][2] for t in ("wind_onshore", "solar_utility"))
    assert f"In 2060, {report.fmt(vre60)} GW of wind and solar" in text
    assert "Unabated coal goes from 100 GW in 2020 to 0 GW in 2060; 50 GW of it retire before" in text
    assert "CO2 price (the carbon price plus the cap's shadow price) is 100 CNY/t in 2030 and 500 CNY/t in 2060" in text
    assert "the CO2 cap binds in 2030 and 2060" in text
    ref = make_results("reference", scale=0.9)
    with_ref = narrative.cost_sentence(ds, ref)
    assert with_ref.startswith("Against 'reference', this pathway costs") and "carbon payments" in with_ref


def test_summary_peak_after_the_base_year_and_full_year_check(ds):
    d = ds.copy(deep=True)
    d["emissions"].loc[dict(period=2030)] = d["emissions"].sel(period=2020) * 1.5
    assert narrative.emissions_sentence(d).startswith("Net CO2 emissions of the power sector peak in 2030")
    d["cost_gap"] = 0.031
    d["evaluated_cost"] = 16000.0
    d["planning_cost"] = 15500.0  # 16,000 / 15,500 - 1 = 3.2 % more; the gap 0.031 is relative to 16,000
    assert narrative.check_sentence(d) == ("Operated over the full year, this plan costs 16,000 bn CNY, 3.2 % more "
                                           "than the planning estimate.")
    d["check_unserved_energy"] = xr.zeros_like(d["emissions"]) + 0.25  # TWh/yr, 2 regions x 3 periods
    assert narrative.check_sentence(d).endswith("and it leaves 1.5 TWh of load unserved over all periods.")
    assert d["check_unserved_energy"].size == 6
    assert narrative.check_sentence(ds) is None


def test_notable_results(ds):
    found = notable.notable(ds)
    text = "\n".join(found)
    assert notable.build_limited(ds) == {"wind_onshore": [2030]}  # 80 GW = 16 GW/yr × 5 yr; 2060 below
    assert "Wind onshore is built at its national build limit in 2030 (16 GW/yr)" in text
    assert notable.potential_reached(ds) == {"solar_utility": (["North", "South"], 2060)}
    assert "50 GW of Coal (unabated) retire before the end of their life in 2030 and 2060 (50 % of its 2020 " \
           "fleet), stranding 170 bn CNY" in text
    assert "The CO2 cap binds in 2030 and 2060" in text
    assert not any("Gas peaker" in s for s in found)  # runs at 5 %: not idle
    idle = ds.copy(deep=True)
    idle["generation"].loc[dict(tech="gas_peaker")] = 0.0
    assert any(s.startswith("40 GW of Gas peaker (2030 and 2060) run at a capacity factor below 1 %")
               for s in notable.idle_capacity(idle))


def test_caveats_follow_the_settings(ds):
    s = json.loads(ds.attrs["settings"])
    heads = [h for h, _ in caveats.caveats(ds, {**s, "days": 8, "segments": 4})]
    assert heads[:6] == ["Time resolution", "Weather", "Perfect foresight", "No unit commitment", "CO2 boundary",
                         "Sunk base-year capital"]
    text = dict(caveats.caveats(ds, {**s, "days": 8, "segments": 4}))
    assert "8 representative days × 4 steps a day (8 timesteps)" in text["Time resolution"]
    err = caveats._study_error(8, 4)  # docs/time-resolution.csv, when it has the full-year row
    if err is None:
        assert "was not measured" in text["Time resolution"]
    else:
        assert f"% {'below' if err < 0 else 'above'} the full year's" in text["Time resolution"]
    assert "60 bn CNY/yr as an annuity" in text["Sunk base-year capital"]
    myopic = dict(caveats.caveats(ds, {**s, "foresight": "myopic", "look_ahead": 1,
                                       "linear_unit_commitment": True}))
    assert "Myopic foresight" in myopic and "Linear unit commitment" in myopic
    d = ds.copy()
    d["cost_gap"] = 0.02
    assert "measured a cost gap of 2.0 %" in dict(caveats.caveats(d, s))["Time resolution"]


def test_sources_parsed_with_tags(ds):
    entries = sources.parse(SOURCES_MD)
    by_item = {e.item: e for e in entries}
    assert by_item["coal"].tags == ["V"] and by_item["2030"].tags == ["E"] and by_item["2060"].tags == ["M"]
    assert by_item["Capex (CNY/kW)"].tags == ["M", "V"]
    assert by_item["wind_onshore"].tags == ["V"] and by_item["nuclear"].tags == ["R"]
    picked = sources.drivers(ds, entries, json.loads(ds.attrs["settings"]), limited=["wind_onshore"])
    items = [e.item for e in picked]
    assert {"2060", "2030", "coal", "Capex (CNY/kW)", "wind_onshore", "discount_rate"} <= set(items)
    assert "nuclear" not in items  # not at its limit


def test_variant_title_and_settings(tmp_path, ds):
    d = ds.copy()
    d.attrs["cli_overrides"] = "discount_rate=0.05; days=12"
    d.attrs["settings"] = json.dumps({**json.loads(d.attrs["settings"]), "discount_rate": 0.05, "days": 12})
    folder = write_results_folder(tmp_path / "variant", d)
    (tmp_path / "variant" / "figures").mkdir()
    (tmp_path / "variant" / "figures" / "01_capacity.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 8)
    text = report.write_memo(folder).read_text()
    assert "— a variant: discount_rate=0.05; days=12" in text
    assert "<th>Overrides of this run (--set)</th><td>discount_rate=0.05; days=12</td>" in text
    assert "discount_rate=0.05" in text and "days=12" in text
    assert "<h2>Summary</h2>" in text and "<h2>Caveats</h2>" in text and "<h2>Notable results</h2>" in text
    plain = write_results_folder(tmp_path / "plain", ds)
    (tmp_path / "plain" / "figures").mkdir()
    (tmp_path / "plain" / "figures" / "01_capacity.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 8)
    assert "none (the scenario as defined)" in report.write_memo(plain).read_text()


def test_sibling_reference_compared_automatically(tmp_path):
    inputs = str(write_inputs(tmp_path / "inputs"))
    main = write_results_folder(tmp_path / "3060", make_results("3060", inputs=inputs))
    write_results_folder(tmp_path / "reference", make_results("reference", scale=0.9, inputs=inputs))
    (main / "figures").mkdir()
    (main / "figures" / "01_capacity.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 8)
    text = report.write_memo(main).read_text()
    assert "<h2>Comparison</h2>" in text and (main / "comparison.csv").is_file()
    assert "Against &#x27;reference&#x27;, this pathway costs" in text


def test_generation_total_counts_storage_discharge_once(ds):
    mix = mix_table(ds)
    gen = ds["generation"].sum("region").sel(period=2060).to_pandas()
    supply = gen.drop(["battery", "hydrogen"]).sum()
    total = mix.loc["Total (generation without storage discharge)", "Generation 2060 [TWh/yr]"]
    assert total == pytest.approx(supply) and gen["battery"] > 0
    assert "Battery (discharge)" in mix.index
    assert mix.loc["Total (generation without storage discharge)", "Capacity 2060 [GW]"] == pytest.approx(
        float(ds["capacity"].sel(period=2060).sum()))
    assert np.isclose(mix["Share of generation 2060 [%]"].iloc[-1], 100)
