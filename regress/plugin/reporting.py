"""The run record and report of an activated run, and what each item adds to them.

Hooks here fill :class:`regress.run.record.RunRecord` on the controller (under
xdist the workers' reports, ``user_properties`` included, arrive here through
``pytest_runtest_logreport``) and write ``reports/latest/``: ``run.json`` at the
start (so a killed run leaves ``"finished": null`` and the pending page) and at
the end, ``index.html`` rendered by :mod:`regress.run.html`, and ``junit.xml`` by
pytest's own junitxml. A run ended by SIGINT (Ctrl-C) or SIGTERM still finishes
its report, with ``"interrupted": "SIGINT"`` / ``"SIGTERM"``: both become a
KeyboardInterrupt, which pytest turns into a clean session end (exit status 2);
a second SIGTERM kills at once.
"""
from __future__ import annotations

import re
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from ..checks import kinds
from ..run import baselines, checkout
from ..run.baselines import write_atomic
from ..run.html import iso, render_pending, render_report
from ..run.record import RUN_JSON, FailureRecord, ItemNotes, ItemRecord, RecordLockError, RunRecord, record_lock
from ..run.references import any_platform, record_command
from ..run.summary import write_summary
from .private_api import start_junitxml
from .state import SessionState, notes_of, session_state

PYTHON_KIND = "content"  # python tests of tests/regression; scenario items carry their kind as a marker
REPORT_PLUGIN = "regress-report"
_BRACKET = re.compile(r"\[([^\[\]]*)\]$")


def start(config: pytest.Config, state: SessionState) -> None:
    """Called when the run is activated (controller only)."""
    if config.option.collectonly or getattr(config.option, "help", False):
        return
    if not config.getoption("xmlpath", None):  # no --junitxml of the user's: pytest's own writes ours
        start_junitxml(config, state.latest / "junit.xml")
    plugin = ReportPlugin(config, state)
    config.pluginmanager.register(plugin, REPORT_PLUGIN)
    plugin.begin()


# --- collection errors, before and after the run is activated -----------------------------

class CollectionErrors:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_collectreport(self, report) -> None:
        if not report.failed:
            return
        nodeid, message = report.nodeid or "<collection>", _message(report)
        session_state(self.config).collect_errors.append((nodeid, message))
        plugin = self.config.pluginmanager.get_plugin(REPORT_PLUGIN)
        if plugin is not None:
            plugin.collection_failed(nodeid, message)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(CollectionErrors(config), "regress-collection-errors")


# --- what each item adds: its notes (visual record, baselines written, traces) and its failure ---

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    notes = notes_of(item)
    if report.failed and call.excinfo is not None and notes.failure is None:
        notes.failure = FailureRecord.of(call.when, call.excinfo.value)
    notes.attach(report.user_properties)
    return report


# --- baselines: what this run wrote, and what nothing uses any more ---------------------

@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    state = session_state(config)
    options = state.options
    if state.latest is None and not options.prune_baselines:
        return  # nothing of ours ran
    if state.baselines_written:
        terminalreporter.section("baselines written")
        for line in sorted(state.baselines_written):
            terminalreporter.line(line)
    # With another scenarios folder, the committed baselines are not its business unless asked.
    unused = (unused_baselines(state, browser_names(config))
              if options.own_scenarios or options.prune_baselines else [])
    if unused:
        terminalreporter.section("baselines no scenario uses" + (" (removed)" if options.prune_baselines else ""))
        for path in unused:
            terminalreporter.line(str(path))
            if options.prune_baselines:
                path.unlink()
        if not options.prune_baselines:
            terminalreporter.line("remove them with --prune-baselines")
    if state.latest is not None and config.pluginmanager.has_plugin(REPORT_PLUGIN):
        terminalreporter.write_sep("-", f"report: {state.latest / 'index.html'}")


def browser_names(config: pytest.Config) -> list[str]:
    """The browsers this run captures with: pytest-playwright's --browser (repeatable), else chromium."""
    return list(config.getoption("--browser", None) or ["chromium"])


def unused_baselines(state: SessionState, browsers: list[str]) -> list[Path]:
    """Reference files of the target's baselines folder, of any format, that no check of the
    scenarios declares (``CheckKind.reference_files``) for any of ``browsers``. Another
    platform's capture of a used check is used (a Mac's prune keeps the committed Linux ones)."""
    from ..model.scenario import ScenarioError

    root = state.baselines_dir
    registered = kinds()
    used = set()
    try:
        scenarios = state.scenarios().all()
    except ScenarioError:
        return []  # the collection error already says what is wrong
    for scenario in scenarios:
        for check in scenario.checks:
            for viewport in check.viewports:
                used.update(p.resolve() for p in registered[check.kind].files_for(scenario, check, viewport, root,
                                                                                   browsers))
    used_anywhere = {any_platform(path) for path in used}
    return sorted(path for path in baselines.all_references(root) - used if any_platform(path) not in used_anywhere)


# --- the report plugin (controller) -------------------------------------------------------

def viewport_of(nodeid: str, viewports) -> str | None:
    """``...[desktop]``, ``...[desktop-chromium]`` or ``...[chromium-desktop]`` -> desktop."""
    match = _BRACKET.search(nodeid)
    if not match:
        return None
    for part in match.group(1).split("-"):
        if part in viewports:
            return part
    return None


def record_command_of(config: pytest.Config) -> str:
    """What records this run's target's missing references (with --base-url, as this run was given it)."""
    state = session_state(config)
    if hasattr(config, "workerinput"):
        return record_command(state.target.name)
    return record_command(state.target.name, config.getoption("--base-url", None), config.getoption("--baselines-dir"))


