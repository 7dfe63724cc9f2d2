"""The run report: ``reports/latest/index.html``, ``junit.xml`` and ``run.json``.

Registered by :mod:`regress.plugin` on the controller only (under xdist the
workers' reports, ``user_properties`` included, arrive here through
``pytest_runtest_logreport``). ``index.html`` is one self-contained file
(inline CSS/JS; images and traces are referenced relatively from this run's
folder) rendered by Jinja2 with autoescaping: whatever the site under test puts
into titles, links or messages is shown as text, never run.

``run.json`` is what :mod:`regress.approve` works from: the checkout it ran on
(git HEAD, the tracked files that differed from it with a hash of each, and a
digest of the baselines directory, all taken at run start) and
every item with its visual record. A run ended by SIGINT (Ctrl-C) or SIGTERM
still finishes its report, with ``"interrupted": "SIGINT"`` / ``"SIGTERM"``:
both become a KeyboardInterrupt, which pytest turns into a clean session end
(exit status 2); a second SIGTERM kills at once. A run killed outright leaves
``"finished": null`` and the pending page.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

from .baselines import write_atomic

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPORTS = ROOT / "reports"
TEMPLATES = Path(__file__).resolve().parent / "templates"
RUN_JSON = "run.json"
STATUSES = ("failed", "error", "passed", "skipped")
FAILING = ("failed", "error")
PYTHON_KIND = "content"  # python tests of tests/regression; scenario items carry their kind as a marker
INTERRUPTS = ("SIGINT", "SIGTERM")


# --- the checkout a run belongs to ---------------------------------------------------

def git_head(root: Path = ROOT) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return (out.stdout.strip() or None) if out.returncode == 0 else None


# Run outputs and what approve writes: changes there are not a different checkout.
OUTSIDE_THE_TREE = ("baselines", "reports")


def worktree_changes(root: Path = ROOT) -> dict[str, str | None] | None:
    """Tracked files (outside baselines/ and reports/) that differ from HEAD: path -> sha256 of
    the content, None if deleted. With the HEAD this is the working tree's state, for the cost of
    one ``git diff`` and hashing the files that changed. None without git."""
    cmd = ["git", "-C", str(root), "diff", "HEAD", "--name-only", "-z", "--no-renames", "--relative", "--", "."]
    cmd += [f":(exclude){name}" for name in OUTSIDE_THE_TREE]
    try:
        out = subprocess.run(cmd, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    changes: dict[str, str | None] = {}
    for name in sorted(filter(None, out.stdout.decode("utf-8", "surrogateescape").split("\0"))):
        path = root / name
        changes[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    return changes


def baselines_digest(root: Path) -> str:
    """sha256 over every baseline file's relative path and content."""
    digest = hashlib.sha256()
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*.png") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def write_json(path: Path, data) -> None:
    write_atomic(path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())


# --- wiring (called from regress.plugin.pytest_configure) -------------------------------

def configure(config: pytest.Config, latest: Path, baselines_dir: Path) -> None:
    """Defaults for the artifacts, and the report plugin on the controller."""
    opt = config.option
    if getattr(opt, "output", None) == "test-results":  # pytest-playwright's default: keep traces with this run
        opt.output = str(latest / "traces")
    if hasattr(config, "workerinput") or opt.collectonly or getattr(opt, "help", False):
        return
    if not getattr(opt, "xmlpath", None):
        opt.xmlpath = str(latest / "junit.xml")  # pytest's junitxml writes it (its configure runs after ours)
    config.pluginmanager.register(ReportPlugin(config, latest, baselines_dir), "regress-report")


def show_trace_command(path) -> str:
    """The command that opens a Playwright trace, quoted for a shell."""
    return f"playwright show-trace {shlex.quote(str(path))}"


# --- collecting results -----------------------------------------------------------------

_BRACKET = re.compile(r"\[([^\[\]]*)\]$")


def viewport_of(nodeid: str, viewports) -> str | None:
    """``...[desktop]``, ``...[desktop-chromium]`` or ``...[chromium-desktop]`` -> desktop."""
    match = _BRACKET.search(nodeid)
    if not match:
        return None
    for part in match.group(1).split("-"):
        if part in viewports:
            return part
    return None


def kind_of(keywords, kinds) -> str:
    names = set(keywords)  # under xdist keywords is a plain dict of names
    return next((k for k in kinds if k in names), PYTHON_KIND)


