"""The region base: one root locator, every lookup scoped to it (PyPOM style)."""
from __future__ import annotations

import ast
import re
from typing import Any, Generic, Iterator, Mapping, TypeVar

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


# A locator's selector, as its repr shows it, and the steps of it that are Playwright's own
# engines (text=, internal:has-text=...): only Playwright resolves those.
_LOCATOR_REPR = re.compile(r" selector=('.*'|\".*\")>$", re.S)
_NTH = re.compile(r"nth=(-?\d+)")
_ENGINE = re.compile(r"(?:internal:|[a-z_-]+=)")

# Every element of each chain of CSS steps (``>>``: within each match of the step before; an
# int: the nth match), deduplicated in document order, as Playwright resolves them; a chain the
# browser's CSS cannot parse (a Playwright pseudo-class) is null and left to Playwright.
_EACH_JS = """([chains, arg]) => {
  const each = (EACH);
  const order = (a, b) => a === b ? 0 : (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
  const resolve = steps => {
    let scope = [document];
    for (const step of steps) {
      if (typeof step === 'number') { const el = scope.at(step); scope = el ? [el] : []; continue; }
      const found = new Set();
      for (const root of scope) for (const el of root.querySelectorAll(step)) found.add(el);
      scope = [...found].sort(order);
    }
    return scope;
  };
  const out = {};
  for (const [name, steps] of Object.entries(chains)) {
    let elements = null;
    try { elements = resolve(steps); } catch (e) { continue; }
    out[name] = elements.map(el => each(el, arg));
  }
  return out;
}"""


def css_chain(locator: Locator) -> list[str | int] | None:
    """The locator's selector as CSS steps and nth picks (``['#article', '#startts > p', 0]``),
    or None when it uses another of Playwright's selector engines. Read from the locator's repr,
    which shows its selector (Playwright has no public accessor);
    tests/self/test_styles.py holds every component's chain to Playwright's own resolution."""
    match = _LOCATOR_REPR.search(repr(locator))
    if not match:
        return None
    steps: list[str | int] = []
    for step in ast.literal_eval(match.group(1)).split(" >> "):
        step = step.strip()
        if nth := _NTH.fullmatch(step):
            steps.append(int(nth.group(1)))
        elif _ENGINE.match(step) or not step:
            return None
        else:
            steps.append(step)
    return steps


def evaluate_each(page: Page, locators: Mapping[str, Locator], expression: str, arg: Any = None) -> dict[str, list]:
    """``expression`` (a JS function of an element and ``arg``) on every element of each locator:
    name -> its results in document order. One round trip for all the locators whose selectors
    are plain CSS; a locator with another engine's selector takes its own (``evaluate_all``)."""
    chains = {name: chain for name, locator in locators.items() if (chain := css_chain(locator)) is not None}
    found = page.evaluate(_EACH_JS.replace("EACH", expression, 1), [chains, arg]) if chains else {}
    for name, locator in locators.items():
        if found.get(name) is None:
            found[name] = locator.evaluate_all(f"(els, arg) => els.map(el => ({expression})(el, arg))", arg)
    return {name: found[name] for name in locators}


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
