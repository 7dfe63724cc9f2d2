"""What the reader sees: the one definition of "rendered", evaluated in the page.

An element is rendered when it is in the document and none of these hides it: ``display: none``
on it or an ancestor, ``visibility: hidden`` (or ``collapse``), an opacity of 0 (its own times
its ancestors'), a box of zero width or height, an ancestor that clips (``overflow: hidden`` or
``clip`` on an axis) with the element wholly outside that ancestor's padding box (unless an
animation inside that ancestor moves it into view in its turn: a carousel's slides), a ``clip-path``
or ``clip`` that leaves nothing of it. A hidden element's reason names the rule and the element
that sets it (``display: none on div#body``), so a failure says why, not only what.

The layout kind (through :mod:`regress.browser.geometry`), page_health and the regression suite's
structural tests all read visibility here, so every count of the suite means the same thing.
Scroll containers (``overflow: auto | scroll``) do not hide: a reader scrolls them; nor do the
``<html>`` and ``<body>`` overflow, which the viewport takes over (and the page scrolls).
"""
from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Locator

# Why ``el`` is not rendered, or null when it is. A function of one element, usable inside
# other page functions as ``(HIDDEN_WHY_JS)(el)``.
HIDDEN_WHY_JS = r"""el => {
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  if (!el.isConnected) return 'not in the document';
  const chain = [];
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) chain.push(e);
  for (const e of chain) if (getComputedStyle(e).display === 'none') {
    let top = e;  // the outermost display: none, the one a fix would touch
    for (const a of chain) if (chain.indexOf(a) > chain.indexOf(top) && getComputedStyle(a).display === 'none') top = a;
    return 'display: none on ' + name(top);
  }
  const own = getComputedStyle(el);
  if (own.visibility === 'hidden' || own.visibility === 'collapse') {
    let from = el;  // visibility is inherited: name the element that set it
    while (from.parentElement && getComputedStyle(from.parentElement).visibility === own.visibility) from = from.parentElement;
    return 'visibility: ' + own.visibility + ' on ' + name(from);
  }
  let opacity = 1, faint = null;
  for (const e of chain) {
    const o = parseFloat(getComputedStyle(e).opacity);
    if (!isNaN(o)) { opacity *= o; if (o < 0.05 && !faint) faint = e; }
  }
  if (opacity < 0.05) return 'opacity ' + +opacity.toFixed(3) + ' on ' + name(faint || el);
  const r = el.getBoundingClientRect();
  if (r.width < 0.5 || r.height < 0.5) return 'zero size (' + +r.width.toFixed(1) + '×' + +r.height.toFixed(1) + ' px)';
  const clipped = (s, e) => {
    const cp = s.clipPath || 'none';
    if (/^(circle|ellipse)\(\s*0(px|%)?[\s)]/.test(cp)) return 'clip-path: ' + cp + ' on ' + name(e);
    const inset = cp.match(/^inset\(([^)]*)\)/);
    if (inset) {
      const box = e.getBoundingClientRect(), parts = inset[1].split(/\s+round\s+/)[0].trim().split(/\s+/);
      const len = (v, of) => v.endsWith('%') ? parseFloat(v) / 100 * of : parseFloat(v) || 0;
      const [t, rt = t, b = t, l = rt] = parts;
      if (len(t, box.height) + len(b, box.height) >= box.height - 0.5 || len(l, box.width) + len(rt, box.width) >= box.width - 0.5)
        return 'clip-path: ' + cp + ' on ' + name(e);
    }
    const poly = cp.match(/^polygon\(([^)]*)\)/);
    if (poly) {
      const pts = poly[1].split(',').map(p => p.trim().split(/\s+/).slice(-2).join(' '));
      if (new Set(pts).size < 3) return 'clip-path: ' + cp + ' on ' + name(e);
    }
    const rect = (s.position === 'absolute' || s.position === 'fixed') && s.clip && s.clip.match(/^rect\(([^)]*)\)/);
    if (rect) {
      const [t, rt, b, l] = rect[1].split(/[\s,]+/).map(v => parseFloat(v));
      if (!isNaN(t) && !isNaN(b) && !isNaN(l) && !isNaN(rt) && (b - t < 0.5 || rt - l < 0.5)) return 'clip: ' + s.clip + ' on ' + name(e);
    }
    return null;
  };
  for (const e of chain) { const why = clipped(getComputedStyle(e), e); if (why) return why; }
  const root = document.documentElement, body = document.body;
  for (const a of chain.slice(1)) {
    if (a === root || a === body) continue;
    const s = getComputedStyle(a), cx = /hidden|clip/.test(s.overflowX), cy = /hidden|clip/.test(s.overflowY);
    if (!cx && !cy) continue;
    const box = a.getBoundingClientRect();
    const left = box.left + a.clientLeft, top = box.top + a.clientTop;
    const outX = cx && (r.right <= left + 0.5 || r.left >= left + a.clientWidth - 0.5);
    const outY = cy && (r.bottom <= top + 0.5 || r.top >= top + a.clientHeight - 0.5);
    // A carousel: an animation between the clipper and the element moves it into view in its turn.
    const slides = chain.slice(0, chain.indexOf(a)).some(e => e.getAnimations().length > 0);
    if ((outX || outY) && !slides)
      return 'clipped by ' + name(a) + ' (overflow: ' + (cx && cy ? s.overflow : cx ? 'hidden on x' : 'hidden on y')
        + '; it lies outside that box)';
  }
  return null;
}"""

_ALL_WHY_JS = f"els => els.map({HIDDEN_WHY_JS})"


@dataclass(frozen=True)
class Rendered:
    """A component's elements as the reader gets them: how many the DOM has, and why each
    hidden one is hidden (by its 1-based position among the component's elements)."""

    count: int
    hidden: dict[int, str]

    @property
    def rendered_count(self) -> int:
        return self.count - len(self.hidden)

    @property
    def all_rendered(self) -> bool:
        return not self.hidden

    def rendered(self, number: int) -> bool:
        return number not in self.hidden

    def describe_hidden(self, what: str = "element", limit: int = 3) -> str:
        """``paragraph 4-22 (clipped by div#body ...)``: runs of one reason together, in one line."""
        groups: list[tuple[list[int], str]] = []
        for number, why in sorted(self.hidden.items()):
            if groups and groups[-1][1] == why and groups[-1][0][-1] == number - 1:
                groups[-1][0].append(number)
            else:
                groups.append(([number], why))
        parts = [f"{what} {span[0]}" + (f"-{span[-1]}" if len(span) > 1 else "") + f" ({why})"
                 for span, why in groups[:limit]]
        more = len(groups) - limit
        return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def hidden_reasons(locator: Locator) -> list[str | None]:
    """For each element the locator matches, why it is not rendered (None: it is)."""
    return locator.evaluate_all(_ALL_WHY_JS)


def rendered(locator: Locator) -> Rendered:
    """The locator's elements, which of them the reader sees, and why the others not."""
    reasons = hidden_reasons(locator)
    return Rendered(len(reasons), {n: why for n, why in enumerate(reasons, start=1) if why})


def rendered_texts(locator: Locator) -> list[str]:
    """The whitespace-normalised text of each rendered element: what a reader can read."""
    return locator.evaluate_all(
        f"els => els.filter(e => !({HIDDEN_WHY_JS})(e)).map(e => (e.textContent || '').replace(/\\s+/g, ' ').trim())")
