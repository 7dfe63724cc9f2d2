"""Remote browsers we start ourselves: a Playwright browser server, or a Chromium over CDP,
both with the suite's flags (``regress remote server|cdp``, and the self-tests)."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

from . import chromium as browser_finder  # the flags and the executable the suite itself uses

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


def browser_platform(server: str | None = None, cdp: str | None = None, timeout_ms: float = 30_000) -> str | None:
    """The platform a remote browser renders on, as baselines name it (linux, mac, windows; None
    for another): its ``navigator.platform`` in a blank page of a context of its own, which a
    ``--user-agent`` leaves as it is. ``server``: a browser server's ws:// URL; ``cdp``: a CDP endpoint."""
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    def ask() -> str:
        with sync_playwright() as pw:
            browser = (pw.chromium.connect(server, timeout=timeout_ms) if server
                       else pw.chromium.connect_over_cdp(cdp, timeout=timeout_ms))
            try:
                context = browser.new_context()
                try:
                    return context.new_page().evaluate("navigator.platform")
                finally:
                    context.close()
            finally:
                browser.close()  # a remote browser: disconnects, it runs on

    # In a thread of its own: inside a pytest session the sync API's loop may run here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        said = pool.submit(ask).result().lower()
    return "mac" if said.startswith("mac") else "windows" if said.startswith("win") else \
        "linux" if "linux" in said else None


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
           *browser_finder.launch_flags(list(allowed_hosts)), *extra_args, "about:blank"]  # as root: --no-sandbox
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
