"""Pages: the shared chrome of every page, and the article page."""
from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .article import Article, ShareBar
from .footer import Footer
from .head import PageHead, read_head
from .menu import Menu
from .section import StoryList
from .widgets import Darkroom, Sidebar, TopFive, TopTen, Trending


# The one read of the canonical URL (page_health, share links and the copy-link test use it):
# standard HTML, resolved as the browser resolves it.
CANONICAL_JS = """() => {
  const link = document.querySelector('link[rel~="canonical"]');
  return link ? link.href : null;
}"""


class PageNotLoaded(AssertionError):
    """The page did not load, or answered other than 2xx: what a reader gets is not the page."""


class BasePage:
    """Any page of the site: the regions every page shares."""

    def __init__(self, page: Page, base_url: str = ""):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.response_headers: dict[str, str] = {}  # of the page's own response, once opened

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
        self.response_headers = dict(response.headers)
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
        """The page's ``<link rel=canonical>`` as the browser resolves it, None without one."""
        return self.page.evaluate(CANONICAL_JS)

    def head(self) -> PageHead:
        """The head as crawlers read it (title, meta, canonical, favicon, JSON-LD), with the
        page response's headers (an ``X-Robots-Tag`` there counts as much as a meta tag)."""
        return read_head(self.page, self.response_headers)

    def has_horizontal_overflow(self) -> bool:
        return self.page.evaluate(
            "() => document.documentElement.scrollWidth > window.innerWidth"
        )


@dataclass(frozen=True)
class ShareFacts:
    """What a share link must carry: the page's canonical URL and the story's title."""
    canonical: str | None  # as BasePage.canonical_url reads it
    og_title: str | None
    headline: str | None

    @property
    def titles(self) -> list[str]:
        """The titles a share link may carry, the og:title first."""
        return [t for t in (self.og_title, self.headline) if t]


_SHARE_FACTS_JS = f"""headline => {{
  const og = document.querySelector('meta[property="og:title"]');
  const h1 = document.querySelector(headline) || document.querySelector('h1');
  return {{
    canonical: ({CANONICAL_JS})(),
    og_title: og ? og.getAttribute('content') : null,
    headline: h1 ? (h1.innerText || h1.textContent || '').replace(/\\s+/g, ' ').trim() : null,
  }};
}}"""


class ArticlePage(BasePage):
    def share_facts(self) -> ShareFacts:
        """The canonical URL, og:title and headline, in one round trip."""
        headline = f"{Article.root_selector} {Article.headline_selector}"
        return ShareFacts(**self.page.evaluate(_SHARE_FACTS_JS, headline))

    @property
    def article(self) -> Article:
        return Article(self.page)

    @property
    def share_bar(self) -> ShareBar:
        return self.article.share_bar

    @property
    def sidebar(self) -> Sidebar:
        return Sidebar(self.page)

    @property
    def top_ten(self) -> TopTen:
        return self.sidebar.top_ten

    @property
    def top_five(self) -> TopFive:
        return self.sidebar.top_five

    @property
    def darkroom(self) -> Darkroom:
        return self.sidebar.darkroom


class ListPage(BasePage):
    """A list page: a section or sub-section, the home page's latest news, search results."""

    @property
    def list_title(self):
        return self.page.locator(".list_main > .list_title").first

    @property
    def stories(self) -> StoryList:
        return StoryList(self.page)
