"""Running scenarios: one run end to end (:mod:`~model.run.single`), the steps every solve shares
(:mod:`~model.run.solved`), myopic foresight period by period (:mod:`~model.run.myopic`) and sessions
that keep a model loaded for fast re-solves (:mod:`~model.run.session`).

May import: ``model.report``, ``model.results``, ``model.lp``, ``model.data``.
"""
