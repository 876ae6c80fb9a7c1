"""The linear program: labelled sparse blocks (:mod:`~model.lp.problem`), the components and policies
that add variables and constraint families to it, their assembly in order (:mod:`~model.lp.assemble`),
the hand-over to Pyomo and HiGHS (:mod:`~model.lp.pyomo_handover`, :mod:`~model.lp.solve`) and the
elastic re-solve that explains infeasibility (:mod:`~model.lp.diagnose`).

May import: ``model.data``.
"""
