"""Policies: each module's ``add(lp, data, settings, acc)`` adds rows or costs that use the
accumulated terms of the components (emissions, capture, generation, new capacity). Each is switched on
by the scenario settings (a path name, a year, a flag)."""
