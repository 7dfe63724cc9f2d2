"""The pytest plugin: options, the target site, the browser, scenario collection.

Layered on pytest-playwright: we customise its fixtures
(``browser_type_launch_args``, ``browser_context_args``) rather than owning
the browser lifecycle.
"""
from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from . import browser as browser_finder
from .collect import ScenarioFile, is_scenario_file
from .reports_dir import rotate, slug
from .scenario import ScenarioError, load_settings

# Remote browsers (--browser-server, --cdp-endpoint), CI shards (--shard i/n) and traces
# of failures (--trace-failures): their options join the "regress" group, their
# fixtures override pytest-playwright's.
pytest_plugins = ["regress.remote", "regress.shard", "regress.retrace"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS = ROOT / "config" / "site.yaml"
DEFAULT_SCENARIOS = ROOT / "config" / "scenarios"
REGRESSION_DIR = ROOT / "tests" / "regression"
UPDATE_MODES = ("missing", "changed", "all")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("regress", "news-site regression suite")
    group.addoption("--site-settings", default=str(DEFAULT_SETTINGS), metavar="YAML",
                    help="site settings file (default: config/site.yaml)")
    group.addoption("--scenarios", default=str(DEFAULT_SCENARIOS), metavar="DIR",
                    help="scenario directory collected with tests/regression (default: config/scenarios)")
    group.addoption("--update-baselines", default=None, choices=UPDATE_MODES,
                    help="write visual baselines: missing ones, changed ones, or all")
    group.addoption("--reports-dir", default=os.environ.get("REGRESS_REPORTS_DIR", str(ROOT / "reports")), metavar="DIR",
                    help="where run outputs go: DIR/latest is this run (default: reports/)")
    group.addoption("--prune-baselines", action="store_true",
                    help="delete baselines that no scenario uses any more")
    group.addoption("--mutation", default=None, metavar="NAME",
                    help="serve the demo site with a seeded regression (`python -m demo_site "
                         "--list-mutations` lists them); not with --base-url")
    # report + approve (regress/report.py, regress/approve.py)
    group.addoption("--baselines-dir", default=str(ROOT / "baselines"), metavar="DIR",
                    help="visual baselines directory (default: baselines/)")


# --- the site under test -------------------------------------------------------

def pytest_configure(config: pytest.Config) -> None:
    _default_distribution(config)
    settings_path = Path(config.getoption("--site-settings"))
    try:
        config.stash[SETTINGS_KEY] = load_settings(settings_path)
    except ScenarioError as err:
        raise pytest.UsageError(str(err)) from None
    if not config.option.help:
        _check_scenarios_dir(Path(config.getoption("--scenarios")))
    for kind in _kind_names():
        config.addinivalue_line("markers", f"{kind}: scenario check of kind {kind}")
    config.addinivalue_line("markers", "changes_state: test changes state on the site (skipped on sensitive URLs)")

    workerinput = getattr(config, "workerinput", None)
    # before anything is rotated or started; workers get the controller's site, not its --mutation
    mutation = _check_mutation(config) if workerinput is None else None
    if workerinput is None and not config.option.collectonly:
        config.stash[LATEST_KEY] = rotate(Path(config.getoption("--reports-dir")))
    # report: index.html/junit.xml/run.json in reports/latest, traces in reports/latest/traces
    from . import report
    report.configure(config, latest_reports_dir(config), Path(config.getoption("--baselines-dir")))
    if workerinput is not None:  # an xdist worker: the controller owns the site
        config.option.base_url = workerinput["regress_base_url"]
        return
    if config.getoption("--base-url"):
        return
    if config.option.collectonly or config.option.help:
        return
    from demo_site.server import DemoSite

    site = DemoSite(port=0, mutation=mutation).start()
    config.stash[DEMO_SITE_KEY] = site
    config.option.base_url = site.url
    config.add_cleanup(site.stop)


def _check_scenarios_dir(path: Path) -> None:
    """A --scenarios folder that is missing or empty would give a green run that checked nothing."""
    if not path.is_dir():
        raise pytest.UsageError(f"--scenarios {path}: no such directory; give a folder of scenario files "
                                f"(*.yaml, *.yml), e.g. {DEFAULT_SCENARIOS.relative_to(ROOT)}")
    if not any(p.suffix in (".yaml", ".yml") and p.is_file() for p in path.iterdir()):
        raise pytest.UsageError(f"--scenarios {path} holds no scenario file; it needs at least one *.yaml "
                                "or *.yml file")


def _check_mutation(config: pytest.Config) -> str | None:
    """The --mutation name, checked before any site starts (controller only)."""
    name = config.getoption("--mutation")
    if not name:
        return None
    if config.getoption("--base-url"):
        raise pytest.UsageError(f"--mutation {name} seeds a regression into the demo site; it cannot change "
                                f"--base-url {config.getoption('--base-url')}: give one of the two")
    from demo_site import mutations

    try:
        mutations.get(name)
    except mutations.UnknownMutation as err:
        raise pytest.UsageError(f"--mutation: {err}") from None
    return name


def _default_distribution(config: pytest.Config) -> None:
    """``-n N`` without ``--dist``: distribute by work stealing instead of xdist's ``load``.

    Work stealing hands each worker one contiguous half of the collection order and
    rebalances only at the end, so a scenario's items (one page, its settled captures,
    its link cache) mostly stay on one worker; ``load`` deals them out in small chunks
    and both workers then load and settle the same pages. Measured on 2 cores: the
    items' summed time at -n 2 over -n 1 fell from 1.27 to 1.21. An explicit ``--dist``
    is left alone; xdist resolves ``-n`` in ``pytest_cmdline_main``, before this runs.
    """
    chosen = getattr(config.known_args_namespace, "dist", "no")  # what the command line said
    if chosen == "no" and getattr(config.option, "dist", "no") == "load" and getattr(config.option, "numprocesses", None):
        config.option.dist = "worksteal"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # xdist hook: hand workers the one site
    node.workerinput["regress_base_url"] = node.config.option.base_url


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail once, within seconds, if the target is unreachable."""
    _CONFIG[:] = [session.config]
    _remove_stale_baseline_temp_files(session.config)
    url = session.config.option.base_url
    if not url or session.config.option.collectonly:
        return
    try:
        urllib.request.urlopen(url, timeout=5).close()
    except urllib.error.HTTPError:
        pass  # reachable; page-level status is the checks' business
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise pytest.UsageError(f"--base-url {url} is not reachable: {reason}") from None


def _remove_stale_baseline_temp_files(config: pytest.Config) -> None:
    """A run killed while writing a baseline leaves its temp file beside it; the next run clears it."""
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    from .baselines import remove_stale_temp_files

    terminal = config.pluginmanager.get_plugin("terminalreporter")
    for path in remove_stale_temp_files(Path(config.getoption("--baselines-dir"))):
        if terminal is not None:
            terminal.write_line(f"removed {path}: a temp file left by a baseline write that was interrupted")


SETTINGS_KEY = pytest.StashKey["object"]()
LATEST_KEY = pytest.StashKey[Path]()


def latest_reports_dir(config: pytest.Config) -> Path:
    """This run's reports/latest (workers share the controller's)."""
    return config.stash.get(LATEST_KEY, None) or Path(config.getoption("--reports-dir")) / "latest"


def item_artifacts_dir(config: pytest.Config, nodeid: str) -> Path:
    """Where one item's images and traces go in this run's report."""
    return latest_reports_dir(config) / "artifacts" / slug(nodeid)

DEMO_SITE_KEY = pytest.StashKey["object"]()


def _kind_names() -> list[str]:
    from .checks import kinds

    return sorted(kinds())


@pytest.fixture(scope="session")
def site_settings(pytestconfig):
    return pytestconfig.stash[SETTINGS_KEY]


# --- the browser ---------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright, browser_name, base_url, site_settings):
    args = dict(browser_type_launch_args)
    if (browser_name or "chromium") == "chromium" and "channel" not in args:
        try:
            executable = browser_finder.find_chromium(playwright.chromium.executable_path,
                                                      headless=args.get("headless", True))
        except browser_finder.NoBrowserError as err:
            pytest.exit(str(err), returncode=4)
        if executable:
            args["executable_path"] = executable
        allowed = browser_finder.host_of(base_url) + list(site_settings.links.get("allow_hosts", []))
        args["args"] = [*args.get("args", []), *browser_finder.launch_flags(allowed)]
    return args


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Python tests that use a page run once per viewport of the site settings."""
    if "viewport_name" in metafunc.fixturenames:
        names = list(metafunc.config.stash[SETTINGS_KEY].viewports)
        metafunc.parametrize("viewport_name", names, indirect=True)


