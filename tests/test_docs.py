"""docs/inputs.md lists every table, column, default, accepted range and setting as the registry has
them (model/data/reference.py generates those blocks; python scripts/document_inputs.py rewrites them)."""
from pathlib import Path

from model.data.reference import settings_reference, tables_reference, update
from model.data.schema import TABLES
from model.data.settings import Settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "inputs.md"


def test_generated_reference_is_up_to_date():
    text = DOC.read_text(encoding="utf-8")
    assert update(text) == text, "docs/inputs.md is out of date: run python scripts/document_inputs.py"


def test_reference_names_every_column_default_and_setting():
    tables, settings = tables_reference(), settings_reference()
    for t in TABLES.values():
        for c in t.columns:
            assert f"| `{t.file}` | `{c.name}` |" in tables
    assert "| `techs.csv` | `capacity_credit` | fraction | `0.0` | [0, 1] |" in tables
    assert "| `existing.csv` | required | region, tech, build_year | may be empty (header only) |" in tables
    assert "| `techs.csv` | `lifetime_yr` | yr | **required** | [1, 200] |" in tables
    for name in Settings.model_fields:
        assert f"| `{name}` |" in settings
    assert "| `reserve_margin` | `0.15` | ≥ 0, ≤ 1 |" in settings
