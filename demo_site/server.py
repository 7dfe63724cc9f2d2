"""HTTP server of the demo replica (stdlib ThreadingHTTPServer + Jinja2 templates)."""
from __future__ import annotations

import json
import mimetypes
import re
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.filters import do_truncate

from . import mutations as _mutations
from .content import (PUBLISHER_LOGO_SIZE, RASTER_SIZES, SEED_ARTICLE_PATH, Site, load_data, news_jpeg, news_svg,
                      publisher_logo_png)

PKG_DIR = Path(__file__).resolve().parent
STATIC_DIR = PKG_DIR / "static"
TEMPLATE_DIR = PKG_DIR / "templates"
SEOUL = timezone(timedelta(hours=9))
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
HOST_RE = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
}


def encode_uri_component(s: str) -> str:
    """Python equivalent of JavaScript's encodeURIComponent."""
    return quote(s, safe="-_.!~*'()")


PUBLISHER_LOGO_PATH = "/img/publisher-logo.png"


def kst_iso(stamp: str) -> str:
    """'2022-06-14 16:12' (the data's KST wall time, as the page shows it) -> ISO 8601 with the
    +09:00 offset and seconds, as structured data carries it: '2022-06-14T16:12:00+09:00'."""
    return datetime.strptime(str(stamp), "%Y-%m-%d %H:%M").replace(tzinfo=SEOUL).isoformat()


