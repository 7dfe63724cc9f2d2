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

``expect`` names the checks of the regression suite that must catch the mutation: each
:class:`Expect` is a node-id pattern (``article.yaml::article::components[*]``,
``test_article_content.py::test_top_ten[*]``) and a regular expression its failure message
must match. ``viewports`` are the widths the mutation is run at (the checks it needs).
``tests/self/test_mutations.py`` proves each: the item passes on the unmutated site and fails
on the mutated one with a ``CheckFailure`` or ``AssertionError`` whose message matches.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

VIEWPORTS = ("desktop", "tablet", "mobile")


@dataclass(frozen=True)
class Expect:
    """One check that must catch a mutation, and what its failure must say."""

    items: str    # node-id pattern, matched against the end of the id: "test_menu.py::test_gnb_sections[*]"
    message: str  # regular expression searched in the failure message

    def __post_init__(self):
        re.compile(self.message)  # a bad pattern fails at import, not at judgement
        # `*` is the only wildcard: brackets are the node id's own ("[desktop]").
        object.__setattr__(self, "_items_rx", re.compile(".*" + re.escape(self.items).replace(r"\*", ".*") + "$"))

    def matches(self, nodeid: str) -> bool:
        return self._items_rx.match(nodeid) is not None

    def said_by(self, message: str) -> bool:
        return re.search(self.message, message) is not None


@dataclass(frozen=True)
class Mutation:
    name: str
    description: str
    expect: tuple = ()
    viewports: tuple = ("desktop",)
    extra_css: str = ""
    extra_js: str = ""
    transform: Optional[Callable[[dict], dict]] = None
    response_filter: Optional[Callable[[str, str, bytes], bytes]] = None
    status_filter: Optional[Callable[[str], Optional[int]]] = None
    # Why this is no regression on a live site (it changes story content or order only, which
    # is news there): the live rules do not run it. Empty: a regression on any day.
    pinned_only: str = ""

    def __post_init__(self):
        object.__setattr__(self, "expect", tuple(Expect(*e) if isinstance(e, tuple) else e for e in self.expect))
        object.__setattr__(self, "viewports", tuple(self.viewports))

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
    if not m.expect:
        raise ValueError(f"mutation {m.name!r}: name the checks that must catch it (expect=...)")
    bad = [v for v in m.viewports if v not in VIEWPORTS]
    if bad or not m.viewports:
        raise ValueError(f"mutation {m.name!r}: viewports must be some of {list(VIEWPORTS)}, got {list(m.viewports)}")
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


# -- the catalog -------------------------------------------------------------
# Node-id patterns of the checks that catch mutations (matched against the end of the id).
ARTICLE = "article.yaml::article::"
COMPONENTS = ARTICLE + "components[*]"
COLLAPSED_MENU = ARTICLE + "collapsed_menu[*]"
FONT = "::font_controls[*]"  # the seed article's and the Top-10 article's
PRINT = ARTICLE + "print_preview[*]"
HEALTH = "::page_health[*]"
SECTION = "section.yaml::section_national::"
TOP10_ARTICLE = "section.yaml::top10_article::"
CONTENT = "test_article_content.py::"
MENU = "test_menu.py::"
BEHAVIOUR = "test_behaviour.py::"


def visible(name: str, items: str = COMPONENTS) -> Expect:
    return Expect(items, re.escape(f"{name}: expected visible, but"))


def unseen(a: str, items: str = COMPONENTS) -> Expect:
    """A relation whose subject ``a`` is gone."""
    return Expect(items, rf"(?m)^- {re.escape(a)} \S+ .*{re.escape(a)} is not visible")


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
# Run at mobile: the Top-10 article's font check runs there only, the seed article's everywhere.
register(Mutation(
    name="font-up-noop",
    description="The Font Size Up button does nothing (its click is swallowed).",
    viewports=("mobile",),
    expect=[(FONT, r"Font Size Up changed the body from 18px to 18px, expected 20px")],
    extra_js=_swallow_click(".btn_font_up"),
))

register(Mutation(
    name="font-up-shrinks",
    description="Font Size Up goes the wrong way: it makes the body smaller (handlers swapped).",
    expect=[(ARTICLE + "font_controls[*]", r"Font Size Up changed the body from 18px to 16px")],
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
    expect=[(ARTICLE + "font_controls[*]", r"from 18px to 21px, expected 20px")],
    extra_js="window.KT.FONT.step = 3;\n",
))

register(Mutation(
    name="font-max-30px",
    description="The font size maximum is 30px instead of 26px.",
    viewports=("mobile",),
    expect=[(FONT, r"Font Size Up at the maximum 26px changed the body to 28px; it must stay")],
    extra_js="window.KT.FONT.max = 30;\n",
))

register(Mutation(
    name="font-size-not-persisted",
    description="The chosen font size is not stored in localStorage, so a reload resets it.",
    viewports=("mobile",),
    expect=[(FONT, r"after a reload the body is 18px; the chosen 26px did not persist")],
    extra_js=_drop_storage_key("kt_font_size"),
))

register(Mutation(
    name="font-default-16px",
    description="The article body starts at 16px instead of the 18px default (KT.FONT.def changed).",
    viewports=("mobile",),
    expect=[(FONT, r"body starts at 16px, expected the default 18px")],
    response_filter=_asset_filter("/static/js/site.js", "KT.FONT = { def: 18,", "KT.FONT = { def: 16,"),
))

