"""Stable screenshots by construction: frozen clock, no motion, fonts and images ready.

Then two consecutive captures must be byte-identical (as Playwright Test does)
before one is used, within a bounded number of tries.
"""
from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Locator, Page

from .rendered import HIDDEN_WHY_JS


# Scroll through the page so lazy images load, force the rest, wait until all decode.
_LOAD_IMAGES_JS = """async () => {
  const step = Math.max(200, Math.floor(window.innerHeight * 0.8));
  for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
    window.scrollTo(0, y);
    await new Promise(r => requestAnimationFrame(() => r()));
  }
  document.querySelectorAll('img[loading="lazy"]').forEach(img => { img.loading = 'eager'; });
  await Promise.all(Array.from(document.images).map(img =>
    (img.complete ? Promise.resolve() : new Promise(r => { img.addEventListener('load', r, {once: true});
                                                        img.addEventListener('error', r, {once: true}); }))
      .then(() => img.decode ? img.decode().catch(() => null) : null)));
  window.scrollTo(0, 0);
  await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())));
}"""

# Transitions still running (a menu closing, a layer fading) would make captures differ.
_STILL_JS = "() => Promise.all(document.getAnimations().filter(a => a.effect && a.effect.getTiming().iterations !== Infinity).map(a => a.finished.catch(() => null)))"

MASK_COLOR = "#FF00FF"


class UnsettledCapture(AssertionError):
    """Consecutive captures kept differing: the page never came to rest."""


# What text masks write: one fixed line, so a component's pixels show the template's font,
# size, colour and spacing whatever the words of the day are.
SAMPLE_TEXT = "Sample text of a story"

# A text mask holds while the capture runs: a script that rewrites the text (the live date
# line ticks every second) is overruled before the next paint, by a MutationObserver.
_MASK_TEXT_JS = """(els, sample) => {
  const state = window.__regressTextMasks = window.__regressTextMasks || {saved: new Map(), observers: []};
  for (const el of els) {
    if (!state.saved.has(el)) state.saved.set(el, el.innerHTML);
    el.textContent = sample;
    const observer = new MutationObserver(() => { if (el.textContent !== sample) el.textContent = sample; });
    observer.observe(el, {childList: true, characterData: true, subtree: true});
    state.observers.push(observer);
  }
}"""
_UNMASK_TEXT_JS = """() => {
  const state = window.__regressTextMasks;
  if (!state) return;
  state.observers.forEach(o => o.disconnect());
  state.saved.forEach((html, el) => { el.innerHTML = html; });
  window.__regressTextMasks = undefined;
}"""


# What Playwright's animations="disabled" does at each shot, done once before the page is aligned
# and painted: finite animations finished, infinite ones (a carousel) cancelled to their start and
# played again afterwards. The masks are then drawn where the shots will show their components.
_STOP_ANIMATIONS_JS = """() => {
  const stopped = window.__regressStopped = window.__regressStopped || [];
  for (const animation of document.getAnimations()) {
    if (!animation.effect || animation.playbackRate === 0 || stopped.includes(animation)) continue;
    const end = animation.effect.getComputedTiming().endTime;
    try {
      if (Number.isFinite(end)) animation.finish(); else { animation.cancel(); stopped.push(animation); }
    } catch (e) { /* an animation that cannot finish is left to Playwright's own disabling */ }
  }
}"""
_RESUME_ANIMATIONS_JS = """() => {
  (window.__regressStopped || []).forEach(a => { try { a.play(); } catch (e) {} });
  window.__regressStopped = undefined;
}"""

# A component's capture must not depend on where the page places it: a story a line longer moves
# the widgets below it by a fraction of a pixel, and a box at another sub-pixel offset is painted
# with other anti-aliasing and clipped (Playwright rounds a component's clip out to whole CSS
# pixels) to another size. So before the capture the document is moved down by the component's
# sub-pixel offset: padding on the root element, which moves every in-flow box by the same amount
# and changes no box's layout (no element's own styles, no margins to collapse). The component
# then starts on a whole CSS pixel that is also a whole device pixel, so its clip starts at its
# own edge and everything in it sits at the same offsets from the device-pixel grid wherever it
# is: the same pixels. Layout positions are multiples of 1/64 device pixel, so the shift is exact.
_ALIGN_JS = """(el, scale) => {
  const root = document.documentElement;
  const top = el.getBoundingClientRect().top + window.scrollY;
  let whole = Math.ceil(top - 1e-4);  // the next whole CSS pixel that is a whole device pixel too
  for (let i = 0; i < 64 && Math.abs(whole * scale - Math.round(whole * scale)) > 1e-4; i++) whole++;
  const shift = whole - top;
  if (shift < 1e-4) return 0;
  window.__regressAlign = {value: root.style.getPropertyValue('padding-top'),
                           priority: root.style.getPropertyPriority('padding-top')};
  const padding = getComputedStyle(root).paddingTop;
  root.style.setProperty('padding-top', `calc(${padding} + ${shift}px)`, 'important');
  return shift;
}"""
_UNALIGN_JS = """() => {
  const saved = window.__regressAlign;
  if (!saved) return;
  document.documentElement.style.setProperty('padding-top', saved.value, saved.priority);
  window.__regressAlign = undefined;
}"""


