"""The checkout a run belongs to: its git HEAD and the tracked files that differ from it."""
from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

# Run outputs and what approve writes: changes there are not a different checkout.
OUTSIDE_THE_TREE = ("baselines", "reports")


def git_head(root: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return (out.stdout.strip() or None) if out.returncode == 0 else None


def worktree_changes(root: Path) -> dict[str, str | None] | None:
    """Tracked files (outside baselines/ and reports/) that differ from HEAD: path -> sha256 of
    the content, None if deleted. With the HEAD this is the working tree's state, for the cost of
    one ``git diff`` and hashing the files that changed. None without git."""
    cmd = ["git", "-C", str(root), "diff", "HEAD", "--name-only", "-z", "--no-renames", "--relative", "--", "."]
    cmd += [f":(exclude){name}" for name in OUTSIDE_THE_TREE]
    try:
        out = subprocess.run(cmd, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    changes: dict[str, str | None] = {}
    for name in sorted(filter(None, out.stdout.decode("utf-8", "surrogateescape").split("\0"))):
        path = root / name
        changes[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    return changes
