"""The full-year check of a plan, and days added until the answer holds (issue 19,
``docs/time-resolution.md``).

A plan (every capacity of a solved run, in every period) is operated over the whole year — 365 calendar
days in order, each its own day — with the same LP (:func:`model.lp.assemble.build`), its capacities fixed
(:mod:`~model.check.plan`), caps and adequacy rows made elastic (:mod:`~model.check.elastic`); one LP per
period (:mod:`~model.check.period`), in parallel on Dask (:mod:`~model.check.evaluate`). The outputs
(:mod:`~model.check.output`) say what the plan costs over the full year, how far that is from the
planning estimate and how much load it would leave unserved. :mod:`~model.check.refine` adds the days the
representative days serve worst and re-solves until the gap is within a target.

May import: ``model.sweep`` (the Dask client), ``model.run``, ``model.report``, ``model.results``,
``model.lp``, ``model.data``.
"""
