"""Remote browsers: a Playwright browser server, or a Chromium over CDP.

Two options of the ``regress`` group (registered by :mod:`regress.plugin`):

``--browser-server ws://HOST:PORT/PATH``
    Connect to a Playwright browser server (``playwright launch-server``)
    instead of launching a browser. pytest-playwright's ``connect_options``
    fixture is overridden; its ``launch_browser`` then calls
    ``browser_type.connect`` and sends our launch options in the
    ``x-playwright-launch-options`` header. A ``launch-server`` browser is
    already running, so it ignores that header: the server's own config must
    carry ``executablePath`` and the flags. :func:`server_config` builds one with
    the flags of :mod:`regress.browser` (quiet networking, third parties
    blocked); ``python -m regress.remote server`` starts such a server.

``--cdp-endpoint http://HOST:PORT``
    Attach to a Chromium started with ``--remote-debugging-port`` through
    ``chromium.connect_over_cdp`` (the ``browser`` fixture is overridden; without
    the option it launches as usual). ``python -m regress.remote cdp`` starts
    one with the suite's flags.

Either way the browser is someone else's process: the launch flags the plugin
adds (``--host-resolver-rules`` blocking third-party hosts, ``--no-sandbox``)
do NOT apply, only those the remote browser was started with. Start it with
:func:`regress.browser.launch_flags` (as the helpers here do), or expect share
widgets and analytics to be requested for real. Contexts and pages are still
ours: viewport, locale, timezone and timeouts come from the plugin as usual.
Closing the session disconnects; the remote browser keeps running.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from . import browser as browser_finder

CONNECT_TIMEOUT_MS = 30_000
_WS_LINE = re.compile(r"(wss?://\S+)")
_DEVTOOLS_LINE = re.compile(r"DevTools listening on (ws://\S+)")
# What Playwright itself passes a headless Chromium that changes rendering or timing;
# a CDP Chromium started without them captures differently (scrollbars, colours).
PLAYWRIGHT_LIKE_FLAGS = (
    "--hide-scrollbars",
    "--mute-audio",
    "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4",
    "--force-color-profile=srgb",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    "--disable-back-forward-cache",
    "--disable-dev-shm-usage",
    "--disable-features=PaintHolding,MediaRouter,OptimizationHints,HttpsUpgrades",
    "--enable-features=CDPScreenshotNewSurface",
    "--disable-field-trial-config",
    "--disable-extensions",
    "--no-default-browser-check",
)


# --- options ---------------------------------------------------------------------

def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("regress", "news-site regression suite")
    group.addoption("--browser-server", default=None, metavar="WS_URL",
                    help="connect to a Playwright browser server (playwright launch-server) at ws://... "
                         "instead of launching a browser; the server's own flags apply")
    group.addoption("--cdp-endpoint", default=None, metavar="URL",
                    help="attach to a Chromium started with --remote-debugging-port (http://host:port "
                         "or its ws://.../devtools/browser/... URL); its own flags apply")


def pytest_configure(config: pytest.Config) -> None:
    server, cdp = config.getoption("--browser-server"), config.getoption("--cdp-endpoint")
    if server and cdp:
        raise pytest.UsageError("--browser-server and --cdp-endpoint exclude each other: give one")
    if server and urlsplit(server).scheme not in ("ws", "wss"):
        raise pytest.UsageError(f"--browser-server must be a ws:// or wss:// URL, not {server!r}")
    if cdp and urlsplit(cdp).scheme not in ("http", "https", "ws", "wss"):
        raise pytest.UsageError(f"--cdp-endpoint must be an http(s):// or ws(s):// URL, not {cdp!r}")


REACH_TIMEOUT_S = 5


def pytest_sessionstart(session: pytest.Session) -> None:
    """An unreachable remote browser is one error within seconds, not an error in every item."""
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly:
        return  # the controller has checked already
    for option in ("--browser-server", "--cdp-endpoint"):
        url = config.getoption(option)
        if url:
            why = unreachable(url)
            if why:
                raise pytest.UsageError(f"{option} {url} is not reachable: {why}; start one with "
                                        f"`python -m regress.remote {'server' if 'server' in option else 'cdp'}`")


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


# --- starting remote browsers (self-tests, and `python -m regress.remote`) --------------

class RemoteBrowser:
    """A browser process we started, with the endpoint the suite connects to."""

    def __init__(self, proc: subprocess.Popen, endpoint: str, cleanup=None, group: bool = False):
        self.proc = proc
        self.endpoint = endpoint
        self._cleanup = cleanup
        self._group = group  # proc leads its own process group: signal all of it

    def _signal(self, sig) -> None:
        try:
            if self._group:
                os.killpg(self.proc.pid, sig)
            else:
                self.proc.send_signal(sig)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        if self.proc.poll() is None or self._group:
            self._signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.proc.wait(5)
        if self._cleanup:
            self._cleanup()

    def __enter__(self) -> "RemoteBrowser":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def chromium_executable() -> str:
    """The Chromium the suite would launch (REGRESS_CHROMIUM, Playwright's, or the system's)."""
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    def own_path() -> str:
        with sync_playwright() as pw:
            return pw.chromium.executable_path

    # In a thread of its own: inside a pytest session the sync API's loop already runs here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        own = pool.submit(own_path).result()
    return browser_finder.find_chromium(own) or own


def server_config(executable: str | None = None, allowed_hosts=(), extra_args=(), port: int = 0) -> dict:
    """A ``playwright launch-server --config`` for Chromium on loopback with the suite's flags."""
    return {
        "executablePath": executable or chromium_executable(),
        "headless": True,
        "host": "127.0.0.1",
        "port": port,
        "args": [*browser_finder.launch_flags(list(allowed_hosts)), *extra_args],
    }


