"""References of any kind: where a check's reference file lives, the update policy, and the
steps every kind shares when it compares with one.

A reference is a file in ``baselines/<target>/<scenario>/`` that a check compares what it
found with: a PNG (the visual kind), a YAML, JSON or text file (kinds that record styles,
an accessibility tree, ...). A kind declares its reference files (``CheckKind.references``),
so the stale-reference report, prune and the baselines digest know every one of them, and
approve, reject and review act on any of them the same way.

The update policy is one pure function, :func:`decide`, over :class:`UpdateMode` (the
``--update-baselines`` option) and whether a reference exists and the actual matches it.
:class:`Reference` does the rest: it reads the expected bytes once, writes the reference
atomically when the verdict says so (noting "new" or "replaced"), and on a failure saves
expected, actual and their diff into the item's artifacts folder and fills its record.
"""
from __future__ import annotations

import difflib
import enum
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import jsonschema

from ..model.project import shown_path
from .baselines import REFERENCE_SUFFIXES, is_reference_file, write_atomic
from .record import ItemNotes, ReferenceRecord

DIFF_TEXT_LINES = 2000  # a text diff longer than this is cut (the files are in the artifacts)


class UpdateMode(enum.Enum):
    """``--update-baselines``: absent (compare), ``missing``, ``changed`` or ``all``."""
    COMPARE = None
    MISSING = "missing"
    CHANGED = "changed"
    ALL = "all"

    @classmethod
    def of(cls, option: str | None) -> "UpdateMode":
        return cls(option)


class Verdict(enum.Enum):
    """What a comparison with a reference comes to."""
    PASS = "pass"  # the actual matches the reference
    WRITE_NEW = "new"  # no reference yet: write it
    REPLACE = "replaced"  # write the actual over the reference
    FAIL_MISSING = "missing"  # no reference, and none may be written: fail, save the actual
    FAIL_CHANGED = "changed"  # the actual differs: fail, save expected, actual and diff

    @property
    def writes(self) -> bool:
        return self in (Verdict.WRITE_NEW, Verdict.REPLACE)

    @property
    def fails(self) -> bool:
        return self in (Verdict.FAIL_MISSING, Verdict.FAIL_CHANGED)


def must_compare(mode: UpdateMode, expected: bool) -> bool:
    """Whether :func:`decide` needs to know if the actual matches (``all`` replaces unseen)."""
    return expected and mode is not UpdateMode.ALL


def decide(mode: UpdateMode, expected: bool, matches: bool | None) -> Verdict:
    """The update policy. ``expected``: whether the reference exists; ``matches``: whether
    the actual matches it (None when :func:`must_compare` says it need not be known)."""
    if not expected:
        return Verdict.FAIL_MISSING if mode is UpdateMode.COMPARE else Verdict.WRITE_NEW
    if mode is UpdateMode.ALL:
        return Verdict.REPLACE
    if matches is None:
        raise ValueError(f"deciding {mode.name} on an existing reference needs to know whether the actual matches")
    if matches:
        return Verdict.PASS
    return Verdict.REPLACE if mode is UpdateMode.CHANGED else Verdict.FAIL_CHANGED


# --- naming ------------------------------------------------------------------------------------

# The machine's platform as a run names it; set it to try another platform's run (REGRESS_PLATFORM=mac).
PLATFORM_ENV = "REGRESS_PLATFORM"
PLATFORMS = {"linux": "linux", "darwin": "mac", "win32": "windows"}  # sys.platform -> the name in baselines
_rendering: str | None = None  # the platform a remote browser renders on (render_on), for this process


def machine_platform() -> str:
    """This machine's platform: ``$REGRESS_PLATFORM``, else sys.platform's name (linux, mac, windows)."""
    return os.environ.get(PLATFORM_ENV) or PLATFORMS.get(sys.platform, sys.platform)


def render_on(platform: str | None) -> None:
    """Name this process's platform-bound references for ``platform``: a remote browser's, which
    renders the pixels (None: this machine's again)."""
    global _rendering
    _rendering = platform


def platform_name() -> str:
    """The platform whose pixels this process's browser renders: a remote browser's (render_on),
    else this machine's."""
    return _rendering or machine_platform()


def reference_path(root: Path, scenario: str, check: str, viewport: str, suffix: str, *,
                   browser: str | None = None) -> Path:
    """``<root>/<scenario>/<check>-<viewport>[-<browser>-<platform>].<suffix>``.

    ``suffix``: ``png``, ``yaml``, ``json``, ``txt`` or a compound one ending so
    (``aria.yml``, ``axe.json``). With ``browser`` (what the browser renders: pixels), the
    browser and platform are in the name, so two machines never overwrite each other's
    references. Names are validated by the schema; this re-checks that nothing can point
    outside ``root``."""
    if not any(f".{suffix}".endswith(known) for known in REFERENCE_SUFFIXES):
        raise ValueError(f"reference suffix {suffix!r} is not one of {', '.join(REFERENCE_SUFFIXES)}")
    machine = f"-{browser}-{platform_name()}" if browser else ""
    path = (root / scenario / f"{check}-{viewport}{machine}.{suffix}").resolve()
    if root.resolve() not in path.parents:
        raise ValueError(f"reference path {path} would leave {root}")
    return path


