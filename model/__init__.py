"""cn-3060: a least-cost capacity-expansion LP for China's power system, 2020–2060.

Public API (``docs/api.md``)::

    from model import load_inputs, prepare, build, solve_inputs, run_scenario, Session, open_sweep
    run = run_scenario("inputs/china7", "3060", sets=["discount_rate=0.05"], out="results/my-run")
    run.results          # xarray Dataset (the results contract, docs/results.md)

The package follows a run's journey (``docs/architecture.md``): ``data`` (inputs) ← ``lp`` (the linear
program) ← ``results`` ← ``report``; ``run`` (one run, myopic, sessions) and ``sweep`` on top.
"""
from model.data.prepare import prepare  # noqa: E402,F401
from model.data.read import load_inputs  # noqa: E402,F401
from model.data.settings import InputError, Settings  # noqa: E402,F401
from model.lp.assemble import build  # noqa: E402,F401
from model.run.session import Session  # noqa: E402,F401
from model.run.single import run_scenario, solve_inputs  # noqa: E402,F401
from model.run.solved import Run  # noqa: E402,F401
from model.sweep.combine import open_sweep  # noqa: E402,F401
from model.version import __version__  # noqa: F401