register(Mutation(
    name="font-down-noop",
    description="The Font Size Down button does nothing (its click is swallowed).",
    viewports=("mobile",),
    expect=[(FONT, r"Font Size Down changed the body from 26px to 26px, expected 24px")],
    extra_js=_swallow_click(".btn_font_down"),
))

register(Mutation(
    name="font-min-10px",
    description="The font size minimum is 10px instead of 14px.",
    viewports=("mobile",),
    expect=[(FONT, r"Font Size Down at the minimum 14px changed the body to 12px; it must stay")],
    extra_js="window.KT.FONT.min = 10;\n",
))

register(Mutation(
    name="font-up-scales-headline",
    description="Font Size Up also enlarges the headline (the size is set on the whole article).",
    viewports=("mobile",),
    expect=[(FONT, r"article\.headline font size changed from [\d.]+px to [\d.]+px at the maximum 26px")],
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
    viewports=("mobile",),
    expect=[(FONT, r"at the maximum 26px the page overflows horizontally by \d+px")],
    extra_css='#startts[style*="26px"] { min-width: 1500px; } body { overflow-x: visible; }',
))

# -- share bar -------------------------------------------------------------
register(Mutation(
    name="share-no-url",
    description="Share links are rendered without the article URL (templates lose their {U}).",
    expect=[(ARTICLE + "share_links[*]", r"\[share_bar\] .* share URL lacks canonical URL")],
    transform=_share_without_url,
))

register(Mutation(
    name="share-wrong-url",
    description="Share links carry the un-encoded mobile-site URL (/m/www/...) instead of the canonical URL.",
    expect=[(ARTICLE + "share_links[*]", r"share URL lacks canonical URL")],
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
    expect=[(COMPONENTS, r"share_bar\.buttons: 6 found, expected 7"),
            (CONTENT + "test_share_bar_networks[*]", r"share button reddit missing")],
    transform=_drop_share("reddit"),
))

register(Mutation(
    name="share-bar-hidden",
    description="The share bar is hidden (a leftover `display: none` from an A/B test).",
    viewports=("desktop", "mobile"),
    expect=[visible("share_bar"), visible("share_bar.buttons"),
            (COMPONENTS, r"share_bar: expected inside the viewport, but it is not visible"),
            unseen("share_bar"), visible("share_bar", TOP10_ARTICLE + "layout[*]")],
    extra_css=".sns_area { display: none; }",
))

register(Mutation(
    name="copy-link-wrong-url",
    description="The copy-link button copies the home page URL instead of the article's canonical URL.",
    expect=[(BEHAVIOUR + "test_copy_link_copies_canonical_url[*]", r"copied .*/', expected the canonical URL")],
    extra_js="window.KT.canonicalUrl = function () { return location.origin + '/'; };\n",
))

# -- widgets ---------------------------------------------------------------
register(Mutation(
    name="top10-item-missing",
    description="The Top 10 Stories widget lists only nine items (the 10th is dropped from the data).",
    expect=[(CONTENT + "test_top_ten_structure[*]", r"top_ten: 9 items, expected 10"),
            (COMPONENTS, r"top_ten\.items: 9 found, expected 10"),
            (TOP10_ARTICLE + "layout[*]", r"top_ten\.items: 9 found, expected 10"),
            (CONTENT + "test_top_ten[*]", r"top_ten ranks \['1', .*'9'\], expected 1\.\.10")],
    transform=_drop_last("top10", 9),
))

register(Mutation(
    name="top10-misnumbered",
    description="Top 10 ranks skip a number: 1, 2, 3, 4, 6, 7... (an off-by-one after item 4).",
    expect=[(CONTENT + "test_top_ten[*]", r"top_ten ranks \['1', '2', '3', '4', '6',"),
            (CONTENT + "test_top_ten_structure[*]", r"top_ten ranks \['1', '2', '3', '4', '6',")],
    extra_js=(
        "document.querySelectorAll('#top10 .aside_top10_item .rank').forEach(function (el, i) {\n"
        "  el.textContent = String(i < 4 ? i + 1 : i + 2);\n"
        "});\n"
    ),
))

register(Mutation(
    name="top5-tag-missing",
    description="The Top 5 Entertainment News tags (INTERVIEW) are not rendered.",
    expect=[(CONTENT + "test_top_five[*]", r"top_five item 1 has no tag, expected 'INTERVIEW'"),
            (CONTENT + "test_top_five_structure[*]", r"top_five item \d thumbnail alt [\"']\[INTERVIEW\] ")],
    extra_js="document.querySelectorAll('#top5 .tag').forEach(function (el) { el.remove(); });\n",
))

register(Mutation(
    name="top5-item-missing",
    description="Top 5 Entertainment News shows four stories (the widget's limit was lowered).",
    expect=[(CONTENT + "test_top_five_structure[*]", r"top_five: 4 items, expected 5"),
            (COMPONENTS, r"top_five\.items: 4 found, expected 5"),
            (CONTENT + "test_top_five[*]", r"top_five ranks \['1', '2', '3', '4'\], expected 1\.\.5")],
    transform=_drop_last("top5", 4),
))

register(Mutation(
    name="darkroom-gallery-missing",
    description="The Darkroom widget shows four galleries instead of five.",
    expect=[(CONTENT + "test_darkroom_structure[*]", r"darkroom: 4 galleries, expected 5"),
            (COMPONENTS, r"darkroom\.items: 4 found, expected 5"),
            (CONTENT + "test_darkroom[*]", r"darkroom titles .* expected")],
    transform=_drop_last("darkroom", 4),
))

