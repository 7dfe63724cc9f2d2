"""Top bar, section nav (GNB), sub-nav, all-menu overlay and search layer."""
from __future__ import annotations

from .region import Region, RegionList


class OverlaySection(Region):
    @property
    def title(self) -> str:
        return self.find("h3").text_content().strip()

    @property
    def subsections(self) -> list[str]:
        return [t.strip() for t in self.find("ul li a").all_text_contents()]


class AllMenuOverlay(Region):
    root_selector = "#all_menu"

    @property
    def close_button(self):
        return self.find(".all_menu_close")

    @property
    def sections(self) -> RegionList[OverlaySection]:
        return RegionList(OverlaySection, self.page, self.find(".all_menu_section"))

    @property
    def banners(self):
        return self.find(".all_menu_banners a")

    @property
    def social_links(self):
        return self.find(".all_menu_social a")

    @property
    def links(self):
        return self.find("a[href]")

    def is_open(self) -> bool:
        return self.root.get_attribute("aria-hidden") == "false"


class SearchLayer(Region):
    root_selector = "#search_layer"

    @property
    def input(self):
        return self.find("input[name=kwd]")

    @property
    def submit_button(self):
        return self.find("button[type=submit]")


class SubNav(Region):
    root_selector = "#sub_nav"

    @property
    def heading(self):
        """The section's name above the sub-nav links."""
        return self.find(".sub_nav_title")

    @property
    def title(self) -> str:
        return self.heading.text_content().strip()

    @property
    def links(self):
        return self.find("ul li a")

    @property
    def current(self):
        return self.find("a[aria-current=page]")


class Menu(Region):
    """The whole page chrome of the header, with the overlays it opens."""

    root_selector = "#header"

    @property
    def logo(self):
        return self.find("a.logo")

    @property
    def top_bar(self):
        return self.find(".top_bar")

    @property
    def member_links(self):
        return self.find(".top_bar ul.member a")

    @property
    def search_button(self):
        return self.find("button.btn_search")

    @property
    def all_menu_button(self):
        return self.find("button.btn_allmenu")

    @property
    def gnb(self):
        return self.find("#gnb")

    @property
    def gnb_links(self):
        return self.gnb.locator("a")

    @property
    def date_line(self):
        return self.find("#date_line")

    @property
    def sub_nav(self) -> SubNav:
        return self.region(SubNav)

    @property
    def search(self) -> SearchLayer:
        return self.region(SearchLayer)

    @property
    def overlay(self) -> AllMenuOverlay:
        # The overlay sits outside the header in the DOM, so it is a page-level region.
        return AllMenuOverlay(self.page)

    def open_overlay(self) -> AllMenuOverlay:
        overlay = self.overlay
        self.all_menu_button.click()
        overlay.root.wait_for(state="visible")
        _wait_transitions(overlay.root)
        return overlay

    def close_overlay(self) -> None:
        overlay = self.overlay
        overlay.close_button.click()
        _wait_transitions(overlay.root)  # whether it closed is the test's to assert

    def open_search(self) -> SearchLayer:
        self.search_button.click()
        layer = self.search
        layer.input.wait_for(state="visible")
        return layer

    def search_for(self, words: str) -> None:
        layer = self.open_search()
        layer.input.fill(words)
        with self.page.expect_navigation():
            layer.submit_button.click()


def _wait_transitions(locator) -> None:
    """Wait until the element's running CSS transitions/animations have finished."""
    locator.evaluate(
        "el => Promise.all(el.getAnimations({subtree: false}).map(a => a.finished.catch(() => null)))"
    )