@pytest.fixture
def viewport_name(request) -> str:
    if hasattr(request, "param"):
        return request.param
    return getattr(request.node, "viewport", None) or next(iter(request.config.stash[SETTINGS_KEY].viewports))


@pytest.fixture
def browser_context_args(browser_context_args, viewport_name, site_settings):
    width, height = site_settings.viewports[viewport_name]
    return {
        **browser_context_args,
        "viewport": {"width": width, "height": height},
        "locale": "en-US",
        "timezone_id": "Asia/Seoul",
        "service_workers": "block",
    }


@pytest.fixture(scope="session")
def _shared_capture_pages(browser):
    """Pages the visual kind keeps loaded across items; closed before the browser is."""
    yield
    from .checks.visual import close_settled_pages

    close_settled_pages()


@pytest.fixture
def context(context, request):
    # Fail in seconds, not the 30 s default: a broken page should not stall CI.
    context.set_default_timeout(7_000)
    context.set_default_navigation_timeout(15_000)
    from . import retrace  # imported here: pytest_plugins registers (and rewrites) it first

    retrace.start(context, request.node)  # only during a failed item's tracing re-run
    yield context
    retrace.stop(context, request.node)


# --- state-changing tests are skipped on sensitive hosts (site.sensitive_hosts) ---