def _message(report) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    try:
        return report.longreprtext
    except Exception:  # pragma: no cover - exotic longrepr
        return str(report.longrepr)


class ReportPlugin:
    def __init__(self, config: pytest.Config, latest: Path, baselines_dir: Path) -> None:
        from .checks import kinds

        self.config = config
        self.latest = latest
        self.baselines_dir = baselines_dir.resolve()
        self.kinds = sorted(kinds())
        self.results: dict[str, dict] = {}
        self.started = time.time()
        self.run: dict = {}
        self.interrupted: str | None = None  # the signal that ended the run early
        self._handlers: dict = {}

    # run start: the checkout, and a placeholder page should the run never finish
    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session) -> None:
        self.run = {
            "version": 1,
            "started": _iso(self.started),
            "finished": None,
            "argv": [str(a) for a in self.config.invocation_params.args],
            "base_url": self.config.option.base_url,
            "mutation": self.config.getoption("--mutation", None),
            "reports_dir": str(self.latest.parent.resolve()),
            "git_head": git_head(),
            "worktree_changes": worktree_changes(),
            "baselines_dir": str(self.baselines_dir),
            "baselines_digest": baselines_digest(self.baselines_dir),
            "interrupted": None,
            "items": [],
        }
        self.latest.mkdir(parents=True, exist_ok=True)
        write_json(self.latest / RUN_JSON, self.run)
        self._render("pending.html.j2", run=self.run)
        self._catch_interrupts()

    # interruptions: SIGINT and SIGTERM end the session through pytest's KeyboardInterrupt path
    def _catch_interrupts(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set there (an in-process pytest.main in a thread)
        for name in INTERRUPTS:
            sig = getattr(signal, name, None)
            if sig is not None:
                self._handlers[sig] = signal.signal(sig, self._on_interrupt)

    def _on_interrupt(self, signum, frame) -> None:
        self.interrupted = self.interrupted or signal.Signals(signum).name
        self._restore_handlers()  # a second SIGTERM kills at once; a second Ctrl-C is Python's own
        raise KeyboardInterrupt(self.interrupted)

    def _restore_handlers(self) -> None:
        for sig, handler in self._handlers.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        self._handlers.clear()

    def pytest_keyboard_interrupt(self, excinfo) -> None:
        if isinstance(excinfo.value, KeyboardInterrupt) and not self.interrupted:
            self.interrupted = "KeyboardInterrupt"  # raised without a signal we saw

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.results[report.nodeid or "<collection>"] = {
                **self._entry(report.nodeid or "<collection>", {}), "status": "error",
                "kind": "collection", "message": _message(report)}

    def pytest_runtest_logreport(self, report) -> None:
        entry = self.results.get(report.nodeid)
        if entry is None:
            entry = self.results[report.nodeid] = self._entry(report.nodeid, report.keywords)
        entry["duration"] += report.duration
        for key, value in report.user_properties:
            if key == "visual" and isinstance(value, dict):
                entry["visual"] = value
            elif key == "playwright_trace":
                trace = str(Path(self.config.invocation_params.dir) / value)  # relative to there, or absolute
                if trace not in entry["traces"]:
                    entry["traces"].append(trace)
            elif key == "retrace":
                entry["retrace"] = value
            elif key == "failure" and entry["failure"] is None:  # the first phase that failed
                entry["failure"] = value
        if report.when == "call":
            if getattr(report, "wasxfail", None) is not None:
                entry["status"] = "skipped" if report.skipped else "passed"
                entry["message"] = f"xfail: {report.wasxfail}"
            else:
                entry["status"] = report.outcome
                if not report.passed:
                    entry["message"] = _message(report)
        elif report.failed:  # setup or teardown error
            if entry["status"] not in FAILING:
                entry["status"] = "error"
            text = _message(report)
            entry["message"] = f"{entry['message']}\n\n[{report.when}] {text}" if entry["message"] else text
        elif report.skipped and report.when == "setup":
            entry["status"] = "skipped"
            entry["message"] = _message(report)

    def _entry(self, nodeid: str, keywords) -> dict:
        viewports = self.config.stash.get(_settings_key(), None)
        names = list(getattr(viewports, "viewports", {}) or {})
        return {"nodeid": nodeid, "status": "passed", "kind": kind_of(keywords, self.kinds),
                "viewport": viewport_of(nodeid, names), "duration": 0.0, "message": "",
                "visual": None, "traces": [], "retrace": None, "failure": None}

    # run end: the report, junit is pytest's own
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus) -> None:
        self._restore_handlers()  # no KeyboardInterrupt of ours inside the report writing
        finished = time.time()
        items = list(self.results.values())
        if _baselines_written(self.config):
            # this run wrote baselines itself: that is the state approve must compare with
            self.run["baselines_digest"] = baselines_digest(self.baselines_dir)
        self.run.update(finished=_iso(finished), exitstatus=int(exitstatus),
                        duration=round(finished - self.started, 2), items=items, interrupted=self.interrupted)
        write_json(self.latest / RUN_JSON, self.run)
        self._render("report.html.j2", **self._context(items, finished))

    def pytest_terminal_summary(self, terminalreporter) -> None:
        terminalreporter.write_sep("-", f"report: {self.latest / 'index.html'}")

    # rendering
    def _context(self, items: list[dict], finished: float) -> dict:
        failures = sorted((e for e in items if e["status"] in FAILING), key=_failure_order)
        others = [e for e in items if e["status"] not in FAILING]
        rows = [self._view(e) for e in failures + others]
        totals = Counter(e["status"] for e in items)
        by_kind = _table(items, "kind")
        by_viewport = _table(items, "viewport")
        return {
            "run": self.run, "rows": rows, "totals": totals, "statuses": STATUSES,
            "by_kind": by_kind, "by_viewport": by_viewport, "n_failures": len(failures),
            "kinds": sorted({e["kind"] for e in items}),
            "viewports": sorted({e["viewport"] or "-" for e in items}),
            "duration": round(finished - self.started, 1),
        }

    def _view(self, entry: dict) -> dict:
        view = {**entry, "anchor": "item-" + hashlib.sha1(entry["nodeid"].encode()).hexdigest()[:12],
                "viewport": entry["viewport"] or "-", "trace_links": [], "images": None,
                "ratio_text": None, "approve": None}
        for trace in entry["traces"]:
            path = Path(trace)
            view["trace_links"].append({"href": self._href(path), "path": str(path),
                                        "command": show_trace_command(path)})
        visual = entry["visual"]
        if visual and entry["status"] in FAILING and (visual.get("actual") or visual.get("diff")):
            view["images"] = {name: self._href(Path(visual[name]))
                              for name in ("expected", "actual", "diff") if visual.get(name)}
            view["ratio_text"] = f"{visual['ratio']:.4%}" if visual.get("ratio") is not None else None
            view["approve"] = approve_command(entry["nodeid"], self.latest.parent)
        return view

    def _href(self, path: Path) -> str:
        try:
            rel = os.path.relpath(path.resolve(), self.latest.resolve())
        except ValueError:  # another drive
            return path.resolve().as_uri()
        return quote(Path(rel).as_posix())

    def _render(self, template: str, **context) -> None:
        html = _env().get_template(template).render(nonce=secrets.token_urlsafe(16), **context)
        write_atomic(self.latest / "index.html", html.encode("utf-8"))