def any_platform(path: Path) -> Path:
    """``path`` with its platform (``-<browser>-<platform>.<suffix>``) blanked: two machines'
    references of the same check are one reference (neither is stale to the other)."""
    head, dot, suffix = path.name.partition(".")
    for platform in set(PLATFORMS.values()) | {machine_platform(), platform_name()}:
        if head.endswith(f"-{platform}"):
            return path.with_name(f"{head[:-len(platform)]}*{dot}{suffix}")
    return path


def baseline_path(scenario: str, check: str, viewport: str, browser: str, root: Path) -> Path:
    """A visual item's PNG: ``baselines/<scenario>/<check>-<viewport>-<browser>-<platform>.png``."""
    return reference_path(root, scenario, check, viewport, "png", browser=browser)


def format_of(path: Path | str) -> str:
    """``png``, ``yaml``, ``json`` or ``text``, by the file's suffix."""
    suffix = Path(path).suffix.lower()
    return {".png": "png", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}.get(suffix, "text")


def check_document(doc: Any, schema: Mapping[str, Any], error: type[Exception]) -> None:
    """Validate a reference file's parsed document against its kind's JSON Schema; ``error``
    (the kind's own) naming the key that is wrong and how."""
    try:
        jsonschema.validate(doc, schema)
    except jsonschema.ValidationError as err:
        where = ".".join(str(p) for p in err.absolute_path) or "the top level"
        raise error(f"{where}: {err.message}") from None


def text_diff(expected: bytes | None, actual: bytes, expected_name: str = "expected",
              actual_name: str = "actual") -> str:
    """A unified diff (difflib) of two text references, cut at :data:`DIFF_TEXT_LINES` lines."""
    before = (expected or b"").decode("utf-8", "replace").splitlines(keepends=True)
    after = actual.decode("utf-8", "replace").splitlines(keepends=True)
    lines = [line if line.endswith("\n") else line + "\n"
             for line in difflib.unified_diff(before, after, expected_name, actual_name)]
    if len(lines) > DIFF_TEXT_LINES:
        lines = lines[:DIFF_TEXT_LINES] + [f"... {len(lines) - DIFF_TEXT_LINES} more lines\n"]
    return "".join(lines)


# --- the steps every kind shares ----------------------------------------------------------------

@dataclass
class Reference:
    """One item's reference file: its expected bytes (read once, None when there is none),
    and what the item writes or saves about it. ``record`` is in the item's notes."""
    path: Path
    artifacts: Path  # the item's artifacts folder
    notes: ItemNotes
    project_root: Path | None = None  # paths in messages are shown relative to it
    component: str | None = None
    format: str = field(init=False)
    expected: bytes | None = field(init=False)
    record: ReferenceRecord = field(init=False)

    def __post_init__(self) -> None:
        self.format = format_of(self.path)
        self.expected = self.path.read_bytes() if self.path.is_file() else None
        self.record = self.notes.reference = ReferenceRecord(baseline=str(self.path), format=self.format,
                                                             component=self.component)

    @property
    def exists(self) -> bool:
        return self.expected is not None

    @property
    def suffix(self) -> str:
        return self.path.name.split(".", 1)[1] if "." in self.path.name else "txt"

    def shown(self, path: Path | None = None) -> str:
        """``path`` (default: the reference) as the user reads it."""
        return shown_path(self.path if path is None else path, self.project_root)

    def write(self, actual: bytes, verdict: Verdict) -> None:
        """Write ``actual`` as the reference, atomically, and note it ("new ..."/"replaced ...")."""
        write_atomic(self.path, actual)
        self.notes.baselines_written.append(f"{verdict.value} {self.shown()}")

    def settle(self, mode: UpdateMode, actual: bytes, matches: bool | None) -> Verdict:
        """Decide; write when the verdict says so. The caller saves and raises on a failure."""
        verdict = decide(mode, self.exists, matches)
        if verdict.writes:
            self.write(actual, verdict)
        return verdict

    def save_failure(self, actual: bytes, diff_png: bytes | None = None) -> ReferenceRecord:
        """Save expected (if any), actual and the diff into the artifacts folder and fill the
        record: a PNG's diff is the image given; a text reference's is a unified diff."""
        record = self.record
        if self.expected is not None:
            record.expected = self._save(f"expected.{self.suffix}", self.expected)
        record.actual = self._save(f"actual.{self.suffix}", actual)
        if self.format == "png":
            if diff_png is not None:
                record.diff = self._save("diff.png", diff_png)
        elif self.expected is not None:
            text = text_diff(self.expected, actual, f"expected/{self.path.name}", f"actual/{self.path.name}")
            record.diff = self._save("diff.txt", text.encode("utf-8"))
        return record

    def missing_message(self, actual: bytes, noun: str = "reference") -> str:
        """Save ``actual`` (there is nothing to compare it with) and say so: every kind's one
        wording of a reference not recorded yet, with the way to record it."""
        self.save_failure(actual)
        return (f"no {noun} {self.shown()}; what the page shows was saved as {self.shown(self.record.actual)}. "
                "Review it, then write references with --update-baselines=missing")

    def _save(self, name: str, data: bytes) -> str:
        path = self.artifacts / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return str(path)

    def compare_text(self, mode: UpdateMode, actual: bytes) -> Verdict:
        """The whole comparison of a text reference (YAML, JSON, text): equal bytes match.
        On a failure the expected, actual and unified diff are saved and recorded."""
        verdict = self.settle(mode, actual, actual == self.expected if must_compare(mode, self.exists) else None)
        if verdict.fails:
            self.save_failure(actual)
        return verdict


