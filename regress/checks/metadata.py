"""metadata: what crawlers and share previews read of an article page agrees with the page.

One item per page (the head does not depend on the viewport). Read through the page
objects (``ArticlePage.head()``, ``Article.shown()``), then:

* ``<title>`` and ``og:title`` carry the headline as the page shows it, optionally followed by
  the site's suffix: the check's ``title_suffix`` (a regular expression), else a separator
  (``-``, ``|``, ``–``, ``—``, ``:``, ``·``) and the page's own ``og:site_name``;
* ``og:url`` is the canonical URL; the description is set; no ``noindex`` (robots meta tags
  and the ``X-Robots-Tag`` header);
* ``og:image`` and the structured data's images answer 200 and decode as images (Pillow), at
  their declared size if one is declared; the favicon (``<link rel=icon>``, else
  ``/favicon.ico``) answers 200. Requested under the link policy (``links`` settings plus the
  check's ``allow_hosts``): a host it does not allow is not requested, and is listed as not
  checked, as the links kind does;
* the JSON-LD blocks parse, one of them is a ``NewsArticle`` valid against
  :data:`NEWS_ARTICLE_SCHEMA` (jsonschema), and its ``headline``, ``datePublished``,
  ``dateModified`` and ``author`` agree with the headline, the Posted and Updated times (read
  at the check's ``utc_offset``, the site's zone) and the byline the page shows.

Content-independent: it runs on the pinned and the live rules alike.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urljoin

from ..engines.linkcheck import Fetched, LinkChecker
from . import CheckKind, Problems, register

TITLE = "title carries the headline"
OG_TITLE = "og:title carries the headline"
OG_URL = "og:url is the canonical URL"
OG_IMAGE = "og:image loads"
DESCRIPTION = "description is set"
INDEXABLE = "no noindex"
FAVICON = "favicon loads"
JSON_LD = "structured data is a NewsArticle"
LD_IMAGE = "structured data image loads"
LD_HEADLINE = "structured data headline"
LD_PUBLISHED = "structured data datePublished"
LD_MODIFIED = "structured data dateModified"
LD_AUTHOR = "structured data author"
SUB_CHECKS = (TITLE, OG_TITLE, OG_URL, OG_IMAGE, DESCRIPTION, INDEXABLE, FAVICON,
              JSON_LD, LD_IMAGE, LD_HEADLINE, LD_PUBLISHED, LD_MODIFIED, LD_AUTHOR)

# schema.org's NewsArticle and its subtypes.
NEWS_TYPES = frozenset({"NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle", "BackgroundNewsArticle",
                        "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle"})
_DATE_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"  # with its zone
_URL = {"type": "string", "pattern": r"^https?://\S+$"}
_NAMED = {"type": "object", "required": ["@type", "name"], "properties": {
    "@type": {"enum": ["Person", "Organization", "NewsMediaOrganization"]},
    "name": {"type": "string", "pattern": r"\S"}}}
_IMAGE_OBJECT = {"type": "object", "required": ["url"], "properties": {
    "@type": {"const": "ImageObject"}, "url": _URL,
    "width": {"type": "integer", "minimum": 1}, "height": {"type": "integer", "minimum": 1}}}
_IMAGE = {"if": {"type": "string"}, "then": _URL, "else": _IMAGE_OBJECT}


def _one_or_more(item: dict) -> dict:
    """``item``, or a non-empty list of them (if/then/else, not anyOf: errors keep their field's path)."""
    return {"if": {"type": "array"}, "then": {"minItems": 1, "items": item}, "else": item}


# The NewsArticle fields this check uses, as schema.org and Google's article guidelines give them.
NEWS_ARTICLE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["headline", "datePublished", "dateModified", "author", "image"],
    "properties": {
        "headline": {"type": "string", "pattern": r"\S"},
        "datePublished": {"type": "string", "pattern": _DATE_TIME},
        "dateModified": {"type": "string", "pattern": _DATE_TIME},
        "author": _one_or_more(_NAMED),
        "image": _one_or_more(_IMAGE),
    },
}
_SEPARATORS = r"\s*[-|:\u2013\u2014\u00b7]\s*"
_SHOWN_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})")
_NOINDEX = frozenset({"noindex", "none"})


def assertions(options, viewport: str) -> list[str]:
    return list(SUB_CHECKS)


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


# --- title, og:url, description, robots (pure) ------------------------------------------------

def site_suffix(site_name: str | None) -> str | None:
    """The suffix a title may carry after the headline: a separator and the site's name."""
    return _SEPARATORS + re.escape(norm(site_name)) if norm(site_name) else None


