"""The head of every article page of the demo site, on every news day (no browser).

Real servers, real HTTP, the standard library's HTML parser, json and Pillow: each article page
carries the metadata a real news article page does (title, description, Open Graph, canonical,
robots, favicon) and a schema.org NewsArticle block whose headline, dates, author and image
agree with what the same page shows: its h1, its "Posted :" / "Updated :" KST times, its
byline and its lead photo. Every image the head names answers 200 and decodes.
"""
from __future__ import annotations

import io
import json
import sys
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo_site import DemoSite  # noqa: E402
from test_demo_site import fetch  # noqa: E402
from test_news_day import ARTICLE, ArticlePage  # noqa: E402

KST = timezone(timedelta(hours=9))
SITE_NAME = "The Korea Times"


class PageHead(HTMLParser):
    """The <head> of a page: title, meta by name or property, links by rel, JSON-LD blocks."""

    def __init__(self, html: str):
        super().__init__()
        self.title = ""
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "meta" and (a.get("name") or a.get("property")):
            self.meta.setdefault(a.get("name") or a["property"], []).append(a.get("content") or "")
        elif tag == "link" and a.get("rel"):
            for rel in a["rel"].split():
                self.links.setdefault(rel, []).append(a.get("href") or "")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in = "json_ld"
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag in ("title", "script"):
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json_ld":
            self.json_ld[-1] += data

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"meta {key}: {len(values)} elements, expected one"
        return values[0]


def shown_time(page: ArticlePage, key: str) -> str:
    """'2022-06-14 16:12' from the page's 'Posted : 2022-06-14 16:12'."""
    return page.dates[key].split(" : ", 1)[1]


def check_image(site: DemoSite, url: str, width: int, height: int, what: str) -> list[str]:
    status, headers, body = fetch(url)
    if status != 200 or not headers["Content-Type"].startswith("image/"):
        return [f"{what} {url}: {status} {headers['Content-Type']}"]
    try:
        with Image.open(io.BytesIO(body)) as img:
            img.load()
            size = img.size
    except OSError as err:
        return [f"{what} {url}: does not decode ({err})"]
    return [] if size == (width, height) else [f"{what} {url}: {size}, stated {width}x{height}"]