register(Mutation(
    name="sidebar-hidden",
    description="The sidebar (Top 10, Top 5, Darkroom) is hidden by a leftover `display: none`.",
    viewports=("desktop", "tablet", "mobile"),
    expect=[visible("top_ten"), visible("top_ten.items"), visible("top_five"), visible("top_five.items"),
            visible("darkroom"),
            (COMPONENTS, r"top_ten: expected inside the viewport, but it is not visible"),
            (COMPONENTS, r"top_five: expected inside the viewport, but it is not visible"),
            (COMPONENTS, r"darkroom: expected inside the viewport, but it is not visible"),
            unseen("top_ten"), unseen("top_five"), unseen("sidebar"),
            (ARTICLE + "components[tablet]", r"top_ten left_of top_five: top_ten is not visible"),
            (ARTICLE + "components[tablet]", r"top_ten aligned top_five: top_ten is not visible"),
            (ARTICLE + "components[tablet]", r"sidebar below article: sidebar is not visible"),
            visible("top_ten", TOP10_ARTICLE + "layout[*]")],
    extra_css="#sidebar { display: none; }",
))

register(Mutation(
    name="trending-short-list",
    description="The trending layer lists 15 stories instead of 20 (the feed's limit was lowered).",
    expect=[(BEHAVIOUR + "test_trending_structure[*]", r"trending ranks \[1, .*, 15\], expected 1\.\.20"),
            (COMPONENTS, r"trending\.items: 15 found, expected 20"),
            (BEHAVIOUR + "test_trending_ranks_twenty_stories_from_the_seed[*]", r"trending ranks .* expected 1\.\.20")],
    transform=_drop_last("trending", 15),
))

register(Mutation(
    name="trending-hidden",
    description="The trending layer is hidden on every page (its container lost its display rule).",
    expect=[visible("trending")],
    extra_css="#trending { display: none; }",
))

register(Mutation(
    name="trending-frozen",
    description="The trending list never re-ranks: its timer is cleared on load.",
    expect=[(BEHAVIOUR + "test_trending_order_changes_over_time[*]", r"trending order did not change")],
    response_filter=_asset_filter("/static/js/site.js", "renderTrending(now);\n", "/* renderTrending(now); */\n"),
    pinned_only=("it stops the order of the trending stories changing over time: on a live site that order "
                 "is the newsroom's, on its own schedule, and no check may depend on the time"),
))

register(Mutation(
    name="trending-open-dead",
    description="The trending layer's Open button does nothing: once closed it stays closed.",
    expect=[(BEHAVIOUR + "test_trending_close_and_open[*]", r"trending stays closed after Open")],
    extra_js=_swallow_click(".trending_open"),
))

register(Mutation(
    name="trending-close24-not-persisted",
    description="'Close for 24 hours' closes the trending layer but does not remember it across reloads.",
    expect=[(BEHAVIOUR + "test_trending_close_for_24_hours_expires[*]", r"closed for 24 h but open again after a reload")],
    extra_js=_drop_storage_key("kt_trending_closed_until"),
))

register(Mutation(
    name="widget-links-htm",
    description="Story links in the trending layer and the sidebar end in .htm instead of .html (404s).",
    expect=[(ARTICLE + "widget_links[*]", r"\[trending\] .*\.htm: status 404"),
            (ARTICLE + "widget_links[*]", r"\[top_ten\] .*\.htm: status 404"),
            (ARTICLE + "widget_links[*]", r"\[top_five\] .*\.htm: status 404"),
            (ARTICLE + "widget_links[*]", r"\[darkroom\] .*\.htm: status 404"),
            (TOP10_ARTICLE + "links[*]", r"\[top_ten\] .*\.htm: status 404")],
    response_filter=_chain(_in_block('<aside id="sidebar"', "</aside>", '.html"', '.htm"'),
                           _in_block('<section id="trending"', "</section>", '.html"', '.htm"'),
                           _in_block('id="trending_data"', "</script>", '.html"', '.htm"')),
))

# -- menu ------------------------------------------------------------------
register(Mutation(
    name="overlay-section-missing",
    description="The all-menu overlay lacks the Lifestyle section.",
    expect=[(MENU + "test_overlay_opens_lists_every_section_and_closes[*]", r"overlay sections .*expected")],
    response_filter=_html_filter(
        r'<div class="all_menu_section">\s*<h3><a href="/www/section/lifestyle\.html">.*?</div>\s*', ""),
))

register(Mutation(
    name="overlay-wont-close",
    description="The all-menu overlay's close button does nothing.",
    expect=[(MENU + "test_overlay_opens_lists_every_section_and_closes[*]", r"overlay still open after Close")],
    extra_js=_swallow_click(".all_menu_close"),
))

register(Mutation(
    name="overlay-open-on-load",
    description="The all-menu overlay shows on page load (its hidden state lost in a CSS refactor).",
    viewports=("desktop", "mobile"),
    expect=[(COMPONENTS, r"menu\.overlay: expected hidden, but it is visible"),
            (SECTION + "layout[*]", r"menu\.overlay: expected hidden, but it is visible")],
    extra_css=".all_menu { display: block !important; visibility: visible !important; opacity: 1 !important; }",
))

