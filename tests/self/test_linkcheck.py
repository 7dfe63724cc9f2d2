"""The link fetcher (regress.engines.linkcheck) against real local HTTP servers, and the
pure share/mailto checks of the ``links`` kind. No browser."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from pages.base import ShareFacts
from regress.checks import CheckFailure
from regress.checks import links as links_kind
from regress.engines.linkcheck import FileLinkCache, LinkChecker, MemoryLinkCache, http_url_problem

ROOT = Path(__file__).resolve().parents[2]


# --- a scriptable local server ------------------------------------------------

class Server:
    """A threaded HTTP server on 127.0.0.1:0. ``routes[path] = fn(req, count)``
    returns (status, headers, body); ``hits`` counts (method, path)."""

    def __init__(self, routes=None, delay_s: float = 0.0):
        self.routes = dict(routes or {})
        self.delay_s = delay_s
        self.hits: Counter = Counter()
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self):
                path = self.path.split("?", 1)[0]
                with server._lock:
                    server.hits[(self.command, self.path)] += 1
                    count = sum(n for (m, p), n in server.hits.items() if p.split("?", 1)[0] == path)
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                try:
                    if server.delay_s:
                        time.sleep(server.delay_s)
                    route = server.routes.get(path)
                    status, headers, body = route(self, count) if route else (404, {}, b"not found")
                finally:
                    with server._lock:
                        server.active -= 1
                body = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                headers = {"Content-Type": "text/html; charset=utf-8", **headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def count(self, path: str) -> int:
        return sum(n for (_, p), n in self.hits.items() if p == path)

    @property
    def total(self) -> int:
        return sum(self.hits.values())

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def ok(body="<html><body>ok</body></html>", **headers):
    return lambda req, n: (200, headers, body)


def status(code):
    return lambda req, n: (code, {}, f"status {code}")


def redirect(to, code=302):
    return lambda req, n: (code, {"Location": to}, "")


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def decoy():
    s = Server({"/": ok(), "/x": ok()})
    yield s
    s.close()


def checker(srv: Server, **kw) -> LinkChecker:
    kw.setdefault("cache", MemoryLinkCache())
    kw.setdefault("backoff_s", 0.05)
    kw.setdefault("timeout_s", 5)
    return LinkChecker(allow_hosts=kw.pop("allow_hosts", ()), internal_origin=srv.origin, **kw)


# --- statuses, redirects, methods ---------------------------------------------

def test_status_codes(server):
    server.routes.update({"/ok": ok(), "/gone": status(404), "/boom": status(500)})
    res = checker(server).check_many([server.url("/ok"), server.url("/gone"), server.url("/boom")])
    assert res[server.url("/ok")].ok and res[server.url("/ok")].status == 200
    assert not res[server.url("/gone")].ok and res[server.url("/gone")].error == "status 404"
    assert not res[server.url("/boom")].ok and res[server.url("/boom")].status == 500
    assert server.hits[("HEAD", "/ok")] == 1 and server.hits[("GET", "/ok")] == 0  # HEAD suffices


def test_redirect_chains(server):
    server.routes.update({
        "/a1": redirect("/a2"), "/a2": redirect(server.url("/end"), 301), "/end": ok(),
        "/b1": redirect("b2"), "/b2": redirect("/b3"), "/b3": redirect("/b4"),
        "/b4": redirect("/b5"), "/b5": redirect("/end"),
        "/loop": redirect("/loop"),
    })
    res = checker(server, max_redirects=3).check_many(
        [server.url("/a1"), server.url("/b1"), server.url("/loop")])
    two = res[server.url("/a1")]
    assert two.ok and two.redirects == 2 and two.final_url == server.url("/end") and two.status == 200
    five = res[server.url("/b1")]
    assert not five.ok and five.error.startswith("too many redirects (4")  # stopped at hop 4 of 5
    assert server.count("/b5") == 0
    assert not res[server.url("/loop")].ok and server.count("/loop") == 4


def test_head_405_falls_back_to_get(server):
    def get_only(req, n):
        return (405, {"Allow": "GET"}, "") if req.command == "HEAD" else (200, {}, "<p>hi</p>")
    server.routes["/get-only"] = get_only
    server.routes["/no-head"] = lambda req, n: (501, {}, "") if req.command == "HEAD" else (200, {}, "x")
    res = checker(server).check_many([server.url("/get-only"), server.url("/no-head")])
    assert res[server.url("/get-only")].ok and res[server.url("/get-only")].status == 200
    assert res[server.url("/no-head")].ok
    assert server.hits[("HEAD", "/get-only")] == 1 and server.hits[("GET", "/get-only")] == 1


def test_503_then_200_is_retried_with_backoff(server):
    server.routes["/flaky"] = lambda req, n: (503, {}, "busy") if n <= 2 else (200, {}, "ok")
    start = time.monotonic()
    res = checker(server, backoff_s=0.1, retries=3).check(server.url("/flaky"))
    elapsed = time.monotonic() - start
    assert res.ok and res.status == 200 and server.count("/flaky") == 3
    assert elapsed >= 0.1 + 0.2 - 0.02  # exponential: 0.1 then 0.2


def test_retries_give_up(server):
    server.routes["/down"] = status(503)
    res = checker(server, retries=2, backoff_s=0.01).check(server.url("/down"))
    assert not res.ok and res.status == 503 and server.count("/down") == 3


def test_429_honours_retry_after_capped(server):
    server.routes["/slow-down"] = lambda req, n: (429, {"Retry-After": "1"}, "") if n == 1 else (200, {}, "")
    server.routes["/huge-wait"] = lambda req, n: (429, {"Retry-After": "3600"}, "") if n == 1 else (200, {}, "")
    start = time.monotonic()
    assert checker(server, backoff_s=0.01).check(server.url("/slow-down")).ok
    assert time.monotonic() - start >= 0.95  # Retry-After beats the 0.01 s backoff
    start = time.monotonic()
    assert checker(server, max_backoff_s=0.2).check(server.url("/huge-wait")).ok
    assert time.monotonic() - start < 2  # capped


def test_connection_refused_is_an_error(server):
    port = server.port
    server.close()
    res = LinkChecker(internal_origin=f"http://127.0.0.1:{port}", cache=MemoryLinkCache(),
                      timeout_s=2).check(f"http://127.0.0.1:{port}/x")
    assert not res.ok and res.error.startswith("request failed")


# --- fragments --------------------------------------------------------------------

def test_fragments(server):
    server.routes["/doc"] = ok('<h2 id="present">x</h2><a name="legacy"></a><div id="caf%C3%A9"></div>')
    server.routes["/moved"] = redirect("/doc")
    c = checker(server)
    res = c.check_many([server.url("/doc#present"), server.url("/doc#legacy"), server.url("/doc#absent"),
                        server.url("/doc"), server.url("/doc#top"), server.url("/moved#present"),
                        server.url("/moved#nope")])
    assert res[server.url("/doc#present")].ok
    assert res[server.url("/doc#legacy")].ok
    assert res[server.url("/doc#top")].ok
    assert res[server.url("/moved#present")].ok and res[server.url("/moved#present")].redirects == 1
    missing = res[server.url("/doc#absent")]
    assert not missing.ok and missing.error == "missing fragment #absent on target"
    assert not res[server.url("/moved#nope")].ok
    # One GET for the document, shared by every fragment; no extra HEAD.
    assert server.hits[("GET", "/doc")] == 2 and server.hits[("HEAD", "/doc")] == 0  # /doc and via /moved


def test_fragment_on_non_html_is_not_verified(server):
    server.routes["/file.pdf"] = ok("%PDF", **{"Content-Type": "application/pdf"})
    res = checker(server).check(server.url("/file.pdf#page=2"))
    assert res.ok and "not verified" in res.note


# --- politeness: concurrency, once per run, never contact a non-allowed host ---------

def test_per_host_concurrency_cap(server):
    server.delay_s = 0.15
    for i in range(12):
        server.routes[f"/p{i}"] = ok()
    res = checker(server, per_host_concurrency=3).check_many([server.url(f"/p{i}") for i in range(12)])
    assert all(r.ok for r in res.values())
    assert server.max_active == 3  # reached, never exceeded


def test_each_url_fetched_once_per_run(server):
    server.routes.update({"/once": ok('<p id="f">x</p>'), "/plain": ok()})
    cache = MemoryLinkCache()
    urls = [server.url("/once"), server.url("/once#f"), server.url("/once"), server.url("/plain"),
            server.url("/plain")]
    checker(server, cache=cache).check_many(urls)
    checker(server, cache=cache).check_many(urls + [server.url("/once#f")])  # a later check, same run
    assert server.count("/once") == 1 and server.count("/plain") == 1


def test_default_cache_is_per_process(server, monkeypatch):
    from regress.engines import linkcheck

    monkeypatch.delenv(linkcheck.CACHE_DIR_ENV, raising=False)
    monkeypatch.delenv(linkcheck.XDIST_RUN_ENV, raising=False)
    server.routes["/proc"] = ok()
    linkcheck.clear_process_cache()
    LinkChecker(internal_origin=server.origin).check(server.url("/proc"))
    LinkChecker(internal_origin=server.origin).check(server.url("/proc"))
    assert server.count("/proc") == 1
    linkcheck.clear_process_cache()


_WORKER = """
import sys
from regress.engines.linkcheck import LinkChecker
r = LinkChecker(internal_origin=sys.argv[1]).check(sys.argv[2])
print(r.ok, r.status)
"""


def test_file_cache_shared_across_processes(server, tmp_path):
    """Like pytest-xdist workers: two processes, one fetch."""
    server.delay_s = 0.3
    server.routes["/shared"] = ok()
    env = {"REGRESS_LINK_CACHE_DIR": str(tmp_path / "links"), "PYTHONPATH": str(ROOT), "PATH": "",
           "PYTEST_XDIST_TESTRUNUID": ""}
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, server.origin, server.url("/shared")],
                              env=env, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=15)[0].strip() for p in procs]
    assert outs == ["True 200"] * 3
    assert server.count("/shared") == 1


def test_xdist_workers_share_a_file_cache_without_wiring(server, monkeypatch):
    from regress.engines import linkcheck

    monkeypatch.delenv(linkcheck.CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv(linkcheck.XDIST_RUN_ENV, f"selftest{server.port}")
    cache = linkcheck.default_cache()
    assert isinstance(cache, FileLinkCache) and f"selftest{server.port}" in str(cache.directory)
    monkeypatch.delenv(linkcheck.XDIST_RUN_ENV)
    assert linkcheck.default_cache() is linkcheck._PROCESS_CACHE
    import shutil
    shutil.rmtree(cache.directory, ignore_errors=True)


def test_file_cache_in_process(server, tmp_path):
    server.routes["/f"] = ok('<i id="x"></i>')
    c1 = checker(server, cache=FileLinkCache(tmp_path))
    c2 = checker(server, cache=FileLinkCache(tmp_path))
    assert c1.check(server.url("/f#x")).ok
    assert c2.check(server.url("/f")).ok and not c2.check(server.url("/f#y")).ok
    assert server.count("/f") == 1


def test_non_allowed_hosts_get_zero_requests(server, decoy):
    """A decoy on loopback, linked directly, via another host name, and via a redirect."""
    server.routes["/to-decoy"] = redirect(decoy.url("/x", host="localhost"))
    server.routes["/to-decoy-ip"] = redirect(decoy.url("/x"))
    urls = [decoy.url("/x"), decoy.url("/", host="localhost"), decoy.url("/x#frag"),
            server.url("/to-decoy"), server.url("/to-decoy-ip"),
            server.url("/", host="localhost")]  # internal path, but not the internal origin
    res = checker(server).check_many(urls)
    assert decoy.total == 0
    assert server.count("/") == 0
    assert all(r.ok for r in res.values())  # syntax is fine; redirects recorded, not followed
    assert not res[decoy.url("/x")].requested and "not requested" in res[decoy.url("/x")].note
    hop = res[server.url("/to-decoy")]
    assert hop.status == 302 and hop.final_url == decoy.url("/x", host="localhost") and "not followed" in hop.note


def test_allowed_host_is_requested(server, decoy):
    res = checker(server, allow_hosts=["localhost"]).check(decoy.url("/x", host="localhost"))
    assert res.ok and res.requested and decoy.count("/x") == 1
    checker(server, allow_hosts=[f"localhost:{decoy.port + 1}"]).check(decoy.url("/", host="localhost"))
    assert decoy.count("/") == 0  # host:port entries pin the port


def test_external_syntax_only(server):
    bad = ["http://exa mple.com/", "https://-nope-.com/", "http://", "https://x.com:99999/", "ftp://x.com/"]
    good = ["https://www.koreatimes.co.kr/www/nation/", "http://[::1]:8080/", "https://müller.de/"]
    res = checker(server).check_many(bad + good)
    assert [u for u in bad if res[u].ok] == []
    assert all(res[u].ok and not res[u].requested for u in good)
    assert http_url_problem("ftp://x.com/") == "scheme 'ftp' is not http/https"


# --- share links and mailto (pure) ----------------------------------------------------

CANON = "https://www.koreatimes.co.kr/www/nation/2022/06/120_330924.html"
TITLE = "Korea, US agree to normalize GSOMIA & \"resume\" talks?"
U, T = quote(CANON, safe=""), quote(TITLE, safe="")
GOOD = {
    "facebook": f"https://www.facebook.com/sharer/sharer.php?u={U}",
    "twitter": f"https://twitter.com/intent/tweet?url={U}&text={T}",
    "kakaostory": f"https://story.kakao.com/share?url={U}",
    "whatsapp": f"https://api.whatsapp.com/send?text={T}%20{U}",
    "reddit": f"https://www.reddit.com/submit?url={U}&title={T}",
    "mailto": f"mailto:?subject={T}&body={U}",
}


@pytest.mark.parametrize("net", sorted(GOOD))
def test_good_share_links_pass(net):
    url = GOOD[net]
    assert links_kind.share_network(url, in_share_bar=True) == net
    assert links_kind.share_problems(url, CANON, [TITLE]) == []


@pytest.mark.parametrize("net", sorted(GOOD))
def test_share_link_without_url_fails(net):
    url = GOOD[net].replace(U, "")
    problems = links_kind.share_problems(url, CANON, [TITLE], net)
    assert problems and all(CANON in p for p in problems)
    assert any("lacks canonical URL" in p or "lacks the" in p for p in problems)


@pytest.mark.parametrize("net", sorted(GOOD))
def test_share_link_with_wrong_url_fails(net):
    wrong = quote(CANON.replace("330924", "330925"), safe="")
    problems = links_kind.share_problems(GOOD[net].replace(U, wrong), CANON, [TITLE], net)
    assert len(problems) == 1 and "lacks canonical URL" in problems[0] and "330925" in problems[0]


def test_share_link_url_must_be_exact():
    prefixed = GOOD["facebook"].replace(U, quote(CANON + "?utm=x", safe=""))
    assert links_kind.share_problems(prefixed, CANON, [TITLE])
    undecoded = GOOD["facebook"].replace(U, quote(U, safe=""))  # double-encoded
    assert links_kind.share_problems(undecoded, CANON, [TITLE])


@pytest.mark.parametrize("net", ["twitter", "whatsapp", "reddit", "mailto"])
def test_share_link_without_title_fails(net):
    url = GOOD[net].replace(T, "")
    problems = links_kind.share_problems(url, CANON, [TITLE], net)
    assert len(problems) == 1 and "title" in problems[0] and TITLE in problems[0]


def test_share_title_any_candidate_and_missing_param():
    url = f"https://twitter.com/intent/tweet?url={U}&text={quote('The headline', safe='')}"
    assert links_kind.share_problems(url, CANON, [TITLE, "The headline"]) == []
    no_text = f"https://twitter.com/intent/tweet?url={U}"
    assert links_kind.share_problems(no_text, CANON, [TITLE]) == ["share URL lacks the 'text' parameter (the page title)"]


def test_mailto_parsing():
    assert links_kind.mailto_problems("mailto:kswoo@koreatimes.co.kr") == []
    assert links_kind.mailto_problems("mailto:a@b.com,c@d.org?subject=hi") == []
    assert links_kind.mailto_problems("mailto:") == ["mailto link has no address"]
    assert links_kind.mailto_problems("mailto:not-an-address")[0].endswith("does not parse")
    assert "invalid domain" in links_kind.mailto_problems("mailto:a@-bad")[0]


def test_classify():
    base = ("http", "127.0.0.1", 8000)
    c, kind = links_kind.classify, links_kind.LinkKind
    assert c("http://127.0.0.1:8000/www/x.html#a", base) is kind.INTERNAL
    assert c("http://localhost:8000/", base) is kind.EXTERNAL
    assert c("https://www.facebook.com/koreatimes", base) is kind.EXTERNAL
    assert c(GOOD["facebook"], base) is kind.SHARE
    assert c("mailto:?subject=x&body=y", base, in_share_bar=True) is kind.SHARE
    assert c("mailto:a@b.com", base) is kind.MAILTO
    assert c("tel:+82-2-724-2114", base) is kind.TEL
    assert c("javascript:void(0)", base) is kind.OTHER


def test_share_links_not_decoded_are_external_or_skipped():
    base = ("http", "127.0.0.1", 8000)
    kind = links_kind.LinkKind

    def link(href):
        return links_kind.Link("share_bar", href, "share", in_share_bar=True)

    assert links_kind.kind_of(link(GOOD["facebook"]), base, check_share=True) is kind.SHARE
    assert links_kind.kind_of(link(GOOD["facebook"]), base, check_share=False) is kind.EXTERNAL
    assert links_kind.kind_of(link("mailto:?subject=x&body=y"), base, check_share=False) is kind.SKIP


# --- the kind, with a fake page (no browser) --------------------------------------------

class FakeLocator:
    def __init__(self, links):
        self.links = links

    def evaluate_all(self, js, arg):
        component, _share_bars = arg
        return [{"component": component, "in_share_bar": False, **l} for l in self.links]


def fake_ctx(server, components, facts=None):
    page = SimpleNamespace(url=server.url("/article.html"))
    site = SimpleNamespace(
        share_bar=SimpleNamespace(root=SimpleNamespace(element_handles=lambda: [])),
        share_facts=lambda: facts or ShareFacts(canonical=server.url("/article.html"), og_title=TITLE, headline=TITLE))
    return SimpleNamespace(
        page=page, base_url=server.origin,
        settings={"links": {"max_redirects": 3, "per_host_concurrency": 4, "retries": 1,
                            "timeout_s": 5, "allow_hosts": []}},
        open=lambda: site, locate=lambda site, name: FakeLocator(components[name]))


def kind_options(**given):
    """The options as the runner gives them: validated by the kind's schema, defaults filled in."""
    from regress.model.schema import Context, Nested

    return Nested(links_kind._options()).validate(given, Context(components=list(given["components"])))


