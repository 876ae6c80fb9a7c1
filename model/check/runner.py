"""``run.py run`` with the full-year check (and ``--accuracy``), and ``run.py check RESULTS``.

A run is solved, checked and written in one atomic write of its folder (the check's variables in
``results.nc``, ``check.csv``, ``accuracy.csv`` after ``--accuracy``). ``check`` re-creates the inputs of
an existing results folder from its attributes (dataset folder, scenario, overrides, settings; the input
checksum must match) and adds the check's outputs to that folder (:func:`model.check.output.write_check`).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import xarray as xr

from model import progress
from model.check.evaluate import CheckOptions, check_plan
from model.check.output import CHECK_CSV, add_check, check_table, write_check
from model.data.read import load_inputs
from model.data.settings import InputError, Settings
from model.run.single import solve

ACCURACY_CSV = "accuracy.csv"


def run_checked(inputs_dir, scenario: str, sets: list[str], out: Path | None, figures: bool,
                opts: CheckOptions, check: bool | None = None, accuracy: float | None = None,
                max_iterations: int | None = None, add_days: int | None = None):
    """Load, solve, check (unless ``check`` is False or the scenario's ``full_year_check`` is off),
    refine to ``accuracy`` if given, and write ``out`` (through :func:`model.run.single.run_scenario`, so
    with its checks before the solve, its log and its atomic writing); returns the run."""
    from model.run.single import run_scenario

    def solve_with(inputs):
        extra = {}
        if accuracy is not None:
            from model.check.refine import DAYS_PER_ITERATION, MAX_ITERATIONS, refine

            run, chk, ref = refine(inputs, accuracy, solve, opts,
                                   MAX_ITERATIONS if max_iterations is None else max_iterations,
                                   add_days or DAYS_PER_ITERATION)
            table = pd.DataFrame(ref.history)
            extra[ACCURACY_CSV] = lambda p: table.to_csv(p, index=False, float_format="%.6g")
            run.results.attrs.update({"accuracy_target": accuracy, "accuracy_stop": ref.stop,
                                      "accuracy_iterations": len(ref.history) - 1})
        else:
            run = solve(inputs)
            chk = None
            if check is not False and inputs.settings.full_year_check:
                with progress.stage("full-year check of the plan"):
                    chk = check_plan(run.results, inputs, opts)
        if chk is not None:
            run.results = add_check(run.results, chk)
            run.timings["check_s"] = chk.seconds
            table_ds = run.results
            extra[CHECK_CSV] = lambda p: check_table(table_ds).to_csv(p, index=False, float_format="%.6g")
        return run, extra

    return run_scenario(inputs_dir, scenario, sets, out, figures, solve_with=solve_with)


def inputs_of(ds: xr.Dataset, inputs_dir=None):
    """The inputs a results Dataset was solved from: its dataset folder (or ``inputs_dir``), scenario,
    table overrides beyond the scenario's own and settings; the input checksum must match."""
    folder = Path(inputs_dir or ds.attrs.get("inputs", ""))
    scenario = str(ds.attrs.get("scenario", ""))
    base = load_inputs(folder, scenario, [])
    recorded = [t for t in str(ds.attrs.get("overrides", "")).split("; ") if t]
    own = base.scenario.overrides
    extra = recorded[len(own):] if recorded[:len(own)] == own else recorded
    inputs = load_inputs(folder, scenario, extra) if extra else base
    if ds.attrs.get("input_checksum") and ds.attrs["input_checksum"] != inputs.checksum:
        raise InputError([f"{folder}: input checksum {inputs.checksum} differs from "
                          f"{ds.attrs['input_checksum']} of the run; expected the dataset the run was "
                          f"solved from (--inputs FOLDER)"])
    inputs.scenario.settings = Settings.model_validate_json(ds.attrs["settings"])
    return inputs


def check_folder(folder, opts: CheckOptions, inputs_dir=None, settings: dict | None = None) -> xr.Dataset:
    """``run.py check RESULTS``: check the plan of a results folder and add the outputs to it
    (``settings``: check settings to change, e.g. ``{"check_segments": None}``)."""
    folder = Path(folder)
    path = folder / "results.nc"
    if not path.exists():
        raise InputError([f"{folder}: no results.nc here; run a scenario first"])
    ds = xr.load_dataset(path)
    if "settings" not in ds.attrs:
        raise InputError([f"{path}: no 'settings' attribute; expected results written by run.py run"])
    inputs = inputs_of(ds, inputs_dir)
    if settings:
        inputs.scenario.settings = inputs.settings.model_copy(update=settings)
    chk = check_plan(ds, inputs, opts)
    out = add_check(ds, chk)
    write_check(folder, out)
    return out
