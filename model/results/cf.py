"""Results files in the CF conventions (CF-1.10): units UDUNITS can parse, long names, coordinate and
global attributes, and solver noise written as 0.

The results Dataset in memory carries units as the docs write them (``"TWh/yr"``, ``"bn CNY/yr"``);
:func:`conform` turns them into UDUNITS strings (``"TW h/yr"``, ``"1e9/yr"``), keeps the written form
in ``display_units`` and states money's currency in ``currency`` ("CNY (real 2020 prices)"), because
UDUNITS has no currency. Values with ``|x| < NOISE`` (solver noise, ``-0``) become 0.
"""
from __future__ import annotations

import re

import numpy as np
import xarray as xr

#: values smaller than this in magnitude are solver noise and written as 0 (all results are in units
#: of GW, TWh, Mt, bn CNY or CNY per MWh/t/kW, so 1e-9 is far below anything meaningful)
NOISE = 1e-9
PRICE_BASE_YEAR = 2020
CURRENCY = f"CNY (real {PRICE_BASE_YEAR} prices)"
CONVENTIONS = "CF-1.10"

#: long names and units of the coordinates (dimensions and their labels)
COORDS = {
    "region": ("model region", None),
    "tech": ("technology", None),
    "period": ("first calendar year of the investment period (each period stands for period_years years)", None),
    "vintage": ("commissioning year of a cohort (base-year fleet and new builds)", None),
    "timestep": ("representative timestep (index)", None),
    "timestep_day": ("representative day of the timestep (index)", None),
    "timestep_step": ("position of the timestep within its day (index)", None),
    "first_hour": ("hour of day at which the timestep starts", "h"),
    "duration": ("length of the timestep", "h"),
    "weight": ("hours per year the timestep stands for", "h/yr"),
    "line": ("inter-regional transmission corridor", None),
    "line_from": ("region a corridor's positive flow leaves", None),
    "line_to": ("region a corridor's positive flow enters", None),
    "component": ("system cost component", None),
    "day": ("representative day (index)", None),
}

_MONEY = re.compile(r"(?:(bn|trillion)\s+)?CNY")
_FACTORS = {"bn": "1e9", "trillion": "1e12", None: ""}
_DIMENSIONLESS = {"", "-", "fraction", "1"}


def udunits(unit: str) -> tuple[str, bool]:
    """A unit as the docs write it → (a UDUNITS string, whether it is money).

    Energy symbols are split (``TWh`` → ``TW h``), ``*`` becomes a space, ``-``/``fraction`` become
    ``1``; money loses its currency, which UDUNITS cannot express (``bn CNY/yr`` → ``1e9/yr``,
    ``CNY/MWh`` → ``1/(MW h)``, ``CNY/(kW*yr)`` → ``1/(kW yr)``). Strings already in UDUNITS form pass
    unchanged.
    """
    text = str(unit).strip()
    if text in _DIMENSIONLESS:
        return "1", False
    money = bool(_MONEY.search(text))
    text = _MONEY.sub(lambda m: _FACTORS[m.group(1)] or "1", text)
    text = re.sub(r"/([kMGTP]?)Wh\b", r"/(\1W h)", text)  # per MWh: 1/(MW h), not (1/MW) h
    text = re.sub(r"\b([kMGTP]?)Wh\b", r"\1W h", text)
    text = text.replace("*", " ").replace("·", " ")
    return re.sub(r"\s+", " ", text).strip(), money


def clean(values: np.ndarray, tol: float = NOISE) -> np.ndarray:
    """Floats with ``|x| < tol`` (solver noise, negative zero) set to +0; NaN and other dtypes kept."""
    if not np.issubdtype(values.dtype, np.floating):
        return values
    return np.where(np.abs(values) < tol, 0.0, values) + 0.0


def _variable_attrs(attrs: dict, name: str, numeric: bool = True) -> dict:
    out = dict(attrs)
    written = str(out.pop("units", out.pop("unit", "")) or "")
    out.setdefault("long_name", str(out.get("description") or name.replace("_", " ")))
    if not numeric:  # labels (e.g. the region where a technology enters first) have no unit
        return out
    units, money = udunits(written)
    out["units"] = units
    if written and written != units:
        out["display_units"] = written
    if money:
        out["currency"] = CURRENCY
    return out


def _global_attrs(ds: xr.Dataset) -> dict:
    a = dict(ds.attrs)
    scenario = a.get("scenario", "?")
    variant = " (a variant: " + a["cli_overrides"] + ")" if a.get("cli_overrides") else ""
    a.setdefault("title", f"cn-3060 results, scenario '{scenario}'{variant}")
    a["Conventions"] = CONVENTIONS
    a.setdefault("source", f"cn-3060 model v{a.get('model_version', '?')} (git {a.get('git_commit', '?')}), "
                           f"solver {a.get('solver', '?')}")
    a.setdefault("history", f"{a.get('created', '?')}: solved and written by cn-3060")
    a.setdefault("references", "docs/results.md (variables, units), docs/formulation.md (the LP)")
    a["price_base_year"] = PRICE_BASE_YEAR
    a["currency"] = CURRENCY
    return a


def conform(ds: xr.Dataset, tol: float = NOISE) -> xr.Dataset:
    """A copy of a results Dataset following CF-1.10: every variable's ``units`` in UDUNITS form with
    ``long_name`` (and ``display_units``, ``currency`` where they apply), coordinates described,
    global attributes (title, Conventions, source, history, price base year, currency), noise → 0."""
    out = ds.copy()
    for name in list(out.data_vars):
        da = out[name]
        out[name] = da.copy(data=clean(da.to_numpy(), tol))
        out[name].attrs = _variable_attrs(da.attrs, name, np.issubdtype(da.dtype, np.number))
    for name in list(out.coords):
        long_name, units = COORDS.get(name, (None, None))
        attrs = dict(out[name].attrs)
        if long_name:
            attrs.setdefault("long_name", long_name)
        if units or "units" in attrs:
            attrs = _variable_attrs({"units": units, **attrs}, name)
        out[name].attrs = attrs
    out.attrs = _global_attrs(ds)
    return out