def test_kind_reports_every_broken_link(server, decoy, monkeypatch):
    from regress.engines import linkcheck

    monkeypatch.setattr(linkcheck, "_PROCESS_CACHE", MemoryLinkCache())
    monkeypatch.delenv(linkcheck.CACHE_DIR_ENV, raising=False)
    monkeypatch.delenv(linkcheck.XDIST_RUN_ENV, raising=False)
    canon = quote(server.url("/article.html"), safe="")
    server.routes.update({"/ok": ok('<b id="here"></b>'), "/r1": redirect("/r2"), "/r2": redirect("/r3"),
                          "/r3": redirect("/r4"), "/r4": redirect("/r5"), "/r5": ok()})
    comps = {
        "footer.links": [{"href": server.url("/ok"), "text": "Fine"},
                         {"href": server.url("/missing"), "text": "About Us"},
                         {"href": server.url("/r1"), "text": "Loop"},
                         {"href": server.url("/ok#gone"), "text": "Anchor"},
                         {"href": decoy.url("/x", host="localhost"), "text": "Partner"},
                         {"href": "javascript:void(0)", "text": "Popup"},
                         {"href": "mailto:nobody", "text": "Mail"}],
        "share_bar": [{"href": f"https://www.facebook.com/sharer/sharer.php?u={canon}", "text": "facebook",
                       "in_share_bar": True},
                      {"href": "https://twitter.com/intent/tweet?url=&text=x", "text": "twitter",
                       "in_share_bar": True}],
        "top_ten.items": [],
    }
    with pytest.raises(CheckFailure) as exc:
        links_kind.run(fake_ctx(server, comps), kind_options(components=list(comps)))
    msg = str(exc.value)
    assert "[footer.links] 'About Us' " + server.url("/missing") + ": status 404" in msg
    assert "too many redirects (4" in msg
    assert "missing fragment #gone on target" in msg
    assert "javascript: links are not allowed" in msg
    assert "mailto address 'nobody' does not parse" in msg
    assert "[share_bar] 'twitter'" in msg and "lacks canonical URL" in msg and "lacks the title" in msg
    assert "[top_ten.items] has no links" in msg
    assert "Fine" not in msg and "facebook" not in msg and "Partner" not in msg
    assert decoy.total == 0
    assert msg.count("\n- ") == 8


