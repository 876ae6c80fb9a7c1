"""Near-optimal alternatives of a solved scenario (``run.py alternatives RESULTS --slack 0.05``): the
alternatives file (:mod:`~model.alternatives.spec`), the solved scenario loaded once with its optimum's
basis (:mod:`~model.alternatives.optimum`), objectives as column vectors (:mod:`~model.alternatives.objectives`),
the Dask driver and workers (:mod:`~model.alternatives.driver`, :mod:`~model.alternatives.worker`),
``alternatives.nc`` (:mod:`~model.alternatives.combine`; open it with
:func:`model.alternatives.open_alternatives`), the answers (:mod:`~model.alternatives.answers`: ranges,
must-haves, cost of the minimum), figures and the memo section.

May import: everything below it (``model.batch``, ``model.run`` … ``model.data``); not ``model.sweep``.
"""
from model.alternatives.combine import open_alternatives  # noqa: F401
