"""Side widgets (Top 10, Top 5, Darkroom) and the trending layer."""
from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .region import Region, RegionList, evaluate_one


TEXT_WITHOUT_TAG = ("el => Array.from(el.childNodes).filter(n => !(n.classList && n.classList.contains('tag')))"
                    ".map(n => n.textContent).join('').trim()")


def text_without_tag(locator) -> str:
    """A headline's text without its [VIDEO]/[INTERVIEW] tag element."""
    return evaluate_one(locator, TEXT_WITHOUT_TAG)


class RankedItem(Region):
    """One entry of a ranked list: rank number, thumbnail, headline, optional tag."""

    headline_selector = "a[class$=_headline]"
    thumb_selector = "a[class$=_thumb] img"

    @property
    def rank(self) -> str:
        return self.find(".rank").text_content().strip()

    @property
    def headline(self):
        return self.find(self.headline_selector)

    @property
    def thumbnail(self):
        return self.find(self.thumb_selector)

    @property
    def tag(self):
        return self.find(".tag")

    @property
    def title(self) -> str:
        """The headline text without its tag."""
        return text_without_tag(self.headline)


class RankedWidget(Region):
    item_selector = "li"

    @property
    def heading(self):
        return self.find("h2")

    @property
    def items(self) -> RegionList[RankedItem]:
        return RegionList(RankedItem, self.page, self.find(self.item_selector))

    @property
    def links(self):
        return self.find("a[href]")

    @property
    def headlines(self):
        """Every item's headline link."""
        return self.find(f"{self.item_selector} {RankedItem.headline_selector}")

    @property
    def thumbnails(self):
        """Every item's thumbnail image."""
        return self.find(f"{self.item_selector} {RankedItem.thumb_selector}")

    @property
    def ranks(self):
        """Every item's rank number."""
        return self.find(f"{self.item_selector} .rank")

    @property
    def tags(self):
        """The items' [VIDEO]/[INTERVIEW] badges (on some items, or none, on a given day)."""
        return self.find(f"{self.item_selector} .tag")


class TopTen(RankedWidget):
    root_selector = "#top10"
    item_selector = "li.aside_top10_item"


class TopFive(RankedWidget):
    root_selector = "#top5"
    item_selector = "li.aside_top5_item"


class DarkroomItem(Region):
    title_selector = ".darkroom_title"

    @property
    def title(self) -> str:
        return self.find(self.title_selector).text_content().strip()

    @property
    def image(self):
        return self.find("img")


class Darkroom(Region):
    root_selector = "#darkroom"
    item_selector = "li.darkroom_item"

    @property
    def heading(self):
        return self.find("h2")

    @property
    def strip(self):
        return self.find(".darkroom_strip")

    @property
    def items(self) -> RegionList[DarkroomItem]:
        return RegionList(DarkroomItem, self.page, self.find(self.item_selector))

    @property
    def titles(self):
        return self.find(f"{self.item_selector} {DarkroomItem.title_selector}")

    @property
    def images(self):
        return self.find(f"{self.item_selector} img")

    @property
    def links(self):
        return self.find("a[href]")


class Sidebar(Region):
    """The side column of the article page: Top 10, Top 5 and Darkroom."""

    root_selector = "#sidebar"

    @property
    def top_ten(self) -> TopTen:
        return self.region(TopTen)

    @property
    def top_five(self) -> TopFive:
        return self.region(TopFive)

    @property
    def darkroom(self) -> Darkroom:
        return self.region(Darkroom)


class TrendingItem(Region):
    @property
    def rank(self) -> int:
        return int(self.root.get_attribute("data-rank"))

    @property
    def tag(self):
        return self.find(".tag")

    @property
    def title(self) -> str:
        return text_without_tag(self.find("a"))


class Trending(Region):
    root_selector = "#trending"
    item_selector = "li.trending_item"

    @property
    def list(self):
        return self.find(".trending_list")

    @property
    def items(self) -> RegionList[TrendingItem]:
        return RegionList(TrendingItem, self.page, self.find(self.item_selector))

    # The whole list in one round trip each (twenty items read one by one cost forty).
    def ranks(self) -> list:
        """Every item's data-rank as a number, in list order (NaN where it is not one)."""
        return self.find(self.item_selector).evaluate_all("els => els.map(li => Number(li.dataset.rank))")

    @property
    def headlines(self):
        """Every item's headline link."""
        return self.find(f"{self.item_selector} a")

    @property
    def tags(self):
        """The items' [VIDEO]/[INTERVIEW] badges (on some items, or none, on a given day)."""
        return self.find(f"{self.item_selector} .tag")

    def wait_for_new_first_title(self, first: str, timeout_ms: float) -> bool:
        """Wait until the first item's headline (without its tag) is no longer ``first``, as the
        list re-renders on the page clock's tick; whether it changed within ``timeout_ms``."""
        try:
            self.page.wait_for_function(
                f"([root, first]) => {{ const a = root.querySelector({self.item_selector!r} + ' a');"
                f" return !!a && ({TEXT_WITHOUT_TAG})(a) !== first; }}",
                arg=[self.root.element_handle(), first], timeout=timeout_ms)
        except PlaywrightTimeout:
            return False
        return True

    def titles(self) -> list:
        """Every item's headline without its tag, in list order (None where an item has no link)."""
        return self.find(self.item_selector).evaluate_all(
            f"els => els.map(li => {{ const a = li.querySelector('a'); return a ? ({TEXT_WITHOUT_TAG})(a) : null; }})")

    @property
    def links(self):
        return self.find("a[href]")

    @property
    def close_button(self):
        return self.find("button.trending_close")

    @property
    def close_24h_button(self):
        return self.find("button.trending_close24")

    @property
    def open_button(self):
        return self.find("button.trending_open")

    def is_closed(self) -> bool:
        return "is-closed" in (self.root.get_attribute("class") or "").split()

    # Verbs click; whether the layer then closed or opened is the test's to assert.
    def close(self) -> None:
        self.close_button.click()

    def close_for_24_hours(self) -> None:
        self.close_24h_button.click()

    def open(self) -> None:
        self.open_button.click()
