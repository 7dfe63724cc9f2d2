"""Regenerate the real-screenshot corpus of the diff engine's differential test.

Pairs of captures of the demo site (``<name>_a.png`` / ``<name>_b.png``):
identical, mismatched, shifted, recoloured, font-changed and anti-aliased text.
Run: ``python tests/self/data/screenshots/generate.py`` (needs Chromium).
"""
from pathlib import Path

from playwright.sync_api import sync_playwright

from demo_site.server import DemoSite
from regress.browser.chromium import find_chromium, launch_flags

HERE = Path(__file__).parent
ARTICLE = "/www/nation/2022/06/120_330924.html"

# name: (selector to capture, CSS for image a, CSS for image b)
PAIRS = {
    "identical_headline": (".view_headline", "", ""),
    "shifted_share_bar": ("#article .sns_area >> xpath=..", "", ".sns_area { position: relative; left: 1px; }"),
    "recoloured_headline": (".view_headline", "", ".view_headline h1 { color: #1a3d8f !important; }"),
    "font_changed_byline": ("#article .view_byline", "", ".view_byline { font-family: 'DejaVu Serif', serif !important; }"),
    "aa_text_subpixel": ("#top5", "", "#top5 ol { transform: translateX(0.4px); }"),
    "mismatched_widgets": ("#top10", "", "#top10 li:nth-child(3) { display: none !important; }"),
}


def main() -> None:
    with DemoSite(port=0, font_delay=0) as site, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(pw.chromium.executable_path),
                                     args=launch_flags())
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.clock.set_fixed_time("2023-02-06T21:47:00+09:00")
        for name, (selector, css_a, css_b) in PAIRS.items():
            for suffix, css in (("a", css_a), ("b", css_b)):
                page.goto(site.url + ARTICLE)
                page.evaluate("document.fonts.ready")
                if css:
                    page.add_style_tag(content=css)
                page.locator(selector).first.screenshot(path=HERE / f"{name}_{suffix}.png",
                                                        animations="disabled", caret="hide")
        browser.close()
    print(f"wrote {len(PAIRS)} pairs to {HERE}")


if __name__ == "__main__":
    main()
