"""The run report as HTML: a pure function of a run record (Jinja2, autoescaped).

``index.html`` is one self-contained file (inline CSS/JS; images and traces are
referenced relatively from the run's folder). Whatever the site under test put
into titles, links or messages is shown as text, never run.
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


def render_report(run: RunRecord, latest: Path, default_reports_dir: Path) -> str:
    """``index.html`` of the run whose folder is ``latest``."""
    return _env().get_template("report.html.j2").render(nonce=secrets.token_urlsafe(16),
                                                        **_context(run, latest, default_reports_dir))


def render_pending(run: RunRecord) -> str:
    """The page a run leaves until its report is written: it says so if the run never finishes."""
    return _env().get_template("pending.html.j2").render(nonce=secrets.token_urlsafe(16), run=run.to_json())


def _context(run: RunRecord, latest: Path, default_reports_dir: Path) -> dict:
    items = run.items
    failures = sorted((e for e in items if e.failing), key=_failure_order)
    others = [e for e in items if not e.failing]
    rows = [_view(e, latest, default_reports_dir) for e in failures + others]
    return {
        "run": run.to_json(), "rows": rows, "totals": Counter(e.status for e in items), "statuses": STATUSES,
        "by_kind": _table(items, "kind"), "by_viewport": _table(items, "viewport"), "n_failures": len(failures),
        "kinds": sorted({e.kind for e in items}),
        "viewports": sorted({e.viewport or "-" for e in items}),
        "duration": round(run.duration or 0.0, 1),
    }


def _view(item: ItemRecord, latest: Path, default_reports_dir: Path) -> dict:
    view = {**asdict(item), "anchor": "item-" + hashlib.sha1(item.nodeid.encode()).hexdigest()[:12],
            "viewport": item.viewport or "-", "trace_links": [], "images": None,
            "ratio_text": None, "approve": None}
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
