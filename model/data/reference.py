"""The reference part of ``docs/inputs.md``, generated from the registry (:mod:`model.data.schema`) and
:class:`~model.data.settings.Settings`: every table (required or optional, may it be empty), every
column with its unit, default and accepted range, and every setting with its default and range.

``python scripts/document_inputs.py`` rewrites the generated blocks of ``docs/inputs.md`` (between
``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``); ``tests/test_docs.py`` fails when they
are out of date.
"""
from __future__ import annotations

import re

from model.data.schema import TABLES, limits
from model.data.settings import Settings
from model.data.validate_rules import NONEMPTY


def _num(v) -> str:
    return f"{v:,.0f}" if abs(v) >= 1e4 and float(v).is_integer() else f"{v:g}"


def _range(c) -> str:
    if c.choices:
        return ", ".join(f"`{x}`" for x in c.choices)
    if c.kind == "bool":
        return "true / false"
    if c.kind == "str":
        return f"a `{c.ref.split('.')[0]}.csv` {c.ref.split('.')[1]}" if c.ref else "text"
    b = limits(c)
    lo = f"[{_num(b['ge'])}" if b["ge"] is not None else f"({_num(b['gt'])}" if b["gt"] is not None else "(−∞"
    hi = f"{_num(b['le'])}]" if b["le"] is not None else "∞)"
    return ("whole number " if c.kind == "int" else "") + f"{lo}, {hi}"


def _default(c, key) -> str:
    if c.name in key:
        return "key"
    if c.default == "":
        return "blank"
    if c.default is not None:
        return f"`{str(c.default).lower() if isinstance(c.default, bool) else c.default}`"
    return "blank = none" if c.optional else "**required**"


def tables_reference() -> str:
    """Markdown: one row per table (file, required, key, may it be empty), then one per column."""
    rows = ["| file | needed | key | rows |", "|---|---|---|---|"]
    for t in TABLES.values():
        rows.append(f"| `{t.file}` | {'required' if t.required else 'optional'} | "
                    f"{', '.join(t.key)} | {'at least one' if t.name in NONEMPTY else 'may be empty (header only)'} |")
    rows += ["", "| file | column | unit | default | accepted values |", "|---|---|---|---|---|"]
    for t in TABLES.values():
        for c in t.columns:
            rows.append(f"| `{t.file}` | `{c.name}` | {c.unit or '–'} | {_default(c, t.key)} | {_range(c)} |")
    return "\n".join(rows)


def _setting_range(info) -> str:
    bounds = {type(m).__name__: m for m in info.metadata}
    lo = f"≥ {_num(bounds['Ge'].ge)}" if "Ge" in bounds else f"> {_num(bounds['Gt'].gt)}" if "Gt" in bounds \
        else ""
    hi = f"≤ {_num(bounds['Le'].le)}" if "Le" in bounds else ""
    return ", ".join(x for x in (lo, hi) if x) or "–"


def settings_reference() -> str:
    """Markdown: every setting with its default, accepted range and meaning."""
    rows = ["| setting | default | accepted | meaning |", "|---|---|---|---|"]
    for name, info in Settings.model_fields.items():
        default = info.get_default(call_default_factory=True)
        shown = "null" if default is None else str(default).lower() if isinstance(default, bool) else \
            default if isinstance(default, str) else repr(default)
        rows.append(f"| `{name}` | `{shown}` | {_setting_range(info)} | {info.description or ''} |")
    return "\n".join(rows)


BLOCKS = {"tables": tables_reference, "settings": settings_reference}


def update(text: str) -> str:
    """``text`` (docs/inputs.md) with every generated block rewritten."""
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- generated:{name} [^>]*-->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"docs/inputs.md has no generated block '{name}'")
        text = pattern.sub(lambda m, body=make(): m.group(1) + body + "\n" + m.group(2), text)
    return text
