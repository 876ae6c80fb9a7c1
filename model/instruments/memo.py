"""The memo section of an instruments run (HTML): the answer in words, the targets missed, the costs, the
drivers and the figures. ``run.py instruments`` writes it as ``memo.html`` into the instruments folder;
``run.py report results/<scenario>`` adds it to the run's memo when ``results/instruments/<scenario>/``
(or ``results/<scenario>/instruments/``) holds an ``instruments.nc``.
"""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from model.batch.folders import atomic_write
from model.instruments.answers import cost_differences, distributions, drivers, sentences, targets
from model.instruments.combine import open_instruments
from model.instruments.figures import CAPTIONS, write_figures
from model.report.memo import CSS, _img, _table
from model.sweep.combine import OK

INTRO = ("In a deterministic LP a cap and a tax at the cap's shadow price are two descriptions of the same "
         "plan. Under uncertainty they differ: the cap fixes the quantity and lets the price move, the tax "
         "fixes the price and lets emissions move, and a collar (the cap with a price floor and ceiling) "
         "lies between. Every instrument here was solved on the same Latin-hypercube sample of uncertain "
         "inputs. Costs are resource costs: carbon payments (tax, floor, allowances, ETS) are transfers "
         "and are left out.")


def instruments_path(results_dir) -> Path:
    """Where the instruments run of a results folder is: ``RESULTS/instruments/instruments.nc`` or, for
    ``results/<scenario>``, ``results/instruments/<scenario>/instruments.nc``."""
    results_dir = Path(results_dir)
    inside = results_dir / "instruments" / "instruments.nc"
    return inside if inside.exists() else results_dir.parent / "instruments" / results_dir.name / "instruments.nc"


def _period_table(ds, quantity: str, years: list[int]) -> pd.DataFrame:
    df = distributions(ds)
    df = df[(df["quantity"] == quantity) & (df["period"].isin([str(y) for y in years]))]
    out = pd.DataFrame({"5 %": df["p05"].to_numpy(), "median": df["p50"].to_numpy(), "95 %": df["p95"].to_numpy(),
                        "min": df["min"].to_numpy(), "max": df["max"].to_numpy()},
                       index=[f"{i} {p}" for i, p in zip(df["instrument"], df["period"])])
    return out


def _targets_table(ds) -> pd.DataFrame:
    t = targets(ds)
    return pd.DataFrame({"level [Mt/yr]": t["level_mt"].to_numpy(),
                         "missed [% of samples]": (t["probability_miss"] * 100).to_numpy(),
                         "mean excess when missed [Mt/yr]": t["mean_excess_when_missed_mt"].to_numpy(),
                         "largest excess [Mt/yr]": t["max_excess_mt"].to_numpy()},
                        index=[f"{i}: {g}" for i, g in zip(t["instrument"], t["target"])])


def _cost_table(ds) -> pd.DataFrame:
    c = cost_differences(ds)
    return pd.DataFrame({"mean": c["mean"].to_numpy(), "5 %": c["p05"].to_numpy(), "95 %": c["p95"].to_numpy(),
                         "share > 0 [%]": (c["share_above_0"] * 100).to_numpy()},
                        index=list(c["comparison"]))


def _drivers_table(ds) -> pd.DataFrame:
    d = drivers(ds)
    if not len(d):
        return pd.DataFrame()
    d = d.assign(col=d["instrument"] + ": " + d["output"])
    return d.pivot_table(index="parameter", columns="col", values="spearman_rho", aggfunc="first", sort=False)


def _figures(ds, folder: Path) -> list[tuple[str, bytes]]:
    figs = folder / "figures"
    if not sorted(figs.glob("*.png")):
        write_figures(ds, figs)
    return [(CAPTIONS.get(p.stem, p.stem), p.read_bytes()) for p in sorted(figs.glob("*.png"))]


