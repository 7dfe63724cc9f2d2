"""Section nav, sub-nav, all-menu overlay and search, at every viewport: the chrome, compared
with the target's reference on every target (for the demo, the seed)."""
import re

import pytest
from playwright.sync_api import expect

import chrome

pytestmark = pytest.mark.chrome


def norm(text: str) -> str:
    return " ".join(text.split())


def test_gnb_sections(article_page, chrome_reference):
    texts = chrome.gnb(article_page)
    assert texts == chrome_reference["gnb"], f"section nav {texts}, expected {chrome_reference['gnb']}"


def test_member_links(article_page, chrome_reference):
    texts = chrome.member_links(article_page)
    want = chrome_reference["member_links"]
    assert texts == want, f"member links {texts}, expected {want}"


def test_sub_nav_marks_current_section(article_page, chrome_reference):
    sub_nav, want = article_page.menu.sub_nav, chrome_reference["sub_nav"]
    titles = [norm(t) for t in sub_nav.heading.all_text_contents()]
    assert titles == [want["title"]], f"sub-nav title {titles}, expected {want['title']!r}"
    items = [norm(t) for t in sub_nav.links.all_text_contents()]
    assert items == want["items"], f"sub-nav items {items}, expected {want['items']}"
    assert sub_nav.current.count() == 1, f"sub-nav marks {sub_nav.current.count()} current item(s), expected 1"
    assert norm(sub_nav.current.text_content()) == want["current"]


def test_overlay_opens_lists_every_section_and_closes(article_page, chrome_reference):
    menu = article_page.menu
    assert menu.overlay.root.is_hidden(), "overlay open before the all-menu button was pressed"
    overlay = menu.open_overlay()
    assert overlay.is_open() and overlay.root.is_visible()
    assert menu.all_menu_button.get_attribute("aria-expanded") == "true"
    sections, want = chrome.overlay_sections(article_page), chrome_reference["overlay_sections"]
    assert sections == want, \
        f"overlay sections {[s['name'] for s in sections]}, expected {[s['name'] for s in want]}"
    assert overlay.banners.count() == 4, f"overlay banners: {overlay.banners.count()}, expected 4"
    assert overlay.social_links.count() == 4, f"overlay social links: {overlay.social_links.count()}, expected 4"
    menu.close_overlay()
    expect(overlay.root, "overlay still open after Close").to_be_hidden()
    assert not overlay.is_open(), "overlay still open after Close"
    assert menu.all_menu_button.get_attribute("aria-expanded") == "false"


def test_search_layer_submits_to_search_page(article_page):
    article_page.menu.search_for("GSOMIA")
    page = article_page.page
    assert re.search(r"/www2/common/search\.asp\?kwd=GSOMIA", page.url), \
        f"search went to {page.url}, expected /www2/common/search.asp?kwd=GSOMIA"
    assert "GSOMIA" in page.locator("body").text_content(), "the search page does not show the keyword"
