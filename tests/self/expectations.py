"""What must catch each mutation of the demo site (``demo_site/mutations.py``): the oracle.

The replica owns the defects (CSS, JS, data transforms, response filters); this module owns
what the suite must say about them, keyed by the mutation's name, so rewording a check's
message is an edit here and never in the site. ``test_mutations.py`` holds the two lists
to each other: every registered mutation has an entry, and every entry a mutation.

Each :class:`Expect` is a node-id pattern (``article.yaml::article::components[*]``,
``test_article_content.py::test_top_ten[*]``) and a regular expression its failure message
must match. ``viewports`` are the widths the mutation is run at (the checks it needs).
``pinned_only`` says why a mutation is no regression on a live site (it changes story
content or order only, which is news there): the live rules do not run it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

VIEWPORTS = ("desktop", "tablet", "mobile")


@dataclass(frozen=True)
class Expect:
    """One check that must catch a mutation, and what its failure must say."""

    items: str    # node-id pattern, matched against the end of the id: "test_menu.py::test_gnb_sections[*]"
    message: str  # regular expression searched in the failure message
    _items_rx: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        re.compile(self.message)  # a bad pattern fails at import, not at judgement
        # `*` is the only wildcard: brackets are the node id's own ("[desktop]").
        object.__setattr__(self, "_items_rx", re.compile(".*" + re.escape(self.items).replace(r"\*", ".*") + "$"))

    def matches(self, nodeid: str) -> bool:
        return self._items_rx.match(nodeid) is not None

    def said_by(self, message: str) -> bool:
        return re.search(self.message, message) is not None


@dataclass(frozen=True)
class Expectation:
    """What must catch one mutation, at which viewports; and, if so, why the live rules skip it."""
    name: str
    expect: tuple[Expect, ...]
    viewports: tuple[str, ...] = ("desktop",)
    pinned_only: str = ""


EXPECTATIONS: dict[str, Expectation] = {}


def oracle(name: str, *, expect, viewports=("desktop",), pinned_only: str = "") -> Expectation:
    if name in EXPECTATIONS:
        raise ValueError(f"two expectations for mutation {name!r}")
    expects = tuple(Expect(*e) if isinstance(e, tuple) else e for e in expect)
    if not expects:
        raise ValueError(f"mutation {name!r}: name the checks that must catch it (expect=...)")
    bad = [v for v in viewports if v not in VIEWPORTS]
    if bad or not viewports:
        raise ValueError(f"mutation {name!r}: viewports must be some of {list(VIEWPORTS)}, got {list(viewports)}")
    EXPECTATIONS[name] = Expectation(name, expects, tuple(viewports), pinned_only)
    return EXPECTATIONS[name]


class UnknownExpectation(KeyError):
    def __str__(self):
        return (f"no expectation for mutation {self.args[0]!r} in tests/self/expectations.py; "
                "entries: " + ", ".join(sorted(EXPECTATIONS)))


def of(name: str) -> Expectation:
    try:
        return EXPECTATIONS[name]
    except KeyError:
        raise UnknownExpectation(name) from None


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


# -- font controls -------------------------------------------------------------
# Run at mobile: the Top-10 article's font check runs there only, the seed article's everywhere.

oracle(
    "font-up-noop",
    viewports=("mobile",),
    expect=[(FONT, r"Font Size Up changed the body from 18px to 18px, expected 20px")],
)

oracle(
    "font-up-shrinks",
    expect=[(ARTICLE + "font_controls[*]", r"Font Size Up changed the body from 18px to 16px")],
)

oracle(
    "font-step-3px",
    expect=[(ARTICLE + "font_controls[*]", r"from 18px to 21px, expected 20px")],
)

oracle(
    "font-max-30px",
    viewports=("mobile",),
    expect=[(FONT, r"Font Size Up at the maximum 26px changed the body to 28px; it must stay")],
)

oracle(
    "font-size-not-persisted",
    viewports=("mobile",),
    expect=[(FONT, r"after a reload the body is 18px; the chosen 26px did not persist")],
)

oracle(
    "font-default-16px",
    viewports=("mobile",),
    expect=[(FONT, r"body starts at 16px, expected the default 18px")],
)

oracle(
    "font-down-noop",
    viewports=("mobile",),
    expect=[(FONT, r"Font Size Down changed the body from 26px to 26px, expected 24px")],
)

oracle(
    "font-min-10px",
    viewports=("mobile",),
    expect=[(FONT, r"Font Size Down at the minimum 14px changed the body to 12px; it must stay")],
)

oracle(
    "font-up-scales-headline",
    viewports=("mobile",),
    expect=[(FONT, r"article\.headline font size changed from [\d.]+px to [\d.]+px at the maximum 26px")],
)

oracle(
    "font-max-overflows",
    viewports=("mobile",),
    expect=[(FONT, r"at the maximum 26px the page overflows horizontally by \d+px")],
)


# -- share bar -------------------------------------------------------------

oracle(
    "share-no-url",
    expect=[(ARTICLE + "share_links[*]", r"\[share_bar\] .* share URL lacks canonical URL")],
)

oracle(
    "share-wrong-url",
    expect=[(ARTICLE + "share_links[*]", r"share URL lacks canonical URL")],
)

oracle(
    "share-button-missing",
    expect=[(COMPONENTS, r"share_bar\.buttons: 6 found, expected 7"),
            (CONTENT + "test_share_bar_networks[*]", r"share button reddit missing")],
)

oracle(
    "share-bar-hidden",
    viewports=("desktop", "mobile"),
    expect=[visible("share_bar"), visible("share_bar.buttons"),
            (COMPONENTS, r"share_bar: expected inside the viewport, but it is not visible"),
            unseen("share_bar"), visible("share_bar", TOP10_ARTICLE + "layout[*]")],
)

oracle(
    "copy-link-wrong-url",
    expect=[(BEHAVIOUR + "test_copy_link_copies_canonical_url[*]", r"copied .*/', expected the canonical URL")],
)


# -- widgets ---------------------------------------------------------------

oracle(
    "top10-item-missing",
    expect=[(CONTENT + "test_top_ten_structure[*]", r"top_ten: 9 items, expected 10"),
            (COMPONENTS, r"top_ten\.items: 9 found, expected 10"),
            (TOP10_ARTICLE + "layout[*]", r"top_ten\.items: 9 found, expected 10"),
            (CONTENT + "test_top_ten[*]", r"top_ten ranks \['1', .*'9'\], expected 1\.\.10")],
)

oracle(
    "top10-misnumbered",
    expect=[(CONTENT + "test_top_ten[*]", r"top_ten ranks \['1', '2', '3', '4', '6',"),
            (CONTENT + "test_top_ten_structure[*]", r"top_ten ranks \['1', '2', '3', '4', '6',")],
)

oracle(
    "top5-tag-missing",
    expect=[(CONTENT + "test_top_five[*]", r"top_five item 1 has no tag, expected 'INTERVIEW'"),
            (CONTENT + "test_top_five_structure[*]", r"top_five item \d thumbnail alt [\"']\[INTERVIEW\] ")],
)

oracle(
    "top5-item-missing",
    expect=[(CONTENT + "test_top_five_structure[*]", r"top_five: 4 items, expected 5"),
            (COMPONENTS, r"top_five\.items: 4 found, expected 5"),
            (CONTENT + "test_top_five[*]", r"top_five ranks \['1', '2', '3', '4'\], expected 1\.\.5")],
)

oracle(
    "darkroom-gallery-missing",
    expect=[(CONTENT + "test_darkroom_structure[*]", r"darkroom: 4 galleries, expected 5"),
            (COMPONENTS, r"darkroom\.items: 4 found, expected 5"),
            (CONTENT + "test_darkroom[*]", r"darkroom titles .* expected")],
)

oracle(
    "sidebar-hidden",
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
)

oracle(
    "trending-short-list",
    expect=[(BEHAVIOUR + "test_trending_structure[*]", r"trending ranks \[1, .*, 15\], expected 1\.\.20"),
            (COMPONENTS, r"trending\.items: 15 found, expected 20"),
            (BEHAVIOUR + "test_trending_ranks_twenty_stories_from_the_seed[*]", r"trending ranks .* expected 1\.\.20")],
)

oracle(
    "trending-hidden",
    expect=[visible("trending")],
)

oracle(
    "trending-frozen",
    expect=[(BEHAVIOUR + "test_trending_order_changes_over_time[*]", r"trending order did not change")],
    pinned_only=("it stops the order of the trending stories changing over time: on a live site that order "
                 "is the newsroom's, on its own schedule, and no check may depend on the time"),
)

oracle(
    "trending-open-dead",
    expect=[(BEHAVIOUR + "test_trending_close_and_open[*]", r"trending stays closed after Open")],
)

oracle(
    "trending-close24-not-persisted",
    expect=[(BEHAVIOUR + "test_trending_close_for_24_hours_expires[*]", r"closed for 24 h but open again after a reload")],
)

oracle(
    "widget-links-htm",
    expect=[(ARTICLE + "widget_links[*]", r"\[trending\] .*\.htm: status 404"),
            (ARTICLE + "widget_links[*]", r"\[top_ten\] .*\.htm: status 404"),
            (ARTICLE + "widget_links[*]", r"\[top_five\] .*\.htm: status 404"),
            (ARTICLE + "widget_links[*]", r"\[darkroom\] .*\.htm: status 404"),
            (TOP10_ARTICLE + "links[*]", r"\[top_ten\] .*\.htm: status 404")],
)


# -- menu ------------------------------------------------------------------

oracle(
    "overlay-section-missing",
    expect=[(MENU + "test_overlay_opens_lists_every_section_and_closes[*]", r"overlay sections .*expected")],
)

oracle(
    "overlay-wont-close",
    expect=[(MENU + "test_overlay_opens_lists_every_section_and_closes[*]", r"overlay still open after Close")],
)

oracle(
    "overlay-open-on-load",
    viewports=("desktop", "mobile"),
    expect=[(COMPONENTS, r"menu\.overlay: expected hidden, but it is visible"),
            (SECTION + "layout[*]", r"menu\.overlay: expected hidden, but it is visible")],
)

oracle(
    "overlay-link-404",
    expect=[(ARTICLE + "overlay_links[*]", r"\[menu\.overlay\] .*/www/section/nation/poltics\.html: status 404")],
)

oracle(
    "search-layer-open-on-load",
    expect=[(COMPONENTS, r"menu\.search: expected hidden, but it is visible")],
)

oracle(
    "search-wrong-action",
    expect=[(MENU + "test_search_layer_submits_to_search_page[*]", r"search went to .*/search\.aspx\?kwd=GSOMIA")],
)

oracle(
    "gnb-link-404",
    expect=[(ARTICLE + "menu_links[*]", r"\[menu\.gnb\] 'Finance' .*/www/section/finanace\.html: status 404"),
            (SECTION + "links[*]", r"\[menu\.gnb\] 'Finance' .*finanace\.html: status 404")],
)

oracle(
    "gnb-section-missing",
    expect=[(MENU + "test_gnb_sections[*]", r"section nav .*expected")],
)

oracle(
    "gnb-hidden-on-desktop",
    expect=[(COMPONENTS, r"menu\.gnb inside menu: menu\.gnb is not visible")],
)

oracle(
    "mobile-gnb-not-collapsed",
    viewports=("mobile",),
    expect=[(COLLAPSED_MENU, r"menu\.gnb: expected hidden, but it is visible")],
)

oracle(
    "member-link-missing",
    expect=[(MENU + "test_member_links[*]", r"member links \['Login', 'Subscribe'\], expected")],
)

oracle(
    "member-link-404",
    expect=[(ARTICLE + "menu_links[*]", r"\[menu\.top_bar\] 'Login' .*/www2/common/signin\.asp: status 404")],
)

oracle(
    "top-bar-hidden",
    viewports=("desktop", "mobile"),
    expect=[visible("menu.top_bar"), visible("menu.logo"),
            (COMPONENTS, r"menu\.top_bar: expected inside the viewport, but it is not visible"),
            unseen("menu.top_bar"), visible("menu.top_bar", COLLAPSED_MENU),
            visible("menu.top_bar", SECTION + "layout[*]")],
)

oracle(
    "sub-nav-missing",
    expect=[visible("menu.sub_nav"),
            (ARTICLE + "menu_links[*]", r"\[menu\.sub_nav\] has no links"),
            (MENU + "test_sub_nav_marks_current_section[*]", r"sub-nav")],
)

oracle(
    "sub-nav-no-current",
    expect=[(MENU + "test_sub_nav_marks_current_section[*]", r"sub-nav marks 0 current item\(s\), expected 1")],
)

oracle(
    "date-line-script-error",
    expect=[visible("date_line"), visible("date_line", SECTION + "layout[*]"),
            (BEHAVIOUR + "test_date_line_shows_the_page_clock_in_seed_format[*]", r"date line reads ''"),
            (HEALTH, r"uncaught TypeError: KT\.formatDateLin is not a function")],
)

oracle(
    "date-line-frozen",
    expect=[(BEHAVIOUR + "test_date_line_shows_the_page_clock_in_seed_format[*]",
             r"date line reads '.*', expected 'Mon, February 6, 2023 \| 21:47'")],
)


# -- article links ---------------------------------------------------------

oracle(
    "related-link-404",
    expect=[(ARTICLE + "article_links[*]", r"\[article\.related\] .*: status 404")],
)

oracle(
    "fragment-link-broken",
    expect=[(ARTICLE + "article_links[*]", r"\[article\.category\] .*#latest"),
            (TOP10_ARTICLE + "links[*]", r"\[article\] .*#latest")],
)

oracle(
    "reporter-list-link-404",
    expect=[(ARTICLE + "article_links[*]", r"\[article\.reporter\] 'Article List' .*: status 404")],
)

oracle(
    "footer-link-404",
    expect=[(ARTICLE + "footer_links[*]", r"\[footer\.links\] 'Privacy Statement' .*privcy\.html: status 404"),
            (SECTION + "links[*]", r"\[footer\.links\] 'Privacy Statement' .*: status 404")],
)

oracle(
    "footer-group-missing",
    expect=[(CONTENT + "test_footer_imprint_and_groups[*]", r"footer groups .*expected")],
)

oracle(
    "footer-missing",
    viewports=("desktop", "mobile"),
    expect=[visible("footer"), visible("footer.imprint"), visible("footer.links"),
            (COMPONENTS, r"footer: expected inside the viewport, but it is not visible"),
            (COMPONENTS, r"article above footer: footer is not visible"),
            (ARTICLE + "footer_links[*]", r"\[footer\.links\] has no links"),
            visible("footer", SECTION + "layout[*]"), visible("footer.imprint", SECTION + "layout[*]"),
            visible("footer", TOP10_ARTICLE + "layout[*]")],
)


# -- layout ----------------------------------------------------------------

oracle(
    "mobile-photo-overflow",
    viewports=("mobile",),
    expect=[(COMPONENTS, r"article\.photo: sticks out of the 375 px viewport"),
            (COMPONENTS, r"page: horizontal overflow, content is \d+ px wide in a 375 px viewport")],
)

oracle(
    "viewport-meta-dropped",  # a phone lays the page out in its default 980 px layout viewport
    viewports=("tablet", "mobile"),
    expect=[(COMPONENTS, r"page: horizontal overflow, content is 9\d\d px wide in a (768|375) px viewport"),
            (COMPONENTS, r"article\.headline: sticks out of the (768|375) px viewport")],
)

oracle(
    "mobile-min-width",
    viewports=("mobile",),
    expect=[(COLLAPSED_MENU, r"page: horizontal overflow"), (SECTION + "layout[*]", r"page: horizontal overflow"),
            (TOP10_ARTICLE + "layout[*]", r"page: horizontal overflow")],
)

oracle(
    "sidebar-below-on-desktop",
    expect=[(COMPONENTS, r"sidebar right-of article:"),
            (COMPONENTS, r"sidebar width is \d+ px, expected 280\.\.340 px"),
            (COMPONENTS, r"top_ten aligned article\.category:"),
            (TOP10_ARTICLE + "layout[*]", r"sidebar right-of article:")],
)

oracle(
    "article-column-narrow",
    expect=[(COMPONENTS, r"article width is 660 px, expected 700\.\.820 px")],
)

oracle(
    "headline-indented",
    expect=[(COMPONENTS, r"article\.headline aligned article\.body:")],
)


# -- article content -------------------------------------------------------

oracle(
    "byline-missing",
    expect=[(CONTENT + "test_byline_photo_and_caption[*]", r"byline '', expected"),
            visible("article.byline"), unseen("article.byline"),
            (COMPONENTS, r"article\.sub_headline above article\.byline: article\.byline is not visible"),
            visible("article.byline", TOP10_ARTICLE + "layout[*]"),
            (CONTENT + "test_headline_dates_byline[*]", r"byline ''"),
            (PRINT, r"article page: article\.byline is not shown under print media")],
)

oracle(
    "caption-missing",
    expect=[(CONTENT + "test_byline_photo_and_caption[*]", r"and caption ''"),
            visible("article.caption"), (CONTENT + "test_caption_is_alt_text_and_caption[*]", r"caption ''"),
            (PRINT, r"article page: article\.caption is not shown under print media")],
)

oracle(
    "photo-alt-empty",
    expect=[(CONTENT + "test_caption_is_alt_text_and_caption[*]", r"photo alt ''"),
            (CONTENT + "test_byline_photo_and_caption[*]", r"photo alt '' and caption")],
)

oracle(
    "lead-photo-dropped",
    expect=[visible("article.photo"), unseen("article.photo"),
            (COMPONENTS, r"article\.dates above article\.photo: article\.photo is not visible"),
            (COMPONENTS, r"article\.photo: expected inside the viewport, but it is not visible")],
)

oracle(
    "lead-photo-404",
    expect=[(CONTENT + "test_byline_photo_and_caption[*]", r"the lead photo did not load"),
            (HEALTH, r"image .*/img/news/330924\.svg did not load"),
            (ARTICLE + "visual_photo[*]", r"image .*330924\.svg did not load")],
)

oracle(
    "top10-thumbnail-404",
    expect=[(TOP10_ARTICLE + "page_health[*]", r"image .*/img/news/344903\.svg did not load"),
            (ARTICLE + "page_health[*]", r"image .*/img/news/34(4903|5001)\.svg did not load"),
            (ARTICLE + "visual_top_ten[*]", r"image .*34(4903|5001)\.svg did not load"),
            (CONTENT + "test_top_ten_structure[*]", r"top_ten thumbnails loaded: \[False")],
)

oracle(
    "sub-headline-missing",
    expect=[visible("article.sub_headline"), unseen("article.sub_headline"),
            (COMPONENTS, r"article\.photo above article\.sub_headline: article\.sub_headline is not visible"),
            (CONTENT + "test_headline_dates_byline[*]", r"sub-headline")],
)

oracle(
    "headline-empty",
    expect=[(CONTENT + "test_headline_and_body_in_the_templates_typefaces[*]", r"headlines \[''\], expected one"),
            visible("article.headline"), unseen("article.headline"),
            (COMPONENTS, r"article\.headline: expected inside the viewport, but it is not visible"),
            visible("article.headline", TOP10_ARTICLE + "layout[*]"), unseen("article.headline", TOP10_ARTICLE + "layout[*]"),
            (CONTENT + "test_headline_dates_byline[*]", r"headline ''")],
)

oracle(
    "dates-missing",
    expect=[visible("article.dates"), unseen("article.dates"),
            (COMPONENTS, r"article\.headline above article\.dates: article\.dates is not visible"),
            visible("article.dates", TOP10_ARTICLE + "layout[*]"),
            (PRINT, r"article page: article\.dates is not shown under print media")],
)

oracle(
    "category-missing",
    expect=[visible("article.category"), (ARTICLE + "article_links[*]", r"\[article\.category\] has no links")],
)

oracle(
    "tools-hidden",
    expect=[visible("article.tools")],
)

oracle(
    "body-hidden",
    viewports=("desktop", "mobile"),
    expect=[visible("article.body"), unseen("article.body"),
            (COMPONENTS, r"article\.byline above article\.body: article\.body is not visible"),
            (COMPONENTS, r"article\.body: expected inside the viewport, but it is not visible"),
            (ARTICLE + "components[mobile]", r"article\.body width"),
            visible("article.body", TOP10_ARTICLE + "layout[*]"),
            (PRINT, r"article page: article\.body is not shown under print media")],
)

oracle(
    "body-paragraph-dropped",
    expect=[(ARTICLE + "story_length[*]", r"article\.paragraphs: 21 found, expected 22"),
            (CONTENT + "test_body_paragraphs_verbatim_with_related_box[*]", r"paragraphs: 21, expected 22"),
            (ARTICLE + "print_preview[*]", r"the article page shows 21 paragraphs, its print view 22")],
)

oracle(
    "related-box-missing",
    expect=[(CONTENT + "test_body_related_box_and_reporter[*]", r"related box: no link"),
            visible("article.related"), (ARTICLE + "article_links[*]", r"\[article\.related\] has no links"),
            (CONTENT + "test_body_paragraphs_verbatim_with_related_box[*]", r"related box")],
)

oracle(
    "reporter-footer-missing",
    expect=[(CONTENT + "test_body_related_box_and_reporter[*]", r"reporter email None"),
            visible("article.reporter"),
            (COMPONENTS, r"article\.body above article\.reporter: article\.reporter is not visible"),
            (ARTICLE + "article_links[*]", r"\[article\.reporter\] has no links"),
            (CONTENT + "test_reporter_footer[*]", r"reporter footer")],
)

oracle(
    "reporter-email-typo",
    expect=[(CONTENT + "test_reporter_footer[*]", r"reporter email 'mailto:[^']*@koreatimes\.co'"),
            (CONTENT + "test_body_related_box_and_reporter[*]", r"reporter email 'mailto:[^']*@koreatimes\.co'")],
)

oracle(
    "date-wrong-format",
    expect=[(CONTENT + "test_headline_dates_byline[*]", r"Posted : 14/06/2022"),
            (CONTENT + "test_dates_in_the_sites_format_updated_after_posted[*]", r"not in the site's format")],
)

oracle(
    "canonical-wrong-path",
    expect=[(HEALTH, r"canonical URL .*/m/www/.* its path is not the page's own")],
)

oracle(
    "site-script-throws",
    expect=[(HEALTH, r"uncaught Error: analytics queue not ready")],
)


# -- visual only -----------------------------------------------------------

oracle(
    "share-bar-shifted-3px",
    viewports=("desktop", "mobile"),
    expect=[(ARTICLE + "visual_page[*]", r"\d+ pixels differ"),
            (COMPONENTS, r"share_bar right-of article\.tools: gap is 17 px"),
            (COMPONENTS, r"share_bar aligned article\.tools: left edges differ by 3 px")],
)

oracle(
    "share-bar-shifted-1px",
    expect=[(ARTICLE + "visual_page[*]", r"\d+ pixels differ"),
            (COMPONENTS, r"share_bar right-of article\.tools: gap is 15 px")],
)

oracle(
    "share-icons-grey",
    expect=[(ARTICLE + "visual_share_bar[*]", r"\d+ pixels differ")],
)

oracle(
    "banner-pushes-article-down",
    viewports=("desktop", "mobile"),
    expect=[(COMPONENTS, r"trending above article: gap is 120 px"),
            (COMPONENTS, r"trending above article: gap is 110 px")],
)

oracle(
    "body-font-serif",
    expect=[(ARTICLE + "visual_lead_paragraph[*]", r"pixels differ|size changed"),
            (CONTENT + "test_headline_and_body_in_the_templates_typefaces[*]", r"typefaces \{.*'body': 'Lora'")],
)

oracle(
    "headline-colour",
    expect=[(ARTICLE + "visual_article_head[*]", r"\d+ pixels differ")],
)

oracle(
    "headline-font",
    expect=[(CONTENT + "test_headline_and_body_in_the_templates_typefaces[*]", r"typefaces \{'headline': 'Source Sans 3'"),
            (ARTICLE + "visual_article_head[*]", r"pixels differ|size changed")],
)

oracle(
    "sans-font-404",
    expect=[*((ARTICLE + f"visual_{name}[*]", r"pixels differ|size changed")
              for name in ("page", "menu", "trending", "body", "lead_paragraph", "top_ten", "top_five", "darkroom",
                           "footer")),
            (CONTENT + "test_headline_and_body_in_the_templates_typefaces[*]",
             r"body typeface 'Source Sans 3' did not load")],
)

oracle(
    "photo-cropped",
    expect=[(ARTICLE + "visual_photo[*]", r"pixels differ|size changed"),
            (CONTENT + "test_byline_photo_and_caption[*]", r"lead photo is cropped")],
)


# -- print -----------------------------------------------------------------

oracle(
    "print-shows-gnb",
    expect=[(PRINT, r"article page: menu\.gnb is visible under print media"),
            (PRINT, r"print view: .* is visible under print media")],
)

oracle(
    "print-no-window-print",
    expect=[(PRINT, r"the print view \(.*\) never called window\.print\(\)")],
)

oracle(
    "print-button-dead",
    expect=[(PRINT, r"Print Preview opened nothing")],
)

oracle(
    "print-view-no-byline",
    expect=[(PRINT, r"print view: article\.byline is not shown under print media")],
)

oracle(
    "print-page-per-paragraph",
    expect=[(PRINT, r"the PDF has \d+ pages, expected 1\.\.12")],
)

oracle(
    "print-view-headline-missing",
    expect=[(PRINT, r"the PDF text lacks the headline")],
)

oracle(
    "print-view-first-paragraph-missing",
    expect=[(PRINT, r"the PDF text lacks paragraph 1 of \d+ of the article page")],
)


# -- what the reader sees ------------------------------------------------------------
# Hidden is missing: a paragraph, an image or a font size counts as the reader gets it.

oracle(
    "body-read-more-cut",
    viewports=("desktop", "mobile"),
    expect=[(CONTENT + "test_body_related_box_and_reporter[*]",
             r"\d+ of \d+ paragraph elements in the DOM are not rendered: paragraph 4-\d+ \(clipped by div#startts\.view_body"),
            (COMPONENTS, r"article\.paragraphs: expected visible, but \d+ of \d+ are hidden: element 4-\d+ "
                         r"\(clipped by div#startts"),
            (ARTICLE + "story_length[*]", r"article\.paragraphs: 3 found \(22 in the DOM, 19 hidden: element 4-22 "
                                          r"\(clipped by div#startts")],
)

oracle(
    "print-view-one-page",
    expect=[(PRINT, r"the PDF text lacks paragraphs 2-(\d+) of \1 of the article page")],
)

oracle(
    "lazy-thumbnails-never-swapped",
    expect=[(ARTICLE + "page_health[*]", r"image shows data:image/gif;base64,R0lGOD\S* while its data-src is "
                                         r"/img/news/\d+\.svg: a placeholder the lazy loader never swapped"),
            (TOP10_ARTICLE + "page_health[*]", r"a placeholder the lazy loader never swapped"),
            (CONTENT + "test_top_ten_structure[*]", r"top_ten thumbnails loaded: \[False.*image 1: shows data:image/gif"),
            (CONTENT + "test_top_five_structure[*]", r"top_five thumbnails loaded: \[False.*image 1: shows data:image/gif")],
)

oracle(
    "font-paragraphs-fixed-px",
    viewports=("mobile",),
    expect=[(FONT, r"Font Size Up changed the body from 18px to 18px, expected 20px \(step 2px, bound 26px\); "
                   r"the body container is at 20px but its paragraphs render at 18px")],
)


# -- page metadata (kind: metadata, the seed article's and the Top-10 article's) ----------------
META = "::metadata[*]"
LD_TIME = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC\+09:00\)"

oracle(
    "og-url-home",
    expect=[(META, r"og:url: expected the canonical URL 'http://[^']+/www/nation/\d{4}/\d{2}/\d+_\d+\.html', "
                   r"got 'http://[^'/]+/'")],
)

oracle(
    "ld-date-modified-stale",
    expect=[(META, rf"structured data dateModified: expected the page's Updated time {LD_TIME}, got '\d{{4}}-")],
)

oracle(
    "ld-dates-wall-time-as-utc",
    expect=[(META, rf"structured data datePublished: expected the page's Posted time {LD_TIME}, got '[^']+Z', "
                   r"which is .* there"),
            (META, rf"structured data dateModified: expected the page's Updated time {LD_TIME}, got '[^']+Z'")],
)

oracle(
    "ld-json-syntax-error",
    expect=[(META, r"JSON-LD block 1 of 1 is not valid JSON: Expecting property name enclosed in double quotes "
                   r"at line \d+ column \d+")],
)

oracle(
    "ld-author-publisher",
    expect=[(META, r"structured data author: expected the byline's \['[^']+'\] \('By [^']+'\), "
                   r"got Organization 'The Korea Times'")],
)

oracle(
    "ld-headline-truncated",
    expect=[(META, "structured data headline: expected the page's headline '[^']{41,}', got '[^']{40}\u2026'")],
)

oracle(
    "title-is-site-name",
    expect=[(META, r"<title>: expected the headline '[^']+' \(optionally followed by a suffix .*\), "
                   r"got 'The Korea Times'"),
            (META, r"og:title: expected the headline '[^']+' .*, got 'The Korea Times'")],
)

oracle(
    "og-image-404",
    expect=[(META, r"- og:image http://\S+/img/news/\d+-740x493\.jpg: status 404, expected 200"),
            (META, r"- structured data image http://\S+/img/news/\d+-740x493\.jpg: status 404, expected 200")],
)

oracle(
    "favicon-404",
    expect=[(META, r"favicon http://\S+/static/img/favicon\.svg: status 404, expected 200")],
)

oracle(
    "article-noindex",
    expect=[(META, r"robots: <meta name=robots> says 'noindex, follow, max-image-preview:large', "
                   r"expected an article crawlers may index")],
)

oracle(
    "description-empty",
    expect=[(META, r"description: expected the story's summary, got '' \(empty\)")],
)


# -- the section page's story list (every target) ---------------------------------------------
SECTION_LIST = "test_section_page.py::test_section_story_list_structure[*]"

oracle(
    "section-list-empty",
    expect=[(SECTION_LIST, r"section stories: 0 shown, expected 1\.\.30 \(the list template's range\)"),
            (SECTION + "story_links[*]", r"\[section\.stories\] has no links")],
)

oracle(
    "section-thumbnails-broken",
    expect=[(SECTION_LIST, r"section thumbnails loaded: \[False(, False)*\]"),
            (SECTION + "page_health[*]", r"image .*/imgs/news/\d+\.svg did not load")],
)


# -- styles: the style reference per part ----------------------------------------------------
STYLES = ARTICLE + "{}_styles[*]"


def styled(check: str, part: str, prop: str, expected: str = r"\S.*?", actual: str = r"\S.*") -> Expect:
    """A row of the styles table: part, property, expected, actual."""
    return Expect(STYLES.format(check), rf"(?m)^{re.escape(part)} +{re.escape(prop)} +{expected} +{actual}$")


oracle(
    "paragraphs-restyled",
    expect=[styled("article", "article.paragraphs (others)", "color", re.escape("rgb(34, 37, 42)"),
                   re.escape("rgb(74, 79, 87)"))],
)

oracle(
    "headline-one-line",
    expect=[styled("article", "article.headline", "white-space", "normal", "nowrap"),
            styled("article", "article.headline", "text-overflow", "clip", "ellipsis")],
)

oracle(
    "badge-hidden",
    expect=[styled("widget", "top_ten.tags", "display", "inline-block", "none"),
            styled("widget", "top_five.tags", "rendered", "yes", "no")],
)

oracle(
    "thumbnails-stretched",
    expect=[styled("widget", "top_ten.thumbnails (others)", "object-fit", "cover", "fill"),
            styled("widget", "top_five.thumbnails (first)", "aspect", r"1\.00", r"0\.\d\d")],
)

oracle(
    "photo-half-width",
    expect=[styled("article", "article.photo_image", "width-share", r"1\.00", r"0\.50")],
)

oracle(
    "story-labels-unreadable",
    expect=[styled("article", part, "color", r"rgb\(.*?\)", re.escape("rgb(233, 236, 240)"))
            for part in ("article.caption", "article.byline", "article.dates", "article.category.link")],
)

oracle(
    "related-restyled",
    expect=[styled("article", "article.related", "background-color", re.escape("rgb(244, 246, 249)"),
                   re.escape("rgb(255, 255, 255)")),
            styled("article", "article.related", "border-top", r"2px solid .*?", "none")],
)

oracle(
    "paragraph-margins-lost",
    expect=[styled("article", "article.paragraphs (lead)", "margin-bottom", r"20\.7px", "0px"),
            styled("article", "article.paragraphs (others)", "margin-bottom", r"20\.7px", "0px")],
)

oracle(
    "footer-links-restyled",
    expect=[styled("footer", "footer.links.anchors (others)", "text-decoration-line", "none", "underline")],
)


# -- spacing and layout shift (the spacing kind) ------------------------------------------------
SPACING = ARTICLE + "spacing[*]"


def gap_row(pair: str, axis: str, expected: str, actual: str) -> Expect:
    """A row of the spacing kind's failure table: pair, axis, expected, actual."""
    return Expect(SPACING, rf"(?m)^\s+{re.escape(pair)}\s+{re.escape(axis)}\s+{re.escape(expected)}\s+{re.escape(actual)}$")


