"""Pages: the shared chrome of every page, and the article page."""
from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .article import Article, ShareBar
from .footer import Footer
from .menu import Menu
from .widgets import Darkroom, TopFive, TopTen, Trending


class PageNotLoaded(AssertionError):
    """The page did not load, or answered other than 2xx: what a reader gets is not the page."""


class BasePage:
    """Any page of the site: the regions every page shares."""

    def __init__(self, page: Page, base_url: str = ""):
        self.page = page
        self.base_url = base_url.rstrip("/")

    def url_of(self, path: str) -> str:
        return self.base_url + path

    def open(self, path: str = "/"):
        """Load ``path`` under the base URL; PageNotLoaded unless it answers 2xx within the timeout."""
        url = self.url_of(path)
        try:
            response = self.page.goto(url, wait_until="load")
        except PlaywrightTimeout:
            raise PageNotLoaded(f"{url} did not finish loading within the navigation timeout") from None
        except PlaywrightError as err:
            raise PageNotLoaded(f"{url} could not be loaded: {err.message.splitlines()[0]}") from None
        if response is None or not response.ok:
            status = response.status if response else "no response"
            raise PageNotLoaded(f"{url} answered {status}, expected a 2xx page")
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


# What a share link must carry: the page's canonical URL and the story's title.
_SHARE_FACTS_JS = """headline => {
  const canon = document.querySelector('link[rel~="canonical"]');
  const og = document.querySelector('meta[property="og:title"]');
  const h1 = document.querySelector(headline) || document.querySelector('h1');
  return {
    canonical: canon ? canon.href : null,
    canonical_raw: canon ? canon.getAttribute('href') : null,
    og_title: og ? og.getAttribute('content') : null,
    headline: h1 ? (h1.innerText || h1.textContent || '').replace(/\\s+/g, ' ').trim() : null,
  };
}"""


class ArticlePage(BasePage):
    # Links inside it are share links (decoded and compared with the canonical URL).
    share_bar_selector = ShareBar.root_selector

    def share_facts(self) -> dict:
        """canonical (resolved), canonical_raw, og_title and headline, in one round trip."""
        return self.page.evaluate(_SHARE_FACTS_JS, f"{Article.root_selector} {Article.headline_selector}")
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
