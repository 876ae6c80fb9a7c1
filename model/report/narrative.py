"""The memo's summary in words, generated from the numbers of a results Dataset (and of a reference run).

:func:`summary` returns 5–8 sentences: the emissions peak and path, the 2030 and 2060 mix, coal (early
retirements, CCUS), the CO2 price and whether the cap binds, the cost (of the policy, against a
reference run when there is one), and the full-year check when the results carry it (``cost_gap``,
``evaluated_cost``). Every number in a sentence is read from the Dataset, none is typed in.
Units: Mt/yr, GW, %, CNY/t, bn CNY (present value), CNY/MWh.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

from model.report import words as w
from model.results.metrics import policy_cost, resource_cost

#: the years the memo reads the mix in (nearest period)
MIX_YEARS = (2030, 2060)
#: a cap counts as binding when its shadow price exceeds this [CNY/t]
BINDING_CNY_PER_T = 0.5


def emissions_sentence(ds: xr.Dataset) -> str:
    net = w.series(ds, "emissions")
    p0, last = int(net.index[0]), int(net.index[-1])
    peak = int(net.idxmax())
    p30 = w.nearest_period(ds, MIX_YEARS[0])
    path = f"{w.fmt(net[p30])} Mt/yr in {p30} and {w.fmt(net[last])} Mt/yr in {last}"
    if peak == p0:
        return (f"Net CO2 emissions of the power sector are highest in the base year {p0} "
                f"({w.fmt(net[p0])} Mt/yr) and fall to {path}.")
    rise = 100 * (net[peak] / net[p0] - 1) if net[p0] > 0 else np.nan
    return (f"Net CO2 emissions of the power sector peak in {peak} at {w.fmt(net[peak])} Mt/yr "
            f"({w.fmt(rise)} % above {p0}) and fall to {path}.")


def mix_sentence(ds: xr.Dataset, year: int) -> str:
    p = w.nearest_period(ds, year)
    cap = w.by_tech(ds, "capacity").loc[p]
    shares = w.supply_shares(ds, p)
    coal = float(cap.reindex(w.unabated_coal(ds)).sum())
    store = float(cap.reindex(w.storage(ds)).sum())
    top = [f"{w.label(t)} {w.fmt(v)} %" for t, v in shares.head(3).items() if v >= 1]
    return (f"In {p}, {w.fmt(cap.reindex(w.vre(ds)).sum())} GW of wind and solar, {w.fmt(coal)} GW of "
            f"unabated coal and {w.fmt(store)} GW of storage are installed ({w.fmt(cap.sum())} GW in all); "
            f"non-fossil sources generate {w.fmt(w.non_fossil_share(ds, p))} % of electricity"
            + (f", the largest shares being {w.listing(top)}." if top else "."))


def coal_sentence(ds: xr.Dataset) -> str | None:
    coal = w.unabated_coal(ds)
    if not coal:
        return None
    cap = w.by_tech(ds, "capacity")
    p0, last = int(cap.index[0]), int(cap.index[-1])
    parts = [f"Unabated coal goes from {w.fmt(cap.loc[p0, coal].sum())} GW in {p0} to "
             f"{w.fmt(cap.loc[last, coal].sum())} GW in {last}"]
    if "retired_capacity" in ds:
        early = w.by_tech(ds, "retired_capacity")[coal].sum(axis=1)
        when = early[early > 0.5].index
        parts.append(f"{w.fmt(early.sum())} GW of it retire before the end of their life"
                     + (f" (in {w.years(when)})" if len(when) else ""))
    ccus = w.ccus(ds)
    if ccus:
        gw = float(cap.loc[last, ccus].sum())
        captured = float(w.series(ds, "captured_co2").loc[last]) if "captured_co2" in ds else 0.0
        parts.append(f"{w.fmt(gw)} GW of fossil and biomass plants with CCUS capture "
                     f"{w.fmt(captured)} Mt/yr of CO2 in {last}")
    return "; ".join(parts) + "."


def price_sentence(ds: xr.Dataset) -> str:
    price = ds["co2_price"].to_pandas()
    p30, last = w.nearest_period(ds, MIX_YEARS[0]), int(price.index[-1])
    text = (f"The CO2 price (the carbon price plus the cap's shadow price) is {w.fmt(price[p30])} CNY/t in "
            f"{p30} and {w.fmt(price[last])} CNY/t in {last}")
    cap = ds["co2_cap"].to_pandas() if "co2_cap" in ds else None
    if cap is None or not np.isfinite(cap.to_numpy(dtype=float)).any():
        return text + "; there is no CO2 cap."
    shadow = ds["co2_shadow_price"].to_pandas() if "co2_shadow_price" in ds else price * 0
    binding = shadow[shadow > BINDING_CNY_PER_T].index
    if not len(binding):
        return text + "; the CO2 cap never binds (emissions stay below it in every period)."
    return text + f"; the CO2 cap binds in {w.years(binding)} and is slack in the other periods."


def cost_sentence(ds: xr.Dataset, ref: xr.Dataset | None = None) -> str:
    if ref is not None:
        pc = policy_cost(ds, ref)
        inc = pc["cost_difference_bn_cny"]
        base = resource_cost(ref)
        pct = 100 * inc / base if base else np.nan
        per_t = pc["cost_per_tonne_cny"]
        more = "more" if inc >= 0 else "less"
        tonne = (f", {w.fmt(per_t)} CNY per tonne of CO2 abated" if np.isfinite(per_t)
                 else "; it abates no CO2 against the reference")
        return (f"Against '{ref.attrs.get('scenario', 'reference')}', this pathway costs {w.fmt(abs(inc))} bn "
                f"CNY {more} in present value ({w.fmt(pct, 1)} % of the reference's resource cost; carbon "
                f"payments, a transfer, left out){tonne}.")
    p0, last = int(ds["period"][0]), int(ds["period"][-1])
    text = f"The discounted system cost is {w.fmt(float(ds['total_cost']))} bn CNY (present value, {p0} prices)"
    if "system_cost_per_mwh" in ds:
        pm = ds["system_cost_per_mwh"].to_pandas()
        text += (f"; per MWh of demand it goes from {w.fmt(pm[p0])} CNY in {p0} to {w.fmt(pm[last])} CNY in "
                 f"{last}")
        if "sunk_fleet_annuity" in ds and "load" in ds:
            demand = float((ds["load"].sel(period=p0) * ds["weight"]).sum()) / 1000  # TWh/yr
            extra = float(ds["sunk_fleet_annuity"].sel(period=p0)) / demand * 1000 if demand else np.nan
            text += (f", but {p0} pays nothing for its existing plants (their capital is sunk; as an annuity "
                     f"it would add {w.fmt(extra)} CNY/MWh)")
    return text + "."


def check_sentence(ds: xr.Dataset) -> str | None:
    """The full-year check, when the results carry it (``cost_gap``, ``evaluated_cost``): the plan's
    full-year cost, how much more than planned (evaluated / planning − 1; the gap itself is relative to
    the evaluated cost), and the load it leaves unserved (``check_unserved_energy``)."""
    if "cost_gap" not in ds:
        return None
    text = "Operated over the full year"
    if "evaluated_cost" in ds:
        evaluated = float(ds["evaluated_cost"])
        planning = float(ds["planning_cost"] if "planning_cost" in ds else ds["total_cost"])
        more = 100 * (evaluated / planning - 1)
        text += f", this plan costs {w.fmt(evaluated)} bn CNY"
    else:
        more = 100 * float(ds["cost_gap"])
    text += f", {w.fmt(abs(more), 1)} % {'more' if more >= 0 else 'less'} than the planning estimate"
    lost = [v for v in ("check_unserved_energy",) if v in ds]
    if lost:
        twh = float(ds[lost[0]].sum())
        text += (f", and it leaves {w.fmt(twh, 1)} TWh of load unserved over all periods" if twh > 1e-3
                 else ", and it serves all load")
    return text + "."


def summary(ds: xr.Dataset, ref: xr.Dataset | None = None) -> list[str]:
    """The summary sentences, in reading order."""
    out = [emissions_sentence(ds), *(mix_sentence(ds, y) for y in MIX_YEARS), coal_sentence(ds),
           price_sentence(ds), cost_sentence(ds, ref), check_sentence(ds)]
    return [s for s in dict.fromkeys(out) if s]
