"""Deliberate defects ("mutations") the demo site can serve, to prove the suite catches them.

A mutation is applied by ``DemoSite(mutation="name")`` or ``python -m demo_site --mutation name``.
Hooks (all optional):

* ``extra_css``  -- CSS appended to every HTML page in ``<style id="kt-mutation-css">`` (end of head)
* ``extra_js``   -- JS served as ``/static/js/mutation.js`` and loaded (defer) right after site.js,
                    so it runs after site.js has initialised the page
* ``transform``  -- ``callable(data) -> data`` applied once to a deep copy of the site data
                    (``{"site": site.yaml, "articles": [...]}``) before anything is rendered
* ``response_filter`` -- ``callable(path, content_type, body: bytes) -> bytes`` applied to every
                    response body (HTML, CSS, JS, images...) before it is sent; ``status_filter``
                    -- ``callable(path) -> int | None`` answers a path with that status instead

This module is the replica's: the defects only. What must catch each one (the checks, their
messages, the viewports) is the test suite's knowledge, in ``tests/self/expectations.py``
keyed by the mutation's name, so rewording a check's message never means editing the site.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Mutation:
    name: str
    description: str
    extra_css: str = ""
    extra_js: str = ""
    transform: Optional[Callable[[dict], dict]] = None
    response_filter: Optional[Callable[[str, str, bytes], bytes]] = None
    status_filter: Optional[Callable[[str], Optional[int]]] = None

    def apply_data(self, data: dict) -> dict:
        return self.transform(data) if self.transform else data

    def filter_response(self, path: str, content_type: str, body: bytes) -> bytes:
        return self.response_filter(path, content_type, body) if self.response_filter else body

    def status_for(self, path: str) -> Optional[int]:
        return self.status_filter(path) if self.status_filter else None


REGISTRY: dict[str, Mutation] = {}


def register(m: Mutation) -> Mutation:
    if m.name in REGISTRY:
        raise ValueError(f"duplicate mutation {m.name!r}")
    if not (m.extra_css or m.extra_js or m.transform or m.response_filter or m.status_filter):
        raise ValueError(f"mutation {m.name!r} changes nothing")
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


def _asset_404(*paths: str):
    def status(path: str) -> Optional[int]:
        return 404 if path in paths else None

    return status


def _drop_last(key: str, keep: int):
    def transform(data: dict) -> dict:
        data["site"][key] = list(data["site"][key])[:keep]
        return data

    return transform


def _drop_named(key: str, name: str, field: str = "name"):
    def transform(data: dict) -> dict:
        data["site"][key] = [x for x in data["site"][key] if x.get(field) != name]
        return data

    return transform


def _drop_footer_group(name: str):
    def transform(data: dict) -> dict:
        data["site"]["footer"]["groups"] = [g for g in data["site"]["footer"]["groups"] if g["name"] != name]
        return data

    return transform


def _chain(*filters):
    def filt(req_path: str, content_type: str, body: bytes) -> bytes:
        for f in filters:
            body = f(req_path, content_type, body)
        return body

    return filt


def _css_append(rule: str):
    """A response filter that appends a rule to the site stylesheet, which the print view shares."""
    def filt(req_path: str, content_type: str, body: bytes) -> bytes:
        return body + ("\n" + rule + "\n").encode() if req_path == "/static/css/site.css" else body

    return filt


def _in_block(start: str, end: str, old: str, new: str):
    """A response filter that replaces ``old`` by ``new`` only between ``start`` and ``end`` of an HTML page."""
    rx = re.compile(f"({re.escape(start)})(.*?)({re.escape(end)})", re.S)

    def filt(req_path: str, content_type: str, body: bytes) -> bytes:
        if not content_type.startswith("text/html"):
            return body
        text = rx.sub(lambda m: m.group(1) + m.group(2).replace(old, new) + m.group(3), body.decode("utf-8"))
        return text.encode("utf-8")

    return filt


# -- font controls -------------------------------------------------------------
register(Mutation(
    name="font-up-noop",
    description="The Font Size Up button does nothing (its click is swallowed).",
    extra_js=_swallow_click(".btn_font_up"),
))

register(Mutation(
    name="font-up-shrinks",
    description="Font Size Up goes the wrong way: it makes the body smaller (handlers swapped).",
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
    extra_js="window.KT.FONT.step = 3;\n",
))

register(Mutation(
    name="font-max-30px",
    description="The font size maximum is 30px instead of 26px.",
    extra_js="window.KT.FONT.max = 30;\n",
))

register(Mutation(
    name="font-size-not-persisted",
    description="The chosen font size is not stored in localStorage, so a reload resets it.",
    extra_js=_drop_storage_key("kt_font_size"),
))

register(Mutation(
    name="font-default-16px",
    description="The article body starts at 16px instead of the 18px default (KT.FONT.def changed).",
    response_filter=_asset_filter("/static/js/site.js", "KT.FONT = { def: 18,", "KT.FONT = { def: 16,"),
))

register(Mutation(
    name="font-down-noop",
    description="The Font Size Down button does nothing (its click is swallowed).",
    extra_js=_swallow_click(".btn_font_down"),
))

register(Mutation(
    name="font-min-10px",
    description="The font size minimum is 10px instead of 14px.",
    extra_js="window.KT.FONT.min = 10;\n",
))

register(Mutation(
    name="font-up-scales-headline",
    description="Font Size Up also enlarges the headline (the size is set on the whole article).",
    extra_js=(
        "document.querySelector('.btn_font_up').addEventListener('click', function () {\n"
        "  var h = document.querySelector('.view_headline h1');\n"
        "  h.style.fontSize = (parseFloat(getComputedStyle(h).fontSize) + 2) + 'px';\n"
        "});\n"
    ),
))

register(Mutation(
    name="font-max-overflows",
    description="At the largest font size the body's long URLs no longer wrap: the page scrolls sideways.",
    extra_css='#startts[style*="26px"] { min-width: 1500px; } body { overflow-x: visible; }',
))

# -- share bar -------------------------------------------------------------
register(Mutation(
    name="share-no-url",
    description="Share links are rendered without the article URL (templates lose their {U}).",
    transform=_share_without_url,
))

register(Mutation(
    name="share-wrong-url",
    description="Share links carry the un-encoded mobile-site URL (/m/www/...) instead of the canonical URL.",
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
    transform=_drop_share("reddit"),
))

register(Mutation(
    name="share-bar-hidden",
    description="The share bar is hidden (a leftover `display: none` from an A/B test).",
    extra_css=".sns_area { display: none; }",
))

register(Mutation(
    name="copy-link-wrong-url",
    description="The copy-link button copies the home page URL instead of the article's canonical URL.",
    extra_js="window.KT.canonicalUrl = function () { return location.origin + '/'; };\n",
))

# -- widgets ---------------------------------------------------------------
register(Mutation(
    name="top10-item-missing",
    description="The Top 10 Stories widget lists only nine items (the 10th is dropped from the data).",
    transform=_drop_last("top10", 9),
))

register(Mutation(
    name="top10-misnumbered",
    description="Top 10 ranks skip a number: 1, 2, 3, 4, 6, 7... (an off-by-one after item 4).",
    extra_js=(
        "document.querySelectorAll('#top10 .aside_top10_item .rank').forEach(function (el, i) {\n"
        "  el.textContent = String(i < 4 ? i + 1 : i + 2);\n"
        "});\n"
    ),
))

register(Mutation(
    name="top5-tag-missing",
    description="The Top 5 Entertainment News tags (INTERVIEW) are not rendered.",
    extra_js="document.querySelectorAll('#top5 .tag').forEach(function (el) { el.remove(); });\n",
))

register(Mutation(
    name="top5-item-missing",
    description="Top 5 Entertainment News shows four stories (the widget's limit was lowered).",
    transform=_drop_last("top5", 4),
))

register(Mutation(
    name="darkroom-gallery-missing",
    description="The Darkroom widget shows four galleries instead of five.",
    transform=_drop_last("darkroom", 4),
))

register(Mutation(
    name="sidebar-hidden",
    description="The sidebar (Top 10, Top 5, Darkroom) is hidden by a leftover `display: none`.",
    extra_css="#sidebar { display: none; }",
))

register(Mutation(
    name="trending-short-list",
    description="The trending layer lists 15 stories instead of 20 (the feed's limit was lowered).",
    transform=_drop_last("trending", 15),
))

register(Mutation(
    name="trending-hidden",
    description="The trending layer is hidden on every page (its container lost its display rule).",
    extra_css="#trending { display: none; }",
))

register(Mutation(
    name="trending-frozen",
    description="The trending list never re-ranks: its timer is cleared on load.",
    response_filter=_asset_filter("/static/js/site.js", "renderTrending(now);\n", "/* renderTrending(now); */\n"),
))

register(Mutation(
    name="trending-open-dead",
    description="The trending layer's Open button does nothing: once closed it stays closed.",
    extra_js=_swallow_click(".trending_open"),
))

register(Mutation(
    name="trending-close24-not-persisted",
    description="'Close for 24 hours' closes the trending layer but does not remember it across reloads.",
    extra_js=_drop_storage_key("kt_trending_closed_until"),
))

register(Mutation(
    name="widget-links-htm",
    description="Story links in the trending layer and the sidebar end in .htm instead of .html (404s).",
    response_filter=_chain(_in_block('<aside id="sidebar"', "</aside>", '.html"', '.htm"'),
                           _in_block('<section id="trending"', "</section>", '.html"', '.htm"'),
                           _in_block('id="trending_data"', "</script>", '.html"', '.htm"')),
))

# -- menu ------------------------------------------------------------------
register(Mutation(
    name="overlay-section-missing",
    description="The all-menu overlay lacks the Lifestyle section.",
    response_filter=_html_filter(
        r'<div class="all_menu_section">\s*<h3><a href="/www/section/lifestyle\.html">.*?</div>\s*', ""),
))

register(Mutation(
    name="overlay-wont-close",
    description="The all-menu overlay's close button does nothing.",
    extra_js=_swallow_click(".all_menu_close"),
))

register(Mutation(
    name="overlay-open-on-load",
    description="The all-menu overlay shows on page load (its hidden state lost in a CSS refactor).",
    extra_css=".all_menu { display: block !important; visibility: visible !important; opacity: 1 !important; }",
))

register(Mutation(
    name="overlay-link-404",
    description="An all-menu overlay link points to a misspelt sub-section page (404).",
    response_filter=_in_block('<div id="all_menu"', '<section id="trending"',
                              "/www/section/nation/politics.html", "/www/section/nation/poltics.html"),
))

register(Mutation(
    name="search-layer-open-on-load",
    description="The search layer shows on page load (its closed state lost).",
    extra_css=".search_layer { display: block !important; }",
))

register(Mutation(
    name="search-wrong-action",
    description="The search form posts to a retired search page (search.aspx), which answers 404.",
    response_filter=_html_filter(r'action="/www2/common/search\.asp"', 'action="/www2/common/search.aspx"'),
))

register(Mutation(
    name="gnb-link-404",
    description="The GNB's Finance link points to a misspelt section page that answers 404.",
    response_filter=_html_filter(r'(<nav id="gnb".*?)/www/section/finance\.html', r"\1/www/section/finanace.html",
                                 count=1),
))

register(Mutation(
    name="gnb-section-missing",
    description="The section nav lacks Opinion (dropped from the nav's configuration).",
    response_filter=_in_block('<nav id="gnb"', "</nav>", '<li><a href="/www/section/opinion.html">Opinion</a></li>', ""),
))

register(Mutation(
    name="gnb-hidden-on-desktop",
    description="A media query typo hides the section nav at desktop widths.",
    extra_css="@media (min-width: 1025px) { .gnb { display: none; } }",
))

register(Mutation(
    name="mobile-gnb-not-collapsed",
    description="On mobile the section nav is no longer collapsed behind the all-menu button.",
    extra_css="@media (max-width: 767px) { .gnb { display: block !important; } .gnb ul { display: flex !important; flex-wrap: wrap; } }",
))

register(Mutation(
    name="member-link-missing",
    description="The Register link is gone from the member links.",
    transform=_drop_named("member", "Register"),
))

register(Mutation(
    name="member-link-404",
    description="The Login link points to a retired path that answers 404.",
    response_filter=_html_filter(r'href="/www2/common/login\.asp"', 'href="/www2/common/signin.asp"'),
))

register(Mutation(
    name="top-bar-hidden",
    description="The header's top bar (logo, search, all menu, member links) is hidden by a CSS refactor.",
    extra_css=".top_bar { display: none !important; }",
))

register(Mutation(
    name="sub-nav-missing",
    description="The sub-nav of the current section is not rendered (its include was dropped).",
    response_filter=_html_filter(r'<nav id="sub_nav".*?</nav>', ""),
))

register(Mutation(
    name="sub-nav-no-current",
    description="The sub-nav no longer marks the current sub-section.",
    response_filter=_in_block('<nav id="sub_nav"', "</nav>", ' aria-current="page"', ""),
))

register(Mutation(
    name="date-line-script-error",
    description="The date-line script throws (a renamed helper) and leaves the date line empty.",
    response_filter=_asset_filter("/static/js/site.js", "var text = KT.formatDateLine(now);",
                                  "el.textContent = ''; var text = KT.formatDateLin(now);"),
))

register(Mutation(
    name="date-line-frozen",
    description="The date line is never updated by the page's clock: it shows the server's time.",
    response_filter=_asset_filter("/static/js/site.js", "    updateDateLine(now);\n", "\n"),
))

# -- article links ---------------------------------------------------------
register(Mutation(
    name="related-link-404",
    description="The related-article box links to an article id that does not exist (404).",
    response_filter=_html_filter(r'(<aside class="view_related">\s*<a href="[^"]*?)_(\d+)\.html"', r'\1_9\2.html"'),
))

register(Mutation(
    name="fragment-link-broken",
    description="The category link points at a #latest fragment that its target page does not have.",
    response_filter=_html_filter(r'(<div class="view_cate"><a href="[^"#]+)"', r'\1#latest"'),
))

register(Mutation(
    name="reporter-list-link-404",
    description="The reporter's Article List link points to a retired path (404).",
    response_filter=_html_filter(r'(<a class="reporter_list" href=")/', r"\1/old/"),
))

register(Mutation(
    name="footer-link-404",
    description="The footer's Privacy Statement link points to a misspelt page (404).",
    response_filter=_html_filter(r'/www/policy/privacy\.html', "/www/policy/privcy.html"),
))

register(Mutation(
    name="footer-group-missing",
    description="The footer lacks its Policy group.",
    transform=_drop_footer_group("Policy"),
))

register(Mutation(
    name="footer-missing",
    description="The footer is not rendered (its block was dropped from the base template).",
    response_filter=_html_filter(r'<footer id="footer".*?</footer>', ""),
))

# -- layout ----------------------------------------------------------------
register(Mutation(
    name="mobile-photo-overflow",
    description="On mobile (<=767px) the lead photo keeps a fixed 440px width and sticks out of the viewport.",
    extra_css="@media (max-width: 767px) { .view_photo { width: 440px; } body { overflow-x: visible; } }",
))

register(Mutation(
    name="mobile-min-width",
    description="On mobile every page keeps a 440px minimum width (a container rule lost its media query).",
    extra_css="@media (max-width: 767px) { body { min-width: 440px; overflow-x: visible; } }",
))

register(Mutation(
    name="viewport-meta-dropped",
    description="The article page loses its viewport meta tag: a phone or tablet lays it out 980 px wide "
                "(the browser's default layout viewport) and shows it zoomed out.",
    response_filter=_html_filter(r'<meta name="viewport"[^>]*>\n?', "", page="article"),
))

register(Mutation(
    name="sidebar-below-on-desktop",
    description="On desktop the sidebar drops below the article (the two-column grid is lost).",
    extra_css="@media (min-width: 1025px) { .content_grid { grid-template-columns: minmax(0, 1fr); } }",
))

register(Mutation(
    name="article-column-narrow",
    description="On desktop the article column is narrowed to 660px (a grid template changed).",
    extra_css="@media (min-width: 1025px) { .content_grid { grid-template-columns: 660px 300px; } }",
))

register(Mutation(
    name="headline-indented",
    description="The headline is indented 12px and no longer lines up with the body.",
    extra_css=".view_headline { margin-left: 12px; }",
))

# -- article content -------------------------------------------------------
register(Mutation(
    name="byline-missing",
    description="The article page renders no byline.",
    response_filter=_html_filter(r'<div class="view_byline">.*?</div>', "", page="article"),
))

register(Mutation(
    name="caption-missing",
    description="The lead photo's figcaption is not rendered.",
    response_filter=_html_filter(r'(<figure class="view_photo">.*?)<figcaption>.*?</figcaption>', r"\1",
                                 page="article", count=1),
))

register(Mutation(
    name="photo-alt-empty",
    description="The lead photo's alt text is empty (the caption is no longer its alt).",
    response_filter=_html_filter(r'(<figure class="view_photo">\s*<img [^>]*?)alt="[^"]*"', r'\1alt=""',
                                 page="article", count=1),
))

register(Mutation(
    name="lead-photo-dropped",
    description="The lead photo block is not rendered (a template condition inverted).",
    response_filter=_html_filter(r'<figure class="view_photo">.*?</figure>', "", page="article", count=1),
))

register(Mutation(
    name="lead-photo-404",
    description="The seed article's lead photo file is gone from the image server (404).",
    status_filter=_asset_404("/img/news/330924.svg"),
))

register(Mutation(
    name="top10-thumbnail-404",
    description="The first Top-10 story's image is gone from the image server (404): a broken thumbnail "
                "(the first story of either news day).",
    status_filter=_asset_404("/img/news/344903.svg", "/img/news/345001.svg"),
))

register(Mutation(
    name="sub-headline-missing",
    description="The sub-headline is not rendered.",
    response_filter=_html_filter(r'<h2 class="view_sub_headline">.*?</h2>', "", page="article"),
))

register(Mutation(
    name="headline-empty",
    description="The headline renders empty (the template's title variable was renamed).",
    response_filter=_html_filter(r'(<div class="view_headline"><h1>).*?(</h1>)', r"\1\2", page="article"),
))

register(Mutation(
    name="dates-missing",
    description="The posted/updated dates are not rendered.",
    response_filter=_html_filter(r'<div class="view_date">.*?</div>', "", page="article"),
))

register(Mutation(
    name="category-missing",
    description="The category label above the headline is not rendered.",
    response_filter=_html_filter(r'<div class="view_cate">.*?</div>', "", page="article"),
))

register(Mutation(
    name="tools-hidden",
    description="The print and font-size buttons are hidden.",
    extra_css=".view_tools { display: none; }",
))

register(Mutation(
    name="body-hidden",
    description="A paywall script hides the article body from every reader.",
    extra_js="document.querySelectorAll('.view_body').forEach(function (b) { b.hidden = true; });\n",
))

register(Mutation(
    name="body-paragraph-dropped",
    description="The article body loses its last paragraph (a truncation bug in the body renderer).",
    response_filter=_html_filter(r'(<div id="startts" class="view_body">(?:(?!</div>).)*)<p>[^<]*</p>(\s*</div>)', r"\1\2",
                                 path=SEED_PATH, page="article"),
))

register(Mutation(
    name="related-box-missing",
    description="The related-article box is not rendered.",
    response_filter=_html_filter(r'<aside class="view_related">.*?</aside>', "", page="article"),
))

register(Mutation(
    name="reporter-footer-missing",
    description="The reporter footer (email, article list) is not rendered.",
    response_filter=_html_filter(r'<div class="view_reporter">.*?</div>', "", page="article"),
))

register(Mutation(
    name="reporter-email-typo",
    description="The reporter's mailto address is misspelt (koreatimes.co.kr became koreatimes.co).",
    response_filter=_html_filter(r'(href="mailto:[^"@]+@koreatimes\.co)\.kr"', r'\1"', page="article"),
))

register(Mutation(
    name="date-wrong-format",
    description="Dates are rendered day-first: 'Posted : 14/06/2022 16:12'.",
    response_filter=_html_filter(r'(<time datetime="[^"]+">)(\d{4})-(\d{2})-(\d{2})', r"\1\4/\3/\2",
                                 path=SEED_PATH),
))

register(Mutation(
    name="canonical-wrong-path",
    description="<link rel=canonical> points at the mobile site's path (/m/...) instead of the page's own.",
    response_filter=_html_filter(r'(<link rel="canonical" href="https?://[^/"]+)/', r"\1/m/"),
))

register(Mutation(
    name="site-script-throws",
    description="The site's own analytics snippet throws on load (an uncaught error from the site's origin).",
    extra_js="setTimeout(function () { throw new Error('analytics queue not ready'); }, 0);\n",
))

# -- visual only -----------------------------------------------------------
register(Mutation(
    name="share-bar-shifted-3px",
    description="The share bar is shifted 3px to the right (margin-left: 3px).",
    extra_css=".sns_area { margin-left: 3px; }",
))

register(Mutation(
    name="share-bar-shifted-1px",
    description="The share bar is nudged 1px to the right (position: relative; left: 1px).",
    extra_css=".sns_area { position: relative; left: 1px; }",
))

register(Mutation(
    name="share-icons-grey",
    description="The share buttons lose their network colours (a grayscale filter from a dark-mode experiment).",
    extra_css=".sns_area a, .sns_area button { filter: grayscale(1) opacity(.6); }",
))

register(Mutation(
    name="banner-pushes-article-down",
    description="A 90px promotion banner slot is added above the content: the story starts lower on every page.",
    response_filter=_html_filter(r'(<main id="content" class="container content_grid">)',
                                 r'<div class="container promo_banner" style="height:90px;background:#e8edf3"></div>\1',
                                 page="article"),
))

register(Mutation(
    name="body-font-serif",
    description="The article's body text is set in the headline serif (Lora) instead of Source Sans 3.",
    extra_css="#startts > p { font-family: var(--serif); }",
))

register(Mutation(
    name="headline-colour",
    description="The headline is red (#c8102e) instead of the body ink colour.",
    extra_css=".view_headline h1 { color: #c8102e; }",
))

register(Mutation(
    name="headline-font",
    description="The headline is set in the sans-serif body font instead of Lora.",
    extra_css=".view_headline h1 { font-family: var(--sans); }",
))

register(Mutation(
    name="sans-font-404",
    description="The Source Sans 3 web font files are gone from the deployment: text falls back to another font.",
    status_filter=_asset_404(*(f"/static/fonts/source-sans-3-latin-{w}-normal.woff2" for w in (400, 600, 700))),
))

register(Mutation(
    name="photo-cropped",
    description="The lead photo is cropped to a 16:9 box (object-fit: cover with a new height).",
    extra_css=".view_photo img { height: 300px; object-fit: cover; }",
))

# -- print -----------------------------------------------------------------
register(Mutation(
    name="print-shows-gnb",
    description="The print stylesheet no longer hides the section nav (GNB) and sub-nav.",
    # The print view has the site's chrome too (a shared header include): the stylesheet must hide it.
    response_filter=_chain(
        _css_append("@media print { #gnb, .subbar, #sub_nav { display: block !important; } }"),
        _html_filter(r'(<header class="print_header">)', r'\1<header id="header"><nav id="gnb" class="gnb"><a href="/">Home</a></nav></header>',
                     page="print")),
))

register(Mutation(
    name="print-no-window-print",
    description="The print view never calls window.print().",
    response_filter=_asset_filter("/static/js/print.js", "window.print();", "/* window.print(); */"),
))

register(Mutation(
    name="print-button-dead",
    description="The Print Preview button opens nothing (its click handler was lost).",
    extra_js=_swallow_click(".btn_print"),
))

register(Mutation(
    name="print-view-no-byline",
    description="The print view omits the byline.",
    response_filter=_html_filter(r'<div class="view_byline">.*?</div>', "", page="print"),
))

register(Mutation(
    name="print-page-per-paragraph",
    description="The print stylesheet breaks the page after every paragraph: a 20-odd page printout.",
    response_filter=_css_append("@media print { .view_body p { break-after: page; } }"),
))

register(Mutation(
    name="print-view-headline-missing",
    description="The print view prints no headline.",
    response_filter=_html_filter(r'(<div class="view_headline"><h1>).*?(</h1>)', r"\1\2", page="print"),
))

register(Mutation(
    name="print-view-first-paragraph-missing",
    description="The print view starts the body at the second paragraph.",
    response_filter=_html_filter(r'(<div id="startts" class="view_body">\s*)<p>[^<]*</p>', r"\1", page="print"),
))


# -- page metadata (the article head) ---------------------------------------------
_JSON_LD = r'(<script type="application/ld\+json">.*?)'  # inside the JSON-LD block, up to the match

register(Mutation(
    name="og-url-home",
    description="og:url points at the home page instead of the article (the head's URL block uses the site root).",
    response_filter=_html_filter(r'(<meta property="og:url" content="https?://[^/"]+/)[^"]*"', r'\1"'),
))

register(Mutation(
    name="ld-date-modified-stale",
    description="The JSON-LD dateModified repeats datePublished: it never follows the Updated time the page shows.",
    response_filter=_html_filter(_JSON_LD + r'("datePublished": ("[^"]*"),\s*"dateModified": )"[^"]*"', r"\1\2\3"),
))

register(Mutation(
    name="ld-dates-wall-time-as-utc",
    description="The JSON-LD dates carry the KST wall time marked as UTC ('...T16:12:00Z'): nine hours off.",
    # only the dates carry an offset in the block
    response_filter=_in_block('<script type="application/ld+json">', "</script>", '+09:00"', 'Z"'),
))

register(Mutation(
    name="ld-json-syntax-error",
    description="The JSON-LD block ends with a trailing comma after its last member: not JSON, so crawlers drop it.",
    response_filter=_html_filter(_JSON_LD + r"\}(\n\}</script>)", r"\1},\2"),
))

register(Mutation(
    name="ld-author-publisher",
    description="The JSON-LD author is the publisher (The Korea Times) instead of the byline's reporter or desk.",
    response_filter=_html_filter(_JSON_LD + r'"author": \{.*?\}', r'\1"author": {"@type": "Organization", '
                                                                    r'"name": "The Korea Times"}'),
))

register(Mutation(
    name="ld-headline-truncated",
    description="The JSON-LD headline is cut to 40 characters and an ellipsis (an SEO length rule in the template).",
    response_filter=_html_filter(_JSON_LD + r'("headline": "[^"]{40})[^"]+"', "\\1\\2\u2026\""),
))

register(Mutation(
    name="title-is-site-name",
    description="The title block is lost: <title> and og:title carry only the site's name, not the headline.",
    response_filter=_chain(_html_filter(r"<title>[^<]*</title>", "<title>The Korea Times</title>", page="article"),
                           _html_filter(r'(<meta property="og:title" content=")[^"]*"', r'\1The Korea Times"',
                                        page="article")),
))

register(Mutation(
    name="og-image-404",
    description="The image server lost the share renditions (the JPEGs og:image and the JSON-LD image name): 404.",
    status_filter=lambda path: 404 if re.fullmatch(r"/img/news/[A-Za-z0-9_-]+-\d+x\d+\.jpg", path) else None,
))

register(Mutation(
    name="favicon-404",
    description="The favicon is gone from the static files (404).",
    status_filter=_asset_404("/static/img/favicon.svg"),
))

register(Mutation(
    name="article-noindex",
    description="Article pages say noindex (a staging robots setting shipped): search engines drop the stories.",
    response_filter=_html_filter(r'<meta name="robots" content="index,', '<meta name="robots" content="noindex,'),
))

register(Mutation(
    name="description-empty",
    description="The meta description is rendered empty (its block lost the story's summary).",
    response_filter=_html_filter(r'<meta name="description" content="[^"]*">', '<meta name="description" content="">'),
))


# -- list pages -------------------------------------------------------------------
register(Mutation(
    name="section-list-empty",
    description="A section page lists none of its stories (its list loops over the wrong variable): "
                "only 'No articles in this section yet.'",
    response_filter=_html_filter(r'(<body class="page_list page_section">.*?<ul class="story_list">).*?(</ul>)',
                                 r'\1<li class="story_empty">No articles in this section yet.</li>\2', count=1),
))

register(Mutation(
    name="section-thumbnails-broken",
    description="The section list's thumbnails point at a wrong image folder (/imgs/news/...): every one broken.",
    response_filter=_html_filter(r'(<a class="story_thumb" href="[^"]*"><img src=")/img/', r"\1/imgs/"),
))


# -- what the reader sees --------------------------------------------------------
register(Mutation(
    name="body-read-more-cut",
    description="A 'Read more' script cuts the article body after the third paragraph (a max-height with "
                "overflow hidden): paragraphs 4 and later stay in the DOM, unseen.",
    extra_js=(
        "(function () {\n"
        "  var body = document.getElementById('startts');\n"
        "  var ps = body ? body.querySelectorAll(':scope > p') : [];\n"
        "  if (ps.length < 4) return;\n"
        "  function cut() {  // at the fourth paragraph's top, again whenever the first three change size (fonts)\n"
        "    body.style.maxHeight = (ps[3].getBoundingClientRect().top - body.getBoundingClientRect().top) + 'px';\n"
        "  }\n"
        "  body.style.overflow = 'hidden'; cut();\n"
        "  var watch = new ResizeObserver(cut); [0, 1, 2].forEach(function (i) { watch.observe(ps[i]); });\n"
        "  var more = document.createElement('button'); more.className = 'read_more'; more.textContent = 'Read more';\n"
        "  body.parentNode.insertBefore(more, body.nextSibling);\n"
        "})();\n"
    ),
))

register(Mutation(
    name="print-view-one-page",
    description="The print view's stylesheet hides every paragraph after the first: the printout is cut to one page.",
    response_filter=_css_append("@media print { .page_print .view_body > p ~ p { display: none; } }"),
))

_PLACEHOLDER_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"

register(Mutation(
    name="lazy-thumbnails-never-swapped",
    description="The Top 10 and Top 5 thumbnails are rendered for a lazy-loading script (a 1x1 placeholder in "
                "src, the image in data-src) that was never deployed: they stay blank placeholders.",
    response_filter=_html_filter(r'(<a class="aside_top(?:10|5)_thumb" href="[^"]*"><img )src="([^"]*)"',
                                 rf'\1src="{_PLACEHOLDER_GIF}" data-src="\2"'),
))

register(Mutation(
    name="font-paragraphs-fixed-px",
    description="A stylesheet refactor gives the body paragraphs a fixed 18px font size: the font buttons "
                "resize the body container, but the text the reader sees keeps its size.",
    extra_css="#startts > p { font-size: 18px; }",
))

# -- styles: template rules the style reference per part catches ------------------------------
register(Mutation(
    name="paragraphs-restyled",
    description="Paragraphs 2 and later are set in a greyer ink with looser letters (a rule meant for a quote box).",
    extra_css=".view_body p ~ p { color: #4a4f57; letter-spacing: .2px; }",
))

register(Mutation(
    name="headline-one-line",
    description="The headline is clamped to one line with an ellipsis (a rule meant for teaser cards).",
    extra_css=".view_headline h1 { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }",
))

register(Mutation(
    name="badge-hidden",
    description="The VIDEO and INTERVIEW badges of the widgets are hidden (display: none).",
    extra_css=".tag { display: none; }",
))

register(Mutation(
    name="thumbnails-stretched",
    description="The Top 10 and Top 5 thumbnails are stretched to a square (object-fit: fill, a new height).",
    extra_css=".aside_top10_thumb img, .aside_top5_thumb img { object-fit: fill; height: 84px; }",
))

register(Mutation(
    name="photo-half-width",
    description="The lead photo is drawn at half the article's width.",
    extra_css=".view_photo img { width: 50%; }",
))

register(Mutation(
    name="story-labels-unreadable",
    description="The caption, byline, dates and category are set in a near-white grey (a dark-mode leftover).",
    extra_css=".view_photo figcaption, .view_byline, .view_date, .view_cate a { color: #e9ecf0; }",
))

register(Mutation(
    name="related-restyled",
    description="The related-article box loses its top rule and soft background, in a smaller type.",
    extra_css=".view_related { border-top: 0; background: #fff; font-size: 13px; }",
))

register(Mutation(
    name="paragraph-margins-lost",
    description="The space between paragraphs is lost: their bottom margin is 0.",
    extra_css=".view_body p { margin: 0; }",
))

register(Mutation(
    name="footer-links-restyled",
    description="The footer's links are underlined in a brighter blue.",
    extra_css=".footer_group a { color: #5ea2ff; text-decoration: underline; }",
))


# -- spacing: gaps on both axes, and layout shift after load ----------------------------
register(Mutation(
    name="share-bar-dropped-3px",
    description="The share bar sits 3px lower than the article tools, out of line with them (position: relative; top: 3px).",
    extra_css=".sns_area { position: relative; top: 3px; }",
))


register(Mutation(
    name="banner-after-load",
    description="A script inserts a 200px subscription banner above the header once the page has loaded, "
                "with no space reserved for it: everything on screen jumps down.",
    extra_js=(
        "(function () {\n"
        "  function insert() {\n"
        "    var banner = document.createElement('div');\n"
        "    banner.className = 'promo_top';\n"
        "    banner.style.cssText = 'height:200px;background:#13294b;color:#fff;display:flex;align-items:center;"
        "justify-content:center;font-size:20px';\n"
        "    banner.textContent = 'Subscribe to The Korea Times';\n"
        "    document.body.insertBefore(banner, document.body.firstChild);\n"
        "  }\n"
        "  if (document.readyState === 'complete') setTimeout(insert, 0);\n"
        "  else window.addEventListener('load', function () { setTimeout(insert, 0); });\n"
        "})();\n"
    ),
))


register(Mutation(
    name="photo-lazy-unsized",
    description="The lead photo moves to a lazy-loading script (data-src, given a src as it scrolls into view) and "
                "loses its width and height: no space is kept for it, the story below jumps down when it arrives.",
    response_filter=_html_filter(r'(<figure class="view_photo">\s*<img) src="([^"]*)"( alt="[^"]*") width="\d+" height="\d+"',
                                 r'\1 data-src="\2"\3', page="article"),
    extra_js=(
        "(function () {\n"
        "  var seen = new IntersectionObserver(function (entries) {\n"
        "    entries.forEach(function (e) {\n"
        "      if (!e.isIntersecting) return;\n"
        "      e.target.src = e.target.getAttribute('data-src');\n"
        "      e.target.removeAttribute('data-src');\n"
        "      seen.unobserve(e.target);\n"
        "    });\n"
        "  });\n"
        "  document.querySelectorAll('img[data-src]').forEach(function (img) { seen.observe(img); });\n"
        "})();\n"
    ),
))


register(Mutation(
    name="related-box-moved",
    description="The related-article box is pulled out to the right of the text (float: right; width: 45%), "
                "a leftover of a redesign.",
    extra_css=".view_related { float: right; width: 45%; margin: 6px 0 16px 24px; }",
))



# -- accessibility: what axe-core's rules catch ------------------------------------------
register(Mutation(
    name="overlay-focusable-while-hidden",
    description="A fade-out refactor leaves the closed all-menu overlay transparent (opacity 0, no pointer "
                "events) instead of visibility: hidden: it still says aria-hidden, but Tab lands on its links.",
    extra_css=".all_menu { visibility: visible; pointer-events: none; transition: opacity .25s ease; }",
))

register(Mutation(
    name="byline-low-contrast",
    description="A design refresh sets the byline in a light grey (#949494: 3.0:1 on white, under WCAG's 4.5:1).",
    extra_css=".view_byline { color: #949494; }",
))

register(Mutation(
    name="search-field-unlabelled",
    description="The search layer's field loses its label (aria-label) and its placeholder, for a magnifier icon.",
    response_filter=_html_filter(r'(<input type="search" name="kwd") placeholder="Search The Korea Times" '
                                 r'aria-label="Search keyword"', r"\1", page="article"),
))


# -- the accessibility tree (what a screen reader reads; the page looks the same) ------------------
register(Mutation(
    name="button-labels-display-none",
    description="The visually hidden button labels become `display: none` (a CSS clean-up of .btn_label): "
                "nothing changes on screen, but the menu's icon buttons lose their accessible names and the "
                "share links keep only their icon's letter.",
    extra_css=".btn_label { display: none; }",
))

register(Mutation(
    name="headline-h2",
    description="The article template demotes the headline to an <h2> (an SEO change) and the stylesheet "
                "follows it, so it looks the same: the page has no level-1 heading.",
    response_filter=_chain(
        _html_filter(r'<div class="view_headline"><h1>(.*?)</h1>', r'<div class="view_headline"><h2>\1</h2>'),
        _asset_filter("/static/css/site.css", ".view_headline h1", ".view_headline h2")),
))

register(Mutation(
    name="footer-link-div",
    description="The footer's Contact Us link becomes a <div> with a click handler (a tracking wrapper): "
                "a mouse can still follow it, a keyboard or a screen reader finds no link.",
    response_filter=_html_filter(r'<a href="/www/about/contact\.html">Contact Us</a>',
                                 """<div onclick="location.href='/www/about/contact.html'">Contact Us</div>"""),
))
