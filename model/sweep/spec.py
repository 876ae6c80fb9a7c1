"""Sweep files: schema, validation, and the list of members (scenario variants) they define.

A sweep file (YAML) names a dataset, a base scenario, overrides shared by every member (``set``) and
exactly one design::

    one_at_a_time: {PARAM: {low: VALUE, high: VALUE}}        base + 2 members per parameter
    grid:          {PARAM: [VALUE, ...]}                     cartesian product
    monte_carlo:   {samples: N, seed: S, parameters: {PARAM: {dist: uniform, low: .., high: .., scale: true}}}

A monte_carlo file may add ``instruments: {scenario: "3060", collar: 0.5, reference: reference}``: then
``run.py sweep FILE`` compares a cap, its tax twin and a collar over the sample (:mod:`model.instruments`).

``PARAM`` is addressed like ``--set`` (``capex[coal_ccs]``, ``co2_cap_value[3060,2060]``,
``discount_rate``, ``co2_cap``). ``VALUE`` is a value (``=``) or ``"*FACTOR"`` (``*=``). An entry may
instead carry a free label as key and ``targets: [PARAM, ...]``: the same value is then applied to every
target (e.g. one factor on the capex of all CCUS technologies).

Monte Carlo values are drawn by Latin hypercube sampling (:class:`scipy.stats.qmc.LatinHypercube`
seeded with ``seed``) and inverse CDFs: ``uniform`` (low, high), ``triangular`` (low, mode, high),
``normal`` (mean, sd) and ``lognormal`` (median, sigma of the log), the last two truncated to
[low, high] when given. ``scale: true`` makes the value a factor on the base value (``*=``).
Sampled values are rounded to 6 significant digits (the same number goes into ``--set`` and results).
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from model.data.files import load_yaml
from model.batch.folders import NAME_RE  # noqa: F401 (one name rule for every batch; re-exported)
from model.data.overrides import _join_override, parse_override
from model.data.settings import PLAIN_NAME, InputError, suggest

DESIGNS = ("one_at_a_time", "grid", "monte_carlo")
#: most members a sweep file may define (a grid's product of value counts, or Monte Carlo samples)
MAX_MEMBERS = 100_000


class SweepFileError(InputError):
    """A sweep file that cannot be used; ``problems`` names the file and key of each problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OatEntry(_Strict):
    low: Any
    high: Any
    targets: list[str] | None = None


class GridEntry(_Strict):
    values: list[Any] = Field(min_length=1)
    targets: list[str] | None = None


class DistEntry(_Strict):
    dist: Literal["uniform", "triangular", "normal", "lognormal"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, gt=0)
    median: float | None = Field(None, gt=0)
    sigma: float | None = Field(None, gt=0)
    scale: bool = False
    targets: list[str] | None = None

    @model_validator(mode="after")
    def _needs(self):
        need = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"),
                "normal": ("mean", "sd"), "lognormal": ("median", "sigma")}[self.dist]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"dist '{self.dist}' needs {', '.join(need)}; missing {', '.join(missing)}")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"expected low < high; found low={self.low}, high={self.high}")
        if self.dist == "triangular" and not self.low <= self.mode <= self.high:
            raise ValueError(f"expected low <= mode <= high; found mode={self.mode}")
        return self


class MonteCarlo(_Strict):
    samples: int = Field(ge=1, le=100_000)
    seed: int = 0
    parameters: dict[str, DistEntry] = Field(min_length=1)


class InstrumentsBlock(_Strict):
    """``instruments:`` in a monte_carlo sweep file: run cap, tax twin, collar and reference over its
    sample instead of the plain sweep (:mod:`model.instruments`; ``run.py sweep FILE`` dispatches)."""

    scenario: str | None = None
    collar: float = Field(0.5, ge=0, lt=1)
    reference: str = "reference"


