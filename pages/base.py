"""Pages: the shared chrome of every page, and the article page."""
from __future__ import annotations

from playwright.sync_api import Page

from .article import Article, ShareBar
from .footer import Footer
from .menu import Menu
from .widgets import Darkroom, TopFive, TopTen, Trending


class BasePage:
    """Any page of the site: the regions every page shares."""

    def __init__(self, page: Page, base_url: str = ""):
        self.page = page
        self.base_url = base_url.rstrip("/")

    def open(self, path: str = "/") -> "BasePage":
        self.page.goto(self.base_url + path, wait_until="load")
        return self

    @property
    def menu(self) -> Menu:
        return Menu(self.page)

    @property
    def trending(self) -> Trending:
        return Trending(self.page)

    @property
    def footer(self) -> Footer:
        return Footer(self.page)

    @property
    def canonical_url(self) -> str | None:
        link = self.page.locator("link[rel=canonical]")
        return link.get_attribute("href") if link.count() else None

    def has_horizontal_overflow(self) -> bool:
        return self.page.evaluate(
            "() => document.documentElement.scrollWidth > window.innerWidth"
        )


class ArticlePage(BasePage):
    @property
    def article(self) -> Article:
        return Article(self.page)

    @property
    def share_bar(self) -> ShareBar:
        return ShareBar(self.page)

    @property
    def top_ten(self) -> TopTen:
        return TopTen(self.page)

    @property
    def top_five(self) -> TopFive:
        return TopFive(self.page)

    @property
    def darkroom(self) -> Darkroom:
        return Darkroom(self.page)

    @property
    def sidebar(self):
        return self.page.locator("#sidebar")
