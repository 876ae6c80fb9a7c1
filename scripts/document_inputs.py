"""Rewrite the generated reference blocks of docs/inputs.md from the registry and the settings.

    python scripts/document_inputs.py          # rewrite docs/inputs.md
    python scripts/document_inputs.py --check  # exit 1 if it is out of date

See model/data/reference.py; tests/test_docs.py runs the check.
"""
from __future__ import annotations

import sys
from pathlib import Path

from model.data.reference import update

DOC = Path(__file__).resolve().parent.parent / "docs" / "inputs.md"


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    new = update(text)
    if "--check" in argv:
        if new != text:
            print(f"{DOC} is out of date: run python scripts/document_inputs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"{DOC} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
