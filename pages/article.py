"""The article: headline, dates, tools (print, font size), photo, byline, body."""
from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .region import Region, evaluate_one


@dataclass(frozen=True)
class ShownArticle:
    """What a reader sees of the story's facts, whitespace collapsed (None: the part is absent)."""

    headline: str | None
    posted: str | None  # "Posted : 2022-06-14 16:12"
    updated: str | None
    byline: str | None  # "By Kang Seung-woo"


class Article(Region):
    root_selector = "#article"
    headline_selector = ".view_headline h1"
    posted_selector = ".view_posted"
    updated_selector = ".view_updated"
    byline_selector = ".view_byline"

    @property
    def category(self):
        return self.find(".view_cate")

    @property
    def category_link(self):
        """The category label's link, which carries the label's type and colour."""
        return self.category.locator("a")

    @property
    def headline(self):
        return self.find(self.headline_selector)

    @property
    def dates(self):
        return self.find(".view_date")

    @property
    def times(self):
        """The posted and updated instants (the dates' <time> elements, without their labels)."""
        return self.dates.locator("time")

    @property
    def head(self):
        """The story's head as a reader meets it, in page order: the category, the headline, the
        dates, the tools and the byline. The template gives them no wrapper of their own: five
        elements (the photo and sub-headline between dates and byline are not the head's)."""
        return self.find(".view_cate, .view_headline, .view_date, .view_tools, .view_byline")

    @property
    def posted(self):
        return self.find(self.posted_selector)

    @property
    def updated(self):
        return self.find(self.updated_selector)

    @property
    def tools(self):
        return self.find(".view_tools")

    @property
    def print_button(self):
        return self.find("button.btn_print")

    @property
    def font_up_button(self):
        return self.find("button.btn_font_up")

    @property
    def font_down_button(self):
        return self.find("button.btn_font_down")

    @property
    def photo(self):
        return self.find("figure.view_photo")

    @property
    def photo_image(self):
        return self.find("figure.view_photo img")

    @property
    def caption(self):
        return self.find("figure.view_photo figcaption")

    @property
    def sub_headline(self):
        return self.find(".view_sub_headline")

    @property
    def byline(self):
        return self.find(self.byline_selector)

    @property
    def body(self):
        return self.find("#startts")

    @property
    def paragraphs(self):
        # Only the article's own paragraphs, not the related box inside the body.
        return self.find("#startts > p")

    @property
    def related(self):
        return self.find("aside.view_related")

    @property
    def related_title(self):
        return self.related.locator(".related_title")

    @property
    def related_image(self):
        return self.related.locator("img")

    @property
    def related_meta(self):
        """The related story's date and section."""
        return self.related.locator(".related_meta")

    @property
    def reporter(self):
        return self.find(".view_reporter")

    @property
    def reporter_email(self):
        """The reporter's mailto link."""
        return self.reporter.locator("a.reporter_email")

    @property
    def share_bar(self) -> ShareBar:
        return self.region(ShareBar)

    @property
    def copy_toast(self):
        """The status line the copy-link button shows, beside the share bar."""
        return self.find("#copy_toast")

    @property
    def links(self):
        return self.find("a[href]")

    _SHOWN_JS = """(root, selectors) => {
      const text = sel => { const el = root.querySelector(sel);
        return el ? (el.innerText || el.textContent || '').replace(/\\s+/g, ' ').trim() : null; };
      return Object.fromEntries(Object.entries(selectors).map(([k, sel]) => [k, text(sel)]));
    }"""

    def shown(self) -> ShownArticle:
        """The headline, dates and byline as the page shows them, in one round trip."""
        selectors = {"headline": self.headline_selector, "posted": self.posted_selector,
                     "updated": self.updated_selector, "byline": self.byline_selector}
        return ShownArticle(**self.root.evaluate(self._SHOWN_JS, selectors))

    def body_font_px(self) -> float:
        """The body container's computed font size (its paragraphs may not follow it)."""
        return font_px(self.body, "article.body")

    def paragraph_font_px(self) -> list[float]:
        """Every body paragraph's font size as painted: its computed size times the scale of any
        transform on it or its ancestors. What the reader gets, whatever the container says.

        ValueError when there is no paragraph, or a size is not a px value."""
        raw = self.paragraphs.evaluate_all(_PAINTED_FONT_PX_JS)
        if not raw:
            raise ValueError("article.paragraphs: font-size None is not a px value (no paragraph to read it from)")
        return [_px_value(size, f"article.paragraphs (paragraph {n})") for n, size in enumerate(raw, start=1)]

    def font_up(self) -> float:
        return self._step_font(self.font_up_button)

    def font_down(self) -> float:
        return self._step_font(self.font_down_button)

    def _step_font(self, button) -> float:
        """Click a font button; return the body size once the click has been handled.

        The handler runs synchronously on click, so the size is read after the
        click resolves; a button that does nothing simply returns the same size."""
        button.click()
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        return self.body_font_px()

    def open_print_view(self) -> Page:
        """Click Print Preview; return the page the print view opened in
        (a popup, or this page if the site navigates in place)."""
        try:
            with self.page.context.expect_event("page", timeout=3000) as popup_info:
                self.print_button.click()
        except PlaywrightTimeout:
            # No popup: the site navigated in place (or did nothing; the caller decides).
            self.page.wait_for_load_state("load")
            return self.page
        popup = popup_info.value
        popup.wait_for_load_state("load")
        return popup


