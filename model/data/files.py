"""Opening what a user names: regular files of a sane size only, CSV headers as written, and YAML
without duplicate keys, deep nesting or alias bombs.

Every refusal is one problem line naming the file (``FILE: …; expected …``), so that it can be
reported with the other input problems before anything is read into memory or built.
"""
from __future__ import annotations

import csv
import gzip
import io
import os
import stat
from pathlib import Path

import yaml

#: largest input files read [bytes]: a CSV table, an hourly profile (compressed or not), a YAML file
MAX_TABLE_BYTES = 256 * 2**20
MAX_PROFILE_BYTES = 128 * 2**20
MAX_YAML_BYTES = 2**20

#: YAML limits: nesting depth, number of aliases (``*name``) and of nodes once aliases are expanded
MAX_YAML_DEPTH = 50
MAX_YAML_ALIASES = 100
MAX_YAML_NODES = 100_000


def _size(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n >= 2**20 else f"{n:,} bytes"


def file_problem(path: Path, label: str, max_bytes: int) -> str | None:
    """Why ``path`` cannot be read as an input file (None if it can): missing, a folder, not a regular
    file (a named pipe, a device such as /dev/zero, a socket), or larger than ``max_bytes``. Checked
    with ``stat`` before opening, so a pipe never blocks and a device is never read."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return f"{label}: missing file"
    except OSError as err:
        return f"{label}: cannot be read: {err.strerror or err}"
    if stat.S_ISDIR(st.st_mode):
        return f"{label}: is a folder; expected a file"
    if not stat.S_ISREG(st.st_mode):
        return f"{label}: is not a regular file (a pipe, device or socket); expected a file"
    if st.st_size > max_bytes:
        return (f"{label}: found {_size(st.st_size)}; expected at most {_size(max_bytes)} (is it the "
                f"right file?)")
    if not os.access(path, os.R_OK):
        return f"{label}: cannot be read (permission denied)"
    return None


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV file (``.gz`` too) exactly as written: duplicate names stay duplicate
    (pandas would rename the second ``x`` to ``x.1``)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        row = next(csv.reader(fh, skipinitialspace=True), [])
    return [c.strip() for c in row]


def duplicated(names: list[str]) -> list[str]:
    """Names given more than once, in order of first appearance."""
    seen: dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    return [n for n, k in seen.items() if k > 1]


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses duplicate keys (the later one would silently win), nesting deeper
    than :data:`MAX_YAML_DEPTH`, more than :data:`MAX_YAML_ALIASES` aliases and documents that expand to
    more than :data:`MAX_YAML_NODES` nodes (a "billion laughs" alias bomb)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_YAML_ALIASES} aliases (*name)", self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_YAML_DEPTH} levels", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self):
        node = super().get_single_node()
        if node is not None and _expanded(node, {}) > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None, None, f"the aliases expand to more than {MAX_YAML_NODES:,} values", node.start_mark)
        return node

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # unhashable key: reported by the constructor itself
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {str(key)[:60]!r} (first given on line {first + 1})",
                        key_node.start_mark)
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def _expanded(node, memo: dict) -> int:
    """Number of nodes once every alias is expanded (memoised per node: linear in the file)."""
    key = id(node)
    if key not in memo:
        memo[key] = 0  # a cycle counts once
        if isinstance(node, yaml.MappingNode):
            memo[key] = 1 + sum(_expanded(k, memo) + _expanded(v, memo) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            memo[key] = 1 + sum(_expanded(v, memo) for v in node.value)
        else:
            memo[key] = 1
        memo[key] = min(memo[key], MAX_YAML_NODES + 1)
    return memo[key]


def yaml_problem(err: yaml.YAMLError, label: str, hint: str) -> str:
    """One problem line for a YAML error: where (line, column), what, and ``hint``."""
    mark = getattr(err, "problem_mark", None)
    where = f": line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    context = getattr(err, "context", None)
    return f"{label}{where}: malformed YAML: {problem}{f' ({context})' if context else ''}; expected {hint}"


def load_yaml(path: Path, label: str | None = None, hint: str = "valid YAML"):
    """Parse a YAML file with :class:`StrictLoader`; return ``(data, problem)`` (one of them None)."""
    label = label or str(path)
    bad = file_problem(path, label, MAX_YAML_BYTES)
    if bad:
        return None, bad
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return None, f"{label}: cannot be read as UTF-8 text: {err}"
    try:
        return yaml.load(io.StringIO(text), Loader=StrictLoader), None  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as err:
        return None, yaml_problem(err, label, hint)
    except RecursionError:
        return None, f"{label}: malformed YAML: nested too deeply; expected {hint}"
