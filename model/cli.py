"""Command-line interface (``python run.py ...``).

Exit codes: 0 done; 1 an internal error (a bug: one line, the traceback with ``--verbose``) or the
operating system refused (out of memory, disk full, permission); 2 bad input (every problem listed, one
line each, nothing solved); 3 the solve failed (infeasible, explained; time limit; numerical trouble);
130 interrupted. Nothing reaches the user as a traceback unless ``--verbose`` asks for it.
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
import traceback
import warnings
from pathlib import Path

from model.data.settings import PLAIN_NAME, InputError

DEFAULT_INPUTS = "inputs/china7"
EXIT_INTERNAL, EXIT_INPUT, EXIT_SOLVE, EXIT_INTERRUPT = 1, 2, 3, 130
#: input problem lines printed per file (the rest are counted)
MAX_LINES_PER_FILE = 50


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit code 2), pointing at ``--help``."""

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _count(kind: str, low: int):
    """An argparse type: a whole number ≥ ``low``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"found {text!r}; expected a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"found {value}; expected {kind}")
        return value
    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"found {text!r}; expected a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"found {text}; expected a positive, finite number of seconds")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--inputs", default=DEFAULT_INPUTS, help="dataset folder (default %(default)s)")
    p.add_argument("--scenario", default="3060", help="scenario in scenarios.yaml (default %(default)s)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                   help="override a setting or parameter, e.g. discount_rate=0.05, "
                        "capex[solar_utility,2030]=2000, capex[coal_ccs]*=0.8 (repeatable)")
    p.add_argument("--days", type=_count("a number of days from 1 to 365", 1),
                   help="representative days (shorthand for --set days=N)")
    p.add_argument("--verbose", "-v", action="store_true",
                   help="more detail: the solver's log, and the traceback of an internal error")


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
    ap = _Parser(prog="run.py", description="cn-3060 capacity-expansion model")
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="solve a scenario and write results")
    _common(run)
    run.add_argument("--out", help="results folder (default results/<scenario>)")
    run.add_argument("--solver", help="solver name (default highs)")
    run.add_argument("--threads", type=_count("at least 1 thread", 1), help="solver threads")
    run.add_argument("--time-limit", type=_seconds, help="solver time limit [s]")
    run.add_argument("--foresight", choices=["perfect", "myopic"])
    run.add_argument("--no-figures", action="store_true", help="skip figures and memo")
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
    imp.add_argument("--verbose", "-v", action="store_true", help="the traceback of an internal error")
    rep = sub.add_parser("report", help="write memo.html for a results folder (or a sweep, or instruments)")
    rep.add_argument("folder", help="results folder, e.g. results/3060, results/sweeps/<name> or "
                                    "results/instruments/<scenario>")
    rep.add_argument("--compare", action="append", default=[], metavar="FOLDER",
                     help="another results folder to compare with (the first is the reference)")
    rep.add_argument("--verbose", "-v", action="store_true", help="the traceback of an internal error")
    sw = sub.add_parser("sweep", help="solve many variants of a scenario (a sweep file) and combine them")
    sw.add_argument("file", help="sweep file (YAML), e.g. inputs/sweeps/ccus_cost.yaml")
    _batch_options(sw, "members", "results folder (default results/sweeps/<name>)", "the sweep figures")
    _alternatives_parser(sub)
    _instruments_parser(sub)
    return ap


def _batch_options(p, tasks: str, out_help: str, figures_help: str) -> None:
    """The options every batch of solves on Dask shares (sweeps, alternatives): workers, scheduler,
    resume, output folder, ``--max-<tasks>``, no figures, no progress bar, verbose."""
    p.add_argument("--workers", type=_count("at least 1 worker", 1),
                   help="local Dask worker processes (default: CPU count)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://HOST:8786")
    p.add_argument("--resume", action="store_true", help=f"skip {tasks} an earlier run finished")
    p.add_argument("--out", help=out_help)
    p.add_argument(f"--max-{tasks}", type=_count(f"0 or more {tasks}", 0), metavar="N",
                   help=f"run at most N of the remaining {tasks} (finish later with --resume)")
    p.add_argument("--no-figures", action="store_true", help=f"skip {figures_help}")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--verbose", "-v", action="store_true", help="the traceback of an internal error")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"found {text!r}; expected a fraction, e.g. 0.5") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"found {value:g}; expected a fraction 0 ≤ c < 1")
    return value


def _instruments_parser(sub) -> None:
    ins = sub.add_parser("instruments", help="cap, tax at the cap's price, and a collar, over the same Monte "
                                             "Carlo sample of uncertain inputs (with the reference)")
    ins.add_argument("scenario", nargs="?", help="cap scenario (default: the file's instruments: block, or "
                                                 "its base; 3060 for the default file)")
    ins.add_argument("--samples", type=_count("at least 1 sample", 1), metavar="N",
                     help="Latin-hypercube samples (default: the uncertainty file's)")
    ins.add_argument("--seed", type=int, help="sampling seed (default: the uncertainty file's)")
    ins.add_argument("--collar", type=_fraction, metavar="C",
                     help="collar: floor and ceiling at (1 ∓ C) × the cap's price (default 0.5, or the "
                          "file's instruments: block)")
    ins.add_argument("--file", help="uncertainty: a monte_carlo sweep file (default "
                                    "inputs/sweeps/monte_carlo.yaml)")
    ins.add_argument("--reference", help="scenario without the CO2 policy, for the cost of the policy "
                                         "(default reference)")
    ins.add_argument("--inputs", help="dataset folder (default: the uncertainty file's)")
    _batch_options(ins, "members", "folder (default results/instruments/<scenario>)", "the figures and the memo")


def _alternatives_parser(sub) -> None:
    alt = sub.add_parser("alternatives", help="near-optimal alternatives of a solved scenario: min/max of "
                                              "technology groups and spread-out plans within a cost slack")
    alt.add_argument("results", help="results folder of a run, e.g. results/3060")
    alt.add_argument("--slack", type=float, nargs="+", metavar="FRACTION",
                     help="allowed cost above the optimum, e.g. 0.05 (several: 0.02 0.05 0.10); default: "
                          "the alternatives file's")
    alt.add_argument("--file", help="alternatives file (default inputs/alternatives/default.yaml)")
    _batch_options(alt, "alternatives", "folder (default RESULTS/alternatives)", "the figures and the memo")


def _sets(args) -> list[str]:
    sets = list(args.sets)
    if getattr(args, "days", None) is not None:
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
    from model.run.solved import check_solver

    inputs = load_inputs(args.inputs, args.scenario, _sets(args))
    check_solver(inputs.settings)
    t = inputs.tables
    print(f"{args.inputs}: scenario '{args.scenario}' is valid — {len(t['regions'])} regions, "
          f"{len(t['techs'])} technologies, {len(t.get('lines', []))} corridors, "
          f"{len(inputs.profiles)} hourly profiles; input checksum {inputs.checksum}")
    return 0


def _out(args) -> Path:
    """Where ``run`` writes: ``--out``, or ``results/<scenario>`` for a plain scenario name."""
    if args.out:
        return Path(args.out)
    if not re.fullmatch(PLAIN_NAME, args.scenario):
        raise InputError([f"--scenario {args.scenario!r}: expected a plain name (letters, digits, _ . -, not "
                          f"starting with a dot): it names the results folder results/<scenario>"])
    return Path("results") / args.scenario


def cmd_run(args) -> int:
    from model.check.runner import run_checked
    from model.report.summary import summary
    from model.results.write import check_target

    out = _out(args)
    check_target(out, f"--out {out}" if args.out else f"results folder {out}", protect=[args.inputs])
    sets = _sets(args)
    if args.verbose:
        sets.append("solver_log=true")
    if args.accuracy is not None and not 0 < args.accuracy < 1:
        raise InputError([f"--accuracy: found {args.accuracy}; expected a relative gap between 0 and 1, e.g. 0.02"])
    from model import progress

    with progress.reporting():
        run = run_checked(args.inputs, args.scenario, sets, out, not args.no_figures, check_options(args),
                          check=not args.no_check, accuracy=args.accuracy, max_iterations=args.max_iterations,
                          add_days=args.add_days)
    print(summary(run.results, run.timings))
    if "accuracy_stop" in run.results.attrs:
        a = run.results.attrs
        print(f"--accuracy {a['accuracy_target']:g}: {a['accuracy_stop']} after {a['accuracy_iterations']} "
              f"re-solves (table in {out}/accuracy.csv)")
    extra = "" if args.no_figures else f" (figures in {out}/figures/, memo {out}/memo.html)"
    print(f"\nResults written to {out}/{extra}; log {out}/run.log")
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
    from model.results.write import owned

    folder = Path(args.folder)
    if (folder / "sweep.nc").is_file() and owned(folder):
        from model.sweep.memo import write_sweep_memo

        path = write_sweep_memo(folder)
    elif (folder / "instruments.nc").is_file() and owned(folder):
        from model.instruments.memo import write_instruments_memo

        path = write_instruments_memo(folder)
    else:
        from model.report.memo import write_memo

        if not (folder / "results.nc").is_file():
            raise InputError([f"{folder}: no results.nc (or sweep.nc) here; run a scenario first"])
        if not owned(folder):
            raise InputError([f"{folder}: not a results folder this tool wrote (no .cn3060-results or "
                              f"manifest.json); expected the folder of a run"])
        for other in args.compare:
            if not (Path(other) / "results.nc").is_file():
                raise InputError([f"--compare {other}: no results.nc there"])
        path = write_memo(folder, [Path(c) for c in args.compare],
                          _alternatives_section(folder) + _instruments_section(folder))
    print(f"Memo written to {path}")
    return 0


def print_problems(problems: list[str], file=None) -> None:
    """Every input problem on its own line, at most :data:`MAX_LINES_PER_FILE` per file (the part
    before the first ':'), the rest counted."""
    file = file or sys.stderr
    print(f"Input problems ({len(problems)}):", file=file)
    shown: dict[str, int] = {}
    for line in problems:
        key = line.split(":", 1)[0]
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= MAX_LINES_PER_FILE:
            print(f"  {line}", file=file)
    for key, n in shown.items():
        if n > MAX_LINES_PER_FILE:
            print(f"  {key}: … and {n - MAX_LINES_PER_FILE:,} more like it", file=file)


def _warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"warning: {message}", file=file or sys.stderr)


def _alternatives_section(folder: Path) -> list[str]:
    """The memo section of the folder's near-optimal alternatives, when there are any."""
    from model.alternatives.memo import alternatives_path, memo_section

    return [memo_section(folder)] if alternatives_path(folder).exists() else []


