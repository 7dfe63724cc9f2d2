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
