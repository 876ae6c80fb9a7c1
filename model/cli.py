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


def _check_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check-segments", metavar="N|hourly",
                   help="steps per calendar day in the full-year check (default: the check_segments setting)")
    p.add_argument("--workers", type=int, help="full-year check: local Dask workers (1: in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="full-year check on a running Dask scheduler")


def check_segments(args) -> str | None:
    """``--check-segments`` as the value of the ``check_segments`` setting (None: not given)."""
    seg = getattr(args, "check_segments", None)
    if seg is None:
        return None
    if str(seg).lower() in ("hourly", "null", "none", "24"):
        return "null"
    if str(seg).isdigit() and 1 <= int(seg) < 24:
        return str(int(seg))
    raise InputError([f"--check-segments: found {seg!r}; expected 1…23 or 'hourly'"])


def check_options(args):
    """:class:`model.check.evaluate.CheckOptions` from the command line."""
    from model.check.evaluate import CheckOptions

    return CheckOptions(workers=args.workers, scheduler=args.scheduler)


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
    run.add_argument("--no-check", action="store_true", help="skip the full-year check of the plan")
    run.add_argument("--accuracy", type=float, metavar="GAP",
                     help="add representative days until the full-year cost gap is at most GAP (e.g. 0.02)")
    run.add_argument("--max-iterations", type=int, metavar="N", help="--accuracy: re-solves at most (default 6)")
    run.add_argument("--add-days", type=int, metavar="N", help="--accuracy: calendar days added per re-solve "
                                                                "(default 16)")
    _check_options(run)
    chk = sub.add_parser("check", help="operate the plan of a results folder over the full year")
    chk.add_argument("folder", help="results folder, e.g. results/3060")
    chk.add_argument("--inputs", help="dataset folder (default: the one the run used)")
    _check_options(chk)
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
    return ap


def _sets(args) -> list[str]:
    sets = list(args.sets)
    if getattr(args, "days", None):
        sets.append(f"days={args.days}")
    for opt, name in (("solver", "solver"), ("threads", "threads"), ("time_limit", "time_limit_s"),
                      ("foresight", "foresight")):
        val = getattr(args, opt, None)
        if val is not None:
            sets.append(f"{name}={val}")
    if check_segments(args) is not None:
        sets.append(f"check_segments={check_segments(args)}")
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
    from model.check.runner import run_checked
    from model.report.summary import summary

    out = Path(args.out) if args.out else Path("results") / args.scenario
    sets = _sets(args)
    if args.verbose:
        sets.append("solver_log=true")
    if args.accuracy is not None and not 0 < args.accuracy < 1:
        raise InputError([f"--accuracy: found {args.accuracy}; expected a relative gap between 0 and 1, e.g. 0.02"])
    run = run_checked(args.inputs, args.scenario, sets, out, not args.no_figures, check_options(args),
                      check=not args.no_check, accuracy=args.accuracy, max_iterations=args.max_iterations,
                      add_days=args.add_days)
    print(summary(run.results, run.timings))
    if "accuracy_stop" in run.results.attrs:
        a = run.results.attrs
        print(f"--accuracy {a['accuracy_target']:g}: {a['accuracy_stop']} after {a['accuracy_iterations']} "
              f"re-solves (table in {out}/accuracy.csv)")
    extra = "" if args.no_figures else f" (figures in {out}/figures/, memo {out}/memo.html)"
    print(f"\nResults written to {out}/{extra}")
    return 0


def cmd_check(args) -> int:
    from model.check.runner import check_folder
    from model.report.summary import check_lines

    seg = check_segments(args)
    ds = check_folder(args.folder, check_options(args), args.inputs,
                      None if seg is None else {"check_segments": None if seg == "null" else int(seg)})
    print("\n".join(check_lines(ds)))
    print(f"\nCheck written to {args.folder}/ (results.nc, check.csv)")
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
        path = write_memo(folder, [Path(c) for c in args.compare])
    print(f"Memo written to {path}")
    return 0


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from model.lp.solve import SolveError

    try:
        commands = {"run": cmd_run, "validate": cmd_validate, "report": cmd_report,
                    "import-load": cmd_import_load, "check": cmd_check}
        if args.command == "sweep":
            from model.sweep.driver import cmd_sweep

            return cmd_sweep(args)
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
