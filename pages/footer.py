"""The footer: imprint lines and link groups."""
from __future__ import annotations

from .region import Region, RegionList


class FooterGroup(Region):
    @property
    def title(self) -> str:
        return self.find("h4").text_content().strip()

    @property
    def link_texts(self) -> list[str]:
        return [t.strip() for t in self.find("ul li a").all_text_contents()]


class Footer(Region):
    root_selector = "#footer"

    @property
    def logo(self):
        return self.find(".footer_logo")

    @property
    def imprint(self):
        return self.find(".footer_imprint")

    @property
    def imprint_paragraphs(self):
        return self.find(".footer_imprint p")

    @property
    def imprint_lines(self) -> list[str]:
        return [t.strip() for t in self.find(".footer_imprint p").all_text_contents()]

    @property
    def link_area(self):
        return self.find(".footer_links")

    @property
    def groups(self) -> RegionList[FooterGroup]:
        return RegionList(FooterGroup, self.page, self.find(".footer_group"))

    @property
    def group_titles(self):
        """Every link group's heading."""
        return self.find(".footer_group h4")

    @property
    def links(self):
        return self.find(".footer_links a[href]")
