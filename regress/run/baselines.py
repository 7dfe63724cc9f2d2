"""The baselines folder's files: writing them atomically, which files in it are references,
and their digest. A check's reference file is named by :mod:`regress.run.references`."""
from __future__ import annotations

import hashlib
import os
import signal
import tempfile
from pathlib import Path

# Test hook, not a setting: REGRESS_FAULT=baseline-before-rename makes the process SIGKILL
# itself once a reference's temp file is written and before it is renamed (tests/self/test_bad_input.py,
# test_text_references.py).
FAULT_ENV = "REGRESS_FAULT"


# The files of a baselines folder that are references, of every format a kind may declare
# (compound suffixes such as ``.aria.yml`` or ``.axe.json`` end in one of these).
REFERENCE_SUFFIXES = (".png", ".yaml", ".yml", ".json", ".txt")


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same directory, fsync, then rename: a baseline is never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if _is_reference_name(path) and os.environ.get(FAULT_ENV) == "baseline-before-rename":
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


def _is_reference_name(path: Path) -> bool:
    return path.suffix.lower() in REFERENCE_SUFFIXES and not path.name.startswith(".") and path.name != "run.json"


def is_reference_file(path: Path) -> bool:
    """A reference of any format; not a temp file of :func:`write_atomic` (``.<name>.*.tmp``)."""
    return _is_reference_name(path) and path.is_file()


def all_references(root: Path) -> set[Path]:
    """The reference files of the scenarios' folders, ``<root>/<scenario>/*``, of every format."""
    return {p.resolve() for p in root.glob("*/*") if is_reference_file(p)}


def digest(root: Path) -> str:
    """sha256 over every reference file's relative path and content, of every format and at any
    depth (the target's ``chrome.yaml`` too): approve compares it with the run's."""
    total = hashlib.sha256()
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if is_reference_file(p)):
            total.update(path.relative_to(root).as_posix().encode() + b"\0")
            total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()
