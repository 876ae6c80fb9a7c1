"""A self-contained HTML memo for a sweep folder (``python run.py report results/sweeps/<sweep>``).

``memo.html`` holds the headline ranges, the sweep figures (PNG embedded as base64; drawn from
``sweep.nc`` when ``figures/`` is missing), the key-numbers table, the failures and the sweep
definition (the sweep file as run and every member's ``--set`` strings). Written atomically.
"""
from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

CAPTIONS = {
    "tornado_total_cost": "Total system cost (present value, bn CNY) with each parameter at its low and "
                          "high value, the others at the base.",
    "tornado_co2_price": "CO2 price in the final period (CNY/t) with each parameter at its low and high value.",
    "fan_capacity": "National capacity of the main technologies: median and 5–95 % / 25–75 % bands over "
                    "the Monte Carlo samples.",
    "fan_emissions": "National net CO2 emissions: median and bands over the Monte Carlo samples.",
    "mac_curve": "Marginal abatement cost: final-period CO2 price against final-period emissions.",
    "cost_vs_cap": "Total system cost against the CO2 cap.",
    "cost_vs_parameters": "Total system cost against each swept parameter (one point per member).",
}
CSS = """body{font-family:DejaVu Sans,Arial,sans-serif;max-width:1100px;margin:2em auto;color:#222;font-size:14px}
h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:1.6em}
table{border-collapse:collapse;font-size:12px;margin:0.5em 0}td,th{border:1px solid #ddd;padding:3px 6px;
text-align:right}th{background:#f3f3f3}td.t,th.t{text-align:left}figure{margin:1em 0}img{max-width:100%}
figcaption{font-size:12px;color:#555}pre{background:#f7f7f7;padding:8px;font-size:12px;overflow-x:auto}
.bad{color:#c0392b}.scroll{overflow-x:auto}"""


