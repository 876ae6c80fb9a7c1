"""The scenario memo: one self-contained HTML file (``memo.html``) from results folders only.

``write_memo(results_dir, compare=[...])`` reads ``results_dir/results.nc`` (and each compared folder's),
embeds the figures of ``results_dir/figures/`` as base64 PNG (drawing and writing them there first when
the folder has none) and writes ``results_dir/memo.html``: assumptions, key numbers, the capacity and
generation mix, the CO2 and price path, the figures and, with ``compare``, the key numbers side by side
with differences and a comparison chart. No scripts, no external CSS, fonts or URLs.
Units: GW, TWh/yr, Mt/yr, CNY/t, bn CNY (present value 2020 or per year), trillion CNY; real 2020 CNY.
"""
from __future__ import annotations

import base64
import html
import io
import json
import os
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.lines import Line2D

from model.report.figures import CAPTIONS, non_fossil_share, write_figures
from model.report.style import (
    RC,
    STORAGE,
    fig_legend,
    national,
    new_figure,
    nonzero,
    period_axis,
    stack_bars,
    styled,
    styles_for,
    tech_frame,
    tech_order,
    tech_style,
    thousands,
)
from model.results.metrics import policy_cost, resource_cost

MIX_YEARS = (2030, 2060)
CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45;color:#222;
max-width:1100px;margin:24px auto;padding:0 20px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #2b5c8a;padding-bottom:3px;
margin-top:32px}.meta{color:#555;font-size:12px}.lead{font-size:15px}
table{border-collapse:collapse;margin:10px 0 18px;font-size:13px}
th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}th{background:#eef2f6;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total td{font-weight:bold;border-top:2px solid #888}td.neg{color:#8b1a1a}
figure{margin:16px 0 26px;page-break-inside:avoid;break-inside:avoid}
figure img{max-width:100%;height:auto;border:1px solid #eee}figcaption{font-size:12px;color:#444}
code{font-size:12px}
@media print{body{margin:0;max-width:none;font-size:11px}h2{page-break-after:avoid}
table,figure{page-break-inside:avoid}}
"""


# ---------------------------------------------------------------- loading and numbers

def load_results(path: Path) -> xr.Dataset:
    """A results Dataset from a results folder (``results.nc`` inside) or a ``.nc`` file, in memory."""
    path = Path(path)
    return xr.load_dataset(path / "results.nc" if path.is_dir() else path)


def fmt(value, digits: int | None = 0) -> str:
    """A number with thousands separators ('–' for missing); ``digits=None``: a year (no separator)."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    value = round(float(value), 0 if digits is None else digits) + 0.0  # + 0.0: no "−0"
    text = f"{value:.0f}" if digits is None else f"{value:,.{digits}f}"
    return text.replace("-", "−")


def _period(ds: xr.Dataset, year: int) -> int:
    periods = ds["period"].to_numpy()
    return int(periods[np.argmin(np.abs(periods - year))])


def key_numbers(ds: xr.Dataset) -> list[tuple[str, str, float, int | None]]:
    """Headline numbers: (quantity, unit, value, decimals; None for a year)."""
    net = national(ds["emissions"]).to_pandas()
    p30, p60 = (_period(ds, y) for y in MIX_YEARS)
    cap = tech_frame(ds["capacity"])
    share = non_fossil_share(ds)
    vre = [t for t in cap.columns if t.startswith(("wind", "solar"))]
    later = [p for p in ds["period"].to_numpy() if 2020 < p <= 2060]
    rows = [("Peak net CO2 emissions", "Mt/yr", float(net.max()), 0),
            ("Peak period (first year)", "year", float(net.idxmax()), None),
            (f"Net CO2 emissions {p30}", "Mt/yr", float(net[p30]), 0),
            (f"Net CO2 emissions {p60}", "Mt/yr", float(net[p60]), 0)]
    for p in (p30, p60):
        rows += [(f"Installed capacity {p}", "GW", float(cap.loc[p].sum()), 0),
                 (f"Wind and solar capacity {p}", "GW", float(cap.loc[p, vre].sum()), 0),
                 (f"Unabated coal capacity {p}", "GW", float(cap.loc[p].get("coal", 0.0)), 0),
                 (f"Non-fossil share of generation {p}", "%", float(share[p]), 1),
                 (f"CO2 price {p}", "CNY/t", float(ds["co2_price"].sel(period=p)), 0)]
    rows += [("Total discounted system cost (PV 2020)", "bn CNY", float(ds["total_cost"]), 0)]
    if "cost_npv" in ds:
        rows.append(("Discounted resource cost, without carbon payments (PV 2020)", "bn CNY",
                     resource_cost(ds), 0))
    if later:
        rows.append((f"Cumulative investment, builds {later[0]}–{later[-1]}", "trillion CNY",
                     float(ds["investment"].sel(period=later).sum()) / 1000.0, 2))
    coal = [t for t in ds["tech"].to_numpy() if str(t).startswith("coal")]
    if "stranded_capital" in ds:
        rows.append(("Stranded coal capital (undepreciated, all periods)", "bn CNY",
                     float(ds["stranded_capital"].sel(tech=coal).sum()), 0))
    if "retired_capacity" in ds:
        rows.append(("Coal retired early, all periods", "GW",
                     float(ds["retired_capacity"].sel(tech=coal).sum()), 0))
    rows += _flexibility_numbers(ds, p60, vre)
    rows.append(("Unserved energy, sum over periods", "TWh/yr", float(ds["unserved_energy"].sum()), 2))
    return rows


def _flexibility_numbers(ds: xr.Dataset, p: int, vre: list[str]) -> list[tuple[str, str, float, int]]:
    """Curtailment, storage and flexible demand in period ``p``: what flexibility options change."""
    curt = float(ds["curtailment"].sel(period=p, tech=vre).sum())
    avail = curt + float(ds["generation"].sel(period=p, tech=vre).sum())
    store = [t for t in ds["tech"].to_numpy() if t in STORAGE]
    rows = [(f"Wind and solar curtailment {p}", "%", 100 * curt / avail if avail > 0 else float("nan"), 1),
            (f"Storage power {p}", "GW", float(ds["capacity"].sel(period=p, tech=store).sum()), 0),
            (f"Storage energy {p}", "GWh", float(ds["storage_energy_capacity"].sel(period=p).sum()), 0)]
    if "hydrogen" in ds["tech"].to_numpy():
        rows.append((f"Hydrogen storage energy {p}", "GWh",
                     float(ds["storage_energy_capacity"].sel(period=p, tech="hydrogen").sum()), 0))
    if "demand_shifted" in ds:
        rows.append((f"Flexible demand shifted {p}", "TWh/yr", float(ds["demand_shifted"].sel(period=p).sum()), 1))
    return rows


def mix_table(ds: xr.Dataset) -> pd.DataFrame:
    """Capacity [GW] and generation [TWh/yr] by technology in 2030 and 2060, and the 2060 share [%]."""
    years = list(dict.fromkeys(_period(ds, y) for y in MIX_YEARS))
    cap, gen = tech_frame(ds["capacity"]).loc[years].T, tech_frame(ds["generation"]).loc[years].T
    df = pd.concat({**{f"Capacity {y} [GW]": cap[y] for y in years},
                    **{f"Generation {y} [TWh/yr]": gen[y] for y in years}}, axis=1)
    df = df[(df.abs() > 1e-3).any(axis=1)]
    supply = gen[years[-1]].drop([t for t in gen.index if t in STORAGE])
    df[f"Share of generation {years[-1]} [%]"] = 100 * supply / max(float(supply.sum()), 1e-9)
    df.loc["Total"] = df.sum()
    df.index = [tech_style(t).label if t != "Total" else t for t in df.index]
    return df


def period_table(ds: xr.Dataset) -> pd.DataFrame:
    """CO2, prices and costs by period."""
    return pd.DataFrame({
        "Net CO2 emissions [Mt/yr]": national(ds["emissions"]).to_pandas(),
        "CO2 captured [Mt/yr]": national(ds["captured_co2"]).to_pandas(),
        "CO2 cap [Mt/yr]": ds["co2_cap"].to_pandas(),
        "CO2 price [CNY/t]": ds["co2_price"].to_pandas(),
        "Annual cost [bn CNY/yr]": ds["cost"].sum("component").to_pandas(),
        "Investment [bn CNY]": ds["investment"].to_pandas(),
    }).rename_axis("Period")


def assumptions(ds: xr.Dataset) -> list[tuple[str, str]]:
    """(setting, value) from the description, ``settings`` (JSON) and ``overrides`` attributes."""
    a = ds.attrs
    rows = [("scenario", str(a.get("scenario", ""))), ("description", str(a.get("description", "")))]
    try:
        settings = json.loads(a.get("settings") or "{}")
    except (TypeError, ValueError):
        settings = {"settings": a.get("settings")}
    rows += [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in settings.items()]
    rows += [("overrides", str(a.get("overrides") or "none")), ("inputs", str(a.get("inputs", ""))),
             ("input checksum", str(a.get("input_checksum", "")))]
    return rows


# ---------------------------------------------------------------- comparison

def comparison_frame(datasets: list[xr.Dataset]) -> pd.DataFrame:
    """Key numbers side by side (a column per scenario) with differences to the first scenario."""
    names = [str(d.attrs.get("scenario", f"run {i}")) for i, d in enumerate(datasets)]
    names = [n if names.count(n) == 1 else f"{n} ({i + 1})" for i, n in enumerate(names)]
    cols, units, digits = {}, {}, {}
    for name, d in zip(names, datasets):
        rows = key_numbers(d)
        cols[name] = {q: v for q, _, v, _ in rows}
        units.update({q: u for q, u, _, _ in rows})
        digits.update({q: n for q, _, _, n in rows})
    df = pd.DataFrame(cols).reindex(list(units))
    for other in names[1:]:
        df[f"Δ {names[0]} − {other}"] = df[names[0]] - df[other]
    df.insert(0, "Unit", pd.Series(units))
    df.attrs["digits"] = digits
    return df


@styled
def fig_comparison(datasets: list[xr.Dataset]):
    """Capacity by technology in 2060 [GW] side by side, and net CO2 emission paths [Mt/yr] overlaid."""
    names = [str(d.attrs.get("scenario", i)) for i, d in enumerate(datasets)]
    year = _period(datasets[0], MIX_YEARS[-1])
    cap = pd.DataFrame({n: tech_frame(d["capacity"]).loc[_period(d, year)]
                        for n, d in zip(names, datasets)}).T
    cap = nonzero(cap.fillna(0.0)[tech_order(cap.columns)])
    fig = new_figure(datasets[0], f"Scenarios: capacity {year} and net CO2", (11, 4.8))
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.0, 1.4])
    x = np.arange(len(names))
    handles = stack_bars(ax, x, cap, styles_for(cap.columns), 0.6)
    ax.set_xticks(x, names)
    ax.set_xlabel("Scenario [–]")
    ax.set_ylabel(f"Installed capacity {year} [GW]")
    ax.grid(axis="x", visible=False)
    styles = ["-", "--", ":", "-."]
    markers = ["o", "s", "^", "D"]
    lines = []
    for i, (n, d) in enumerate(zip(names, datasets)):
        net = national(d["emissions"]).to_pandas()
        kw = dict(color=["black", "#2b5c8a", "#c0392b", "#6a3d9a"][i % 4], linestyle=styles[i % 4],
                  marker=markers[i % 4], markersize=4, linewidth=1.6)
        ax2.plot(net.index, net.to_numpy(), **kw)
        lines.append(Line2D([], [], label=f"{n}: net CO2", **kw))
    period_axis(ax2, datasets[0]["period"].to_numpy())
    ax2.axhline(0, color="black", linewidth=0.8)
    ax2.set_ylabel("Net CO2 emissions [Mt/yr]")
    ax2.yaxis.set_major_formatter(thousands())
    fig_legend(fig, lines + handles)
    return fig


