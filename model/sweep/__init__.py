"""Sensitivity sweeps: sweep files and their members (:mod:`~model.sweep.spec`), the driver on Dask
(:mod:`~model.sweep.driver`), the worker side (:mod:`~model.sweep.worker`), the combined ``sweep.nc``
(:mod:`~model.sweep.combine`; open it with :func:`model.sweep.open_sweep`), sweep figures and memo.

May import: everything below it (``model.run`` … ``model.data``).
"""
from model.sweep.combine import open_sweep  # noqa: F401
