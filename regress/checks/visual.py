"""visual: a stable capture of the page or one component, diffed against its baseline.

The steps: capture (:func:`_capture`), decide by the update policy
(:func:`regress.run.references.decide`), write or save through
:class:`regress.run.references.Reference`, and, for a failure, attribute the changed
pixels to the named components of ``visual.report_components`` (:func:`_changed_components`).
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..browser.capture import CaptureSpec, UnsettledCapture, broken_image_problem, broken_images, stable_screenshot
from ..browser.geometry import measure
from ..engines.diff import DiffResult, compare_pngs
from ..run.references import Reference, UpdateMode, Verdict, baseline_path, must_compare
from . import CheckFailure, CheckKind, register


MATCHES = "visual"  # the item's one assertion: the capture matches its baseline within budget


@dataclass
class Comparison:
    """A capture against its baseline: whether it matches, and the diff when it was decoded."""
    matches: bool
    result: DiffResult | None = None  # None: equal bytes, or an unreadable baseline
    unreadable: str | None = None  # why the baseline could not be decoded


def run(ctx, options) -> None:
    visual = {**ctx.settings["visual"], **options}
    page, site = ctx.settled_page(ctx.capture_clock(visual["clock"]))
    component = options.get("component", "page")
    target = _target(ctx, site, page, component)
    reference = Reference(baseline_path(ctx.scenario.name, ctx.check.name, ctx.viewport, ctx.browser_name,
                                        root=ctx.baselines_dir),
                          ctx.artifacts_dir, ctx.notes, ctx.project_root, component)
    mode = UpdateMode.of(ctx.update_baselines)
    actual = _capture(ctx, page, site, target, options, visual, reference if mode is UpdateMode.COMPARE else None)
    comparison = _compare(reference, actual, visual) if must_compare(mode, reference.exists) else None
    verdict = reference.settle(mode, actual, comparison.matches if comparison else None)
    if verdict is Verdict.FAIL_MISSING:
        raise CheckFailure(reference.missing_message(actual, "baseline"), [MATCHES])
    if verdict is Verdict.FAIL_CHANGED:
        _fail_changed(ctx, site, target, reference, actual, comparison, visual)


def references(scenario, check, viewport: str, root, browser: str) -> list:
    """The item's one reference: its baseline PNG."""
    return [baseline_path(scenario.name, check.name, viewport, browser, root=root)]


def skip_reason(options, settings, target) -> str | None:
    """On a live target, a component whose size follows the story text is left to layout."""
    component = options.get("component", "page")
    why = settings["visual"]["live"]["skip"].get(component)
    return f"on live targets {component} is not compared by pixels: {why}" if why and not target.pinned else None


def _target(ctx, site, page, component: str):
    """The component's one element (None: the page), failing on none, several, or a broken image."""
    target = None if component == "page" else ctx.locate(site, component)
    if target is not None and target.count() != 1:
        raise CheckFailure(f"{component}: {target.count()} elements match; a visual check needs exactly one", [MATCHES])
    # An image that failed shows as an empty box, which a baseline of the same breakage would match.
    broken = broken_images(target if target is not None else page.locator("html"))
    if broken:
        raise CheckFailure("\n".join(broken_image_problem(src) for src in broken), [MATCHES])
    return target


def _capture(ctx, page, site, target, options, visual, reference: Reference | None) -> bytes:
    """The stable capture. With ``reference`` (comparing), a capture that matches it ends the
    settling early: the same PNG bytes are the same pixels, so most of a green run decodes nothing."""
    live = visual["live"] if ctx.live else {"mask": [], "mask_text": []}  # what is news on a live target
    spec = CaptureSpec(
        full_page=options.get("full_page", True),
        masks=tuple(ctx.locate(site, name) for name in [*options.get("mask", []), *live["mask"]]),
        hides=tuple(ctx.locate(site, name) for name in options.get("hide", [])),
        text_masks=tuple(ctx.locate(site, name) for name in live["mask_text"]),
        tries=visual["settle_tries"],
    )
    matcher = None
    if reference is not None and reference.exists:
        def matcher(png: bytes) -> bool:
            return png == reference.expected or _compare(reference, png, visual, want_diff_image=False).matches
    try:
        return stable_screenshot(page, target, spec, matches_expected=matcher)
    except UnsettledCapture as err:
        raise CheckFailure(str(err), [MATCHES]) from None


