"""Every bad input gets a clear error: the validation test matrix.

Each case copies the default dataset (``inputs/china7``) — or writes a tiny one with
:mod:`tests.factory` — into a temporary folder, corrupts one thing, and checks the MESSAGE: one problem
line names the file, the row (CSV line number and key), the column, what was found and what was
expected. Validation only: nothing here builds or solves a model.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import factory
import numpy as np
import pandas as pd
import pytest

from model.data.overrides import apply_overrides
from model.data.read import load_inputs
from model.data.settings import InputError

ROOT = Path(__file__).resolve().parent.parent
CHINA7 = ROOT / "inputs" / "china7"


# -- helpers -------------------------------------------------------------------------------------
def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False,
                       compression="gzip" if path.suffix == ".gz" else None)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, compression="gzip" if path.suffix == ".gz" else None)


def edit(ds: Path, file: str, fn) -> None:
    """Rewrite ``file`` (all cells as text) with ``fn(df) -> df``."""
    path = ds / file
    write_csv(fn(read_csv(path)), path)


def row_of(ds: Path, file: str, match: dict) -> int:
    """CSV line number (header = 1) of the first row matching ``match``."""
    df = read_csv(ds / file)
    mask = np.logical_and.reduce([df[k] == v for k, v in match.items()])
    assert mask.any(), (file, match)
    return int(np.flatnonzero(mask)[0]) + 2


def set_cell(ds: Path, file: str, match: dict, column: str, value: str) -> int:
    """Set one cell of the first row matching ``match``; return its CSV line number."""
    line = row_of(ds, file, match)

    def fn(df):
        df.loc[line - 2, column] = value
        return df

    edit(ds, file, fn)
    return line


def append_row(ds: Path, file: str, row: dict) -> int:
    df = read_csv(ds / file)
    write_csv(pd.concat([df, pd.DataFrame([row])], ignore_index=True).fillna(""), ds / file)
    return len(df) + 2


def replace_text(ds: Path, file: str, old: str, new: str) -> None:
    text = (ds / file).read_text()
    assert old in text, (file, old)
    (ds / file).write_text(text.replace(old, new))


def problems_of(ds: Path, scenario: str = "3060", sets=()) -> list[str]:
    with pytest.raises(InputError) as info:
        load_inputs(ds, scenario, list(sets))
    assert info.value.problems, "InputError without problems"
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def line_with(problems: list[str], *parts: str) -> str:
    """The one problem line that contains every part; fail showing all lines otherwise."""
    hits = [p for p in problems if all(part in p for part in parts)]
    assert hits, f"no problem line contains all of {parts}; got:\n  " + "\n  ".join(problems)
    return hits[0]


@pytest.fixture
def ds(tmp_path) -> Path:
    return Path(shutil.copytree(CHINA7, tmp_path / "ds"))


# -- the matrix ----------------------------------------------------------------------------------
# Each case: corrupt(ds) -> dict of values to fill into the expected parts ({row} etc.), the parts
# one problem line must contain, and how many problem lines there must be in all (None: not checked).
CASES = []


def case(id_, expect, n=1, scenario="3060", sets=()):
    def deco(fn):
        CASES.append(pytest.param(fn, expect, n, scenario, list(sets), id=id_))
        return fn
    return deco


# files and columns
@case("missing-file", ["costs.csv: missing file", "expected in"])
def _(ds):
    (ds / "costs.csv").unlink()


@case("missing-file-named-by-scenario", ["demand_high.csv: missing file"], scenario="demand_high")
def _(ds):
    (ds / "demand_high.csv").unlink()


@case("missing-column", ["techs.csv: missing column 'lifetime_yr' [yr]"])
def _(ds):
    edit(ds, "techs.csv", lambda df: df.drop(columns=["lifetime_yr"]))


@case("misspelt-column", ["techs.csv: unknown column 'lifetme_yr'", "did you mean 'lifetime_yr'?"], n=2)
def _(ds):
    edit(ds, "techs.csv", lambda df: df.rename(columns={"lifetime_yr": "lifetme_yr"}))


@case("empty-file", ["costs.csv: cannot be read as CSV", "expected a header row"])
def _(ds):
    (ds / "costs.csv").write_text("")


# units are part of column names
@case("unit-capex-usd", ["costs.csv: column 'capex_usd_per_kw'", "unit 'usd_per_kw' differs from the "
                         "expected unit CNY/kW", "expected column 'capex_cny_per_kw' [CNY/kW]"])
def _(ds):
    edit(ds, "costs.csv", lambda df: df.rename(columns={"capex_cny_per_kw": "capex_usd_per_kw"}))


@case("unit-demand-gwh", ["demand.csv: column 'demand_gwh'", "unit 'gwh'", "expected unit TWh/yr",
                          "expected column 'demand_twh'"])
def _(ds):
    edit(ds, "demand.csv", lambda df: df.rename(columns={"demand_twh": "demand_gwh"}))


@case("unit-line-max-mw", ["lines.csv: column 'max_mw'", "unit 'mw'", "expected column 'max_gw' [GW]"])
def _(ds):
    edit(ds, "lines.csv", lambda df: df.rename(columns={"max_gw": "max_mw"}))


@case("unit-efficiency-pct", ["techs.csv: column 'efficiency_pct'", "unit 'pct'",
                              "expected unit fraction", "expected column 'efficiency'"])
def _(ds):
    edit(ds, "techs.csv", lambda df: df.rename(columns={"efficiency": "efficiency_pct"}))


@case("units-column", ["costs.csv: column 'unit': found a separate units column",
                       "expected units as part of the column names"])
def _(ds):
    edit(ds, "costs.csv", lambda df: df.assign(unit="CNY/kW"))


# references between tables
@case("unknown-tech-in-costs", ["costs.csv: row {row} (tech=coal_cc, year=2030): column 'tech'",
                                "unknown tech 'coal_cc'", "did you mean 'coal_ccs'?",
                                "expected one defined in techs.csv"])
def _(ds):
    return {"row": append_row(ds, "costs.csv", {"tech": "coal_cc", "year": "2030",
                                                "capex_cny_per_kw": "4000"})}


@case("unknown-region-in-existing", ["existing.csv: row {row} (region=Nort, tech=coal, build_year=2005)",
                                     "column 'region': unknown region 'Nort'", "did you mean 'North'?",
                                     "expected one defined in regions.csv"])
def _(ds):
    return {"row": set_cell(ds, "existing.csv", {"region": "North", "tech": "coal", "build_year": "2005"},
                            "region", "Nort")}


@case("unknown-region-in-lines", ["lines.csv: row {row} (line=Central-East): column 'to_region': "
                                  "unknown region 'Eest'", "expected one defined in regions.csv"])
def _(ds):
    return {"row": set_cell(ds, "lines.csv", {"line": "Central-East"}, "to_region", "Eest")}


@case("unknown-fuel-in-techs", ["techs.csv: row {row} (tech=coal): column 'fuel': unknown fuel 'cola'",
                                "did you mean 'coal'?", "expected one defined in fuels.csv"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "coal"}, "fuel", "cola")}


@case("unknown-tech-in-potentials", ["potentials.csv: row {row} (region=North, tech=hydropower): column "
                                     "'tech': unknown tech 'hydropower'", "techs.csv"])
def _(ds):
    return {"row": set_cell(ds, "potentials.csv", {"region": "North", "tech": "hydro"}, "tech",
                            "hydropower")}


# duplicate keys
@case("duplicate-cost-row", ["costs.csv: rows {first}, {second} (tech=coal, year=2030): duplicate key "
                             "(tech, year)", "expected each key on one row only"])
def _(ds):
    first = row_of(ds, "costs.csv", {"tech": "coal", "year": "2030"})
    df = read_csv(ds / "costs.csv")
    second = append_row(ds, "costs.csv", df.iloc[first - 2].to_dict())
    return {"first": first, "second": second}


@case("duplicate-region", ["regions.csv: rows {first}, {second} (region=North): duplicate key (region)"])
def _(ds):
    first = row_of(ds, "regions.csv", {"region": "North"})
    second = append_row(ds, "regions.csv", read_csv(ds / "regions.csv").iloc[first - 2].to_dict())
    return {"first": first, "second": second}


# wrong types, blanks, NaN
@case("text-in-number", ["costs.csv: row {row} (tech=coal, year=2030): column 'capex_cny_per_kw': "
                         "found 'abc'; expected a number [CNY/kW]"])
def _(ds):
    return {"row": set_cell(ds, "costs.csv", {"tech": "coal", "year": "2030"}, "capex_cny_per_kw", "abc")}


@case("bad-bool", ["techs.csv: row {row} (tech=coal): column 'early_retirement': found 'maybe'; "
                   "expected true or false"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "coal"}, "early_retirement", "maybe")}


@case("fractional-year", ["demand.csv: row {row} (region=North, year=2030.5): column 'year': "
                          "found '2030.5'; expected a whole number"])
def _(ds):
    return {"row": set_cell(ds, "demand.csv", {"region": "North", "year": "2030"}, "year", "2030.5")}


@case("bad-choice", ["techs.csv: row {row} (tech=coal): column 'kind': found 'thermall'",
                     "did you mean 'thermal'?", "expected one of thermal, nuclear, hydro, variable, storage"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "coal"}, "kind", "thermall")}


@case("blank-number", ["costs.csv: row {row} (tech=coal, year=2030): column 'capex_cny_per_kw': blank; "
                       "expected a value [CNY/kW]"])
def _(ds):
    return {"row": set_cell(ds, "costs.csv", {"tech": "coal", "year": "2030"}, "capex_cny_per_kw", "")}


@case("nan-number", ["demand.csv: row {row} (region=East, year=2040): column 'demand_twh': found 'NaN'; "
                     "expected a number [TWh/yr]"])
def _(ds):
    return {"row": set_cell(ds, "demand.csv", {"region": "East", "year": "2040"}, "demand_twh", "NaN")}


@case("inf-number", ["fuel_prices.csv: row {row} (fuel=gas, year=2020): column 'price_cny_per_gj': "
                     "found 'inf'; expected a finite number [CNY/GJ]"])
def _(ds):
    return {"row": set_cell(ds, "fuel_prices.csv", {"fuel": "gas", "year": "2020"}, "price_cny_per_gj",
                            "inf")}


# negative values
@case("negative-cost", ["costs.csv: row {row} (tech=coal, year=2030): column 'capex_cny_per_kw': "
                        "found -3500; expected a value ≥ 0 [CNY/kW]"])
def _(ds):
    return {"row": set_cell(ds, "costs.csv", {"tech": "coal", "year": "2030"}, "capex_cny_per_kw", "-3500")}


@case("negative-capacity", ["existing.csv: row {row} (region=North, tech=coal, build_year=2005): column "
                            "'capacity_gw': found -1.5; expected a value ≥ 0 [GW]"])
def _(ds):
    return {"row": set_cell(ds, "existing.csv", {"region": "North", "tech": "coal", "build_year": "2005"},
                            "capacity_gw", "-1.5")}


@case("negative-lifetime", ["techs.csv: row {row} (tech=gas_ccgt): column 'lifetime_yr': found -25; "
                            "expected a value in [1, 200] [yr]"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "gas_ccgt"}, "lifetime_yr", "-25")}


@case("negative-potential", ["potentials.csv: row {row} (region=North, tech=hydro): column 'max_gw': "
                             "found -10; expected a value ≥ 0 [GW]"])
def _(ds):
    return {"row": set_cell(ds, "potentials.csv", {"region": "North", "tech": "hydro"}, "max_gw", "-10")}


# fractions
@case("efficiency-above-1", ["techs.csv: row {row} (tech=coal): column 'efficiency': found 1.2; "
                             "expected a value in (0, 1] [fraction]"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "coal"}, "efficiency", "1.2")}


@case("efficiency-zero", ["techs.csv: row {row} (tech=gas_ccgt): column 'efficiency': found 0; "
                          "expected a value > 0 [fraction]"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "gas_ccgt"}, "efficiency", "0")}


@case("availability-zero", ["techs.csv: row {row} (tech=nuclear): column 'availability': found 0; "
                            "expected a value > 0 [fraction]"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "nuclear"}, "availability", "0")}


@case("capacity-credit-above-1", ["techs.csv: row {row} (tech=solar_utility): column 'capacity_credit': "
                                  "found 1.5; expected a value in [0, 1] [fraction]"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "solar_utility"}, "capacity_credit", "1.5")}


@case("round-trip-above-1", ["techs.csv: row {row} (tech=battery): column 'round_trip_efficiency': "
                             "found 1.1; expected a value in (0, 1] [fraction]"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "battery"}, "round_trip_efficiency", "1.1")}


# hourly profiles
def _edit_profile(ds, name, fn):
    edit(ds, f"profiles/{name}.csv.gz", fn)


@case("profile-too-short", ["profiles/wind_onshore.csv.gz: found 8736 rows; expected 8760"])
def _(ds):
    _edit_profile(ds, "wind_onshore", lambda df: df.iloc[:-24])


@case("profile-text-cell", ["profiles/wind_onshore.csv.gz: row 102 (hour=100): column 'North': "
                            "found 'abc'; expected a number"])
def _(ds):
    def fn(df):
        df.loc[100, "North"] = "abc"
        return df
    _edit_profile(ds, "wind_onshore", fn)


@case("profile-cf-above-1", ["profiles/solar_utility.csv.gz: row 4002 (hour=4000): column 'South': "
                             "found capacity factor 1.5; expected a value in [0, 1]"])
def _(ds):
    def fn(df):
        df.loc[4000, "South"] = "1.5"
        return df
    _edit_profile(ds, "solar_utility", fn)


@case("profile-region-missing", ["profiles/hydro.csv.gz: missing column for region 'Southwest'"])
def _(ds):
    _edit_profile(ds, "hydro", lambda df: df.drop(columns=["Southwest"]))


@case("profile-file-missing", ["profiles/wind_offshore.csv.gz: missing file",
                               "technologies with profile wind_offshore"])
def _(ds):
    (ds / "profiles" / "wind_offshore.csv.gz").unlink()


# periods and the horizon
@case("periods-do-not-fit", ["settings: periods 2020–2058 in steps of 5 do not fit",
                             "expected last_period − first_period to be a non-negative multiple"],
      sets=["last_period=2058"])
def _(ds):
    pass


@case("tables-short-of-horizon", ["demand.csv: region Central, East", "years 2020–2060 do not cover "
                                  "the horizon 2020–2070", "at or after 2070"], n=3,
      sets=["last_period=2070"])
def _(ds):
    pass


@case("demand-stops-early", ["demand.csv: region North: years 2020–2055 do not cover the horizon "
                             "2020–2060", "expected rows at or before 2020 and at or after 2060"])
def _(ds):
    edit(ds, "demand.csv", lambda df: df[~((df["region"] == "North") & (df["year"] == "2060"))])


# the CO2 cap path
@case("cap-rises-after-peak", ["co2_caps.csv: row {row} (path=3060, year=2045): column 'co2_cap_mt': "
                               "found 2500 Mt, a rise from 2330 Mt in 2040", "allow_cap_increase"])
def _(ds):
    return {"row": set_cell(ds, "co2_caps.csv", {"path": "3060", "year": "2045"}, "co2_cap_mt", "2500")}


# rules across columns and tables
@case("storage-duration-min-above-max", ["techs.csv: row {row} (tech=battery): column "
                                         "'storage_duration_min_h': found 10 > storage_duration_max_h 8",
                                         "expected min ≤ max"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "battery"}, "storage_duration_min_h", "10")}


@case("thermal-without-fuel", ["techs.csv: row {row} (tech=gas_peaker): column 'fuel': blank; expected "
                               "a fuel from fuels.csv", "thermal technology needs it"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "gas_peaker"}, "fuel", "")}


@case("thermal-without-efficiency", ["techs.csv: row {row} (tech=biomass): column 'efficiency': blank; "
                                     "expected a value [fraction]", "thermal technology needs it"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "biomass"}, "efficiency", "")}


@case("variable-without-profile", ["techs.csv: row {row} (tech=wind_offshore): column 'profile': blank; "
                                   "expected one of wind_onshore", "variable technology needs it"])
def _(ds):
    return {"row": set_cell(ds, "techs.csv", {"tech": "wind_offshore"}, "profile", "")}


@case("existing-above-potential", ["potentials.csv: row {row} (region=North, tech=hydro): column "
                                   "'max_gw': found 0.1 GW; expected ≥ the existing base-year capacity",
                                   "of hydro in North (existing.csv)"])
def _(ds):
    return {"row": set_cell(ds, "potentials.csv", {"region": "North", "tech": "hydro"}, "max_gw", "0.1")}


@case("line-to-itself", ["lines.csv: row {row} (line=Central-East): column 'to_region': found 'Central', "
                         "the same as from_region; expected another region"])
def _(ds):
    return {"row": set_cell(ds, "lines.csv", {"line": "Central-East"}, "to_region", "Central")}


@case("cohort-after-history", ["existing.csv: row {row} (region=North, tech=coal, build_year=2026): "
                               "column 'build_year': found 2026; expected ≤ history_until 2025"])
def _(ds):
    return {"row": set_cell(ds, "existing.csv", {"region": "North", "tech": "coal", "build_year": "2005"},
                            "build_year", "2026")}


@case("policy-path-missing", ["setting co2_cap='3070': no such path in co2_caps.csv",
                              "did you mean '3060'?", "expected one of: 1.5C, 3060"],
      sets=["co2_cap=3070"])
def _(ds):
    pass


@case("carbon-price-path-missing-in-yaml", ["setting ets='ets_curent': no such path in "
                                            "carbon_prices.csv", "did you mean 'ets_current'?"])
def _(ds):
    replace_text(ds, "scenarios.yaml", "ets: ets_current", "ets: ets_curent")


@case("storage-potential-of-a-generator", ["storage_potentials.csv: row {row} (region=North, tech=coal): "
                                           "column 'tech': found 'coal' of kind 'thermal'; expected a storage "
                                           "technology"])
def _(ds):
    return {"row": append_row(ds, "storage_potentials.csv", {"region": "North", "tech": "coal", "max_gwh": "5"})}


@case("storage-potential-below-existing", ["storage_potentials.csv: row {row} (region=North, tech=pumped_hydro): "
                                           "column 'max_gwh': found 1 GWh; expected ≥ the existing energy "
                                           "capacity"])
def _(ds):
    return {"row": append_row(ds, "storage_potentials.csv",
                              {"region": "North", "tech": "pumped_hydro", "max_gwh": "1"})}


# scenarios.yaml and overrides
@case("malformed-yaml", ["scenarios.yaml: line 12, column 2: malformed YAML",
                         "could not find expected ':'"])
def _(ds):
    replace_text(ds, "scenarios.yaml", "  reserve_margin: 0.15", "  reserve_margin 0.15\n x: [")


@case("unknown-scenario", ["scenarios.yaml: no scenario '3061'", "did you mean '3060'?",
                           "known: reference, 3060, 1.5C"], scenario="3061")
def _(ds):
    pass


@case("unknown-setting-in-yaml", ["scenarios.yaml [defaults]: unknown setting 'reserve_margn'",
                                  "did you mean 'reserve_margin'?"])
def _(ds):
    replace_text(ds, "scenarios.yaml", "  reserve_margin:", "  reserve_margn:")


@case("setting-out-of-range-in-yaml", ["scenarios.yaml [defaults]: setting 'discount_rate': found 2; "
                                       "expected a value less than or equal to 0.3"])
def _(ds):
    replace_text(ds, "scenarios.yaml", "discount_rate: 0.06", "discount_rate: 2")


@case("setting-out-of-range-by-set", ["--set 'discount_rate=2': setting 'discount_rate': found 2; "
                                      "expected a value less than or equal to 0.3"],
      sets=["discount_rate=2"])
def _(ds):
    pass


@case("setting-not-a-number-by-set", ["--set 'days=many': setting 'days': found 'many'; "
                                      "expected a whole number"], sets=["days=many"])
def _(ds):
    pass


@case("solver-option-writes-a-file", ["--set 'solver_options={{log_file: /etc/x.log}}': setting "
                                      "'solver_options'", "solver options that read or write files are not "
                                      "allowed: log_file"], sets=["solver_options={log_file: /etc/x.log}"])
def _(ds):
    pass


@case("unknown-parameter-by-set", ["--set 'capx[coal]*=0.9': unknown parameter 'capx'",
                                   "did you mean 'capex'?"], sets=["capx[coal]*=0.9"])
def _(ds):
    pass


@case("unknown-setting-by-set", ["--set 'reserve_margn=0.1': unknown parameter 'reserve_margn'",
                                 "did you mean 'reserve_margin'?"], sets=["reserve_margn=0.1"])
def _(ds):
    pass


@case("unknown-parameter-in-yaml-set", ["scenarios.yaml [scenario 1.5C] set 'capx[coal_ccs]*=0.9': "
                                        "unknown parameter 'capx'", "did you mean 'capex'?"],
      scenario="1.5C")
def _(ds):
    replace_text(ds, "scenarios.yaml", '    co2_cap: "1.5C"',
                 '    co2_cap: "1.5C"\n    set:\n      "capx[coal_ccs]": "*0.9"')


@case("set-value-not-a-number", ["--set 'capex[coal]*=cheap': found factor 'cheap'; expected a number "
                                 "for costs.capex_cny_per_kw"], sets=["capex[coal]*=cheap"])
def _(ds):
    pass


@case("set-selector-unknown-key-column", ["--set 'capex[technology=coal]*=2': 'technology' is not a key "
                                          "column of costs.csv", "expected one of tech, year"],
      sets=["capex[technology=coal]*=2"])
def _(ds):
    pass


@case("set-selector-unknown-key-value", ["--set 'capex[cole,2030]=1': no row of costs.csv has tech=cole",
                                         "did you mean 'coal'?"], sets=["capex[cole,2030]=1"])
def _(ds):
    pass


@case("set-selector-too-many-keys", ["--set 'capex[coal,2030,North]=1': found 3 keys; costs.csv has key "
                                     "(tech, year), expected at most 2"], sets=["capex[coal,2030,North]=1"])
def _(ds):
    pass


@case("set-pushes-cost-negative", ["--set 'capex[coal]*=-1': costs.csv: row {row} (tech=coal, year=2020): "
                                   "column 'capex_cny_per_kw': found -3500 after the override; expected a "
                                   "value ≥ 0 [CNY/kW]", "more rows like it"], sets=["capex[coal]*=-1"])
def _(ds):
    return {"row": row_of(ds, "costs.csv", {"tech": "coal", "year": "2020"})}


@case("yaml-set-pushes-efficiency-above-1", ["scenarios.yaml [scenario 1.5C] set 'efficiency[coal]=1.5': "
                                             "techs.csv: row {row} (tech=coal): column 'efficiency': found "
                                             "1.5 after the override; expected a value in (0, 1]"],
      scenario="1.5C")
def _(ds):
    replace_text(ds, "scenarios.yaml", '    co2_cap: "1.5C"',
                 '    co2_cap: "1.5C"\n    set:\n      "efficiency[coal]": 1.5')
    return {"row": row_of(ds, "techs.csv", {"tech": "coal"})}


@case("set-potential-below-existing", ["potentials.csv: row {row} (region=North, tech=hydro): column "
                                       "'max_gw': found 1 GW; expected ≥ the existing base-year capacity",
                                       "(after the overrides: --set 'potential[North,hydro]=1')"],
      sets=["potential[North,hydro]=1"])
def _(ds):
    return {"row": row_of(ds, "potentials.csv", {"region": "North", "tech": "hydro"})}


@case("files-block-unknown-table", ["scenarios.yaml [scenario demand_high]: files: 'demnd' is not a table",
                                    "did you mean 'demand'?"], scenario="demand_high")
def _(ds):
    replace_text(ds, "scenarios.yaml", "files: { demand: demand_high.csv }",
                 "files: { demnd: demand_high.csv }")


@pytest.mark.parametrize("corrupt, expect, n, scenario, sets", CASES)
def test_bad_input_is_reported(ds, corrupt, expect, n, scenario, sets):
    values = corrupt(ds) or {}
    problems = problems_of(ds, scenario, sets)
    line_with(problems, *[part.format(**values) for part in expect])
    if n is not None:
        assert len(problems) == n, "\n".join(problems)


# -- the hostile cases of issue 15, on a tiny dataset (one region, gas and solar) -----------------------
TINY_CASES = []


def tiny_case(id_, expect, sets=()):
    def deco(fn):
        TINY_CASES.append(pytest.param(fn, expect, list(sets), id=id_))
        return fn
    return deco


def _tiny(folder: Path) -> Path:
    return factory.write(
        folder, techs=[{"tech": "gas", "fuel": "none", "efficiency": 1},
                       {"tech": "pv", "kind": "variable", "profile": "solar_utility"}],
        costs=[{"tech": "gas", "capex_cny_per_kw": 1000}, {"tech": "pv", "capex_cny_per_kw": 3000}],
        profiles={"solar_utility": {"A": factory.hours_profile([0] * 6 + [0.5] * 12 + [0] * 6)}},
        settings={"days": 1})


def _profile(ds, fn, name="solar_utility"):
    path = ds / "profiles" / f"{name}.csv"
    fn(pd.read_csv(path, dtype=str, keep_default_na=False)).to_csv(path, index=False)


@tiny_case("lifetime-1e-300", ["techs.csv: row 2 (tech=gas): column 'lifetime_yr': found 1e-300; expected "
                               "a value in [1, 200] [yr], the plausible range for yr (check the units)"])
def _(ds):
    set_cell(ds, "techs.csv", {"tech": "gas"}, "lifetime_yr", "1e-300")


@tiny_case("capex-1e308", ["costs.csv: row 2 (tech=gas, year=2000): column 'capex_cny_per_kw': found "
                           "1e+308; expected a value in [0, 1,000,000] [CNY/kW]"])
def _(ds):
    set_cell(ds, "costs.csv", {"tech": "gas", "year": "2000"}, "capex_cny_per_kw", "1e308")


@tiny_case("year-1e19", ["costs.csv: row 2 (tech=gas", "column 'year': found", "expected a value in "
                         "[1900, 2200] [year]"])
def _(ds):
    set_cell(ds, "costs.csv", {"tech": "gas", "year": "2000"}, "year", "10000000000000000000")


@tiny_case("voll-inf", ["setting 'value_of_lost_load_cny_per_mwh': found inf; expected a finite number"],
           sets=["value_of_lost_load_cny_per_mwh=.inf"])
def _(ds):
    pass


@tiny_case("nan-text-in-optional-column", ["techs.csv: row 2 (tech=gas): column 'efficiency': found 'NaN'; "
                                           "expected a number or a blank cell [fraction]"])
def _(ds):
    set_cell(ds, "techs.csv", {"tech": "gas"}, "efficiency", "NaN")


@tiny_case("duplicated-column", ["costs.csv: column 'capex_cny_per_kw' appears more than once; expected "
                                 "each column once"])
def _(ds):
    text = (ds / "costs.csv").read_text().splitlines()
    (ds / "costs.csv").write_text("\n".join([text[0] + ",capex_cny_per_kw"] + [r + ",1" for r in text[1:]]))


@tiny_case("profile-hours-reversed", ["profiles/solar_utility.csv: row 2: column 'hour': found '8759'; "
                                      "expected 0 (hours 0…8759, each once, in increasing order)"])
def _(ds):
    _profile(ds, lambda df: df.iloc[::-1])


@tiny_case("profile-hours-one-based", ["profiles/solar_utility.csv: column 'hour': found hours 1…8760; "
                                       "expected 0…8759 (hour-beginning: subtract 1)"])
def _(ds):
    _profile(ds, lambda df: df.assign(hour=(df["hour"].astype(int) + 1).astype(str)))


@tiny_case("profile-hour-duplicate", ["profiles/solar_utility.csv: row 12: column 'hour': found '9'; "
                                      "expected 10"])
def _(ds):
    def fn(df):
        df.loc[10, "hour"] = "9"
        return df
    _profile(ds, fn)


@tiny_case("profile-region-twice", ["profiles/solar_utility.csv: column 'A' appears more than once; "
                                    "expected one column per region"])
def _(ds):
    path = ds / "profiles" / "solar_utility.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",A"] + [r + ",0" for r in lines[1:]]) + "\n")


@tiny_case("profile-csv-beside-gz", ["profiles/solar_utility.csv.gz and profiles/solar_utility.csv: both "
                                     "exist; expected one of them"])
def _(ds):
    df = pd.read_csv(ds / "profiles" / "solar_utility.csv")
    df.to_csv(ds / "profiles" / "solar_utility.csv.gz", index=False)


@tiny_case("profile-nan-is-not-blank", ["profiles/solar_utility.csv: row 12 (hour=10): column 'A': found "
                                        "'NaN'; expected a number (1 such cell)"])
def _(ds):
    def fn(df):
        df.loc[10, "A"] = "NaN"
        return df
    _profile(ds, fn)


@tiny_case("profile-blank", ["profiles/solar_utility.csv: row 12 (hour=10): column 'A': blank; expected a "
                             "number (1 such cell)"])
def _(ds):
    def fn(df):
        df.loc[10, "A"] = ""
        return df
    _profile(ds, fn)


@tiny_case("header-only-techs", ["techs.csv: no rows (only a header); expected at least one tech (the model "
                                 "needs technologies)"])
def _(ds):
    (ds / "techs.csv").write_text((ds / "techs.csv").read_text().splitlines()[0] + "\n")


@pytest.mark.parametrize("corrupt, expect, sets", TINY_CASES)
def test_hostile_input_is_reported(tmp_path, corrupt, expect, sets):
    ds = _tiny(tmp_path / "ds")
    corrupt(ds)
    line_with(problems_of(ds, "test", sets), *expect)


def test_header_only_techs_is_one_line(tmp_path):
    """Not one line per row of costs.csv and existing.csv that names a technology."""
    ds = _tiny(tmp_path / "ds")
    (ds / "techs.csv").write_text((ds / "techs.csv").read_text().splitlines()[0] + "\n")
    assert len(problems_of(ds, "test")) == 1


# -- the same checks pass on good input ----------------------------------------------------------
@pytest.mark.parametrize("scenario", ["reference", "3060", "demand_high"])
def test_default_dataset_is_valid(scenario):
    inputs = load_inputs(CHINA7, scenario)
    assert len(inputs.tables["regions"]) == 7 and "load" in inputs.profiles


def test_allow_cap_increase_permits_a_rising_cap(ds):
    set_cell(ds, "co2_caps.csv", {"path": "3060", "year": "2045"}, "co2_cap_mt", "2500")
    line_with(problems_of(ds), "co2_caps.csv", "allow_cap_increase")
    inputs = load_inputs(ds, "3060", ["allow_cap_increase=true"])
    assert inputs.settings.allow_cap_increase


def test_overrides_within_bounds_are_applied(ds):
    base = load_inputs(ds, "3060").tables["costs"]
    got = load_inputs(ds, "3060", ["capex[coal]*=0.5", "efficiency[coal]=0.45"])
    coal = base["tech"] == "coal"
    assert np.allclose(got.tables["costs"].loc[coal, "capex_cny_per_kw"],
                       base.loc[coal, "capex_cny_per_kw"] * 0.5)
    assert got.tables["techs"].set_index("tech").at["coal", "efficiency"] == 0.45
    assert got.tables["costs"]["year"].dtype == np.int64


# -- a tiny generated dataset (tests/factory.py) -------------------------------------------------
def tiny(folder: Path, **kw) -> Path:
    spec = dict(regions=("A", "B"),
                techs=[{"tech": "gas", "fuel": "gas", "efficiency": 0.5},
                       {"tech": "battery", "kind": "storage", "round_trip_efficiency": 0.81,
                        "storage_duration_max_h": 4}],
                costs=[{"tech": "gas", "capex_cny_per_kw": 3000},
                       {"tech": "battery", "capex_cny_per_kw": 500}],
                fuels=[("gas", 0.056, False)],
                lines=[("A-B", "A", "B", 1, 500, 1, 0, 0, 0, 0.01, "", 40)])
    spec.update(kw)
    return factory.write(folder, **spec)


def test_tiny_dataset_is_valid(tmp_path):
    inputs = load_inputs(tiny(tmp_path / "ds"), "test")
    assert list(inputs.tables["regions"]["region"]) == ["A", "B"]


def test_tiny_dataset_bad_values(tmp_path):
    ds = tiny(tmp_path / "ds",
              techs=[{"tech": "gas", "fuel": "gas", "efficiency": 0.5},
                     {"tech": "battery", "kind": "storage", "round_trip_efficiency": 0.81,
                      "storage_duration_min_h": 8, "storage_duration_max_h": 4}],
              lines=[("A-A", "A", "A", 1, 500, 1, 0, 0, 0, 0.01, "", 40)],
              existing=[("A", "gas", 2019, -1, 0)])
    problems = problems_of(ds, "test")
    line_with(problems, "techs.csv: row 3 (tech=battery): column 'storage_duration_min_h': found 8 > "
                        "storage_duration_max_h 4")
    line_with(problems, "lines.csv: row 2 (line=A-A): column 'to_region': found 'A', the same as from_region")
    line_with(problems, "existing.csv: row 2 (region=A, tech=gas, build_year=2019): column 'capacity_gw': "
                        "found -1; expected a value ≥ 0 [GW]")
    assert len(problems) == 3, "\n".join(problems)


# -- all problems of a run are reported together -------------------------------------------------
def test_problems_in_several_files_are_reported_together(ds):
    cost_row = set_cell(ds, "costs.csv", {"tech": "coal", "year": "2030"}, "capex_cny_per_kw", "-1")
    ex_row = set_cell(ds, "existing.csv", {"region": "North", "tech": "coal", "build_year": "2005"},
                      "region", "Nort")
    tech_row = set_cell(ds, "techs.csv", {"tech": "coal"}, "efficiency", "1.2")

    def fn(df):
        df.loc[10, "East"] = "2"
        return df
    edit(ds, "profiles/wind_onshore.csv.gz", fn)
    replace_text(ds, "scenarios.yaml", "  reserve_margin:", "  reserve_margn:")
    problems = problems_of(ds, "3060", ["capx[coal]*=0.9", "fuel_price[gas]*=-1"])
    expected = [
        ("scenarios.yaml [defaults]: unknown setting 'reserve_margn'",),
        ("--set 'capx[coal]*=0.9': unknown parameter 'capx'",),
        (f"costs.csv: row {cost_row} (tech=coal, year=2030): column 'capex_cny_per_kw': found -1",),
        (f"existing.csv: row {ex_row} (region=Nort, tech=coal, build_year=2005)", "unknown region 'Nort'"),
        (f"techs.csv: row {tech_row} (tech=coal): column 'efficiency': found 1.2",),
        ("--set 'fuel_price[gas]*=-1': fuel_prices.csv: row", "found -", "after the override"),
        ("profiles/wind_onshore.csv.gz: row 12 (hour=10): column 'East': found capacity factor 2",),
    ]
    for parts in expected:
        line_with(problems, *parts)
    assert len(problems) == len(expected), "\n".join(problems)


def test_unknown_scenario_still_checks_tables_and_sets(ds):
    row = set_cell(ds, "demand.csv", {"region": "South", "year": "2030"}, "demand_twh", "-1")
    problems = problems_of(ds, "306", ["capex[coal]*=x"])
    line_with(problems, "scenarios.yaml: no scenario '306'", "did you mean '3060'?")
    line_with(problems, "--set 'capex[coal]*=x': found factor 'x'; expected a number")
    line_with(problems, f"demand.csv: row {row} (region=South, year=2030): column 'demand_twh': found -1")
    assert len(problems) == 3, "\n".join(problems)


def test_apply_overrides_reports_every_bad_override():
    costs = pd.DataFrame({"tech": ["coal", "gas"], "year": [2020, 2020], "capex_cny_per_kw": [1.0, 2.0]})
    with pytest.raises(InputError) as info:
        apply_overrides({"costs": costs}, ["capex[cole]*=2", "capex[coal]=x", "capx=1", "capex[gas]*=2"])
    assert len(info.value.problems) == 3
    line_with(info.value.problems, "--set 'capex[cole]*=2'", "did you mean 'coal'?")
    line_with(info.value.problems, "--set 'capex[coal]=x'", "expected a number [CNY/kW]")
    line_with(info.value.problems, "--set 'capx=1'", "unknown parameter 'capx'")


def test_nothing_is_built_or_solved_on_bad_input(ds, monkeypatch):
    import model.run.single as api
    import model.run.solved as solved

    def boom(*a, **k):
        raise AssertionError("the model was built or solved despite bad input")
    monkeypatch.setattr(api, "prepare", boom)
    monkeypatch.setattr(api, "build", boom)
    monkeypatch.setattr(solved, "solve", boom)
    out = ds.parent / "results"
    with pytest.raises(InputError) as info:
        api.run_scenario(ds, "3060", ["capex[coal]*=-1"], out=out)
    line_with(info.value.problems, "--set 'capex[coal]*=-1'", "after the override")
    assert not out.exists()


# -- the command line ----------------------------------------------------------------------------
def cli(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_validate_exits_2_with_problems_on_stderr(ds):
    row = set_cell(ds, "costs.csv", {"tech": "coal", "year": "2030"}, "capex_cny_per_kw", "abc")
    res = cli("validate", "--inputs", ds, "--scenario", "3060", "--set", "capex[gas_ccgt]*=-1")
    assert res.returncode == 2, res.stderr
    assert "Input problems (2):" in res.stderr
    assert (f"costs.csv: row {row} (tech=coal, year=2030): column 'capex_cny_per_kw': found 'abc'; "
            f"expected a number [CNY/kW]") in res.stderr
    assert "--set 'capex[gas_ccgt]*=-1': costs.csv: row" in res.stderr
    assert "Traceback" not in res.stderr and "valid" not in res.stdout


def test_cli_validate_accepts_good_input():
    res = cli("validate", "--inputs", CHINA7, "--scenario", "3060")
    assert res.returncode == 0, res.stderr
    assert "is valid" in res.stdout


def test_cli_run_with_bad_input_writes_nothing(ds, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (ds / "techs.csv").write_text((ds / "techs.csv").read_text().replace("coal,Coal (unabated),thermal,coal",
                                                                         "coal,Coal (unabated),thermal,"))
    res = cli("run", "--inputs", ds, "--scenario", "3060", "--no-figures", cwd=work)
    assert res.returncode == 2, res.stderr
    assert "techs.csv: row 2 (tech=coal): column 'fuel': blank" in res.stderr
    res = cli("run", "--inputs", ds, "--scenario", "3060", "--out", work / "out", "--no-figures",
              "--set", "co2_cap=none_such", cwd=work)
    assert res.returncode == 2, res.stderr
    assert "setting co2_cap='none_such': no such path in co2_caps.csv" in res.stderr
    assert list(work.iterdir()) == [], "a results folder was written despite bad input"


def test_demand_growth_scales_growth_not_the_base_year():
    """demand_growth*=0.5 halves each region's growth above its last statistics year (history_until:
    2025 in china7) and leaves 2020 and 2025 alone: history stays data."""
    base = load_inputs(CHINA7, "3060", []).tables["demand"].set_index(["region", "year"])["demand_twh"]
    half = load_inputs(CHINA7, "3060", ["demand_growth*=0.5"]).tables["demand"].set_index(
        ["region", "year"])["demand_twh"]
    first = base.xs(2025, level="year").reindex(base.index.get_level_values("region")).to_numpy()
    years = base.index.get_level_values("year")
    want = np.where(years > 2025, first + 0.5 * (base.to_numpy() - first), base.to_numpy())
    np.testing.assert_allclose(half.reindex(base.index).to_numpy(), want)
    assert half.xs(2020, level="year").equals(base.xs(2020, level="year"))
    assert half.xs(2025, level="year").equals(base.xs(2025, level="year"))
    assert (half.xs(2060, level="year") < base.xs(2060, level="year")).all()
    with pytest.raises(InputError) as err:
        load_inputs(CHINA7, "3060", ["demand_growth=2"])
    assert "expected demand_growth*=FACTOR" in str(err.value)


def test_demand_growth_without_history_grows_from_the_first_year():
    """Without history_until the growth is measured from each region's first year."""
    from model.data.overrides import override_tables

    df = pd.DataFrame({"region": ["A", "A", "A"], "year": [2020, 2025, 2030], "demand_twh": [10.0, 20.0, 30.0]})
    none, problems, _ = override_tables({"demand": df}, ["demand_growth*=0.5"])
    assert not problems and none["demand"]["demand_twh"].tolist() == [10.0, 15.0, 20.0]
    hist, _, _ = override_tables({"demand": df}, ["demand_growth*=0.5"], growth_from=2025)
    assert hist["demand"]["demand_twh"].tolist() == [10.0, 20.0, 25.0]