class SweepSpec(_Strict):
    """A parsed sweep file (see module docstring)."""

    name: str = Field(pattern=NAME_RE)
    description: str = ""
    inputs: str = "inputs/china7"
    base: str
    set: dict[str, Any] | list[str] = Field(default_factory=dict)
    one_at_a_time: dict[str, OatEntry] | None = None
    grid: dict[str, list[Any] | GridEntry] | None = None
    monte_carlo: MonteCarlo | None = None
    instruments: InstrumentsBlock | None = None

    @model_validator(mode="after")
    def _one_design(self):
        given = [d for d in DESIGNS if getattr(self, d) is not None]
        if len(given) != 1:
            raise ValueError(f"found {' and '.join(given) if given else 'none'}; expected exactly one "
                             f"of {', '.join(DESIGNS)}")
        if self.instruments is not None and given != ["monte_carlo"]:
            raise ValueError("found instruments with a " + given[0] + " design; expected instruments only "
                             "with monte_carlo (its sample is the uncertainty)")
        return self

    @property
    def design(self) -> str:
        """The design given: one_at_a_time, grid or monte_carlo."""
        return next(d for d in DESIGNS if getattr(self, d) is not None)

    @property
    def shared_sets(self) -> list[str]:
        """The ``set`` block as ``--set`` strings."""
        if isinstance(self.set, list):
            return [str(s) for s in self.set]
        return [_join_override(str(k), v) for k, v in self.set.items()]


@dataclass
class Param:
    """One swept parameter: its key in the file, coordinate name, targets and operation (``=``/``*=``)."""

    key: str
    coord: str
    targets: list[str]
    op: str


@dataclass
class Member:
    """One scenario of a sweep: stable ``id``, readable ``label``, its ``--set`` strings and the value of
    every swept parameter (factor for ``*=`` parameters; None where a member leaves it at the base)."""

    id: str
    label: str
    sets: list[str]
    values: dict[str, Any]
    varied: str = ""
    side: str = ""

    def spec(self) -> dict:
        """The member as a plain dict (stored in ``member.json``, sent to the workers)."""
        return asdict(self)


def coord_name(key: str) -> str:
    """A netCDF-safe coordinate name for a parameter key: ``capex[coal_ccs]`` -> ``capex_coal_ccs``."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", key).strip("_") or "param"
    return name if not name[0].isdigit() else f"p_{name}"


def _op(v) -> str:
    return "*=" if isinstance(v, str) and v.strip().startswith("*") else "="


def split_value(v) -> tuple[str, Any]:
    """``"*0.8"`` -> ("*=", 0.8); anything else -> ("=", v)."""
    if isinstance(v, str) and v.strip().startswith("*"):
        return "*=", float(v.strip()[1:])
    return "=", v


def fmt(v) -> str:
    """A value as written into ``--set`` text (floats with up to 6 significant digits)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) >= 1e-4 or v == 0 else repr(v)
    return str(v)


def override_texts(p: Param, value) -> list[str]:
    """The ``--set`` strings that give parameter ``p`` this value (one per target)."""
    return [f"{t}{p.op}{fmt(value)}" for t in p.targets]


