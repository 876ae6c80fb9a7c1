"""The table of every name ``--set`` accepts (settings and table parameters), generated from the
registry (:mod:`model.data.schema`) and :class:`~model.data.settings.Settings`, for ``docs/set-names.md``.

``python -m model.data.set_names > docs/set-names.md`` rewrites the page; ``tests/test_set_names.py``
checks that the page is what the registry gives.
"""
from __future__ import annotations

import re
import typing

from model.data.schema import ALIASES, TABLES, parameters
from model.data.settings import Settings

#: units carried by a setting's name (the project's convention: units in names)
_SUFFIX_UNITS = (("_cny_per_mwh", "CNY/MWh"), ("_cny_per_t", "CNY/t"), ("_s", "s"))
#: units of settings whose description has no ``[unit]`` and whose name carries none
UNIT_HINTS = {"first_period": "year", "no_new_coal_after": "year", "period_years": "yr", "days": "d",
              "segments": "steps/d", "look_ahead": "periods", "demand_response_share": "fraction",
              "threads": "–"}


def setting_unit(name: str, description: str) -> str:
    """A setting's unit: the ``[unit]`` of its description, else its name's suffix, else a hint, else '–'."""
    m = re.search(r"\[([^\]]+)\]", description or "")
    if m:
        return m.group(1)
    for suffix, unit in _SUFFIX_UNITS:
        if name.endswith(suffix):
            return unit
    return UNIT_HINTS.get(name, "–")


def _type(annotation) -> str:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return " or ".join(f"`{a}`" for a in args)
    if args:
        return " or ".join(_type(a) for a in args)
    return "null" if annotation is type(None) else getattr(annotation, "__name__", str(annotation))


def _meaning(name: str) -> str:
    for suffix, _ in _SUFFIX_UNITS:
        name = name.removesuffix(suffix)
    return name.replace("_", " ")


def setting_rows() -> list[tuple[str, str, str, str, str]]:
    """(name, type, default, unit, meaning) of every setting."""
    rows = []
    for name, f in Settings.model_fields.items():
        default = f.default_factory() if f.default_factory is not None else f.default
        desc = re.sub(r"\s*\[[^\]]+\]", "", f.description or "").strip() or _meaning(name)
        rows.append((name, _type(f.annotation), "null" if default is None else str(default),
                     setting_unit(name, f.description or ""), desc))
    return rows


def parameter_rows() -> list[tuple[str, str, str, str, str]]:
    """(names, table.column, keys, unit, meaning) of every numeric table parameter (``--set`` takes
    numbers); names: every way ``--set`` addresses it (alias, bare column name, ``table.column``)."""
    names: dict[tuple[str, str], list[str]] = {}
    for name, target in parameters().items():
        if TABLES[target[0]].col(target[1]).kind in ("float", "int"):  # --set takes numbers only
            names.setdefault(target, []).append(name)
    rows = []
    for (table, column), found in names.items():
        t = TABLES[table]
        col = t.col(column)
        order = sorted(found, key=lambda n: (n not in ALIASES, "." in n, n))
        meaning = col.description or f"{t.description}: {column.replace('_', ' ')}"
        if "demand_growth" in found:
            meaning += "; demand_growth*=F scales each region's growth above its first year"
        rows.append((", ".join(f"`{n}`" for n in order), f"{table}.{column}", ", ".join(t.key),
                     col.unit or "–", meaning))
    return rows


def markdown() -> str:
    """The page ``docs/set-names.md``."""
    out = ["# Every name `--set` accepts", "",
           "Generated from the registry (`model/data/schema.py`) and `Settings` (`model/data/settings.py`) by",
           "`python -m model.data.set_names > docs/set-names.md`; `tests/test_set_names.py` keeps it in step.",
           "The same names work in `scenarios.yaml` (`set:`), on the command line (`--set`) and in sweep files.",
           "", "## Settings (`--set NAME=VALUE`)", "",
           "| name | type | default | unit | meaning |", "|---|---|---|---|---|"]
    out += [f"| `{n}` | {t} | {d} | {u} | {m.replace('|', '/')} |" for n, t, d, u, m in setting_rows()]
    out += ["", "## Table parameters", "",
            "`NAME=VALUE` sets a whole column, `NAME[KEYS]=VALUE` one cell (keys in the table's key order, "
            "or `key=value`), `NAME[KEYS]*=FACTOR` scales the matching rows. Money in real 2020 CNY.", "",
            "| names | column | keys | unit | meaning |", "|---|---|---|---|---|"]
    out += [f"| {n} | `{c}` | {k} | {u} | {m.replace('|', '/')} |" for n, c, k, u, m in parameter_rows()]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
