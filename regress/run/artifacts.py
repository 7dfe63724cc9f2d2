"""reports/latest for this run (earlier runs move aside, the newest few are kept), and where each item's files go."""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

KEEP = 3


def rotate(reports: Path, keep: int = KEEP) -> Path:
    """Move reports/latest to reports/run-<time>, prune to ``keep``; return a fresh latest."""
    latest = reports / "latest"
    if latest.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(latest.stat().st_mtime))
        target = reports / f"run-{stamp}"
        n = 1
        while target.exists():
            n += 1
            target = reports / f"run-{stamp}-{n}"
        latest.rename(target)
    old = sorted(p for p in reports.glob("run-*") if p.is_dir())
    for stale in old[:-keep] if keep else old:
        shutil.rmtree(stale, ignore_errors=True)
    latest.mkdir(parents=True, exist_ok=True)
    return latest


def slug(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")[:150]


def item_artifacts_dir(latest: Path, nodeid: str) -> Path:
    """Where one item's images and traces go in a run's report folder."""
    return latest / "artifacts" / slug(nodeid)
