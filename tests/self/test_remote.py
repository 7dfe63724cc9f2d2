"""Remote browsers: the real regression suite through a Playwright browser server
(``--browser-server ws://...``) and through a Chromium over CDP (``--cdp-endpoint``).

Each test starts the remote browser on loopback with a unique ``--user-agent``
token, runs a slice of tests/regression (Python tests and scenario items, a
visual one included) in a pytest subprocess, and proves the remote browser did
the work: a ``-p`` probe plugin records, during every test call, the page's
``navigator.userAgent`` (only the remote browser carries the token) and, for
CDP, the page URLs the remote browser's ``/json/list`` lists at that moment.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from regress.browser import remote
from regress.plugin import remote as remote_options

ROOT = Path(__file__).resolve().parents[2]
SLICE = ["tests/regression/test_article_content.py", "config/scenarios/article.yaml",
         "-k", "desktop and ((test_top_ten and not structure) or visual_article_head)"]
EXPECTED = {"test_top_ten[desktop-chromium]", "article::visual_article_head[desktop]"}

PROBE = r'''
import json, os, urllib.request
import pytest

OUT = os.environ["REGRESS_PROBE_OUT"]
CDP = os.environ.get("REGRESS_PROBE_CDP")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    funcargs = getattr(item, "funcargs", {})
    page = funcargs.get("page")
    if page is None and funcargs.get("browser") is not None:  # visual items use a shared page
        pages = [p for c in funcargs["browser"].contexts for p in c.pages if p.url.startswith("http")]
        page = pages[-1] if pages else None
    if page is not None:
        record = {"nodeid": item.nodeid, "pid": os.getpid(), "url": page.url,
                  "user_agent": page.evaluate("navigator.userAgent")}
        if CDP:
            with urllib.request.urlopen(CDP + "/json/list", timeout=10) as resp:
                record["remote_pages"] = [t["url"] for t in json.load(resp) if t.get("type") == "page"]
        with open(OUT, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
    return result
'''


def run_slice(tmp: Path, *options: str, cdp: str | None = None) -> tuple[subprocess.CompletedProcess, list[dict]]:
    (tmp / "regress_probe.py").write_text(PROBE, encoding="utf-8")
    out = tmp / "probe.jsonl"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "REGRESS_PROBE_OUT": str(out),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp), os.environ.get("PYTHONPATH")]))}
    if cdp:
        env["REGRESS_PROBE_CDP"] = cdp
    for var in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_CURRENT_TEST",
                "PYTEST_XDIST_TESTRUNUID"):
        env.pop(var, None)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "regress_probe", "-q", "-rA",
           "--reports-dir", str(tmp / "reports"), *options, *SLICE]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    return proc, records


def assert_ran_remotely(proc, records, token):
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    ran = {r["nodeid"].split("::", 1)[1] for r in records}
    assert ran == EXPECTED, f"probe saw {sorted(ran)}\n{proc.stdout[-3000:]}"
    for record in records:
        assert record["user_agent"] == token, f"{record['nodeid']} ran in a browser that is not the remote one"


@pytest.fixture
def token() -> str:
    return f"regress-remote-{uuid.uuid4().hex[:12]}"


def test_browser_server(tmp_path, token):
    """`playwright launch-server` with a config (executablePath, our flags) on loopback."""
    config = remote.server_config(extra_args=[f"--user-agent={token}"])
    with remote.start_browser_server(config) as server:
        assert server.endpoint.startswith("ws://127.0.0.1:")
        proc, records = run_slice(tmp_path, "--browser-server", server.endpoint)
        assert server.proc.poll() is None, "the browser server must outlive the session (disconnect, not close)"
    assert_ran_remotely(proc, records, token)


def test_cdp_endpoint(tmp_path, token):
    """chromium --remote-debugging-port=0, attached with connect_over_cdp."""
    with remote.start_cdp_chromium(extra_args=[f"--user-agent={token}"]) as chromium:
        assert chromium.endpoint.startswith("http://127.0.0.1:")
        proc, records = run_slice(tmp_path, "--cdp-endpoint", chromium.endpoint, cdp=chromium.endpoint)
        with urllib.request.urlopen(chromium.endpoint + "/json/version", timeout=10) as resp:
            assert json.load(resp)["User-Agent"] == token  # still running after the session: we only disconnected
    assert_ran_remotely(proc, records, token)
    for record in records:  # the remote browser itself listed the page under test
        assert record["url"] in record["remote_pages"], record


@pytest.mark.parametrize("options, message", [
    ({"--browser-server": "ws://127.0.0.1:1/x", "--cdp-endpoint": "http://127.0.0.1:1"}, "exclude each other"),
    ({"--browser-server": "http://127.0.0.1:1/x"}, "ws:// or wss://"),
    ({"--cdp-endpoint": "127.0.0.1:9222"}, "http(s):// or ws(s)://"),
])
def test_remote_options_are_checked(options, message):
    config = SimpleNamespace(getoption=lambda name: options.get(name))
    with pytest.raises(pytest.UsageError, match=re.escape(message)):
        remote_options.pytest_configure(config)