def _compare(reference: Reference, actual: bytes, visual, *, want_diff_image: bool = True) -> Comparison:
    if actual == reference.expected:
        return Comparison(matches=True)
    try:
        result = compare_pngs(reference.expected, actual, threshold=visual["threshold"], include_aa=False,
                              want_diff_image=want_diff_image)
    except ValueError as err:
        return Comparison(matches=False, unreadable=str(err))
    return Comparison(matches=result.size_mismatch is None and not _over_budget(result, visual)[0], result=result)


def _over_budget(result, visual) -> tuple[bool, str]:
    if visual.get("max_diff_ratio") is not None:
        return result.ratio > visual["max_diff_ratio"], f"max_diff_ratio {visual['max_diff_ratio']}"
    budget = visual.get("max_diff_pixels") or 0
    return result.diff_pixels > budget, f"max_diff_pixels {budget}"


def _fail_changed(ctx, site, target, reference: Reference, actual: bytes, comparison: Comparison, visual) -> None:
    """Save expected, actual and diff, name the changed components, and fail saying how much changed."""
    if comparison.unreadable is not None:
        raise CheckFailure(f"baseline {reference.shown()} is unreadable ({comparison.unreadable}); "
                           "rewrite it with --update-baselines=changed")
    result = comparison.result
    record = reference.save_failure(actual, diff_png=_png(result.diff_image))
    record.diff_pixels, record.ratio = result.diff_pixels, result.ratio
    # the diff's own mask of counted pixels: no colour of the diff image matters
    record.boxes = _changed_components(ctx, site, result.mask, target, visual["report_components"],
                                       scale=site.page.evaluate("() => window.devicePixelRatio"))
    where = f"diff image {reference.shown(record.diff)}"
    if result.size_mismatch:
        (w1, h1), (w2, h2) = result.size_mismatch
        raise CheckFailure(f"size changed: baseline is {w1}x{h1}, capture is {w2}x{h2} ({reference.shown()}; "
                           f"{result.diff_pixels} pixels differ on the padded pair); {where}", [MATCHES])
    raise CheckFailure(f"{result.diff_pixels} pixels differ ({result.ratio:.4%} of {result.total_pixels}), "
                       f"allowed {_over_budget(result, visual)[1]}; threshold {visual['threshold']}; "
                       f"baseline {reference.shown()}; {where}", [MATCHES])


def _changed_components(ctx, site, mask: np.ndarray, target, names, scale: float = 1.0) -> list[str]:
    """Which of the named components the changed pixels fall in (for the report). The mask is in
    the capture's device pixels (``scale`` per CSS pixel), from the captured component's corner;
    component boxes are in the document's CSS pixels."""
    ys, xs = np.nonzero(mask)
    if not len(xs):
        return []
    # The capture starts at the component's own top edge (aligned to whole pixels) and at its
    # left edge rounded down, as Playwright clips it: within a CSS pixel either way.
    origin = measure(target).box if target is not None else None
    xs = (xs + 0.5) / scale + (math.floor(origin.x) if origin else 0)
    ys = (ys + 0.5) / scale + (origin.y if origin else 0)
    found = []
    for name in names:
        box = measure(ctx.locate(site, name)).box
        if box and ((xs >= box.x) & (xs < box.right) & (ys >= box.y) & (ys < box.bottom)).any():
            found.append(name)
    return found


def _png(rgba) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


def _options():
    from ..model.schema import ComponentList, ComponentName, Field

    return {
        "component": ComponentName(default="page", doc="what to capture; 'page' is the whole page"),
        "full_page": Field(bool, default=True, doc="for 'page': the full scrollable page, not just the viewport"),
        "mask": ComponentList(doc="components painted over before capture"),
        "hide": ComponentList(doc="components made invisible before capture"),
        "threshold": Field(float, min=0, max=1, doc="per-pixel YIQ colour distance, 0..1"),
        "max_diff_pixels": Field(int, min=0, exclusive_with="max_diff_ratio",
                                 doc="how many pixels may differ (a count)"),
        "max_diff_ratio": Field(float, min=0, max=1, doc="what share of pixels may differ (0..1)"),
    }


register(CheckKind(name="visual", run=run, options=_options(), description=__doc__, skip_reason=skip_reason,
                   references=references))
