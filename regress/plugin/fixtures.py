"""Fixtures: the browser (pytest-playwright's, customised), viewports, and the settled pages
that visual items share."""
from __future__ import annotations

from pathlib import Path

import pytest

from pages import ArticlePage, PageNotLoaded
from ..browser import chromium
from ..browser.capture import freeze_clock, settle
from ..checks import CheckFailure
from . import tracing
from .state import notes_of, session_state


@pytest.fixture(scope="session")
def site_settings(pytestconfig):
    return session_state(pytestconfig).settings


@pytest.fixture(scope="session")
def base_url(pytestconfig) -> str | None:
    """The site under test (overriding pytest-playwright's): --base-url, else the target's own URL,
    else the demo site this run started."""
    return session_state(pytestconfig).base_url


PLAYWRIGHT_OUTPUT = "test-results"  # pytest-playwright's --output default


@pytest.fixture
def output_path(output_path, pytestconfig) -> str:
    """Where pytest-playwright keeps an item's screenshots, videos and --tracing traces: this run's
    reports/latest/traces/, unless --output names another folder."""
    latest = session_state(pytestconfig).latest
    if latest is None or pytestconfig.getoption("--output") != PLAYWRIGHT_OUTPUT:
        return output_path
    return str(latest / "traces" / Path(output_path).name)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright, browser_name, base_url, site_settings):
    args = dict(browser_type_launch_args)
    if (browser_name or "chromium") == "chromium" and "channel" not in args:
        try:
            executable = chromium.find_chromium(playwright.chromium.executable_path,
                                                headless=args.get("headless", True))
        except chromium.NoBrowserError as err:
            pytest.exit(str(err), returncode=4)
        if executable:
            args["executable_path"] = executable
        allowed = chromium.host_of(base_url) + list(site_settings.links.get("allow_hosts", []))
        args["args"] = [*args.get("args", []), *chromium.launch_flags(allowed)]
    return args


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Python tests that use a page run once per viewport of the site settings."""
    if "viewport_name" in metafunc.fixturenames:
        names = list(session_state(metafunc.config).settings.viewports)
        metafunc.parametrize("viewport_name", names, indirect=True)


@pytest.fixture
def viewport_name(request) -> str:
    if hasattr(request, "param"):
        return request.param
    return getattr(request.node, "viewport", None) or next(iter(session_state(request.config).settings.viewports))


@pytest.fixture
def browser_context_args(browser_context_args, viewport_name, site_settings):
    """The viewport's device (size, mobile, touch, scale factor, a user agent only if the settings
    set one), in the site's locale and zone."""
    return {
        **browser_context_args,
        **site_settings.devices[viewport_name].context_args(),
        "locale": "en-US",
        "timezone_id": "Asia/Seoul",
        "service_workers": "block",
    }


@pytest.fixture
def context(context, request):
    chromium.apply_timeouts(context)
    tracing.start(context, request.node)  # only during a failed item's tracing re-run
    yield context
    tracing.stop(context, request.node)


class SettledPages:
    """Loaded, settled pages kept across items: visual items of one page and viewport share one.

    Loading and settling (fonts, lazy images, transitions) costs more than the captures
    themselves. Captures leave the page as they found it (hides, masks and the alignment to
    device pixels are undone). The few most recent are kept: the viewports of one scenario,
    interleaved as items are ordered."""

    KEEP = 4

    def __init__(self, browser) -> None:
        self.browser = browser
        self._pages: dict[tuple, tuple] = {}
        self._chunks: dict[str, object] = {}  # node id -> the page whose trace chunk it holds

    def get(self, item: pytest.Item, base_url: str, path: str, viewport: str, clock: str,
            context_args: dict) -> tuple:
        key = (base_url, path, viewport, clock, repr(sorted(context_args.items())))
        cached = self._pages.get(key)
        if cached is None or cached[0].is_closed():
            cached = self._pages[key] = self._load(base_url, path, clock, context_args, item)
            while len(self._pages) > self.KEEP:
                old_page, _ = self._pages.pop(next(iter(self._pages)))
                old_page.context.close()
        page = cached[0]
        if tracing.every_item(item.config) != "off" and item.nodeid not in self._chunks:
            tracing.start_chunk(page, item)
            self._chunks[item.nodeid] = page
        return cached

    def _load(self, base_url: str, path: str, clock: str, context_args: dict, item: pytest.Item) -> tuple:
        context = self.browser.new_context(**context_args)
        chromium.apply_timeouts(context)
        if tracing.every_item(item.config) != "off":
            tracing.start_shared(context)
        page = context.new_page()
        freeze_clock(page, clock)
        try:
            site = ArticlePage(page, base_url).open(path)
        except PageNotLoaded as err:
            context.close()
            raise CheckFailure(str(err)) from None
        settle(page)
        return page, site

    def item_done(self, item: pytest.Item, failed: bool) -> None:
        page = self._chunks.pop(item.nodeid, None)
        if page is not None and not page.is_closed():
            tracing.stop_chunk(page, item, failed)

    def close(self) -> None:
        while self._pages:
            page, _ = self._pages.popitem()[1]
            if not page.is_closed():
                page.context.close()


@pytest.fixture(scope="session")
def settled_pages(browser):
    pages = SettledPages(browser)
    yield pages
    pages.close()  # before the browser is


# --- the target, and its baselines, for the suite's own Python tests ----------------------

@pytest.fixture(scope="session")
def regress_target(pytestconfig):
    """The target this run tests (a regress.model.scenario.Target: name, rules, pinned)."""
    return session_state(pytestconfig).target


@pytest.fixture(scope="session")
def target_baselines_dir(pytestconfig):
    """baselines/<target>/: where this target's references are."""
    return session_state(pytestconfig).baselines_dir


@pytest.fixture(scope="session")
def update_baselines(pytestconfig):
    """--update-baselines: None (compare), "missing", "changed" or "all"."""
    return session_state(pytestconfig).options.update_baselines


@pytest.fixture
def note_baseline_written(request):
    """List a reference file the test wrote under "baselines written" (write it with
    regress.run.baselines.write_atomic)."""
    return lambda line: notes_of(request.node).baselines_written.append(line)
