"""The run record: ``reports/latest/run.json``, typed, schema-checked, saved atomically.

One module owns it. The plugin fills a :class:`RunRecord` as items report;
``approve``, ``merge`` and the HTML report read it back with :meth:`RunRecord.load`,
which checks it against :data:`RUN_SCHEMA` (jsonschema) and names what is wrong.

What a check adds to its item while it runs (its reference record, the baselines it
wrote, traces, the traced re-run's outcome, the failure, remarks the report shows even of a
passed item) is an :class:`ItemNotes`.
It travels with pytest's reports as one ``user_properties`` entry (``"regress"``),
since that is what crosses from an xdist worker to the controller.

Version 2 records an item's reference of any format (``reference``, with its ``format``);
a version 1 record (its ``visual`` entry: a PNG reference) loads as version 2.

Every writer of ``run.json`` holds :func:`record_lock` (``run.json.lock`` next to it) while it
reads and saves, and saves atomically (:meth:`RunRecord.save`).
"""
from __future__ import annotations

import contextlib
import json
import os
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable, Iterator

from .baselines import write_atomic

RUN_JSON = "run.json"
VERSION = 2
VERSIONS = (1, VERSION)  # what loads: version 1 is upgraded on loading
FORMATS = ("png", "yaml", "json", "text")  # the formats of reference files
LOCK_NAME = "run.json.lock"
LOCK_TIMEOUT_S = 15.0
STATUSES = ("failed", "error", "passed", "skipped")
FAILING = ("failed", "error")
INTERRUPTS = ("SIGINT", "SIGTERM")
NOTES_PROPERTY = "regress"  # the user_properties key ItemNotes travel under


class RunRecordError(ValueError):
    """A run.json that cannot be read as a run record; the message names the file and the key."""


class RecordLockError(RunRecordError):
    """Another writer held ``run.json.lock`` too long, or the lock cannot be made."""


@dataclass
class ReferenceRecord:
    """An item's reference file (``baseline``, a PNG, YAML, JSON or text file) and, when the
    item failed, what it saved for review: the expected and actual files and their diff (a
    PNG diff image, or a unified diff as text). The PNG-only fields: ``diff_pixels``,
    ``ratio`` and ``boxes``."""
    baseline: str
    format: str = "png"
    actual: str | None = None
    expected: str | None = None
    diff: str | None = None
    diff_pixels: int | None = None
    ratio: float | None = None
    boxes: list[str] = field(default_factory=list)  # named components the changed pixels fall in
    component: str | None = None  # what was compared (the check's component; "page": the whole page)

    @property
    def is_image(self) -> bool:
        return self.format == "png"


@dataclass
class FailureRecord:
    """What an item's failure was. ``assertion``: a check found the site broken (a
    ``CheckFailure`` or a test's ``assert``); anything else (a timeout, a crash in the
    check's own code) is not. ``checks``: the assertions it names."""
    when: str
    type: str
    assertion: bool
    message: str
    checks: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, when: str, error: BaseException) -> "FailureRecord":
        return cls(when=when, type=type(error).__name__, assertion=isinstance(error, AssertionError),
                   message=str(error), checks=list(getattr(error, "checks", ()) or ()))


@dataclass
class ItemNotes:
    """What one item adds to the record while it runs."""
    reference: ReferenceRecord | None = None
    baselines_written: list[str] = field(default_factory=list)  # "new baselines/..." / "replaced ..."
    traces: list[str] = field(default_factory=list)
    retrace: str | None = None
    failure: FailureRecord | None = None
    left_out: str | None = None  # why this target's rules leave the item out (it is skipped)
    # What the report shows of the item, passed or not: the tool that judged it and its version,
    # what a check found but did not fail on (known violations, stale ones)
    remarks: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # its reference files not recorded yet, found before the run

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ItemNotes":
        return cls(reference=_reference(data.get("reference")), baselines_written=list(data.get("baselines_written") or []),
                   traces=list(data.get("traces") or []), retrace=data.get("retrace"),
                   failure=_failure(data.get("failure")), left_out=data.get("left_out"),
                   remarks=list(data.get("remarks") or []), missing=list(data.get("missing") or []))

    def attach(self, user_properties: list) -> None:
        """Put (or replace) this item's notes in a report's user_properties."""
        user_properties[:] = [(k, v) for k, v in user_properties if k != NOTES_PROPERTY]
        user_properties.append((NOTES_PROPERTY, self.to_json()))

    @classmethod
    def read(cls, user_properties: Iterable) -> "ItemNotes | None":
        for key, value in user_properties:
            if key == NOTES_PROPERTY and isinstance(value, dict):
                return cls.from_json(value)
        return None


