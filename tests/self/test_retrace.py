"""--trace-failures rerun (the default): a failed item runs once more, traced; the
first run's verdict stands and the report says whether the failure reproduced.

Real runs in pytest subprocesses against a real demo site: the seeded
``byline-missing`` regression for a failure that reproduces, and a test that
fails only on its first run for one that does not.
"""
from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

from demo_site import DemoSite

ROOT = Path(__file__).resolve().parents[2]
BYLINE = "test_headline_dates_byline[desktop-chromium]"
CAPTION = "test_caption_is_alt_text_and_caption[desktop-chromium]"


@pytest.fixture(scope="module")
def broken_site():
    with DemoSite(port=0, mutation="byline-missing", font_delay=0) as site:
        yield site.url


def run_items(pytester, reports: Path, *args: str):
    return pytester.run(
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--reports-dir", str(reports),
        "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"), *args, timeout=300)


def items(reports: Path) -> dict:
    run = json.loads((reports / "latest" / "run.json").read_text())
    return {item["nodeid"].rsplit("::", 1)[-1]: item for item in run["items"]}


def is_trace(path: str) -> bool:
    with zipfile.ZipFile(path) as archive:
        return any(name.endswith(".trace") for name in archive.namelist())


def test_a_failure_is_rerun_traced_and_still_fails(pytester, tmp_path, broken_site, monkeypatch):
    monkeypatch.chdir(ROOT)
    test_file = str(ROOT / "tests" / "regression" / "test_article_content.py")
    result = run_items(pytester, tmp_path, "--base-url", broken_site, "--target", "demo", test_file,
                       "-k", "desktop and (test_headline_dates_byline or test_caption_is_alt_text_and_caption)")
    out = result.stdout.str()
    assert result.ret == 1, out
    assert "1 failed, 1 passed" in out, out
    assert "traced re-run" in out and "failed again when re-run with tracing" in out, out
    got = items(tmp_path)
    failed, passed = got[BYLINE], got[CAPTION]
    assert failed["status"] == "failed" and failed["retrace"].startswith("failed again")
    assert len(failed["traces"]) == 1 and is_trace(failed["traces"][0])
    assert f"playwright show-trace {failed['traces'][0]}" in out, out  # the terminal says how to open it
    assert passed["status"] == "passed" and passed["traces"] == [] and passed["retrace"] is None
    page = (tmp_path / "latest" / "index.html").read_text(encoding="utf-8")
    assert "Traced re-run: failed again" in page and "trace.zip" in page


def test_off_records_no_trace(pytester, tmp_path, broken_site, monkeypatch):
    monkeypatch.chdir(ROOT)
    test_file = str(ROOT / "tests" / "regression" / "test_article_content.py")
    result = run_items(pytester, tmp_path, "--base-url", broken_site, "--target", "demo", test_file,
                       "-k", "desktop and test_headline_dates_byline", "--trace-failures", "off")
    assert result.ret == 1, result.stdout.str()
    failed = items(tmp_path)[BYLINE]
    assert failed["status"] == "failed" and failed["traces"] == [] and failed["retrace"] is None


FLAKY = '''
from pathlib import Path

def test_fails_only_the_first_time(page, base_url):
    page.goto(base_url)
    marker = Path(__file__).with_name("ran-once")
    first = not marker.exists()
    marker.write_text("x")
    assert not first, "first run fails"
'''


def test_a_failure_that_does_not_reproduce_stays_failed_and_says_so(pytester, tmp_path):
    pytester.makepyfile(test_flaky=FLAKY)
    with DemoSite(port=0, font_delay=0) as site:
        result = pytester.run(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--reports-dir",
                              str(tmp_path), "--base-url", site.url, "--target", "demo", "test_flaky.py", "-k", "desktop",
                              timeout=300)
    out = result.stdout.str()
    assert result.ret == 1 and "1 failed" in out, out  # the verdict is the first run's
    [entry] = items(tmp_path).values()
    assert entry["status"] == "failed"
    assert "did not reproduce" in entry["retrace"]
    assert len(entry["traces"]) == 1 and is_trace(entry["traces"][0])


def test_a_run_broken_everywhere_reruns_only_the_first_failures(pytester, tmp_path):
    from regress.plugin.tracing import MAX_RERUNS

    pytester.makepyfile(test_broken="\n".join(  # tests of the site (base_url): the plugin's business
        f"def test_broken_{i}(base_url):\n    assert False\n" for i in range(MAX_RERUNS + 2)))
    with DemoSite(port=0, font_delay=0) as site:
        result = pytester.run(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--reports-dir",
                              str(tmp_path), "--base-url", site.url, "--target", "demo", "test_broken.py", timeout=300)
    assert result.ret == 1 and f"{MAX_RERUNS + 2} failed" in result.stdout.str(), result.stdout.str()
    outcomes = [entry["retrace"] for entry in items(tmp_path).values()]
    assert sum(o.startswith("failed again") for o in outcomes) == MAX_RERUNS
    assert sum(o.startswith("not re-run") for o in outcomes) == 2
