"""Site data for the demo replica: loads demo_site/data/*.yaml, derives paths and indexes,
generates filler paragraphs, load-test articles and article images (SVG), all deterministic."""
from __future__ import annotations

import copy
import hashlib
import random
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_ARTICLE_ID = 330924
SEED_ARTICLE_PATH = "/www/nation/2022/06/120_330924.html"
GENERATED_ID_BASE = 900000
# News days: 1 is the seed day; a later day is day 1's data plus its overlay file in data/.
NEWS_DAYS = (1, 2)
NEWS_DAY_OVERLAYS = {2: "news-day-2.yaml"}
_OVERLAY_KEYS = {"site", "articles", "corrections"}

_SENTENCES = [
    "Officials familiar with the matter said the discussions were expected to continue over the coming weeks.",
    "The government plans to announce detailed measures after consultations with related ministries.",
    "Critics argue that the decision was made without sufficient public debate.",
    "Industry watchers said the move could have a lasting impact on the sector.",
    "Experts called for a more careful approach, citing uncertainty at home and abroad.",
    "The issue has drawn wide attention on social media, where opinions remain sharply divided.",
    "According to figures released on Monday, the number rose for the third consecutive month.",
    "A spokesperson declined to comment further, saying the review was still under way.",
    "Lawmakers from both the ruling and opposition parties have pledged to address the matter.",
    "Residents interviewed in Seoul said they hoped for a quick and practical solution.",
    "The plan will be reviewed again in the second half of the year, officials said.",
    "Analysts noted that similar steps had been taken in Japan and the United States.",
    "The announcement came a day after a meeting of senior officials in Sejong.",
    "Observers expect the debate to intensify ahead of next year's general elections.",
    "The organizers said more than 3,000 people had signed up to take part.",
    "Market participants reacted cautiously, with shares trading in a narrow range.",
]


def load_yaml(name: str) -> Any:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_data(news_day: int = 1) -> dict:
    """Raw data as a dict: {"site": ..., "articles": [...]}. Mutations transform this dict.

    ``news_day`` 1 is the seed day (site.yaml + articles.yaml as they are); other days apply
    their overlay file (``NEWS_DAY_OVERLAYS``) to that data, see :func:`apply_news_day`."""
    if news_day not in NEWS_DAYS:
        raise ValueError(f"unknown news day {news_day!r}; valid days: {', '.join(map(str, NEWS_DAYS))}")
    site = load_yaml("site.yaml")
    articles = load_yaml("articles.yaml")["articles"]
    data = {"site": site, "articles": articles}
    if news_day in NEWS_DAY_OVERLAYS:
        data = apply_news_day(data, load_yaml(NEWS_DAY_OVERLAYS[news_day]), NEWS_DAY_OVERLAYS[news_day])
    for a in data["articles"]:
        for key in ("posted", "updated", "title", "byline"):
            if key in a:
                a[key] = str(a[key])
    return data


class NewsDayError(ValueError):
    """A news-day overlay that does not fit the data it is applied to."""


def apply_news_day(data: dict, overlay: dict, name: str = "overlay") -> dict:
    """Apply a news-day overlay to the loaded data (in place; returns it). The overlay has:

    * ``site``: top-level keys of site.yaml, each replaced as a whole (widget id lists,
      ``seed_clock``); a key site.yaml does not have is an error;
    * ``articles``: new article records, appended (their ids must be new);
    * ``corrections``: edits of existing records by ``id``: every other field replaces the
      record's, except ``paragraphs``, a map of 1-based paragraph number -> corrected text.

    Every id a widget lists must exist afterwards. Errors raise :class:`NewsDayError`."""
    def fail(msg: str):
        raise NewsDayError(f"{name}: {msg}")

    if not isinstance(overlay, dict) or set(overlay) - _OVERLAY_KEYS:
        fail(f"top-level keys must be some of {sorted(_OVERLAY_KEYS)}")
    site, articles = data["site"], data["articles"]
    for key, value in (overlay.get("site") or {}).items():
        if key not in site:
            fail(f"site key {key!r} is not in site.yaml")
        site[key] = value
    by_id = {int(a["id"]): a for a in articles}
    for rec in overlay.get("articles") or []:
        if int(rec["id"]) in by_id:
            fail(f"article id {rec['id']} already exists")
        by_id[int(rec["id"])] = rec
        articles.append(rec)
    for fix in overlay.get("corrections") or []:
        fix = dict(fix)
        target = by_id.get(int(fix.pop("id", 0)))
        if target is None:
            fail("a correction names an article id that does not exist")
        unknown = sorted(k for k in fix if k != "paragraphs" and k not in target)
        if unknown:
            fail(f"a correction of article {target['id']} sets fields it does not have: {unknown}")
        paragraphs = fix.pop("paragraphs", None) or {}
        if paragraphs:
            if not target.get("paragraphs"):
                fail(f"article {target['id']} has no paragraphs of its own to correct")
            target["paragraphs"] = list(target["paragraphs"])
            for number, text in paragraphs.items():
                if not 1 <= int(number) <= len(target["paragraphs"]):
                    fail(f"article {target['id']} has no paragraph {number}")
                target["paragraphs"][int(number) - 1] = text
        target.update(fix)
        if str(target.get("updated", "")) < str(target.get("posted", "")):
            fail(f"article {target['id']} would be updated before it was posted")
    for widget in ("trending", "top10", "top5", "darkroom"):
        missing = [i for i in site.get(widget, []) if int(i) not in by_id]
        if missing:
            fail(f"{widget} lists unknown article ids {missing}")
    return data


