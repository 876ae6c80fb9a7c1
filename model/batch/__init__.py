"""Many independent solves on Dask, shared by sweeps (:mod:`model.sweep`) and near-optimal alternatives
(:mod:`model.alternatives`): the client and the gathering of outcomes (:mod:`~model.batch.cluster`), and
the folders each task writes atomically inside a folder its driver marked, with the records that make a
run resumable (:mod:`~model.batch.folders`).

May import: nothing of the model (the tasks bring their own); ``model.sweep`` and
``model.alternatives`` import it.
"""