register(Mutation(
    name="overlay-link-404",
    description="An all-menu overlay link points to a misspelt sub-section page (404).",
    expect=[(ARTICLE + "overlay_links[*]", r"\[menu\.overlay\] .*/www/section/nation/poltics\.html: status 404")],
    response_filter=_in_block('<div id="all_menu"', '<section id="trending"',
                              "/www/section/nation/politics.html", "/www/section/nation/poltics.html"),
))

register(Mutation(
    name="search-layer-open-on-load",
    description="The search layer shows on page load (its closed state lost).",
    expect=[(COMPONENTS, r"menu\.search: expected hidden, but it is visible")],
    extra_css=".search_layer { display: block !important; }",
))

register(Mutation(
    name="search-wrong-action",
    description="The search form posts to a retired search page (search.aspx), which answers 404.",
    expect=[(MENU + "test_search_layer_submits_to_search_page[*]", r"search went to .*/search\.aspx\?kwd=GSOMIA")],
    response_filter=_html_filter(r'action="/www2/common/search\.asp"', 'action="/www2/common/search.aspx"'),
))

register(Mutation(
    name="gnb-link-404",
    description="The GNB's Finance link points to a misspelt section page that answers 404.",
    expect=[(ARTICLE + "menu_links[*]", r"\[menu\.gnb\] 'Finance' .*/www/section/finanace\.html: status 404"),
            (SECTION + "links[*]", r"\[menu\.gnb\] 'Finance' .*finanace\.html: status 404")],
    response_filter=_html_filter(r'(<nav id="gnb".*?)/www/section/finance\.html', r"\1/www/section/finanace.html",
                                 count=1),
))

register(Mutation(
    name="gnb-section-missing",
    description="The section nav lacks Opinion (dropped from the nav's configuration).",
    expect=[(MENU + "test_gnb_sections[*]", r"section nav .*expected")],
    response_filter=_in_block('<nav id="gnb"', "</nav>", '<li><a href="/www/section/opinion.html">Opinion</a></li>', ""),
))

register(Mutation(
    name="gnb-hidden-on-desktop",
    description="A media query typo hides the section nav at desktop widths.",
    expect=[(COMPONENTS, r"menu\.gnb inside menu: menu\.gnb is not visible")],
    extra_css="@media (min-width: 1025px) { .gnb { display: none; } }",
))

register(Mutation(
    name="mobile-gnb-not-collapsed",
    description="On mobile the section nav is no longer collapsed behind the all-menu button.",
    viewports=("mobile",),
    expect=[(COLLAPSED_MENU, r"menu\.gnb: expected hidden, but it is visible")],
    extra_css="@media (max-width: 767px) { .gnb { display: block !important; } .gnb ul { display: flex !important; flex-wrap: wrap; } }",
))

register(Mutation(
    name="member-link-missing",
    description="The Register link is gone from the member links.",
    expect=[(MENU + "test_member_links[*]", r"member links \['Login', 'Subscribe'\], expected")],
    transform=_drop_named("member", "Register"),
))

register(Mutation(
    name="member-link-404",
    description="The Login link points to a retired path that answers 404.",
    expect=[(ARTICLE + "menu_links[*]", r"\[menu\.top_bar\] 'Login' .*/www2/common/signin\.asp: status 404")],
    response_filter=_html_filter(r'href="/www2/common/login\.asp"', 'href="/www2/common/signin.asp"'),
))

register(Mutation(
    name="top-bar-hidden",
    description="The header's top bar (logo, search, all menu, member links) is hidden by a CSS refactor.",
    viewports=("desktop", "mobile"),
    expect=[visible("menu.top_bar"), visible("menu.logo"),
            (COMPONENTS, r"menu\.top_bar: expected inside the viewport, but it is not visible"),
            unseen("menu.top_bar"), visible("menu.top_bar", COLLAPSED_MENU),
            visible("menu.top_bar", SECTION + "layout[*]")],
    extra_css=".top_bar { display: none !important; }",
))

register(Mutation(
    name="sub-nav-missing",
    description="The sub-nav of the current section is not rendered (its include was dropped).",
    expect=[visible("menu.sub_nav"),
            (ARTICLE + "menu_links[*]", r"\[menu\.sub_nav\] has no links"),
            (MENU + "test_sub_nav_marks_current_section[*]", r"sub-nav")],
    response_filter=_html_filter(r'<nav id="sub_nav".*?</nav>', ""),
))

register(Mutation(
    name="sub-nav-no-current",
    description="The sub-nav no longer marks the current sub-section.",
    expect=[(MENU + "test_sub_nav_marks_current_section[*]", r"sub-nav marks 0 current item\(s\), expected 1")],
    response_filter=_in_block('<nav id="sub_nav"', "</nav>", ' aria-current="page"', ""),
))

register(Mutation(
    name="date-line-script-error",
    description="The date-line script throws (a renamed helper) and leaves the date line empty.",
    expect=[visible("date_line"), visible("date_line", SECTION + "layout[*]"),
            (BEHAVIOUR + "test_date_line_shows_the_page_clock_in_seed_format[*]", r"date line reads ''"),
            (HEALTH, r"uncaught TypeError: KT\.formatDateLin is not a function")],
    response_filter=_asset_filter("/static/js/site.js", "var text = KT.formatDateLine(now);",
                                  "el.textContent = ''; var text = KT.formatDateLin(now);"),
))