def _read_until(stream, pattern: re.Pattern, timeout: float, proc: subprocess.Popen, what: str) -> str:
    """The first match of ``pattern`` in ``stream``'s lines; keeps draining the stream after."""
    found: list[str] = []
    seen: list[str] = []
    ready = threading.Event()

    def pump():
        for line in stream:
            if not ready.is_set():
                seen.append(line)
                m = pattern.search(line)
                if m:
                    found.append(m.group(1))
                    ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True, name=f"{what}-output").start()
    ready.wait(timeout)
    if not found:
        if proc.poll() is None:
            proc.kill()
        tail = "".join(seen[-20:])
        raise RuntimeError(f"{what} did not report its endpoint within {timeout:.0f} s:\n{tail}")
    return found[0]


def start_browser_server(config: dict | None = None, timeout: float = 60) -> RemoteBrowser:
    """``python -m playwright launch-server --browser chromium --config CONFIG`` on loopback."""
    config = config or server_config()
    fd, path = tempfile.mkstemp(prefix="regress-launch-server-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(config, fh)
    # `python -m playwright` runs the node driver as a child: a session of its own lets stop()
    # signal python and node together (node then closes the browser it launched).
    proc = subprocess.Popen([sys.executable, "-m", "playwright", "launch-server", "--browser", "chromium",
                             "--config", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        endpoint = _read_until(proc.stdout, _WS_LINE, timeout, proc, "playwright launch-server")
    except BaseException:
        RemoteBrowser(proc, "", group=True).stop()
        Path(path).unlink(missing_ok=True)
        raise
    return RemoteBrowser(proc, endpoint, cleanup=lambda: Path(path).unlink(missing_ok=True), group=True)


def start_cdp_chromium(executable: str | None = None, allowed_hosts=(), extra_args=(),
                       timeout: float = 60) -> RemoteBrowser:
    """A headless Chromium with ``--remote-debugging-port=0``; endpoint is its http://127.0.0.1:PORT."""
    import shutil

    profile = tempfile.mkdtemp(prefix="regress-cdp-profile-")
    cmd = [executable or chromium_executable(), "--headless", "--remote-debugging-port=0",
           "--remote-debugging-address=127.0.0.1", f"--user-data-dir={profile}", *PLAYWRIGHT_LIKE_FLAGS,
           *browser_finder.launch_flags(list(allowed_hosts)), *extra_args, "about:blank"]
    if "--no-sandbox" not in cmd and hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.insert(1, "--no-sandbox")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            errors="replace")
    cleanup = lambda: shutil.rmtree(profile, ignore_errors=True)  # noqa: E731
    try:
        ws = _read_until(proc.stderr, _DEVTOOLS_LINE, timeout, proc, "chromium --remote-debugging-port")
    except BaseException:
        cleanup()
        raise
    parts = urlsplit(ws)
    return RemoteBrowser(proc, f"http://{parts.netloc}", cleanup=cleanup)


def main(argv: list[str] | None = None) -> int:
    """``python -m regress.remote server|cdp``: start a remote browser, print the option to use."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m regress.remote", description=main.__doc__)
    parser.add_argument("mode", choices=("server", "cdp"),
                        help="server: playwright launch-server (ws); cdp: chromium --remote-debugging-port")
    parser.add_argument("--allow-host", action="append", default=[],
                        help="a third-party host the browser may resolve (repeatable)")
    args = parser.parse_args(argv)
    if args.mode == "server":
        remote = start_browser_server(server_config(allowed_hosts=args.allow_host))
        print(f"--browser-server {remote.endpoint}", flush=True)
    else:
        remote = start_cdp_chromium(allowed_hosts=args.allow_host)
        print(f"--cdp-endpoint {remote.endpoint}", flush=True)
    try:
        while remote.proc.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        remote.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