def test_kind_passes_on_good_links(server, monkeypatch):
    from regress.engines import linkcheck

    monkeypatch.setattr(linkcheck, "_PROCESS_CACHE", MemoryLinkCache())
    monkeypatch.delenv(linkcheck.CACHE_DIR_ENV, raising=False)
    monkeypatch.delenv(linkcheck.XDIST_RUN_ENV, raising=False)
    server.routes["/ok"] = ok()
    comps = {"menu": [{"href": server.url("/ok"), "text": "Home"},
                      {"href": "https://www.youtube.com/koreatimes", "text": "YouTube"}]}
    links_kind.run(fake_ctx(server, comps), kind_options(components=["menu"], max_redirects=None,
                                                         check_share=None, allow_hosts=None))
    assert server.count("/ok") == 1


def test_kind_options_declared():
    from regress.model.schema import Context, Nested, ScenarioError

    options = links_kind._options()
    assert set(options) == {"components", "max_redirects", "check_share", "allow_hosts"}
    schema = Nested(options)
    ctx = Context(components=["footer", "share_bar"])
    got = schema.validate({"components": ["footer"]}, ctx)
    assert got["components"] == ["footer"] and got["check_share"] is True and got["allow_hosts"] == []
    assert got.get("max_redirects") is None  # absent: the kind falls back to links.max_redirects
    assert schema.validate({"components": ["footer"], "max_redirects": 5}, ctx)["max_redirects"] == 5
    with pytest.raises(ScenarioError, match="unknown component"):
        schema.validate({"components": ["footr"]}, ctx)
    with pytest.raises(ScenarioError, match="missing required key"):
        schema.validate({}, ctx)
    with pytest.raises(ScenarioError, match="not a host name"):
        schema.validate({"components": ["footer"], "allow_hosts": ["http://x.com/"]}, ctx)
