"""Runs one scenario check: builds its context, hands it to the kind's handler."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pages import ArticlePage, locate
from .checks import CheckFailure, kinds


@dataclass
class CheckContext:
    """Everything a check kind gets: the page, where it is, and its settings."""

    request: pytest.FixtureRequest
    base_url: str
    scenario: Any
    check: Any
    viewport: str
    settings: Mapping[str, Any]  # site settings merged with the scenario's overrides
    config: pytest.Config
    item: pytest.Item
    extras: dict = field(default_factory=dict)

    @property
    def page(self) -> Page:
        """This item's page, made on first use: kinds that bring their own never pay for it."""
        return self.request.getfixturevalue("page")

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + self.scenario.page

    @property
    def viewport_size(self) -> tuple[int, int]:
        size = self.settings["viewports"][self.viewport]
        return size["width"], size["height"]

    def artifacts_dir(self):
        from .plugin import item_artifacts_dir

        return item_artifacts_dir(self.config, self.item.nodeid)

    page_timeout_ms = 7_000

    def open(self, page: Page | None = None) -> ArticlePage:
        """Load the scenario's page (in this item's page, or the one given) and fail
        clearly if it does not answer 2xx."""
        page = page or self.page
        try:
            response = page.goto(self.url, wait_until="load")
        except PlaywrightTimeout:
            raise CheckFailure(f"{self.url} did not finish loading within the navigation timeout") from None
        except PlaywrightError as err:
            raise CheckFailure(f"{self.url} could not be loaded: {err.message.splitlines()[0]}") from None
        if response is None or not response.ok:
            status = response.status if response else "no response"
            raise CheckFailure(f"{self.url} answered {status}, expected a 2xx page")
        return ArticlePage(page, self.base_url)

    def locate(self, site: ArticlePage, component: str):
        return locate(site, component)


def run_scenario_check(request: pytest.FixtureRequest, browser, base_url: str, browser_context_args,
                       _shared_capture_pages) -> None:
    item = request.node
    ctx = CheckContext(
        request=request,
        base_url=base_url,
        scenario=item.scenario,
        check=item.check,
        viewport=item.viewport,
        settings=item.scenario.settings,
        config=request.config,
        item=item,
        extras={"context_args": browser_context_args},
    )
    kinds()[item.check.kind].run(ctx, item.check.options)
