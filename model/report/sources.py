"""Sources for the memo: the dataset's ``SOURCES.md`` parsed into entries with their status tags, and the
entries behind the numbers that drive a result picked out.

``SOURCES.md`` (``inputs/SOURCES.md``; a dataset folder may carry its own) has one ``##`` section per
input file or topic; numbers are traced in markdown tables (first column: what, then value, source and,
in some tables, a ``tag`` column) and in bullets or bold-led paragraphs. Status tags are **V** (verified
in the cited source), **R** (recalled, not re-checked), **E** (this project's estimate) and **M** (another
model's assumption); they appear in a tag column or in parentheses, e.g. "(SW, M)".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import xarray as xr

from model.report import words as w

TAGS = {"V": "verified in the cited source", "R": "recalled from the named publication, not re-checked",
        "E": "estimate or derivation of this project", "M": "assumption of another model"}
_TAG = re.compile(r"(?<![A-Za-z0-9§])\*{0,2}([VREM])\*{0,2}(?![A-Za-z0-9§])")
_PAREN = re.compile(r"\(([^()]*)\)")


@dataclass
class Entry:
    """One traced number or rule: its section, what it is, the text, and its status tags."""

    section: str
    item: str
    text: str
    tags: list[str] = field(default_factory=list)


_LEAD = re.compile(r"^\*{0,2}([VREM])\*{0,2}(?=[\s:/(]|$)")


def tags_in(text: str, whole_cell: bool = False) -> list[str]:
    """Status tags in ``text``: inside parentheses, in bold, leading a table cell ("E: central …"), or
    anywhere when ``whole_cell`` (a tag column)."""
    parts = [text] if whole_cell else _PAREN.findall(text) + re.findall(r"\*\*([VREM])\*\*", text)
    found = [m.group(1) for p in parts for m in _TAG.finditer(p)]
    if not whole_cell:
        found += [m.group(1) for c in text.split("|") if (m := _LEAD.match(c.strip()))]
    return list(dict.fromkeys(found))


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "").replace("`", "")).strip()


def parse(text: str) -> list[Entry]:
    """Every table row, bullet and bold-led paragraph of a SOURCES.md, with its section and tags."""
    entries, section, header, para = [], "", None, []

    def flush_para():
        if para:
            body = " ".join(para)
            m = re.match(r"\*\*([^*]+)\*\*", body)
            if m:
                entries.append(Entry(section, _plain(m.group(1)).rstrip("."), _plain(body), tags_in(body)))
            para.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        if line.startswith("#"):
            flush_para()
            header = None
            if line.startswith("## "):
                section = _plain(line[3:])
            continue
        if line.startswith("|"):
            flush_para()
            cells = _cells(line)
            if header is None:
                header = [c.lower() for c in cells]
            elif not set("".join(cells)) <= set("-: "):
                tag_col = header.index("tag") if "tag" in header else None
                tags = tags_in(cells[tag_col], True) if tag_col is not None and tag_col < len(cells) \
                    else tags_in(line)
                rest = [c for k, c in enumerate(cells[1:], start=1) if k != tag_col]
                entries.append(Entry(section, _plain(cells[0]), _plain(" | ".join(rest)), tags))
            continue
        header = None
        if re.match(r"^\s*- ", line):
            flush_para()
            body = line.strip()[2:]
            m = re.match(r"\*\*([^*]+)\*\*", body)
            item = _plain(m.group(1)) if m else _plain(body.split(":")[0])[:60]
            entries.append(Entry(section, item.rstrip(".:"), _plain(body), tags_in(body)))
        elif line.strip():
            para.append(line.strip())
        else:
            flush_para()
    flush_para()
    return entries


def find_sources(inputs: str | Path | None) -> Path | None:
    """``SOURCES.md`` of a dataset folder: in the folder, else in its parent (``inputs/SOURCES.md``)."""
    if not inputs:
        return None
    folder = Path(str(inputs))
    candidates = [folder, folder.parent]
    if not folder.is_absolute():
        root = Path(__file__).resolve().parents[2]
        candidates += [root / folder, (root / folder).parent]
    for c in candidates:
        if (c / "SOURCES.md").is_file():
            return c / "SOURCES.md"
    return None


def _mentions(entry: Entry, names) -> bool:
    text = f"{entry.item} {entry.text}".lower()
    return any(re.search(rf"(?<![a-z_]){re.escape(str(n).lower())}(?![a-z_])", text) for n in names)


def drivers(ds: xr.Dataset, entries: list[Entry], settings: dict, limited=(), at_potential=()) -> list[Entry]:
    """The entries behind the numbers that drive this result: demand, the base-year fleet, the capex of
    the technologies that make up most of the last period's capacity, fuel prices of the fuels burnt,
    the policy paths the run uses (its cap, carbon price and non-fossil share), the build limits and
    potentials that bind (``limited``, ``at_potential``: technology names), and the discount rate."""
    last = int(ds["period"][-1])
    cap = w.by_tech(ds, "capacity").loc[last].sort_values(ascending=False)
    big = [t for t, v in cap.items() if v > 0.05 * cap.sum()][:6]
    wanted = []

    def pick(section_start: str, test):
        wanted.extend(e for e in entries if e.section.lower().startswith(section_start) and test(e))

    pick("demand", lambda e: e.item in {str(int(ds["period"][0])), "2030", "2060", str(last)})
    pick("existing", lambda e: _mentions(e, big + w.unabated_coal(ds)) and "|" in e.text)
    pick("costs", lambda e: e.item.lower().startswith(("capex", "fixed o&m", "variable o&m")))
    fuels = ["coal", "gas"] if any(t.startswith(("coal", "gas")) for t in cap.index[cap > 0]) else []
    pick("fuel_prices", lambda e: e.item.lower() in fuels)
    paths = [settings.get(k) for k in ("co2_cap", "carbon_price", "clean_share") if settings.get(k)]
    pick("policy paths", lambda e: e.item in paths or _mentions(e, paths)
         or (e.item.lower().startswith(("co2_caps", "carbon_prices", "clean_shares")) and bool(paths))
         or (bool(limited) and _mentions(e, limited) and "|" in e.text))
    pick("potentials", lambda e: bool(at_potential) and _mentions(e, at_potential))
    pick("scenarios.yaml", lambda e: e.item in {"discount_rate", "days, segments", "reserve_margin",
                                                str(ds.attrs.get("scenario", ""))})
    return [e for i, e in enumerate(wanted) if all(e is not o for o in wanted[:i])]
