"""font_controls: Font Size Up/Down step the body between its bounds, alone, persistently.

The body's size is what the reader gets: every paragraph's font size as painted
(``Article.paragraph_font_px``), never only the container's. Buttons that resize the container
while the paragraphs keep a size of their own fail, and say so.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pages.article import font_px

from . import CheckKind, Problems, register

TOLERANCE_PX = 0.01


# The sub-checks of one item, by the names its failures carry.
DEFAULT = "starts at the default size"
UP_STEPS = "Font Size Up steps the body"
UP_STOPS = "Font Size Up stops at the maximum"
NO_OVERFLOW_AT_MAX = "no overflow at the maximum"
PERSISTS = "the size persists across a reload"
DOWN_STEPS = "Font Size Down steps the body"
DOWN_STOPS = "Font Size Down stops at the minimum"
BYSTANDERS_KEEP = "other text keeps its size"
READABLE = "font sizes read as px"
SUB_CHECKS = (DEFAULT, UP_STEPS, UP_STOPS, NO_OVERFLOW_AT_MAX, PERSISTS, DOWN_STEPS, DOWN_STOPS,
              BYSTANDERS_KEEP)


@dataclass(frozen=True)
class BodyText:
    """The body as read once: each paragraph's painted size, and its container's computed size."""

    paragraphs: tuple[float, ...]
    container: float

    @classmethod
    def read(cls, article) -> "BodyText":
        return cls(tuple(article.paragraph_font_px()), article.body_font_px())

    @property
    def size(self) -> float:
        """The size most paragraphs have (all of them, on a correct page)."""
        return Counter(self.paragraphs).most_common(1)[0][0]

    def at(self, expected: float) -> bool:
        return all(abs(p - expected) <= TOLERANCE_PX for p in self.paragraphs)

    def __str__(self) -> str:
        """``18px``; or ``18px (paragraphs 1-3 at 18px, 4-22 at 20px)`` when they disagree."""
        if len(set(self.paragraphs)) == 1:
            return f"{self.size:g}px"
        runs: list[list] = []
        for number, px in enumerate(self.paragraphs, start=1):
            if runs and runs[-1][2] == px:
                runs[-1][1] = number
            else:
                runs.append([number, number, px])
        spans = ", ".join(f"{a}{'' if a == b else f'-{b}'} at {px:g}px" for a, b, px in runs[:4])
        return f"{self.size:g}px (paragraphs {spans}{', ...' if len(runs) > 4 else ''})"

    def container_note(self) -> str:
        """What the container says when the paragraphs do not follow it."""
        if all(abs(p - self.container) <= TOLERANCE_PX for p in self.paragraphs):
            return ""
        return (f"; the body container is at {self.container:g}px but its paragraphs render at {self}: "
                "they do not follow it")


def assertions(options, viewport: str) -> list[str]:
    # READABLE guards the check itself (a size it cannot read must not pass), not a site behaviour.
    return list(SUB_CHECKS)


def run(ctx, options) -> None:
    problems = Problems()
    try:
        _run(ctx, options, problems)
    except ValueError as err:  # a computed size that is not a px value: the reader's text size is unknown
        problems.add(READABLE, str(err))
    problems.raise_if_any()


def _run(ctx, options, problems: Problems) -> None:
    cfg = {**ctx.settings["font_controls"], **options}
    default, step, low, high = cfg["default_px"], cfg["step_px"], cfg["min_px"], cfg["max_px"]
    site = ctx.open()
    article = site.article

    # Components whose font size must not follow the body's: the site's, named in its settings
    # (font_controls.bystanders) or the check's; the page's that this viewport shows.
    present = [name for name in cfg["bystanders"] if ctx.locate(site, name).count()]

    def bystander_sizes():
        return {name: font_px(ctx.locate(site, name)) for name in present}

    start = BodyText.read(article)
    if not start.at(default):
        problems.add(DEFAULT, f"body starts at {start}, expected the default {default:g}px{start.container_note()}")
    others_before = bystander_sizes()

    def walk(button_name, step_fn, direction, bound, steps_check, stops_check) -> bool:
        body = BodyText.read(article)
        while (body.size < bound) if direction > 0 else (body.size > bound):
            step_fn()
            new, expected = BodyText.read(article), body.size + direction * step
            if not new.at(expected):
                problems.add(steps_check, f"{button_name} changed the body from {body} to {new}, expected "
                                          f"{expected:g}px (step {step:g}px, bound {bound:g}px){new.container_note()}")
                return False
            body = new
        step_fn()
        extra = BodyText.read(article)
        if not extra.at(bound):
            problems.add(stops_check, f"{button_name} at the {'maximum' if direction > 0 else 'minimum'} "
                                      f"{bound:g}px changed the body to {extra}; it must stay")
            return False
        return True

    def bystanders_kept(when: str) -> None:
        for name, size in bystander_sizes().items():
            if abs(size - others_before[name]) > TOLERANCE_PX:
                problems.add(BYSTANDERS_KEEP, f"{name} font size changed from {others_before[name]:g}px to "
                                              f"{size:g}px {when}; only the body may change")

    if walk("Font Size Up", article.font_up, +1, high, UP_STEPS, UP_STOPS):
        bystanders_kept(f"at the maximum {high:g}px")  # before the reload, which would undo a leak
        overflow = ctx.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.add(NO_OVERFLOW_AT_MAX, f"at the maximum {high:g}px the page overflows horizontally by {overflow}px")
        ctx.page.reload(wait_until="load")
        after_reload = BodyText.read(article)
        if not after_reload.at(high):
            problems.add(PERSISTS, f"after a reload the body is {after_reload}; the chosen {high:g}px did not persist")
        walk("Font Size Down", article.font_down, -1, low, DOWN_STEPS, DOWN_STOPS)
    bystanders_kept("at the end")


def _options():
    from ..model.schema import ComponentList, Field

    return {
        **{name: Field(float, doc=f"override of font_controls.{name} in the site settings", min=1)
           for name in ("default_px", "step_px", "min_px", "max_px")},
        "bystanders": ComponentList(min=1, doc="components whose font size must not follow the body's; "
                                               "default font_controls.bystanders"),
    }


register(CheckKind(name="font_controls", run=run, options=_options(), description=__doc__,
                   assertions=assertions))
