"""Hand the LP to a solver and read back primal values, row duals and reduced costs.

Routes (``route`` option):

``pyomo`` (default)
    :func:`model.lp.pyomo_handover.to_pyomo`, then Pyomo's ``LinearStandardFormCompiler`` (mixed form) to sparse
    arrays, passed to HiGHS through ``highspy`` in one call.
``arrays``
    the LP's own sparse arrays passed straight to ``highspy`` (no Pyomo). This is the lower bound on
    build + hand-over time the benchmarks compare against.
``solver``
    any solver Pyomo knows by name (``gurobi``, ``cplex``, ``copt``, ``cbc``, ``appsi_highs``, ...)
    through ``pyo.SolverFactory`` with dual and reduced-cost suffixes; chosen automatically when
    ``solver`` is not ``highs``.

All routes return a :class:`Solution` with vectors in the LP's global column and row order.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from model import progress
from model.lp.problem import LP
from model.lp.solver_log import HighsLog

log = logging.getLogger(__name__)

#: HiGHS options applied unless the scenario overrides them (chosen by measurement, docs/performance.md)
HIGHS_DEFAULTS = {
    "solver": "ipx",
    "run_crossover": "on",
    "presolve": "on",
}


class SolveError(RuntimeError):
    """The solver did not return an optimal solution; ``status`` says why."""

    def __init__(self, status: str, message: str, info: dict | None = None):
        super().__init__(message)
        self.status = status
        self.info = info or {}


class InfeasibleError(SolveError):
    """The scenario is infeasible; ``explanation`` lists what cannot hold, in the user's terms."""

    def __init__(self, status: str, explanation: list[str]):
        super().__init__(status, f"the scenario is infeasible ({status}):\n  " + "\n  ".join(explanation))
        self.explanation = explanation


INFEASIBLE = ("Infeasible", "Primal infeasible or unbounded")
#: each solver's own names of the thread count and the time limit [s], by the first part of its Pyomo name
OPTION_NAMES = {"gurobi": ("Threads", "TimeLimit"), "copt": ("Threads", "TimeLimit"),
                "cplex": ("threads", "timelimit"), "cbc": ("threads", "seconds"), "glpk": (None, "tmlim"),
                "appsi": ("threads", "time_limit"), "highs": ("threads", "time_limit"),
                "xpress": ("threads", "maxtime"), "mosek": ("MSK_IPAR_NUM_THREADS", "MSK_DPAR_OPTIMIZER_MAX_TIME")}
#: Pyomo termination conditions → HiGHS model status names
PYOMO_STATUS = {"infeasible": "Infeasible", "infeasibleOrUnbounded": "Primal infeasible or unbounded",
                "unbounded": "Unbounded", "maxTimeLimit": "Time limit reached"}


@dataclass
class Solution:
    status: str
    objective: float
    x: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray
    timings: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)


@dataclass
class SolverOptions:
    solver: str = "highs"
    route: str = "pyomo"
    threads: int | None = None
    time_limit_s: float | None = None
    options: dict = field(default_factory=dict)
    log_to_console: bool = False


def highs_options(opts: SolverOptions) -> dict:
    """Option dictionary for HiGHS: defaults, then the user's, then threads and time limit."""
    out = dict(HIGHS_DEFAULTS)
    out.update(opts.options)
    if opts.threads:
        out["threads"] = int(opts.threads)
    if opts.time_limit_s:
        out["time_limit"] = float(opts.time_limit_s)
    return out


def _follow_log(h: highspy.Highs, console: bool) -> None:
    """Send HiGHS's log to the logger ``model.lp.highs`` (run.log) and, condensed, to the progress line
    (unless HiGHS prints its own log to the console)."""
    condensed = HighsLog()

    def on_log(event) -> None:
        status = condensed.feed(event.message)
        if status is not None and not console:
            progress.update(status)

    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", bool(console))
    h.cbLogging.subscribe(on_log)


def make_highs(opts: SolverOptions) -> highspy.Highs:
    if opts.threads:
        highspy.Highs.resetGlobalScheduler(True)  # a new thread count needs a fresh scheduler
    h = highspy.Highs()
    _follow_log(h, opts.log_to_console)
    for key, val in highs_options(opts).items():
        status = h.setOptionValue(key, val)
        if status == highspy.HighsStatus.kError:
            raise ValueError(f"HiGHS rejected option {key}={val!r}")
    return h


