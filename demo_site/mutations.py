"""Deliberate defects ("mutations") the demo site can serve, to prove the suite catches them.

A mutation is applied by ``DemoSite(mutation="name")`` or ``python -m demo_site --mutation name``.
Hooks (all optional):

* ``extra_css``  -- CSS appended to every HTML page in ``<style id="kt-mutation-css">`` (end of head)
* ``extra_js``   -- JS served as ``/static/js/mutation.js`` and loaded (defer) right after site.js,
                    so it runs after site.js has initialised the page
* ``transform``  -- ``callable(data) -> data`` applied once to a deep copy of the site data
                    (``{"site": site.yaml, "articles": [...]}``) before anything is rendered
* ``response_filter`` -- ``callable(path, content_type, body: bytes) -> bytes`` applied to every
                    response body (HTML, CSS, JS, images...) before it is sent

``expected_kinds`` names the kinds of the regression suite that must fail when the mutation is
active (``tests/self/test_mutations.py`` proves it). The vocabulary is :data:`KINDS`: the scenario
check kinds (``layout``, ``links``, ``font_controls``, ``print_preview``, ``visual``) plus
``content`` (tests/regression/test_article_content.py and test_menu.py) and ``behaviour``
(tests/regression/test_behaviour.py). List only kinds that genuinely catch the defect.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Callable, Optional


@dataclass(frozen=True)
class Mutation:
    name: str
    description: str
    expected_kinds: frozenset = field(default_factory=frozenset)
    extra_css: str = ""
    extra_js: str = ""
    transform: Optional[Callable[[dict], dict]] = None
    response_filter: Optional[Callable[[str, str, bytes], bytes]] = None

    def __post_init__(self):
        object.__setattr__(self, "expected_kinds", frozenset(self.expected_kinds))

    def apply_data(self, data: dict) -> dict:
        return self.transform(data) if self.transform else data

    def filter_response(self, path: str, content_type: str, body: bytes) -> bytes:
        return self.response_filter(path, content_type, body) if self.response_filter else body


KINDS = frozenset({"layout", "links", "font_controls", "print_preview", "visual", "content", "behaviour"})

REGISTRY: dict[str, Mutation] = {}


def register(m: Mutation) -> Mutation:
    if m.name in REGISTRY:
        raise ValueError(f"duplicate mutation {m.name!r}")
    unknown = set(m.expected_kinds) - KINDS
    if unknown or not m.expected_kinds:
        raise ValueError(f"mutation {m.name!r}: expected_kinds must be a non-empty subset of "
                         f"{sorted(KINDS)}, got {sorted(m.expected_kinds)}")
    REGISTRY[m.name] = m
    return m


class UnknownMutation(KeyError):
    def __str__(self):
        return (f"unknown mutation {self.args[0]!r}; valid names: "
                + ", ".join(sorted(REGISTRY)))


def get(name: Optional[str]) -> Optional[Mutation]:
    if not name:
        return None
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownMutation(name) from None


def names() -> list[str]:
    return sorted(REGISTRY)


# -- helpers ---------------------------------------------------------------
SEED_PATH = "/www/nation/2022/06/120_330924.html"


def _html_filter(pattern: str, repl: str, *, count: int = 0, page: str = "any", path: Optional[str] = None):
    """A response filter that rewrites HTML with one regex (re.S).

    ``page``: "any", "article" (not the print view) or "print" (the print view only).
    ``path``: restrict to one request path.
    """
    rx = re.compile(pattern, re.S)

    def filt(req_path: str, content_type: str, body: bytes) -> bytes:
        if not content_type.startswith("text/html") or (path and req_path != path):
            return body
        text = body.decode("utf-8")
        is_print = 'class="page_print"' in text
        if (page == "article" and is_print) or (page == "print" and not is_print):
            return body
        return rx.sub(repl, text, count=count).encode("utf-8")

    return filt


def _asset_filter(asset_path: str, old: str, new: str):
    def filt(req_path: str, content_type: str, body: bytes) -> bytes:
        if req_path != asset_path:
            return body
        return body.decode("utf-8").replace(old, new).encode("utf-8")

    return filt


def _swallow_click(selector: str) -> str:
    """JS: clicks on ``selector`` are swallowed before site.js sees them."""
    return (
        "document.addEventListener('click', function (e) {\n"
        f"  if (e.target.closest && e.target.closest({selector!r})) {{ e.stopImmediatePropagation(); e.preventDefault(); }}\n"
        "}, true);\n"
    )


def _drop_storage_key(key: str) -> str:
    """JS: writes of one localStorage key are silently dropped."""
    return (
        "(function () { var set = Storage.prototype.setItem;\n"
        f"  Storage.prototype.setItem = function (k, v) {{ if (k === {key!r}) return; return set.apply(this, arguments); }};\n"
        "})();\n"
    )


# -- transforms ------------------------------------------------------------
def _drop_last_top10(data: dict) -> dict:
    data["site"]["top10"] = list(data["site"]["top10"])[:9]
    return data


def _share_without_url(data: dict) -> dict:
    for s in data["site"]["share"]:
        t = s["template"]
        t = t.replace("u={U}", "u=").replace("url={U}", "url=").replace("%20{U}", "").replace("body={U}", "body=")
        s["template"] = t.replace("{U}", "")
    return data


def _drop_share(net: str):
    def transform(data: dict) -> dict:
        data["site"]["share"] = [s for s in data["site"]["share"] if s["net"] != net]
        return data

    return transform


# -- font controls ---------------------------------------------------------
register(Mutation(
    name="font-up-noop",
    description="The Font Size Up button does nothing (its click is swallowed).",
    expected_kinds={"font_controls"},
    extra_js=_swallow_click(".btn_font_up"),
))

register(Mutation(
    name="font-up-shrinks",
    description="Font Size Up goes the wrong way: it makes the body smaller (handlers swapped).",
    expected_kinds={"font_controls"},
    extra_js=(
        "document.addEventListener('click', function (e) {\n"
        "  if (!e.target.closest) return;\n"
        "  var up = e.target.closest('.btn_font_up');\n"
        "  if (up) { e.stopImmediatePropagation(); e.preventDefault(); document.querySelector('.btn_font_down').click(); }\n"
        "}, true);\n"
    ),
))

register(Mutation(
    name="font-step-3px",
    description="The font step is 3px instead of 2px.",
    expected_kinds={"font_controls"},
    extra_js="window.KT.FONT.step = 3;\n",
))

register(Mutation(
    name="font-max-30px",
    description="The font size maximum is 30px instead of 26px.",
    expected_kinds={"font_controls"},
    extra_js="window.KT.FONT.max = 30;\n",
))

register(Mutation(
    name="font-size-not-persisted",
    description="The chosen font size is not stored in localStorage, so a reload resets it.",
    expected_kinds={"font_controls"},
    extra_js=_drop_storage_key("kt_font_size"),
))

# -- share bar -------------------------------------------------------------
register(Mutation(
    name="share-no-url",
    description="Share links are rendered without the article URL (templates lose their {U}).",
    expected_kinds={"links"},
    transform=_share_without_url,
))

register(Mutation(
    name="share-wrong-url",
    description="Share links carry the un-encoded mobile-site URL (/m/www/...) instead of the canonical URL.",
    expected_kinds={"links"},
    extra_js=(
        "(function () {\n"
        "  var u = location.origin + '/m' + location.pathname, t = encodeURIComponent(window.KT.shareTitle());\n"
        "  document.querySelectorAll('.sns_area a[data-share-template]').forEach(function (a) {\n"
        "    a.setAttribute('href', a.getAttribute('data-share-template').split('{U}').join(u).split('{T}').join(t));\n"
        "  });\n"
        "})();\n"
    ),
))

register(Mutation(
    name="share-button-missing",
    description="The reddit share button is gone (dropped from the share configuration).",
    expected_kinds={"content", "layout"},
    transform=_drop_share("reddit"),
))

register(Mutation(
    name="copy-link-wrong-url",
    description="The copy-link button copies the home page URL instead of the article's canonical URL.",
    expected_kinds={"behaviour"},
    extra_js="window.KT.canonicalUrl = function () { return location.origin + '/'; };\n",
))

# -- widgets ---------------------------------------------------------------
register(Mutation(
    name="top10-item-missing",
    description="The Top 10 Stories widget lists only nine items (the 10th is dropped from the data).",
    expected_kinds={"content", "layout"},
    transform=_drop_last_top10,
))

register(Mutation(
    name="top10-misnumbered",
    description="Top 10 ranks skip a number: 1, 2, 3, 4, 6, 7... (an off-by-one after item 4).",
    expected_kinds={"content"},
    extra_js=(
        "document.querySelectorAll('#top10 .aside_top10_item .rank').forEach(function (el, i) {\n"
        "  el.textContent = String(i < 4 ? i + 1 : i + 2);\n"
        "});\n"
    ),
))

register(Mutation(
    name="top5-tag-missing",
    description="The INTERVIEW tag of Top 5 Entertainment News item 1 is not rendered.",
    expected_kinds={"content"},
    extra_js="document.querySelectorAll('#top5 .tag').forEach(function (el) { el.remove(); });\n",
))

register(Mutation(
    name="trending-close24-not-persisted",
    description="'Close for 24 hours' closes the trending layer but does not remember it across reloads.",
    expected_kinds={"behaviour"},
    extra_js=_drop_storage_key("kt_trending_closed_until"),
))

# -- menu ------------------------------------------------------------------
register(Mutation(
    name="overlay-section-missing",
    description="The all-menu overlay lacks the Lifestyle section.",
    expected_kinds={"content"},
    response_filter=_html_filter(
        r'<div class="all_menu_section">\s*<h3><a href="/www/section/lifestyle\.html">.*?</div>\s*', ""),
))

register(Mutation(
    name="overlay-wont-close",
    description="The all-menu overlay's close button does nothing.",
    expected_kinds={"content"},
    extra_js=_swallow_click(".all_menu_close"),
))

register(Mutation(
    name="gnb-link-404",
    description="The GNB's Finance link points to a misspelt section page that answers 404.",
    expected_kinds={"links"},
    response_filter=_html_filter(r'(<nav id="gnb".*?)/www/section/finance\.html', r"\1/www/section/finanace.html",
                                 count=1),
))

# -- article links ---------------------------------------------------------
register(Mutation(
    name="related-link-404",
    description="The related-article box links to an article id that does not exist (404).",
    expected_kinds={"links"},
    response_filter=_html_filter(r'(<aside class="view_related">\s*<a href="[^"]*?)_(\d+)\.html"', r'\1_9\2.html"'),
))

register(Mutation(
    name="fragment-link-broken",
    description="The category link points at a #latest fragment that its target page does not have.",
    expected_kinds={"links"},
    response_filter=_html_filter(r'(<div class="view_cate"><a href="[^"#]+)"', r'\1#latest"'),
))

# -- layout ----------------------------------------------------------------
register(Mutation(
    name="mobile-photo-overflow",
    description="On mobile (<=767px) the lead photo keeps a fixed 440px width and sticks out of the viewport.",
    expected_kinds={"layout"},
    extra_css="@media (max-width: 767px) { .view_photo { width: 440px; } }",
))

register(Mutation(
    name="sidebar-below-on-desktop",
    description="On desktop the sidebar drops below the article (the two-column grid is lost).",
    expected_kinds={"layout"},
    extra_css="@media (min-width: 1025px) { .content_grid { grid-template-columns: minmax(0, 1fr); } }",
))

# -- visual only -----------------------------------------------------------
register(Mutation(
    name="share-bar-shifted-3px",
    description="The share bar is shifted 3px to the right (margin-left: 3px).",
    expected_kinds={"visual"},
    extra_css=".sns_area { margin-left: 3px; }",
))

register(Mutation(
    name="share-bar-shifted-1px",
    description="The share bar is nudged 1px to the right (position: relative; left: 1px).",
    expected_kinds={"visual"},
    extra_css=".sns_area { position: relative; left: 1px; }",
))

register(Mutation(
    name="headline-colour",
    description="The headline is red (#c8102e) instead of the body ink colour.",
    expected_kinds={"visual"},
    extra_css=".view_headline h1 { color: #c8102e; }",
))

register(Mutation(
    name="headline-font",
    description="The headline is set in the sans-serif body font instead of Lora.",
    expected_kinds={"visual"},
    extra_css=".view_headline h1 { font-family: var(--sans); }",
))

# -- print -----------------------------------------------------------------
register(Mutation(
    name="print-shows-gnb",
    description="The print stylesheet no longer hides the section nav (GNB) and sub-nav.",
    expected_kinds={"print_preview"},
    extra_css="@media print { #gnb, .subbar, #sub_nav { display: block !important; } }",
))

register(Mutation(
    name="print-no-window-print",
    description="The print view never calls window.print().",
    expected_kinds={"print_preview"},
    response_filter=_asset_filter("/static/js/print.js", "window.print();", "/* window.print(); */"),
))

register(Mutation(
    name="print-view-no-byline",
    description="The print view omits the byline.",
    expected_kinds={"print_preview"},
    response_filter=_html_filter(r'<div class="view_byline">.*?</div>', "", page="print"),
))

# -- article content -------------------------------------------------------
register(Mutation(
    name="byline-missing",
    description="The article page renders no byline.",
    expected_kinds={"content", "layout", "print_preview"},
    response_filter=_html_filter(r'<div class="view_byline">.*?</div>', "", page="article"),
))

register(Mutation(
    name="caption-missing",
    description="The lead photo's figcaption is not rendered.",
    expected_kinds={"content", "layout", "print_preview"},
    response_filter=_html_filter(r'(<figure class="view_photo">.*?)<figcaption>.*?</figcaption>', r"\1",
                                 page="article", count=1),
))

register(Mutation(
    name="photo-alt-empty",
    description="The lead photo's alt text is empty (the caption is no longer its alt).",
    expected_kinds={"content"},
    response_filter=_html_filter(r'(<figure class="view_photo">\s*<img [^>]*?)alt="[^"]*"', r'\1alt=""',
                                 page="article", count=1),
))

register(Mutation(
    name="date-wrong-format",
    description="Dates are rendered day-first: 'Posted : 14/06/2022 16:12'.",
    expected_kinds={"content"},
    response_filter=_html_filter(r'(<time datetime="[^"]+">)(\d{4})-(\d{2})-(\d{2})', r"\1\4/\3/\2",
                                 path=SEED_PATH),
))
