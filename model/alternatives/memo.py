"""The memo section of alternatives (HTML), added to the run's ``memo.html`` by ``run.py report RESULTS``
when ``RESULTS/alternatives/alternatives.nc`` is there: the must-haves in words, the ranges, what cutting
a group to its minimum costs, the regional must-haves and the figures.
"""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from model.alternatives.answers import OK, cost_of_minimum, label, must_haves, ranges, sentences, slacks
from model.alternatives.combine import open_alternatives
from model.alternatives.figures import CAPTIONS, write_figures
from model.report.memo import _img, _table

INTRO = ("A least-cost plan is one point; these are plans whose total cost is at most the slack above it. "
         "For each technology group and period the model minimised and maximised the group within the "
         "slack, each extreme at the least cost that reaches it, and added spread-out alternatives that "
         "avoid the regions and technologies the earlier plans used. A group's <b>must-have</b> is what "
         "every plan within the slack has; a wide range marks a free choice.")


def alternatives_path(results_dir) -> Path:
    """Where a results folder's ``alternatives.nc`` is."""
    return Path(results_dir) / "alternatives" / "alternatives.nc"


def _ranges_table(ds: xr.Dataset) -> pd.DataFrame:
    df = ranges(ds)
    rows = {}
    for r in df.itertuples():
        key = (label(r.group), r.period, r.units)
        rows.setdefault(key, {"Least cost": r.optimum})
        rows[key][f"{r.slack * 100:g} %: min"] = r.min
        rows[key][f"{r.slack * 100:g} %: max"] = r.max
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index = [f"{g} {p} [{u}]" for g, p, u in out.index]
    return out


def _cost_table(ds: xr.Dataset) -> pd.DataFrame:
    df = cost_of_minimum(ds)
    return pd.DataFrame({"Slack": [f"{s * 100:g} %" for s in df["slack"]], "Least cost": df["optimum"].to_numpy(),
                         "Minimum": df["minimum"].to_numpy(), "Cut": df["cut"].to_numpy(),
                         "Cost [bn CNY]": df["cost_bn_cny"].to_numpy(),
                         "Cost [% of least cost]": [f"{c:.2f}" for c in df["cost_pct"]]},
                        index=[f"{label(g)} {p} [{u}]" for g, p, u in zip(df["group"], df["period"], df["units"])])


def _regional_table(ds: xr.Dataset, slack: float, period: int) -> pd.DataFrame:
    df = must_haves(ds)
    df = df[(df["slack"] == slack) & (df["period"] == period) & (df["region"] != "national")]
    if not len(df):
        return pd.DataFrame()
    out = df.pivot_table(index="group", columns="region", values="must_have", aggfunc="first")
    out.index = [f"{label(g)} [{u}]" for g, u in zip(out.index, df.drop_duplicates("group").set_index("group")
                                                     .reindex(out.index)["units"])]
    return out


def _figures(ds: xr.Dataset, folder: Path) -> list[tuple[str, bytes]]:
    figs = folder / "figures"
    if not sorted(figs.glob("*.png")):
        write_figures(ds, figs)
    return [(CAPTIONS.get(p.stem, p.stem), p.read_bytes()) for p in sorted(figs.glob("*.png"))]


def _late_periods_note(ds, last) -> str:
    """Why late periods are loose: the slack is a share of the whole horizon's present value, in which
    a year of the last period weighs its discount factor (``period_weight`` / years of the period)."""
    if last is None or "period_weight" not in ds or not slacks(ds):
        return ""
    weight = ds["period_weight"]
    weight = weight.isel(alternative=0) if "alternative" in weight.dims else weight
    per = [int(p) for p in weight["period"].to_numpy()]
    years = (per[-1] - per[-2]) if len(per) > 1 else 1
    factor = float(weight.sel(period=last)) / years
    opt = float(ds.attrs.get("optimum_bn_cny", np.nan))
    s = min(slacks(ds))
    if not np.isfinite(opt) or factor <= 0:
        return ""
    return (f"The slack is a share of the whole horizon's present value: {s * 100:g} % is "
            f"{opt * s:,.0f} bn CNY, and a year of {last} weighs {factor:.2f} in that sum, so the slack "
            f"could pay for about {opt * s / (factor * years):,.0f} bn CNY of extra cost in each year of the "
            f"{last} period. Late periods are therefore loose: a group's {last} minimum may be far below "
            f"what the least-cost plan builds at a small share of the total cost. Read them with a small "
            f"slack (e.g. --slack 0.01) or as the space the horizon leaves open, not as a 2060 budget.")


def memo_section(results_dir, first_figure: int = 0) -> str:
    """The section as HTML (empty when the folder has no alternatives)."""
    path = alternatives_path(results_dir)
    if not path.exists():
        return ""
    ds = open_alternatives(path)
    status = ds["status"].to_numpy()[1:]
    n_ok, n = int((status == OK).sum()), len(status)
    periods = [int(p) for p in ds["group_capacity"]["period"].to_numpy()]
    last = max(periods) if periods else None
    parts = ["<h2>Near-optimal alternatives</h2>", f"<p>{INTRO}</p>",
             f"<p>{n_ok} of {n} alternatives solved (slacks "
             f"{', '.join(f'{s * 100:g} %' for s in slacks(ds))}; see <code>alternatives/</code>, "
             f"<code>failures.csv</code> for the others).</p>" if n_ok < n else
             f"<p>{n} alternatives solved (slacks {', '.join(f'{s * 100:g} %' for s in slacks(ds))}).</p>"]
    note = _late_periods_note(ds, last)
    if note:
        parts.append(f"<p>{html.escape(note)}</p>")
    for s in slacks(ds):
        parts.append(f"<h3>Must-haves within {s * 100:g} % of the least cost</h3><ul>")
        for p in sorted(periods, reverse=True):
            parts += [f"<li>{html.escape(t)}</li>" for t in sentences(ds, s, p)]
        parts.append("</ul>")
    parts += ["<h3>Ranges over the plans found</h3>", _table(_ranges_table(ds), 0, "Group, period")]
    cost = _cost_table(ds)
    if len(cost):
        parts += ["<h3>What cutting a group to its minimum costs</h3>",
                  "<p>The minimum's total cost above the least cost (present value 2020).</p>",
                  _table(cost, 0, "Group, period")]
    if last is not None and slacks(ds):
        reg = _regional_table(ds, slacks(ds)[0], last)
        if len(reg):
            parts += [f"<h3>Must-haves by region, {last}, within {slacks(ds)[0] * 100:g} %</h3>",
                      "<p>The least any plan found has in each region (an upper bound on the regional "
                      "must-have: regions are not minimised one by one).</p>", _table(reg, 0, "Group")]
    figs = _figures(ds, path.parent)
    parts += [_img(png, cap, first_figure + i + 1 if first_figure else None) for i, (cap, png) in enumerate(figs)]
    return "\n".join(parts)


def refresh_memo(results_dir) -> Path:
    """Write the run's ``memo.html`` again with the alternatives section."""
    from model.report.memo import write_memo

    return write_memo(Path(results_dir), extra=[memo_section(results_dir)])


__all__ = ["memo_section", "refresh_memo", "alternatives_path"]