def _table(df: pd.DataFrame, digits: int = 4) -> str:
    """An HTML table: numbers with ``digits`` significant digits, text left-aligned and escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" if pd.api.types.is_numeric_dtype(df[c]) else
                   f"<th class='t'>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for _, r in df.iterrows():
        cells = []
        for c in df.columns:
            v = r[c]
            if isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)):
                cells.append(f"<td>{'' if np.isnan(v) else f'{float(v):,.{digits}g}'}</td>")
            else:
                cells.append(f"<td class='t'>{html.escape(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<div class='scroll'><table><tr>{head}</tr>{''.join(rows)}</table></div>"


def _figures(folder: Path, ds: xr.Dataset) -> list[tuple[str, str]]:
    """(name, base64 PNG) of every sweep figure, from figures/ or drawn now."""
    figdir = folder / "figures"
    pngs = sorted(figdir.glob("*.png")) if figdir.is_dir() else []
    if pngs:
        return [(p.stem, base64.b64encode(p.read_bytes()).decode()) for p in pngs]
    import matplotlib as mpl

    from model.sweep.figures import RC, sweep_figures

    out = []
    with mpl.rc_context(RC):
        for name, fig in sweep_figures(ds).items():
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=150)
            out.append((name, base64.b64encode(buf.getvalue()).decode()))
    return out


def headline(ds: xr.Dataset, kn: pd.DataFrame) -> str:
    """Design-specific summary: ranges (one at a time) or percentiles (Monte Carlo) of key numbers."""
    ok = kn[kn["status"] == "optimal"]
    nums = [c for c in kn.columns if c.startswith(("total_cost", "co2_price", "emissions", "investment"))]
    if ok.empty or not nums:
        return "<p class='bad'>No member solved.</p>"
    if ds.attrs.get("design") == "one_at_a_time" and "varied" in ds.coords:
        rows = []
        base = ok[ds["side"].to_series().reindex(ok["member"]).to_numpy() == "base"]
        b = float(base["total_cost_bn_cny"].iloc[0]) if len(base) else np.nan
        for key in dict.fromkeys(v for v in ds["varied"].to_numpy() if v):
            sub = kn[ds["varied"].to_numpy() == key]
            costs = dict(zip(ds["side"].to_numpy()[ds["varied"].to_numpy() == key], sub["total_cost_bn_cny"]))
            rows.append({"parameter": key, "low: total cost [bn CNY]": costs.get("low", np.nan),
                         "high: total cost [bn CNY]": costs.get("high", np.nan),
                         "swing [bn CNY]": abs(costs.get("high", np.nan) - costs.get("low", np.nan))})
        df = pd.DataFrame(rows).sort_values("swing [bn CNY]", ascending=False)
        df["parameter"] = df["parameter"].astype(object)
        return f"<p>Base total cost: {b:,.0f} bn CNY.</p>" + _table(df)
    q = ok[nums].quantile([0.05, 0.5, 0.95]).T
    q.columns = ["5 %", "median", "95 %"]
    q.insert(0, "key number", q.index.astype(object))
    return _table(q.reset_index(drop=True))


def write_sweep_memo(folder) -> Path:
    """Write ``memo.html`` into the sweep folder and return its path."""
    from model.sweep.combine import atomic_write

    folder = Path(folder)
    with xr.open_dataset(folder / "sweep.nc") as ds:
        ds = ds.load()
    kn = pd.read_csv(folder / "key_numbers.csv", dtype={"member": object, "label": object,
                                                        "status": object, "message": object})
    fails = pd.read_csv(folder / "failures.csv", dtype=object).fillna("") \
        if (folder / "failures.csv").exists() else pd.DataFrame()
    a = ds.attrs
    n, n_ok = ds.sizes["scenario"], int((ds["status"] == "optimal").sum())
    defin = (folder / "sweep.yaml").read_text(encoding="utf-8") if (folder / "sweep.yaml").exists() else \
        json.dumps(json.loads(a.get("spec", "{}")), indent=2)
    members = pd.DataFrame({"member": ds["scenario"].to_numpy().astype(object),
                            "label": ds["label"].to_numpy().astype(object)})
    if (folder / "sweep.json").exists():
        sets = {m["id"]: "; ".join(m["sets"]) for m in json.loads((folder / "sweep.json").read_text())["members"]}
        members["--set"] = [sets.get(i, "") for i in members["member"]]
    parts = [f"<h1>Sensitivity sweep '{html.escape(a.get('sweep', folder.name))}'</h1>",
             f"<p>{html.escape(a.get('description', ''))}</p>",
             f"<p>Design: <b>{html.escape(a.get('design', '?'))}</b>; base scenario "
             f"'{html.escape(a.get('base', '?'))}' of <code>{html.escape(a.get('inputs', '?'))}</code> "
             f"(input checksum {html.escape(a.get('input_checksum', '?'))}); shared overrides: "
             f"<code>{html.escape(a.get('shared_sets', '') or 'none')}</code>. {n} members, {n_ok} solved"
             f"{f', <span class=bad>{n - n_ok} not solved</span>' if n > n_ok else ''}. Model "
             f"v{html.escape(str(a.get('model_version', '?')))}, run {html.escape(a.get('created', '?'))} UTC. "
             f"Money in real 2020 CNY.</p>",
             "<h2>Headline</h2>", headline(ds, kn), "<h2>Figures</h2>"]
    for name, b64 in _figures(folder, ds):
        parts.append(f"<figure><img alt='{name}' src='data:image/png;base64,{b64}'>"
                     f"<figcaption>{html.escape(CAPTIONS.get(name, name))}</figcaption></figure>")
    kn_show = kn.drop(columns=["message"]).astype({c: object for c in ("member", "label", "status")})
    parts += ["<h2>Key numbers</h2>", "<p>One row per member; units in the column names "
              "(capacity in GW, cumulative investment in trillion CNY, overnight).</p>", _table(kn_show)]
    if len(fails):
        parts += ["<h2 class='bad'>Members without a solution</h2>", _table(fails.astype(object))]
    parts += ["<h2>Sweep definition</h2>", f"<pre>{html.escape(defin)}</pre>", _table(members)]
    doc = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Sweep {html.escape(a.get('sweep', ''))}"
           f"</title><style>{CSS}</style></head><body>{''.join(parts)}</body></html>")
    return atomic_write(folder / "memo.html", lambda p: p.write_text(doc, encoding="utf-8"))