# ---------------------------------------------------------------- HTML

def _table(df: pd.DataFrame, digits=0, index_name: str | None = None, total_last: bool = False) -> str:
    """An HTML table; numbers right-aligned with thousands separators. ``digits``: int, or dict by row."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [index_name or df.index.name or ""]
                   + list(df.columns))
    body = []
    for i, (idx, row) in enumerate(df.iterrows()):
        d = digits.get(idx, 0) if isinstance(digits, dict) else digits
        cells = [f"<th>{html.escape(str(idx))}</th>"]
        for v in row:
            if isinstance(v, (int, float, np.number)):
                neg = " neg" if fmt(float(v), d).startswith("−") else ""
                cells.append(f'<td class="num{neg}">{fmt(float(v), d)}</td>')
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        cls = ' class="total"' if total_last and i == len(df) - 1 else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _img(png: bytes, caption: str, number: int | None = None) -> str:
    """A figure with the PNG embedded as a data: URI."""
    data = base64.b64encode(png).decode("ascii")
    cap = html.escape(caption)
    label = f"<b>Figure {number}.</b> " if number else ""
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{cap}">'
            f"<figcaption>{label}{cap}</figcaption></figure>")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    with mpl.rc_context(RC):
        fig.savefig(buf, format="png", dpi=150)
    return buf.getvalue()


def memo_figures(ds: xr.Dataset, results_dir: Path) -> list[tuple[str, bytes]]:
    """(caption, PNG bytes) of the figures in ``results_dir/figures`` (written there first if none)."""
    folder = Path(results_dir) / "figures"
    if not sorted(folder.glob("*.png")):
        write_figures(ds, folder)
    return [(CAPTIONS.get(p.stem, p.stem.replace("_", " ")), p.read_bytes())
            for p in sorted(folder.glob("*.png"))]


def _key_section(ds: xr.Dataset) -> str:
    rows = key_numbers(ds)
    df = pd.DataFrame({"Unit": [u for _, u, _, _ in rows], "Value": [v for _, _, v, _ in rows]},
                      index=[q for q, _, _, _ in rows])
    return "<h2>Key numbers</h2>" + _table(df, {q: d for q, _, _, d in rows}, "Quantity")


def _comparison_section(ds: xr.Dataset, others: list[xr.Dataset]) -> str:
    df = comparison_frame([ds, *others])
    ref = others[0]
    pc = policy_cost(ds, ref)
    inc = pc["cost_difference_bn_cny"]
    pct = 100 * inc / resource_cost(ref) if resource_cost(ref) else float("nan")
    me, them = (html.escape(str(d.attrs.get("scenario"))) for d in (ds, ref))
    text = (f"<p>Cost of <b>{me}</b> against <b>{them}</b> (present value 2020, resource cost: carbon-price "
            f"payments are a transfer and left out): <b>{fmt(inc)} bn CNY</b> ({fmt(pct, 1)} %); "
            f"with the carbon payments the difference of total cost is {fmt(pc['total_cost_difference_bn_cny'])} "
            f"bn CNY. Cumulative abatement {fmt(pc['abatement_mt'])} Mt CO2 over the horizon; average cost "
            f"of abatement <b>{fmt(pc['cost_per_tonne_cny'])} CNY/t</b> (PV cost ÷ discounted abatement).</p>")
    mine = dict(assumptions(ds))
    diff = [(k, v, dict(assumptions(o)).get(k, "–")) for o in others[:1] for k, v in mine.items()
            if dict(assumptions(o)).get(k) != v and k not in ("scenario", "description")]
    diff_df = pd.DataFrame([d[1:] for d in diff], index=[d[0] for d in diff],
                           columns=[str(ds.attrs.get("scenario")), str(ref.attrs.get("scenario"))])
    fig = fig_comparison([ds, *others])
    return ("<h2>Comparison</h2>" + text + _table(df, df.attrs["digits"], "Quantity")
            + ("<h3>Assumptions that differ</h3>" + _table(diff_df, 0, "Setting") if len(diff) else "")
            + _img(_png(fig), "Capacity by technology in 2060 side by side and net CO2 emission paths."))


def render_memo(ds: xr.Dataset, figures: list[tuple[str, bytes]], others: list[xr.Dataset] = (),
                extra: list[str] = ()) -> str:
    """The memo as one HTML string; ``extra``: further sections (HTML) placed before the assumptions."""
    a = ds.attrs
    name = html.escape(str(a.get("scenario", "")))
    esc = {k: html.escape(str(a.get(k, ""))) for k in ("created", "model_version", "solver", "status")}
    meta = (f"Run {esc['created']} · model v{esc['model_version']} · solver {esc['solver']} "
            f"({esc['status']}) · real 2020 CNY")
    assumptions_df = pd.DataFrame({"Value": [v for _, v in assumptions(ds)]},
                                  index=[k for k, _ in assumptions(ds)])
    mix = mix_table(ds)
    parts = [f"<h1>Scenario memo: {name}</h1>", f'<p class="meta">{meta}</p>',
             f'<p class="lead">{html.escape(str(a.get("description", "")))}</p>',
             _key_section(ds),
             _comparison_section(ds, list(others)) if others else "",
             "<h2>Capacity and generation mix</h2>", _table(mix, 0, "Technology", total_last=True),
             "<h2>CO2 and price path</h2>", _table(period_table(ds), 0),
             "<h2>Figures</h2>", *(_img(png, cap, i + 1) for i, (cap, png) in enumerate(figures)),
             *extra, "<h2>Assumptions</h2>", _table(assumptions_df, 0, "Setting")]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Scenario memo: {name}</title><style>{CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def write_memo(results_dir: Path, compare: list[Path] = (), extra: list[str] = ()) -> Path:
    """Write ``results_dir/memo.html`` (self-contained) and return its path; ``compare``: other results
    folders (or ``results.nc`` files) shown side by side, the first one as the reference; ``extra``:
    further sections (HTML, e.g. the near-optimal alternatives) before the assumptions."""
    results_dir = Path(results_dir)
    ds = load_results(results_dir)
    others = [load_results(Path(p)) for p in compare]
    text = render_memo(ds, memo_figures(ds, results_dir), others, extra)
    if others:
        _write_atomic(results_dir / "comparison.csv", comparison_table(ds, others).to_csv())
    out = results_dir / "memo.html"
    tmp = results_dir / f".memo.html.tmp-{os.getpid()}"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out


def comparison_table(ds: xr.Dataset, others: list[xr.Dataset]) -> pd.DataFrame:
    """The key numbers side by side plus, per other scenario, the cost of the policy against it."""
    df = comparison_frame([ds, *others])
    me = str(ds.attrs.get("scenario"))
    for ref in others:
        pc = policy_cost(ds, ref)
        col = str(ref.attrs.get("scenario"))
        for key, label, unit in (("cost_difference_bn_cny", "Resource cost difference (PV)", "bn CNY"),
                                 ("total_cost_difference_bn_cny", "Total cost difference (PV, with carbon "
                                  "payments)", "bn CNY"),
                                 ("abatement_mt", "Cumulative abatement", "Mt"),
                                 ("cost_per_tonne_cny", "Average cost of abatement", "CNY/t")):
            df.loc[f"{label}: {me} vs {col}", ["Unit", me]] = [unit, pc[key]]
    return df.rename_axis("quantity")


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)

