"""The scenario file (``scenarios.yaml``): defaults, named scenarios inheriting through ``base``, their
settings, ``set:`` overrides and ``files:`` replacements, resolved into a :class:`~model.data.settings.Scenario`.
"""
from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from model.data.files import load_yaml
from model.data.overrides import _join_override, parse_override
from model.data.schema import TABLES
from model.data.settings import (
    PLAIN_NAME,
    InputError,
    Scenario,
    Settings,
    _settings_problems,
    short,
    suggest,
)


def read_yaml(path: Path) -> dict:
    """``scenarios.yaml`` as a mapping (read by :func:`model.data.files.load_yaml`: no duplicate keys,
    no alias bombs, a regular file of a sane size)."""
    data, problem = load_yaml(path, str(path), "valid YAML (check indentation, 'key: value' colons and "
                                                "quotes; each key once)")
    if problem:
        raise InputError([problem])
    if not isinstance(data, dict):
        raise InputError([f"{path}: found {type(data).__name__ if data is not None else 'an empty file'}; "
                          f"expected a mapping with 'defaults' and 'scenarios'"])
    return data


def _known(names) -> str:
    names = [str(n) for n in names]
    return ", ".join(names[:20]) + (f", … ({len(names)} in all)" if len(names) > 20 else "")


def _inside(folder: Path, name: str) -> bool:
    """Whether ``name`` (relative, no ``..``) stays inside ``folder``, symbolic links followed."""
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts:
        return False
    root = folder.resolve()
    return (root / rel).resolve().is_relative_to(root)


SCENARIO_KEYS = ("base", "description", "set", "files")
TOP_KEYS = ("defaults", "scenarios")


def load_scenario(path: Path, name: str, extra: list[str] | None = None) -> Scenario:
    """Resolve scenario ``name`` from ``scenarios.yaml`` (following ``base``), then apply ``extra``
    ``--set`` strings. Setting overrides update the settings; table overrides are kept as strings.
    Raises :class:`InputError` listing every problem found."""
    scen, problems, _ = resolve_scenario(path, name, extra)
    if problems:
        raise InputError(problems)
    return scen


def resolve_scenario(path: Path, name: str, extra: list[str] | None = None
                     ) -> tuple[Scenario | None, list[str], dict[str, str]]:
    """Like :func:`load_scenario`, but return ``(scenario, problems, labels)`` instead of raising, so
    that the caller can report these problems together with those of the tables.

    ``scenario`` is None when the scenario cannot be resolved at all (unreadable file, unknown name);
    its ``settings`` are None when they are invalid. ``labels`` maps each table-override text to where
    it came from ("--set '...'" or "scenarios.yaml [scenario X] set '...'"), for messages.
    """
    scen, problems, labels = _resolve_scenario(Path(path), str(name), extra)
    if scen is None:  # the --set texts can still be checked
        for text in extra or []:
            try:
                parse_override(text)
            except InputError as err:
                problems += err.problems
    return scen, problems, labels


def _resolve_scenario(path: Path, name: str, extra: list[str] | None
                      ) -> tuple[Scenario | None, list[str], dict[str, str]]:
    try:
        data = read_yaml(path)
    except InputError as err:
        return None, err.problems, {}
    problems = [f"{path}: unknown top-level key '{k}'{suggest(str(k), TOP_KEYS)}; expected only "
                f"{' and '.join(TOP_KEYS)}" for k in data if k not in TOP_KEYS]
    scenarios = data.get("scenarios") or {}
    defaults = data.get("defaults") or {}
    for key, val in (("scenarios", scenarios), ("defaults", defaults)):
        if not isinstance(val, dict):
            problems.append(f"{path}: '{key}': found {type(val).__name__} {short(val)}; expected a mapping "
                            f"(name: value lines indented under '{key}:')")
    if problems and not (isinstance(scenarios, dict) and isinstance(defaults, dict)):
        return None, problems, {}
    scenarios = {str(k): v for k, v in scenarios.items()}
    if not re.fullmatch(PLAIN_NAME, name):
        problems.append(f"{path}: scenario name {short(name)}: expected a plain name (letters, digits, "
                        f"_ . -, not starting with a dot): it names the results folder")
        return None, problems, {}
    if name not in scenarios:
        problems.append(f"{path}: no scenario '{name}'{suggest(name, scenarios)}; "
                        f"known: {_known(scenarios)}")
        return None, problems, {}
    chain, cur = [], name
    while cur is not None:
        cur = str(cur)
        if cur in chain:
            problems.append(f"{path}: scenario '{name}': circular 'base' chain "
                            f"{' -> '.join(chain + [cur])}")
            return None, problems, {}
        if cur not in scenarios:
            problems.append(f"{path}: scenario '{chain[-1]}': base '{cur}' does not exist"
                            f"{suggest(cur, scenarios)}; known: {_known(scenarios)}")
            return None, problems, {}
        entry = scenarios[cur]
        if entry is not None and not isinstance(entry, dict):
            problems.append(f"{path}: scenario '{cur}': found {type(entry).__name__} {short(entry)}; "
                            f"expected a mapping of settings")
            return None, problems, {}
        chain.append(cur)
        cur = (entry or {}).get("base")
    merged: dict = dict(defaults)
    sources: dict[str, str] = {str(k): f"{path} [defaults]" for k in merged}
    overrides: list[tuple[str, str]] = []
    files: dict[str, str] = {}
    description = ""
    for key in reversed(chain):
        where = f"{path} [scenario {key}]"
        entry = dict(scenarios[key] or {})
        description = entry.pop("description", description)
        entry.pop("base", None)
        block = entry.pop("set", None) or {}
        if not isinstance(block, dict):
            problems.append(f"{where}: 'set': found {type(block).__name__} {short(block)}; expected a "
                            f"mapping of PARAMETER[KEYS]: VALUE (or '*FACTOR')")
            block = {}
        for k, v in block.items():
            text = _join_override(str(k), v)
            overrides.append((text, f"{where} set {text!r}"))
        fblock = entry.pop("files", None) or {}
        if not isinstance(fblock, dict):
            problems.append(f"{where}: 'files': found {type(fblock).__name__} {short(fblock)}; expected a "
                            f"mapping of TABLE: FILE.csv")
            fblock = {}
        for k, v in fblock.items():
            if str(k) not in TABLES:
                problems.append(f"{where}: files: {short(str(k))} is not a table{suggest(str(k), TABLES)}")
            elif not isinstance(v, str) or not v.strip():
                problems.append(f"{where}: files: '{k}': found {short(v)}; expected a file name in the "
                                f"dataset folder")
            elif not _inside(path.parent, v.strip()):
                problems.append(f"{where}: files: '{k}': found {short(v, 300)}, outside the dataset folder; "
                                f"expected a file inside {path.parent} (e.g. {k}_high.csv)")
            else:
                files[str(k)] = v.strip()
        merged.update(entry)
        sources.update({str(k): where for k in entry})
    overrides += [(text, f"--set {text!r}") for text in (extra or [])]
    table_overrides, labels = [], {}
    for text, label in overrides:
        try:
            ov = parse_override(text, label)
        except InputError as err:
            problems += err.problems
            continue
        if ov.table is None:
            merged[ov.name] = ov.value
            sources[ov.name] = label
        else:
            table_overrides.append(text)
            labels[text] = label
    try:
        settings = Settings(**{str(k): v for k, v in merged.items()})
    except ValidationError as err:
        problems += _settings_problems(err, f"{path} [scenario {name}]", sources)
        settings = None
    return Scenario(name, description, settings, table_overrides, files, list(extra or [])), problems, labels