def page_problems(site: DemoSite, path: str, seen_images: dict) -> list[str]:
    """What is wrong with the metadata of one article page (empty: nothing)."""
    url = site.url + path
    status, _, body = fetch(url)
    assert status == 200, (path, status)
    html = body.decode("utf-8")
    head, page = PageHead(html), ArticlePage(html)
    problems = []

    def expect(ok: bool, message: str) -> None:
        if not ok:
            problems.append(message)

    headline = page.headline
    expect(bool(headline), "no headline shown")
    expect(" ".join(head.title.split()) == f"{headline} - {SITE_NAME}", f"<title> {head.title!r}")
    expect(head.one("og:title") == headline, f"og:title {head.one('og:title')!r}")
    expect(head.links.get("canonical") == [url], f"canonical {head.links.get('canonical')}")
    expect(head.one("og:url") == url, f"og:url {head.one('og:url')!r}, canonical {url}")
    description = head.one("description")
    expect(bool(description.strip()), "empty description")
    expect(head.one("og:description") == description, "og:description is not the description")
    robots = ",".join(head.meta.get("robots", [])).replace(" ", "").lower().split(",")
    expect("noindex" not in robots and "none" not in robots, f"robots {head.meta.get('robots')}")
    icons = head.links.get("icon", [])
    expect(len(icons) == 1 and fetch(urljoin(url, icons[0]))[0] == 200, f"favicon {icons}")

    expect(len(head.json_ld) == 1, f"{len(head.json_ld)} JSON-LD blocks")
    data = json.loads(head.json_ld[0])
    expect((data.get("@context"), data.get("@type")) == ("https://schema.org", "NewsArticle"),
           f"JSON-LD type {data.get('@context')} {data.get('@type')}")
    expect(data.get("headline") == headline, f"JSON-LD headline {data.get('headline')!r}, shown {headline!r}")
    expect(data.get("description") == description, "JSON-LD description is not the page's")
    expect(data.get("mainEntityOfPage") == {"@type": "WebPage", "@id": url} and data.get("url") == url,
           f"JSON-LD mainEntityOfPage {data.get('mainEntityOfPage')}, url {data.get('url')}")
    for field, key in (("datePublished", "view_posted"), ("dateModified", "view_updated")):
        stamp = datetime.fromisoformat(data[field])
        expect(stamp.utcoffset() == timedelta(hours=9), f"{field} {data[field]}: not at +09:00")
        expect(stamp.strftime("%Y-%m-%d %H:%M") == shown_time(page, key),
               f"{field} {data[field]}, the page shows {page.dates[key]!r}")
        expect(stamp == datetime.fromisoformat(page.times[key]), f"{field} {data[field]}, <time> {page.times[key]}")
        expect(head.one(f"article:{'published' if key == 'view_posted' else 'modified'}_time") == data[field],
               f"article:*_time is not {field}")
    expect(data["dateModified"] >= data["datePublished"], "modified before published")

    author, byline = data.get("author") or {}, page.byline.removeprefix("By ")
    expect(page.byline.startswith("By ") and author.get("name") == byline,
           f"JSON-LD author {author}, byline {page.byline!r}")
    if author.get("@type") == "Person":  # a reporter: the author's page lists this article
        status, _, listing = fetch(author["url"]) if author.get("url") else (None, None, b"")
        expect(status == 200 and f'href="{path}"'.encode() in listing, f"author page {author.get('url')}: {status}")
    else:
        expect(author.get("@type") == "Organization" and byline in site.site.site["desk_bylines"],
               f"author {author} for byline {byline!r}")

    image = data.get("image") or {}
    lead_w, lead_h = int(page.photo["width"]), int(page.photo["height"])
    expect(image.get("@type") == "ImageObject" and image.get("url") == head.one("og:image"),
           f"JSON-LD image {image}, og:image {head.one('og:image')}")
    expect((image.get("width"), image.get("height")) == (lead_w, lead_h)
           == (int(head.one("og:image:width")), int(head.one("og:image:height"))),
           f"share image {image.get('width')}x{image.get('height')}, lead photo {lead_w}x{lead_h}")
    if not page.photo["src"].endswith(".svg"):  # a raster lead photo is the share image itself
        expect(urljoin(url, page.photo["src"]) == image.get("url"), f"lead photo {page.photo['src']}, image {image}")
    publisher = data.get("publisher") or {}
    logo = publisher.get("logo") or {}
    expect(publisher.get("@type") == "Organization" and publisher.get("name") == SITE_NAME, f"publisher {publisher}")
    for what, img in (("image", image), ("publisher logo", logo)):
        key = (img.get("url"), img.get("width"), img.get("height"))
        if key not in seen_images:
            seen_images[key] = check_image(site, *key, what)
        problems += seen_images[key]
    return [f"{path}: {p}" for p in problems]


@pytest.mark.parametrize("day", [1, 2, 3, 4])
def test_every_article_page_carries_its_metadata(day):
    with DemoSite(port=0, font_delay=0, news_day=day) as site:
        articles = [p for p in fetch(site.url + "/sitemap.txt")[2].decode().split() if p.endswith(".html")]
        assert len(articles) == len(site.article_paths()) >= 37 and articles[0] == ARTICLE
        seen_images: dict = {}
        problems = [p for path in articles for p in page_problems(site, path, seen_images)]
        assert problems == [], "\n".join(problems[:20])
        assert len(seen_images) == len(articles) + 1, "not one share image per article (and the logo)"


def test_seed_article_metadata_follows_the_day():
    """The seed article's structured data follows the day's corrections, story and photo."""
    seen = {}
    for day in (1, 2, 4):
        with DemoSite(port=0, font_delay=0, news_day=day) as site:
            html = fetch(site.url + ARTICLE)[2].decode("utf-8")
            data = json.loads(PageHead(html).json_ld[0])
            seen[day] = data
            assert data["author"] == {"@type": "Person", "name": "Kang Seung-woo",
                                      "url": site.url + "/www2/common/reporter.asp?name=Kang+Seung-woo"}
    assert seen[1]["datePublished"] == seen[2]["datePublished"] == "2022-06-14T16:12:00+09:00"
    assert (seen[1]["dateModified"], seen[2]["dateModified"]) == ("2022-06-15T13:48:00+09:00", "2023-02-07T09:32:00+09:00")
    assert "thwart" in seen[1]["headline"] and "counter" in seen[2]["headline"]
    assert [seen[d]["image"]["height"] for d in (1, 2, 4)] == [493, 493, 987]
    assert seen[4]["image"]["url"].endswith("/img/news/330924-740x987.jpg")


def test_print_view_stays_out_of_the_index():
    with DemoSite(port=0, font_delay=0) as site:
        head = PageHead(fetch(site.url + ARTICLE + "?print=1")[2].decode("utf-8"))
    assert head.meta.get("robots") == ["noindex"] and head.json_ld == []
    assert head.links.get("canonical") == [site.url + ARTICLE]
