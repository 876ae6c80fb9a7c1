"""The same single-period LP in cn-3060 and in PyPSA: objective values and times.

    python benchmarks/peer_pypsa.py                  # 2060 alone, china7, 8 days × 8 segments, 3 repeats
    python benchmarks/peer_pypsa.py --days 2 --segments 4 --repeats 1        # quick

The case: the "3060" scenario of ``inputs/china7`` with one investment period (``first_period =
last_period = 2060``, ``first_period_builds = true``) and these switches in our model, all through
settings and a copy of the dataset (no model code changed):

* settings ``ramping=false`` (PyPSA's ramp limits are per snapshot, not per hour and not cyclic per
  day), ``build_limits=false`` (no PyPSA component), ``clean_share=null`` and ``carbon_price=null``
  (kept out of the comparison), ``demand_response_share=0``;
* ``storage_linking: day`` for every storage technology in the copy of ``techs.csv`` (pumped hydro and
  hydrogen are year-linked by default, after Kotzur et al.; PyPSA has no such storage).

Everything else of the model stays on and is reproduced in PyPSA (see ``pypsa_network.py``): the
existing fleet alive in 2060, potentials, the ban on new unabated coal, minimum load (``p_min_pu``),
the CO2 cap (``GlobalConstraint``), lossy corridors with existing capacity and expansion, storage with
separately sized energy (and charging for hydrogen) and duration bounds on new builds, and, as linopy
constraints in ``extra_functionality``: storage cyclic within each representative day, hydro daily
budgets, annual must-run shares, the reserve margin with reserve sharing, CO2 storage limits.

Timed from the same prepared data (``model.data.prepare.prepare``; loading and preparing are the same for
both and reported apart), each run in a fresh process: ours = build (numpy blocks) + hand-over (route
``pyomo`` or ``arrays``) + HiGHS + extraction of the results Dataset; PyPSA = building the network +
``n.optimize`` (linopy model, extra constraints, hand-over to highspy, HiGHS, writing the solution and
duals back to the network). HiGHS options: the model's defaults (``model.lp.solve.HIGHS_DEFAULTS``) for
both; "time to answer" compares our default call with PyPSA's default call (HiGHS's own defaults).
Writes ``benchmarks/out/peer_pypsa.json`` with ``objective_rel_diff`` and ``time_ratio_vs_pypsa``
(ours / PyPSA, by route), medians over the repeats [s].
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from common import ROOT, child_print, print_table, run_child, write_json

PEER_SETS = ["first_period=2060", "last_period=2060", "first_period_builds=true", "ramping=false",
             "build_limits=false", "clean_share=null", "carbon_price=null", "demand_response_share=0"]


def peer_dataset(folder: Path, source: Path = ROOT / "inputs" / "china7") -> Path:
    """Copy of the dataset with every storage technology day-linked."""
    dst = folder / source.name
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(source, dst)
    techs = pd.read_csv(dst / "techs.csv")
    techs.loc[techs["kind"] == "storage", "storage_linking"] = "day"
    techs.to_csv(dst / "techs.csv", index=False)
    return dst


def run_ours(inputs: str, sets: list[str], route: str) -> dict:
    """Child: our model from loading to results, stage by stage (route ``pyomo`` or ``arrays``)."""
    from stages import run_stages

    r = run_stages(inputs, "3060", sets, route=route, write=False)
    total = r["build_s"] + r["handover_s"] + r["solve_s"] + r["extract_s"]
    return {"total_s": total, "highs_s": r["highs_solve_s"], "overhead_s": total - r["highs_solve_s"],
            "objective": r["objective"], "prepare_s": r["load_s"] + r["prepare_s"],
            **{k: r[k] for k in ("build_s", "handover_s", "solve_s", "extract_s", "n_variables",
                                 "n_constraints", "n_nonzeros", "peak_rss_mb")}}


def run_pypsa(inputs: str, sets: list[str], options: str) -> dict:
    """Child: the PyPSA network from our prepared data, then ``n.optimize`` with HiGHS (``options``:
    ``same`` = the model's defaults, ``default`` = HiGHS's own)."""
    import logging

    import pypsa  # noqa: F401  (imported before the clock starts, like Pyomo on our side)
    from pypsa_network import build_network, extra_functionality
    from stages import load_and_prepare

    from model.lp.solve import HIGHS_DEFAULTS

    logging.getLogger("pypsa").setLevel(logging.ERROR)
    logging.getLogger("linopy").setLevel(logging.ERROR)
    inputs_obj, data = load_and_prepare(inputs, "3060", sets)
    s = inputs_obj.settings
    marks = {}
    extra = extra_functionality(data, s)

    def timed_extra(n, sns):
        extra(n, sns)
        marks["model_built"] = time.perf_counter()

    t0 = time.perf_counter()
    n, offset = build_network(data, s)
    t1 = time.perf_counter()
    status, cond = n.optimize(solver_name="highs", extra_functionality=timed_extra,
                              solver_options=dict(HIGHS_DEFAULTS) if options == "same" else {},
                              include_objective_constant=False, log_to_console=False)
    t2 = time.perf_counter()
    if cond != "optimal":
        raise SystemExit(f"PyPSA: {status} {cond}")
    h = n.model.solver_model
    highs_s = float(h.getRunTime())
    lp = h.getLp()
    return {"total_s": t2 - t0, "network_s": t1 - t0, "linopy_model_s": marks["model_built"] - t1,
            "optimize_s": t2 - t1, "highs_s": highs_s, "overhead_s": t2 - t0 - highs_s,
            "objective": float(n.objective) - offset, "objective_raw": float(n.objective),
            "offset": offset, "n_variables": int(lp.num_col_), "n_constraints": int(lp.num_row_),
            "n_nonzeros": len(lp.a_matrix_.value_)}


MEASURES = {"ours_pyomo": ("ours", "pyomo"), "ours_arrays": ("ours", "arrays"),
            "pypsa_same_options": ("pypsa", "same"), "pypsa_default_call": ("pypsa", "default")}


def measure(inputs: Path, sets: list[str], repeats: int, peer_python: str | None) -> dict:
    """Every measure ``repeats`` times, interleaved, each in a fresh process; medians by measure."""
    runs: dict[str, list[dict]] = {k: [] for k in MEASURES}
    for i in range(repeats):
        for name, (who, how) in MEASURES.items():
            args = ["--inputs", str(inputs), "--who", who, "--how", how, *[a for x in sets for a in ("--set", x)]]
            r = run_child(Path(__file__), args, timeout_s=900, python=peer_python)
            if "error" in r:
                raise SystemExit(f"{name}: {r['error']}")
            runs[name].append(r)
            print(f"  repeat {i + 1} {name}: {r['total_s']:.1f} s total, HiGHS {r['highs_s']:.1f} s, "
                  f"objective {r['objective']:.9g}", flush=True)
    return {k: {**v[0], **{f: statistics.median(x[f] for x in v) for f in v[0]
                           if isinstance(v[0][f], float)}, "runs": v} for k, v in runs.items()}


def summarise(med: dict) -> dict:
    """Objective differences and time ratios (ours / PyPSA)."""
    ref = med["pypsa_same_options"]
    out = {"objective_ours_bn_cny": med["ours_pyomo"]["objective"],
           "objective_pypsa_bn_cny": ref["objective"],
           "objective_rel_diff": abs(med["ours_pyomo"]["objective"] - ref["objective"]) / abs(ref["objective"]),
           "objective_rel_diff_arrays": abs(med["ours_arrays"]["objective"] - ref["objective"]) / abs(ref["objective"]),
           "objective_rel_diff_pypsa_default_call":
               abs(med["pypsa_default_call"]["objective"] - ref["objective"]) / abs(ref["objective"]),
           "time_ratio_vs_pypsa": {"pyomo": med["ours_pyomo"]["total_s"] / ref["total_s"],
                                   "arrays": med["ours_arrays"]["total_s"] / ref["total_s"]},
           "overhead_ratio_vs_pypsa": {"pyomo": med["ours_pyomo"]["overhead_s"] / ref["overhead_s"],
                                       "arrays": med["ours_arrays"]["overhead_s"] / ref["overhead_s"]},
           "time_to_answer_ratio": med["ours_pyomo"]["total_s"] / med["pypsa_default_call"]["total_s"]}
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--days", type=int, default=8)
    ap.add_argument("--segments", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--peer-python", default=None, help="interpreter with pypsa (default: this one)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--inputs", help=argparse.SUPPRESS)
    ap.add_argument("--who", help=argparse.SUPPRESS)
    ap.add_argument("--how", help=argparse.SUPPRESS)
    ap.add_argument("--set", dest="sets", action="append", default=[], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        fn = run_ours if args.who == "ours" else run_pypsa
        child_print(fn(args.inputs, args.sets, args.how))
        return {}
    sets = PEER_SETS + [f"days={args.days}", f"segments={args.segments}"]
    with tempfile.TemporaryDirectory(prefix="peer-") as tmp:
        inputs = peer_dataset(Path(tmp))
        med = measure(inputs, sets, args.repeats, args.peer_python)
    summary = summarise(med)
    rows = [{"measure": k, **{f: v.get(f) for f in ("total_s", "highs_s", "overhead_s", "objective",
                                                    "n_variables", "n_constraints", "n_nonzeros")}}
            for k, v in med.items()]
    print_table(rows, ["measure", "total_s", "highs_s", "overhead_s", "objective", "n_variables",
                       "n_constraints", "n_nonzeros"], f"Peer case (2060, {args.days} days × {args.segments})"
                " — medians [s], objective [bn CNY]")
    print(f"objective_rel_diff {summary['objective_rel_diff']:.2e}; time_ratio_vs_pypsa "
          f"pyomo {summary['time_ratio_vs_pypsa']['pyomo']:.2f}, arrays {summary['time_ratio_vs_pypsa']['arrays']:.2f}; "
          f"time to answer (our default / PyPSA default call) {summary['time_to_answer_ratio']:.2f}")
    payload = {"case": {"inputs": "inputs/china7 (copy, storage_linking=day)", "scenario": "3060",
                        "sets": sets}, "repeats": args.repeats, **summary, "measures": med}
    print(f"wrote {write_json('peer_pypsa', payload)}")
    return payload


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
