"""Site data for the demo replica: loads demo_site/data/*.yaml, derives paths and indexes,
generates filler paragraphs, load-test articles and article images (SVG, and JPEG renditions
of any size drawn with Pillow), all deterministic."""
from __future__ import annotations

import colorsys
import copy
import hashlib
import io
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_ARTICLE_ID = 330924
SEED_ARTICLE_PATH = "/www/nation/2022/06/120_330924.html"
GENERATED_ID_BASE = 900000
# News days: 1 is the seed day; a later day is day 1's data plus its overlay files in data/,
# applied in order. Days 3 and 4 are variants of day 2 (its widgets, clock and corrections):
# 3 with a longer seed story, 4 with a shorter one under a taller (portrait) lead photo.
NEWS_DAYS = (1, 2, 3, 4)
NEWS_DAY_OVERLAYS = {
    2: ("news-day-2.yaml",),
    3: ("news-day-2.yaml", "news-day-3.yaml"),
    4: ("news-day-2.yaml", "news-day-4.yaml"),
}
_OVERLAY_KEYS = {"site", "articles", "corrections"}
_PARAGRAPH_EDITS = ("paragraphs", "insert_paragraphs", "drop_paragraphs")

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
    their overlay files (``NEWS_DAY_OVERLAYS``, in order) to that data, see :func:`apply_news_day`."""
    if news_day not in NEWS_DAYS:
        raise ValueError(f"unknown news day {news_day!r}; valid days: {', '.join(map(str, NEWS_DAYS))}")
    site = load_yaml("site.yaml")
    articles = load_yaml("articles.yaml")["articles"]
    data = {"site": site, "articles": articles}
    for name in NEWS_DAY_OVERLAYS.get(news_day, ()):
        data = apply_news_day(data, load_yaml(name), name)
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
      record's, except the paragraph edits, whose numbers are 1-based and count the record's
      paragraphs as they were before this correction:
      ``paragraphs`` (number -> corrected text), ``insert_paragraphs`` (number -> list of new
      paragraphs after it; 0 = before the first) and ``drop_paragraphs`` (list of numbers).

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
        unknown = sorted(k for k in fix if k not in _PARAGRAPH_EDITS and k not in target)
        if unknown:
            fail(f"a correction of article {target['id']} sets fields it does not have: {unknown}")
        edits = [fix.pop(k, None) for k in _PARAGRAPH_EDITS]
        if any(edits):
            try:
                target["paragraphs"] = edited_paragraphs(target.get("paragraphs"), *edits)
            except ValueError as err:
                fail(f"article {target['id']}: {err}")
        target.update(fix)
        if str(target.get("updated", "")) < str(target.get("posted", "")):
            fail(f"article {target['id']} would be updated before it was posted")
        beyond = [r["after_paragraph"] for r in target.get("related") or []
                  if int(r.get("after_paragraph", 6)) > len(target.get("paragraphs") or [])]
        if target.get("paragraphs") and beyond:
            fail(f"article {target['id']}: a related box after paragraph {beyond[0]}, "
                 f"but the story has {len(target['paragraphs'])} paragraphs")
    for widget in ("trending", "top10", "top5", "darkroom"):
        missing = [i for i in site.get(widget, []) if int(i) not in by_id]
        if missing:
            fail(f"{widget} lists unknown article ids {missing}")
    return data


def edited_paragraphs(paragraphs: list[str] | None, fixes: dict | None = None,
                      insert: dict | None = None, drop: list | None = None) -> list[str]:
    """``paragraphs`` with a correction's edits (``fixes``: number -> text; ``insert``: number ->
    new paragraphs after it, 0 = before the first; ``drop``: numbers). Every number counts the
    paragraphs as given, so the edits do not depend on their order."""
    if not paragraphs:
        raise ValueError("no paragraphs of its own to edit")
    n = len(paragraphs)

    def check(key: str, number: Any, lowest: int = 1) -> int:
        if not isinstance(number, int) or not lowest <= number <= n:
            raise ValueError(f"{key}: no paragraph {number!r} (valid: {lowest}-{n})")
        return number

    out = [[text] for text in paragraphs]  # out[i]: paragraph i+1 and what follows it
    head: list[str] = []                  # new paragraphs before the first
    for number, text in (fixes or {}).items():
        out[check("paragraphs", number) - 1][0] = text
    for number, texts in (insert or {}).items():
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t.strip() for t in texts):
            raise ValueError(f"insert_paragraphs: after {number} give a list of non-empty paragraphs")
        (head if check("insert_paragraphs", number, 0) == 0 else out[number - 1]).extend(texts)
    for number in drop or []:
        out[check("drop_paragraphs", number) - 1][0] = None
    return head + [t for group in out for t in group if t is not None]


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


def raster_path(key: Any, width: int, height: int) -> str:
    """Path of the JPEG rendition of an article image (the server draws any size in RASTER_SIZES)."""
    return f"/img/news/{key}-{width}x{height}.jpg"


def lead_photo(article: dict) -> dict:
    """The lead photo of an article record: src, width and height as the page shows it, and the
    share image (og:image, structured data), a JPEG of the same drawing and size.

    By default the photo is the article's SVG at the template's 740 x 493. A record whose
    ``photo`` gives a ``height`` has a photo of its own proportions: the JPEG at 740 x height,
    which is then the lead photo and the share image at once."""
    photo = article.get("photo") or {}
    height = photo.get("height", None)
    share = raster_path(article["id"], PHOTO_WIDTH, PHOTO_HEIGHT if height is None else height)
    if height is None:
        return {"src": article["image"], "width": PHOTO_WIDTH, "height": PHOTO_HEIGHT, "share": share}
    if not isinstance(height, int) or isinstance(height, bool) or height not in RASTER_SIZES:
        raise ValueError(f"article {article['id']}: photo height {height!r} must be a whole number of "
                         f"pixels, {RASTER_SIZES.start}-{RASTER_SIZES.stop - 1}")
    return {"src": share, "width": PHOTO_WIDTH, "height": height, "share": share}


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
        a["lead"] = lead_photo(a)
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
# Article photos are abstract scenes drawn from a key (the article id): the same scene as SVG
# (the lead photo and thumbnails on the page) and as a JPEG rendition of any size (the share
# image of og:image and the structured data, and a lead photo of its own proportions).
PHOTO_WIDTH = 740   # the template's lead-photo width (the real site resized its photos to 740 px)
PHOTO_HEIGHT = 493  # the default lead photo's height (3:2)
RASTER_SIZES = range(160, 2401)  # the renditions the server draws on request, per side in px


@dataclass(frozen=True)
class Scene:
    """What an article 'photo' shows, drawn deterministically from its key."""
    width: int
    height: int
    sky: tuple[int, int]         # hues of the sky gradient, top and bottom
    sun_hue: int
    sun: tuple[int, int, int]    # centre x, y and radius
    hills: tuple[tuple[int, tuple[tuple[int, int], ...]], ...]  # (hue and lightness, points) per layer
    blocks: tuple[tuple[int, int, int, int, int], ...]  # x, y, width, height, lightness


def news_scene(key: str, width: int = PHOTO_WIDTH, height: int = PHOTO_HEIGHT) -> Scene:
    rnd = seeded("img:" + key)
    h1 = rnd.randint(0, 359)
    h2 = (h1 + rnd.randint(30, 140)) % 360
    h3 = (h1 + 180) % 360
    sun = (rnd.randint(80, width - 80), rnd.randint(60, height // 2), rnd.randint(30, 80))
    hills = []
    for layer in range(3):
        base = height * (0.55 + 0.13 * layer)
        steps = 6
        pts = tuple((round(width * s / steps), round(base - rnd.randint(0, int(height * 0.18))))
                    for s in range(steps + 1))
        hills.append(((h1 + 20 * layer) % 360, 30 - layer * 8, pts))
    blocks = []
    for _ in range(rnd.randint(3, 6)):
        x, y = rnd.randint(0, width), rnd.randint(height // 2, height)
        w, hgt = rnd.randint(20, 70), rnd.randint(40, 160)
        blocks.append((x, y - hgt, w, hgt, rnd.randint(12, 30)))
    return Scene(width, height, (h1, h2), h3, sun,
                 tuple(((hue, light), pts) for hue, light, pts in hills), tuple(blocks))


def news_svg(key: str, width: int = PHOTO_WIDTH, height: int = PHOTO_HEIGHT) -> str:
    """An abstract 'photo' drawn deterministically from key: sky gradient, sun, hills, shapes."""
    sc = news_scene(key, width, height)
    (h1, h2), h3 = sc.sky, sc.sun_hue
    sun_x, sun_y, sun_r = sc.sun
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
    for (hue, light), pts in sc.hills:
        points = " ".join([f"0,{height}"] + [f"{x},{y}" for x, y in pts] + [f"{width},{height}"])
        parts.append(f'<polygon points="{points}" fill="hsl({hue},35%,{light}%)" opacity=".92"/>')
    for x, y, w, hgt, light in sc.blocks:
        parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{hgt}" fill="hsl({h2},20%,{light}%)" opacity=".8"/>')
    parts.append("</svg>")
    return "".join(parts)


def _hsl(hue: float, sat: float, light: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue / 360, light, sat)
    return round(r * 255), round(g * 255), round(b * 255)


@lru_cache(maxsize=64)
def news_jpeg(key: str, width: int = PHOTO_WIDTH, height: int = PHOTO_HEIGHT) -> bytes:
    """The scene of ``key`` as a JPEG of exactly width x height pixels (drawn with Pillow at
    twice the size and scaled down, so edges are smooth). Deterministic for a given Pillow."""
    import numpy as np
    from PIL import Image, ImageDraw

    if width not in RASTER_SIZES or height not in RASTER_SIZES:
        raise ValueError(f"image size {width}x{height}: each side must be {RASTER_SIZES.start}"
                         f"-{RASTER_SIZES.stop - 1} px")
    sc = news_scene(key, width, height)
    k = 2
    W, H = width * k, height * k
    top, bottom = np.array(_hsl(sc.sky[0], .55, .42), float), np.array(_hsl(sc.sky[1], .60, .78), float)
    column = (top + (bottom - top) * np.linspace(0, 1, H)[:, None]).round().astype(np.uint8)
    img = Image.fromarray(column[:, None, :], "RGB").resize((W, H), Image.NEAREST)
    sx, sy, sr = (v * k for v in sc.sun)
    glow_r = 2 * sr  # the radial gradient fades to transparent at twice the sun's radius
    yy, xx = np.mgrid[-glow_r:glow_r, -glow_r:glow_r]
    fade = np.clip(np.hypot(xx, yy) / glow_r, 0, 1)[..., None]
    inner, outer = np.array(_hsl(sc.sun_hue, .9, .92), float), np.array(_hsl(sc.sun_hue, .9, .70), float)
    glow = np.concatenate([inner + (outer - inner) * fade, 255 * (1 - fade)], axis=2)
    img.paste(Image.fromarray(glow.round().astype(np.uint8), "RGBA"), (sx - glow_r, sy - glow_r),
              Image.fromarray(glow[..., 3].round().astype(np.uint8), "L"))
    draw = ImageDraw.Draw(img, "RGBA")  # fills with alpha blend onto the picture
    r = sc.sun[2] // 2 * k
    draw.ellipse((sx - r, sy - r, sx + r, sy + r), fill=_hsl(sc.sun_hue, .85, .90) + (round(255 * .85),))
    for (hue, light), pts in sc.hills:
        poly = [(0, H)] + [(x * k, y * k) for x, y in pts] + [(W, H)]
        draw.polygon(poly, fill=_hsl(hue, .35, light / 100) + (round(255 * .92),))
    for x, y, w, hgt, light in sc.blocks:
        draw.rectangle((x * k, y * k, (x + w) * k - 1, (y + hgt) * k - 1),
                       fill=_hsl(sc.sky[1], .20, light / 100) + (round(255 * .8),))
    out = io.BytesIO()
    img.convert("RGB").resize((width, height), Image.LANCZOS).save(out, "JPEG", quality=88)
    return out.getvalue()


PUBLISHER_LOGO_SIZE = (600, 60)  # the largest logo structured-data consumers take (Google: 600 x 60)


@lru_cache(maxsize=1)
def publisher_logo_png(name: str) -> bytes:
    """The masthead as a PNG: ``name`` in the site's Lora 700, navy on white, centred."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(Path(__file__).resolve().parent / "static" / "fonts" / "lora-latin-700-normal.woff2"), 40)
    img = Image.new("RGB", PUBLISHER_LOGO_SIZE, "white")
    draw = ImageDraw.Draw(img)
    left, top, right, bottom = draw.textbbox((0, 0), name, font=font)
    w, h = PUBLISHER_LOGO_SIZE
    draw.text(((w - (right - left)) / 2 - left, (h - (bottom - top)) / 2 - top), name, font=font, fill="#0a2240")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()