_PX = re.compile(r"(\d+(?:\.\d*)?|\.\d+)px")

# The vertical scale of the transforms on an element and its ancestors multiplies its computed
# font-size: a paragraph scaled to 0.8 reads smaller than its font-size says.
_PAINTED_FONT_PX_JS = r"""els => els.map(el => {
  const size = getComputedStyle(el).fontSize;
  if (!/^[\d.]+px$/.test(size)) return size;
  let scale = 1;
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.transform && s.transform !== 'none') { const m = new DOMMatrix(s.transform); scale *= Math.hypot(m.c, m.d); }
    if (s.scale && s.scale !== 'none') { const v = s.scale.split(/\s+/).map(parseFloat); scale *= v.length > 1 ? v[1] : v[0]; }
  }
  return (Math.round(parseFloat(size) * scale * 100) / 100) + 'px';
})"""


def font_px(locator, what: str | None = None) -> float:
    """Computed font size in px of the locator's first element.

    ValueError when it cannot be read as px (no element, or another unit): a NaN
    would compare unequal to everything and let a size check pass or fail silently."""
    what = what or _selector(locator)
    try:
        raw = evaluate_one(locator.first, "el => getComputedStyle(el).fontSize")
    except PlaywrightTimeout:
        raise ValueError(f"{what}: font-size None is not a px value (no element to read it from)") from None
    return _px_value(raw, what)


def _px_value(raw, what: str) -> float:
    match = _PX.fullmatch(raw) if isinstance(raw, str) else None
    if not match:
        raise ValueError(f"{what}: font-size {raw!r} is not a px value")
    return float(match.group(1))


def _selector(locator) -> str:
    """The selector in a Locator's repr (``<Locator frame=... selector='...'>``), for messages."""
    match = re.search(r"selector='(.*)'>$", repr(locator))
    return match.group(1) if match else repr(locator)


class ShareBar(Region):
    """The share buttons, in the article (made by ``Article.share_bar``)."""

    root_selector = ".sns_area"

    NETWORKS = ("facebook", "twitter", "kakaolink", "whatsapp", "reddit", "mailto", "link")

    @property
    def buttons(self):
        return self.find("li > a, li > button")

    @property
    def links(self):
        return self.find("a[href]")

    def network(self, name: str):
        return self.find(f".sns_{name}")

    @property
    def copy_toast(self):
        return self.parent.copy_toast

    def copy_link(self) -> None:
        self.network("link").click()
        self.copy_toast.wait_for(state="visible", timeout=3000)
