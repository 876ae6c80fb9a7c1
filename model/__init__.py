"""cn-3060: a least-cost capacity-expansion LP for China's power system, 2020–2060.

Public API::

    from model import load_inputs, prepare, build, solve_inputs, run_scenario
    run = run_scenario("inputs/china7", "3060", sets=["discount_rate=0.05"], out="results/my-run")
    run.results          # xarray Dataset (the results contract, docs/results.md)
"""
__version__ = "0.1.0"

from model.run.single import Run, run_scenario, solve_inputs  # noqa: E402,F401
from model.lp.assemble import build  # noqa: E402,F401
from model.data.settings import InputError, Settings  # noqa: E402,F401
from model.data.read import load_inputs  # noqa: E402,F401
from model.data.prepare import prepare  # noqa: E402,F401
