"""News days 2, 3 and 4 of the demo site: the next day's news on the same, correct site.

Real servers, real HTTP: day 1 (`DemoSite(port=0)`) and day 2 (`DemoSite(port=0, news_day=2)`).
Day 2 must carry other stories in every widget (same counts, every link and image answering),
a corrected seed article, a clock one day later, the same templates and scripts, and still take
mutations on top. Days 3 and 4 are day 2 with the seed story longer (paragraphs added), and
shorter under a taller photo: checked over HTTP and, for the photo as a reader sees it, in a
real Chromium.
"""
from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo_site import DemoSite  # noqa: E402
from demo_site.server import date_line  # noqa: E402

ARTICLE = "/www/nation/2022/06/120_330924.html"
WIDGETS = {"top10": 10, "top5": 5, "darkroom": 5, "trending": 20}
ITEM_CLASS = {"trending_item": "trending", "aside_top10_item": "top10", "aside_top5_item": "top5",
              "darkroom_item": "darkroom"}
TITLE_CLASS = {"aside_top10_headline", "aside_top5_headline", "darkroom_title"}
DATE_RE = re.compile(r"^(Posted|Updated) : \d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
BODY_P = "p#startts"  # a body paragraph in the skeleton (their number is the story's, not the template's)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
from test_demo_site import fetch  # noqa: E402  (one HTTP helper for both files)

DAY_MS = 24 * 60 * 60 * 1000




def norm(text: str) -> str:
    return " ".join(text.split())


class ArticlePage(HTMLParser):
    """What an article page shows, read from the markup of docs/dom-contract.md."""

    def __init__(self, html: str):
        super().__init__()
        self.stack: list[tuple[str, set, dict]] = []
        self.widgets: dict[str, list[dict]] = {w: [] for w in WIDGETS}
        self.item: dict | None = None
        self.headline = ""
        self.paragraphs: list[str] = []
        self.times: dict[str, str] = {}   # view_posted / view_updated -> time[datetime]
        self.dates: dict[str, str] = {}   # view_posted / view_updated -> shown text
        self.images: list[str] = []
        self.related = 0
        self.trending_json = ""
        self.seed_clock_ms = 0
        self.skeleton: list[str] = []     # tag.class of every element but the tags (span.tag)
        self.photo: dict[str, str] = {}   # the lead photo's <img> attributes
        self.caption = ""
        self.byline = ""
        self.feed(html)
        self.close()
        self.headline = norm(self.headline)
        self.caption, self.byline = norm(self.caption), norm(self.byline)
        self.paragraphs = [norm(p) for p in self.paragraphs]
        self.dates = {k: norm(v) for k, v in self.dates.items()}
        for items in self.widgets.values():
            for it in items:
                it["title"] = norm(it["title"])

    def _inside(self, cls: str) -> bool:
        return any(cls in c for _, c, _ in self.stack)

    def _inside_id(self, id_: str) -> bool:
        return any(a.get("id") == id_ for _, _, a in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = set((a.get("class") or "").split())
        if "tag" not in cls:
            body_paragraph = tag == "p" and self._inside_id("startts") and not self._inside("view_related")
            self.skeleton.append(BODY_P if body_paragraph else tag + "".join("." + c for c in sorted(cls)))
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])
            if self._inside("view_photo") and not self.photo:
                self.photo = a
        for c in cls & set(ITEM_CLASS):
            self.item = {"href": "", "title": "", "tag": "", "widget": ITEM_CLASS[c]}
            self.widgets[ITEM_CLASS[c]].append(self.item)
        if tag == "a" and self.item is not None and not self.item["href"]:
            if cls & TITLE_CLASS or self.item["widget"] in ("trending", "darkroom"):
                self.item["href"] = a.get("href", "")
        if tag == "time" and "datetime" in a:
            for key in ("view_posted", "view_updated"):
                if self._inside(key):
                    self.times[key] = a["datetime"]
        if tag == "p" and self._inside_id("startts") and not self._inside("view_related"):
            self.paragraphs.append("")
        if tag == "aside" and "view_related" in cls:
            self.related += 1
        if tag == "script" and a.get("id") == "trending_data":
            self.seed_clock_ms = int(a["data-seed-clock"])
        if tag not in VOID:
            self.stack.append((tag, cls, a))

    def handle_endtag(self, tag):
        while self.stack:
            t, cls, _ = self.stack.pop()
            if cls & set(ITEM_CLASS):
                self.item = None
            if t == tag:
                break

    def handle_data(self, data):
        if not self.stack:
            return
        tag, cls, attrs = self.stack[-1]
        if attrs.get("id") == "trending_data":
            self.trending_json += data
        if self._inside("view_headline") and tag == "h1":
            self.headline += data
        if self._inside("view_photo") and tag == "figcaption":
            self.caption += data
        if self._inside("view_byline"):
            self.byline += data
        for key in ("view_posted", "view_updated"):
            if self._inside(key):
                self.dates[key] = self.dates.get(key, "") + data
        if tag == "p" and self._inside_id("startts") and not self._inside("view_related"):
            self.paragraphs[-1] += data
        if self.item is not None:
            if "tag" in cls:
                self.item["tag"] += data
            elif self._inside_title_of_item():
                self.item["title"] += data

    def _inside_title_of_item(self) -> bool:
        if self.item["widget"] == "trending":
            return self._inside_tag("a")
        return any(cls & TITLE_CLASS for _, cls, _ in self.stack)

    def _inside_tag(self, tag: str) -> bool:
        return any(t == tag for t, _, _ in self.stack)