@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("changes_state") is None:
        return
    host = browser_finder.host_of(item.config.option.base_url)
    sensitive = {h.lower() for h in item.config.stash[SETTINGS_KEY].site.get("sensitive_hosts", [])}
    if host and host[0].lower() in sensitive:
        pytest.skip(f"changes state on the site; {host[0]} is listed in site.sensitive_hosts")


# --- scenario collection ---------------------------------------------------------

def pytest_collect_file(file_path: Path, parent):
    if is_scenario_file(file_path, Path(parent.config.getoption("--scenarios"))):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def pytest_collect_directory(path: Path, parent):
    # `pytest tests` runs the scenarios too: they join the regression suite's directory.
    if path.resolve() == REGRESSION_DIR:
        from .collect import RegressionDir

        return RegressionDir.from_parent(parent, path=path)
    return None


# --- what each failure was: its exception and the assertions it names (run.json) ---

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and call.excinfo is not None:
        report.user_properties.append(("failure", failure_record(call.when, call.excinfo.value)))
    return report


def failure_record(when: str, error: BaseException) -> dict:
    """What the run record keeps of a failure: an AssertionError (a ``CheckFailure`` or a
    test's ``assert``) is a check that found the site broken; anything else (a timeout, a
    crash in the check's own code) is not."""
    return {
        "when": when,
        "type": type(error).__name__,
        "assertion": isinstance(error, AssertionError),
        "message": str(error),
        "checks": list(getattr(error, "checks", ()) or ()),
    }


# --- baselines: what this run wrote, and what nothing uses any more ---------------

WRITTEN_KEY = pytest.StashKey[list]()
_CONFIG: list[pytest.Config] = []  # logreport has no config argument


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report) -> None:
    if report.when != "call":
        return
    written = [value for key, value in report.user_properties if key == "baseline_written"]
    if written:
        config = _CONFIG[0]
        config.stash.setdefault(WRITTEN_KEY, []).extend(written)



def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    written = config.stash.get(WRITTEN_KEY, [])
    if written:
        terminalreporter.section("baselines written")
        for line in sorted(written):
            terminalreporter.line(line)
    # With another scenarios dir, the committed baselines are not its business unless asked.
    own_scenarios = Path(config.getoption("--scenarios")).resolve() == DEFAULT_SCENARIOS.resolve()
    unused = _unused_baselines(config) if own_scenarios or config.getoption("--prune-baselines") else []
    if unused:
        pruning = config.getoption("--prune-baselines")
        terminalreporter.section("baselines no scenario uses" + (" (removed)" if pruning else ""))
        for path in unused:
            terminalreporter.line(str(path))
            if pruning:
                path.unlink()
        if not pruning:
            terminalreporter.line("remove them with --prune-baselines")


def _unused_baselines(config: pytest.Config) -> list[Path]:
    from . import baselines
    from .scenario import load_scenarios

    root = Path(config.getoption("--baselines-dir"))
    used = set()
    try:
        for path in sorted(Path(config.getoption("--scenarios")).glob("*.y*ml")):
            for scenario in load_scenarios(path, config.stash[SETTINGS_KEY]):
                for check in scenario.checks:
                    if check.kind == "visual":
                        for viewport in check.viewports:
                            used.add(baselines.baseline_path(scenario.name, check.name, viewport, "chromium",
                                                             root=root))
    except ScenarioError:
        return []  # the collection error already says what is wrong
    return sorted(baselines.all_baselines(root) - used)
