"""Merging CI shards' reports (``regress merge OUT_DIR SHARD_DIR...``) into one.

A SHARD_DIR is a shard's reports ``latest`` folder (or the ``--reports-dir``
holding it, or any folder with a ``junit.xml``). OUT_DIR gets one
``junit.xml`` (all test cases in one suite, counts summed), and when the
shards wrote them a combined ``run.json`` (items of all shards), their
``artifacts/`` and ``traces/`` folders, and ``index.html`` re-rendered from the
merged record (and ``summary.md``). With OUT_DIR = ``reports/latest`` the merged run is what
``regress approve`` works from. Records are read through :class:`RunRecord` (schema-checked,
older versions upgraded), and the merged one is checked before anything is written. A shard
folder or record that is unreadable, or a merged report that cannot be rendered, is a
MergeError (one line).
"""
from __future__ import annotations

import copy
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2

from .approve import localize
from .baselines import write_atomic
from .html import render_report
from .record import RUN_JSON, RecordLockError, RunRecord, RunRecordError, record_lock
from .summary import write_summary

_COUNTS = ("tests", "errors", "failures", "skipped")


def _shard_root(path: Path) -> Path:
    for candidate in (path, path / "latest"):
        if (candidate / "junit.xml").is_file() or (candidate / "run.json").is_file():
            return candidate
    raise FileNotFoundError(f"{path}: no junit.xml or run.json here or in {path / 'latest'}")


def merge_junit(paths: list[Path]) -> ET.ElementTree:
    """One ``<testsuites>`` with one ``<testsuite name="pytest">`` holding every shard's test cases."""
    merged = ET.Element("testsuite", {"name": "pytest"})
    totals = dict.fromkeys(_COUNTS, 0)
    duration = 0.0
    stamps, hosts = [], []
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as err:
            raise MergeError(f"{path} is not JUnit XML ({err})") from None
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        for suite in suites:
            for key in _COUNTS:
                totals[key] += int(suite.get(key, 0) or 0)
            duration += float(suite.get("time", 0) or 0)
            if suite.get("timestamp"):
                stamps.append(suite.get("timestamp"))
            if suite.get("hostname"):
                hosts.append(suite.get("hostname"))
            for child in suite:
                if child.tag == "properties":
                    continue  # per-shard properties; test cases keep their own
                merged.append(copy.deepcopy(child))
    for key in _COUNTS:
        merged.set(key, str(totals[key]))
    merged.set("time", f"{duration:.3f}")  # summed test time, not wall time
    if stamps:
        merged.set("timestamp", min(stamps))
    if hosts:
        merged.set("hostname", ",".join(dict.fromkeys(hosts)))
    suites = ET.Element("testsuites", {"name": "pytest tests"})
    suites.append(merged)
    return ET.ElementTree(suites)


def _exitstatus(values: list[int]) -> int:
    """pytest exit codes combined: 1 (failures) wins, then any other error, 0; 5 only if all had no tests."""
    if 1 in values:
        return 1
    errors = [v for v in values if v not in (0, 1, 5)]
    if errors:
        return max(errors)
    return 5 if values and all(v == 5 for v in values) else 0