register(Mutation(
    name="date-line-frozen",
    description="The date line is never updated by the page's clock: it shows the server's time.",
    expect=[(BEHAVIOUR + "test_date_line_shows_the_page_clock_in_seed_format[*]",
             r"date line reads '.*', expected 'Mon, February 6, 2023 \| 21:47'")],
    response_filter=_asset_filter("/static/js/site.js", "    updateDateLine(now);\n", "\n"),
))

# -- article links ---------------------------------------------------------
register(Mutation(
    name="related-link-404",
    description="The related-article box links to an article id that does not exist (404).",
    expect=[(ARTICLE + "article_links[*]", r"\[article\.related\] .*: status 404")],
    response_filter=_html_filter(r'(<aside class="view_related">\s*<a href="[^"]*?)_(\d+)\.html"', r'\1_9\2.html"'),
))

register(Mutation(
    name="fragment-link-broken",
    description="The category link points at a #latest fragment that its target page does not have.",
    expect=[(ARTICLE + "article_links[*]", r"\[article\.category\] .*#latest"),
            (TOP10_ARTICLE + "links[*]", r"\[article\] .*#latest")],
    response_filter=_html_filter(r'(<div class="view_cate"><a href="[^"#]+)"', r'\1#latest"'),
))

register(Mutation(
    name="reporter-list-link-404",
    description="The reporter's Article List link points to a retired path (404).",
    expect=[(ARTICLE + "article_links[*]", r"\[article\.reporter\] 'Article List' .*: status 404")],
    response_filter=_html_filter(r'(<a class="reporter_list" href=")/', r"\1/old/"),
))

register(Mutation(
    name="footer-link-404",
    description="The footer's Privacy Statement link points to a misspelt page (404).",
    expect=[(ARTICLE + "footer_links[*]", r"\[footer\.links\] 'Privacy Statement' .*privcy\.html: status 404"),
            (SECTION + "links[*]", r"\[footer\.links\] 'Privacy Statement' .*: status 404")],
    response_filter=_html_filter(r'/www/policy/privacy\.html', "/www/policy/privcy.html"),
))

register(Mutation(
    name="footer-group-missing",
    description="The footer lacks its Policy group.",
    expect=[(CONTENT + "test_footer_imprint_and_groups[*]", r"footer groups .*expected")],
    transform=_drop_footer_group("Policy"),
))

register(Mutation(
    name="footer-missing",
    description="The footer is not rendered (its block was dropped from the base template).",
    viewports=("desktop", "mobile"),
    expect=[visible("footer"), visible("footer.imprint"), visible("footer.links"),
            (COMPONENTS, r"footer: expected inside the viewport, but it is not visible"),
            (COMPONENTS, r"article above footer: footer is not visible"),
            (ARTICLE + "footer_links[*]", r"\[footer\.links\] has no links"),
            visible("footer", SECTION + "layout[*]"), visible("footer.imprint", SECTION + "layout[*]"),
            visible("footer", TOP10_ARTICLE + "layout[*]")],
    response_filter=_html_filter(r'<footer id="footer".*?</footer>', ""),
))

# -- layout ----------------------------------------------------------------
register(Mutation(
    name="mobile-photo-overflow",
    description="On mobile (<=767px) the lead photo keeps a fixed 440px width and sticks out of the viewport.",
    viewports=("mobile",),
    expect=[(COMPONENTS, r"article\.photo: sticks out of the 375 px viewport"),
            (COMPONENTS, r"page: horizontal overflow, content is \d+ px wide in a 375 px viewport")],
    extra_css="@media (max-width: 767px) { .view_photo { width: 440px; } body { overflow-x: visible; } }",
))

register(Mutation(
    name="mobile-min-width",
    description="On mobile every page keeps a 440px minimum width (a container rule lost its media query).",
    viewports=("mobile",),
    expect=[(COLLAPSED_MENU, r"page: horizontal overflow"), (SECTION + "layout[*]", r"page: horizontal overflow"),
            (TOP10_ARTICLE + "layout[*]", r"page: horizontal overflow")],
    extra_css="@media (max-width: 767px) { body { min-width: 440px; overflow-x: visible; } }",
))

register(Mutation(
    name="sidebar-below-on-desktop",
    description="On desktop the sidebar drops below the article (the two-column grid is lost).",
    expect=[(COMPONENTS, r"sidebar right-of article:"),
            (COMPONENTS, r"sidebar width is \d+ px, expected 280\.\.340 px"),
            (COMPONENTS, r"top_ten aligned article\.category:"),
            (TOP10_ARTICLE + "layout[*]", r"sidebar right-of article:")],
    extra_css="@media (min-width: 1025px) { .content_grid { grid-template-columns: minmax(0, 1fr); } }",
))

register(Mutation(
    name="article-column-narrow",
    description="On desktop the article column is narrowed to 660px (a grid template changed).",
    expect=[(COMPONENTS, r"article width is 660 px, expected 700\.\.820 px")],
    extra_css="@media (min-width: 1025px) { .content_grid { grid-template-columns: 660px 300px; } }",
))

register(Mutation(
    name="headline-indented",
    description="The headline is indented 12px and no longer lines up with the body.",
    expect=[(COMPONENTS, r"article\.headline aligned article\.body:")],
    extra_css=".view_headline { margin-left: 12px; }",
))

