"""Section nav, sub-nav, all-menu overlay and search, at every viewport."""
import re


def norm(text: str) -> str:
    return " ".join(text.split())


def test_gnb_sections(article_page, seed):
    texts = [norm(t) for t in article_page.menu.gnb_links.all_text_contents()]
    assert texts == seed["menu"]["gnb"]


def test_member_links(article_page, seed):
    texts = [norm(t) for t in article_page.menu.member_links.all_text_contents()]
    assert texts == seed["menu"]["member_links"]


def test_sub_nav_marks_current_section(article_page, seed):
    sub_nav, want = article_page.menu.sub_nav, seed["menu"]["sub_nav"]
    assert norm(sub_nav.root.locator(".sub_nav_title").text_content()) == want["title"]
    assert [norm(t) for t in sub_nav.links.all_text_contents()] == want["items"]
    assert sub_nav.current.count() == 1
    assert norm(sub_nav.current.text_content()) == want["current"]


def test_overlay_opens_lists_every_section_and_closes(article_page, seed):
    menu = article_page.menu
    assert menu.overlay.root.is_hidden()
    overlay = menu.open_overlay()
    assert overlay.is_open() and overlay.root.is_visible()
    assert menu.all_menu_button.get_attribute("aria-expanded") == "true"
    sections = [{"name": s.title, "subsections": s.subsections} for s in overlay.sections]
    assert sections == seed["menu"]["overlay_sections"]
    assert overlay.banners.count() == 4
    assert overlay.social_links.count() == 4
    menu.close_overlay()
    assert overlay.root.is_hidden() and not overlay.is_open()
    assert menu.all_menu_button.get_attribute("aria-expanded") == "false"


def test_search_layer_submits_to_search_page(article_page):
    article_page.menu.search_for("GSOMIA")
    page = article_page.page
    assert re.search(r"/www2/common/search\.asp\?kwd=GSOMIA", page.url)
    assert "GSOMIA" in page.locator("body").text_content()