def json_for_script(value) -> str:
    """JSON safe inside a <script> element (no '</script>', no HTML-significant characters)."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def date_line(now: Optional[datetime] = None) -> str:
    """'Mon, February 6, 2023 | 21:47' in Asia/Seoul (same format as site.js)."""
    d = (now or datetime.now(timezone.utc)).astimezone(SEOUL)
    return f"{DAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day}, {d.year} | {d:%H:%M}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class DemoSite:
    """The demo site as a context manager::

        with DemoSite(port=0) as site:
            urlopen(site.url + "/www/nation/2022/06/120_330924.html")
    """

    article_path = SEED_ARTICLE_PATH

    def __init__(self, port: int = 0, host: str = "127.0.0.1", mutation: Optional[str] = None,
                 articles: int = 0, font_delay: float = 0.3, verbose: bool = False, news_day: int = 1):
        self.host = host
        self.port = port
        self.mutation = _mutations.get(mutation)  # raises UnknownMutation (a KeyError)
        self.font_delay = float(font_delay)
        self.verbose = verbose
        self.news_day = news_day
        data = load_data(news_day)  # the day's data (raises ValueError for an unknown day) ...
        if self.mutation:  # ... then the mutation's transform, on top of it
            data = self.mutation.apply_data(data)
        self.site = Site(data, extra_articles=articles)
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                               autoescape=select_autoescape(["html"]),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters["uric"] = encode_uri_component
        # Dates are shown as in the seed: a no-break space between date and time (U+00A0).
        self.env.filters["nbsp"] = lambda v: str(v).replace(" ", "\u00a0")
        self.env.filters["iso"] = lambda v: str(v).replace(" ", "T") + "+09:00"
        self.env.filters["kst_iso"] = kst_iso
        self._httpd: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self.url = ""

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> "DemoSite":
        if self._httpd:
            return self
        handler = type("DemoHandler", (_Handler,), {"demo": self})
        self._httpd = _Server((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-site", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.start()
        try:
            while self._thread and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
            if self._thread:
                self._thread.join(5)
            self._thread = None

    def __enter__(self) -> "DemoSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- introspection -----------------------------------------------------
    @property
    def seed_clock(self) -> str:
        """The day's capture time (ISO 8601, Asia/Seoul): anchors the trending rotation; a browser
        clock set to it shows that day's date line."""
        return str(self.site.site["seed_clock"])

    def generated_article_paths(self) -> list[str]:
        return self.site.generated_paths()

    def article_paths(self) -> list[str]:
        return [a["path"] for a in self.site.articles]

    # -- rendering ---------------------------------------------------------
    def render(self, template: str, origin: str, path: str, **ctx) -> str:
        s = self.site
        cur_sec = ctx.get("current_section") or s.section_by_slug["nation"]
        trending = s.widget("trending")
        base = dict(
            site=s.site, sections=s.sections,
            gnb_sections=[s.section_by_slug[slug] for slug in s.site["gnb_order"]], north_korea=s.section_by_slug[s.site["north_korea"]["slug"]],
            section_href=s.section_href, trending=trending, top10=s.widget("top10"),
            top5=s.widget("top5"), darkroom=s.widget("darkroom"),
            origin=origin, canonical=origin + path, path=path, date_line=date_line(),
            current_section=cur_sec, current_sub=ctx.get("current_sub"),
            trending_json=json.dumps([{"title": a["title"], "tag": a.get("tag", ""), "href": a["path"]}
                                      for a in trending], ensure_ascii=False).replace("</", "<\\/"),
            seed_clock_ms=int(datetime.fromisoformat(s.site["seed_clock"]).timestamp() * 1000),
            mutation=self.mutation,
            mutation_css=self.mutation.extra_css if self.mutation else "",
            mutation_js=bool(self.mutation and self.mutation.extra_js),
            reporter_path=s.site["reporter_path"], search_path=s.site["search_path"],
        )
        base.update(ctx)
        return self.env.get_template(template).render(**base)

    def description(self, article: dict) -> str:
        """The page's summary (meta description, og:description, structured data)."""
        return article.get("sub_headline") or do_truncate(self.env, article["paragraphs"][0], 150)

    def structured_data(self, article: dict, origin: str, canonical: str) -> dict:
        """The schema.org NewsArticle of an article page, from the same data the page shows."""
        s = self.site
        lead = article["lead"]
        desk = article["byline"] in (s.site.get("desk_bylines") or [])
        reporter = f"{origin}{s.site['reporter_path']}?name={quote(article['byline'].replace(' ', '+'), safe='+')}"
        logo_w, logo_h = PUBLISHER_LOGO_SIZE
        return {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "url": canonical,
            "headline": article["display_title"],
            "description": self.description(article),
            "articleSection": article["category"],
            "inLanguage": "en",
            "datePublished": kst_iso(article["posted"]),
            "dateModified": kst_iso(article["updated"]),
            "author": ({"@type": "Organization", "name": article["byline"]} if desk else
                       {"@type": "Person", "name": article["byline"], "url": reporter}),
            "image": {"@type": "ImageObject", "url": origin + lead["share"],
                      "width": lead["width"], "height": lead["height"]},
            "publisher": {"@type": "Organization", "name": s.site["name"], "url": origin + "/",
                          "logo": {"@type": "ImageObject", "url": origin + PUBLISHER_LOGO_PATH,
                                   "width": logo_w, "height": logo_h}},
        }

    def share_links(self, canonical: str, title: str) -> list[dict]:
        u, t = encode_uri_component(canonical), encode_uri_component(title)
        return [{"net": x["net"], "template": x["template"],
                 "href": x["template"].replace("{U}", u).replace("{T}", t)} for x in self.site.site["share"]]

    def route(self, path: str, query: dict, origin: str) -> tuple[int, str, bytes, str]:
        """Return (status, content_type, body, cache_control)."""
        s = self.site
        html = TYPES[".html"]
        q1 = {k: v[0] for k, v in query.items()}

        def page(template, status=200, **ctx):
            return status, html, self.render(template, origin, path, **ctx).encode("utf-8"), "no-cache"

        if path.startswith("/static/"):
            return self.static(path)
        m = re.fullmatch(r"/img/news/([A-Za-z0-9_-]{1,40})\.svg", path)
        if m:
            return 200, TYPES[".svg"], news_svg(m.group(1)).encode(), "public, max-age=86400"
        m = re.fullmatch(r"/img/news/([A-Za-z0-9_-]{1,40})-(\d{3,4})x(\d{3,4})\.jpg", path)
        if m and int(m.group(2)) in RASTER_SIZES and int(m.group(3)) in RASTER_SIZES:
            body = news_jpeg(m.group(1), int(m.group(2)), int(m.group(3)))
            return 200, TYPES[".jpg"], body, "public, max-age=86400"
        if path == PUBLISHER_LOGO_PATH:
            return 200, TYPES[".png"], publisher_logo_png(s.site["name"]), "public, max-age=86400"
        if path == "/sitemap.txt":
            body = "\n".join([SEED_ARTICLE_PATH] + [a["path"] for a in s.articles if a["path"] != SEED_ARTICLE_PATH])
            return 200, TYPES[".txt"], (body + "\n").encode(), "no-cache"
        if path == "/robots.txt":
            return 200, TYPES[".txt"], b"User-agent: *\nAllow: /\n", "public, max-age=3600"
        if path in ("/", "/index.html", "/www/index.html"):
            return page("list.html", kind="home", title="The Korea Times", items=s.articles_sorted[:20])

        art = s.by_path.get(path)
        if art:
            canonical = origin + path
            if q1.get("print") == "1":
                return page("print.html", article=art, canonical=canonical)
            return page("article.html", article=art, related=s.related(art),
                        share=self.share_links(canonical, art["display_title"]),
                        description=self.description(art),
                        structured_data=json_for_script(self.structured_data(art, origin, canonical)),
                        current_section=art["section_obj"], current_sub=art.get("subsection"),
                        title=art["display_title"])
        m = re.fullmatch(r"/www/section/([a-z0-9-]+)(?:/([a-z0-9-]+))?\.html", path)
        if m and m.group(1) in s.section_by_slug:
            sec = s.section_by_slug[m.group(1)]
            sub = next((x for x in sec.get("subsections", []) if x["slug"] == m.group(2)), None)
            if m.group(2) is None or sub:
                items = s.articles_in(sec["slug"], sub["slug"] if sub else None)
                return page("list.html", kind="section", title=(sub or sec)["name"], section=sec, sub=sub,
                            items=items, latest=s.articles_sorted[:8],
                            current_section=sec, current_sub=sub["slug"] if sub else None)
        if path == s.site["search_path"]:
            kwd = q1.get("kwd", "")
            return page("list.html", kind="search", title="Search", kwd=kwd, items=s.search(kwd))
        if path == s.site["reporter_path"]:
            name = q1.get("name", "")
            items = s.by_reporter(name)
            if items:
                return page("list.html", kind="reporter", title=f"Articles by {items[0]['byline']}",
                            reporter=items[0]["byline"], email=items[0]["reporter_email"], items=items)
        if path in s.pages:
            return page("page.html", page=s.pages[path], title=s.pages[path]["title"])
        return page("404.html", status=404, title="Page not found")

    def static(self, path: str) -> tuple[int, str, bytes, str]:
        if path == "/static/js/mutation.js" and self.mutation and self.mutation.extra_js:
            return 200, TYPES[".js"], self.mutation.extra_js.encode(), "no-cache"
        rel = path[len("/static/"):]
        target = (STATIC_DIR / rel).resolve()
        if STATIC_DIR not in target.parents or not target.is_file() or ".." in rel:
            return 404, TYPES[".txt"], b"Not found\n", "no-cache"
        ext = target.suffix.lower()
        ctype = TYPES.get(ext) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ext == ".woff2" and target.name.startswith("lora") and self.font_delay > 0:
            time.sleep(self.font_delay)  # the headline web font "arrives late"
        cache = "public, max-age=86400" if ext in (".woff2", ".svg", ".png") else "public, max-age=300"
        return 200, ctype, target.read_bytes(), cache


