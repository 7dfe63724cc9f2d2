"""pages.article.font_px: a size it cannot read as px is a ValueError naming the element,
never a NaN (which compares unequal to everything, so checks on it went either way).
regress/checks/font_controls.py turns that ValueError into a failure of the item."""
import pytest

from pages.article import Article, font_px

PAGE = '<div id="article"><div id="startts" style="font-size: 17px"><p>Body</p></div></div>'


def test_a_px_size_is_read(page):
    page.set_content(PAGE)
    assert Article(page).body_font_px() == 17.0


def test_no_element_to_read_is_a_clear_error(page):
    page.set_content("<p>no article here</p>")
    page.set_default_timeout(300)  # font_px keeps Playwright's waiting for the element; not 30 s of it here
    with pytest.raises(ValueError, match=r"^article\.body: font-size None is not a px value \(no element"):
        Article(page).body_font_px()


def test_a_size_that_is_not_px_is_a_clear_error(page):
    # Chromium always computes px; a page script that replaces getComputedStyle (a polyfill,
    # a test harness left in) is how anything else reaches us.
    page.set_content(PAGE + '<script>window.getComputedStyle = () => ({fontSize: "medium"})</script>')
    with pytest.raises(ValueError, match=r"^#startts: font-size 'medium' is not a px value$"):
        font_px(page.locator("#startts"))