# -- loading -----------------------------------------------------------------------------------------
def _pydantic_problems(err: ValidationError, path: Path) -> list[str]:
    out = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"] if not str(x).startswith(("function-after", "list[", "Grid")))
        where = f"{path}: '{loc}'" if loc else f"{path}"
        if e["type"] == "extra_forbidden":
            parent, _, key = loc.rpartition(".")
            known = {"": SweepSpec, "monte_carlo": MonteCarlo}.get(parent)
            fields = list(known.model_fields) if known else []
            out.append(f"{path}: unknown key '{loc}'{suggest(key, fields)}")
        elif e["type"] == "missing":
            out.append(f"{where}: missing; expected {_MISSING_HINT.get(loc, 'a value')}")
        else:
            msg = e["msg"].removeprefix("Value error, ")
            found = e.get("input")
            out.append(f"{where}: {msg}" if "found" in msg or isinstance(found, dict) else
                       f"{where}: {msg} (found {found!r})")
    return out


_MISSING_HINT = {"base": "the base scenario, a name in the dataset's scenarios.yaml",
                 "name": "a sweep name (letters, digits, _ . -) used for the results folder"}


def load_spec(path) -> SweepSpec:
    """Read and validate a sweep file; raise :class:`SweepFileError` listing every problem."""
    path = Path(path)
    data, problem = load_yaml(path, str(path), "valid YAML (keys with [ ] need block style or quotes; "
                                                "each key once)")
    if problem:
        raise SweepFileError([problem])
    if not isinstance(data, dict):
        raise SweepFileError([f"{path}: expected a mapping with name, base and one of {', '.join(DESIGNS)}"])
    try:
        spec = SweepSpec(**{str(k): v for k, v in data.items()})
    except ValidationError as err:
        raise SweepFileError(_pydantic_problems(err, path)) from None
    problems = check_size(spec, path) or check_parameters(spec, path)
    if problems:
        raise SweepFileError(problems)
    return spec


def check_size(spec: SweepSpec, path: Path) -> list[str]:
    """A grid parameter without values, or a grid of more than :data:`MAX_MEMBERS` members (counted,
    not built)."""
    if spec.design != "grid":
        return []
    counts = {str(k): len(e.values if isinstance(e, GridEntry) else e) for k, e in spec.grid.items()}
    empty = [k for k, n in counts.items() if n == 0]
    if empty:
        return [f"{path}: grid: '{k}': found no values; expected a list of at least one value" for k in empty]
    total = math.prod(counts.values())
    if total > MAX_MEMBERS:
        return [f"{path}: grid: found {total:,} members ({' × '.join(map(str, counts.values()))}); expected "
                f"at most {MAX_MEMBERS:,} (fewer values, or a monte_carlo design)"]
    return []


def params_of(spec: SweepSpec) -> list[Param]:
    """The swept parameters, with one operation each (``*=`` if the values are ``*FACTOR``)."""
    out = []
    entries = spec.monte_carlo.parameters if spec.design == "monte_carlo" else getattr(spec, spec.design)
    for key, e in entries.items():
        targets = getattr(e, "targets", None) or [key]
        if spec.design == "monte_carlo":
            op = "*=" if e.scale else "="
        else:
            vals = [e.low, e.high] if spec.design == "one_at_a_time" else \
                (e.values if isinstance(e, GridEntry) else e)
            ops = {_op(v) for v in vals}
            op = ops.pop() if len(ops) == 1 else "mixed"
        out.append(Param(str(key), coord_name(str(key)), [str(t) for t in targets], op))
    return out


def _raw_values(spec: SweepSpec, key: str) -> list:
    if spec.design == "one_at_a_time":
        e = spec.one_at_a_time[key]
        return [e.low, e.high]
    if spec.design == "grid":
        e = spec.grid[key]
        return e.values if isinstance(e, GridEntry) else e
    e = spec.monte_carlo.parameters[key]
    return [x for x in (e.low, e.mode, e.mean, e.median, e.high) if x is not None][:1] or [1.0]


def check_parameters(spec: SweepSpec, path: Path) -> list[str]:
    """Every parameter name and value must parse as ``--set``; unknown names get a suggestion."""
    problems = []
    for text in spec.shared_sets:
        try:
            parse_override(text, f"{path}: set {text!r}")
        except InputError as err:
            problems += err.problems
    for p in params_of(spec):
        where = f"{path}: {spec.design}: '{p.key}'"
        if p.op == "mixed":
            problems.append(f"{where}: values mix '*FACTOR' and plain values; expected one kind")
            continue
        for v in _raw_values(spec, p.key):
            try:
                op, val = split_value(v)
            except ValueError:
                problems.append(f"{where}: found {v!r}; expected a value or '*FACTOR' with a number")
                continue
            if spec.design == "monte_carlo":
                op = p.op
            for t in p.targets:
                try:
                    parse_override(f"{t}{op}{fmt(val)}", f"{where}" + (f" target '{t}'" if t != p.key else ""))
                except InputError as err:
                    problems += [x for x in err.problems if x not in problems]
    coords = [p.coord for p in params_of(spec)]
    problems += [f"{path}: {spec.design}: two parameters share the name '{c}' once made a coordinate; "
                 f"rename one" for c in sorted({c for c in coords if coords.count(c) > 1})]
    return problems


# -- members -------------------------------------------------------------------------------------------
def _ids(n: int) -> list[str]:
    width = max(3, len(str(max(n - 1, 0))))
    return [f"s{i:0{width}d}" for i in range(n)]


def make_members(spec: SweepSpec, base_values: dict | None = None) -> list[Member]:
    """Members of the sweep, in definition order (ids ``s000``, ``s001``, … follow this order).

    ``base_values`` maps a parameter key to its base value (used as the coordinate of members that do
    not vary that parameter in a one-at-a-time sweep; factors are 1 there)."""
    params = params_of(spec)
    if spec.design == "one_at_a_time":
        rows = _oat_rows(spec, params, base_values or {})
    elif spec.design == "grid":
        combos = itertools.product(*[[split_value(v)[1] for v in _raw_values(spec, p.key)] for p in params])
        rows = [(dict(zip([p.coord for p in params], c)), "", "") for c in combos]
    else:
        x = sample(spec.monte_carlo)
        rows = [({p.coord: float(x[i, j]) for j, p in enumerate(params)}, "", "") for i in range(len(x))]
    members = []
    for mid, (values, varied, side) in zip(_ids(len(rows)), rows):
        if spec.design == "one_at_a_time":  # only the varied parameter is set (none for the base)
            sets = [t for p in params if p.key == varied for t in override_texts(p, values[p.coord])]
        else:
            sets = [t for p in params for t in override_texts(p, values[p.coord])]
        members.append(Member(mid, _label(spec, params, values, varied, side, mid), sets, values, varied, side))
    return members


def _oat_rows(spec, params, base_values) -> list:
    def base(p):
        return 1.0 if p.op == "*=" else base_values.get(p.key)
    rows = [({p.coord: base(p) for p in params}, "", "base")]
    for p in params:
        e = spec.one_at_a_time[p.key]
        for side, raw in (("low", e.low), ("high", e.high)):
            values = {q.coord: base(q) for q in params}
            values[p.coord] = split_value(raw)[1]
            rows.append((values, p.key, side))
    return rows


def _label(spec, params, values, varied, side, mid) -> str:
    def one(p):
        v = values[p.coord]
        return f"{p.key} ×{fmt(v)}" if p.op == "*=" else f"{p.key}={fmt(v)}"
    if spec.design == "one_at_a_time":
        return "base" if not varied else f"{one(next(p for p in params if p.key == varied))} ({side})"
    if spec.design == "grid":
        return ", ".join(one(p) for p in params)
    return f"sample {int(mid[1:])}"


def _frozen(e: DistEntry):
    from scipy import stats

    if e.dist == "uniform":
        return stats.uniform(loc=e.low, scale=e.high - e.low)
    if e.dist == "triangular":
        return stats.triang(c=(e.mode - e.low) / (e.high - e.low), loc=e.low, scale=e.high - e.low)
    if e.dist == "normal":
        return stats.norm(loc=e.mean, scale=e.sd)
    return stats.lognorm(s=e.sigma, scale=e.median)


def sample(mc: MonteCarlo) -> np.ndarray:
    """Latin hypercube sample, shape (samples, parameters), in the distributions' units, 6 digits."""
    from scipy.stats import qmc

    d = len(mc.parameters)
    try:
        u = qmc.LatinHypercube(d=d, rng=mc.seed).random(mc.samples)
    except TypeError:  # scipy < 1.15
        u = qmc.LatinHypercube(d=d, seed=mc.seed).random(mc.samples)
    out = np.empty_like(u)
    for j, e in enumerate(mc.parameters.values()):
        dist = _frozen(e)
        lo = dist.cdf(e.low) if e.low is not None else 0.0
        hi = dist.cdf(e.high) if e.high is not None else 1.0
        x = dist.ppf(lo + u[:, j] * (hi - lo))
        if e.low is not None or e.high is not None:
            x = np.clip(x, e.low if e.low is not None else -np.inf, e.high if e.high is not None else np.inf)
        out[:, j] = [float(f"{v:.6g}") for v in x]
    return out