LAYOUT_SHIFT_OVER = Expect(SPACING, r"layout shift after load 0\.\d+ is over the budget 0\.1")

oracle(
    "share-bar-dropped-3px",
    viewports=("desktop", "mobile"),
    expect=[gap_row("article.tools -> share_bar", "y (top edges)", "0", "3"),
            gap_row("article.tools -> share_bar", "y (gap)", "14", "17")],
)

oracle(
    "banner-after-load",
    viewports=("desktop", "mobile"),
    expect=[LAYOUT_SHIFT_OVER, gap_row("page -> menu", "y (from a's top)", "0", "200")],
)

oracle(
    "photo-lazy-unsized",
    viewports=("desktop", "mobile"),
    expect=[Expect(SPACING, r"layout shift after load 0\.\d+ is over the budget 0\.1 .*moved: .*figcaption")],
)

oracle(
    "related-box-moved",
    expect=[gap_row("article.paragraphs -> article.related", "x (left edges)", "0", "440")],
)


# -- accessibility (axe-core's rules against the known violations) ------------------------------
def new_violation(check: str, rule: str, component: str, scenario: str = ARTICLE) -> Expect:
    """The accessibility kind's line for a violation the baseline lacks, then the rule's own listing
    (its impact, help URL and the component's elements, marked new)."""
    return Expect(scenario + f"{check}[*]",
                  rf"(?m)^- NEW {re.escape(rule)} in {re.escape(component)}: \d+ elements?, the baseline has none$"
                  rf"[\s\S]*^{re.escape(rule)} \((minor|moderate|serious|critical)\): .*\n  https://\S+{re.escape(rule)}\S*\n"
                  rf"(?:  .*\n)*?  {re.escape(component)}: \d+ elements? \(NEW\)\n    - \S")


