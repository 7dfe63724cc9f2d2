"""The region base: one root locator, every lookup scoped to it (PyPOM style)."""
from __future__ import annotations

from typing import Any, Generic, Iterator, TypeVar

from playwright.sync_api import Locator, Page

R = TypeVar("R", bound="Region")


class Region:
    """A component of a page, found from one root locator; every lookup is scoped to it.

    A region with a ``root_selector`` made with ``Region(page)`` is a top-level region: the
    selector is looked up in the page. Made with ``parent.region(Child)``, the selector is
    looked up inside the parent's root, and ``parent`` is kept. A region without a selector
    of its own (an item of a :class:`RegionList`) must be given its root locator."""

    root_selector: str | None = None

    def __init__(self, page: Page, root: Locator | None = None, parent: Region | None = None):
        if root is None:
            if self.root_selector is None:
                raise TypeError(f"{type(self).__name__} has no root_selector: give it its root locator")
            root = page.locator(self.root_selector)
        self.page = page
        self.root = root
        self.parent = parent

    def find(self, selector: str) -> Locator:
        return self.root.locator(selector)

    def region(self, region_cls: type[R]) -> R:
        """The nested region ``region_cls``, its ``root_selector`` looked up inside this root."""
        return region_cls(self.page, self.find(region_cls.root_selector), parent=self)

    def is_visible(self) -> bool:
        return self.root.is_visible()


def evaluate_one(locator: Locator, expression: str) -> Any:
    """``locator.evaluate(expression)`` (``expression``: a JS function of the element),
    in one round trip to the browser when exactly one element matches already.

    Playwright's own evaluate takes three (wait for the element, evaluate, release
    the handle); it remains the path otherwise, so waiting and strictness errors
    are Playwright's."""
    found = locator.evaluate_all(f"els => els.length === 1 ? [({expression})(els[0])] : null")
    return found[0] if found is not None else locator.evaluate(expression)


class RegionList(Generic[R]):
    """Repeated items (Top-10 entries...) as a list of small regions."""

    def __init__(self, region_cls: type[R], page: Page, items: Locator):
        self._cls = region_cls
        self._page = page
        self.locator = items

    def __len__(self) -> int:
        return self.locator.count()

    # Each count is a round trip to the browser: one per lookup, one per whole walk.
    def __getitem__(self, index: int) -> R:
        count = len(self)
        if not -count <= index < count:
            raise IndexError(index)
        return self._at(index)

    def __iter__(self) -> Iterator[R]:
        for i in range(len(self)):
            yield self._at(i)

    def _at(self, index: int) -> R:
        return self._cls(self._page, self.locator.nth(index))
