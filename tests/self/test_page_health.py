"""page_health's pure parts, table-driven: which origin an error came from, and when a
canonical link is the page's own. (Its browser side is proven by the mutation catalog:
site-script-throws, date-line-script-error, lead-photo-404, canonical-wrong-path.)"""
import pytest

from regress.checks import kinds
from regress.checks.page_health import canonical_problem, error_origin

PAGE = "http://127.0.0.1:8123/www/nation/2022/06/120_330924.html"


@pytest.mark.parametrize("stack, origin", [
    ("Error: x\n    at f (http://127.0.0.1:8123/static/js/site.js:10:3)", "http://127.0.0.1:8123"),
    ("TypeError: y\n    at https://Developers.Kakao.com/sdk/js/kakao.min.js:1:2", "https://developers.kakao.com"),
    ("Error: z\n    at <anonymous>", None),
    ("", None),
])
def test_error_origin_is_the_first_url_of_the_stack(stack, origin):
    assert error_origin(stack) == origin


@pytest.mark.parametrize("canonical, host, problem", [
    (PAGE, "127.0.0.1:8123", None),
    ("https://www.koreatimes.co.kr/www/nation/2022/06/120_330924.html", "www.koreatimes.co.kr", None),
    (None, "127.0.0.1:8123", "has no <link rel=canonical>"),
    ("http://127.0.0.1:8123/m/www/nation/2022/06/120_330924.html", "127.0.0.1:8123", "its path is not the page's own"),
    ("http://127.0.0.1:8123/", "127.0.0.1:8123", "its path is not the page's own"),
    (PAGE, "www.koreatimes.co.kr", "expected the canonical host www.koreatimes.co.kr"),
])
def test_canonical_must_be_the_pages_own_path_on_the_canonical_host(canonical, host, problem):
    got = canonical_problem(canonical, PAGE, host)
    assert (got is None) if problem is None else (problem in got), got


def test_each_assertion_is_named():
    assert kinds()["page_health"].assertions_of({}, "desktop") == [
        "no uncaught script errors", "every image loads", "canonical link is the page's own"]


# --- end to end: an error from a listed origin is ignored, the site's own is not ---------

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

from servers import origin_of, serve  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_origins():
    """A page on one origin that loads a throwing script from a second one (a third-party tag)."""
    tag = serve({"/tag.js": (200, b"throw new Error('tag failed');", {"Content-Type": "text/javascript"})})
    tag_origin = origin_of(tag)
    page = (f'<!doctype html><html><head><link rel="canonical" href="/a.html">'
            f'<script src="{tag_origin}/tag.js"></script></head><body><h1>A</h1></body></html>').encode()
    site = serve({"/a.html": (200, page, {"Content-Type": "text/html"})})
    yield origin_of(site), tag_origin
    site.shutdown()
    tag.shutdown()


@pytest.mark.parametrize("ignore, outcome", [(False, "1 failed"), (True, "1 passed")])
def test_errors_of_listed_origins_are_ignored(tmp_path, two_origins, ignore, outcome):
    site, tag_origin = two_origins
    settings = yaml.safe_load((ROOT / "config" / "site.yaml").read_text(encoding="utf-8"))
    settings["page_health"]["ignore_error_origins"] = [tag_origin] if ignore else []
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "tagged.yaml").write_text(
        "scenarios:\n  - name: tagged\n    page: /a.html\n    viewports: [desktop]\n"
        "    checks:\n      - {kind: page_health}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/regression", "-k", "tagged",
         "--scenarios", str(scenarios), "--site-settings", str(tmp_path / "site.yaml"), "--base-url", site, "--target", "demo",
         "--trace-failures", "off", "--reports-dir", str(tmp_path / "r")],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert outcome in done.stdout, done.stdout[-3000:]
    if not ignore:
        assert "uncaught Error: tag failed" in done.stdout and f"{tag_origin}/tag.js" in done.stdout, done.stdout[-3000:]
