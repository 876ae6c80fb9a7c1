"""The scenario memo: one self-contained HTML file (``memo.html``) from results folders only.

``write_memo(results_dir, compare=[...])`` reads ``results_dir/results.nc`` (and each compared folder's;
without ``compare``, a sibling ``../reference`` results folder when there is one), embeds the figures of
``results_dir/figures/`` as base64 PNG (drawing them first when the folder has none) and writes
``results_dir/memo.html``. Reading order: title block (the run's settings and overrides), summary in
words, key numbers, notable results, the comparison, the run against the published pathways
(``envelope.csv``, with every row outside its range explained), caveats, the mix and path tables, figures, sources
(from the dataset's ``SOURCES.md`` with their status tags) and every setting. No scripts, no external
CSS, fonts or URLs; a print stylesheet makes it an A4 document (print to PDF from the browser).
Units: GW, TWh/yr, Mt/yr, CNY/t, bn CNY (present value discounted to the first period, "PV <year>",
or per year), trillion CNY; real 2020 CNY.
"""
from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import xarray as xr

from model.report import caveats as cav
from model.report import notable as nb
from model.report.pathways import pathway_section
from model.report import sources as src
from model.report.compare import (
    comparison_frame,
    comparison_table,
    fig_comparison,
    find_reference,
)
from model.report.figures import CAPTIONS, write_figures
from model.report.narrative import summary
from model.report.style import RC
from model.report.summary import check_lines
from model.report.tables import (  # noqa: F401 (re-exported: the memo's numbers)
    MIX_YEARS,
    assumptions,
    fmt,
    key_numbers,
    load_results,
    mix_table,
    non_default_settings,
    overrides,
    period_table,
    run_settings,
)
from model.results.costs import pv_year
from model.results.metrics import policy_cost, resource_cost

CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45;color:#222;
max-width:1100px;margin:24px auto;padding:0 20px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #2b5c8a;padding-bottom:3px;
margin-top:32px}h3{font-size:15px}.meta{color:#555;font-size:12px}.lead{font-size:15px}
.variant{color:#8b1a1a}.summary{font-size:15px;background:#f4f7fa;border-left:4px solid #2b5c8a;
padding:8px 14px}ul.notable li,ul.caveats li{margin:3px 0}
table{border-collapse:collapse;margin:10px 0 18px;font-size:13px}
th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}th{background:#eef2f6;text-align:left}
table.block{width:100%}table.block th{width:30%}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total td{font-weight:bold;border-top:2px solid #888}td.neg{color:#8b1a1a}
.tag{display:inline-block;min-width:1.2em;text-align:center;font-weight:bold;border-radius:3px;
padding:0 3px;margin-right:2px;font-size:11px;border:1px solid #888}.tag-V{background:#d9f0d3}
.tag-R{background:#fff2b3}.tag-E{background:#dde7f3}.tag-M{background:#eee}
figure{margin:16px 0 26px;page-break-inside:avoid;break-inside:avoid}
figure img{max-width:100%;height:auto;border:1px solid #eee}figcaption{font-size:12px;color:#444}
code{font-size:12px}
@page{size:A4;margin:14mm 12mm}
@media print{body{margin:0;max-width:none;font-size:10.5px;line-height:1.35}h1{font-size:20px}
h2{font-size:15px;page-break-after:avoid;break-after:avoid;margin-top:18px}
table{font-size:9.5px;page-break-inside:avoid;break-inside:avoid}th,td{padding:2px 5px}
figure{page-break-inside:avoid;break-inside:avoid}figure img{max-height:24cm;border:none}
.summary{background:none;border-left:3px solid #2b5c8a}h2.figures{page-break-before:always;break-before:page}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


# ---------------------------------------------------------------- HTML pieces

def _table(df: pd.DataFrame, digits=0, index_name: str | None = None, total_last: bool = False,
           cls: str = "") -> str:
    """An HTML table; numbers right-aligned with thousands separators. ``digits``: int, or dict by row."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [index_name or df.index.name or ""]
                   + list(df.columns))
    body = []
    for i, (idx, row) in enumerate(df.iterrows()):
        d = digits.get(idx, 0) if isinstance(digits, dict) else digits
        cells = [f"<th>{html.escape(str(idx))}</th>"]
        for v in row:
            if isinstance(v, (int, float, np.number)) and not isinstance(v, bool):
                neg = " neg" if fmt(float(v), d).startswith("−") else ""
                cells.append(f'<td class="num{neg}">{fmt(float(v), d)}</td>')
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        tr = ' class="total"' if total_last and i == len(df) - 1 else ""
        body.append(f"<tr{tr}>{''.join(cells)}</tr>")
    klass = f' class="{cls}"' if cls else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


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


def _items(lines, cls: str) -> str:
    return f'<ul class="{cls}">' + "".join(f"<li>{html.escape(t)}</li>" for t in lines) + "</ul>"


def memo_figures(ds: xr.Dataset, results_dir: Path) -> list[tuple[str, bytes]]:
    """(caption, PNG bytes) of the figures in ``results_dir/figures`` (written there first if none)."""
    folder = Path(results_dir) / "figures"
    if not sorted(folder.glob("*.png")):
        write_figures(ds, folder)
    return [(CAPTIONS.get(p.stem, p.stem.replace("_", " ")), p.read_bytes())
            for p in sorted(folder.glob("*.png")) if p.stem != "12_mac_curve"]  # added by mac_figure


# ---------------------------------------------------------------- sections

def title_block(ds: xr.Dataset) -> str:
    """Title and a block with the run's real settings, overrides and provenance."""
    a = ds.attrs
    name = html.escape(str(a.get("scenario", "")))
    cli, table = overrides(ds)
    s = run_settings(ds)
    variant = (f' <span class="variant">— a variant: {html.escape("; ".join(cli))}</span>' if cli else "")
    seg = s.get("segments") or 24
    rows = [("Scenario", f"{a.get('scenario', '')}: {a.get('description', '')}"),
            ("Overrides of this run (--set)", "; ".join(cli) or "none (the scenario as defined)"),
            ("Overrides in the scenario file", "; ".join(table) or "none"),
            ("Time resolution", f"{s.get('days', '?')} representative days × {seg} steps a day"),
            ("Foresight", str(s.get("foresight", "perfect"))),
            ("Policies", ", ".join(f"{k}: {s.get(k)}" for k in ("co2_cap", "carbon_price", "clean_share",
                                                               "no_new_coal_after") if s.get(k)) or "none"),
            ("Settings other than the model defaults",
             "; ".join(f"{k}={v}" for k, v in non_default_settings(ds).items()) or "none"),
            ("Dataset", f"{a.get('inputs', '')} (input checksum {a.get('input_checksum', '')})"),
            ("Run", f"{a.get('created', '')} · model v{a.get('model_version', '')} (git "
                    f"{a.get('git_commit', 'unknown')}) · {a.get('solver', '')} ({a.get('status', '')})"),
            ("Money", "real 2020 CNY; present values discounted to 2020")]
    block = pd.DataFrame({"": [v for _, v in rows]}, index=[k for k, _ in rows])
    return (f"<h1>Scenario memo: {name}{variant}</h1>"
            f'<p class="lead">{html.escape(str(a.get("description", "")))}</p>'
            + _table(block, 0, "Run", cls="block"))


def _summary_section(ds: xr.Dataset, ref: xr.Dataset | None) -> str:
    return '<h2>Summary</h2><p class="summary">' + " ".join(html.escape(t) for t in summary(ds, ref)) + "</p>"


def _key_section(ds: xr.Dataset) -> str:
    rows = key_numbers(ds)
    df = pd.DataFrame({"Unit": [u for _, u, _, _ in rows], "Value": [v for _, _, v, _ in rows]},
                      index=[q for q, _, _, _ in rows])
    check = "".join(f"<p>{html.escape(line)}</p>" for line in check_lines(ds))
    return "<h2>Key numbers</h2>" + check + _table(df, {q: d for q, _, _, d in rows}, "Quantity")


def _notable_section(ds: xr.Dataset) -> str:
    found = nb.notable(ds)
    return "<h2>Notable results</h2>" + (_items(found, "notable") if found else "<p>None flagged.</p>")


def _caveat_section(ds: xr.Dataset) -> str:
    items = "".join(f"<li><b>{html.escape(h)}.</b> {html.escape(t)}</li>"
                    for h, t in cav.caveats(ds, run_settings(ds)))
    return f'<h2>Caveats</h2><ul class="caveats">{items}</ul>'


def _sources_section(ds: xr.Dataset) -> str:
    path = src.find_sources(ds.attrs.get("inputs"))
    if path is None:
        return "<h2>Sources</h2><p>No SOURCES.md found next to the dataset.</p>"
    entries = src.parse(path.read_text(encoding="utf-8"))
    picked = src.drivers(ds, entries, run_settings(ds), list(nb.build_limited(ds)),
                         list(nb.potential_reached(ds)))
    rows = "".join(
        f"<tr><td>{html.escape(e.section.split(' (')[0])}</td><td>{html.escape(e.item)}</td>"
        f"<td>{html.escape(e.text if len(e.text) < 420 else e.text[:417] + '…')}</td><td>"
        + "".join(f'<span class="tag tag-{t}" title="{src.TAGS[t]}">{t}</span>' for t in e.tags)
        + "</td></tr>" for e in picked)
    legend = "; ".join(f"<b>{k}</b> {v}" for k, v in src.TAGS.items())
    return (f"<h2>Sources</h2><p>The numbers that drive this result, as traced in <code>{html.escape(str(path))}"
            f"</code> (tags: {legend}).</p><table><thead><tr><th>Input</th><th>What</th><th>Value and source"
            f"</th><th>Tag</th></tr></thead><tbody>{rows}</tbody></table>")


def _comparability(ds: xr.Dataset, ref: xr.Dataset) -> str:
    mine, theirs = run_settings(ds), run_settings(ref)
    keys = ("days", "segments", "first_period", "last_period", "foresight")
    diff = [f"{k} {mine.get(k)} vs {theirs.get(k)}" for k in keys if mine.get(k) != theirs.get(k)]
    if ds.attrs.get("input_checksum") != ref.attrs.get("input_checksum"):
        diff.append("different inputs (checksums differ)")
    return ("" if not diff else f'<p class="variant">Not like for like: {html.escape("; ".join(diff))}.</p>')


def _comparison_section(ds: xr.Dataset, others: list[xr.Dataset]) -> str:
    df = comparison_frame([ds, *others])
    ref = others[0]
    pc = policy_cost(ds, ref)
    inc = pc["cost_difference_bn_cny"]
    pct = 100 * inc / resource_cost(ref) if resource_cost(ref) else float("nan")
    me, them = (html.escape(str(d.attrs.get("scenario"))) for d in (ds, ref))
    text = (f"<p>Cost of <b>{me}</b> against <b>{them}</b> (PV {pv_year(ds)}, resource cost: carbon-price "
            f"payments are a transfer and left out): <b>{fmt(inc)} bn CNY</b> ({fmt(pct, 1)} %); "
            f"with the carbon payments the difference of total cost is {fmt(pc['total_cost_difference_bn_cny'])} "
            f"bn CNY. Cumulative abatement {fmt(pc['abatement_mt'])} Mt CO2 over the horizon; average cost "
            f"of abatement <b>{fmt(pc['cost_per_tonne_cny'])} CNY/t</b> (PV cost ÷ discounted abatement).</p>")
    mine = dict(assumptions(ds))
    diff = [(k, v, dict(assumptions(o)).get(k, "–")) for o in others[:1] for k, v in mine.items()
            if dict(assumptions(o)).get(k) != v and k not in ("scenario", "description", "git commit",
                                                               "input checksum")]
    diff_df = pd.DataFrame([d[1:] for d in diff], index=[d[0] for d in diff],
                           columns=[str(ds.attrs.get("scenario")), str(ref.attrs.get("scenario"))])
    fig = fig_comparison([ds, *others])
    return ("<h2>Comparison</h2>" + _comparability(ds, ref) + text + _table(df, df.attrs["digits"], "Quantity")
            + ("<h3>Assumptions that differ</h3>" + _table(diff_df, 0, "Setting") if len(diff) else "")
            + _img(_png(fig), "Capacity by technology in 2060 side by side and net CO2 emission paths."))


def render_memo(ds: xr.Dataset, figures: list[tuple[str, bytes]], others: list[xr.Dataset] = (),
                extra: list[str] = ()) -> str:
    """The memo as one HTML string; ``extra``: further sections (HTML) placed before the sources."""
    others = list(others)
    ref = others[0] if others else None
    assumptions_df = pd.DataFrame({"Value": [v for _, v in assumptions(ds)]},
                                  index=[k for k, _ in assumptions(ds)])
    parts = [title_block(ds), _summary_section(ds, ref), _key_section(ds), _notable_section(ds),
             _comparison_section(ds, others) if others else "", pathway_section(ds, _table), _caveat_section(ds),
             "<h2>Capacity and generation mix</h2>", _table(mix_table(ds), 0, "Technology", total_last=True),
             "<h2>CO2 and price path</h2>", _table(period_table(ds), 0),
             '<h2 class="figures">Figures</h2>', *(_img(png, cap, i + 1) for i, (cap, png) in enumerate(figures)),
             *extra, _sources_section(ds), "<h2>All settings</h2>", _table(assumptions_df, 0, "Setting")]
    name = html.escape(str(ds.attrs.get("scenario", "")))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Scenario memo: {name}</title><style>{CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def write_memo(results_dir: Path, compare: list[Path] = (), extra: list[str] = ()) -> Path:
    """Write ``results_dir/memo.html`` (self-contained) and return its path; ``compare``: other results
    folders (or ``results.nc`` files) shown side by side, the first one as the reference (default: a
    sibling ``reference`` results folder, if there is one); ``extra``: further sections (HTML, e.g. the
    near-optimal alternatives) before the sources."""
    results_dir = Path(results_dir)
    ds = load_results(results_dir)
    if not compare and ds.attrs.get("scenario") != "reference" and \
            (found := find_reference(results_dir)) is not None:
        compare = [found]
    others = [load_results(Path(p)) for p in compare]
    from model.report.mac import mac_figure

    figures = memo_figures(ds, results_dir) + mac_figure(ds, results_dir)
    text = render_memo(ds, figures, others, extra)
    if others:
        _write_atomic(results_dir / "comparison.csv", comparison_table(ds, others).to_csv())
    _write_atomic(results_dir / "memo.html", text)
    return results_dir / "memo.html"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
