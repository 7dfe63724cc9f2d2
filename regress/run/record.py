"""The run record: ``reports/latest/run.json``, typed, schema-checked, saved atomically.

One module owns it. The plugin fills a :class:`RunRecord` as items report;
``approve``, ``merge`` and the HTML report read it back with :meth:`RunRecord.load`,
which checks it against :data:`RUN_SCHEMA` (jsonschema) and names what is wrong.

What a check adds to its item while it runs (its visual record, the baselines it
wrote, traces, the traced re-run's outcome, the failure) is an :class:`ItemNotes`.
It travels with pytest's reports as one ``user_properties`` entry (``"regress"``),
since that is what crosses from an xdist worker to the controller.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable

from .baselines import write_atomic

RUN_JSON = "run.json"
VERSION = 1
STATUSES = ("failed", "error", "passed", "skipped")
FAILING = ("failed", "error")
INTERRUPTS = ("SIGINT", "SIGTERM")
NOTES_PROPERTY = "regress"  # the user_properties key ItemNotes travel under


class RunRecordError(ValueError):
    """A run.json that cannot be read as a run record; the message names the file and the key."""


@dataclass
class VisualRecord:
    """A visual item's files: its baseline and, when it failed, what it saved for review."""
    baseline: str
    actual: str | None = None
    expected: str | None = None
    diff: str | None = None
    diff_pixels: int | None = None
    ratio: float | None = None
    boxes: list[str] = field(default_factory=list)  # named components the changed pixels fall in
    component: str | None = None  # what was captured (the check's component; "page": the whole page)


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
    visual: VisualRecord | None = None
    baselines_written: list[str] = field(default_factory=list)  # "new baselines/..." / "replaced ..."
    traces: list[str] = field(default_factory=list)
    retrace: str | None = None
    failure: FailureRecord | None = None
    left_out: str | None = None  # why this target's rules leave the item out (it is skipped)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ItemNotes":
        return cls(visual=_visual(data.get("visual")), baselines_written=list(data.get("baselines_written") or []),
                   traces=list(data.get("traces") or []), retrace=data.get("retrace"),
                   failure=_failure(data.get("failure")), left_out=data.get("left_out"))

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
    visual: VisualRecord | None = None
    traces: list[str] = field(default_factory=list)
    retrace: str | None = None
    failure: FailureRecord | None = None
    approved: bool = False  # its capture was promoted to the baseline (regress approve, regress review)
    rejected: bool = False  # a reviewer turned the change down: regress approve skips it
    left_out: str | None = None  # why this target's rules leave the item out (skipped, with that reason)

    @property
    def failing(self) -> bool:
        return self.status in FAILING

    @property
    def reviewable(self) -> bool:
        """A failed visual item with a capture: what approve, reject and review act on."""
        return self.status == "failed" and self.visual is not None and bool(self.visual.actual)

    @classmethod
    def from_json(cls, data: dict) -> "ItemRecord":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["visual"] = _visual(data.get("visual"))
        values["failure"] = _failure(data.get("failure"))
        values["traces"] = list(data.get("traces") or [])
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
    version: int = VERSION

    def to_json(self) -> dict:
        return asdict(self)

    def save(self, path: Path) -> None:
        write_atomic(path, (json.dumps(self.to_json(), indent=1, sort_keys=True) + "\n").encode())

    @classmethod
    def from_json(cls, data: Any, where: str = RUN_JSON) -> "RunRecord":
        validate(data, where)
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


def _visual(data: dict | None) -> VisualRecord | None:
    if not data:
        return None
    known = {f.name for f in fields(VisualRecord)}
    return VisualRecord(**{k: v for k, v in data.items() if k in known})


def _failure(data: dict | None) -> FailureRecord | None:
    if not data:
        return None
    known = {f.name for f in fields(FailureRecord)}
    return FailureRecord(**{k: v for k, v in data.items() if k in known})


# --- the schema ----------------------------------------------------------------------

_STR_OR_NULL = {"type": ["string", "null"]}
_VISUAL = {
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
        "version": {"const": VERSION},
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
                    "visual": _VISUAL,
                    "traces": {"type": "array", "items": {"type": "string"}},
                    "retrace": _STR_OR_NULL,
                    "failure": _FAILURE,
                    "approved": {"type": "boolean"},
                    "rejected": {"type": "boolean"},  # added later: optional
                    "left_out": _STR_OR_NULL,  # why this target's rules leave the item out; added later: optional
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
