"""What a check kind is given: the page, where it is, its settings, where its files go.

Built by the pytest glue (:mod:`regress.plugin.runner`) for each item; it knows
nothing of pytest. The kind reads the page through the page objects, writes what
it wants in the run record into ``notes``, and raises :class:`CheckFailure`.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from playwright.sync_api import Page

from pages import ArticlePage, PageNotLoaded, locate
from ..model.scenario import Check, Scenario, Target
from ..run.record import ItemNotes
from . import CheckFailure


@dataclass
class CheckContext:
    base_url: str
    scenario: Scenario
    check: Check
    viewport: str
    settings: Mapping[str, Any]  # site settings merged with the scenario's overrides
    artifacts_dir: Path  # this item's folder in the run's report
    baselines_dir: Path
    update_baselines: str | None  # None (compare), "missing", "changed" or "all"
    notes: ItemNotes
    new_page: Callable[[], Page]  # this item's own page
    # A loaded, settled page of this scenario and viewport with the clock frozen at the
    # given instant, shared by the visual items (loading and settling cost more than a capture).
    settled_page: Callable[[str], tuple[Page, ArticlePage]]
    project_root: Path | None = None  # paths in messages are shown relative to it
    target: Target = Target("demo")
    run_started: datetime.datetime | None = None  # live targets freeze the captures' clock here
    browser_name: str = "chromium"
    _page: Page | None = field(default=None, repr=False)

    @property
    def live(self) -> bool:
        """The live rules: nothing may depend on which stories are showing or on the time."""
        return not self.target.pinned

    def capture_clock(self, pinned_clock: str) -> str:
        """The instant captures freeze the page clock at: the seed's on the pinned demo, the run's
        start (in the site's zone, KST) on a live target."""
        if not self.live or self.run_started is None:
            return pinned_clock
        zone = datetime.datetime.fromisoformat(pinned_clock).tzinfo
        return self.run_started.astimezone(zone).replace(microsecond=0).isoformat()

    @property
    def canonical_host(self) -> str:
        """The host a page's <link rel=canonical> must have: the target's, the site's, else the host under test."""
        return (self.target.canonical_host or self.settings["site"].get("canonical_host")
                or urlsplit(self.base_url).netloc)

    @property
    def page(self) -> Page:
        """This item's page, made on first use: kinds that use a settled page never pay for it."""
        if self._page is None:
            self._page = self.new_page()
        return self._page

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + self.scenario.page

    @property
    def viewport_size(self) -> tuple[int, int]:
        size = self.settings["viewports"][self.viewport]
        return size["width"], size["height"]

    def open(self, page: Page | None = None) -> ArticlePage:
        """The scenario's page loaded (in this item's page, or the one given); a page that does
        not load or answers other than 2xx fails the check."""
        try:
            return ArticlePage(page or self.page, self.base_url).open(self.scenario.page)
        except PageNotLoaded as err:
            raise CheckFailure(str(err)) from None

    @staticmethod
    def locate(site: ArticlePage, component: str):
        return locate(site, component)