# Painted masks are boxes in the document's own layout, drawn over their components: they scroll
# and align with the page. (Playwright's masks are a fixed top-layer pane, which an emulated phone
# places a pixel or more off the page it captures beyond the viewport.) The layer is the
# document's size and clips what it holds: a box over an element scrolled out of a carousel must
# not widen the page, which a phone would zoom out to show.
_PAINT_JS = """(els, color) => {
  let layer = window.__regressPaint;
  if (!layer) {
    const root = document.documentElement;
    layer = window.__regressPaint = document.createElement('div');
    layer.style.cssText = 'position:absolute;left:0;top:0;margin:0;padding:0;border:0;overflow:hidden;'
      + `width:${root.scrollWidth}px;height:${root.scrollHeight}px;z-index:2147483647;pointer-events:none;`;
    root.appendChild(layer);
  }
  const origin = layer.getBoundingClientRect();
  for (const el of els) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const box = document.createElement('div');
    box.style.cssText = `position:absolute;margin:0;padding:0;border:0;background:${color};`
      + `left:${r.left - origin.left}px;top:${r.top - origin.top}px;width:${r.width}px;height:${r.height}px;`;
    layer.appendChild(box);
  }
}"""
_UNPAINT_JS = "() => { if (window.__regressPaint) window.__regressPaint.remove(); window.__regressPaint = undefined; }"


@dataclass(frozen=True)
class CaptureSpec:
    full_page: bool
    masks: tuple[Locator, ...] = ()
    hides: tuple[Locator, ...] = ()
    text_masks: tuple[Locator, ...] = ()  # their text becomes SAMPLE_TEXT for the capture
    tries: int = 5


def freeze_clock(page: Page, iso_time: str) -> None:
    """Date.now() returns this instant for every document of the page; timers still run."""
    page.clock.set_fixed_time(iso_time)


# Why an image a reader scrolled to does not show its own picture, or null when it does: it
# failed to load or decode, or a lazy loader left it with a placeholder (no src, or a src other
# than its data-src). A function of one image, as ``(IMAGE_PROBLEM_JS)(img)``.
IMAGE_PROBLEM_JS = r"""img => {
  const lazy = img.getAttribute('data-src') || img.getAttribute('data-lazy-src') || img.getAttribute('data-original');
  const src = img.getAttribute('src');
  if (lazy) {
    const abs = u => { try { return new URL(u, document.baseURI).href; } catch (e) { return u; } };
    const own = [abs(lazy)].concat((img.getAttribute('data-srcset') || '').split(',')
      .map(c => c.trim().split(/\s+/)[0]).filter(Boolean).map(abs));
    if (!src) return 'has no src, only data-src ' + lazy + ': the lazy loader never swapped it in';
    const shown = img.currentSrc || img.src;
    if (!own.includes(shown))
      return 'shows ' + (shown.startsWith('data:') ? shown.slice(0, 30) + '...' : shown) + ' while its data-src is '
        + lazy + ': a placeholder the lazy loader never swapped';
  }
  if (!src) return 'has no src';
  if (img.complete && img.naturalWidth === 0) return (img.currentSrc || img.src) + ' did not load (missing or undecodable)';
  return null;
}"""

# Each image scrolled into view as a reader would, then given the frames a lazy loader takes to
# swap its source, and its load awaited: what each shows (None) or why not.
_SCROLL_TO_AND_LOAD_JS = f"""async els => {{
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const problems = [];
  for (const img of els) {{
    img.scrollIntoView({{block: 'center'}});
    if (img.hasAttribute('data-src') || img.hasAttribute('data-lazy-src') || img.hasAttribute('data-original')) {{
      await frame(); await frame();
    }}
    if (img.getAttribute('src') && !img.complete) await new Promise(done => {{
      img.addEventListener('load', done, {{once: true}}); img.addEventListener('error', done, {{once: true}}); }});
    problems.push(({IMAGE_PROBLEM_JS})(img));
  }}
  return problems;
}}"""

