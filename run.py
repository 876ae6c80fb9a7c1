#!/usr/bin/env python3
"""cn-3060 command line: `python run.py run --scenario 3060`, `python run.py validate`, ... (see --help)."""
import sys

from model.cli import main

if __name__ == "__main__":
    sys.exit(main())
