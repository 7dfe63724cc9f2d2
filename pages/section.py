"""List pages (a section, a sub-section): the page's own story list, one region per story."""
from __future__ import annotations

from .region import Region, RegionList
from .widgets import text_without_tag


class StoryItem(Region):
    """One story of a list page: thumbnail, category, headline link (with its tag), lead, meta line."""

    title_selector = "a.story_title"
    thumb_link_selector = "a.story_thumb"
    thumb_selector = "a.story_thumb img"

    @property
    def headline(self):
        return self.find(self.title_selector)

    @property
    def title(self) -> str:
        """The headline text without its tag."""
        return text_without_tag(self.headline)

    @property
    def tag(self):
        return self.find(".tag")

    @property
    def thumbnail(self):
        return self.find(self.thumb_selector)

    @property
    def thumbnail_link(self):
        return self.find(self.thumb_link_selector)

    @property
    def category(self):
        return self.find("a.story_cate")


class StoryList(Region):
    """The list page's own stories: the first list of the main column (an empty section is
    followed by a second list, the latest news, which is not the section's)."""

    root_selector = ".list_main > ul.story_list:first-of-type"
    item_selector = "li.story_item"

    @property
    def items(self) -> RegionList[StoryItem]:
        return RegionList(StoryItem, self.page, self.find(self.item_selector))

    @property
    def headlines(self):
        return self.find(f"{self.item_selector} {StoryItem.title_selector}")

    @property
    def thumbnails(self):
        return self.find(f"{self.item_selector} {StoryItem.thumb_selector}")

    @property
    def links(self):
        return self.find("a[href]")

    # One round trip for the whole list (twenty stories read one by one cost sixty).
    _FACTS_JS = """(els, [title, thumbLink, thumb]) => els.map(li => {
      const a = li.querySelector(title), t = li.querySelector(thumbLink), img = li.querySelector(thumb);
      const box = li.getBoundingClientRect();
      return {
        // rendered: not hidden by itself or an ancestor (display, visibility, opacity), not of zero size
        shown: box.width > 0 && box.height > 0 && li.checkVisibility({opacityProperty: true, visibilityProperty: true}),
        title_href: a ? a.getAttribute('href') : null,
        thumb_href: t ? t.getAttribute('href') : null,
        alt: img ? img.getAttribute('alt') : null,
      };
    })"""

    def story_facts(self) -> list[dict]:
        """Per story, in order: whether it is rendered, its headline's and thumbnail's hrefs (as
        written) and its thumbnail's alt text."""
        return self.find(self.item_selector).evaluate_all(
            self._FACTS_JS, [StoryItem.title_selector, StoryItem.thumb_link_selector, StoryItem.thumb_selector])