def seeded(seed: Any) -> random.Random:
    return random.Random(int(hashlib.sha256(str(seed).encode()).hexdigest()[:12], 16))


def generated_paragraphs(article_id: Any, title: str, n: int | None = None) -> list[str]:
    rnd = seeded(article_id)
    n = n or rnd.randint(4, 6)
    lead = f"{title.rstrip('?.!')} — this is the story our readers followed most closely this week."
    out = [lead]
    pool = _SENTENCES[:]
    rnd.shuffle(pool)
    for i in range(n - 1):
        out.append(pool[(i * 2) % len(pool)] + " " + pool[(i * 2 + 1) % len(pool)])
    return out


def generate_articles(n: int) -> list[dict]:
    """N generated article records (for load tests) at deterministic paths.

    Article i (1-based) has id GENERATED_ID_BASE + i and cycles through the sections."""
    sections = [
        ("nation", "society"), ("biz", "tech"), ("finance", "economy"), ("lifestyle", "trends"),
        ("entertainment", "k-pop"), ("opinion", "columns"), ("world", "asia"), ("sports", None),
    ]
    out = []
    for i in range(1, int(n) + 1):
        sec, sub = sections[(i - 1) % len(sections)]
        day = 1 + (i - 1) % 28
        out.append({
            "id": GENERATED_ID_BASE + i,
            "section": sec,
            "subsection": sub,
            "title": f"Generated story No. {i}: officials review plan for {sec} desk",
            "posted": f"2023-01-{day:02d} {8 + i % 12:02d}:{(i * 7) % 60:02d}",
            "updated": f"2023-01-{day:02d} {9 + i % 12:02d}:{(i * 7) % 60:02d}",
            "byline": "Demo Reporter",
            "generated": True,
        })
    return out


def slugify_name(name: str) -> str:
    return name.replace(" ", "+")


