"""With and without long-duration flexibility (docs/flexibility.md).

Solves the scenarios ``3060`` (hydrogen storage allowed, no flexible demand), ``3060_flex`` (and 10 % of
each hour's load may shift within its day at 50 CNY/MWh) and ``3060_no_flex`` (neither hydrogen nor
flexible demand) of ``inputs/china7`` at the default resolution, writes their results folders under
``results/`` (figures and memos; ``results/3060_flex/memo.html`` compares with the other two) and prints
the comparison table of ``docs/flexibility.md``.

    python scripts/flexibility_study.py               # solve all three (about 3 minutes on 2 cores)
    python scripts/flexibility_study.py --no-solve    # only the table, from existing results folders
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model import run_scenario  # noqa: E402
from model.report.memo import key_numbers, load_results, write_memo  # noqa: E402

SCENARIOS = ("3060_no_flex", "3060", "3060_flex")
ROWS = ("Total discounted system cost", "Wind and solar curtailment 2060", "Storage power 2060",
        "Storage energy 2060", "Hydrogen storage energy 2060", "Flexible demand shifted 2060",
        "Wind and solar capacity 2060", "CO2 price 2060")


def table(folders: dict[str, Path]) -> str:
    nums = {name: {next((r for r in ROWS if q.startswith(r)), q): (u, v) for q, u, v, _ in
                   key_numbers(load_results(f))} for name, f in folders.items()}
    head = "| quantity | unit | " + " | ".join(f"`{n}`" for n in folders) + " |"
    lines = [head, "|---|---|" + "---:|" * len(folders)]
    for q in ROWS:
        unit = next(iter(nums.values()))[q][0]
        digits = 1 if unit in ("%", "TWh/yr") else 0
        vals = " | ".join(f"{nums[n][q][1]:,.{digits}f}" for n in folders)
        lines.append(f"| {q} | {unit} | {vals} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-solve", action="store_true", help="read existing results folders")
    ap.add_argument("--reuse", nargs="*", default=[], metavar="NAME",
                    help="scenarios whose results folders are read, not solved again (e.g. 3060 after make run)")
    args = ap.parse_args(argv)
    folders = {name: ROOT / "results" / name for name in SCENARIOS}
    if not args.no_solve:
        for name, folder in folders.items():
            if name in args.reuse:
                continue
            run = run_scenario(ROOT / "inputs" / "china7", name, out=folder, figures=True)
            print(f"{name}: {float(run.results['total_cost']):,.0f} bn CNY", flush=True)
    write_memo(folders["3060_flex"], compare=[folders["3060"], folders["3060_no_flex"]])
    print(table(folders))
    return 0


if __name__ == "__main__":
    sys.exit(main())