def _instruments_section(folder: Path) -> list[str]:
    """The memo section of the scenario's cap-or-tax comparison, when there is one."""
    from model.instruments.memo import instruments_path, memo_section

    path = instruments_path(folder)
    return [memo_section(path)] if path.exists() else []


def main(argv=None) -> int:
    """Run one command; return its exit code (see the module docstring). Every failure is one line on
    stderr; an internal error's traceback is printed only with ``--verbose``."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for handler in logging.getLogger().handlers:  # the console: INFO and up (run.log takes DEBUG)
        handler.setLevel(logging.INFO)
    verbose = getattr(args, "verbose", False)
    with warnings.catch_warnings():
        warnings.showwarning = _warning
        try:
            return _dispatch(args)
        except InputError as err:
            print_problems(err.problems)
            return EXIT_INPUT
        except KeyboardInterrupt:
            print("Interrupted; previous results left untouched.", file=sys.stderr)
            return EXIT_INTERRUPT
        except Exception as err:  # noqa: BLE001 - the last line of defence: never a bare traceback
            return _failed(err, verbose)


def _dispatch(args) -> int:
    from model.lp.solve import SolveError

    commands = {"run": cmd_run, "validate": cmd_validate, "report": cmd_report,
                "import-load": cmd_import_load, "check": cmd_check}
    try:
        if args.command == "sweep":
            from model.sweep.driver import cmd_sweep
            from model.sweep.spec import load_spec

            if load_spec(args.file).instruments is not None:  # cap or tax over the file's sample
                from model.instruments.driver import cmd_instruments_sweep

                return cmd_instruments_sweep(args)
            return cmd_sweep(args)
        if args.command == "alternatives":
            from model.alternatives.driver import cmd_alternatives

            return cmd_alternatives(args)
        if args.command == "instruments":
            from model.instruments.driver import cmd_instruments

            return cmd_instruments(args)
        return commands[args.command](args)
    except SolveError as err:
        print(f"Solve failed: {err}", file=sys.stderr)
        return EXIT_SOLVE


def _failed(err: BaseException, verbose: bool) -> int:
    """One line for an error nothing else caught: the operating system's refusal, or an internal error."""
    if verbose:
        traceback.print_exception(err, file=sys.stderr)
    text = str(err).splitlines()[0][:300] if str(err) else ""
    if isinstance(err, MemoryError):
        print("Out of memory; try fewer --days, a shorter horizon or fewer sweep workers.", file=sys.stderr)
    elif isinstance(err, OSError):
        where = f" {err.filename}" if getattr(err, "filename", None) else ""
        print(f"Operating system error{where}: {err.strerror or text} (disk full, permissions or a missing "
              f"folder?); previous results left untouched.", file=sys.stderr)
    else:
        print(f"internal error: {type(err).__name__}: {text} (please report it, with the command; "
              f"--verbose shows the traceback)", file=sys.stderr)
    return EXIT_INTERNAL
