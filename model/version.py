"""The model's version and the git commit it runs from (one place; read by results attributes,
manifests and memos)."""
from __future__ import annotations

import functools
import subprocess
from pathlib import Path

__version__ = "0.1.0"


@functools.lru_cache(maxsize=1)
def git_commit() -> str:
    """Short commit hash of the checkout the package runs from, '+dirty' when tracked files have
    uncommitted changes; 'unknown' outside a git checkout or without git."""
    root = Path(__file__).resolve().parents[1]
    try:
        def git(*args):
            return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                  timeout=10, check=True).stdout.strip()
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")