def widget_links(page: ArticlePage, widget: str) -> list[str]:
    return [it["href"] for it in page.widgets[widget]]


def widget_titles(page: ArticlePage, widget: str) -> list[str]:
    return [it["title"] for it in page.widgets[widget]]


@pytest.fixture(scope="module")
def day1():
    with DemoSite(port=0, font_delay=0) as site:
        yield site


@pytest.fixture(scope="module")
def day2():
    with DemoSite(port=0, font_delay=0, news_day=2) as site:
        yield site


@pytest.fixture(scope="module")
def day3():
    with DemoSite(port=0, font_delay=0, news_day=3) as site:
        yield site


@pytest.fixture(scope="module")
def day4():
    with DemoSite(port=0, font_delay=0, news_day=4) as site:
        yield site


def article_of(site) -> ArticlePage:
    status, _, body = fetch(site.url + ARTICLE)
    assert status == 200
    return ArticlePage(body.decode("utf-8"))


@pytest.fixture(scope="module")
def page1(day1) -> ArticlePage:
    return article_of(day1)


@pytest.fixture(scope="module")
def page2(day2) -> ArticlePage:
    return article_of(day2)


@pytest.fixture(scope="module")
def page3(day3) -> ArticlePage:
    return article_of(day3)


@pytest.fixture(scope="module")
def page4(day4) -> ArticlePage:
    return article_of(day4)


@pytest.mark.parametrize("widget", list(WIDGETS))
def test_widgets_carry_other_stories_in_the_same_counts(page1, page2, widget):
    count = WIDGETS[widget]
    links1, links2 = widget_links(page1, widget), widget_links(page2, widget)
    titles1, titles2 = widget_titles(page1, widget), widget_titles(page2, widget)
    assert len(links1) == len(links2) == len(titles2) == count, (widget, len(links1), len(links2))
    assert all(links2) and all(titles2), f"{widget}: an item without link or title"
    assert len(set(links2)) == count, f"{widget}: day 2 repeats a story"
    assert set(links1).isdisjoint(links2), f"{widget}: day 2 keeps day 1's stories {set(links1) & set(links2)}"
    assert set(titles1).isdisjoint(titles2), f"{widget}: day 2 keeps day 1's titles {set(titles1) & set(titles2)}"


def test_trending_json_matches_the_list(page2):
    stories = json.loads(page2.trending_json)
    assert [s["href"] for s in stories] == widget_links(page2, "trending")
    assert [s["title"] for s in stories] == widget_titles(page2, "trending")
    assert [s["tag"] for s in stories] == [it["tag"] for it in page2.widgets["trending"]]


def test_every_widget_link_of_day2_is_its_own_new_article(day1, day2, page2):
    opened: dict[str, str] = {}  # href -> headline of the page it opens (a story may be in two widgets)
    for widget in WIDGETS:
        for item in page2.widgets[widget]:
            href = item["href"]
            if href not in opened:
                status, headers, body = fetch(urljoin(day2.url + ARTICLE, href))
                assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8"), f"{widget} {href}: {status}"
                opened[href] = ArticlePage(body.decode("utf-8")).headline
                assert fetch(day1.url + href, "HEAD")[0] == 404, f"{widget} {href} already exists on day 1"
            want = f"[{item['tag']}] {item['title']}" if item["tag"] else item["title"]
            assert opened[href] == want, f"{widget} {href} opens {opened[href]!r}, expected {want!r}"
    assert len(opened) >= 30


