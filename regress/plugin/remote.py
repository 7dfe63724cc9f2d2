"""Remote browsers: a Playwright browser server, or a Chromium over CDP.

Two options of the ``regress`` group (:mod:`regress.plugin.options`):

``--browser-server ws://HOST:PORT/PATH``
    Connect to a Playwright browser server (``playwright launch-server``)
    instead of launching a browser. pytest-playwright's ``connect_options``
    fixture is overridden; its ``launch_browser`` then calls
    ``browser_type.connect`` and sends our launch options in the
    ``x-playwright-launch-options`` header. A ``launch-server`` browser is
    already running, so it ignores that header: the server's own config must
    carry ``executablePath`` and the flags. :func:`regress.browser.remote.server_config`
    builds one with the suite's flags (quiet networking, third parties
    blocked); ``regress remote server`` starts such a server.

``--cdp-endpoint http://HOST:PORT``
    Attach to a Chromium started with ``--remote-debugging-port`` through
    ``chromium.connect_over_cdp`` (the ``browser`` fixture is overridden; without
    the option it launches as usual). ``regress remote cdp`` starts
    one with the suite's flags.

Either way the browser is someone else's process: the launch flags the plugin
adds (``--host-resolver-rules`` blocking third-party hosts, ``--no-sandbox``)
do NOT apply, only those the remote browser was started with. Start it with
:func:`regress.browser.chromium.launch_flags` (as ``regress remote`` does), or expect share
widgets and analytics to be requested for real. Contexts and pages are still
ours: viewport, locale, timezone and timeouts come from the plugin as usual.
Closing the session disconnects; the remote browser keeps running.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ..browser.chromium import REACH_TIMEOUT_S
from ..browser.remote import browser_platform
from ..run.references import render_on

CONNECT_TIMEOUT_MS = 30_000


def pytest_configure(config: pytest.Config) -> None:
    # The platform references are named for: a worker gets its controller's (a remote browser's).
    workerinput = getattr(config, "workerinput", None)
    render_on(workerinput.get("regress_platform") if workerinput is not None else None)
    server, cdp = config.getoption("--browser-server"), config.getoption("--cdp-endpoint")
    if server and cdp:
        raise pytest.UsageError("--browser-server and --cdp-endpoint exclude each other: give one")
    if server and urlsplit(server).scheme not in ("ws", "wss"):
        raise pytest.UsageError(f"--browser-server must be a ws:// or wss:// URL, not {server!r}")
    if cdp and urlsplit(cdp).scheme not in ("http", "https", "ws", "wss"):
        raise pytest.UsageError(f"--cdp-endpoint must be an http(s):// or ws(s):// URL, not {cdp!r}")


def pytest_sessionstart(session: pytest.Session) -> None:
    """An unreachable remote browser is one error within seconds, not an error in every item. A remote
    browser renders on its own platform: the platform-bound references (captures) are named for it."""
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly:
        return  # the controller has checked already
    for option, kind in (("--browser-server", "server"), ("--cdp-endpoint", "cdp")):
        url = config.getoption(option)
        if url:
            why = unreachable(url)
            if why:
                raise pytest.UsageError(f"{option} {url} is not reachable: {why}; start one with "
                                        f"`regress remote {kind}`")
            try:
                render_on(browser_platform(**{kind: url}))
            except Exception as err:  # a port that answers, but not as a browser
                raise pytest.UsageError(f"{option} {url}: cannot use it as a browser: {err}".splitlines()[0]) from None


def unreachable(url: str, timeout: float = REACH_TIMEOUT_S) -> str | None:
    """Why a TCP connection to the URL's host and port fails, or None when it connects."""
    import socket

    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme in ("https", "wss") else 80)
    except ValueError as err:  # a port that is not a number
        return str(err)
    if not parts.hostname:
        return "no host in the URL"
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError as err:
        return err.strerror or str(err) or type(err).__name__
    return None


def pytest_report_header(config: pytest.Config) -> str | None:
    server, cdp = config.getoption("--browser-server"), config.getoption("--cdp-endpoint")
    if server:
        return f"browser: remote Playwright server {server} (its launch flags apply, not ours)"
    if cdp:
        return f"browser: Chromium over CDP at {cdp} (its launch flags apply, not ours)"
    return None


# --- fixtures (overriding pytest-playwright's) -----------------------------------------

@pytest.fixture(scope="session")
def connect_options(pytestconfig):
    server = pytestconfig.getoption("--browser-server")
    if not server:
        return None
    return {"endpoint": server, "timeout": CONNECT_TIMEOUT_MS}  # kwargs of BrowserType.connect


@pytest.fixture(scope="session")
def browser(request, pytestconfig, playwright):
    cdp = pytestconfig.getoption("--cdp-endpoint")
    if cdp:
        remote = playwright.chromium.connect_over_cdp(cdp, timeout=CONNECT_TIMEOUT_MS)
    else:  # the normal path: launch, or connect with connect_options
        remote = request.getfixturevalue("launch_browser")()
    yield remote
    remote.close()  # over CDP/ws: disconnects and drops our contexts; the remote browser lives on