@dataclass
class ItemRecord:
    nodeid: str
    kind: str
    viewport: str | None = None
    status: str = "passed"
    duration: float = 0.0
    message: str = ""
    reference: ReferenceRecord | None = None
    traces: list[str] = field(default_factory=list)
    retrace: str | None = None
    failure: FailureRecord | None = None
    approved: bool = False  # its capture was promoted to the baseline (regress approve, regress review)
    rejected: bool = False  # a reviewer turned the change down: regress approve skips it
    left_out: str | None = None  # why this target's rules leave the item out (skipped, with that reason)
    remarks: list[str] = field(default_factory=list)  # ItemNotes.remarks: shown in the report whatever the status
    missing: list[str] = field(default_factory=list)  # its reference files that were not recorded yet

    @property
    def failing(self) -> bool:
        return self.status in FAILING

    @property
    def reviewable(self) -> bool:
        """A failed item with a reference and what it produced (a capture, a new YAML...):
        what approve, reject and review act on, whatever the reference's format."""
        return self.status == "failed" and self.reference is not None and bool(self.reference.actual)

    @classmethod
    def from_json(cls, data: dict) -> "ItemRecord":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["reference"] = _reference(data.get("reference"))
        values["failure"] = _failure(data.get("failure"))
        values["traces"] = list(data.get("traces") or [])
        values["remarks"] = list(data.get("remarks") or [])
        values["missing"] = list(data.get("missing") or [])
        return cls(**values)


@dataclass
class RunRecord:
    """One run: the checkout it ran on (taken at its start) and its items."""
    started: str | None = None
    finished: str | None = None  # None: the run did not finish (killed, or still running)
    argv: list[str] = field(default_factory=list)
    base_url: str | None = None
    target: str | None = None
    rules: str | None = None  # "pinned" or "live"
    news_day: int | None = None  # the bundled demo's day, when the run started it
    mutation: str | None = None
    project_root: str | None = None
    reports_dir: str | None = None
    git_head: str | None = None
    worktree_changes: dict[str, str | None] | None = None
    baselines_dir: str | None = None
    baselines_digest: str | None = None
    interrupted: str | None = None
    exitstatus: int | None = None
    duration: float | None = None
    items: list[ItemRecord] = field(default_factory=list)
    shards: list[str] | None = None
    record_command: str | None = None  # what records the target's missing references (regress reference ...)
    version: int = VERSION

    def to_json(self) -> dict:
        return asdict(self)

    def save(self, path: Path) -> None:
        """Write atomically; the caller holds :func:`record_lock` of the folder."""
        write_atomic(path, (json.dumps(self.to_json(), indent=1, sort_keys=True) + "\n").encode())

    @classmethod
    def from_json(cls, data: Any, where: str = RUN_JSON) -> "RunRecord":
        validate(data, where)
        data = upgrade(data)
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["items"] = [ItemRecord.from_json(e) for e in data.get("items", [])]
        return cls(**values)

    @classmethod
    def load(cls, path: Path) -> "RunRecord":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise RunRecordError(f"{path}: not readable as JSON ({err})") from None
        return cls.from_json(data, str(path))

    def failures(self) -> list[ItemRecord]:
        return [item for item in self.items if item.failing]


def status_counts(items: Iterable[ItemRecord], key: str) -> list[tuple[str, Counter]]:
    """Each value of ``key`` ("kind", "viewport"; "-" for none) with its items' statuses
    counted, sorted by value: the status tables of the HTML report and of summary.md."""
    rows: dict[str, Counter] = {}
    for item in items:
        rows.setdefault(getattr(item, key) or "-", Counter())[item.status] += 1
    return sorted(rows.items())


def upgrade(data: dict) -> dict:
    """A valid record of an older version as the current version (a copy; the current one as it is).
    Version 1 had only visual items: its ``visual`` entry is a PNG reference."""
    if data.get("version") == VERSION:
        return data
    items = []
    for old in data.get("items", []):
        item = {k: v for k, v in old.items() if k != "visual"}
        if old.get("visual"):
            item["reference"] = {**old["visual"], "format": "png"}
        items.append(item)
    return {**data, "items": items, "version": VERSION}


# --- the lock ------------------------------------------------------------------------------