class _Handler(BaseHTTPRequestHandler):
    demo: DemoSite
    server_version = "KTDemo/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet unless --verbose
        if self.demo.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    def _origin(self) -> str:
        host = self.headers.get("Host", "")
        if not HOST_RE.match(host):
            host = f"{self.demo.host}:{self.demo.port}"
        return "http://" + host

    def _respond(self, head_only: bool) -> None:
        parts = urlsplit(self.path)
        path = parts.path or "/"
        try:
            status, ctype, body, cache = self.demo.route(path, parse_qs(parts.query), self._origin())
            if self.demo.mutation:
                body = self.demo.mutation.filter_response(path, ctype, body)
                broken = self.demo.mutation.status_for(path)
                if broken is not None:  # a file the deployment lost
                    status, ctype, body, cache = broken, TYPES[".txt"], b"Not found\n", "no-cache"
        except Exception as exc:  # pragma: no cover - shows up as a 500 in tests
            status, ctype, body, cache = 500, TYPES[".txt"], f"Internal error: {exc!r}\n".encode(), "no-cache"
            sys.stderr.write(f"demo_site: error serving {self.path}: {exc!r}\n")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def do_GET(self):
        self._respond(False)

    def do_HEAD(self):
        self._respond(True)

    def _not_allowed(self):
        try:  # drain a request body so a kept-alive connection stays in sync
            length = int(self.headers.get("Content-Length") or 0)
            if 0 < length <= 1 << 20:
                self.rfile.read(length)
        except (ValueError, OSError):
            pass
        self.close_connection = True
        body = b"Method not allowed\n"
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Connection", "close")
        self.send_header("Content-Type", TYPES[".txt"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass
