"""Self-tests of the demo site (no browser): links, status codes, content types, seed texts, CLI."""
from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import Request, urlopen

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo_site import DemoSite, generated_article_paths  # noqa: E402

ARTICLE = "/www/nation/2022/06/120_330924.html"
# The seed page's text dump, copied into the tests' data: the project reads nothing outside itself.
SEED_DUMP = ROOT / "tests" / "self" / "data" / "seed" / "article-page.txt"


def fetch(url: str, method: str = "GET"):
    try:
        with urlopen(Request(url, method=method), timeout=10) as r:
            return r.status, r.headers, r.read()
    except HTTPError as e:
        return e.code, e.headers, e.read()


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.alts = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src", "action"):
            if a.get(key):
                self.refs.append(a[key])
        if a.get("alt"):
            self.alts.append(a["alt"])


@pytest.fixture(scope="module")
def site():
    with DemoSite(port=0, font_delay=0) as s:
        yield s


@pytest.fixture(scope="module")
def article(site):
    status, headers, body = fetch(site.url + ARTICLE)
    assert status == 200
    return body.decode("utf-8")


def test_all_internal_links_answer_200(site, article):
    p = _Refs()
    p.feed(article)
    base = site.url + ARTICLE
    internal = sorted({urljoin(base, r).split("#")[0] for r in p.refs
                       if urlsplit(urljoin(base, r)).netloc == urlsplit(site.url).netloc})
    assert len(internal) > 80
    bad = [(u, fetch(u, "HEAD")[0]) for u in internal]
    assert [b for b in bad if b[1] != 200] == []
    external = {r for r in p.refs if r.startswith(("http://", "https://")) and not r.startswith(site.url)}
    assert {"https://www.hankookilbo.com", "http://www.dongwha.com"} <= external


def test_unknown_path_is_404_html(site):
    status, headers, body = fetch(site.url + "/no/such/page.html")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"Page not found" in body
    assert fetch(site.url + "/www/nation/2022/06/120_999999.html")[0] == 404
    assert fetch(site.url + "/static/../server.py")[0] == 404


@pytest.mark.parametrize("path,ctype", [
    (ARTICLE, "text/html; charset=utf-8"),
    (ARTICLE + "?print=1", "text/html; charset=utf-8"),
    ("/static/fonts/lora-latin-700-normal.woff2", "font/woff2"),
    ("/static/fonts/noto-sans-kr-subset-400.woff2", "font/woff2"),
    ("/static/css/site.css", "text/css; charset=utf-8"),
    ("/static/js/site.js", "text/javascript; charset=utf-8"),
    ("/img/news/330924.svg", "image/svg+xml"),
    ("/static/img/bt_fb_on_2022.svg", "image/svg+xml"),
])
def test_content_types_and_head(site, path, ctype):
    status, headers, body = fetch(site.url + path)
    assert (status, headers["Content-Type"]) == (200, ctype)
    assert headers["Cache-Control"]
    hstatus, hheaders, hbody = fetch(site.url + path, "HEAD")
    assert (hstatus, hbody, hheaders["Content-Length"]) == (200, b"", str(len(body)))
    assert fetch(site.url + path, "POST")[0] == 405


def _composite(line: str):
    """'N<alt> <headline>' widget lines of the dump -> (alt, headline) or None."""
    for n in (1, 2):  # rank "1" + "2-year ..." must not be read as rank "12"
        if not line[:n].isdigit():
            return None
        rest = line[n:]
        for i, ch in enumerate(rest):
            if ch == " ":
                alt, head = rest[:i], rest[i + 1:]
                if head == re.sub(r"^\[(\w+)\] ", r"\1", alt):
                    return alt, head
    return None


def test_seed_texts_verbatim(article):
    p = _Refs()
    p.feed(article)
    text = html.unescape(re.sub(r"<[^>]+>", "", article))
    alts = set(p.alts)
    lines = {ln.strip().lstrip("\u2022").strip() for ln in SEED_DUMP.read_text("utf-8").splitlines()}
    missing = []
    for ln in sorted(x for x in lines if x):
        if re.search(r"\.(png|svg)\b", ln) or ln == "Mon, February 6, 2023 | 21:47":
            continue  # image file names / the live clock
        half = len(ln) // 2
        parts = [ln]
        if ln[:half] == ln[half:]:
            parts = [ln[:half]]  # "Print PreviewPrint Preview": alt/title + label
        elif _composite(ln):
            alt, head = _composite(ln)
            parts = [head]
            if alt not in alts:
                missing.append("alt: " + alt)
        elif ln == "Close scrollclosebutton":
            parts = ["Close"]
        elif ln.startswith("Emailksw@"):
            parts = ["Email", "ksw@koreatimes.co.kr", "Article List", "More articles by this reporter"]
        missing += [x for x in parts if x not in text and x not in alts]
    assert missing == []
    assert re.search(r'id="date_line"[^>]*>\w{3}, \w+ \d{1,2}, \d{4} \| \d\d:\d\d<', article)
    assert article.count('class="aside_top10_item"') == 10
    assert article.count('class="aside_top5_item"') == 5
    assert article.count('class="trending_item"') == 20
    assert article.count('class="darkroom_item"') == 5


def test_search_reporter_and_generated(site):
    status, _, body = fetch(site.url + "/www2/common/search.asp?kwd=balloon")
    assert status == 200 and body.count(b'class="story_item"') >= 4
    status, _, body = fetch(site.url + "/www2/common/reporter.asp?name=Kang+Seung-woo")
    assert status == 200 and b"Foreign minister stresses cooperation" in body
    paths = generated_article_paths(3)
    assert len(paths) == 3 and paths == generated_article_paths(3)
    with DemoSite(port=0, articles=3, font_delay=0) as s2:
        assert s2.generated_article_paths() == paths
        assert all(fetch(s2.url + p_)[0] == 200 for p_ in paths)


def test_mutations(site):
    from demo_site import mutations
    assert {"font-up-noop", "top10-item-missing", "share-no-url"} <= set(mutations.REGISTRY)
    with pytest.raises(KeyError):
        DemoSite(mutation="no-such-mutation")
    with DemoSite(port=0, mutation="top10-item-missing", font_delay=0) as s2:
        body = fetch(s2.url + ARTICLE)[2]
        assert body.count(b'class="aside_top10_item"') == 9


def test_cli_port_0_prints_url():
    proc = subprocess.Popen([sys.executable, "-m", "demo_site", "--port", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        m = re.fullmatch(r"Serving demo site at (http://127\.0\.0\.1:\d+/)", line)
        assert m, line
        assert fetch(m.group(1) + ARTICLE.lstrip("/"))[0] == 200
    finally:
        proc.terminate()
        proc.wait(5)
    bad = subprocess.run([sys.executable, "-m", "demo_site", "--mutation", "nope"], cwd=ROOT,
                         capture_output=True, text=True, timeout=20)
    assert bad.returncode == 2 and "font-up-noop" in bad.stderr