# --- before a run: the references its items compare with, and which are missing --------------------

PLATFORM_TITLES = {"linux": "Linux", "mac": "macOS", "windows": "Windows"}


def record_command(target: str, base_url: str | None = None, baselines_dir: str | None = None) -> str:
    """The command that records a target's missing references; ``base_url`` and ``baselines_dir``: the
    ones this run was given on its command line (a target's own URL needs no repeating)."""
    import shlex

    given = [("--base-url", base_url), ("--baselines-dir", baselines_dir)]
    return " ".join([f"regress reference --target {target}",
                     *(f"{option} {shlex.quote(str(value))}" for option, value in given if value)])


def other_platforms(path: Path) -> list[str]:
    """The platforms other than this run's that have ``path``: a platform-bound reference
    (``...-<browser>-<platform>.<suffix>``, see :func:`reference_path`) recorded elsewhere."""
    stem, _, suffix = path.name.partition(".")
    mine = f"-{platform_name()}"
    if not stem.endswith(mine) or not path.parent.is_dir():
        return []
    prefix, found = stem[: -len(mine)], []
    for sibling in path.parent.glob(f"{prefix}-*.{suffix}"):
        platform = sibling.name[len(prefix) + 1: -len(suffix) - 1]
        if platform and "-" not in platform and platform != platform_name() and sibling.is_file():
            found.append(platform)
    return sorted(found)


@dataclass(frozen=True)
class Needs:
    """The reference files a run's items compare with (node id -> files) in the target's
    baselines folder ``root``, looked up before any page opens."""
    root: Path
    by_item: dict[str, tuple[Path, ...]]

    @property
    def files(self) -> set[Path]:
        return {path for paths in self.by_item.values() for path in paths}

    @property
    def missing(self) -> dict[str, tuple[Path, ...]]:
        """Each item that lacks a reference, with the ones it lacks."""
        out = {}
        for nodeid, paths in self.by_item.items():
            lacking = tuple(path for path in paths if not path.is_file())
            if lacking:
                out[nodeid] = lacking
        return out

    def none_recorded(self) -> bool:
        """The run compares with references and the target has none at all, of any kind: a first run."""
        return bool(self.files) and not has_references(self.root)

    def recorded_elsewhere(self) -> list[str]:
        """The platforms the run's platform-bound references (captures) are recorded for, when not
        one of them is recorded for this run's platform; else []."""
        bound = [path for path in self.files if path.name.partition(".")[0].endswith(f"-{platform_name()}")]
        if not bound or any(path.is_file() for path in bound):
            return []
        return sorted({platform for path in bound for platform in other_platforms(path)})

    def no_references_message(self, target: str, command: str, shown) -> str:
        return (f"target {target} has no references yet: {shown(self.root)} holds none of the {len(self.files)} "
                f"reference files this run compares with. Record them with `{command}`, then run again.")

    def other_platform_message(self, platforms: list[str], command: str, shown) -> str:
        here, there = platform_name(), platforms[0]
        title = PLATFORM_TITLES.get(there, there)
        bound = sum(1 for path in self.files if path.name.partition(".")[0].endswith(f"-{here}"))
        return (f"no visual baselines for {here}: the {bound} captures this run compares are recorded in "
                f"{shown(self.root)} for {', '.join(platforms)} only, and pixels differ between platforms. "
                f"Render where they were recorded: start `regress remote server` on a {title} host and run again "
                f"with the `--browser-server ws://...` it prints. Or record {here} baselines with `{command}`, "
                "or leave the visual checks out with -m 'not visual'.")


def has_references(root: Path) -> bool:
    """Whether ``root`` holds any reference file, of any format, at any depth."""
    return root.is_dir() and any(is_reference_file(path) for path in root.rglob("*"))