# -- article content -------------------------------------------------------
register(Mutation(
    name="byline-missing",
    description="The article page renders no byline.",
    expect=[(CONTENT + "test_byline_photo_and_caption[*]", r"byline '', expected"),
            visible("article.byline"), unseen("article.byline"),
            (COMPONENTS, r"article\.sub_headline above article\.byline: article\.byline is not visible"),
            visible("article.byline", TOP10_ARTICLE + "layout[*]"),
            (CONTENT + "test_headline_dates_byline[*]", r"byline ''"),
            (PRINT, r"article page: article\.byline is not shown under print media")],
    response_filter=_html_filter(r'<div class="view_byline">.*?</div>', "", page="article"),
))

register(Mutation(
    name="caption-missing",
    description="The lead photo's figcaption is not rendered.",
    expect=[(CONTENT + "test_byline_photo_and_caption[*]", r"and caption ''"),
            visible("article.caption"), (CONTENT + "test_caption_is_alt_text_and_caption[*]", r"caption ''"),
            (PRINT, r"article page: article\.caption is not shown under print media")],
    response_filter=_html_filter(r'(<figure class="view_photo">.*?)<figcaption>.*?</figcaption>', r"\1",
                                 page="article", count=1),
))

register(Mutation(
    name="photo-alt-empty",
    description="The lead photo's alt text is empty (the caption is no longer its alt).",
    expect=[(CONTENT + "test_caption_is_alt_text_and_caption[*]", r"photo alt ''"),
            (CONTENT + "test_byline_photo_and_caption[*]", r"photo alt '' and caption")],
    response_filter=_html_filter(r'(<figure class="view_photo">\s*<img [^>]*?)alt="[^"]*"', r'\1alt=""',
                                 page="article", count=1),
))

register(Mutation(
    name="lead-photo-dropped",
    description="The lead photo block is not rendered (a template condition inverted).",
    expect=[visible("article.photo"), unseen("article.photo"),
            (COMPONENTS, r"article\.dates above article\.photo: article\.photo is not visible"),
            (COMPONENTS, r"article\.photo: expected inside the viewport, but it is not visible")],
    response_filter=_html_filter(r'<figure class="view_photo">.*?</figure>', "", page="article", count=1),
))

register(Mutation(
    name="lead-photo-404",
    description="The seed article's lead photo file is gone from the image server (404).",
    expect=[(CONTENT + "test_byline_photo_and_caption[*]", r"the lead photo did not load"),
            (HEALTH, r"image .*/img/news/330924\.svg did not load"),
            (ARTICLE + "visual_photo[*]", r"image .*330924\.svg did not load")],
    status_filter=_asset_404("/img/news/330924.svg"),
))

register(Mutation(
    name="top10-thumbnail-404",
    description="The first Top-10 story's image is gone from the image server (404): a broken thumbnail "
                "(the first story of either news day).",
    expect=[(TOP10_ARTICLE + "page_health[*]", r"image .*/img/news/344903\.svg did not load"),
            (ARTICLE + "page_health[*]", r"image .*/img/news/34(4903|5001)\.svg did not load"),
            (ARTICLE + "visual_top_ten[*]", r"image .*34(4903|5001)\.svg did not load"),
            (CONTENT + "test_top_ten_structure[*]", r"top_ten thumbnails loaded: \[False")],
    status_filter=_asset_404("/img/news/344903.svg", "/img/news/345001.svg"),
))

register(Mutation(
    name="sub-headline-missing",
    description="The sub-headline is not rendered.",
    expect=[visible("article.sub_headline"), unseen("article.sub_headline"),
            (COMPONENTS, r"article\.photo above article\.sub_headline: article\.sub_headline is not visible"),
            (CONTENT + "test_headline_dates_byline[*]", r"sub-headline")],
    response_filter=_html_filter(r'<h2 class="view_sub_headline">.*?</h2>', "", page="article"),
))

register(Mutation(
    name="headline-empty",
    description="The headline renders empty (the template's title variable was renamed).",
    expect=[(CONTENT + "test_headline_and_body_in_the_templates_typefaces[*]", r"headlines \[''\], expected one"),
            visible("article.headline"), unseen("article.headline"),
            (COMPONENTS, r"article\.headline: expected inside the viewport, but it is not visible"),
            visible("article.headline", TOP10_ARTICLE + "layout[*]"), unseen("article.headline", TOP10_ARTICLE + "layout[*]"),
            (CONTENT + "test_headline_dates_byline[*]", r"headline ''")],
    response_filter=_html_filter(r'(<div class="view_headline"><h1>).*?(</h1>)', r"\1\2", page="article"),
))

register(Mutation(
    name="dates-missing",
    description="The posted/updated dates are not rendered.",
    expect=[visible("article.dates"), unseen("article.dates"),
            (COMPONENTS, r"article\.headline above article\.dates: article\.dates is not visible"),
            visible("article.dates", TOP10_ARTICLE + "layout[*]"),
            (PRINT, r"article page: article\.dates is not shown under print media")],
    response_filter=_html_filter(r'<div class="view_date">.*?</div>', "", page="article"),
))

register(Mutation(
    name="category-missing",
    description="The category label above the headline is not rendered.",
    expect=[visible("article.category"), (ARTICLE + "article_links[*]", r"\[article\.category\] has no links")],
    response_filter=_html_filter(r'<div class="view_cate">.*?</div>', "", page="article"),
))

register(Mutation(
    name="tools-hidden",
    description="The print and font-size buttons are hidden.",
    expect=[visible("article.tools")],
    extra_css=".view_tools { display: none; }",
))

