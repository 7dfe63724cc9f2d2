"""Captures on a device, and captures that do not depend on where the page places a component
(issue 22), in a real Chromium against the real demo site.

- At the mobile device's scale factor a component's capture is in device pixels, cropped to the
  component, and the painted masks cover exactly their components' boxes.
- A component is the same pixels wherever the story above it ends: days 3 (a longer story) and
  4 (a shorter one under a taller photo) move the widgets below the story on tablet and mobile,
  and the footer everywhere, by fractions of a pixel; each capture of them equals day 2's
  (the same widgets) byte for byte, and with the live rules' masks, day 1's.
"""
from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from demo_site import DemoSite
from pages import ArticlePage, locate
from regress.browser import capture
from regress.browser.capture import MASK_COLOR, CaptureSpec, freeze_clock, settle, stable_screenshot
from regress.browser.geometry import measure
from regress.checks import load_suite_scenario_files
from regress.model.project import ProjectPaths
from regress.model.scenario import load_settings, scenario_files

ROOT = Path(__file__).resolve().parents[2]
PATHS = ProjectPaths(ROOT)
SETTINGS = load_settings(PATHS.settings)
ARTICLE = SETTINGS.site["article_path"]
CLOCK = SETTINGS["visual"]["clock"]
LIVE = SETTINGS["visual"]["live"]
DAYS = (1, 2, 3, 4)


def live_components() -> list[str]:
    """The components the article's visual checks capture on the live rules."""
    scenarios = load_suite_scenario_files(scenario_files(PATHS.scenarios), SETTINGS).all()
    article = next(s for s in scenarios if s.page == ARTICLE)
    names = [c.options.get("component", "page") for c in article.checks if c.kind == "visual"]
    return [n for n in names if n != "page" and n not in LIVE["skip"]]


COMPONENTS = live_components()


@pytest.fixture(scope="module")
def sites():
    servers = {day: DemoSite(port=0, news_day=day) for day in DAYS}
    for server in servers.values():
        server.start()
    yield {day: server.url for day, server in servers.items()}
    for server in servers.values():
        server.stop()


def open_settled(browser, url: str, viewport: str):
    context = browser.new_context(**SETTINGS.devices[viewport].context_args(), locale="en-US",
                                  timezone_id="Asia/Seoul")
    page = context.new_page()
    freeze_clock(page, CLOCK)
    site = ArticlePage(page, url).open(ARTICLE)
    settle(page)
    return context, page, site


def live_spec(site) -> CaptureSpec:
    """What the visual kind captures with on the live rules: news text replaced, story images painted."""
    return CaptureSpec(full_page=False, masks=tuple(locate(site, n) for n in LIVE["mask"]),
                       text_masks=tuple(locate(site, n) for n in LIVE["mask_text"]))


