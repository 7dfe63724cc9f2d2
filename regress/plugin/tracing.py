"""Playwright traces: the one home of the trace policy.

Traces for failures at no cost to green runs: a failed item runs once more, traced.

Recording a Playwright trace for every item (``--tracing retain-on-failure``)
makes the suite about a third slower and lowers its parallel speed-up (the
driver serialises snapshots beside the browser), although only failures keep
theirs. Playwright Test's answer is tracing
``on-first-retry``; ours keeps the verdict honest: the first run decides
pass or fail, and a failed item is run once more with tracing on, only to
record the trace. Whether the re-run failed again is added to the report, so
a failure that did not reproduce reads as a possible flake, not as a pass.

At most MAX_RERUNS failures per process are re-run. Not re-run (they keep their
other artifacts): visual items and every item of a kind with a reference file (their
images or reference diffs are the evidence and their page is shared), items marked ``changes_state``, and
runs that write baselines. ``--tracing on|retain-on-failure`` turns this off
and traces every item instead, as pytest-playwright does for each item's own
context; the pages visual items share (:class:`regress.plugin.fixtures.SettledPages`)
trace continuously and each item keeps its own chunk.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ..checks import kinds
from ..run.artifacts import item_artifacts_dir
from ..run.html import show_trace_command
from .collect import uses_the_site
from .private_api import run_phases
from .state import notes_of, session_state

# When a deployment is broken everywhere, re-running every item would double a run
# that already says enough; the first failures' traces show the cause.
MAX_RERUNS = 10  # per process (each xdist worker has its own)
RERUNS = pytest.StashKey[int]()
TRACE_DIR = pytest.StashKey[Path]()  # set on the item while its tracing re-run is under way
TRACES = pytest.StashKey[list]()


def every_item(config: pytest.Config) -> str:
    """pytest-playwright's --tracing: "off", or "on" / "retain-on-failure" (every item traced)."""
    return config.getoption("--tracing", "off")


def enabled(config: pytest.Config) -> bool:
    """Failed items are re-run traced (unless every item is traced, or the run writes baselines)."""
    state = session_state(config)
    return (state.latest is not None and state.options.trace_failures == "rerun"
            and every_item(config) == "off" and not state.options.update_baselines)


def wants_rerun(item: pytest.Item) -> bool:
    return (isinstance(item, pytest.Function) and uses_the_site(item)
            and item.get_closest_marker("visual") is None and not _keeps_a_reference(item)
            and item.get_closest_marker("changes_state") is None
            and not notes_of(item).missing)  # a reference not recorded yet: a trace shows nothing of it


def _keeps_a_reference(item: pytest.Item) -> bool:
    """A scenario item whose kind compares with a reference file (on the shared settled page)."""
    check = getattr(item, "check", None)
    return check is not None and kinds()[check.kind].references is not None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    if not (enabled(item.config) and wants_rerun(item)):
        return None  # pytest's own protocol
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    reports = run_phases(item, nextitem)
    if any(report.failed for report in reports):
        done = item.config.stash.get(RERUNS, 0)
        if done < MAX_RERUNS:
            item.config.stash[RERUNS] = done + 1
            outcome = _rerun_traced(item, nextitem)
        else:
            outcome = f"not re-run: {MAX_RERUNS} failures were already re-run with tracing"
        traces = item.stash.get(TRACES, [])
        notes = notes_of(item)
        notes.traces.extend(str(trace) for trace in traces)
        notes.retrace = outcome
        notes.attach(reports[0].user_properties)  # the item's list, shared by its reports
        failed = next(report for report in reports if report.failed)
        failed.sections.append(("traced re-run", "\n".join([outcome, *map(show_trace_command, traces)])))
    for report in reports:
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


def _rerun_traced(item: pytest.Item, nextitem) -> str:
    item.stash[TRACE_DIR] = item_artifacts_dir(session_state(item.config).latest, item.nodeid)
    item.stash[TRACES] = []
    try:
        again = run_phases(item, nextitem)  # with fresh fixture values
    finally:
        del item.stash[TRACE_DIR]
    if any(report.failed for report in again):
        return "failed again when re-run with tracing"
    return "passed when re-run with tracing: the failure did not reproduce (flaky?)"


# --- an item's own context (the ``context`` fixture) ------------------------------------------

def start(context, item: pytest.Item) -> None:
    """Called by the ``context`` fixture: trace it if this is an item's tracing re-run."""
    if TRACE_DIR in item.stash:
        context.tracing.start(title=item.nodeid, screenshots=True, snapshots=True, sources=True)


def stop(context, item: pytest.Item) -> None:
    if TRACE_DIR not in item.stash:
        return
    traces = item.stash[TRACES]
    path = item.stash[TRACE_DIR] / ("trace.zip" if not traces else f"trace-{len(traces) + 1}.zip")
    path.parent.mkdir(parents=True, exist_ok=True)
    context.tracing.stop(path=path)
    traces.append(path)


# --- the shared pages of visual items: one continuous trace, a chunk per item ------------------

def start_shared(context) -> None:
    """A shared page's context, when every item is traced."""
    context.tracing.start(screenshots=True, snapshots=True)


def start_chunk(page, item: pytest.Item) -> None:
    page.context.tracing.start_chunk(title=item.nodeid)


def stop_chunk(page, item: pytest.Item, failed: bool) -> None:
    """Keep the item's chunk when it failed, or always with ``--tracing on``."""
    if failed or every_item(item.config) == "on":
        trace = item_artifacts_dir(session_state(item.config).latest, item.nodeid) / "trace.zip"
        trace.parent.mkdir(parents=True, exist_ok=True)
        page.context.tracing.stop_chunk(path=trace)
        notes_of(item).traces.append(str(trace))
    else:
        page.context.tracing.stop_chunk()
