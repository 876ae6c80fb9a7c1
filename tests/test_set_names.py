"""docs/set-names.md lists every name --set accepts, with unit and meaning, as the registry gives them."""
from pathlib import Path

from model.data import set_names
from model.data.overrides import parse_override
from model.data.schema import TABLES, parameters
from model.data.settings import SETTING_NAMES, Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "set-names.md"


def test_doc_is_generated_from_the_registry():
    assert DOC.read_text(encoding="utf-8") == set_names.markdown(), \
        "docs/set-names.md is stale: run python -m model.data.set_names > docs/set-names.md"


def test_every_setting_and_numeric_parameter_is_listed_with_its_unit():
    text = DOC.read_text(encoding="utf-8")
    for name in SETTING_NAMES:
        assert f"| `{name}` |" in text, name
    for name, (table, column) in parameters().items():
        col = TABLES[table].col(column)
        if col.kind in ("float", "int"):
            assert f"`{name}`" in text, name
            row = next(line for line in text.splitlines() if f"| `{table}.{column}` |" in line)
            assert f"| {col.unit or '–'} |" in row, (name, row)
    assert "| `capex`, " in text and "costs.capex_cny_per_kw" in text and "CNY/kW" in text


def test_listed_names_are_accepted_by_set():
    for name, _, default, _, _ in set_names.setting_rows():
        value = Settings.model_fields[name].default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert parse_override(f"{name}={value}").name == name
    for names, _, _, _, _ in set_names.parameter_rows():
        for name in names.replace("`", "").split(", "):
            assert parse_override(f"{name}*=1.0").column is not None


def test_units_of_settings():
    units = {n: u for n, _, _, u, _ in set_names.setting_rows()}
    assert units["discount_rate"] == "1/yr" and units["value_of_lost_load_cny_per_mwh"] == "CNY/MWh"
    assert units["days"] == "d" and units["time_limit_s"] == "s"
