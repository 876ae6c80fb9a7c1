"""Alternatives files (``inputs/alternatives/*.yaml``): schema, validation, and the list of alternatives.

An alternatives file names technology groups, the periods whose group capacity is minimised and
maximised, the slacks, and how many spread-out alternatives to add::

    name: default
    slack: [0.05]                  # fractions of the optimum's total cost (--slack replaces them)
    periods: [2030, 2060]          # periods of the min/max objectives
    groups:                        # group: [TERM, ...]; a group's value is the sum of its terms
      solar: ["capacity[solar_utility]", "capacity[solar_distributed]"]
      transmission: [line_capacity]
      carbon_capture: [captured_co2]
    minmax: {groups: all, senses: [min, max]}
    spread: {count: 10}            # N spread-out (SPORES-like) alternatives per slack
    least_cost_at: [min]           # extremes reported at the least cost that reaches them
    method: auto                   # auto | warm | cold (model.alternatives.worker)
    warm_budget: 0.05              # auto: simplex iterations per LP row before solving cold

A ``TERM`` is addressed like ``--set``: ``NAME`` or ``NAME[KEYS]``, where ``NAME`` is a variable family
of the LP whose index has a ``period`` (``capacity`` [GW], ``line_capacity`` [GW], ``energy_capacity``
[GWh], ``charge_capacity`` [GW], …; alias ``transmission_capacity``) or a quantity the components
accumulate (``captured_co2`` [Mt/yr], ``emissions`` [Mt/yr], ``generation`` [TWh/yr]), and ``KEYS`` select
its rows: positionally in the order technology, region (``capacity[solar_utility]``,
``capacity[wind_onshore,East]``) or by name (``capacity[region=East]``, ``line_capacity[line=X]``). The
period is never a key: it is the objective's. Names and keys are checked against the solved model
(:mod:`model.alternatives.objectives`) before anything is solved.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from model.batch.folders import NAME_RE
from model.data.settings import InputError, suggest

#: where ``run.py alternatives`` finds its file unless ``--file`` names another
DEFAULT_FILE = Path("inputs/alternatives/default.yaml")
TERM_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\[(.*)\])?\s*$")


class AlternativesFileError(InputError):
    """An alternatives file that cannot be used; ``problems`` names the file and key of each problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MinMax(_Strict):
    groups: Literal["all"] | list[str] = "all"
    senses: list[Literal["min", "max"]] = Field(default_factory=lambda: ["min", "max"], min_length=1)


class Spread(_Strict):
    count: int = Field(0, ge=0, le=200)
    periods: list[int] | None = None
    min_gw: float = Field(0.01, ge=0, description="capacities below this count as not used [GW]")


class AlternativesSpec(_Strict):
    """A parsed alternatives file (see module docstring)."""

    name: str = Field(pattern=NAME_RE)
    description: str = ""
    slack: list[float] = Field(default_factory=lambda: [0.05], min_length=1)
    periods: list[int] = Field(default_factory=lambda: [2030, 2060], min_length=1)
    groups: dict[str, list[str]] = Field(min_length=1)
    minmax: MinMax = Field(default_factory=MinMax)
    spread: Spread = Field(default_factory=Spread)
    least_cost_at: list[Literal["min", "max"]] = Field(default_factory=lambda: ["min"], description=(
        "extremes reported at the least cost that reaches them (a second solve); others are reported as "
        "the first solve finds them"))
    method: Literal["auto", "warm", "cold"] = "auto"
    warm_budget: float = Field(0.05, ge=0, le=10, description="auto: simplex iterations a warm solve may take, "
                               "per row of the LP (at least 1,000), before it is solved cold")

    @field_validator("slack")
    @classmethod
    def _fractions(cls, v: list[float]) -> list[float]:
        bad = [s for s in v if not 0 < s <= 1]
        if bad:
            raise ValueError(f"found {bad}; expected fractions of the optimum's total cost in (0, 1], "
                             f"e.g. 0.05 for 5 %")
        return v

    @field_validator("groups")
    @classmethod
    def _group_names(cls, v: dict) -> dict:
        for name, terms in v.items():
            if not re.fullmatch(NAME_RE, str(name)):
                raise ValueError(f"group name {name!r}: expected letters, digits, '_', '.', '-'")
            if not terms:
                raise ValueError(f"group {name!r} has no terms; expected a list like "
                                 f"[\"capacity[solar_utility]\"]")
        return v


@dataclass(frozen=True)
class Term:
    """One term of a group: family ``name`` and its key selectors (positional or ``dim=value``)."""

    text: str
    name: str
    keys: tuple[str, ...]