def default_reports_dir() -> Path:
    """The suite's --reports-dir default (REGRESS_REPORTS_DIR, else reports/)."""
    return Path(os.environ.get("REGRESS_REPORTS_DIR") or DEFAULT_REPORTS)


def approve_command(nodeid: str, reports_dir: Path) -> str:
    if reports_dir.resolve() == default_reports_dir().resolve():
        return f"make approve K={shlex.quote(nodeid)}"
    return (f"python -m regress.approve --reports-dir {shlex.quote(str(reports_dir))} "
            f"-k {shlex.quote(nodeid)}")


def _failure_order(entry: dict):
    visual = entry["visual"] or {}
    ratio = visual.get("ratio")
    if ratio is not None:
        return (0, -ratio, entry["nodeid"])
    if visual.get("actual"):
        return (1, 0, entry["nodeid"])  # no baseline yet
    return (2, 0, entry["nodeid"])


def _table(items: list[dict], key: str) -> list[tuple[str, Counter]]:
    groups: dict[str, Counter] = {}
    for entry in items:
        groups.setdefault(entry[key] or "-", Counter())[entry["status"]] += 1
    return sorted(groups.items())


def _settings_key():
    from .plugin import SETTINGS_KEY

    return SETTINGS_KEY


def _baselines_written(config) -> bool:
    from .plugin import WRITTEN_KEY

    return bool(config.stash.get(WRITTEN_KEY, []))


def _iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _env():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