@contextlib.contextmanager
def record_lock(folder: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold ``run.json.lock`` in ``folder`` (made if missing); wait for another writer up to ``timeout``."""
    path = Path(folder) / LOCK_NAME
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise RecordLockError(f"cannot lock the run's record ({path}: {err.strerror})") from None
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise RecordLockError(f"another regress run, approve, reject, review or merge is writing "
                                      f"{path.parent / RUN_JSON}; try again when it is done")
            time.sleep(0.05)  # flock has no timed wait: poll
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _reference(data: dict | None) -> ReferenceRecord | None:
    if not data:
        return None
    known = {f.name for f in fields(ReferenceRecord)}
    return ReferenceRecord(**{k: v for k, v in data.items() if k in known})


def _failure(data: dict | None) -> FailureRecord | None:
    if not data:
        return None
    known = {f.name for f in fields(FailureRecord)}
    return FailureRecord(**{k: v for k, v in data.items() if k in known})


# --- the schema ----------------------------------------------------------------------

_STR_OR_NULL = {"type": ["string", "null"]}
_VISUAL_V1 = {  # version 1: a visual item's PNG reference
    "type": ["object", "null"],
    "required": ["baseline"],
    "properties": {
        "baseline": {"type": "string"},
        "actual": _STR_OR_NULL, "expected": _STR_OR_NULL, "diff": _STR_OR_NULL,
        "diff_pixels": {"type": ["integer", "null"], "minimum": 0},
        "ratio": {"type": ["number", "null"], "minimum": 0},
        "boxes": {"type": "array", "items": {"type": "string"}},
        "component": _STR_OR_NULL,  # added later: optional, records without it load
    },
}
_REFERENCE = {
    **_VISUAL_V1,
    "required": ["baseline", "format"],
    "properties": {**_VISUAL_V1["properties"], "format": {"enum": list(FORMATS)}},
}
_FAILURE = {
    "type": ["object", "null"],
    "required": ["when", "type", "assertion", "message"],
    "properties": {
        "when": {"enum": ["setup", "call", "teardown"]},
        "type": {"type": "string"}, "assertion": {"type": "boolean"}, "message": {"type": "string"},
        "checks": {"type": "array", "items": {"type": "string"}},
    },
}
RUN_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "regress run record (reports/latest/run.json)",
    "type": "object",
    "required": ["version", "started", "finished", "items"],
    "properties": {
        "version": {"enum": list(VERSIONS)},
        "started": _STR_OR_NULL,
        "finished": _STR_OR_NULL,
        "argv": {"type": "array", "items": {"type": "string"}},
        "base_url": _STR_OR_NULL,
        "target": _STR_OR_NULL,
        "rules": {"enum": ["pinned", "live", None]},
        "news_day": {"type": ["integer", "null"], "minimum": 1},
        "mutation": _STR_OR_NULL,
        "project_root": _STR_OR_NULL,
        "reports_dir": _STR_OR_NULL,
        "git_head": _STR_OR_NULL,
        "worktree_changes": {"type": ["object", "null"], "additionalProperties": _STR_OR_NULL},
        "baselines_dir": _STR_OR_NULL,
        "baselines_digest": _STR_OR_NULL,
        "interrupted": _STR_OR_NULL,
        "exitstatus": {"type": ["integer", "null"]},
        "duration": {"type": ["number", "null"], "minimum": 0},
        "shards": {"type": ["array", "null"], "items": {"type": "string"}},
        "record_command": _STR_OR_NULL,  # added later: optional
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["nodeid", "status", "kind"],
                "properties": {
                    "nodeid": {"type": "string"},
                    "status": {"enum": list(STATUSES)},
                    "kind": {"type": "string"},
                    "viewport": _STR_OR_NULL,
                    "duration": {"type": "number", "minimum": 0},
                    "message": {"type": "string"},
                    "visual": _VISUAL_V1,  # version 1 only
                    "reference": _REFERENCE,
                    "traces": {"type": "array", "items": {"type": "string"}},
                    "retrace": _STR_OR_NULL,
                    "failure": _FAILURE,
                    "approved": {"type": "boolean"},
                    "rejected": {"type": "boolean"},  # added later: optional
                    "left_out": _STR_OR_NULL,  # why this target's rules leave the item out; added later: optional
                    "remarks": {"type": "array", "items": {"type": "string"}},  # added later: optional
                    "missing": {"type": "array", "items": {"type": "string"}},  # added later: optional
                },
            },
        },
    },
}


def validate(data: Any, where: str = RUN_JSON) -> None:
    """RunRecordError naming the file and the first key that breaks the schema."""
    import jsonschema

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(RUN_SCHEMA).iter_errors(data))
    if error is not None:
        key = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        raise RunRecordError(f"{where}: not a run record: at {key}: {error.message}")
    version = data["version"]
    other = "reference" if version == 1 else "visual"  # version 1 items have "visual", version 2 "reference"
    for n, item in enumerate(data["items"]):
        if other in item:
            raise RunRecordError(f"{where}: not a run record: at items.{n}.{other}: a version {version} record's "
                                 f"items have {'visual' if version == 1 else 'reference'}, not {other}")
