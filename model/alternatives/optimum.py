"""The solved scenario, loaded once: inputs and settings as the run recorded them, the LP, and the
optimum with its basis (what every alternative is warm-started from).

A results folder's ``results.nc`` records the dataset folder (``inputs``), the scenario, every setting
(``settings``, JSON), the table overrides (``overrides``) and the input checksum. :func:`reload_run`
reads the dataset again with exactly these and refuses (:class:`InputError`) a folder that is not a
results folder, a dataset that changed since the run, myopic foresight (alternatives need one LP over
the whole horizon) and solvers other than HiGHS (the warm start needs its basis).

:func:`solve_optimum` solves the LP once with the run's HiGHS options (crossover forced on, so that
there is a basis) and keeps the basis in the LP's own column and row order, so that an instance
loaded by any route on any worker can take it. :func:`cached_optimum` keeps it in
``<results>/alternatives/optimum.npz`` for resumed runs.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
from pydantic import ValidationError

from model.batch.folders import atomic_write
from model.data.overrides import _join_override
from model.data.read import Inputs, load_inputs
from model.data.scenarios import load_scenario
from model.data.settings import InputError, Settings, _settings_problems
from model.lp.solve import load_arrays, run_highs
from model.run.solved import solver_options

log = logging.getLogger(__name__)

#: relative difference between the re-solved and the recorded optimum that is reported
MISMATCH = 1e-6


@dataclass
class Optimum:
    """Everything a worker needs, sent to each worker once: the model (LP, accumulators, prepared data,
    settings), the optimum (objective [bn CNY], solution, basis in LP order), the compiled objectives and
    the attributes of the run's results."""

    key: str
    lp: object
    acc: object
    data: xr.Dataset
    settings: Settings
    objective: float
    x: np.ndarray
    col_status: np.ndarray
    row_status: np.ndarray
    groups: dict
    spread_cols: np.ndarray
    spread_group: np.ndarray
    options: dict
    spread_min_gw: float = 0.01
    attrs: dict = field(default_factory=dict)
    dual_based: tuple = ()


def _settings_sets(scenario_settings: Settings, settings: Settings) -> list[str]:
    """``--set`` texts that turn the scenario's own settings into the recorded ones."""
    base, want = scenario_settings.model_dump(), settings.model_dump()
    return [_join_override(k, v) for k, v in want.items() if base.get(k) != v]


def _recorded(results_dir: Path) -> tuple[xr.Dataset, Settings]:
    path = results_dir / "results.nc"
    if not path.is_file():
        raise InputError([f"{results_dir}: no results.nc here; expected a results folder of 'run.py run'"])
    ds = xr.load_dataset(path)
    missing = [k for k in ("inputs", "scenario", "settings", "input_checksum") if k not in ds.attrs]
    if missing:
        raise InputError([f"{path}: attributes {', '.join(missing)} missing; expected the results of "
                          f"'run.py run'"])
    try:
        settings = Settings.model_validate_json(ds.attrs["settings"])
    except ValidationError as err:
        raise InputError(_settings_problems(err, f"{path}: attribute 'settings'")) from None
    return ds, settings


def reload_run(results_dir) -> tuple[Inputs, xr.Dataset]:
    """The run's inputs, read again with its scenario, settings and overrides, and its results."""
    results_dir = Path(results_dir)
    ds, settings = _recorded(results_dir)
    a = ds.attrs
    where = f"{results_dir / 'results.nc'}"
    folder = Path(a["inputs"])
    if not folder.is_dir():
        raise InputError([f"{where}: the run's dataset folder '{folder}' is not found from here; expected "
                          f"to run from the folder the run was made in"])
    if settings.foresight != "perfect":
        raise InputError([f"{where}: foresight '{settings.foresight}'; expected a perfect-foresight run "
                          f"(alternatives need one LP over the whole horizon)"])
    if settings.solver != "highs":
        raise InputError([f"{where}: solver '{settings.solver}'; expected a run solved by HiGHS (the "
                          f"alternatives are warm-started from its basis)"])
    scen = load_scenario(folder / "scenarios.yaml", a["scenario"])
    recorded = [t for t in str(a.get("overrides", "")).split("; ") if t]
    if recorded[:len(scen.overrides)] != scen.overrides:
        raise InputError([f"{where}: the recorded overrides do not start with scenario '{a['scenario']}''s "
                          f"own; expected an unchanged scenarios.yaml"])
    inputs = load_inputs(folder, a["scenario"], recorded[len(scen.overrides):]
                         + _settings_sets(scen.settings, settings))
    if inputs.checksum != a["input_checksum"]:
        raise InputError([f"{folder}: input checksum {inputs.checksum} differs from {a['input_checksum']} of "
                          f"the run in {results_dir}; expected the dataset unchanged since the run (run it "
                          f"again first)"])
    inputs.scenario = dataclasses.replace(inputs.scenario, settings=settings)
    return inputs, ds


