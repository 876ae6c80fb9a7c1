"""What a reader sees: memo figures (:mod:`~model.report.figures`, dispatch, network map, one style),
the HTML memo (:mod:`~model.report.memo`) and the printed summary. Drawn from results Datasets only.

May import: ``model.results``, ``model.lp``, ``model.data``.
"""
