"""The metadata kind: its pure parts table-driven, the fetcher's policy over real HTTP, and the
whole kind end to end in Chromium against the real demo site, whose article head is edited by a
small proxy in front of it (one defect per page variant)."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from demo_site import DemoSite
from regress.checks import kinds
from regress.checks import metadata as md
from regress.engines.linkcheck import Fetched, LinkChecker, MemoryLinkCache
from servers import origin_of, serve

ROOT = Path(__file__).resolve().parents[2]
KST = dt.timezone(dt.timedelta(hours=9))
HEADLINE = "Yoon to attend NATO summit"
SUFFIX = md.site_suffix("The Korea Times")
ARTICLE = "/www/nation/2022/06/120_330924.html"


def test_each_assertion_is_named():
    assert kinds()["metadata"].assertions_of({}, "desktop") == list(md.SUB_CHECKS)
    assert len(set(md.SUB_CHECKS)) == len(md.SUB_CHECKS)


# --- title and og:title ------------------------------------------------------------------------

@pytest.mark.parametrize("value, suffix, problem", [
    (HEADLINE, SUFFIX, None),
    (f"{HEADLINE} - The Korea Times", SUFFIX, None),
    (f"{HEADLINE} | The Korea Times", SUFFIX, None),
    (f"{HEADLINE}\u00a0\u2014 The  Korea Times", SUFFIX, None),  # whitespace as a reader sees it
    (f"{HEADLINE} - The Korea Times", None, "expected the headline"),  # no site name: no suffix allowed
    (f"{HEADLINE} - Korea Herald", SUFFIX, "got 'Yoon to attend NATO summit - Korea Herald'"),
    (f"{HEADLINE} - The Korea Times extra", SUFFIX, "expected the headline"),
    ("The Korea Times", SUFFIX, "got 'The Korea Times'"),  # the site name alone
    ("Yoon to attend", SUFFIX, "expected the headline 'Yoon to attend NATO summit'"),  # cut
    (f"[VIDEO] {HEADLINE}", SUFFIX, "expected the headline"),
    (None, SUFFIX, "absent"),
    (f"{HEADLINE} :: KT", r"\s*::\s*KT", None),  # a suffix pattern given by the check
])
def test_title_carries_the_headline_with_the_sites_suffix(value, suffix, problem):
    got = md.title_problem("<title>", value, HEADLINE, suffix)
    assert (got is None) if problem is None else (problem in got and got.startswith("<title>: ")), got


def test_site_suffix_needs_a_site_name():
    assert md.site_suffix(None) is None and md.site_suffix("  ") is None
    assert re.fullmatch(md.site_suffix("A.B (x)"), " - A.B (x)")  # the name is literal, not a pattern


# --- og:url, description, robots ----------------------------------------------------------------

CANONICAL = "https://www.koreatimes.co.kr" + ARTICLE


@pytest.mark.parametrize("og_url, canonical, problem", [
    (CANONICAL, CANONICAL, None),
    ("https://www.koreatimes.co.kr/", CANONICAL, "expected the canonical URL"),
    (ARTICLE, CANONICAL, "got '/www/nation"),  # relative: a share preview cannot use it
    (None, CANONICAL, "absent"),
    (CANONICAL, None, "no <link rel=canonical>"),
])
def test_og_url_is_the_canonical_url(og_url, canonical, problem):
    got = md.og_url_problem(og_url, canonical)
    assert (got is None) if problem is None else (problem in got), got


@pytest.mark.parametrize("description, problem", [
    ("President Yoon will attend.", None), (None, "absent"), ("", "(empty)"), (" \u00a0\n", "(empty)")])
def test_description_is_set(description, problem):
    got = md.description_problem(description)
    assert (got is None) if problem is None else (problem in got), got


@pytest.mark.parametrize("meta, header, found", [
    ({"robots": ["index, follow, max-image-preview:large"]}, None, 0),
    ({}, None, 0),
    ({"robots": ["noindex, follow"]}, None, 1),
    ({"robots": ["NONE"]}, None, 1),
    ({"robots": ["index"], "googlebot": ["noindex"]}, None, 1),
    ({}, "googlebot: noindex", 1),
    ({}, "noarchive, nosnippet", 0),
    ({"robots": ["noindex"]}, "noindex", 2),
])
def test_no_noindex_on_articles(meta, header, found):
    problems = md.robots_problems(meta, header)
    assert len(problems) == found, problems
    assert all("expected an article crawlers may index" in p for p in problems)


# --- JSON-LD: parsing and the schema ------------------------------------------------------------

def news_article(**changes):
    article = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": HEADLINE,
               "datePublished": "2022-06-14T16:12:00+09:00", "dateModified": "2022-06-15T13:48:00+09:00",
               "author": {"@type": "Person", "name": "Kang Seung-woo"},
               "image": {"@type": "ImageObject", "url": "https://img.example/a.jpg", "width": 740, "height": 493}}
    article.update(changes)
    return {k: v for k, v in article.items() if v is not None}


@pytest.mark.parametrize("blocks, valid, problem", [
    ([json.dumps(news_article())], True, None),
    ([json.dumps({"@graph": [{"@type": "WebPage"}, news_article()]})], True, None),
    ([json.dumps([{"@type": "Organization", "name": "KT"}, news_article()])], True, None),
    ([json.dumps(news_article(**{"@type": ["NewsArticle", "Article"]}))], True, None),
    ([json.dumps(news_article(**{"@type": "ReportageNewsArticle"}))], True, None),
    (["{not json"], False, "JSON-LD block 1 of 1 is not valid JSON: Expecting property name"),
    (['{"@type": "NewsArticle",\n "headline": "x",}'], False, "at line 2 column"),
    (["{not json", json.dumps(news_article())], True, "block 1 of 2 is not valid JSON"),  # the other still compared
    ([], False, "no NewsArticle among the page's 0"),
    ([json.dumps({"@type": "WebPage"})], False, "no NewsArticle among the page's 1"),
    ([json.dumps(news_article()), json.dumps(news_article())], True, "2 NewsArticle objects, expected one"),
    ([json.dumps(news_article(dateModified=None))], False, "'dateModified' is a required property"),
    ([json.dumps(news_article(headline=" "))], False, "NewsArticle headline:"),
    ([json.dumps(news_article(datePublished="2022-06-14T16:12:00"))], False, "NewsArticle datePublished:"),
    ([json.dumps(news_article(datePublished="June 14, 2022"))], False, "NewsArticle datePublished:"),
    ([json.dumps(news_article(author={"@type": "Person", "name": ""}))], False, "NewsArticle author.name:"),
    ([json.dumps(news_article(author={"@type": "Thing", "name": "KT"}))], False, "NewsArticle author.@type:"),
    ([json.dumps(news_article(author=[]))], False, "NewsArticle author:"),
    ([json.dumps(news_article(image={"@type": "ImageObject", "url": "/a.jpg"}))], False, "NewsArticle image"),
    ([json.dumps(news_article(image="not a url"))], False, "NewsArticle image"),
])
def test_structured_data_is_one_valid_news_article(blocks, valid, problem):
    data = md.structured_data(blocks)
    assert (data.article is not None) == valid, data
    assert (not data.problems) if problem is None else any(problem in p for p in data.problems), data.problems


@pytest.mark.parametrize("image, urls", [
    ("https://a/x.jpg", ["https://a/x.jpg"]),
    ({"@type": "ImageObject", "url": "https://a/x.jpg"}, ["https://a/x.jpg"]),
    (["https://a/x.jpg", {"url": "https://a/y.jpg"}, "https://a/x.jpg"], ["https://a/x.jpg", "https://a/y.jpg"]),
])
def test_image_urls_of_every_form(image, urls):
    assert md.image_urls(image) == urls


# --- agreement with the page ---------------------------------------------------------------------

@pytest.mark.parametrize("value, shown, problem", [
    ("2022-06-14T16:12:00+09:00", "Posted : 2022-06-14 16:12", None),
    ("2022-06-14T07:12:00Z", "Posted : 2022-06-14 16:12", None),  # another zone, the same instant
    ("2022-06-14T07:12:00+00:00", "Posted :\u00a02022-06-14\u00a016:12", None),
    ("2022-06-13T23:12:00-08:00", "Posted : 2022-06-14 16:12", None),  # the day before, over there
    ("2022-06-14T16:12:59+09:00", "Posted : 2022-06-14 16:12", None),  # the page shows minutes
    ("2022-06-14T16:12:00Z", "Posted : 2022-06-14 16:12", "which is 2022-06-15 01:12 there"),  # zone lost
    ("2022-06-14T16:13:00+09:00", "Posted : 2022-06-14 16:12", "expected the page's Posted time 2022-06-14 16:12"),
    ("2022-06-14T16:12:00", "Posted : 2022-06-14 16:12", "has no UTC offset"),
    ("2022-06-14T16:12:00+09:00", "Posted : yesterday", "the page shows no Posted time"),
    ("2022-06-14T16:12:00+09:00", None, "the page shows no Posted time"),
])
def test_dates_agree_with_the_displayed_kst_time(value, shown, problem):
    got = md.date_problem("datePublished", value, "Posted", shown, KST)
    assert (got is None) if problem is None else (problem in got and "datePublished" in got), got


@pytest.mark.parametrize("author, byline, problem", [
    ({"@type": "Person", "name": "Kang Seung-woo"}, "By Kang Seung-woo", None),
    ({"@type": "Organization", "name": "Yonhap"}, "By Yonhap", None),  # a desk byline
    ([{"@type": "Person", "name": "Kim A"}, {"@type": "Person", "name": "Lee B"}], "By Kim A and Lee B", None),
    ([{"@type": "Person", "name": "Lee B"}, {"@type": "Person", "name": "Kim A"}], "By Kim A, Lee B", None),
    ({"@type": "Person", "name": "Kang Seung-woo"}, "By Yonhap", "expected the byline's ['Yonhap']"),
    ({"@type": "Organization", "name": "The Korea Times"}, "By Kang Seung-woo", "got Organization 'The Korea Times'"),
    ({"@type": "Person", "name": "Kim A"}, "By Kim A and Lee B", "expected the byline's ['Kim A', 'Lee B']"),
    ({"@type": "Person", "name": "Kang Seung-woo"}, None, "the page shows no byline"),
])
def test_author_agrees_with_the_byline(author, byline, problem):
    got = md.author_problem(author, byline)
    assert (got is None) if problem is None else (problem in got), got


def test_a_bad_utc_offset_is_refused():
    assert md.parse_offset("-03:30").utcoffset(None) == -dt.timedelta(hours=3, minutes=30)
    with pytest.raises(ValueError, match="not like '\\+09:00'"):
        md.parse_offset("KST")


# --- images: status, decoding, declared size ----------------------------------------------------

def jpeg(width=40, height=30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


URL = "http://127.0.0.1:1/a.jpg"


@pytest.mark.parametrize("fetched, declared, problem", [
    (Fetched(URL, URL, 200, 0, jpeg(), "image/jpeg"), (None, None), None),
    (Fetched(URL, URL, 200, 0, jpeg(), "image/jpeg"), ("40", "30"), None),
    (Fetched(URL, URL, 200, 0, jpeg(), "image/jpeg"), (40, None), None),
    (Fetched(URL, URL, 200, 0, jpeg(), "image/jpeg"), (740, 493), "declared 740x493, the image is 40x30"),
    (Fetched(URL, URL, 200, 0, jpeg()[:200], "image/jpeg"), (None, None), "does not decode as an image (image/jpeg"),
    # the header parses, the pixels are cut short: only decoding them finds it
    (Fetched(URL, URL, 200, 0, jpeg()[:-10], "image/jpeg"), (None, None), "image file is truncated"),
    (Fetched(URL, URL, 200, 0, b"<svg/>", "image/svg+xml"), (None, None), "does not decode as an image"),
    (Fetched(URL, URL, 404, 0, b"", "text/plain", "status 404"), (None, None), "status 404, expected 200"),
    (Fetched(URL, URL, 204, 0, b"", ""), (None, None), "status 204, expected 200"),
    (Fetched(URL, URL, None, 0, not_requested="host not allowed"), (None, None), None),  # listed as not checked
])
def test_an_image_answers_200_and_decodes(fetched, declared, problem):
    got = md.image_problems("og:image", fetched, declared)
    assert (not got) if problem is None else (len(got) == 1 and problem in got[0] and URL in got[0]), got


# --- the fetcher: bodies under the link policy, over real HTTP ---------------------------------

@pytest.fixture(scope="module")
def origin():
    image = {"Content-Type": "image/jpeg"}
    server = serve({"/a.jpg": (200, jpeg(), image),
                    "/away": (302, b"", {**image, "Location": "http://elsewhere.example/x.jpg"}),
                    "/here": (301, b"", {**image, "Location": "/a.jpg"})})
    yield origin_of(server)
    server.shutdown()


def test_fetch_keeps_the_body_and_follows_redirects_on_the_site(origin):
    checker = LinkChecker(internal_origin=origin, cache=MemoryLinkCache())
    got = checker.fetch(origin + "/here")
    assert got.ok and got.status == 200 and got.redirects == 1 and got.body == jpeg(), got
    missing = checker.fetch(origin + "/gone.jpg")
    assert not missing.ok and missing.status == 404 and missing.error == "status 404"


def test_fetch_never_requests_a_host_the_policy_does_not_allow(origin):
    checker = LinkChecker(internal_origin=origin, cache=MemoryLinkCache())
    elsewhere = checker.fetch("http://elsewhere.example/x.jpg")
    assert not elsewhere.ok and elsewhere.status is None and "host not allowed" in elsewhere.not_requested
    assert md.image_problems("og:image", elsewhere) == [] and md.favicon_problem(elsewhere) is None
    redirected = checker.fetch(origin + "/away")  # the redirect to it is not followed
    assert redirected.status == 302 and "not followed" in redirected.not_requested, redirected
    assert LinkChecker(cache=MemoryLinkCache()).fetch("http://bad host/x").error == "URL contains whitespace"


# --- end to end: the kind in Chromium on the real demo site, one head defect per variant ---------

def _edit_json_ld(html: str, change) -> str:
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    end = html.index("</script>", start)
    data = json.loads(html[start:end])
    change(data)
    return html[:start] + json.dumps(data) + html[end:]


def _replace_meta(html: str, key: str, content: str) -> str:
    done, n = re.subn(rf'(<meta (?:name|property)="{re.escape(key)}" content=")[^"]*(")', rf"\g<1>{content}\g<2>", html)
    assert n == 1, key
    return done


# variant -> (edit of the article's HTML, the assertion that must fail, what its message must say)
VARIANTS = {
    "as_served": (lambda h: h, None, None),
    "og_url_home": (lambda h: re.sub(r'(property="og:url" content=")[^"]*', r"\g<1>http://HOST/", h),
                    md.OG_URL, r"og:url: expected the canonical URL 'http://[^']+/www/nation/2022/06/120_330924\.html', "
                               r"got 'http://[^']+/'"),
    "modified_later": (lambda h: _edit_json_ld(h, lambda d: d.update(dateModified="2022-06-15T14:05:00+09:00")),
                       md.LD_MODIFIED, r"dateModified: expected the page's Updated time 2022-06-15 13:48 \(UTC\+09:00\), "
                                       r"got '2022-06-15T14:05:00\+09:00'"),
    "json_syntax": (lambda h: h.replace('"@type": "NewsArticle",', '"@type": "NewsArticle",,', 1),
                    md.JSON_LD, r"JSON-LD block 1 of 1 is not valid JSON"),
    "og_image_404": (lambda h: _replace_meta(h, "og:image", "/img/news/330924-740x493.jpeg"),
                     md.OG_IMAGE, r"og:image http://[^ ]+/img/news/330924-740x493\.jpeg: status 404, expected 200"),
    "og_image_not_image": (lambda h: _replace_meta(h, "og:image", "/robots.txt"),
                           md.OG_IMAGE, r"/robots\.txt: does not decode as an image \(text/plain"),
    "noindex": (lambda h: _replace_meta(h, "robots", "noindex, follow"), md.INDEXABLE, r"says 'noindex, follow'"),
    "empty_description": (lambda h: _replace_meta(h, "description", ""), md.DESCRIPTION, r"description: .*\(empty\)"),
    "title_other_site": (lambda h: h.replace(" - The Korea Times</title>", " - Korea Herald</title>"),
                         md.TITLE, r"<title>: expected the headline .* got '.* - Korea Herald'"),
    "author_other": (lambda h: _edit_json_ld(h, lambda d: d.update(author={"@type": "Person", "name": "Kim Bo-eun"})),
                     md.LD_AUTHOR, r"expected the byline's \['Kang Seung-woo'\].*got Person 'Kim Bo-eun'"),
    "favicon_lost": (lambda h: h.replace("/static/img/favicon.svg", "/static/img/favicon-lost.svg"),
                     md.FAVICON, r"favicon http://[^ ]+/static/img/favicon-lost\.svg: status 404, expected 200"),
    "ld_image_elsewhere": (lambda h: _edit_json_ld(h, lambda d: d["image"].update(url="http://images.example.invalid/a.jpg")),
                           None, None),  # not requested: listed as not checked, no failure
}


@pytest.fixture(scope="module")
def edited_demo():
    """The real demo site behind a proxy that edits the seed article's HTML by ``?variant=``."""
    demo = DemoSite(port=0).start()

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urlsplit(self.path)
            request = urllib.request.Request(f"http://127.0.0.1:{demo.port}{parts.path}",
                                             headers={"Host": self.headers["Host"]})
            try:
                with urllib.request.urlopen(request) as answer:
                    status, ctype, body = answer.status, answer.headers["Content-Type"], answer.read()
            except urllib.error.HTTPError as err:
                status, ctype, body = err.code, err.headers["Content-Type"], err.read()
            variant = parse_qs(parts.query).get("variant", [""])[0]
            if variant:
                body = VARIANTS[variant][0](body.decode("utf-8")).replace("http://HOST", "http://" + self.headers["Host"]).encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{proxy.server_port}"
    proxy.shutdown()
    demo.stop()