def test_every_image_of_day2_article_loads(day2, page1, page2):
    # Banners, social icons, the photo, the related box and 20 widget thumbnails, as on day 1.
    assert len(page2.images) == len(page1.images) >= 34
    thumbs = {"/img/news/" + it["href"].rsplit("_", 1)[1].replace(".html", ".svg")
              for w in ("top10", "top5", "darkroom") for it in page2.widgets[w]}
    assert len(thumbs) == 20 and thumbs <= set(page2.images), "a widget story without its thumbnail"
    for src in sorted(set(page2.images)):
        status, headers, body = fetch(urljoin(day2.url + ARTICLE, src))
        assert status == 200 and headers["Content-Type"].startswith("image/") and body, f"{src}: {status}"


def test_top10_titles_of_other_lengths(page1, page2):
    # Measured with the site's fonts (Source Sans 3 600, 15px, in the 192/220/219 px headline
    # column of desktop/tablet/mobile): day 1's rank 1 takes three lines, day 2's one line;
    # day 2's rank 5 runs past the three-line clamp where day 1's took two. Characters stand in.
    t1, t2 = widget_titles(page1, "top10"), widget_titles(page2, "top10")
    assert any(len(b) <= 30 and len(a) >= 60 for a, b in zip(t1, t2)), "no short title where day 1's was long"
    assert any(len(b) >= len(a) + 40 for a, b in zip(t1, t2)), "no title much longer than day 1's at its rank"
    assert max(map(len, t2)) > max(map(len, t1)), "day 2's longest Top-10 title is not longer than day 1's"


def test_tag_sits_on_another_item(page1, page2):
    def tags(page):
        return {(w, rank, it["tag"]) for w in ("top10", "top5", "trending")
                for rank, it in enumerate(page.widgets[w], start=1) if it["tag"]}

    tags1, tags2 = tags(page1), tags(page2)
    assert {t for _, _, t in tags2} <= {"INTERVIEW", "VIDEO"}
    for widget in ("top10", "top5"):
        one = [(r, t) for w, r, t in tags1 if w == widget]
        two = [(r, t) for w, r, t in tags2 if w == widget]
        assert len(one) == len(two) == 1, (widget, one, two)
        assert one[0][0] != two[0][0], f"{widget}: the tag stays on item {one[0][0]}"
    assert tags1.isdisjoint(tags2)


def test_seed_article_is_corrected(page1, page2):
    h1, h2 = page1.headline, page2.headline
    assert h1 and h2 and h1 != h2, "headline not corrected"
    words1, words2 = h1.split(), h2.split()
    changed = [op for op in difflib.SequenceMatcher(a=words1, b=words2).get_opcodes() if op[0] != "equal"]
    assert len(changed) == 1 and max(op[2] - op[1] for op in changed) <= 2, f"not a small correction: {h1!r} -> {h2!r}"

    assert len(page1.paragraphs) == len(page2.paragraphs) == 22
    differing = [i for i, (a, b) in enumerate(zip(page1.paragraphs, page2.paragraphs), 1) if a != b]
    assert len(differing) == 1, f"paragraphs corrected: {differing}, expected exactly one"
    n = differing[0]
    ratio = difflib.SequenceMatcher(a=page1.paragraphs[n - 1], b=page2.paragraphs[n - 1]).ratio()
    assert 0.6 < ratio < 1, f"paragraph {n} rewritten, not corrected (similarity {ratio:.2f})"
    assert page1.related == page2.related == 1

    for page in (page1, page2):
        for key in ("view_posted", "view_updated"):
            assert DATE_RE.match(page.dates[key]), page.dates[key]

    def when(page, key):
        return datetime.fromisoformat(page.times[key])

    assert page1.dates["view_posted"] == page2.dates["view_posted"]
    assert when(page2, "view_updated") > when(page1, "view_updated"), "Updated is not later than day 1's"
    assert when(page2, "view_updated") > when(page2, "view_posted"), "Updated is not after Posted"
    assert page2.times["view_updated"].replace("T", " ")[:16] in page2.dates["view_updated"]