def pass_arrays(h: highspy.Highs, cost, col_lo, col_hi, row_lo, row_hi, a_csc) -> None:
    """Load an LP given as arrays (A in compressed-column form) into a HiGHS instance."""
    lp = highspy.HighsLp()
    lp.num_col_ = int(a_csc.shape[1])
    lp.num_row_ = int(a_csc.shape[0])
    lp.col_cost_ = np.ascontiguousarray(cost, dtype=float)
    lp.col_lower_ = np.ascontiguousarray(col_lo, dtype=float)
    lp.col_upper_ = np.ascontiguousarray(col_hi, dtype=float)
    lp.row_lower_ = np.ascontiguousarray(row_lo, dtype=float)
    lp.row_upper_ = np.ascontiguousarray(row_hi, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a_csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a_csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = a_csc.data.astype(float)
    h.passModel(lp)


@dataclass
class Handle:
    """A model loaded into HiGHS plus the maps from its order to the LP's global order."""

    highs: highspy.Highs
    col_map: np.ndarray  # HiGHS column k -> LP column col_map[k]
    row_map: np.ndarray  # HiGHS row k -> LP row row_map[k]
    n_cols: int
    n_rows: int
    timings: dict = field(default_factory=dict)


def load_arrays(lp: LP, opts: SolverOptions) -> Handle:
    """Route ``arrays``: pass the LP's own arrays to HiGHS."""
    t0 = time.perf_counter()
    h = make_highs(opts)
    a = lp.matrix().tocsc()
    pass_arrays(h, lp.cost, lp.col_lower, lp.col_upper, lp.row_lower, lp.row_upper, a)
    ident_c, ident_r = np.arange(lp.n_cols), np.arange(lp.n_rows)
    return Handle(h, ident_c, ident_r, lp.n_cols, lp.n_rows,
                  {"handover_s": time.perf_counter() - t0})


def load_pyomo(lp: LP, opts: SolverOptions) -> Handle:
    """Route ``pyomo``: LP → Pyomo model, compiled family by family by Pyomo's standard-form compiler
    (:func:`model.lp.pyomo_handover.compile_by_family`) → HiGHS. Every LP column is passed in its global
    order; rows in the compiler's order (``row_map``)."""
    from model.lp.pyomo_handover import compile_by_family

    t0 = time.perf_counter()
    sf = compile_by_family(lp)
    t1 = time.perf_counter()
    kind, rhs = sf.kind, sf.rhs
    row_lo = np.where(kind >= 0, np.where(kind == 0, rhs, -np.inf), rhs)
    row_hi = np.where(kind <= 0, np.where(kind == 0, rhs, np.inf), rhs)
    h = make_highs(opts)
    pass_arrays(h, sf.cost, lp.col_lower, lp.col_upper, row_lo, row_hi, sf.A.tocsc())
    t2 = time.perf_counter()
    return Handle(h, np.arange(lp.n_cols), sf.rows, lp.n_cols, lp.n_rows,
                  {"pyomo_build_s": t1 - t0 - sf.compile_s, "compile_s": sf.compile_s, "handover_s": t2 - t1})


def load(lp: LP, opts: SolverOptions) -> Handle:
    """Load ``lp`` into HiGHS by the options' route. A row without variables that cannot hold (Pyomo
    refuses to compile it) is reported as an infeasible model, so that it is explained."""
    from pyomo.common.errors import InfeasibleConstraintException

    if opts.route == "arrays":
        return load_arrays(lp, opts)
    if opts.route != "pyomo":
        raise ValueError(f"unknown route {opts.route!r}: use 'pyomo' or 'arrays'")
    try:
        return load_pyomo(lp, opts)
    except InfeasibleConstraintException as err:
        raise _constant_row(err) from None


def _constant_row(err) -> SolveError:
    return SolveError("Infeasible", f"a constraint without variables cannot hold: {str(err)[:200]}; "
                      f"no results written")


def dual_bound(h) -> float | None:
    """Lower bound on the optimum [bn CNY] from HiGHS's current dual solution, when it is feasible:
    Σ_i y_i·(L_i if y_i > 0 else U_i) + Σ_j d_j·(l_j if d_j > 0 else u_j) + offset; None otherwise."""
    if h.getInfo().dual_solution_status != 2:  # kSolutionStatusFeasible
        return None
    lp, sol = h.getLp(), h.getSolution()
    y, d = np.asarray(sol.row_dual), np.asarray(sol.col_dual)
    lo_r, up_r = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    lo_c, up_c = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
    rows = np.where(y > 0, lo_r, up_r)
    cols = np.where(d > 0, lo_c, up_c)
    if not (np.isfinite(rows[y != 0]).all() and np.isfinite(cols[d != 0]).all()):
        return None
    return float(np.dot(y[y != 0], rows[y != 0]) + np.dot(d[d != 0], cols[d != 0]) + lp.offset_)


def run_highs(handle: Handle) -> Solution:
    """Solve a loaded model; raise :class:`SolveError` unless HiGHS reports an optimum."""
    h = handle.highs
    t0 = time.perf_counter()
    main = threading.current_thread() is threading.main_thread()
    h.HandleKeyboardInterrupt = main  # Ctrl-C cancels the solve (main thread only)
    h.solve()
    solve_s = time.perf_counter() - t0
    status = h.modelStatusToString(h.getModelStatus())
    if status == "Interrupted by user":
        raise KeyboardInterrupt
    info = h.getInfo()
    details = {
        "solver": "highs " + h.version(),
        "simplex_iterations": int(info.simplex_iteration_count),
        "ipm_iterations": int(info.ipm_iteration_count),
        "crossover_iterations": int(info.crossover_iteration_count),
        "objective": float(info.objective_function_value),
        "max_primal_infeasibility": float(info.max_primal_infeasibility),
        "max_dual_infeasibility": float(info.max_dual_infeasibility),
        "solve_s": solve_s,
    }
    details["best_bound"] = dual_bound(h) if status != "Optimal" else details["objective"]
    log.info(f"HiGHS: {status.lower()} after {solve_s:.1f} s: {details['ipm_iterations']} interior-point, "
             f"{details['crossover_iterations']:,} crossover and {details['simplex_iterations']:,} simplex "
             f"iterations; objective {details['objective']:,.1f} bn CNY")
    if status != "Optimal":
        bound = details["best_bound"]
        said = f"best bound {bound:.6g} bn CNY (dual objective of a feasible dual solution)" if bound is not None \
            else "no proven bound (no feasible dual solution)"
        raise SolveError(status, f"HiGHS returned '{status}' after {solve_s:.1f} s; {said}; objective of the "
                         f"last iterate {details['objective']:.6g} bn CNY, max primal / dual infeasibility "
                         f"{details['max_primal_infeasibility']:.1e} / {details['max_dual_infeasibility']:.1e}"
                         f"; no results written", details)
    sol = h.getSolution()
    x = np.zeros(handle.n_cols)
    row_dual = np.zeros(handle.n_rows)
    col_dual = np.zeros(handle.n_cols)
    x[handle.col_map] = np.asarray(sol.col_value)
    col_dual[handle.col_map] = np.asarray(sol.col_dual)
    row_dual[handle.row_map] = np.asarray(sol.row_dual)
    timings = dict(handle.timings, solve_s=solve_s)
    return Solution(status, float(info.objective_function_value), x, row_dual, col_dual,
                    timings, details)


def solve_pyomo_solver(lp: LP, opts: SolverOptions) -> Solution:
    """Route ``solver``: any Pyomo solver by name, duals and reduced costs from suffixes."""
    import pyomo.environ as pyo

    from model.lp.pyomo_handover import to_pyomo

    t0 = time.perf_counter()
    pm = to_pyomo(lp)
    m = pm.model
    m.dual = pyo.Suffix(direction=pyo.Suffix.IMPORT)
    m.rc = pyo.Suffix(direction=pyo.Suffix.IMPORT)
    solver = pyo.SolverFactory(opts.solver)
    if solver is None or not solver.available(exception_flag=False):
        raise SolveError("unavailable", f"solver {opts.solver!r} is not available to Pyomo")
    options = dict(opts.options)
    threads, limit = OPTION_NAMES.get(opts.solver.split("_")[0], ("threads", "timelimit"))
    if opts.time_limit_s and limit:
        options.setdefault(limit, opts.time_limit_s)
    if opts.threads and threads:
        options.setdefault(threads, opts.threads)
    t1 = time.perf_counter()
    res = solver.solve(m, options=options, tee=opts.log_to_console, load_solutions=False)
    solve_s = time.perf_counter() - t1
    term = str(res.solver.termination_condition)
    if term != "optimal":
        # Pyomo's names in HiGHS's spelling, so infeasible models are explained the same way
        status = PYOMO_STATUS.get(term, term)
        raise SolveError(status, f"{opts.solver} returned '{term}' after {solve_s:.1f} s; no results written")
    m.solutions.load_from(res)
    x = np.array([v.value or 0.0 for v in pm.var_data])
    row_dual = np.array([m.dual.get(c, 0.0) for c in pm.con_data])
    col_dual = np.array([m.rc.get(v, 0.0) for v in pm.var_data])
    obj = float(pyo.value(m.objective))
    return Solution("Optimal", obj, x, row_dual, col_dual,
                    {"pyomo_build_s": t1 - t0, "solve_s": solve_s}, {"solver": opts.solver})


def solve(lp: LP, opts: SolverOptions) -> Solution:
    """Solve ``lp`` by the route the options name; HiGHS unless another solver is named. A row without
    variables that cannot hold (Pyomo refuses to compile it) is reported as an infeasible model."""
    from pyomo.common.errors import InfeasibleConstraintException

    if opts.solver != "highs":
        try:
            return solve_pyomo_solver(lp, opts)
        except InfeasibleConstraintException as err:
            raise _constant_row(err) from None
    return run_highs(load(lp, opts))


def _scalar(v) -> bool:
    return isinstance(v, (bool, int, float, str))


def solver_problems(opts: SolverOptions, where: str = "settings") -> list[str]:
    """What is wrong with the solver and its options, found before anything is built: an unknown or
    unavailable solver; for HiGHS an unknown option (with the closest name) or a value of the wrong
    type or range; for other solvers options that are not plain values."""
    from model.data.settings import suggest

    if opts.solver == "highs":
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        known = [n for n in dir(h.getOptions()) if not n.startswith("_")]
        out = []
        for key, val in highs_options(opts).items():
            if h.getOptionType(str(key))[0] == highspy.HighsStatus.kError:
                out.append(f"{where}: solver_options: HiGHS has no option {str(key)[:60]!r}{suggest(str(key), known)}")
            elif not _scalar(val) or h.setOptionValue(str(key), val) == highspy.HighsStatus.kError:
                kind = str(h.getOptionType(str(key))[1]).rsplit(".k", 1)[-1].lower()
                want = {"bool": "true or false", "int": "a whole number", "double": "a number"}.get(
                    kind, "one of the values the HiGHS options reference lists for it")
                out.append(f"{where}: solver_options: HiGHS option {key}: found {repr(val)[:60]}; expected "
                           f"{want} in the option's range")
        return out
    import pyomo.environ as pyo

    out = [f"{where}: solver_options: {str(k)[:60]}: found {repr(v)[:60]}; expected a number, text or "
           f"true/false" for k, v in opts.options.items() if not _scalar(v)]
    quiet = logging.getLogger("pyomo")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # Pyomo logs a traceback for a name it does not know
    try:
        solver = pyo.SolverFactory(opts.solver)
        ok = solver is not None and solver.available(exception_flag=False)
    except Exception:  # noqa: BLE001 - any failure to create the solver means it is unavailable
        ok = False
    finally:
        quiet.setLevel(level)
    if not ok:
        names = [n for n in pyo.SolverFactory if not n.startswith("_")]
        known = opts.solver in names
        out.append(f"{where}: solver {opts.solver[:60]!r}: " + (
            "Pyomo knows it but it is not available here (not installed, or no licence)" if known else
            f"unknown solver{suggest(opts.solver, names + ['highs'])}") +
            "; expected highs or an installed solver Pyomo knows (appsi_highs, gurobi, cplex, copt, cbc, …)")
    return out
