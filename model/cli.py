"""Command-line interface (``python run.py ...``)."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from model.data.settings import InputError

DEFAULT_INPUTS = "inputs/china7"
EXIT_INPUT, EXIT_SOLVE, EXIT_INTERRUPT = 2, 3, 130


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--inputs", default=DEFAULT_INPUTS, help="dataset folder (default %(default)s)")
    p.add_argument("--scenario", default="3060", help="scenario in scenarios.yaml (default %(default)s)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                   help="override a setting or parameter, e.g. discount_rate=0.05, "
                        "capex[solar_utility,2030]=2000, capex[coal_ccs]*=0.8 (repeatable)")
    p.add_argument("--days", type=int, help="representative days (shorthand for --set days=N)")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="run.py", description="cn-3060 capacity-expansion model")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="solve a scenario and write results")
    _common(run)
    run.add_argument("--out", help="results folder (default results/<scenario>)")
    run.add_argument("--solver", help="solver name (default highs)")
    run.add_argument("--threads", type=int, help="solver threads")
    run.add_argument("--time-limit", type=float, help="solver time limit [s]")
    run.add_argument("--foresight", choices=["perfect", "myopic"])
    run.add_argument("--no-figures", action="store_true", help="skip figures and memo")
    run.add_argument("--verbose", "-v", action="store_true", help="solver log on the console")
    val = sub.add_parser("validate", help="check a dataset without solving")
    _common(val)
    imp = sub.add_parser("import-load", help="write profiles/load.csv.gz from hourly provincial load in "
                                             "the PyPSA-China layout (8760 rows x 31 province codes, MW)")
    imp.add_argument("file", help="CSV in the PyPSA-China layout")
    imp.add_argument("--inputs", default=DEFAULT_INPUTS, help="dataset folder to write into")
    rep = sub.add_parser("report", help="write memo.html for a results folder (or a sweep)")
    rep.add_argument("folder", help="results folder, e.g. results/3060, or results/sweeps/<name>")
    rep.add_argument("--compare", action="append", default=[], metavar="FOLDER",
                     help="another results folder to compare with (the first is the reference)")
    sw = sub.add_parser("sweep", help="solve many variants of a scenario (a sweep file) and combine them")
    sw.add_argument("file", help="sweep file (YAML), e.g. inputs/sweeps/ccus_cost.yaml")
    sw.add_argument("--workers", type=int, help="local Dask worker processes (default: CPU count)")
    sw.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://HOST:8786")
    sw.add_argument("--resume", action="store_true", help="skip members an earlier run finished")
    sw.add_argument("--out", help="results folder (default results/sweeps/<name>)")
    sw.add_argument("--max-members", type=int, metavar="N",
                    help="run at most N of the remaining members (finish later with --resume)")
    sw.add_argument("--no-figures", action="store_true", help="skip the sweep figures")
    sw.add_argument("--no-progress", action="store_true", help="no progress bar")
    _alternatives_parser(sub)
    return ap


def _alternatives_parser(sub) -> None:
    alt = sub.add_parser("alternatives", help="near-optimal alternatives of a solved scenario: min/max of "
                                              "technology groups and spread-out plans within a cost slack")
    alt.add_argument("results", help="results folder of a run, e.g. results/3060")
    alt.add_argument("--slack", type=float, nargs="+", metavar="FRACTION",
                     help="allowed cost above the optimum, e.g. 0.05 (several: 0.02 0.05 0.10); default: "
                          "the alternatives file's")
    alt.add_argument("--file", help="alternatives file (default inputs/alternatives/default.yaml)")
    alt.add_argument("--workers", type=int, help="local Dask worker processes (default: CPU count)")
    alt.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://HOST:8786")
    alt.add_argument("--resume", action="store_true", help="skip alternatives an earlier run finished")
    alt.add_argument("--out", help="folder (default RESULTS/alternatives)")
    alt.add_argument("--max-alternatives", type=int, metavar="N",
                     help="run at most N of the remaining alternatives (finish later with --resume)")
    alt.add_argument("--no-figures", action="store_true", help="skip the figures and the memo")
    alt.add_argument("--no-progress", action="store_true", help="no progress bar")


def _sets(args) -> list[str]:
    sets = list(args.sets)
    if getattr(args, "days", None):
        sets.append(f"days={args.days}")
    for opt, name in (("solver", "solver"), ("threads", "threads"), ("time_limit", "time_limit_s"),
                      ("foresight", "foresight")):
        val = getattr(args, opt, None)
        if val is not None:
            sets.append(f"{name}={val}")
    return sets


def cmd_validate(args) -> int:
    from model.data.read import load_inputs

    inputs = load_inputs(args.inputs, args.scenario, _sets(args))
    t = inputs.tables
    print(f"{args.inputs}: scenario '{args.scenario}' is valid — {len(t['regions'])} regions, "
          f"{len(t['techs'])} technologies, {len(t.get('lines', []))} corridors, "
          f"{len(inputs.profiles)} hourly profiles; input checksum {inputs.checksum}")
    return 0


def cmd_run(args) -> int:
    from model.report.summary import summary
    from model.run.single import run_scenario

    out = Path(args.out) if args.out else Path("results") / args.scenario
    sets = _sets(args)
    if args.verbose:
        sets.append("solver_log=true")
    run = run_scenario(args.inputs, args.scenario, sets, out=out, figures=not args.no_figures)
    print(summary(run.results, run.timings))
    extra = "" if args.no_figures else f" (figures in {out}/figures/, memo {out}/memo.html)"
    print(f"\nResults written to {out}/{extra}")
    return 0


def cmd_import_load(args) -> int:
    from model.data.importers import import_pypsa_china_load

    path = import_pypsa_china_load(Path(args.file), Path(args.inputs))
    print(f"Hourly load written to {path}")
    return 0


def cmd_report(args) -> int:
    folder = Path(args.folder)
    if (folder / "sweep.nc").exists():
        from model.sweep.memo import write_sweep_memo

        path = write_sweep_memo(folder)
    else:
        from model.report.memo import write_memo

        if not (folder / "results.nc").exists():
            raise InputError([f"{folder}: no results.nc (or sweep.nc) here; run a scenario first"])
        for other in args.compare:
            if not (Path(other) / "results.nc").exists():
                raise InputError([f"--compare {other}: no results.nc there"])
        path = write_memo(folder, [Path(c) for c in args.compare], _alternatives_section(folder))
    print(f"Memo written to {path}")
    return 0


def _alternatives_section(folder: Path) -> list[str]:
    """The memo section of the folder's near-optimal alternatives, when there are any."""
    from model.alternatives.memo import alternatives_path, memo_section

    return [memo_section(folder)] if alternatives_path(folder).exists() else []


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from model.lp.solve import SolveError

    try:
        commands = {"run": cmd_run, "validate": cmd_validate, "report": cmd_report,
                    "import-load": cmd_import_load}
        if args.command == "sweep":
            from model.sweep.driver import cmd_sweep

            return cmd_sweep(args)
        if args.command == "alternatives":
            from model.alternatives.driver import cmd_alternatives

            return cmd_alternatives(args)
        return commands[args.command](args)
    except InputError as err:
        print(f"Input problems ({len(err.problems)}):", file=sys.stderr)
        for line in err.problems:
            print(f"  {line}", file=sys.stderr)
        return EXIT_INPUT
    except SolveError as err:
        print(f"Solve failed: {err}", file=sys.stderr)
        return EXIT_SOLVE
    except KeyboardInterrupt:
        print("Interrupted; previous results left untouched.", file=sys.stderr)
        return EXIT_INTERRUPT