def trending_offset(now_ms: int, seed_clock_ms: int, n: int = 20) -> int:
    """KT.trendingOffset of static/js/site.js."""
    return (now_ms // 60000 - seed_clock_ms // 60000) % n


def test_clock_is_one_day_later_and_rotation_unchanged(day1, day2, page1, page2):
    assert page2.seed_clock_ms - page1.seed_clock_ms == DAY_MS
    assert datetime.fromisoformat(day2.seed_clock) - datetime.fromisoformat(day1.seed_clock) == timedelta(days=1)
    utc = timezone.utc
    clock1 = datetime.fromtimestamp(page1.seed_clock_ms / 1000, utc)
    clock2 = datetime.fromtimestamp(page2.seed_clock_ms / 1000, utc)
    assert date_line(clock1) == "Mon, February 6, 2023 | 21:47"
    assert date_line(clock2) == "Tue, February 7, 2023 | 21:47"
    # At the day's own clock the list shows the data's order; it moves one place a minute.
    assert trending_offset(page2.seed_clock_ms, page2.seed_clock_ms) == 0
    assert trending_offset(page2.seed_clock_ms + 10 * 60000, page2.seed_clock_ms) == 10
    for minutes in (0, 7, 19, 20, 61):
        t = page1.seed_clock_ms + minutes * 60000
        assert trending_offset(t, page2.seed_clock_ms) == trending_offset(t, page1.seed_clock_ms)


def test_same_templates_and_scripts(day1, day2, page1, page2):
    for asset in ("/static/js/site.js", "/static/js/print.js", "/static/css/site.css"):
        assert fetch(day1.url + asset)[2] == fetch(day2.url + asset)[2], asset
    # Element by element the same page (the tag badges move with the news).
    assert page1.skeleton == page2.skeleton
    for path in ("/www/section/nation.html", "/", ARTICLE + "?print=1", "/www/section/photos/darkroom.html"):
        status, _, body = fetch(day2.url + path)
        assert status == 200, path


def test_day2_stories_are_listed_by_their_sections(day2, page2):
    def listed(path):  # the story list of a section page (its sidebar repeats the widgets)
        body = fetch(day2.url + path)[2].decode("utf-8")
        return set(re.findall(r'<a class="story_title" href="([^"]+)"', body))

    assert set(widget_links(page2, "darkroom")) <= listed("/www/section/photos/darkroom.html")
    assert set(widget_links(page2, "top5")) <= listed("/www/section/entertainment.html")
    sitemap = fetch(day2.url + "/sitemap.txt")[2].decode().split()
    assert {it["href"] for w in WIDGETS for it in page2.widgets[w]} <= set(sitemap)


def test_mutation_applies_on_day2(page2):
    with DemoSite(port=0, font_delay=0, news_day=2, mutation="top10-item-missing") as site:
        mutated = article_of(site)
    assert widget_links(mutated, "top10") == widget_links(page2, "top10")[:9]
    assert mutated.headline == page2.headline
    with DemoSite(port=0, font_delay=0, news_day=2, mutation="headline-empty") as site:
        assert article_of(site).headline == ""


# --- days 3 and 4: day 2 with a longer story, and a shorter one under a taller photo ------------

def kept_in_order(kept: list[str], story: list[str]) -> bool:
    """Whether ``kept`` is ``story`` with some paragraphs left out (each word for word, in order)."""
    rest = iter(story)
    return all(any(p == q for q in rest) for p in kept)


def test_day3_story_is_longer(page2, page3):
    added = [p for p in page3.paragraphs if p not in page2.paragraphs]
    assert len(page3.paragraphs) >= len(page2.paragraphs) + 3, (len(page2.paragraphs), len(page3.paragraphs))
    assert len(added) == len(page3.paragraphs) - len(page2.paragraphs), "day 2's paragraphs were rewritten"
    assert kept_in_order(page2.paragraphs, page3.paragraphs), "day 2's paragraphs are not all there, in order"
    assert len(set(added)) == len(added) and all(len(p) >= 80 and p.endswith(".") for p in added), added
    assert page3.related == page2.related == 1
    assert (page3.headline, page3.dates["view_posted"]) == (page2.headline, page2.dates["view_posted"])
    assert page3.times["view_updated"] > page2.times["view_updated"], "the longer story is not a later update"


def test_day4_story_is_shorter(page2, page4):
    assert 6 <= len(page4.paragraphs) <= len(page2.paragraphs) // 2, (len(page2.paragraphs), len(page4.paragraphs))
    assert kept_in_order(page4.paragraphs, page2.paragraphs), "day 4's paragraphs are not day 2's, in order"
    assert page4.paragraphs[:6] == page2.paragraphs[:6], "the related box no longer follows the same paragraph 6"
    assert page4.related == page2.related == 1
    assert page4.headline == page2.headline
    assert page4.times["view_updated"] > page2.times["view_updated"]


def intrinsic_size(site, src: str) -> tuple[int, int]:
    """The served image's own size in pixels: decoded with Pillow, or read from an SVG's root."""
    import io
    import xml.etree.ElementTree as ET

    from PIL import Image

    status, headers, body = fetch(urljoin(site.url + ARTICLE, src))
    assert status == 200 and headers["Content-Type"].startswith("image/"), (src, status)
    if headers["Content-Type"] == "image/svg+xml":
        root = ET.fromstring(body)
        return int(root.get("width")), int(root.get("height"))
    with Image.open(io.BytesIO(body)) as img:
        img.load()
        return img.size


def test_day4_photo_is_taller_at_the_template_width(day2, day4, page2, page4):
    size2 = intrinsic_size(day2, page2.photo["src"])
    size4 = intrinsic_size(day4, page4.photo["src"])
    for size, page in ((size2, page2), (size4, page4)):  # the markup states the photo's own size
        assert (int(page.photo["width"]), int(page.photo["height"])) == size, (page.photo, size)
    assert size2[0] == size4[0] == 740, "not the template's 740 px width"
    assert size2[1] < size2[0] < size4[1], f"day 2's photo {size2}, day 4's {size4}: not landscape, then portrait"
    assert size4[1] / size4[0] >= 1.25
    assert page4.photo["src"] != page2.photo["src"] and page4.caption and page4.caption != page2.caption
    assert page4.photo["alt"] == page4.caption


LEAD_PHOTO_JS = """async () => {
  const img = document.querySelector('.view_photo img');
  await img.decode();
  const box = img.getBoundingClientRect(), column = document.getElementById('startts').getBoundingClientRect();
  return {complete: img.complete, natural: [img.naturalWidth, img.naturalHeight], box: [box.width, box.height],
          column: column.width, paragraphs: document.querySelectorAll('#startts > p').length};
}"""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 375, "height": 812}],
                         ids=["desktop", "mobile"])
