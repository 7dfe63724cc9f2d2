"""font_controls: Font Size Up/Down step the body between its bounds, alone, persistently."""
from __future__ import annotations

from pages.article import font_px

from . import CheckFailure, CheckKind, register

# Components whose font size must not follow the article body's.
BYSTANDERS = ("article.headline", "article.sub_headline", "article.byline", "top_ten.items", "footer.imprint")
TOLERANCE_PX = 0.01


def run(ctx, options) -> None:
    cfg = {**ctx.settings["font_controls"], **options}
    default, step, low, high = cfg["default_px"], cfg["step_px"], cfg["min_px"], cfg["max_px"]
    site = ctx.open()
    article = site.article
    problems: list[str] = []

    present = [name for name in BYSTANDERS if ctx.locate(site, name).count()]

    def bystander_sizes():
        return {name: font_px(ctx.locate(site, name)) for name in present}

    start = article.body_font_px()
    if abs(start - default) > TOLERANCE_PX:
        problems.append(f"body starts at {start:g}px, expected the default {default:g}px")
    others_before = bystander_sizes()

    def walk(button_name, step_fn, direction, bound):
        size = article.body_font_px()
        while (size < bound) if direction > 0 else (size > bound):
            new = step_fn()
            expected = size + direction * step
            if abs(new - expected) > TOLERANCE_PX:
                problems.append(f"{button_name} changed the body from {size:g}px to {new:g}px, "
                                f"expected {expected:g}px (step {step:g}px, bound {bound:g}px)")
                return
            size = new
        extra = step_fn()
        if abs(extra - bound) > TOLERANCE_PX:
            problems.append(f"{button_name} at the {'maximum' if direction > 0 else 'minimum'} "
                            f"{bound:g}px changed the body to {extra:g}px; it must stay")

    walk("Font Size Up", article.font_up, +1, high)
    if not problems:
        overflow = ctx.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"at the maximum {high:g}px the page overflows horizontally by {overflow}px")
        ctx.page.reload(wait_until="load")
        after_reload = article.body_font_px()
        if abs(after_reload - high) > TOLERANCE_PX:
            problems.append(f"after a reload the body is {after_reload:g}px; the chosen {high:g}px did not persist")
        walk("Font Size Down", article.font_down, -1, low)
    changed = {n: (others_before[n], s) for n, s in bystander_sizes().items() if abs(s - others_before[n]) > TOLERANCE_PX}
    for name, (before, after) in changed.items():
        problems.append(f"{name} font size changed from {before:g}px to {after:g}px; only the body may change")
    if problems:
        raise CheckFailure("\n".join(f"- {p}" for p in problems))


def _options():
    from ..schema import Field

    return {
        name: Field(float, doc=f"override of font_controls.{name} in the site settings", min=1)
        for name in ("default_px", "step_px", "min_px", "max_px")
    }


register(CheckKind(name="font_controls", run=run, options=_options(), description=__doc__))