@pytest.fixture(scope="module")
def e2e_run(edited_demo, tmp_path_factory):
    """One suite run in Chromium: one metadata scenario per variant. Returns {variant: item record}."""
    tmp = tmp_path_factory.mktemp("metadata")
    scenarios = tmp / "scenarios"
    scenarios.mkdir()
    entries = "".join(f"  - name: {name.replace('_', '-')}\n    page: {ARTICLE}?variant={name}\n"
                      f"    viewports: [desktop]\n    checks:\n      - {{kind: metadata}}\n" for name in VARIANTS)
    (scenarios / "metadata.yaml").write_text("scenarios:\n" + entries, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/regression", "-m", "metadata",
         "--scenarios", str(scenarios), "--base-url", edited_demo, "--target", "demo",
         "--trace-failures", "off", "--reports-dir", str(tmp / "r")],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    record = json.loads((tmp / "r" / "latest" / "run.json").read_text(encoding="utf-8"))
    items = {re.search(r"::([a-z0-9-]+)::metadata\[", item["nodeid"]).group(1).replace("-", "_"): item
             for item in record["items"]}
    assert set(items) == set(VARIANTS), done.stdout[-3000:]
    return items, tmp / "r" / "latest"


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_kind_end_to_end_on_the_demo_site(e2e_run, variant):
    items, _ = e2e_run
    item, (_, check, message) = items[variant], VARIANTS[variant]
    if check is None:
        assert item["status"] == "passed", item.get("message")
        return
    failure = item["failure"]
    assert item["status"] == "failed" and failure["assertion"], item
    assert failure["checks"] == [check], failure  # this defect, and nothing else
    assert re.search(message, failure["message"]), failure["message"]


def test_hosts_the_policy_does_not_allow_are_listed_as_not_checked(e2e_run):
    _, latest = e2e_run
    facts_file = next(latest.glob("artifacts/*ld-image-elsewhere*/metadata.json"))
    fetched = json.loads(facts_file.read_text(encoding="utf-8"))["fetched"]
    assert "host not allowed" in fetched["http://images.example.invalid/a.jpg"]["not_requested"], fetched
    assert all(f["status"] == 200 for url, f in fetched.items() if "example.invalid" not in url), fetched
