"""From a solved LP to answers: extraction into the results Dataset (:mod:`~model.results.extract`),
costs by component, derived answers (prices, LCOE, stranded capital, "what would it take"), and
writing results folders atomically (:mod:`~model.results.write`).

May import: ``model.lp``, ``model.data``.
"""