def png_array(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_a_component_is_captured_in_device_pixels_and_its_masks_line_up(browser, sites):
    context, page, site = open_settled(browser, sites[1], "mobile")
    try:
        scale = SETTINGS.devices["mobile"].device_scale_factor
        assert page.evaluate("() => window.devicePixelRatio") == scale == 2
        target = locate(site, "top_ten")
        box = measure(target).box
        thumbnails = [measure(t).box for t in locate(site, "top_ten.thumbnails").all()]
        shot = png_array(stable_screenshot(page, target, CaptureSpec(
            full_page=False, masks=(locate(site, "top_ten.thumbnails"),))))
        # Playwright clips a component to whole CSS pixels; its top is aligned to one first
        left = math.floor(box.x + 1e-3)
        width, height = math.ceil(box.right - 1e-3) - left, math.ceil(box.h - 1e-3)
        assert shot.shape[:2] == (height * scale, width * scale), (shot.shape, box)
        magenta = (shot[..., :3] == [int(MASK_COLOR[i:i + 2], 16) for i in (1, 3, 5)]).all(axis=2)
        inside, near = np.zeros_like(magenta), np.zeros_like(magenta)
        for thumb in thumbnails:  # in the capture's device pixels, from the component's corner
            x0, y0 = (thumb.x - left) * scale, (thumb.y - box.y) * scale
            x1, y1 = x0 + thumb.w * scale, y0 + thumb.h * scale
            inside[math.ceil(y0) + 1:math.floor(y1) - 1, math.ceil(x0) + 1:math.floor(x1) - 1] = True
            near[max(0, math.floor(y0) - 1):math.ceil(y1) + 1, max(0, math.floor(x0) - 1):math.ceil(x1) + 1] = True
        assert len(thumbnails) == 10 and inside.sum() > 10 * 100
        assert magenta[inside].all(), f"{int((~magenta[inside]).sum())} pixels of the thumbnails left unpainted"
        assert not magenta[~near].any(), f"{int(magenta[~near].sum())} painted pixels outside the thumbnails"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", list(SETTINGS.devices))
def test_a_component_is_the_same_pixels_wherever_the_story_ends(browser, sites, viewport, monkeypatch):
    """The live rules' captures (news text replaced, story images painted) of day 1 against days 3
    and 4, of every component the live rules capture that the story moves. The sub-pixel offset the
    capture removes is recorded from the real alignment: it must differ between the days for the
    moved widgets, or this would prove nothing."""
    shifts: dict[tuple, float] = {}
    align = capture.align_to_device_pixels
    monkeypatch.setattr(capture, "align_to_device_pixels",
                        lambda page, target: shifts.setdefault(key, align(page, target)))
    shots: dict[tuple, bytes] = {}
    tops: dict[tuple, float] = {}
    for day in (3, 4, 1):  # day 1 last: a moved component is known by then
        context, page, site = open_settled(browser, sites[day], viewport)
        try:
            for name in COMPONENTS:
                tops[day, name] = measure(locate(site, name)).box.y
                if day == 1 and all(abs(tops[d, name] - tops[1, name]) < 1e-3 for d in (3, 4)):
                    continue  # above the story: nothing to show
                key = (day, name)
                shots[key] = stable_screenshot(page, locate(site, name), live_spec(site))
        finally:
            context.close()
    moved = sorted({name for (_, name) in shots if (1, name) in shots})
    differ, offsets = [], {}
    for name in moved:
        offsets[name] = [round(shifts[day, name], 6) for day in (1, 3, 4)]
        for day in (3, 4):
            if shots[day, name] != shots[1, name]:
                a, b = png_array(shots[1, name]), png_array(shots[day, name])
                what = (f"{b.shape[1]}x{b.shape[0]}, was {a.shape[1]}x{a.shape[0]}" if a.shape != b.shape
                        else f"{int((a != b).any(axis=2).sum())} pixels differ")
                differ.append(f"{name} on day {day} at top {tops[day, name]} against day 1 at {tops[1, name]}: {what}")
    assert not differ, "\n".join(differ)
    offset_moved = [name for name, o in offsets.items() if len(set(o)) > 1]
    assert "footer" in offset_moved, f"the footer sat at the same sub-pixel offset every day: {offsets}"
    if SETTINGS.devices[viewport].is_mobile:  # the widgets are below the story
        assert {"top_ten", "top_five", "darkroom"} <= set(offset_moved), offsets


def test_painted_masks_follow_a_carousel_to_where_the_shot_shows_it(browser, sites):
    """The Darkroom strip slides on an endless CSS animation, which each shot stops at its start
    (animations disabled): its images' masks are drawn there, whatever moment the capture began at."""
    context, page, site = open_settled(browser, sites[1], "desktop")
    try:
        spec = CaptureSpec(full_page=False, masks=(locate(site, "darkroom.images"),))
        shots = []
        for moment_ms in (0, 12_000):  # the strip at rest, then mid-slide
            page.evaluate("ms => document.getAnimations().forEach(a => { a.currentTime = ms; })", moment_ms)
            shots.append(stable_screenshot(page, locate(site, "darkroom"), spec))
        assert page.evaluate("() => document.getAnimations().some(a => a.playState === 'running')")
        first, second = png_array(shots[0]), png_array(shots[1])
        assert first.shape == second.shape and not (first != second).any(axis=2).sum(), (
            f"{int((first != second).any(axis=2).sum())} pixels differ")
    finally:
        context.close()