def _rewrite_paths(value, mapping: dict[str, str]):
    if isinstance(value, str):
        for old, new in mapping.items():
            if value == old or value.startswith(old + "/"):
                return new + value[len(old):]
        return value
    if isinstance(value, list):
        return [_rewrite_paths(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_paths(v, mapping) for k, v in value.items()}
    return value


def _read_shard(path: Path) -> dict:
    """A shard's run.json through :meth:`RunRecord.load` (schema-checked, older versions upgraded), as JSON."""
    try:
        return RunRecord.load(path).to_json()
    except RunRecordError as err:
        raise MergeError(str(err)) from None


def merge_runs(shard_roots: list[Path], out: Path) -> RunRecord | None:
    """A combined run record (items of all shards), artifact paths pointing into ``out``;
    MergeError, before anything is written, when a shard's record or the merged one is not valid."""
    runs = [(root, _read_shard(root / RUN_JSON)) for root in shard_roots if (root / RUN_JSON).is_file()]
    if not runs:
        return None
    merged = dict(runs[0][1])
    items: dict[str, dict] = {}
    for root, run in runs:
        mapping = {str(root.resolve() / name): str(out.resolve() / name) for name in ("artifacts", "traces")}
        for entry in run["items"]:
            entry = _rewrite_paths(entry, mapping)
            items.setdefault(entry["nodeid"], entry)
    started = [r.get("started") for _, r in runs if r.get("started")]
    finished = [r.get("finished") for _, r in runs]
    merged.update(
        items=list(items.values()),
        started=min(started) if started else None,
        finished=max(finished) if all(finished) else None,  # unfinished if any shard did not finish
        interrupted=next((r["interrupted"] for _, r in runs if r.get("interrupted")), None),  # so is the merge
        exitstatus=_exitstatus([int(r.get("exitstatus", 0) or 0) for _, r in runs]),
        duration=max(float(r.get("duration", 0) or 0) for _, r in runs),  # shards run side by side
        reports_dir=str(out.resolve().parent),
        shards=[str(root) for root, _ in runs],
    )
    try:
        return RunRecord.from_json(merged, f"the merged {out / RUN_JSON}")
    except RunRecordError as err:
        raise MergeError(str(err)) from None


def _render_index(out: Path, run: RunRecord, default_reports_dir: Path) -> str | None:
    """Re-render index.html from the merged record; returns why not, or None when done."""
    try:
        # its captures as they are in ``out`` (a relative --reports-dir leaves them relative to the shard's cwd)
        record = localize(run, out).run
        write_atomic(out / "index.html", render_report(record, out, default_reports_dir).encode("utf-8"))
        write_summary(record, out)
    except (jinja2.TemplateError, OSError) as err:
        return f"{type(err).__name__}: {err}"
    return None


class MergeError(Exception):
    """One line; exit status 2. ``lines``: what was written before it."""

    def __init__(self, message: str, lines: list[str] | None = None) -> None:
        super().__init__(message)
        self.lines = lines or []


def merge(out: Path, shard_dirs: list[Path], default_reports_dir: Path) -> list[str]:
    """Merge the shards into ``out``; returns lines describing what was written.

    Every shard's record is read and the merged one checked before anything is written; the
    merged run.json is written atomically under its lock. MergeError when a record is not
    valid (nothing written), or the merged report cannot be rendered (the rest is written by then)."""
    roots = [_shard_root(Path(d)) for d in shard_dirs]
    junits = [r / "junit.xml" for r in roots if (r / "junit.xml").is_file()]
    tree = merge_junit(junits) if junits else None
    run = merge_runs(roots, out)
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    if tree is not None:
        ET.indent(tree)
        buffer = io.BytesIO()
        tree.write(buffer, encoding="utf-8", xml_declaration=True)
        write_atomic(out / "junit.xml", buffer.getvalue())
        suite = tree.getroot()[0]
        lines.append(f"{out / 'junit.xml'}: {suite.get('tests')} tests from {len(junits)} shards "
                     f"({suite.get('failures')} failed, {suite.get('errors')} errors, {suite.get('skipped')} skipped)")
    for root in roots:
        for name in ("artifacts", "traces"):
            if (root / name).is_dir() and root.resolve() != out.resolve():
                shutil.copytree(root / name, out / name, dirs_exist_ok=True)
    if run is not None:
        try:
            with record_lock(out):
                run.save(out / RUN_JSON)
        except RecordLockError as err:
            raise MergeError(str(err), lines) from None
        lines.append(f"{out / RUN_JSON}: {len(run.items)} items")
        why_not = _render_index(out, run, default_reports_dir)
        if why_not is not None:  # a merge without its report would pass CI unnoticed
            raise MergeError(f"could not render {out / 'index.html'} from the merged run.json: {why_not}", lines)
        lines.append(f"{out / 'index.html'}: re-rendered")
    return lines