def check_days(data: xr.Dataset, results: xr.Dataset, results_dir) -> None:
    """The representative days chosen again must be the run's."""
    if "source_day" in results and not np.array_equal(data["source_day"].to_numpy(),
                                                      results["source_day"].to_numpy()):
        raise InputError([f"{results_dir}: the representative days chosen again differ from the run's; "
                          f"expected the same days (same dataset and settings)"])


def optimum_key(inputs: Inputs, lp) -> str:
    """What identifies the optimum: inputs, scenario, settings, overrides and the LP's size."""
    import highspy

    text = json.dumps([inputs.checksum, inputs.scenario.name, inputs.settings.model_dump_json(),
                       inputs.scenario.overrides, lp.size(), highspy.Highs().version()], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def solve_optimum(lp, settings: Settings) -> dict:
    """Solve the LP with the run's HiGHS options (crossover on); objective [bn CNY], x, basis (LP
    order, HiGHS status codes) and solve time [s]."""
    opts = solver_options(settings)
    opts.route = "arrays"
    opts.options = {**opts.options, "run_crossover": "on"}
    handle = load_arrays(lp, opts)
    sol = run_highs(handle)
    basis = handle.highs.getBasis()
    col = np.empty(handle.n_cols, np.int8)
    row = np.empty(handle.n_rows, np.int8)
    col[handle.col_map] = [int(s) for s in basis.col_status]
    row[handle.row_map] = [int(s) for s in basis.row_status]
    return {"objective": sol.objective, "x": sol.x, "col_status": col, "row_status": row,
            "solve_s": sol.timings["solve_s"], "simplex_iterations": sol.info["simplex_iterations"],
            "ipm_iterations": sol.info["ipm_iterations"]}


def cached_optimum(path: Path, key: str, lp, settings: Settings) -> tuple[dict, bool]:
    """The optimum from ``path`` (``optimum.npz``) when it was saved for ``key``, else solved and saved;
    returns (optimum, whether it was solved now)."""
    try:
        with np.load(path, allow_pickle=False) as f:
            if str(f["key"]) == key:
                return {k: (f[k] if f[k].ndim else f[k].item()) for k in f.files if k != "key"}, False
    except (OSError, KeyError, ValueError):
        pass
    found = solve_optimum(lp, settings)

    def save(p):
        with open(p, "wb") as fh:
            np.savez_compressed(fh, key=key, **found)
    atomic_write(path, save)
    return found, True


def dual_based(lp, acc, data: xr.Dataset, x: np.ndarray, settings: Settings) -> tuple[str, ...]:
    """Results variables computed from duals (prices, "what would it take"): those that change when
    the results of one solution are extracted with other duals (zeros, then random ones)."""
    from model.lp.solve import Solution
    from model.results.extract import extract

    rng = np.random.default_rng(0)
    out = []
    for y, d in ((np.zeros(lp.n_rows), np.zeros(lp.n_cols)), (rng.random(lp.n_rows), rng.random(lp.n_cols))):
        out.append(extract(lp, acc, data, Solution("Optimal", 0.0, x, y, d), settings))
    return tuple(k for k, v in out[0].data_vars.items() if not v.equals(out[1][k]))


def check_objective(found: float, results: xr.Dataset) -> float:
    """Relative difference of the re-solved optimum to the run's (logged when above :data:`MISMATCH`)."""
    recorded = float(results.attrs.get("objective_bn_cny", found))
    diff = abs(found - recorded) / max(abs(recorded), 1e-9)
    if diff > MISMATCH:
        log.warning("the optimum solved again (%.6f bn CNY) differs from the run's (%.6f) by %.1e; the "
                    "alternatives use the one solved again", found, recorded, diff)
    return diff
