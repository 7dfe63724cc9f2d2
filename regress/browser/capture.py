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


def stable_screenshot(page: Page, target: Locator | None, spec: CaptureSpec, matches_expected=None) -> bytes:
    """Capture until two consecutive shots are equal; fail clearly if they never are.
    The hidden components are shown again before it returns.

    As Playwright Test does, a first shot that already matches the expected image
    (``matches_expected(png) -> bool``) is taken at once: a page caught mid-change
    cannot match its baseline by accident."""
    hide(spec.hides)
    for locator in spec.text_masks:
        locator.evaluate_all(_MASK_TEXT_JS, SAMPLE_TEXT)
    options = dict(animations="disabled", caret="hide", mask=list(spec.masks), mask_color=MASK_COLOR, scale="css")

    def shoot() -> bytes:
        if target is None:
            return page.screenshot(full_page=spec.full_page, **options)
        return target.screenshot(**options)

    try:
        previous = shoot()
        if matches_expected is not None and matches_expected(previous):
            return previous
        for _ in range(spec.tries - 1):
            current = shoot()
            if current == previous:
                return current
            previous = current
    finally:
        if spec.text_masks:
            page.evaluate(_UNMASK_TEXT_JS)
        unhide(spec.hides)  # the page may be shared with the next capture
    raise UnsettledCapture(
        f"the page never settled: {spec.tries} consecutive captures all differed "
        "(something keeps moving: an unmasked animation, a live value, or late content)"
    )
