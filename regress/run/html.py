"""The run report as HTML: a pure function of a run record (Jinja2, autoescaped).

``index.html`` is one self-contained file (inline CSS/JS; images and traces are
referenced relatively from the run's folder). Whatever the site under test put
into titles, links or messages is shown as text, never run.

One template, two modes. Static (``index.html``, also opened from a CI artifact):
the Approve and Reject buttons of each visual failure and each group of identical
changes show the command that does it. Review (served by ``regress review``): they
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
from .record import FAILING, STATUSES, ItemRecord, RunRecord

TEMPLATES = Path(__file__).resolve().parent / "templates"


def show_trace_command(path) -> str:
    """The command that opens a Playwright trace, quoted for a shell."""
    return f"playwright show-trace {shlex.quote(str(path))}"


def approve_command(nodeid: str, reports_dir: Path, default_reports_dir: Path) -> str:
    """The command that approves one item's capture."""
    where = "" if Path(reports_dir).resolve() == Path(default_reports_dir).resolve() else \
        f" --reports-dir {shlex.quote(str(reports_dir))}"
    return f"regress approve{where} -k {shlex.quote(nodeid)}"


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
        "by_kind": _table(items, "kind"), "by_viewport": _table(items, "viewport"), "n_failures": len(failures),
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
        "images": first.get("images") or {},
        "crop": [region.x, region.y, region.width, region.height] if region else None,
        "approve": changes.command("approve", group.members, reports_dir, default_reports_dir, among),
        "reject": changes.command("reject", group.members, reports_dir, default_reports_dir, among),
    }


def _view(item: ItemRecord, latest: Path, default_reports_dir: Path) -> dict:
    view = {**asdict(item), "anchor": "item-" + hashlib.sha1(item.nodeid.encode()).hexdigest()[:12],
            "viewport": item.viewport or "-", "trace_links": [], "images": None,
            "ratio_text": None, "approve": None, "reject": None, "decision": None, "group": None}
    for trace in item.traces:
        path = Path(trace)
        view["trace_links"].append({"href": _href(path, latest), "path": str(path),
                                    "command": show_trace_command(path)})
    visual = item.visual
    if visual and item.failing and (visual.actual or visual.diff):
        # every key present (None when absent): a capture without a baseline has no expected image
        view["images"] = {name: _href(Path(getattr(visual, name)), latest) if getattr(visual, name) else None
                          for name in ("expected", "actual", "diff")}
        view["ratio_text"] = f"{visual.ratio:.4%}" if visual.ratio is not None else None
        view["approve"] = approve_command(item.nodeid, latest.parent, default_reports_dir)
    return view


def _href(path: Path, latest: Path) -> str:
    try:
        rel = os.path.relpath(path.resolve(), latest.resolve())
    except ValueError:  # another drive
        return path.resolve().as_uri()
    return quote(Path(rel).as_posix())


def _failure_order(item: ItemRecord):
    visual = item.visual
    if visual is not None and visual.ratio is not None:
        return (0, -visual.ratio, item.nodeid)
    if visual is not None and visual.actual:
        return (1, 0, item.nodeid)  # no baseline yet
    return (2, 0, item.nodeid)


def _table(items: list[ItemRecord], key: str) -> list[tuple[str, Counter]]:
    groups: dict[str, Counter] = {}
    for item in items:
        groups.setdefault(getattr(item, key) or "-", Counter())[item.status] += 1
    return sorted(groups.items())


def iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
