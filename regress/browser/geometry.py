"""Boxes of components in page coordinates, and Galen-style relations between them."""
from __future__ import annotations

from dataclasses import dataclass, field

from .rendered import HIDDEN_WHY_JS, Rendered

# Visible means rendered, as regress.browser.rendered defines it (one definition for the suite).
_MEASURE_JS = f"""els => els.map(e => {{
  const r = e.getBoundingClientRect(), why = ({HIDDEN_WHY_JS})(e);
  return {{x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height, why}};
}})"""


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def centre_x(self) -> float:
        return self.x + self.w / 2

    @property
    def centre_y(self) -> float:
        return self.y + self.h / 2

    def __str__(self) -> str:
        return f"(x={self.x:.0f}, y={self.y:.0f}, w={self.w:.0f}, h={self.h:.0f})"

    @staticmethod
    def union(boxes: list["Box"]) -> "Box":
        x, y = min(b.x for b in boxes), min(b.y for b in boxes)
        right, bottom = max(b.right for b in boxes), max(b.bottom for b in boxes)
        return Box(x, y, right - x, bottom - y)


@dataclass(frozen=True)
class Measured:
    """A component as measured: how many elements matched, which are rendered (visible), their union box."""

    count: int
    visible_count: int
    box: Box | None  # union of the visible elements, None if none is visible
    rendered: Rendered = field(default_factory=lambda: Rendered(0, {}))  # which are hidden, and why


def measure(locator) -> Measured:
    rows = locator.evaluate_all(_MEASURE_JS)
    visible = [Box(r["x"], r["y"], r["w"], r["h"]) for r in rows if not r["why"]]
    hidden = {n: r["why"] for n, r in enumerate(rows, start=1) if r["why"]}
    return Measured(len(rows), len(visible), Box.union(visible) if visible else None, Rendered(len(rows), hidden))


EDGES = {
    "top": lambda b: b.y,
    "bottom": lambda b: b.bottom,
    "left": lambda b: b.x,
    "right": lambda b: b.right,
    "centre": lambda b: b.centre_x,
    "middle": lambda b: b.centre_y,
}


def relation_problem(a: Box, rel: str, b: Box, *, gap=None, edge=None, tolerance: float = 1.0) -> str | None:
    """None when ``a rel b`` holds; otherwise what was expected, in words."""
    if rel in ("above", "below", "left_of", "right_of"):
        distance = {
            "above": b.y - a.bottom,
            "below": a.y - b.bottom,
            "left_of": b.x - a.right,
            "right_of": a.x - b.right,
        }[rel]
        low, high = gap if gap is not None else (0, None)
        if distance < low - tolerance or (high is not None and distance > high + tolerance):
            wanted = f"{low}..{high if high is not None else '∞'} px"
            return f"gap is {distance:.0f} px, expected {wanted}"
        return None
    if rel == "inside":
        t = tolerance
        if a.x < b.x - t or a.y < b.y - t or a.right > b.right + t or a.bottom > b.bottom + t:
            return "not inside"
        return None
    if rel == "aligned":
        pos = EDGES[edge or "left"]
        delta = abs(pos(a) - pos(b))
        if delta > tolerance:
            return f"{edge or 'left'} edges differ by {delta:.0f} px (tolerance {tolerance} px)"
        return None
    raise ValueError(f"unknown relation {rel!r}")


def in_range(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def boxes(locator) -> list[Box]:
    """The box of each rendered element of ``locator`` (as :func:`measure` counts them), in
    document order (page coordinates)."""
    return [Box(r["x"], r["y"], r["w"], r["h"]) for r in locator.evaluate_all(_MEASURE_JS) if not r["why"]]
