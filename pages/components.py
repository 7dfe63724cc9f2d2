"""The names scenarios use for components, each mapped to its page-object locator.

This is the one vocabulary between YAML and the DOM: scenarios say
``top_ten.items``; only ``pages/`` knows the selector behind it.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from playwright.sync_api import Locator

from .base import ArticlePage
from .section import StoryList
from .region import evaluate_each


class Component(NamedTuple):
    description: str
    locate: Callable[[ArticlePage], Locator]


COMPONENTS: dict[str, Component] = {
    "page": Component("the whole document body", lambda p: p.page.locator("body")),
    "menu": Component("the header: top bar, section nav, date line, sub-nav", lambda p: p.menu.root),
    "menu.top_bar": Component("logo, search, all menu, member links", lambda p: p.menu.top_bar),
    "menu.logo": Component("the logo link", lambda p: p.menu.logo),
    "menu.gnb": Component("the section nav", lambda p: p.menu.gnb),
    "menu.gnb.links": Component("the links of the section nav", lambda p: p.menu.gnb_links),
    "menu.sub_nav": Component("the current section's sub-nav", lambda p: p.menu.sub_nav.root),
    "menu.overlay": Component("the all-menu overlay", lambda p: p.menu.overlay.root),
    "menu.overlay.sections": Component("the overlay's sections", lambda p: p.menu.overlay.sections.locator),
    "menu.search": Component("the search layer", lambda p: p.menu.search.root),
    "date_line": Component("the live date line", lambda p: p.menu.date_line),
    "trending": Component("the trending layer", lambda p: p.trending.root),
    "trending.items": Component("the trending stories", lambda p: p.trending.items.locator),
    "trending.headlines": Component("the trending stories' headline links", lambda p: p.trending.headlines),
    "trending.tags": Component("the trending stories' [VIDEO]/[INTERVIEW] badges", lambda p: p.trending.tags),
    "article": Component("the article", lambda p: p.article.root),
    "article.category": Component("the category label", lambda p: p.article.category),
    "article.category.link": Component("the category label's link (its type and colour)",
                                       lambda p: p.article.category_link),
    "article.headline": Component("the headline", lambda p: p.article.headline),
    "article.dates": Component("posted and updated dates", lambda p: p.article.dates),
    "article.dates.times": Component("the posted and updated instants, without their labels",
                                     lambda p: p.article.times),
    "article.head": Component("the story's head: category, headline, dates, tools and byline (five elements)",
                              lambda p: p.article.head),
    "article.tools": Component("print and font buttons", lambda p: p.article.tools),
    "article.photo": Component("lead photo with caption", lambda p: p.article.photo),
    "article.photo_image": Component("the lead photo's image", lambda p: p.article.photo_image),
    "article.caption": Component("the photo caption", lambda p: p.article.caption),
    "article.sub_headline": Component("the sub-headline", lambda p: p.article.sub_headline),
    "article.byline": Component("the byline", lambda p: p.article.byline),
    "article.body": Component("the article body", lambda p: p.article.body),
    "article.paragraphs": Component("the body paragraphs", lambda p: p.article.paragraphs),
    "article.lead_paragraph": Component("the first body paragraph", lambda p: p.article.paragraphs.first),
    "article.related": Component("the related-article box", lambda p: p.article.related),
    "article.related.image": Component("the related article's image", lambda p: p.article.related_image),
    "article.related.title": Component("the related article's title", lambda p: p.article.related_title),
    "article.related.meta": Component("the related article's date and section", lambda p: p.article.related_meta),
    "article.reporter": Component("the reporter footer", lambda p: p.article.reporter),
    "article.reporter.email": Component("the reporter's mailto link", lambda p: p.article.reporter_email),
    "share_bar": Component("the share bar", lambda p: p.share_bar.root),
    "share_bar.buttons": Component("the share buttons", lambda p: p.share_bar.buttons),
    "sidebar": Component("the side widget column", lambda p: p.sidebar.root),
    "top_ten": Component("the Top 10 Stories widget", lambda p: p.top_ten.root),
    "top_ten.heading": Component("the Top 10 widget's title", lambda p: p.top_ten.heading),
    "top_ten.items": Component("the Top 10 entries", lambda p: p.top_ten.items.locator),
    "top_ten.headlines": Component("the Top 10 headline links", lambda p: p.top_ten.headlines),
    "top_ten.thumbnails": Component("the Top 10 thumbnail images", lambda p: p.top_ten.thumbnails),
    "top_ten.ranks": Component("the Top 10 rank numbers", lambda p: p.top_ten.ranks),
    "top_ten.tags": Component("the Top 10 entries' [VIDEO]/[INTERVIEW] badges", lambda p: p.top_ten.tags),
    "top_five": Component("the Top 5 Entertainment News widget", lambda p: p.top_five.root),
    "top_five.heading": Component("the Top 5 widget's title", lambda p: p.top_five.heading),
    "top_five.items": Component("the Top 5 entries", lambda p: p.top_five.items.locator),
    "top_five.headlines": Component("the Top 5 headline links", lambda p: p.top_five.headlines),
    "top_five.thumbnails": Component("the Top 5 thumbnail images", lambda p: p.top_five.thumbnails),
    "top_five.ranks": Component("the Top 5 rank numbers", lambda p: p.top_five.ranks),
    "top_five.tags": Component("the Top 5 entries' [VIDEO]/[INTERVIEW] badges", lambda p: p.top_five.tags),
    "darkroom": Component("the Darkroom widget", lambda p: p.darkroom.root),
    "darkroom.heading": Component("the Darkroom widget's title", lambda p: p.darkroom.heading),
    "darkroom.items": Component("the Darkroom galleries", lambda p: p.darkroom.items.locator),
    "darkroom.titles": Component("the Darkroom gallery titles", lambda p: p.darkroom.titles),
    "darkroom.images": Component("the Darkroom gallery images", lambda p: p.darkroom.images),
    "section.stories": Component("a list page's own stories", lambda p: StoryList(p.page).items.locator),
    "section.headlines": Component("the list page's headline links", lambda p: StoryList(p.page).headlines),
    "section.thumbnails": Component("the list page's thumbnail images", lambda p: StoryList(p.page).thumbnails),
    "footer": Component("the footer", lambda p: p.footer.root),
    "footer.logo": Component("the footer's logo link", lambda p: p.footer.logo),
    "footer.imprint": Component("the imprint lines", lambda p: p.footer.imprint),
    "footer.imprint.lines": Component("each imprint line", lambda p: p.footer.imprint_paragraphs),
    "footer.links": Component("the footer link groups", lambda p: p.footer.link_area),
    "footer.links.titles": Component("the footer link groups' headings", lambda p: p.footer.group_titles),
    "footer.links.anchors": Component("the footer's links", lambda p: p.footer.links),
}


# The layers a reader opens, each by its page object's verb: a check that reads one open opens it
# first (on a page of its own: opening changes what the page shows).
OPENERS: dict[str, Callable[[ArticlePage], object]] = {
    "menu.search": lambda p: p.menu.open_search(),
    "menu.overlay": lambda p: p.menu.open_overlay(),
}


def locate(page: ArticlePage, name: str) -> Locator:
    return COMPONENTS[name].locate(page)


def evaluate_components(page: ArticlePage, names, expression: str, arg=None) -> dict[str, list]:
    """``expression`` (a JS function of an element and ``arg``) on every element of each named
    component, in one round trip: name -> its results, in document order."""
    return evaluate_each(page.page, {name: locate(page, name) for name in names}, expression, arg)
