"""The settled pages visual items share get the suite's timeouts, as every other context does."""
from __future__ import annotations

import pytest

from demo_site import DemoSite
from regress.browser import chromium
from regress.plugin.fixtures import SettledPages

ARTICLE = "/www/nation/2022/06/120_330924.html"
CLOCK = "2022-06-25T09:00:00+09:00"


def test_a_settled_page_gets_the_navigation_timeout_not_only_the_action_timeout(browser, request, monkeypatch):
    """Its late web font keeps the article's load event back for over a second: longer than the
    action timeout (shortened here), well within the navigation timeout."""
    monkeypatch.setattr(chromium, "PAGE_TIMEOUT_MS", 300)
    monkeypatch.setattr(chromium, "NAVIGATION_TIMEOUT_MS", 20_000)
    pages = SettledPages(browser)
    with DemoSite(port=0, font_delay=1.5) as site:
        try:
            page, article = pages.get(request.node, site.url, ARTICLE, "desktop", CLOCK,
                                      {"viewport": {"width": 1280, "height": 800}})
            assert page.url == site.url + ARTICLE
            assert article.page is page
        finally:
            pages.close()