def test_lead_photos_render_at_the_column_width_in_chromium(browser, day2, day3, day4, page2, page3, page4,
                                                           viewport):
    """In the session's Chromium (a second sync Playwright cannot start inside the first's loop)."""
    seen = {}
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        for day, site in ((2, day2), (3, day3), (4, day4)):
            page.goto(site.url + ARTICLE, wait_until="load")
            seen[day] = page.evaluate(LEAD_PHOTO_JS)
    finally:
        context.close()
    assert [seen[d]["paragraphs"] for d in (2, 3, 4)] == [len(p.paragraphs) for p in (page2, page3, page4)]
    for day, got in seen.items():
        (nat_w, nat_h), (w, h) = got["natural"], got["box"]
        assert got["complete"] and nat_w == 740, (day, got)
        assert abs(w - got["column"]) < 0.5, f"day {day}: the photo is {w} px wide in a {got['column']} px column"
        assert abs(h - w * nat_h / nat_w) < 1, f"day {day}: rendered {w}x{h}, not the photo's {nat_w}:{nat_h}"
    assert seen[4]["natural"] == [740, 987] and seen[2]["natural"] == seen[3]["natural"] == [740, 493]
    assert seen[2]["box"][0] == seen[4]["box"][0], "day 4's photo is not as wide as day 2's"
    assert seen[4]["box"][1] > 1.9 * seen[2]["box"][1]


def test_days_3_and_4_keep_day2s_template_and_widgets(day2, day3, day4, page2, page3, page4):
    def without_body_paragraphs(page):
        return [x for x in page.skeleton if x != BODY_P]

    for site, page in ((day3, page3), (day4, page4)):
        assert without_body_paragraphs(page) == without_body_paragraphs(page2), f"day {site.news_day}: other markup"
        assert page.skeleton.count(BODY_P) == len(page.paragraphs)
        for widget in WIDGETS:
            assert page.widgets[widget] == page2.widgets[widget], f"day {site.news_day}: {widget} is not day 2's"
        assert page.seed_clock_ms == page2.seed_clock_ms and site.seed_clock == day2.seed_clock
        for asset in ("/static/js/site.js", "/static/js/print.js", "/static/css/site.css"):
            assert fetch(site.url + asset)[2] == fetch(day2.url + asset)[2], asset
    assert page4.skeleton.count(BODY_P) < page2.skeleton.count(BODY_P) < page3.skeleton.count(BODY_P)


