"""The site under test, and when the plugin turns itself on.

A run that collects no scenario and asks for no page (the project's unit tests)
gets nothing from the plugin: no demo site, no report, no rotation of
``reports/``. Once the collection holds a scenario item or a test using a page
(or, under xdist, when the controller sets up its workers), the run is
*activated*: reports/latest is rotated in, the report starts, and without
``--base-url`` the demo site is started on a free port of 127.0.0.1. Workers get
the controller's site and report folder.
"""
from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ..browser.chromium import REACH_TIMEOUT_S
from ..checks import kinds
from ..model.scenario import scenario_files
from ..run.artifacts import rotate
from ..run.baselines import remove_stale_temp_files
from ..run.references import platform_name
from . import missing, reporting
from .collect import uses_the_site
from .private_api import dist_given
from .state import SessionState, session_state

def pytest_configure(config: pytest.Config) -> None:
    state = session_state(config)
    if not config.option.help and config.getoption("--scenarios"):  # the default folder may be absent
        _check_scenarios_dir(state)
    for kind in sorted(kinds()):
        config.addinivalue_line("markers", f"{kind}: scenario check of kind {kind}")
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:  # an xdist worker: the controller owns the site (state.base_url) and reports
        if workerinput.get("regress_latest"):
            state.latest = Path(workerinput["regress_latest"])
        return
    _check_mutation(state)  # before anything starts
    if state.options.news_day and state.base_url:
        raise pytest.UsageError(f"--news-day {state.options.news_day} picks a day of the bundled demo site; it "
                                f"cannot change --base-url {state.base_url}: give one of the two")


def pytest_report_header(config: pytest.Config) -> str:
    state = session_state(config)
    return "regress: " + state.describe(state.base_url)


def _check_scenarios_dir(state: SessionState) -> None:
    """A --scenarios folder that is missing or empty would give a green run that checked nothing."""
    path = state.options.scenarios
    if not path.is_dir():
        raise pytest.UsageError(f"--scenarios {path}: no such directory; give a folder of scenario files "
                                f"(*.yaml, *.yml), e.g. config/scenarios")
    if not scenario_files(path):
        raise pytest.UsageError(f"--scenarios {path} holds no scenario file; it needs at least one *.yaml "
                                "or *.yml file")


def _check_mutation(state: SessionState) -> None:
    name = state.options.mutation
    if not name:
        return
    if state.base_url:
        raise pytest.UsageError(f"--mutation {name} seeds a regression into the demo site; it cannot change "
                                f"--base-url {state.base_url}: give one of the two")
    from demo_site import mutations

    try:
        mutations.get(name)
    except mutations.UnknownMutation as err:
        raise pytest.UsageError(f"--mutation: {err}") from None


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``-n N`` without ``--dist``: distribute by work stealing instead of xdist's ``load``.

    Work stealing hands each worker one contiguous half of the collection order and
    rebalances only at the end, so a scenario's items (one page, its settled captures,
    its link cache) mostly stay on one worker; ``load`` deals them out in small chunks
    and both workers then load and settle the same pages. Measured on 2 cores: the
    items' summed time at -n 2 over -n 1 fell from 1.27 to 1.21. An explicit ``--dist``
    is left alone (None: xdist's own hook makes the scheduler it names).
    """
    if dist_given(config) or config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import WorkStealingScheduling

    return WorkStealingScheduling(config, log)


# --- activation ------------------------------------------------------------------------

@pytest.hookimpl(trylast=True)  # after --shard and -k/-m have deselected
def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    if config.option.collectonly:
        return
    missing.note(config, session.items)  # every process: which references each item lacks
    if hasattr(config, "workerinput"):
        return
    scenario_errors = any(nodeid.split("::")[0].endswith((".yaml", ".yml"))
                          for nodeid, _ in session_state(config).collect_errors)
    if scenario_errors or any(uses_the_site(item) for item in session.items):
        state = session_state(config)
        if state.base_url:  # an unreachable target is said first: no reference would help it
            _check_reachable(state.base_url)
        missing.say_once(config)  # a run that cannot compare at all stops here, before anything starts
        activate(config, reachable=bool(state.base_url))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """xdist: the controller does not collect; it activates before its workers start."""
    config = node.config
    activate(config)
    state = session_state(config)
    node.workerinput["regress_base_url"] = state.base_url
    node.workerinput["regress_latest"] = str(state.latest)
    node.workerinput["regress_target"] = state.target.name
    node.workerinput["regress_platform"] = platform_name()  # a remote browser's, when it renders


def activate(config: pytest.Config, reachable: bool = False) -> None:
    """Start the demo site without --base-url (once), check the target answers (``reachable``: it was
    checked already), and only then, once the run really starts, rotate reports/latest in and start
    the report: a run stopped by a usage error leaves the last run's folder where `regress approve`
    looks for it."""
    state = session_state(config)
    if state.latest is not None:
        return
    if not state.base_url:
        from demo_site.server import DemoSite

        site = state.demo_site = DemoSite(port=0, mutation=state.options.mutation,
                                          news_day=state.news_day).start()
        state.base_url = site.url
        config.add_cleanup(site.stop)
    if not reachable:
        _check_reachable(state.base_url)
    state.latest = rotate(state.options.reports_dir)
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    for path in remove_stale_temp_files(state.baselines_dir):
        if terminal is not None:
            terminal.write_line(f"removed {path}: a temp file left by a baseline write that was interrupted")
    reporting.start(config, state)


def _check_reachable(url: str) -> None:
    """Fail once, within seconds, if the target is unreachable."""
    try:
        urllib.request.urlopen(url, timeout=REACH_TIMEOUT_S).close()
    except urllib.error.HTTPError:
        pass  # reachable; page-level status is the checks' business
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise pytest.UsageError(f"--base-url {url} is not reachable: {reason}") from None