oracle(
    "overlay-focusable-while-hidden",
    # the overlay is every page's chrome: the list page's scan catches it too
    expect=[new_violation("accessibility", "aria-hidden-focus", "menu.overlay"),
            new_violation("accessibility", "aria-hidden-focus", "menu.overlay", SECTION)],
)

oracle(
    "byline-low-contrast",
    viewports=("desktop", "mobile"),
    expect=[new_violation("accessibility", "color-contrast", "article.byline")],
)

oracle(
    "search-field-unlabelled",
    expect=[new_violation("search_accessibility", "label", "menu.search")],
)


# -- the accessibility tree (the aria_snapshot kind) -------------------------------------------------
ARIA = ARTICLE + "aria_{}[*]"


def tree_line(check: str, line: str) -> Expect:
    """A whole line of the aria_snapshot kind's unified diff: ``-`` the reference's, ``+`` the page's
    (a pattern: on live targets the news in it is written /.+/)."""
    return Expect(ARIA.format(check), rf"(?m)^{line}$")


oracle(
    "button-labels-display-none",
    viewports=("desktop", "mobile"),
    expect=[tree_line("menu", re.escape('-  - button "all menu"')), tree_line("menu", re.escape("+  - button")),
            tree_line("share_bar", re.escape('-    - link "f facebook"')),
            tree_line("share_bar", re.escape('+    - link "f"'))],
)

oracle(
    "headline-h2",
    expect=[tree_line("article_head", r"-- heading \S.* \[level=1\]"),
            tree_line("article_head", r"\+- heading \S.* \[level=2\]")],
)

oracle(
    "footer-link-div",
    expect=[tree_line("footer", re.escape('-      - link "Contact Us"')),
            tree_line("footer", re.escape("+    - listitem: Contact Us"))],
)
