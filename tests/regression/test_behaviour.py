"""Live behaviours: date line, trending layer (with a controlled clock), copy link."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from pages import ArticlePage

SEOUL = dt.timezone(dt.timedelta(hours=9))
SEED_MOMENT = dt.datetime(2023, 2, 6, 21, 47, tzinfo=SEOUL)
DATE_LINE_RE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (January|February|March|April|May|June|July|August|"
    r"September|October|November|December) \d{1,2}, \d{4} \| \d{2}:\d{2}$"
)


def open_article_at(page, base_url, site_settings, moment) -> ArticlePage:
    page.clock.install(time=moment)
    return ArticlePage(page, base_url).open(site_settings.site["article_path"])


def test_date_line_shows_the_page_clock_in_seed_format(page, base_url, site_settings):
    site = open_article_at(page, base_url, site_settings, SEED_MOMENT)
    date_line = site.menu.date_line
    shown = date_line.text_content().strip()
    assert shown == "Mon, February 6, 2023 | 21:47", f"date line reads {shown!r}, expected 'Mon, February 6, 2023 | 21:47'"
    page.clock.run_for("02:00")  # two minutes later the line follows the clock
    expect(date_line, "date line did not follow the clock").to_contain_text("21:49")
    assert DATE_LINE_RE.match(date_line.text_content().strip())


@pytest.mark.chrome
def test_trending_structure(page, base_url, site_settings, chrome_reference):
    page.clock.set_fixed_time(SEED_MOMENT)  # the list re-ranks every minute, which would race the reads
    site = ArticlePage(page, base_url).open(site_settings.site["article_path"])
    want = chrome_reference["widgets"]["trending"]["count"]
    ranks = site.trending.ranks()
    assert ranks == list(range(1, want + 1)), f"trending ranks {ranks}, expected 1..{want}"
    titles = site.trending.titles()
    assert all(titles) and len(set(titles)) == len(titles), f"trending titles {titles}: each set, none twice"


@pytest.mark.pinned_only(reason="it compares with the seed's trending stories, which are news on a live site")
def test_trending_ranks_twenty_stories_from_the_seed(page, base_url, site_settings, seed):
    # A fixed clock: the live list re-ranks every minute, which would race the reads below.
    page.clock.set_fixed_time(SEED_MOMENT)
    site = ArticlePage(page, base_url).open(site_settings.site["article_path"])
    ranks = site.trending.ranks()
    assert ranks == list(range(1, 21)), f"trending ranks {ranks}, expected 1..20"
    titles = sorted(site.trending.titles(), key=str)
    assert titles == sorted(seed["trending"]), f"trending titles {titles}, expected the seed's {sorted(seed['trending'])}"


@pytest.mark.pinned_only(reason="it relies on the replica's own rotation rule (one place a minute)")
def test_trending_order_changes_over_time(page, base_url, site_settings):
    site = open_article_at(page, base_url, site_settings, SEED_MOMENT)
    before = site.trending.titles()
    page.clock.run_for("10:00")
    site.trending.wait_for_new_first_title(before[0], timeout_ms=3_000)  # the next tick re-renders; judged below
    after = site.trending.titles()
    assert after != before, "trending order did not change in 10 minutes"
    assert sorted(after) == sorted(before), f"trending stories changed: {sorted(after)}, expected {sorted(before)}"


def test_trending_close_and_open(article_page):
    trending = article_page.trending
    assert not trending.is_closed() and trending.list.is_visible(), "trending closed on load"
    trending.close()
    expect(trending.list, "trending list still shown after Close").to_be_hidden()
    assert trending.is_closed() and trending.open_button.is_visible(), "trending not closed after Close"
    trending.open()
    expect(trending.list, "trending stays closed after Open").to_be_visible()
    assert not trending.is_closed(), "trending stays closed after Open"
    article_page.page.reload()
    assert not trending.is_closed(), "trending closed after a reload; plain Close must not persist"


def test_trending_close_for_24_hours_expires(page, base_url, site_settings):
    site = open_article_at(page, base_url, site_settings, SEED_MOMENT)
    site.trending.close_for_24_hours()
    expect(site.trending.list, "trending list still shown after Close for 24 hours").to_be_hidden()
    page.reload()
    assert site.trending.is_closed(), "closed for 24 h but open again after a reload"
    page.clock.fast_forward("23:00:00")
    page.reload()
    assert site.trending.is_closed(), "opened again before 24 h had passed"
    page.clock.fast_forward("01:01:00")
    page.reload()
    assert not site.trending.is_closed(), "still closed after 24 h"


def test_copy_link_copies_canonical_url(context, article_page, site_settings):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    bar = article_page.share_bar
    bar.copy_link()
    assert "copied" in bar.copy_toast.text_content().lower()
    copied = article_page.page.evaluate("() => navigator.clipboard.readText()")
    assert copied == article_page.canonical_url, f"copied {copied!r}, expected the canonical URL {article_page.canonical_url!r}"
    assert copied.endswith(site_settings.site["article_path"])