def _zero_price_note(ds) -> str:
    """Periods whose cap has no price in the central case: there the tax is 0 and the collar's ceiling
    too (± a share of 0), so neither holds emissions to the cap if a sample makes it bind."""
    if "cap_price_path" not in ds or "co2_cap" not in ds:
        return ""
    capped = ds["co2_cap"].to_series().dropna().index
    zero = [int(p) for p in capped if float(ds["cap_price_path"].sel(period=p)) <= 1e-6]
    if not zero:
        return ""
    return (f"<p>In {', '.join(map(str, zero))} the cap does not bind in the central case (price 0): "
            f"the tax there is 0 and the collar's floor and ceiling are 0 too, so where a sample makes the "
            f"cap bind, neither the tax nor the collar holds emissions to it.</p>")


def memo_section(path, first_figure: int = 0) -> str:
    """The section as HTML from an instruments folder or ``instruments.nc`` (empty when there is none)."""
    path = Path(path)
    nc = path / "instruments.nc" if path.is_dir() else path
    if not nc.exists():
        return ""
    ds = open_instruments(nc)
    ps = [int(p) for p in ds["period"].to_numpy()]
    years = sorted({y for y in (2030, ps[-1] if ps else None) if y in ps})
    n = ds.sizes["sample"]
    ok = {i: int((ds["status"].sel(instrument=i) == OK).sum()) for i in ds["instrument"].to_numpy()}
    a = ds.attrs
    check = ""
    if "tax_twin_objective_gap_relative" in a:
        check = (f"<p>Duality check, central case: the tax twin's objective is "
                 f"{a['tax_twin_objective_bn_cny']:,.1f} bn CNY against {a['tax_twin_objective_expected_bn_cny']:,.1f} "
                 f"bn CNY expected from the cap's (relative gap {a['tax_twin_objective_gap_relative']:.1e}); its "
                 f"emissions differ from the cap's by up to {a['tax_twin_emissions_gap_max_mt']:,.1f} Mt/yr (at "
                 f"exactly the cap's price the tax is indifferent along a step of the abatement curve).</p>")
    parts = ["<h2>Cap or tax under uncertainty</h2>", f"<p>{INTRO}</p>", _zero_price_note(ds),
             f"<p>Scenario '{html.escape(str(a.get('scenario')))}' against '{html.escape(str(a.get('reference')))}'; "
             f"{n} samples of <code>{html.escape(str(a.get('uncertainty_file')))}</code> (seed {a.get('seed')}); "
             f"collar ±{float(a.get('collar', 0)) * 100:g} % of the cap's central price; shared settings "
             f"<code>{html.escape(str(a.get('shared_sets')))}</code>. Solved: "
             f"{', '.join(f'{i} {k}/{n}' for i, k in ok.items())}.</p>",
             "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in sentences(ds)) + "</ul>", check,
             "<h3>Emissions [Mt/yr]</h3>", _table(_period_table(ds, "emissions", years), 0, "Instrument, period"),
             "<h3>CO2 price of the instrument [CNY/t]</h3>",
             _table(_period_table(ds, "instrument_price", years), 0, "Instrument, period"),
             "<h3>Targets missed</h3>", _table(_targets_table(ds), 1, "Instrument: target"),
             "<h3>Resource cost and differences [bn CNY, present value]</h3>",
             _table(_cost_table(ds), 0, "Instrument or difference")]
    drv = _drivers_table(ds)
    if len(drv):
        parts += ["<h3>What drives the spread (Spearman rank correlation)</h3>", _table(drv, 2, "Input")]
    figs = _figures(ds, nc.parent)
    parts += [_img(png, cap, first_figure + i + 1 if first_figure else None) for i, (cap, png) in enumerate(figs)]
    return "\n".join(parts)


def write_instruments_memo(folder) -> Path:
    """``memo.html`` of an instruments folder (figures drawn first if missing), written atomically."""
    folder = Path(folder)
    body = memo_section(folder)
    scen = html.escape(str(open_instruments(folder).attrs.get("scenario", "")))
    doc = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cap or tax: {scen}"
           f"</title><style>{CSS}</style></head><body>{body}</body></html>\n")
    return atomic_write(folder / "memo.html", lambda p: p.write_text(doc, encoding="utf-8"))


__all__ = ["memo_section", "write_instruments_memo", "instruments_path"]
