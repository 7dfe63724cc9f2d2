"""Layout shift as the browser reports it, and cumulative layout shift as Core Web Vitals define it.

Chromium records a ``layout-shift`` performance entry for every frame in which visible
elements moved without the reader asking for it. :func:`layout_shifts_after_load` reads those
from the load event on, with a ``PerformanceObserver`` (``buffered: true``), each with the
elements that moved. :func:`cumulative_layout_shift` is the pure part: entries the reader
caused (``hadRecentInput``) are left out, the rest are grouped into session windows (a
window closes at a gap of 1 s or when it spans 5 s) and the largest window's sum is the
score, as https://web.dev/articles/cls defines it.

Why from the load event on: before it, the shifts follow when each resource arrives (a web
font that lands after the first paint reflows the text), so the same page scores 0.01 on one
load and 0.2 on the next on a busy machine. After it, a shift is the page's own doing: a
script inserting a banner, an image without its size getting one, late content.
"""
from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

from .capture import settle

SESSION_GAP_MS = 1000.0  # a window closes after 1 s without a shift...
SESSION_CAP_MS = 5000.0  # ...or once it spans 5 s


class NoLayoutShiftEntries(RuntimeError):
    """The browser does not report layout-shift entries (only Chromium does)."""


@dataclass(frozen=True)
class LayoutShift:
    start_ms: float  # the entry's startTime: ms after the navigation began
    value: float
    had_recent_input: bool = False
    sources: tuple[str, ...] = ()  # the elements that moved, as "tag#id.class"


@dataclass(frozen=True)
class ShiftWindow:
    """One session window: its shifts, in order; ``score`` is their sum."""
    shifts: tuple[LayoutShift, ...] = ()

    @property
    def score(self) -> float:
        return sum(s.value for s in self.shifts)

    @property
    def start_ms(self) -> float:
        return self.shifts[0].start_ms if self.shifts else 0.0

    @property
    def end_ms(self) -> float:
        return self.shifts[-1].start_ms if self.shifts else 0.0


def session_windows(shifts, *, gap_ms: float = SESSION_GAP_MS, cap_ms: float = SESSION_CAP_MS) -> list[ShiftWindow]:
    """The shifts not caused by input, grouped into session windows (in time order)."""
    windows: list[list[LayoutShift]] = []
    for shift in sorted((s for s in shifts if not s.had_recent_input), key=lambda s: s.start_ms):
        current = windows[-1] if windows else None
        if current and shift.start_ms - current[-1].start_ms < gap_ms and shift.start_ms - current[0].start_ms < cap_ms:
            current.append(shift)
        else:
            windows.append([shift])
    return [ShiftWindow(tuple(w)) for w in windows]


def cumulative_layout_shift(shifts, **window) -> ShiftWindow:
    """The largest session window (the first of equals); an empty window when nothing shifted."""
    return max(session_windows(shifts, **window), key=lambda w: w.score, default=ShiftWindow())


# Every entry from the page's start (buffered), the ones still queued taken after the next frame;
# and when the load event ended (the navigation entry: performance.now() may be the test clock's).
_SHIFTS_JS = """() => new Promise(resolve => {
  if (!(PerformanceObserver.supportedEntryTypes || []).includes('layout-shift')) { resolve(null); return; }
  const navigation = new PerformanceObserver(() => {});
  navigation.observe({type: 'navigation', buffered: true});
  const loaded = (navigation.takeRecords()[0] || {}).loadEventEnd || 0;
  navigation.disconnect();
  const name = n => !n ? 'a removed element' : n.nodeType === 3 ? 'text in ' + name(n.parentElement)
    : n.nodeName.toLowerCase() + (n.id ? '#' + n.id : '')
      + (typeof n.className === 'string' && n.className.trim() ? '.' + n.className.trim().split(/\\s+/).join('.') : '');
  const found = [];
  const take = entries => entries.forEach(e => found.push({start: e.startTime, value: e.value,
    input: e.hadRecentInput, sources: (e.sources || []).map(s => name(s.node))}));
  const observer = new PerformanceObserver(list => take(list.getEntries()));
  observer.observe({type: 'layout-shift', buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => {
    take(observer.takeRecords()); observer.disconnect(); resolve({loaded, shifts: found});
  }));
})"""


@dataclass(frozen=True)
class PageShifts:
    loaded_ms: float  # when the load event ended, ms after the navigation began
    shifts: tuple[LayoutShift, ...]  # every shift so far

    @property
    def after_load(self) -> list[LayoutShift]:
        return [s for s in self.shifts if s.start_ms >= self.loaded_ms]


def layout_shifts(page: Page) -> PageShifts:
    """Every layout shift the page has had so far, and when it loaded. NoLayoutShiftEntries if
    the browser reports no layout shifts at all."""
    found = page.evaluate(_SHIFTS_JS)
    if found is None:
        raise NoLayoutShiftEntries("this browser reports no layout-shift entries "
                                   "(PerformanceObserver.supportedEntryTypes lacks 'layout-shift'; Chromium has them)")
    return PageShifts(found["loaded"], tuple(LayoutShift(r["start"], r["value"], bool(r["input"]), tuple(r["sources"]))
                                             for r in found["shifts"]))


# A reader's pass: each screenful is scrolled to, the images in it (those a script gives a src as
# they come into view too) loaded and decoded, and the next frames painted before moving on, so
# whatever moves on screen moves while it is on screen, as the reader would see it.
_READ_THROUGH_JS = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  // rendered (a hidden layer's lazy images never load), with a source, and within the screen;
  // a lazy one clipped by a scrolling strip would wait for ever: it is asked to load now
  const onScreen = () => Array.from(document.images).filter(img => {
    const r = img.getBoundingClientRect();
    return img.getClientRects().length > 0 && (r.width > 0 || r.height > 0) && img.getAttribute('src')
      && r.bottom >= 0 && r.top <= window.innerHeight && r.right >= 0 && r.left <= window.innerWidth; });
  const ready = img => (img.loading === 'lazy' && (img.loading = 'eager'), img.complete ? Promise.resolve() : new Promise(r => {
      img.addEventListener('load', r, {once: true}); img.addEventListener('error', r, {once: true}); }))
    .then(() => img.decode ? img.decode().catch(() => null) : null);
  const step = Math.max(200, Math.floor(window.innerHeight * 0.8));
  for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
    window.scrollTo(0, y);
    await frame(); await frame();
    await Promise.all(onScreen().map(ready));
    await frame(); await frame();
  }
  window.scrollTo(0, 0);
  await frame();
}"""


def settle_as_a_reader(page: Page) -> None:
    """A loaded page brought to rest as a reader's would be, on real conditions only: the network
    quiet after the load (what a script fetches or inserts once the page has loaded), read through
    screen by screen (:data:`_READ_THROUGH_JS`), then every image, font and transition finished
    (capture.settle)."""
    page.wait_for_load_state("networkidle")
    page.evaluate(_READ_THROUGH_JS)
    settle(page)
