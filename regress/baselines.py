"""Baseline files: where they live, and writing them atomically."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINES = ROOT / "baselines"


def platform_name() -> str:
    return {"linux": "linux", "darwin": "mac", "win32": "windows"}.get(sys.platform, sys.platform)


def baseline_path(scenario: str, check: str, viewport: str, browser: str, root: Path = BASELINES) -> Path:
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
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def all_baselines(root: Path = BASELINES) -> set[Path]:
    return {p.resolve() for p in root.glob("*/*.png")}
