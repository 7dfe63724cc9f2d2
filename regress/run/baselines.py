"""Baseline files: where they live, and writing them atomically."""
from __future__ import annotations

import hashlib
import os
import signal
import sys
import tempfile
from pathlib import Path

# Test hook, not a setting: REGRESS_FAULT=baseline-before-rename makes the process SIGKILL
# itself once a baseline's temp file is written and before it is renamed (tests/self/test_bad_input.py).
FAULT_ENV = "REGRESS_FAULT"


def platform_name() -> str:
    return {"linux": "linux", "darwin": "mac", "win32": "windows"}.get(sys.platform, sys.platform)


def baseline_path(scenario: str, check: str, viewport: str, browser: str, root: Path) -> Path:
    """``baselines/<scenario>/<check>-<viewport>-<browser>-<platform>.png``.

    Browser and platform are in the name so two machines never overwrite each
    other's baselines. Names are validated by the schema; this re-checks that
    nothing can point outside ``root``."""
    path = (root / scenario / f"{check}-{viewport}-{browser}-{platform_name()}.png").resolve()
    if root.resolve() not in path.parents:
        raise ValueError(f"baseline path {path} would leave {root}")
    return path


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same directory, fsync, then rename: a baseline is never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.suffix == ".png" and os.environ.get(FAULT_ENV) == "baseline-before-rename":
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temp_files(root: Path) -> list[Path]:
    """Delete the ``.<name>.*.tmp`` files write_atomic leaves when its process dies before the rename.

    A live write holds its temp file for milliseconds; two runs writing one baselines folder at
    once are not supported anyway (they would race on the baselines themselves)."""
    removed = []
    if root.is_dir():
        for tmp in sorted(root.rglob(".*.tmp")):
            if tmp.is_file():
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
    return removed


def all_baselines(root: Path) -> set[Path]:
    return {p.resolve() for p in root.glob("*/*.png")}


def digest(root: Path) -> str:
    """sha256 over every baseline file's relative path and content: approve compares it with the run's."""
    total = hashlib.sha256()
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*.png") if p.is_file()):
            total.update(path.relative_to(root).as_posix().encode() + b"\0")
            total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()
