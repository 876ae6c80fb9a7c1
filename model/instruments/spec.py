"""What an instruments run is: the instruments, the uncertainty sample, and each solve as a batch member.

The cap scenario (default ``3060``) fixes the quantity; its CO2 price in the central case,

.. math::  P_p = floor_p + \\mu_p \\quad [CNY/t]

(the cap's allowance price ``co2_cap_price``: its dual ``μ`` above any floor; 0 where the scenario has no
cap), defines the two other instruments:

- ``tax``: no cap, a carbon price ``carbon_price_p + P_p`` (the tax twin: in the central case the cap's
  plan is an optimum of the tax, by LP duality);
- ``collar``: the cap with a price floor ``(1 − c) P_p`` and ceiling ``(1 + c) P_p`` (``c`` = ``--collar``,
  default 0.5; :mod:`model.lp.policies.carbon`);
- ``reference``: the reference scenario (default ``reference``: no CO2 policy), for the cost of the policy.

All four run on the same Latin-hypercube sample of the uncertain inputs of a Monte Carlo sweep file
(default ``inputs/sweeps/monte_carlo.yaml``: its parameters, distributions, seed and ``set:`` block, e.g.
the coarse time resolution; :mod:`model.sweep.spec`), and once in the central case (the file's ``set:``
only). Every solve is a member of the sweep machinery (:mod:`model.sweep.worker`): ``shared`` sets per
instrument (the file's ``set:``, ``full_year_check=false``, the instrument's own), the sample's ``--set``
strings as the member's.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.data.settings import InputError
from model.sweep.spec import Member, SweepSpec, fmt, load_spec, make_members, params_of

INSTRUMENTS = ("cap", "tax", "collar", "reference")
CENTRAL = "central"
DEFAULT_FILE = "inputs/sweeps/monte_carlo.yaml"
#: written by the driver into the instruments folder; workers write only beside it
MARKER = "instruments.json"


@dataclass
class Design:
    """The parsed options of an instruments run."""

    spec: SweepSpec
    scenario: str
    reference: str
    collar: float
    file: Path

    @property
    def shared(self) -> list[str]:
        """Sets every solve shares: the uncertainty file's ``set:`` block, no full-year check."""
        return [*self.spec.shared_sets, "full_year_check=false"]

    def base(self, instrument: str) -> str:
        return self.reference if instrument == "reference" else self.scenario


def load_design(scenario: str | None, file=None, samples: int | None = None, seed: int | None = None,
                reference: str | None = None, collar: float | None = None, inputs: str | None = None) -> Design:
    """Read the uncertainty file (a Monte Carlo sweep file) and apply the options; raise InputError.
    Options left None come from the file's ``instruments:`` block, if any (scenario: else the file's
    base; collar 0.5; reference ``reference``)."""
    path = Path(file or DEFAULT_FILE)
    spec = load_spec(path)
    block = spec.instruments
    scenario = scenario or (block.scenario if block and block.scenario else spec.base)
    collar = collar if collar is not None else (block.collar if block else 0.5)
    reference = reference or (block.reference if block else "reference")
    bad = []
    if samples is not None and samples < 1:
        bad.append(f"--samples: found {samples}; expected at least 1 sample")
    if not 0 <= collar < 1:
        bad.append(f"--collar: found {collar:g}; expected a fraction 0 ≤ c < 1 (floor and ceiling at "
                   f"(1 ∓ c) × the cap's price)")
    if bad:
        raise InputError(bad)
    if spec.design != "monte_carlo":
        raise InputError([f"{path}: found a {spec.design} design; expected a monte_carlo sweep file (its "
                          f"parameters are the uncertain inputs)"])
    mc = spec.monte_carlo.model_copy(update={k: v for k, v in (("samples", samples), ("seed", seed))
                                             if v is not None})
    update = {"monte_carlo": mc, "base": scenario, **({"inputs": inputs} if inputs else {})}
    return Design(spec.model_copy(update=update), scenario, reference, float(collar), path)


def samples_of(design: Design) -> list[Member]:
    """The Latin-hypercube sample (ids ``s000``, …) with their ``--set`` strings."""
    return make_members(design.spec)


def price_text(values: dict[int, float]) -> str:
    """{year: CNY/t} as the value of a ``--set`` (6 significant digits)."""
    return "{" + ", ".join(f"{int(p)}: {fmt(float(v))}" for p, v in values.items()) + "}"


def cap_price(key) -> dict[int, float]:
    """The cap's allowance price by period [CNY/t] from the central cap's key results (0 where no cap)."""
    price = key["co2_cap_price"].fillna(0.0) if "co2_cap_price" in key else key["co2_shadow_price"]
    return {int(p): max(float(v), 0.0) for p, v in zip(key["period"].to_numpy(), price.to_numpy())}


def instrument_sets(instrument: str, key, collar: float) -> list[str]:
    """The sets that turn the cap scenario into ``instrument``, from the central cap's key results."""
    if instrument in ("cap", "reference"):
        return []
    price = cap_price(key)
    if instrument == "tax":
        base = {int(p): float(v) for p, v in zip(key["period"].to_numpy(), key["carbon_price"].to_numpy())} \
            if "carbon_price" in key else {}
        tax = {p: base.get(p, 0.0) + v for p, v in price.items()}
        return ["co2_cap=null", "co2_price_floor=null", "co2_price_ceiling=null", f"carbon_price={price_text(tax)}"]
    if instrument == "collar":
        lo = {p: (1 - collar) * v for p, v in price.items()}
        hi = {p: (1 + collar) * v for p, v in price.items()}
        return [f"co2_price_floor={price_text(lo)}", f"co2_price_ceiling={price_text(hi)}"]
    raise ValueError(instrument)


def member_id(instrument: str, sample: str) -> str:
    return f"{instrument}_{sample}"


def jobs_for(design: Design, instrument: str, members: list[Member], common: dict, key=None) -> list[dict]:
    """One sweep-worker job per sample member (and the central case) of ``instrument``."""
    shared = design.shared + (instrument_sets(instrument, key, design.collar) if key is not None else [])
    central = Member(CENTRAL, "central case", [], {})
    out = []
    for m in [central, *members]:
        spec = {**m.spec(), "id": member_id(instrument, m.id), "instrument": instrument, "sample": m.id}
        out.append({**common, "base": design.base(instrument), "shared": shared, "member": spec})
    return out


def sample_values(design: Design, members: list[Member]) -> dict[str, np.ndarray]:
    """Each uncertain input's value per sample (the factor for ``*=`` parameters)."""
    return {p.coord: np.array([float(m.values[p.coord]) for m in members]) for p in params_of(design.spec)}