# Images that finished and have no pixels (a 404, a file that does not decode), and rendered
# lazy images left with their placeholder (a hidden one never scrolls into view).
_BROKEN_IMAGES_JS = f"""root => Array.from(root.querySelectorAll('img')).map(img => {{
  const lazy = img.hasAttribute('data-src') || img.hasAttribute('data-lazy-src') || img.hasAttribute('data-original');
  if (!lazy && !img.getAttribute('src')) return null;         // nothing to load
  if (lazy && ({HIDDEN_WHY_JS})(img)) return null;            // hidden: it never scrolls into view
  if (img.getAttribute('src') && !img.complete) return null;  // still loading
  return ({IMAGE_PROBLEM_JS})(img);
}}).filter(Boolean)"""


def load_images(page: Page) -> None:
    """Load every image (lazy ones too) and wait until each has loaded or failed."""
    page.evaluate(_LOAD_IMAGES_JS)


def broken_images(root: Locator) -> list[str]:
    """What is wrong with each image under ``root`` that does not show its own picture (after
    :func:`load_images`): ``<url> did not load (missing or undecodable)``, or a lazy image left
    with its placeholder. Images still loading are not judged."""
    return root.evaluate(_BROKEN_IMAGES_JS)


def broken_image_problem(problem: str) -> str:
    """How a check words an image that does not show its own picture."""
    return f"image {problem}"


def scroll_to_and_load(images: Locator) -> list[str | None]:
    """Scroll to each image as a reader would and let it load: None for each that shows its own
    picture, else why not (see ``IMAGE_PROBLEM_JS``)."""
    return images.evaluate_all(_SCROLL_TO_AND_LOAD_JS)


def settle(page: Page) -> None:
    load_images(page)
    page.evaluate(_STILL_JS)


def hide(locators) -> None:
    for locator in locators:
        locator.evaluate_all("els => els.forEach(e => e.style.setProperty('visibility', 'hidden', 'important'))")


def unhide(locators) -> None:
    for locator in locators:
        locator.evaluate_all("els => els.forEach(e => e.style.removeProperty('visibility'))")


def align_to_device_pixels(page: Page, target: Locator) -> float:
    """Move the document down by ``target``'s sub-pixel offset (see _ALIGN_JS), returning the shift
    in CSS pixels (0: already aligned); :func:`unalign` undoes it."""
    return target.evaluate(_ALIGN_JS, page.evaluate("() => window.devicePixelRatio"))


def unalign(page: Page) -> None:
    page.evaluate(_UNALIGN_JS)


def stable_screenshot(page: Page, target: Locator | None, spec: CaptureSpec, matches_expected=None) -> bytes:
    """Capture, in device pixels, until two consecutive shots are equal; fail clearly if they never
    are. Animations are stopped first, as Playwright's shots stop them; a component is then aligned
    to whole device pixels (:func:`align_to_device_pixels`), after the text masks (which change
    what is above it) and before the painted masks (drawn where the aligned layout puts their
    components). The page is left as it was found.

    As Playwright Test does, a first shot that already matches the expected image
    (``matches_expected(png) -> bool``) is taken at once: a page caught mid-change
    cannot match its baseline by accident."""
    options = dict(animations="disabled", caret="hide", scale="device")

    def shoot() -> bytes:
        if target is None:
            return page.screenshot(full_page=spec.full_page, **options)
        return target.screenshot(**options)

    aligned = False
    try:
        page.evaluate(_STOP_ANIMATIONS_JS)
        hide(spec.hides)
        for locator in spec.text_masks:
            locator.evaluate_all(_MASK_TEXT_JS, SAMPLE_TEXT)
        aligned = target is not None and align_to_device_pixels(page, target) > 0
        for locator in spec.masks:  # where the aligned layout has put them
            locator.evaluate_all(_PAINT_JS, MASK_COLOR)
        previous = shoot()
        if matches_expected is not None and matches_expected(previous):
            return previous
        for _ in range(spec.tries - 1):
            current = shoot()
            if current == previous:
                return current
            previous = current
    finally:
        page.evaluate(_UNPAINT_JS)
        if aligned:
            unalign(page)
        page.evaluate(_UNMASK_TEXT_JS)
        unhide(spec.hides)  # the page may be shared with the next capture
        page.evaluate(_RESUME_ANIMATIONS_JS)
    raise UnsettledCapture(
        f"the page never settled: {spec.tries} consecutive captures all differed "
        "(something keeps moving: an unmasked animation, a live value, or late content)"
    )