class Site:
    """Indexed view of the data, used by the server to render pages."""

    def __init__(self, data: dict, extra_articles: int = 0):
        data = copy.deepcopy(data)
        if extra_articles:
            data["articles"] = list(data["articles"]) + generate_articles(extra_articles)
        self.data = data
        self.site = data["site"]
        self.sections = self.site["sections"]
        self.section_by_slug = {s["slug"]: s for s in self.sections}
        nk = dict(self.site["north_korea"], subsections=[], gnb=self.site["north_korea"]["name"])
        self.section_by_slug[nk["slug"]] = nk
        self.articles: list[dict] = []
        self.by_id: dict[int, dict] = {}
        self.by_path: dict[str, dict] = {}
        for raw in data["articles"]:
            a = self._prepare(raw)
            self.articles.append(a)
            self.by_id[a["id"]] = a
            self.by_path[a["path"]] = a
        self.articles_sorted = sorted(self.articles, key=lambda a: a["posted"], reverse=True)
        self.pages = self.site.get("pages", {})

    # -- articles ---------------------------------------------------------
    def _prepare(self, raw: dict) -> dict:
        a = dict(raw)
        a["id"] = int(a["id"])
        sec = self.section_by_slug.get(a["section"], {"name": a["section"], "slug": a["section"], "subsections": []})
        sub = next((s for s in sec.get("subsections", []) if s["slug"] == a.get("subsection")), None)
        a["section_obj"] = sec
        a["subsection_obj"] = sub
        a["cat"] = (sub or sec).get("cat", 100)
        a["category"] = (sub or sec)["name"]
        a["category_href"] = self.section_href(sec["slug"], sub["slug"] if sub else None)
        yyyy, mm = a["posted"][:4], a["posted"][5:7]
        a["path"] = f"/www/{sec['slug']}/{yyyy}/{mm}/{a['cat']}_{a['id']}.html"
        a["image"] = f"/img/news/{a['id']}.svg"
        a["display_title"] = f"[{a['tag']}] {a['title']}" if a.get("tag") else a["title"]
        if not a.get("paragraphs"):
            a["paragraphs"] = generated_paragraphs(a["id"], a["title"])
        a["reporter_email"] = a.get("email") or (
            "ksw@koreatimes.co.kr" if a["byline"] == "Kang Seung-woo"
            else "".join(p[0] for p in a["byline"].replace("-", " ").lower().split()) + "@koreatimes.co.kr")
        return a

    def related(self, article: dict) -> list[dict]:
        out = []
        for rel in article.get("related", []) or []:
            target = self.by_id.get(int(rel["id"]))
            if target:
                out.append({"article": target, "after": int(rel.get("after_paragraph", 6))})
        return out

    def widget(self, name: str) -> list[dict]:
        return [self.by_id[i] for i in self.site.get(name, []) if i in self.by_id]

    def section_href(self, slug: str, sub: str | None = None) -> str:
        return f"/www/section/{slug}/{sub}.html" if sub else f"/www/section/{slug}.html"

    def articles_in(self, slug: str, sub: str | None = None) -> list[dict]:
        if slug == self.site["north_korea"]["slug"]:
            return [a for a in self.articles_sorted
                    if "north korea" in (a["title"] + " " + a.get("sub_headline", "")).lower()]
        return [a for a in self.articles_sorted
                if a["section"] == slug and (sub is None or a.get("subsection") == sub)]

    def search(self, kwd: str) -> list[dict]:
        k = kwd.strip().lower()
        if not k:
            return []
        return [a for a in self.articles_sorted
                if k in a["title"].lower() or k in a.get("sub_headline", "").lower()]

    def by_reporter(self, name: str) -> list[dict]:
        return [a for a in self.articles_sorted if a["byline"].lower() == name.strip().lower()]

    def generated_paths(self) -> list[str]:
        return [a["path"] for a in self.articles if a.get("generated")]


def generated_article_paths(n: int) -> list[str]:
    """Paths of the N generated articles, without starting a server."""
    return Site(load_data(), extra_articles=n).generated_paths()


# -- images ---------------------------------------------------------------
def news_svg(key: str, width: int = 740, height: int = 493) -> str:
    """An abstract 'photo' drawn deterministically from key: sky gradient, sun, hills, shapes."""
    rnd = seeded("img:" + key)
    h1 = rnd.randint(0, 359)
    h2 = (h1 + rnd.randint(30, 140)) % 360
    h3 = (h1 + 180) % 360
    sun_x, sun_y, sun_r = rnd.randint(80, width - 80), rnd.randint(60, height // 2), rnd.randint(30, 80)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        "<defs>",
        f'<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl({h1},55%,42%)"/>'
        f'<stop offset="1" stop-color="hsl({h2},60%,78%)"/></linearGradient>',
        f'<radialGradient id="sun"><stop offset="0" stop-color="hsl({h3},90%,92%)"/>'
        f'<stop offset="1" stop-color="hsl({h3},90%,70%)" stop-opacity="0"/></radialGradient>',
        "</defs>",
        f'<rect width="{width}" height="{height}" fill="url(#sky)"/>',
        f'<circle cx="{sun_x}" cy="{sun_y}" r="{sun_r * 2}" fill="url(#sun)"/>',
        f'<circle cx="{sun_x}" cy="{sun_y}" r="{sun_r // 2}" fill="hsl({h3},85%,90%)" opacity=".85"/>',
    ]
    for layer in range(3):
        base = height * (0.55 + 0.13 * layer)
        pts = [f"0,{height}"]
        steps = 6
        for s in range(steps + 1):
            x = width * s / steps
            y = base - rnd.randint(0, int(height * 0.18))
            pts.append(f"{x:.0f},{y:.0f}")
        pts.append(f"{width},{height}")
        light = 30 - layer * 8
        parts.append(f'<polygon points="{" ".join(pts)}" fill="hsl({(h1 + 20 * layer) % 360},35%,{light}%)" opacity=".92"/>')
    for _ in range(rnd.randint(3, 6)):
        x, y = rnd.randint(0, width), rnd.randint(height // 2, height)
        w, hgt = rnd.randint(20, 70), rnd.randint(40, 160)
        parts.append(f'<rect x="{x}" y="{y - hgt}" width="{w}" height="{hgt}" fill="hsl({h2},20%,{rnd.randint(12, 30)}%)" opacity=".8"/>')
    parts.append("</svg>")
    return "".join(parts)