def test_paragraph_edits_are_checked():
    from demo_site.content import NewsDayError, Site, apply_news_day, edited_paragraphs, load_data

    story = ["one", "two", "three"]
    assert edited_paragraphs(story, {2: "TWO"}, {0: ["zero"], 2: ["2a", "2b"], 3: ["end"]}, [1, 3]) == \
        ["zero", "TWO", "2a", "2b", "end"]
    bad = [
        ({"insert_paragraphs": {23: ["after the end"]}}, "insert_paragraphs: no paragraph 23 (valid: 0-22)"),
        ({"insert_paragraphs": {4: "not a list"}}, "insert_paragraphs: after 4 give a list of non-empty paragraphs"),
        ({"insert_paragraphs": {4: [""]}}, "insert_paragraphs: after 4 give a list of non-empty paragraphs"),
        ({"drop_paragraphs": [0]}, "drop_paragraphs: no paragraph 0 (valid: 1-22)"),
        ({"paragraphs": {"3": "a number as text"}}, "paragraphs: no paragraph '3' (valid: 1-22)"),
        ({"drop_paragraphs": [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]},
         "a related box after paragraph 6, but the story has 3 paragraphs"),
    ]
    for edit, message in bad:
        with pytest.raises(NewsDayError, match=re.escape(f"overlay: article 330924: {message}")):
            apply_news_day(load_data(1), {"corrections": [{"id": 330924, **edit}]})
    for height in ("tall", 987.5, 100, 2401):  # the photo's size is read when a site is built from the data
        data = apply_news_day(load_data(1), {"corrections": [{"id": 330924, "photo": {"caption": "x", "height": height}}]})
        with pytest.raises(ValueError, match=rf"article 330924: photo height {re.escape(repr(height))} must be a whole "
                                             r"number of pixels, 160-2400"):
            Site(data)


def test_overlay_is_deterministic_and_checked():
    from demo_site.content import NewsDayError, apply_news_day, load_data

    assert load_data(2) == load_data(2) and load_data(1) != load_data(2)
    assert load_data(3) == load_data(3) and load_data(4) == load_data(4) and load_data(3) != load_data(4)
    bad = [
        {"site": {"no_such_key": 1}},
        {"articles": [{"id": 330924, "section": "nation", "title": "x", "posted": "2023-02-07 10:00",
                       "updated": "2023-02-07 10:00", "byline": "x"}]},
        {"corrections": [{"id": 999999999, "title": "x"}]},
        {"corrections": [{"id": 330924, "titel": "typo"}]},
        {"corrections": [{"id": 330924, "paragraphs": {23: "no such paragraph"}}]},
        {"corrections": [{"id": 330924, "updated": "2022-06-14 16:11"}]},
        {"site": {"top10": [1, 2, 3]}},
        {"headlines": []},
    ]
    for overlay in bad:
        with pytest.raises(NewsDayError):
            apply_news_day(load_data(1), overlay)


@pytest.mark.parametrize("day", [0, 5])
def test_unknown_news_day(day):
    with pytest.raises(ValueError, match=rf"^unknown news day {day}; valid days: 1, 2, 3, 4$"):
        DemoSite(news_day=day)
    for command in (["-m", "demo_site"], ["-m", "regress", "serve"]):
        bad = subprocess.run([sys.executable, *command, "--news-day", str(day)], cwd=ROOT,
                             capture_output=True, text=True, timeout=30)
        assert bad.returncode == 2, bad
        assert f"argument --news-day: invalid choice: {day} (choose from 1, 2, 3, 4)" in bad.stderr, bad.stderr
        assert "Traceback" not in bad.stderr and bad.stdout == ""
        assert bad.stderr.count("error:") == 1


def test_cli_serves_day2(page2):
    proc = subprocess.Popen([sys.executable, "-m", "demo_site", "--port", "0", "--news-day", "2", "--font-delay", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        m = re.fullmatch(r"Serving demo site at (http://127\.0\.0\.1:\d+)/", line)
        assert m, line
        status, _, body = fetch(m.group(1) + ARTICLE)
        assert status == 200
        served = ArticlePage(body.decode("utf-8"))
        assert (served.headline, widget_links(served, "top10")) == (page2.headline, widget_links(page2, "top10"))
    finally:
        proc.terminate()
        proc.wait(5)
        proc.stdout.close()
        proc.stderr.close()
