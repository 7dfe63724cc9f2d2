"""reports/latest/index.html after a real run with failures, used in a real browser.

One pytest subprocess runs, against the demo site with the ``headline-colour``
mutation, the real visual check of the headline (own scenario file, own copy of
its baseline, own reports dir) plus a tiny Python test that fails with hostile
markup. The report is then opened in Chromium: no dialog may fire, j/k step
between failures, the slider moves the split, the diff-only view shows.
"""
from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "/www/nation/2022/06/120_330924.html"
MUTATION = "headline-colour"  # demo_site/mutations.py: the headline turns red (a visual regression)
HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">x</a>'
HOSTILE_TESTS = f'''
import pytest

HOSTILE = {HOSTILE!r}

@pytest.mark.parametrize("x", [1], ids=["<script>alert(4)</script>"])
def test_hostile(x):
    assert False, "the site says: " + HOSTILE

def test_fine():
    pass
'''


def make_run(tmp: Path, viewports=("desktop",), *, mutation: str | None = MUTATION, hostile: bool = False,
             extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Run the real visual check of the headline in ``tmp`` (scenarios/, baselines/, reports/)."""
    scenarios = tmp / "scenarios"
    scenarios.mkdir(exist_ok=True)
    (scenarios / "article.yaml").write_text(
        "scenarios:\n  - name: article\n"
        f"    page: {ARTICLE}\n"
        f"    viewports: [{', '.join(viewports)}]\n"
        "    checks:\n      - {kind: visual, name: visual_article_head, component: article.headline}\n",
        encoding="utf-8")
    baselines = tmp / "baselines" / "demo" / "article"
    if not baselines.exists():
        baselines.mkdir(parents=True)
        for viewport in viewports:
            name = f"visual_article_head-{viewport}-chromium-linux.png"
            shutil.copy(ROOT / "baselines" / "demo" / "article" / name, baselines / name)
    targets = [str(scenarios / "article.yaml")]
    if hostile:
        (tmp / "test_hostile.py").write_text(HOSTILE_TESTS, encoding="utf-8")
        targets.append("test_hostile.py")
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
           "--scenarios", str(scenarios), "--baselines-dir", str(tmp / "baselines"),
           "--reports-dir", str(tmp / "reports"), *(["--mutation", mutation] if mutation else []),
           *extra, *targets]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for var in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_CURRENT_TEST"):
        env.pop(var, None)
    return subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    # Visual items are not re-run for a trace (--trace-failures); asked for, they keep one.
    proc = make_run(tmp, hostile=True, extra=("--tracing", "retain-on-failure"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return tmp / "reports" / "latest"


def test_run_writes_report_junit_and_run_record(failed_run: Path):
    assert (failed_run / "index.html").is_file()
    suite = ET.parse(failed_run / "junit.xml").getroot()
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert any("visual_article_head[desktop]" in name for name in cases), list(cases)
    assert sum(1 for c in cases.values() if c.find("failure") is not None) == 2

    run = json.loads((failed_run / "run.json").read_text())
    # the checkout is the run's project (this temporary folder: no git there)
    assert run["finished"] and "git_head" in run and run["project_root"] and run["baselines_digest"]
    visual = next(i for i in run["items"] if i["kind"] == "visual")
    assert visual["status"] == "failed" and visual["viewport"] == "desktop"
    assert run["version"] == 2 and visual["reference"]["format"] == "png"
    assert Path(visual["reference"]["actual"]).is_file() and visual["reference"]["ratio"] > 0
    # the Playwright trace of the failed item is kept inside this run's folder
    assert visual["traces"] and all(Path(t).is_file() and failed_run in Path(t).parents for t in visual["traces"])
    hostile = next(i for i in run["items"] if "test_hostile" in i["nodeid"])
    assert hostile["kind"] == "content" and hostile["viewport"] is None


def test_site_markup_is_escaped(failed_run: Path):
    text = (failed_run / "index.html").read_text(encoding="utf-8")
    for raw in ("<img src=x", "<script>alert", '<a href="javascript:'):
        assert raw not in text
    assert html.escape(HOSTILE, quote=False) in text.replace("&#34;", '"').replace("&#39;", "'")
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in text


def test_report_in_a_browser(failed_run: Path, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((failed_run / "index.html").as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        assert dialogs == [] and errors == []

        failures = page.locator("#results .item.failing")
        assert failures.count() == 2
        first, second = failures.nth(0), failures.nth(1)
        assert "visual_article_head[desktop]" in first.inner_text()  # sorted by size of difference first
        assert page.locator("#count-failed").inner_text() == "2"
        images = first.locator(".stage img")
        assert images.count() == 2
        assert all(w > 0 for w in images.evaluate_all("els => els.map(e => e.naturalWidth)"))

        def focused() -> str:
            return page.evaluate("document.activeElement && document.activeElement.id")

        page.keyboard.press("j")
        assert focused() == first.get_attribute("id")
        page.keyboard.press("j")
        assert focused() == second.get_attribute("id")
        page.keyboard.press("ArrowUp")
        assert focused() == first.get_attribute("id")
        assert "current" in (first.get_attribute("class") or "")

        overlay = first.locator(".stage .overlay")
        before = overlay.evaluate("e => e.style.clipPath")
        box = first.locator(".stage").bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] / 2, steps=5)
        page.mouse.up()
        dragged = overlay.evaluate("e => e.style.clipPath")
        assert dragged != before and "inset" in dragged
        first.locator(".slider-input").fill("85")
        assert "85%" in overlay.evaluate("e => e.style.clipPath")

        page.keyboard.press("3")  # diff only
        assert first.locator("[data-pane=diff]").is_visible()
        assert not first.locator("[data-pane=slider]").is_visible()
        first.get_by_role("button", name="side by side").click()
        assert first.locator("[data-pane=side] img").count() == 3

        assert "approve" in first.locator(".approve code").inner_text()
        trace_href = first.locator(".trace a").get_attribute("href")
        assert trace_href and (failed_run / trace_href).is_file()

        page.select_option("#filter-kind", "visual")
        assert not second.is_visible() and first.is_visible()
        page.select_option("#filter-kind", "")
        page.select_option("#filter-status", "passed")
        assert page.locator("#results .item:visible").count() == 1
        assert dialogs == [] and errors == []
    finally:
        context.close()


def test_state_changing_tests_are_skipped_on_sensitive_hosts(tmp_path: Path):
    settings = (ROOT / "config" / "site.yaml").read_text(encoding="utf-8")
    settings = settings.replace("sensitive_hosts: [www.koreatimes.co.kr, koreatimes.co.kr]",
                                "sensitive_hosts: [127.0.0.1]")
    assert "sensitive_hosts: [127.0.0.1]" in settings
    (tmp_path / "site.yaml").write_text(settings, encoding="utf-8")
    (tmp_path / "test_state.py").write_text(
        "import pytest\n\n@pytest.mark.changes_state\ndef test_posts(base_url):\n    pass\n\n"
        "def test_reads(base_url):\n    pass\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_ADDOPTS", "PYTEST_XDIST"))}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs",
                           "--site-settings", str(tmp_path / "site.yaml"), "--scenarios", str(tmp_path),
                           "--reports-dir", str(tmp_path / "reports"), "test_state.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed, 1 skipped" in proc.stdout and "site.sensitive_hosts" in proc.stdout
    run = json.loads((tmp_path / "reports" / "latest" / "run.json").read_text())
    assert {i["nodeid"]: i["status"] for i in run["items"]} == {
        "test_state.py::test_posts": "skipped", "test_state.py::test_reads": "passed"}
