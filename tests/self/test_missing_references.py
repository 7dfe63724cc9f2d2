"""Missing references, said once (regress/plugin/missing.py): real runs of the suite in pytest
subprocesses against the demo site, and the lookup itself on real files.

- No reference recorded for the target: one message and a usage error, before anything starts
  (the site is asked for no page, only whether it answers; no report is started, so no item ran
  and no trace exists).
- Some missing: the run goes on; those items fail without a traced re-run, and the terminal and
  summary.md list them once with the command, which then records them.
- Captures recorded for another platform only (REGRESS_PLATFORM=mac against the committed Linux
  baselines): one message naming the platform and the remote-server way; and that way, a browser
  server on Linux, then matches the committed baselines.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from demo_site import DemoSite
from regress.browser import remote
from regress.run import references
from regress.run.references import Needs, other_platforms, platform_name, record_command, render_on

ROOT = Path(__file__).resolve().parents[2]
SELECT = "desktop and (visual_share_bar or test_gnb_sections or article_styles or test_headline_dates_byline)"
SHARE_BAR = "config/scenarios/article.yaml::article::visual_share_bar[desktop]"
GNB = "tests/regression/test_menu.py::test_gnb_sections[desktop-chromium]"


def run(*args: str, env: dict | None = None, command=("-m", "pytest", "-p", "no:cacheprovider", "-q")):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([sys.executable, *command, *args], cwd=ROOT, env={**environ, **(env or {})},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def counted_site():
    """The demo site and the paths it served: a run that stops before anything starts asks for none."""
    site = DemoSite(port=0, font_delay=0).start()
    served: list[str] = []
    route = site.route

    def counting(path, query, origin):
        served.append(path)
        return route(path, query, origin)

    site.route = counting
    yield site, served
    site.stop()


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_a_target_with_no_references_says_so_once_and_opens_no_page(workers, tmp_path, counted_site):
    site, served = counted_site
    baselines, reports = tmp_path / "baselines", tmp_path / "reports"
    kept = reports / "latest" / "run.json"  # the last run's report, which `regress approve` reads
    kept.parent.mkdir(parents=True)
    kept.write_text("{}", encoding="utf-8")
    done = run("tests/regression", "--target", "live", "--base-url", site.url, "--baselines-dir", str(baselines),
               "--reports-dir", str(reports), "-k", SELECT, *workers)
    out = done.stdout + done.stderr
    assert done.returncode == 4, out[-3000:]
    assert out.count("target live has no references yet") == 1, out[-3000:]
    assert f"Record them with `regress reference --target live --base-url {site.url} --baselines-dir {baselines}`" \
        in done.stderr, done.stderr
    assert "Traceback" not in out and "no baseline" not in out and "no chrome reference" not in out, out[-3000:]
    assert served == ["/"], served  # no page: only the check that the target answers
    if not workers:  # serial: nothing started at all, the last run's folder is where it was
        assert kept.read_text() == "{}" and not list(reports.glob("run-*")), kept.read_text()[:500]
    else:  # xdist's controller starts the run before its workers collect: no item ran
        assert json.loads(kept.read_text())["items"] == [], kept.read_text()[:500]


def test_a_scenario_file_that_does_not_collect_is_said_before_missing_references(tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "good.yaml").write_text("scenarios:\n  - name: good\n    page: /www/nation/2022/06/120_330924.html\n"
                                         "    checks: [{kind: visual, component: share_bar}]\n", encoding="utf-8")
    (scenarios / "bad.yaml").write_text("scenarios:\n  - name: bad\n    page: /x.html\n"
                                        "    checks: [{kind: visaul}]\n", encoding="utf-8")
    done = run(str(scenarios), "--scenarios", str(scenarios), "--target", "live", "--baselines-dir",
               str(tmp_path / "baselines"), "--reports-dir", str(tmp_path / "reports"))
    out = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.INTERRUPTED, out[-3000:]
    assert "bad.yaml:4: scenarios[0].checks[0].kind: unknown check kind 'visaul'" in out, out[-3000:]
    assert "no references yet" not in out, out[-3000:]


def test_some_missing_the_run_goes_on_and_lists_them_once_with_the_command(tmp_path):
    baselines, reports = tmp_path / "baselines", tmp_path / "reports"
    shutil.copytree(ROOT / "baselines", baselines)
    chrome = baselines / "demo" / "chrome.yaml"
    capture = baselines / "demo" / "article" / "visual_share_bar-desktop-chromium-linux.png"
    chrome.unlink()
    capture.unlink()
    done = run("tests/regression", "--baselines-dir", str(baselines), "--reports-dir", str(reports), "-k", SELECT)
    assert done.returncode == 1, done.stdout[-3000:]
    items = {e["nodeid"]: e for e in json.loads((reports / "latest" / "run.json").read_text())["items"]}
    assert {n: e["status"] for n, e in items.items()} == {
        SHARE_BAR: "failed", GNB: "error", "tests/regression/test_article_content.py::"
        "test_headline_dates_byline[desktop-chromium]": "passed",
        "config/scenarios/article.yaml::article::article_styles[desktop]": "passed"}, done.stdout[-3000:]
    for nodeid in (SHARE_BAR, GNB):  # failed, not re-run with tracing
        assert items[nodeid]["retrace"] is None and items[nodeid]["traces"] == [], items[nodeid]
    assert "traced re-run" not in done.stdout
    command = f"regress reference --target demo --baselines-dir {baselines}"
    listed = done.stdout.split("references missing (2 items)", 1)[1].split("\n=", 1)[0]
    assert done.stdout.count("references missing (") == 1 and f"record them with `{command}`" in listed, done.stdout
    assert f"{GNB}: {chrome}" in listed and f"{SHARE_BAR}: {capture}" in listed, listed
    summary = (reports / "latest" / "summary.md").read_text(encoding="utf-8")
    section = summary.split("### References not recorded yet (2 items)", 1)[1].split("###", 1)[0]
    assert f"`{GNB}`: `{chrome}`" in section and f"Record them with `{command}`." in section, summary

    recorded = run(*shlex.split(command)[1:], "-k", "desktop and (visual_share_bar or test_gnb_sections)",
                   "--reports-dir", str(reports), command=("-m", "regress"))
    assert recorded.returncode == 0 and chrome.is_file() and capture.is_file(), recorded.stdout[-3000:]
    assert "references missing" not in recorded.stdout  # the run that writes them lists nothing
    again = run("tests/regression", "--baselines-dir", str(baselines), "--reports-dir", str(reports), "-k", SELECT)
    assert again.returncode == 0 and "references missing" not in again.stdout, again.stdout[-3000:]


def test_captures_recorded_for_another_platform_only_say_so_once(tmp_path):
    reports = tmp_path / "reports"
    done = run("tests/regression", "-m", "visual", "-k", "desktop", "--reports-dir", str(reports),
               env={references.PLATFORM_ENV: "mac"})
    out = done.stdout + done.stderr
    assert done.returncode == 4, out[-3000:]
    assert out.count("no visual baselines for mac") == 1, out[-3000:]
    assert "recorded in baselines/demo for linux only" in done.stderr, done.stderr
    assert "start `regress remote server` on a Linux host and run again with the `--browser-server" in done.stderr
    assert "no baseline" not in out and "Traceback" not in out and not reports.exists(), out[-3000:]


def test_on_a_linux_browser_server_a_mac_run_matches_the_linux_baselines(tmp_path):
    """The way the message gives: the remote browser renders, so its platform names the captures."""
    with remote.start_browser_server(remote.server_config()) as server:
        done = run("tests/regression", "-m", "visual", "-k", "desktop and (visual_share_bar or visual_article_head)",
                   "--browser-server", server.endpoint, "--reports-dir", str(tmp_path / "reports"),
                   env={references.PLATFORM_ENV: "mac"})
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]


# --- the lookup, on real files ------------------------------------------------------------

@pytest.fixture
def on_linux(monkeypatch):
    monkeypatch.setenv(references.PLATFORM_ENV, "linux")
    render_on(None)
    yield
    render_on(None)


def test_the_platform_is_the_machines_unless_a_remote_browser_renders(monkeypatch, on_linux):
    assert platform_name() == "linux"
    monkeypatch.setenv(references.PLATFORM_ENV, "mac")
    assert platform_name() == "mac"
    render_on("linux")  # a remote browser on Linux: its pixels, its baselines
    assert platform_name() == "linux"
    assert references.baseline_path("a", "v", "desktop", "chromium", Path("/b")).name == "v-desktop-chromium-linux.png"


def test_needs_tell_none_recorded_from_some_missing(tmp_path, on_linux):
    root = tmp_path / "demo"
    one, two = root / "s" / "v-desktop-chromium-linux.png", root / "s" / "styles-desktop.styles.yml"
    needs = Needs(root, {"a": (one,), "b": (two,)})
    assert needs.none_recorded() and needs.missing == {"a": (one,), "b": (two,)}
    (root / "other").mkdir(parents=True)
    (root / "other" / "x-mobile.spacing.yml").write_text("{}")  # another scenario's reference: not a first run
    assert not needs.none_recorded() and needs.missing == {"a": (one,), "b": (two,)}
    two.parent.mkdir(parents=True, exist_ok=True)
    two.write_text("{}")
    assert needs.missing == {"a": (one,)} and not needs.recorded_elsewhere()


def test_needs_find_captures_recorded_for_another_platform(tmp_path, on_linux, monkeypatch):
    folder = tmp_path / "demo" / "s"
    folder.mkdir(parents=True)
    for name in ("v-desktop-chromium-linux.png", "v-desktop-chromium-windows.png",
                 "v-desktop-chromium-x-linux.png"):  # the last: another viewport's, not another platform's
        (folder / name).write_bytes(b"png")
    monkeypatch.setenv(references.PLATFORM_ENV, "mac")
    mine = folder / "v-desktop-chromium-mac.png"
    assert other_platforms(mine) == ["linux", "windows"]
    needs = Needs(tmp_path / "demo", {"a": (mine,)})
    assert needs.recorded_elsewhere() == ["linux", "windows"] and not needs.none_recorded()
    message = needs.other_platform_message(needs.recorded_elsewhere(), record_command("demo"), str)
    assert "no visual baselines for mac" in message and "on a Linux host" in message, message
    mine.write_bytes(b"png")  # one recorded here: the run goes on, the missing ones are listed
    other = folder / "w-desktop-chromium-mac.png"
    (folder / "w-desktop-chromium-linux.png").write_bytes(b"png")
    assert Needs(tmp_path / "demo", {"a": (mine,), "b": (other,)}).recorded_elsewhere() == []


def test_the_record_command_repeats_what_the_run_was_given():
    assert record_command("live") == "regress reference --target live"
    assert record_command("live", "http://127.0.0.1:8000", "my baselines") == \
        "regress reference --target live --base-url http://127.0.0.1:8000 --baselines-dir 'my baselines'"
