"""Cap or tax: the same target by two instruments (and a collar between them), compared under the same
uncertainty (``run.py instruments SCENARIO``): :mod:`~model.instruments.spec` (instruments, sample,
members), :mod:`~model.instruments.driver` (the run on Dask, through the sweep workers),
:mod:`~model.instruments.combine` (``instruments.nc``), :mod:`~model.instruments.answers` (tables and
sentences), :mod:`~model.instruments.figures`, :mod:`~model.instruments.memo`.

May import: sweep, batch, run and below (it reuses the sweep's Monte Carlo sample and workers).
"""
from model.instruments.combine import open_instruments
from model.instruments.driver import run_instruments

__all__ = ["run_instruments", "open_instruments"]