register(Mutation(
    name="body-hidden",
    description="A paywall script hides the article body from every reader.",
    viewports=("desktop", "mobile"),
    expect=[visible("article.body"), unseen("article.body"),
            (COMPONENTS, r"article\.byline above article\.body: article\.body is not visible"),
            (COMPONENTS, r"article\.body: expected inside the viewport, but it is not visible"),
            (ARTICLE + "components[mobile]", r"article\.body width"),
            visible("article.body", TOP10_ARTICLE + "layout[*]"),
            (PRINT, r"article page: article\.body is not shown under print media")],
    extra_js="document.querySelectorAll('.view_body').forEach(function (b) { b.hidden = true; });\n",
))

register(Mutation(
    name="body-paragraph-dropped",
    description="The article body loses its last paragraph (a truncation bug in the body renderer).",
    expect=[(ARTICLE + "story_length[*]", r"article\.paragraphs: 21 found, expected 22"),
            (CONTENT + "test_body_paragraphs_verbatim_with_related_box[*]", r"paragraphs: 21, expected 22"),
            (ARTICLE + "print_preview[*]", r"the article page shows 21 paragraphs, its print view 22")],
    response_filter=_html_filter(r'(<div id="startts" class="view_body">(?:(?!</div>).)*)<p>[^<]*</p>(\s*</div>)', r"\1\2",
                                 path=SEED_PATH, page="article"),
))

register(Mutation(
    name="related-box-missing",
    description="The related-article box is not rendered.",
    expect=[(CONTENT + "test_body_related_box_and_reporter[*]", r"related box: no link"),
            visible("article.related"), (ARTICLE + "article_links[*]", r"\[article\.related\] has no links"),
            (CONTENT + "test_body_paragraphs_verbatim_with_related_box[*]", r"related box")],
    response_filter=_html_filter(r'<aside class="view_related">.*?</aside>', "", page="article"),
))

register(Mutation(
    name="reporter-footer-missing",
    description="The reporter footer (email, article list) is not rendered.",
    expect=[(CONTENT + "test_body_related_box_and_reporter[*]", r"reporter email None"),
            visible("article.reporter"),
            (COMPONENTS, r"article\.body above article\.reporter: article\.reporter is not visible"),
            (ARTICLE + "article_links[*]", r"\[article\.reporter\] has no links"),
            (CONTENT + "test_reporter_footer[*]", r"reporter footer")],
    response_filter=_html_filter(r'<div class="view_reporter">.*?</div>', "", page="article"),
))

register(Mutation(
    name="reporter-email-typo",
    description="The reporter's mailto address is misspelt (koreatimes.co.kr became koreatimes.co).",
    expect=[(CONTENT + "test_reporter_footer[*]", r"reporter email 'mailto:[^']*@koreatimes\.co'"),
            (CONTENT + "test_body_related_box_and_reporter[*]", r"reporter email 'mailto:[^']*@koreatimes\.co'")],
    response_filter=_html_filter(r'(href="mailto:[^"@]+@koreatimes\.co)\.kr"', r'\1"', page="article"),
))

register(Mutation(
    name="date-wrong-format",
    description="Dates are rendered day-first: 'Posted : 14/06/2022 16:12'.",
    expect=[(CONTENT + "test_headline_dates_byline[*]", r"Posted : 14/06/2022"),
            (CONTENT + "test_dates_in_the_sites_format_updated_after_posted[*]", r"not in the site's format")],
    response_filter=_html_filter(r'(<time datetime="[^"]+">)(\d{4})-(\d{2})-(\d{2})', r"\1\4/\3/\2",
                                 path=SEED_PATH),
))

register(Mutation(
    name="canonical-wrong-path",
    description="<link rel=canonical> points at the mobile site's path (/m/...) instead of the page's own.",
    expect=[(HEALTH, r"canonical URL .*/m/www/.* its path is not the page's own")],
    response_filter=_html_filter(r'(<link rel="canonical" href="https?://[^/"]+)/', r"\1/m/"),
))

register(Mutation(
    name="site-script-throws",
    description="The site's own analytics snippet throws on load (an uncaught error from the site's origin).",
    expect=[(HEALTH, r"uncaught Error: analytics queue not ready")],
    extra_js="setTimeout(function () { throw new Error('analytics queue not ready'); }, 0);\n",
))

# -- visual only -----------------------------------------------------------
register(Mutation(
    name="share-bar-shifted-3px",
    description="The share bar is shifted 3px to the right (margin-left: 3px).",
    viewports=("desktop", "mobile"),
    expect=[(ARTICLE + "visual_page[*]", r"\d+ pixels differ"),
            (COMPONENTS, r"share_bar right-of article\.tools: gap is 17 px"),
            (COMPONENTS, r"share_bar aligned article\.tools: left edges differ by 3 px")],
    extra_css=".sns_area { margin-left: 3px; }",
))

register(Mutation(
    name="share-bar-shifted-1px",
    description="The share bar is nudged 1px to the right (position: relative; left: 1px).",
    expect=[(ARTICLE + "visual_page[*]", r"\d+ pixels differ"),
            (COMPONENTS, r"share_bar right-of article\.tools: gap is 15 px")],
    extra_css=".sns_area { position: relative; left: 1px; }",
))