def kind_of(keywords, kind_names) -> str:
    names = set(keywords)  # under xdist keywords is a plain dict of names
    return next((k for k in kind_names if k in names), PYTHON_KIND)


def _message(report) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    try:
        return report.longreprtext
    except Exception:  # pragma: no cover - exotic longrepr
        return str(report.longrepr)


class ReportPlugin:
    def __init__(self, config: pytest.Config, state: SessionState) -> None:
        self.config = config
        self.state = state
        self.latest: Path = state.latest
        self.kind_names = sorted(kinds())
        self.viewports = list(state.settings.viewports)
        self.items: dict[str, ItemRecord] = {}
        self.started = time.time()
        self.run = RunRecord()
        self.interrupted: str | None = None  # the signal that ended the run early
        self._handlers: dict = {}

    # run start: the checkout, and a placeholder page should the run never finish
    def begin(self) -> None:
        options = self.state.options
        root = options.paths.root
        self.run = RunRecord(
            started=iso(self.started),
            argv=[str(a) for a in self.config.invocation_params.args],
            base_url=self.state.base_url,
            mutation=options.mutation,
            project_root=str(root.resolve()),
            reports_dir=str(self.latest.parent.resolve()),
            git_head=checkout.git_head(root),
            worktree_changes=checkout.worktree_changes(root),
            baselines_dir=str(self.state.baselines_dir.resolve()),
            baselines_digest=baselines.digest(self.state.baselines_dir.resolve()),
            target=self.state.target.name,
            rules=self.state.target.rules,
            news_day=self.state.news_day if self.state.demo_site is not None else None,
            record_command=record_command_of(self.config),
        )
        for nodeid, message in self.state.collect_errors:  # those before the run was activated
            self.collection_failed(nodeid, message)
        self.latest.mkdir(parents=True, exist_ok=True)
        self._save()
        write_atomic(self.latest / "index.html", render_pending(self.run).encode("utf-8"))
        self._catch_interrupts()

    def _save(self) -> None:
        """run.json, atomically, under its lock: a review or approve of the last run never interleaves."""
        try:
            with record_lock(self.latest):
                self.run.save(self.latest / RUN_JSON)
        except RecordLockError as err:
            raise pytest.UsageError(str(err)) from None

    # interruptions: SIGINT and SIGTERM end the session through pytest's KeyboardInterrupt path
    def _catch_interrupts(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set there (an in-process pytest.main in a thread)
        for name in ("SIGINT", "SIGTERM"):
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

    def collection_failed(self, nodeid: str, message: str) -> None:
        self.items[nodeid] = ItemRecord(nodeid=nodeid, kind="collection", status="error", message=message)

    def pytest_runtest_logreport(self, report) -> None:
        entry = self.items.get(report.nodeid)
        if entry is None:
            entry = self.items[report.nodeid] = ItemRecord(
                nodeid=report.nodeid, kind=kind_of(report.keywords, self.kind_names),
                viewport=viewport_of(report.nodeid, self.viewports))
        entry.duration += report.duration
        notes = ItemNotes.read(report.user_properties)
        if notes is not None:
            self._take(entry, notes)
        if report.when == "call":
            if getattr(report, "wasxfail", None) is not None:
                entry.status = "skipped" if report.skipped else "passed"
                entry.message = f"xfail: {report.wasxfail}"
            else:
                entry.status = report.outcome
                if not report.passed:
                    entry.message = _message(report)
        elif report.failed:  # setup or teardown error
            if not entry.failing:
                entry.status = "error"
            text = _message(report)
            entry.message = f"{entry.message}\n\n[{report.when}] {text}" if entry.message else text
        elif report.skipped and report.when == "setup":
            entry.status = "skipped"
            entry.message = _message(report)

    def _take(self, entry: ItemRecord, notes: ItemNotes) -> None:
        if notes.reference is not None:
            entry.reference = notes.reference
        for trace in notes.traces:
            trace = str(Path(self.config.invocation_params.dir) / trace)  # relative to there, or absolute
            if trace not in entry.traces:
                entry.traces.append(trace)
        if notes.retrace is not None:
            entry.retrace = notes.retrace
        if notes.failure is not None and entry.failure is None:  # the first phase that failed
            entry.failure = notes.failure
        if notes.left_out:
            entry.left_out = notes.left_out
        for line in notes.remarks:
            if line not in entry.remarks:  # a traced re-run says them again
                entry.remarks.append(line)
        if notes.missing:
            entry.missing = notes.missing
        for line in notes.baselines_written:
            if line not in self.state.baselines_written:
                self.state.baselines_written.append(line)

    # run end: the report; junit is pytest's own
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus) -> None:
        self._restore_handlers()  # no KeyboardInterrupt of ours inside the report writing
        finished = time.time()
        if self.state.baselines_written:
            # this run wrote baselines itself: that is the state approve must compare with
            self.run.baselines_digest = baselines.digest(Path(self.run.baselines_dir))
        self.run.finished = iso(finished)
        self.run.exitstatus = int(exitstatus)
        self.run.duration = round(finished - self.started, 2)
        self.run.items = list(self.items.values())
        self.run.interrupted = self.interrupted
        self._save()
        html = render_report(self.run, self.latest, self.state.options.paths.reports)
        write_atomic(self.latest / "index.html", html.encode("utf-8"))
        write_summary(self.run, self.latest)  # summary.md, for CI's job summary