def title_problem(field: str, value: str | None, headline: str, suffix: str | None) -> str | None:
    """``value`` must be the headline, or the headline followed by a match of ``suffix``."""
    allowed = f" (optionally followed by a suffix matching {suffix!r})" if suffix else ""
    if value is None:
        return f"{field}: absent, expected the headline {headline!r}{allowed}"
    got = norm(value)
    if got == headline or (suffix and re.fullmatch(re.escape(headline) + f"(?:{suffix})", got)):
        return None
    return f"{field}: expected the headline {headline!r}{allowed}, got {got!r}"


def og_url_problem(og_url: str | None, canonical: str | None) -> str | None:
    if not canonical:
        return "og:url: the page has no <link rel=canonical> to compare it with"
    if og_url is None:
        return f"og:url: absent, expected the canonical URL {canonical!r}"
    if og_url.strip() != canonical:
        return f"og:url: expected the canonical URL {canonical!r}, got {og_url!r}"
    return None


def description_problem(description: str | None) -> str | None:
    if description is None:
        return "description: absent, expected a <meta name=description> with the story's summary"
    if not norm(description):
        return f"description: expected the story's summary, got {description!r} (empty)"
    return None


def robots_problems(meta: Mapping[str, Sequence[str]], x_robots_tag: str | None) -> list[str]:
    """A ``noindex`` (or ``none``) in a robots meta tag or the X-Robots-Tag header."""
    found = [(f"<meta name={key}>", content) for key in ("robots", "googlebot") for content in meta.get(key, ())]
    found += [("X-Robots-Tag header", x_robots_tag)] if x_robots_tag else []
    problems = []
    for where, content in found:
        # "googlebot: noindex" in a header names its crawler first
        tokens = {token.split(":")[-1].strip().lower() for token in content.split(",")}
        if tokens & _NOINDEX:
            problems.append(f"robots: {where} says {content!r}, expected an article crawlers may index (no noindex)")
    return problems


# --- JSON-LD (pure) ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StructuredData:
    """The page's NewsArticle if one parses and is valid, and what is wrong with the blocks."""
    article: Mapping[str, Any] | None
    problems: tuple[str, ...]


def _nodes(doc: Any) -> Iterable[Mapping[str, Any]]:
    """Top-level objects of a JSON-LD document: an object, a list of them, or an ``@graph``."""
    for node in doc if isinstance(doc, list) else [doc]:
        if isinstance(node, dict):
            yield node
            graph = node.get("@graph")
            yield from (n for n in graph if isinstance(n, dict)) if isinstance(graph, list) else ()


def _is_news_article(node: Mapping[str, Any]) -> bool:
    types = node.get("@type")
    return bool(NEWS_TYPES & set(types if isinstance(types, list) else [types]) - {None})


def schema_problems(article: Mapping[str, Any]) -> list[str]:
    """Where ``article`` breaks :data:`NEWS_ARTICLE_SCHEMA`, each naming the field."""
    from jsonschema import Draft202012Validator

    problems = []
    for error in sorted(Draft202012Validator(NEWS_ARTICLE_SCHEMA).iter_errors(article), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in error.absolute_path) or "(the object)"
        problems.append(f"JSON-LD NewsArticle {where}: {error.message}")
    return problems


def structured_data(blocks: Sequence[str]) -> StructuredData:
    """The one NewsArticle of the page's JSON-LD blocks, checked against the schema."""
    found, problems = [], []
    for number, text in enumerate(blocks, start=1):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as err:
            problems.append(f"JSON-LD block {number} of {len(blocks)} is not valid JSON: {err.msg} "
                            f"at line {err.lineno} column {err.colno}")
            continue
        found.extend(node for node in _nodes(doc) if _is_news_article(node))
    if not found:
        if not problems:
            problems.append(f"JSON-LD: no NewsArticle among the page's {len(blocks)} JSON-LD block(s)")
        return StructuredData(None, tuple(problems))
    if len(found) > 1:
        problems.append(f"JSON-LD: {len(found)} NewsArticle objects, expected one")
    invalid = schema_problems(found[0])
    # A valid NewsArticle is compared with the page even when another block is broken.
    return StructuredData(None if invalid else found[0], tuple(problems + invalid))


def image_urls(image: Any) -> list[str]:
    """The URLs of a schema.org ``image``: a URL, an ImageObject, or a list of those."""
    items = image if isinstance(image, list) else [image]
    urls = [item if isinstance(item, str) else item.get("url") for item in items if isinstance(item, (str, dict))]
    return list(dict.fromkeys(u for u in urls if isinstance(u, str)))


def declared_sizes(image: Any) -> dict[str, tuple[int | None, int | None]]:
    """The width and height each ImageObject of ``image`` declares, by URL."""
    items = image if isinstance(image, list) else [image]
    return {item["url"]: (item.get("width"), item.get("height"))
            for item in items if isinstance(item, dict) and isinstance(item.get("url"), str)}


# --- agreement with what the page shows (pure) ------------------------------------------------