register(Mutation(
    name="share-icons-grey",
    description="The share buttons lose their network colours (a grayscale filter from a dark-mode experiment).",
    expect=[(ARTICLE + "visual_share_bar[*]", r"\d+ pixels differ")],
    extra_css=".sns_area a, .sns_area button { filter: grayscale(1) opacity(.6); }",
))

register(Mutation(
    name="banner-pushes-article-down",
    description="A 90px promotion banner slot is added above the content: the story starts lower on every page.",
    viewports=("desktop", "mobile"),
    expect=[(COMPONENTS, r"trending above article: gap is 120 px"),
            (COMPONENTS, r"trending above article: gap is 110 px")],
    response_filter=_html_filter(r'(<main id="content" class="container content_grid">)',
                                 r'<div class="container promo_banner" style="height:90px;background:#e8edf3"></div>\1',
                                 page="article"),
))

register(Mutation(
    name="body-font-serif",
    description="The article's body text is set in the headline serif (Lora) instead of Source Sans 3.",
    expect=[(ARTICLE + "visual_lead_paragraph[*]", r"pixels differ|size changed"),
            (CONTENT + "test_headline_and_body_in_the_templates_typefaces[*]", r"typefaces \{.*'body': 'Lora'")],
    extra_css="#startts > p { font-family: var(--serif); }",
))

register(Mutation(
    name="headline-colour",
    description="The headline is red (#c8102e) instead of the body ink colour.",
    expect=[(ARTICLE + "visual_article_head[*]", r"\d+ pixels differ")],
    extra_css=".view_headline h1 { color: #c8102e; }",
))

register(Mutation(
    name="headline-font",
    description="The headline is set in the sans-serif body font instead of Lora.",
    expect=[(CONTENT + "test_headline_and_body_in_the_templates_typefaces[*]", r"typefaces \{'headline': 'Source Sans 3'"),
            (ARTICLE + "visual_article_head[*]", r"pixels differ|size changed")],
    extra_css=".view_headline h1 { font-family: var(--sans); }",
))

register(Mutation(
    name="sans-font-404",
    description="The Source Sans 3 web font files are gone from the deployment: text falls back to another font.",
    expect=[*((ARTICLE + f"visual_{name}[*]", r"pixels differ|size changed")
              for name in ("page", "menu", "trending", "body", "lead_paragraph", "top_ten", "top_five", "darkroom",
                           "footer")),
            (CONTENT + "test_headline_and_body_in_the_templates_typefaces[*]",
             r"body typeface 'Source Sans 3' did not load")],
    status_filter=_asset_404(*(f"/static/fonts/source-sans-3-latin-{w}-normal.woff2" for w in (400, 600, 700))),
))

register(Mutation(
    name="photo-cropped",
    description="The lead photo is cropped to a 16:9 box (object-fit: cover with a new height).",
    expect=[(ARTICLE + "visual_photo[*]", r"pixels differ|size changed"),
            (CONTENT + "test_byline_photo_and_caption[*]", r"lead photo is cropped")],
    extra_css=".view_photo img { height: 300px; object-fit: cover; }",
))

# -- print -----------------------------------------------------------------
register(Mutation(
    name="print-shows-gnb",
    description="The print stylesheet no longer hides the section nav (GNB) and sub-nav.",
    expect=[(PRINT, r"article page: menu\.gnb is visible under print media"),
            (PRINT, r"print view: .* is visible under print media")],
    # The print view has the site's chrome too (a shared header include): the stylesheet must hide it.
    response_filter=_chain(
        _css_append("@media print { #gnb, .subbar, #sub_nav { display: block !important; } }"),
        _html_filter(r'(<header class="print_header">)', r'\1<header id="header"><nav id="gnb" class="gnb"><a href="/">Home</a></nav></header>',
                     page="print")),
))

register(Mutation(
    name="print-no-window-print",
    description="The print view never calls window.print().",
    expect=[(PRINT, r"the print view \(.*\) never called window\.print\(\)")],
    response_filter=_asset_filter("/static/js/print.js", "window.print();", "/* window.print(); */"),
))

register(Mutation(
    name="print-button-dead",
    description="The Print Preview button opens nothing (its click handler was lost).",
    expect=[(PRINT, r"Print Preview opened nothing")],
    extra_js=_swallow_click(".btn_print"),
))

register(Mutation(
    name="print-view-no-byline",
    description="The print view omits the byline.",
    expect=[(PRINT, r"print view: article\.byline is not shown under print media")],
    response_filter=_html_filter(r'<div class="view_byline">.*?</div>', "", page="print"),
))

register(Mutation(
    name="print-page-per-paragraph",
    description="The print stylesheet breaks the page after every paragraph: a 20-odd page printout.",
    expect=[(PRINT, r"the PDF has \d+ pages, expected 1\.\.12")],
    response_filter=_css_append("@media print { .view_body p { break-after: page; } }"),
))

register(Mutation(
    name="print-view-headline-missing",
    description="The print view prints no headline.",
    expect=[(PRINT, r"the PDF text lacks the headline")],
    response_filter=_html_filter(r'(<div class="view_headline"><h1>).*?(</h1>)', r"\1\2", page="print"),
))

register(Mutation(
    name="print-view-first-paragraph-missing",
    description="The print view starts the body at the second paragraph.",
    expect=[(PRINT, r"the PDF text lacks the first paragraph")],
    response_filter=_html_filter(r'(<div id="startts" class="view_body">\s*)<p>[^<]*</p>', r"\1", page="print"),
))