@dataclass
class Alternative:
    """One alternative: stable ``id``; ``objective`` (a group, ``spread`` or ``optimum``), ``sense``
    (min, max, spread, none), the objective's ``period`` (0 for none), ``slack`` (fraction) and, for
    spread-out alternatives, their place ``index`` (1, 2, …) in their slack's chain."""

    id: str
    objective: str
    sense: str
    period: int
    slack: float
    index: int = 0

    def spec(self) -> dict:
        """The alternative as a plain dict (stored in ``alternative.json``, sent to the workers)."""
        return asdict(self)


def parse_term(text: str) -> Term:
    """``NAME`` or ``NAME[KEY, dim=value, ...]`` → :class:`Term`; raise ValueError if malformed."""
    m = TERM_RE.match(str(text))
    if not m:
        raise ValueError(f"cannot parse term {text!r}; expected NAME or NAME[KEYS], e.g. capacity[solar_utility]")
    keys = tuple(k.strip() for k in m.group(2).split(",")) if m.group(2) else ()
    if any(not k for k in keys):
        raise ValueError(f"term {text!r} has an empty key; expected NAME[KEY, ...]")
    return Term(str(text), m.group(1), keys)


def _problems(err: ValidationError, path: Path) -> list[str]:
    out = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"])
        if e["type"] == "extra_forbidden":
            parent, _, key = loc.rpartition(".")
            model = {"": AlternativesSpec, "minmax": MinMax, "spread": Spread}.get(parent)
            out.append(f"{path}: unknown key '{loc}'{suggest(key, list(model.model_fields) if model else [])}")
        elif e["type"] == "missing":
            out.append(f"{path}: '{loc}': missing; expected "
                       + {"name": "a name (letters, digits, _ . -)",
                          "groups": "a mapping of group: [TERM, ...]"}.get(loc, "a value"))
        else:
            msg = e["msg"].removeprefix("Value error, ")
            out.append(f"{path}: '{loc}': {msg}" + ("" if "found" in msg else f" (found {e.get('input')!r})"))
    return out


def load_spec(path) -> AlternativesSpec:
    """Read and validate an alternatives file; raise :class:`AlternativesFileError` listing every problem
    (file and key in each line). Names of groups, senses and term syntax are checked here; whether the
    terms exist in the model is checked by :func:`model.alternatives.objectives.compile_groups`."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AlternativesFileError([f"{path}: missing file"]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f": line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise AlternativesFileError([f"{path}{where}: malformed YAML: {getattr(err, 'problem', None) or err}; "
                                     f"expected valid YAML (terms with [ ] need quotes)"]) from None
    if not isinstance(data, dict):
        raise AlternativesFileError([f"{path}: expected a mapping with name and groups"])
    try:
        spec = AlternativesSpec(**{str(k): v for k, v in data.items()})
    except ValidationError as err:
        raise AlternativesFileError(_problems(err, path)) from None
    problems = []
    for group, terms in spec.groups.items():
        for i, text in enumerate(terms):
            try:
                parse_term(text)
            except ValueError as err:
                problems.append(f"{path}: 'groups.{group}.{i}': {err}")
    if spec.minmax.groups != "all":
        problems += [f"{path}: 'minmax.groups': unknown group '{g}'{suggest(g, spec.groups)}; expected one of "
                     f"{', '.join(spec.groups)}" for g in spec.minmax.groups if g not in spec.groups]
    if problems:
        raise AlternativesFileError(problems)
    return spec


def slack_tag(slack: float) -> str:
    """``0.05`` → ``5pct`` (part of alternative ids)."""
    return f"{slack * 100:.6g}pct"


def make_alternatives(spec: AlternativesSpec, slacks: list[float] | None = None) -> list[Alternative]:
    """Every alternative of the file for ``slacks`` (default: the file's): per slack, min and max of each
    chosen group in each period, then the spread-out chain."""
    out = []
    groups = list(spec.groups) if spec.minmax.groups == "all" else list(spec.minmax.groups)
    for slack in slacks or spec.slack:
        tag = slack_tag(slack)
        for g in groups:
            for p in spec.periods:
                for sense in spec.minmax.senses:
                    out.append(Alternative(f"{g}-{sense}-{p}-{tag}", g, sense, int(p), float(slack)))
        width = max(2, len(str(spec.spread.count)))
        out += [Alternative(f"spread-{k:0{width}d}-{tag}", "spread", "spread", 0, float(slack), k)
                for k in range(1, spec.spread.count + 1)]
    return out
