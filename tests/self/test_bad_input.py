"""Bad input and faults end to end: each gets one clear error, and nothing is left half-done.

The YAML side of the bad-input table is in test_scenario_loading.py (file, line and key
for every schema error) and test_collection_errors.py (one collection error, no
traceback); this file covers baselines, unreachable or broken sites, interruptions (SIGKILL, SIGINT,
SIGTERM) and the usage errors of the plugin's options (exit status 4, one line).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
BASELINE = "demo/article/visual_share_bar-desktop-chromium-linux.png"


def pytest_run(*args, timeout=300, **kwargs):
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, **kwargs)


@pytest.fixture
def baselines_copy(tmp_path):
    target = tmp_path / "baselines"
    shutil.copytree(ROOT / "baselines", target)
    return target


def declared_baselines(root: Path) -> list[Path]:
    """The baseline of every capture the scenarios declare for the demo target (pinned rules)."""
    from regress.checks import load_suite_scenario_files
    from regress.model.scenario import load_settings, scenario_files
    from regress.run.references import baseline_path

    settings = load_settings(ROOT / "config" / "site.yaml")
    scenarios = load_suite_scenario_files(scenario_files(ROOT / "config" / "scenarios"), settings).all()
    return sorted(baseline_path(scenario.name, check.name, viewport, "chromium", root=root)
                  for scenario in scenarios
                  for check in scenario.checks if check.kind == "visual" and "pinned" in check.rules
                  for viewport in check.viewports)


def corrupt(path: Path):
    path.write_bytes(b"\x89PNG\r\n\x1a\n this is not a PNG")


def truncate(path: Path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def wrong_size(path: Path):
    Image.new("RGBA", (50, 20), (255, 255, 255, 255)).save(path)


@pytest.mark.parametrize(
    "damage, expected",
    [(corrupt, "is unreadable"), (truncate, "is unreadable"), (wrong_size, "size changed: baseline is 50x20")],
    ids=["corrupt-png", "truncated-png", "wrong-size"],
)
def test_damaged_baseline_gets_one_clear_failure(tmp_path, baselines_copy, damage, expected):
    damage(baselines_copy / BASELINE)
    done = pytest_run("config/scenarios/article.yaml::article::visual_share_bar[desktop]",
                      "--baselines-dir", str(baselines_copy), "--reports-dir", str(tmp_path / "r"))
    assert done.returncode == 1
    assert expected in done.stdout, done.stdout[-2000:]
    assert BASELINE.split("/")[1] in done.stdout  # names the file
    assert "Traceback" not in done.stdout


def test_refused_base_url_is_one_error_within_seconds(tmp_path):
    started = time.monotonic()
    done = pytest_run("tests/regression", "--base-url", "http://127.0.0.1:9", "--reports-dir", str(tmp_path))
    assert time.monotonic() - started < 30
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "--base-url http://127.0.0.1:9 is not reachable" in output
    assert output.count("not reachable") == 1 and "Traceback" not in output


def test_a_run_that_never_starts_keeps_the_last_runs_place(tmp_path):
    """A run stopped by a usage error before it starts (its --base-url does not answer) leaves
    reports/latest as the last run left it: `regress approve` still finds that run."""
    reports = tmp_path / "reports"
    test_file = tmp_path / "test_asks_for_the_site.py"
    test_file.write_text("def test_reads(base_url):\n    assert base_url\n", encoding="utf-8")
    first = pytest_run(str(test_file), "--reports-dir", str(reports))
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
    record = (reports / "latest" / "run.json").read_bytes()
    assert json.loads(record)["finished"] and json.loads(record)["exitstatus"] == 0

    closed = f"http://127.0.0.1:{free_port()}"
    second = pytest_run(str(test_file), "--base-url", closed, "--reports-dir", str(reports))
    one_usage_error(second, f"--base-url {closed} is not reachable")
    assert (reports / "latest" / "run.json").read_bytes() == record  # the first run's, untouched
    assert sorted(p.name for p in reports.iterdir()) == ["latest"]  # nothing rotated aside

    approve = subprocess.run([sys.executable, "-m", "regress", "approve", "--reports-dir", str(reports)],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert approve.returncode == 1, approve.stdout + approve.stderr  # found the run: nothing to approve in it
    assert "approve: no failed reference item of the last run is left to approve" in approve.stdout, approve.stdout


class _BrokenSite(BaseHTTPRequestHandler):
    """A real server with a broken page: 200 on /, 500 on /error, never answers /hang."""

    hang = threading.Event()

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path.startswith("/hang"):
            self.hang.wait(60)
            return
        status = 500 if self.path.startswith("/error") else 200
        body = b"<html><body><h1>oops</h1></body></html>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def broken_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BrokenSite)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    _BrokenSite.hang.set()
    server.shutdown()
    _BrokenSite.hang.clear()


@pytest.mark.parametrize("page, expected", [("/error", "answered 500"), ("/hang", "did not finish loading")])
def test_broken_page_fails_its_checks_clearly(tmp_path, broken_site, page, expected):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "broken.yaml").write_text(
        f"scenarios:\n  - name: broken\n    page: {page}\n    viewports: [desktop]\n"
        "    checks:\n      - {kind: layout, visible: [article.headline]}\n"
    )
    started = time.monotonic()
    # tests/regression collects the --scenarios dir too; -k keeps only the broken scenario.
    done = pytest_run("tests/regression", "-k", "broken", "--scenarios", str(scenarios), "--base-url", broken_site, "--target", "demo",
                      "--reports-dir", str(tmp_path / "r"))
    assert done.returncode == 1
    assert expected in done.stdout, done.stdout[-2000:]
    assert "1 failed" in done.stdout and "Traceback" not in done.stdout
    assert time.monotonic() - started < 90


def test_killed_between_write_and_rename_keeps_baselines_whole_and_the_next_run_clears_up(tmp_path, baselines_copy):
    """SIGKILL at the one moment that matters: a baseline's temp file written, not yet renamed.

    The fault is injected by the process itself (regress.run.baselines.FAULT_ENV, a test hook), so
    the kill lands there every time instead of at a guessed delay."""
    item = "config/scenarios/article.yaml::article::visual_share_bar[desktop]"
    common = ("--baselines-dir", str(baselines_copy), "--reports-dir", str(tmp_path / "r"))
    killed = pytest_run(item, "--update-baselines", "all", *common,
                        env={**os.environ, "REGRESS_FAULT": "baseline-before-rename"})
    assert killed.returncode == -signal.SIGKILL, killed.stdout[-2000:] + killed.stderr[-2000:]
    stale = list(baselines_copy.rglob(".*.tmp"))
    name = BASELINE.split("/")[-1]
    assert [p.name[:len(name) + 2] for p in stale] == [f".{name}."], stale  # that baseline was being rewritten
    assert stale[0].parent == (baselines_copy / BASELINE).parent
    pngs = sorted(baselines_copy.glob("*/*/*.png"))
    assert pngs == declared_baselines(baselines_copy / "demo"), "every capture the scenarios declare has one baseline"
    for png in pngs:
        with Image.open(png) as image:
            image.load()  # raises on a half-written file

    again = pytest_run(item, *common)
    assert again.returncode == 0, again.stdout[-2000:]
    assert not list(baselines_copy.rglob(".*.tmp"))
    assert f"removed {stale[0]}: a temp file left by a baseline write that was interrupted" in again.stdout


class SuiteRun:
    """``pytest -v tests/regression`` in a child process, its output read as it comes."""

    def __init__(self, reports: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "pytest", "-v", "-p", "no:randomly", "-p", "no:cacheprovider",
             "tests/regression", "--reports-dir", str(reports)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.item_done = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            if " PASSED" in line or " FAILED" in line:
                self.item_done.set()

    def wait_until_under_way(self, timeout=120):
        """Until an item has finished (its run.json and pending page exist by then): the run is mid-way."""
        assert self.item_done.wait(timeout), "no item finished:\n" + "".join(self.lines[-30:])

    def stop(self, sig, timeout=60) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def approve_refusal(reports: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "regress", "approve", "--reports-dir", str(reports)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_killed_run_keeps_the_previous_report_and_its_own_says_it_did_not_finish(tmp_path):
    reports = tmp_path / "reports"
    first = pytest_run("config/scenarios/section.yaml::section_national", "--reports-dir", str(reports))
    assert first.returncode == 0, first.stdout[-2000:]
    run = SuiteRun(reports)
    run.wait_until_under_way()
    assert run.stop(signal.SIGKILL) == -signal.SIGKILL
    previous = [p for p in reports.glob("run-*") if (p / "index.html").exists()]
    assert previous, "the earlier run's report was not kept"
    html = (previous[0] / "index.html").read_text(encoding="utf-8")
    assert "section_national" in html
    # the killed run's own page says it did not finish, and approve will not work from it
    pending = (reports / "latest" / "index.html").read_text(encoding="utf-8")
    assert "it did not finish" in pending and "regress approve</code> refuses it" in pending
    record = json.loads((reports / "latest" / "run.json").read_text(encoding="utf-8"))
    assert record["finished"] is None
    assert "did not finish; run `regress test` again" in approve_refusal(reports)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_is_recorded_as_interrupted_and_refused_by_approve(tmp_path, sig):
    reports = tmp_path / "reports"
    run = SuiteRun(reports)
    run.wait_until_under_way()
    code = run.stop(sig)
    output = "".join(run.lines)
    assert code == 2, output[-3000:]  # pytest's "interrupted", after a clean session end
    record = json.loads((reports / "latest" / "run.json").read_text(encoding="utf-8"))
    assert record["interrupted"] == sig.name and record["finished"], output[-3000:]
    assert any(item["status"] == "passed" for item in record["items"])
    html = (reports / "latest" / "index.html").read_text(encoding="utf-8")
    assert "<title>INTERRUPTED" in html and f"This run was interrupted ({sig.name})" in html
    assert f"was interrupted ({sig.name}) before all its items ran" in approve_refusal(reports)


# --- usage errors: one line naming the option and what is valid, exit status 4 ---------

def one_usage_error(done: subprocess.CompletedProcess, *needles: str) -> str:
    output = done.stdout + done.stderr
    assert done.returncode == 4, output[-3000:]
    errors = [line for line in output.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1, output[-3000:]
    for needle in needles:
        assert needle in errors[0], errors[0]
    assert "Traceback" not in output and "INTERNALERROR" not in output
    return errors[0]


def free_port() -> int:
    """A loopback port nothing listens on (bound once by us, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -k matches nothing: before the fix these runs ended "no tests ran" (or INTERNALERROR) instead.
NO_ITEMS = ("tests/regression", "-k", "no_such_item")


def test_mutation_with_base_url_is_a_usage_error(tmp_path, broken_site):
    done = pytest_run(*NO_ITEMS, "--mutation", "headline-colour", "--base-url", broken_site, "--target", "demo",
                      "--reports-dir", str(tmp_path))
    one_usage_error(done, "--mutation headline-colour", f"--base-url {broken_site}", "give one of the two")


def test_unknown_mutation_is_one_usage_error_listing_the_valid_names(tmp_path):
    from demo_site import mutations

    done = pytest_run(*NO_ITEMS, "--mutation", "no-such-mutation", "--reports-dir", str(tmp_path))
    one_usage_error(done, "--mutation", "unknown mutation 'no-such-mutation'", "valid names: ",
                    *mutations.names())


@pytest.mark.parametrize("holds, expected", [
    (None, "no such directory; give a folder of scenario files (*.yaml, *.yml)"),
    ("notes.txt", "holds no scenario file; it needs at least one *.yaml or *.yml file"),
], ids=["missing-dir", "no-yaml"])
def test_scenarios_dir_without_scenarios_is_a_usage_error(tmp_path, holds, expected):
    scenarios = tmp_path / "scenarios"
    if holds:
        scenarios.mkdir()
        (scenarios / holds).write_text("not a scenario\n")
    done = pytest_run(*NO_ITEMS, "--scenarios", str(scenarios), "--reports-dir", str(tmp_path / "r"))
    one_usage_error(done, f"--scenarios {scenarios}", expected)


@pytest.mark.parametrize("option, url, helper", [
    ("--browser-server", "ws://127.0.0.1:{port}/playwright", "regress remote server"),
    ("--cdp-endpoint", "http://127.0.0.1:{port}", "regress remote cdp"),
], ids=["browser-server", "cdp-endpoint"])
def test_unreachable_remote_browser_is_one_error_within_seconds(tmp_path, option, url, helper):
    url = url.format(port=free_port())
    started = time.monotonic()
    # two items that need the browser: before the fix, each of them errored on its own
    done = pytest_run("tests/regression/test_article_content.py", "-k", "test_top_ten and (desktop or mobile)",
                      option, url, "--reports-dir", str(tmp_path))
    assert time.monotonic() - started < 30
    one_usage_error(done, f"{option} {url} is not reachable", helper)
