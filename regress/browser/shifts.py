"""Layout shift as the browser reports it, and cumulative layout shift as Core Web Vitals define it.

Chromium records a ``layout-shift`` performance entry for every frame in which visible
elements moved without the reader asking for it. :func:`layout_shifts` reads them all, from
the start of the page, with a ``PerformanceObserver`` (``buffered: true``), each with the
elements that moved. :func:`cumulative_layout_shift` is the pure part: entries the reader
caused (``hadRecentInput``) are left out, the rest are grouped into session windows (a
window closes at a gap of 1 s or when it spans 5 s) and the largest window's sum is the
score, as https://web.dev/articles/cls defines it.
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


# Every entry from the page's start (buffered), the ones still queued taken after the next frame.
_SHIFTS_JS = """() => new Promise(resolve => {
  if (!(PerformanceObserver.supportedEntryTypes || []).includes('layout-shift')) { resolve(null); return; }
  const name = n => !n ? 'a removed element' : n.nodeType === 3 ? 'text in ' + name(n.parentElement)
    : n.nodeName.toLowerCase() + (n.id ? '#' + n.id : '')
      + (typeof n.className === 'string' && n.className.trim() ? '.' + n.className.trim().split(/\\s+/).join('.') : '');
  const found = [];
  const take = entries => entries.forEach(e => found.push({start: e.startTime, value: e.value,
    input: e.hadRecentInput, sources: (e.sources || []).map(s => name(s.node))}));
  const observer = new PerformanceObserver(list => take(list.getEntries()));
  observer.observe({type: 'layout-shift', buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => {
    take(observer.takeRecords()); observer.disconnect(); resolve(found);
  }));
})"""


def layout_shifts(page: Page) -> list[LayoutShift]:
    """Every layout shift the page has had so far. NoLayoutShiftEntries if the browser reports none."""
    rows = page.evaluate(_SHIFTS_JS)
    if rows is None:
        raise NoLayoutShiftEntries("this browser reports no layout-shift entries "
                                   "(PerformanceObserver.supportedEntryTypes lacks 'layout-shift'; Chromium has them)")
    return [LayoutShift(r["start"], r["value"], bool(r["input"]), tuple(r["sources"])) for r in rows]


def settle_as_a_reader(page: Page) -> None:
    """A loaded page brought to rest as a reader's would be, on real conditions only: the network
    quiet after the load (what a script fetches or inserts once the page has loaded), then
    scrolled through so lazy images load, fonts ready and transitions finished (capture.settle)."""
    page.wait_for_load_state("networkidle")
    settle(page)