def parse_offset(text: str) -> dt.timezone:
    """'+09:00' -> the fixed zone (the site's: KST has no daylight saving time)."""
    match = re.fullmatch(r"([+-])(\d{2}):(\d{2})", text.strip())
    if not match:
        raise ValueError(f"UTC offset {text!r} is not like '+09:00'")
    sign = 1 if match.group(1) == "+" else -1
    return dt.timezone(sign * dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))


def date_problem(field: str, value: str, label: str, shown: str | None, zone: dt.timezone) -> str | None:
    """The structured data's ``value`` (any zone) must be the minute the page shows, read in ``zone``."""
    match = _SHOWN_TIME.search(shown or "")
    if not match:
        return f"structured data {field}: the page shows no {label} time to compare with (it shows {shown!r})"
    page_time = dt.datetime.strptime(" ".join(match.groups()), "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as err:
        return f"structured data {field}: {value!r} is not a date-time ({err})"
    if moment.tzinfo is None:
        return f"structured data {field}: {value!r} has no UTC offset"
    there = moment.astimezone(zone)
    if there.replace(second=0, microsecond=0) != page_time:
        return (f"structured data {field}: expected the page's {label} time {page_time:%Y-%m-%d %H:%M} "
                f"(UTC{_offset_text(zone)}), got {value!r}, which is {there:%Y-%m-%d %H:%M} there")
    return None


def _offset_text(zone: dt.timezone) -> str:
    text = dt.datetime(2000, 1, 1, tzinfo=zone).strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def byline_names(byline: str | None) -> list[str]:
    """'By Kim A and Lee B' -> ['Kim A', 'Lee B']."""
    text = re.sub(r"^\s*by\s+", "", norm(byline), flags=re.I)
    return [name.strip() for name in re.split(r",|&|\band\b", text) if name.strip()]


def author_problem(author: Any, byline: str | None) -> str | None:
    """The authors' names (a Person or an Organization, one or several) are the byline's."""
    authors = author if isinstance(author, list) else [author]
    got = [(a.get("@type"), norm(a.get("name"))) for a in authors]
    shown = byline_names(byline)
    if not shown:
        return f"structured data author: the page shows no byline to compare with (it shows {byline!r})"
    if sorted(n.casefold() for _, n in got) != sorted(n.casefold() for n in shown):
        names = ", ".join(f"{kind} {name!r}" for kind, name in got)
        return f"structured data author: expected the byline's {shown} ({norm(byline)!r}), got {names}"
    return None


# --- images and favicon: fetched, decoded -----------------------------------------------------

def image_problems(what: str, fetched: Fetched, declared: tuple[Any, Any] = (None, None)) -> list[str]:
    """An image must answer 200 and decode (Pillow), at its declared size if one is declared.
    One not requested (the link policy) is no problem here: the caller lists it as not checked."""
    from PIL import Image

    url = fetched.url
    if fetched.not_requested:
        return []
    if fetched.error or fetched.status != 200:
        return [f"{what} {url}: {fetched.error or f'status {fetched.status}'}, expected 200 and an image"]
    try:
        with Image.open(io.BytesIO(fetched.body)) as image:
            image.load()
            size = image.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        kind = fetched.content_type.split(";")[0].strip() or "no content type"
        return [f"{what} {url}: does not decode as an image ({kind}, {len(fetched.body)} bytes): {err}"]
    want = tuple(_int_or_none(v) for v in declared)
    if any(w is not None for w in want) and tuple(w if w is not None else s for w, s in zip(want, size)) != size:
        return [f"{what} {url}: declared {want[0]}x{want[1]}, the image is {size[0]}x{size[1]}"]
    return []


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def favicon_problem(fetched: Fetched) -> str | None:
    if fetched.not_requested or (fetched.error is None and fetched.status == 200):
        return None
    return f"favicon {fetched.url}: {fetched.error or f'status {fetched.status}'}, expected 200"


# --- the kind -------------------------------------------------------------------------------

class _Fetcher:
    """Each URL fetched once per item under the link policy; what the policy left out, listed."""

    def __init__(self, checker: LinkChecker) -> None:
        self.checker = checker
        self.results: dict[str, Fetched] = {}

    def __call__(self, url: str) -> Fetched:
        if url not in self.results:
            self.results[url] = self.checker.fetch(url)
        return self.results[url]

    def not_checked(self) -> list[str]:
        return [f"{url} ({f.not_requested})" for url, f in self.results.items() if f.not_requested]


def run(ctx, options: Mapping[str, Any]) -> None:
    site = ctx.open()
    head, shown = site.head(), site.article.shown()
    fetch = _Fetcher(LinkChecker.for_site(ctx.settings["links"], ctx.base_url, options["allow_hosts"]))
    problems = Problems()
    _check_head(problems, head, shown, options)
    _check_images(problems, head, fetch)
    data = structured_data(head.json_ld)
    for text in data.problems:
        problems.add(JSON_LD, text)
    if data.article is not None:
        _check_structured_data(problems, data.article, shown, parse_offset(options["utc_offset"]), fetch)
    _write_facts(ctx, head, shown, fetch)
    not_checked = fetch.not_checked()
    also = f" (not checked, the link policy does not allow their hosts: {', '.join(not_checked)})" \
        if not_checked else ""
    problems.raise_if_any(f"{len(problems)} metadata problem(s) on {head.url}{also}:")


def _check_head(problems: Problems, head, shown, options: Mapping[str, Any]) -> None:
    headline = norm(shown.headline)
    suffix = options.get("title_suffix") or site_suffix(head.first("og:site_name"))
    for check, field, value in ((TITLE, "<title>", head.title), (OG_TITLE, "og:title", head.first("og:title"))):
        problem = (title_problem(field, value, headline, suffix) if headline
                   else f"{field}: the page shows no headline to compare it with")
        if problem:
            problems.add(check, problem)
    for check, problem in ((OG_URL, og_url_problem(head.first("og:url"), head.canonical)),
                           (DESCRIPTION, description_problem(head.first("description")))):
        if problem:
            problems.add(check, problem)
    for problem in robots_problems(head.meta, head.headers.get("x-robots-tag")):
        problems.add(INDEXABLE, problem)


def _check_images(problems: Problems, head, fetch: _Fetcher) -> None:
    og_image = head.first("og:image") or head.first("og:image:url")
    if not og_image or not norm(og_image):
        problems.add(OG_IMAGE, "og:image: absent, expected the story's share image")
    else:
        url = urljoin(head.url, og_image.strip())
        declared = (head.first("og:image:width"), head.first("og:image:height"))
        for problem in image_problems("og:image", fetch(url), declared):
            problems.add(OG_IMAGE, problem)
    problem = favicon_problem(fetch(head.favicon or urljoin(head.url, "/favicon.ico")))
    if problem:
        problems.add(FAVICON, problem)


def _check_structured_data(problems: Problems, article: Mapping[str, Any], shown, zone: dt.timezone,
                           fetch: _Fetcher) -> None:
    headline = norm(shown.headline)
    if norm(article["headline"]) != headline:
        problems.add(LD_HEADLINE, f"structured data headline: expected the page's headline {headline!r}, "
                                  f"got {norm(article['headline'])!r}")
    for check, field, label, text in ((LD_PUBLISHED, "datePublished", "Posted", shown.posted),
                                      (LD_MODIFIED, "dateModified", "Updated", shown.updated)):
        problem = date_problem(field, article[field], label, text, zone)
        if problem:
            problems.add(check, problem)
    problem = author_problem(article["author"], shown.byline)
    if problem:
        problems.add(LD_AUTHOR, problem)
    sizes = declared_sizes(article["image"])
    for url in image_urls(article["image"]):
        for problem in image_problems("structured data image", fetch(url), sizes.get(url, (None, None))):
            problems.add(LD_IMAGE, problem)


def _write_facts(ctx, head, shown, fetch: _Fetcher) -> None:
    """What the check read, and which URLs the policy left unchecked, in the item's artifacts."""
    facts = {"url": head.url, "title": head.title, "meta": {k: list(v) for k, v in head.meta.items()},
             "canonical": head.canonical, "favicon": head.favicon, "json_ld_blocks": len(head.json_ld),
             "shown": vars(shown),
             "fetched": {url: {"status": f.status, "error": f.error, "not_requested": f.not_requested}
                         for url, f in fetch.results.items()}}
    ctx.artifacts_dir.mkdir(parents=True, exist_ok=True)
    (ctx.artifacts_dir / "metadata.json").write_text(json.dumps(facts, indent=1, ensure_ascii=False),
                                                     encoding="utf-8")


def _options():
    from ..model.schema import Field, ListOf

    def regex_check(value: str) -> str | None:
        try:
            re.compile(value)
        except re.error as err:
            return f"{value!r} is not a regular expression: {err}"
        return None

    def offset_check(value: str) -> str | None:
        try:
            parse_offset(value)
        except ValueError as err:
            return str(err)
        return None

    return {
        "title_suffix": Field(str, min=1, check=regex_check,
                              doc="regular expression of what may follow the headline in <title> and og:title "
                                  "(default: a separator and the page's og:site_name)"),
        "utc_offset": Field(str, default="+09:00", check=offset_check,
                            doc="the zone the page shows its times in, as a UTC offset (KST: +09:00)"),
        "allow_hosts": ListOf(Field(str), default=[],
                              doc="external hosts whose images may be requested, added to links.allow_hosts"),
    }


register(CheckKind(name="metadata", run=run, options=_options(), description=__doc__, assertions=assertions))
