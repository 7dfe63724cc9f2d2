"""The run report as HTML: a pure function of a run record (Jinja2, autoescaped).

``index.html`` is one self-contained file (inline CSS/JS; images and traces are
referenced relatively from the run's folder). Whatever the site under test put
into titles, links or messages is shown as text, never run.

One template, two modes. Static (``index.html``, also opened from a CI artifact):
the Approve and Reject buttons of each changed reference (an image, or a YAML, JSON or
text reference shown as a unified diff) and each group of identical changes show the
command that does it. Review (served by ``regress review``): they
post the decision to the server, which answers with every capture's state.
"""
from __future__ import annotations

import datetime
import hashlib
import os
import secrets
import shlex
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote

import jinja2

from . import changes
from .record import STATUSES, ItemRecord, ReferenceRecord, RunRecord, status_counts
from .references import DIFF_TEXT_LINES, text_diff

TEMPLATES = Path(__file__).resolve().parent / "templates"


def show_trace_command(path) -> str:
    """The command that opens a Playwright trace, quoted for a shell."""
    return f"playwright show-trace {shlex.quote(str(path))}"


def render_report(run: RunRecord, latest: Path, default_reports_dir: Path, *, review: bool = False,
                  groups: list | None = None) -> str:
    """``index.html`` of the run whose folder is ``latest``; with ``review``, the page
    ``regress review`` serves (its files at the same relative addresses). ``groups``: the
    run's groups of identical changes when the caller has them already."""
    return _env().get_template("report.html.j2").render(nonce=secrets.token_urlsafe(16), review=review,
                                                        **_context(run, latest, default_reports_dir, groups))


def render_pending(run: RunRecord) -> str:
    """The page a run leaves until its report is written: it says so if the run never finishes."""
    return _env().get_template("pending.html.j2").render(nonce=secrets.token_urlsafe(16), run=run.to_json())


def _context(run: RunRecord, latest: Path, default_reports_dir: Path, groups=None) -> dict:
    items = run.items
    failures = sorted((e for e in items if e.failing), key=_failure_order)
    others = [e for e in items if not e.failing]
    rows = [_view(e, latest, default_reports_dir) for e in failures + others]
    groups = changes.groups(run) if groups is None else groups
    states = changes.decisions(run)
    among = list(states)
    by_id = {row["nodeid"]: row for row in rows}
    shared = []
    for group in groups:
        if group.shared:
            shared.append(_group_view(group, by_id, states, latest.parent, default_reports_dir, among))
        for member in group.members:
            if member in by_id:
                by_id[member]["group"] = shared[-1] if group.shared else None
    for row in rows:
        if row["nodeid"] in states:
            row["decision"] = states[row["nodeid"]]
            row["reject"] = changes.command("reject", [row["nodeid"]], latest.parent, default_reports_dir, among)
            row["approve"] = changes.command("approve", [row["nodeid"]], latest.parent, default_reports_dir,
                                             among)
    counts = changes.tally(run)
    return {
        "run": run.to_json(), "rows": rows, "totals": Counter(e.status for e in items), "statuses": STATUSES,
        "by_kind": status_counts(items, "kind"), "by_viewport": status_counts(items, "viewport"), "n_failures": len(failures),
        "kinds": sorted({e.kind for e in items}),
        "viewports": sorted({e.viewport or "-" for e in items}),
        "duration": round(run.duration or 0.0, 1),
        "groups": shared, "tally": counts, "tally_text": changes.tally_text(counts), "n_reviewable": len(states),
    }


def _group_view(group, rows: dict, states: dict, reports_dir: Path, default_reports_dir: Path, among) -> dict:
    first = rows.get(group.members[0], {})
    region = group.regions.get(group.members[0])
    return {
        "id": group.id, "component": group.component, "n": len(group.members),
        "size": f"{group.size[0]}\u00d7{group.size[1]} px" if group.size else None,
        "state": changes.group_state(group, states),
        "members": [{"nodeid": m, "anchor": rows[m]["anchor"] if m in rows else "", "state": states.get(m, "pending"),
                     "viewport": rows[m]["viewport"] if m in rows else "-"} for m in group.members],
        "images": first.get("images") or {"expected": None, "actual": None, "diff": None},
        "text": first.get("text"),
        "noun": "items" if first.get("text") else "captures",
        "crop": [region.x, region.y, region.width, region.height] if region else None,
        "approve": changes.command("approve", group.members, reports_dir, default_reports_dir, among),
        "reject": changes.command("reject", group.members, reports_dir, default_reports_dir, among),
    }


def _view(item: ItemRecord, latest: Path, default_reports_dir: Path) -> dict:
    view = {**asdict(item), "anchor": "item-" + hashlib.sha1(item.nodeid.encode()).hexdigest()[:12],
            "viewport": item.viewport or "-", "trace_links": [], "images": None, "text": None,
            "ratio_text": None, "approve": None, "reject": None, "decision": None, "group": None}
    for trace in item.traces:
        path = Path(trace)
        view["trace_links"].append({"href": _href(path, latest), "path": str(path),
                                    "command": show_trace_command(path)})
    reference = item.reference
    if reference and item.failing and (reference.actual or reference.diff):
        # every key present (None when absent): a capture without a baseline has no expected image
        files = {name: _href(Path(getattr(reference, name)), latest) if getattr(reference, name) else None
                 for name in ("expected", "actual", "diff")}
        if reference.is_image:
            view["images"] = files
            view["ratio_text"] = f"{reference.ratio:.4%}" if reference.ratio is not None else None
        else:
            view["text"] = {**_text_view(reference), "files": files, "format": reference.format,
                            "name": Path(reference.baseline).name}
    return view


def _text_view(reference: ReferenceRecord) -> dict:
    """A text reference's change as lines to show: the unified diff, or the new file itself."""
    def read(path: str | None) -> bytes | None:
        try:
            return Path(path).read_bytes() if path else None
        except OSError:
            return None

    if not reference.expected:
        actual = (read(reference.actual) or b"").decode("utf-8", "replace").splitlines()
        shown = actual[:DIFF_TEXT_LINES] + ([f"... {len(actual) - DIFF_TEXT_LINES} more lines"]
                                            if len(actual) > DIFF_TEXT_LINES else [])
        return {"new": True, "lines": [{"kind": "new", "text": line} for line in shown]}
    diff = read(reference.diff)
    if diff is None:  # saved without its diff, or the diff was removed: made from the two files
        expected, actual = read(reference.expected), read(reference.actual)
        diff = text_diff(expected, actual).encode("utf-8") if expected is not None and actual is not None else b""
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    lines = diff.decode("utf-8", "replace").splitlines()
    return {"new": False, "lines": [{"kind": "head" if line[:3] in ("---", "+++") else kinds.get(line[:1], "same"),
                                     "text": line} for line in lines]}


def _href(path: Path, latest: Path) -> str:
    try:
        rel = os.path.relpath(path.resolve(), latest.resolve())
    except ValueError:  # another drive
        return path.resolve().as_uri()
    return quote(Path(rel).as_posix())


def _failure_order(item: ItemRecord):
    reference = item.reference
    if reference is not None and reference.ratio is not None:
        return (0, -reference.ratio, item.nodeid)
    if reference is not None and reference.actual:
        return (1, 0, item.nodeid)  # a changed text reference, or no baseline yet
    return (2, 0, item.nodeid)


def iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
