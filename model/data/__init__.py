"""The inputs of a run: the parameter registry (:mod:`~model.data.schema`), settings, the scenario file
and ``--set`` overrides, reading and validating a dataset folder, importers of other layouts,
representative days (:mod:`~model.data.timeslices`), discounting (:mod:`~model.data.finance`) and the
prepared input Dataset (:mod:`~model.data.prepare`).

May import: nothing of the model outside ``model.data`` (it is the bottom layer).
"""
