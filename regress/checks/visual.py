"""visual: a stable capture of the page or one component, diffed against its baseline."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from ..browser.capture import CaptureSpec, UnsettledCapture, broken_image_problem, broken_images, stable_screenshot
from ..browser.geometry import measure
from ..engines.diff import compare_pngs
from ..run import baselines
from ..run.record import VisualRecord
from . import CheckFailure, CheckKind, register


MATCHES = "visual"  # the item's one assertion: the capture matches its baseline within budget
REPORTED_COMPONENTS = ("menu", "trending", "article.headline", "article.dates", "share_bar", "article.photo",
                       "article.sub_headline", "article.byline", "article.body", "top_ten", "top_five",
                       "darkroom", "footer")


def run(ctx, options) -> None:
    visual = {**ctx.settings["visual"], **options}
    page, site = ctx.settled_page(ctx.capture_clock(visual["clock"]))
    _compare(ctx, options, visual, page, site)


def skip_reason(options, settings, target) -> str | None:
    """On a live target, a component whose size follows the story text is left to layout."""
    component = options.get("component", "page")
    why = settings["visual"]["live"]["skip"].get(component)
    return f"on live targets {component} is not compared by pixels: {why}" if why and not target.pinned else None


def _compare(ctx, options, visual, page, site) -> None:
    component = options.get("component", "page")
    target = None if component == "page" else ctx.locate(site, component)
    if target is not None and target.count() != 1:
        raise CheckFailure(f"{component}: {target.count()} elements match; a visual check needs exactly one", [MATCHES])
    # An image that failed shows as an empty box, which a baseline of the same breakage would match.
    broken = broken_images(target if target is not None else page.locator("html"))
    if broken:
        raise CheckFailure("\n".join(broken_image_problem(src) for src in broken), [MATCHES])
    live = visual["live"] if ctx.live else {"mask": [], "mask_text": []}  # what is news on a live target
    spec = CaptureSpec(
        full_page=options.get("full_page", True),
        masks=tuple(ctx.locate(site, name) for name in [*options.get("mask", []), *live["mask"]]),
        hides=tuple(ctx.locate(site, name) for name in options.get("hide", [])),
        text_masks=tuple(ctx.locate(site, name) for name in live["mask_text"]),
        tries=visual["settle_tries"],
    )
    baseline = baselines.baseline_path(ctx.scenario.name, ctx.check.name, ctx.viewport, ctx.browser_name,
                                       root=ctx.baselines_dir)
    mode = ctx.update_baselines
    matcher = None
    # The same PNG bytes are the same pixels: most captures of a green run need no decoding.
    expected_bytes = baseline.read_bytes() if baseline.exists() else None
    if mode is None and expected_bytes is not None:
        def matcher(png: bytes) -> bool:
            if png == expected_bytes:
                return True
            try:
                result = compare_pngs(baseline, png, threshold=visual["threshold"], want_diff_image=False)
            except ValueError:
                return False
            return result.size_mismatch is None and not _over_budget(result, visual)[0]
    try:
        actual = stable_screenshot(page, target, spec, matches_expected=matcher)
    except UnsettledCapture as err:
        raise CheckFailure(str(err), [MATCHES]) from None
    artifacts = ctx.artifacts_dir
    record = ctx.notes.visual = VisualRecord(baseline=str(baseline), component=component)

    if expected_bytes is None:  # no baseline yet
        if mode in ("missing", "changed", "all"):
            _write(ctx, baseline, actual, "new")
            return
        record.actual = _save(artifacts / "actual.png", actual)
        raise CheckFailure(f"no baseline {_rel(ctx, baseline)}; the capture was saved as {_rel(ctx, artifacts / 'actual.png')}. "
                           "Review it, then write baselines with --update-baselines=missing", [MATCHES])
    if mode == "all":
        _write(ctx, baseline, actual, "replaced")
        return
    if actual == expected_bytes:
        return
    try:
        result = compare_pngs(baseline, actual, threshold=visual["threshold"], include_aa=False)
    except ValueError as err:
        raise CheckFailure(f"baseline {_rel(ctx, baseline)} is unreadable ({err}); rewrite it with --update-baselines=changed") from None
    over_budget, allowed = _over_budget(result, visual)
    if not over_budget and result.size_mismatch is None:
        return
    if mode == "changed":
        _write(ctx, baseline, actual, "replaced")
        return
    record.expected = _save(artifacts / "expected.png", expected_bytes)
    record.actual = _save(artifacts / "actual.png", actual)
    record.diff = _save(artifacts / "diff.png", _png(result.diff_image))
    record.diff_pixels = result.diff_pixels
    record.ratio = result.ratio
    record.boxes = _changed_components(ctx, site, result.diff_image, target)
    where = f"diff image {_rel(ctx, artifacts / 'diff.png')}"
    if result.size_mismatch:
        (w1, h1), (w2, h2) = result.size_mismatch
        raise CheckFailure(f"size changed: baseline is {w1}x{h1}, capture is {w2}x{h2} ({_rel(ctx, baseline)}; "
                           f"{result.diff_pixels} pixels differ on the padded pair); {where}", [MATCHES])
    raise CheckFailure(f"{result.diff_pixels} pixels differ ({result.ratio:.4%} of {result.total_pixels}), "
                       f"allowed {allowed}; threshold {visual['threshold']}; baseline {_rel(ctx, baseline)}; {where}",
                       [MATCHES])


def _over_budget(result, visual) -> tuple[bool, str]:
    if visual.get("max_diff_ratio") is not None:
        return result.ratio > visual["max_diff_ratio"], f"max_diff_ratio {visual['max_diff_ratio']}"
    budget = visual.get("max_diff_pixels") or 0
    return result.diff_pixels > budget, f"max_diff_pixels {budget}"


def _changed_components(ctx, site, diff_image, target) -> list[str]:
    """Which named components the changed pixels fall in (for the report)."""
    if diff_image is None:
        return []
    red = (diff_image[..., 0] == 255) & (diff_image[..., 1] == 0) & (diff_image[..., 2] == 0)
    ys, xs = np.nonzero(red)
    if not len(xs):
        return []
    # Diff pixels are relative to the capture; component boxes to the document.
    origin = measure(target).box if target is not None else None
    xs = xs + (origin.x if origin else 0)
    ys = ys + (origin.y if origin else 0)
    names = []
    for name in REPORTED_COMPONENTS:
        box = measure(ctx.locate(site, name)).box
        if box and ((xs >= box.x) & (xs < box.right) & (ys >= box.y) & (ys < box.bottom)).any():
            names.append(name)
    return names


def _write(ctx, baseline: Path, data: bytes, how: str) -> None:
    baselines.write_atomic(baseline, data)
    ctx.notes.baselines_written.append(f"{how} {_rel(ctx, baseline)}")


def _save(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def _png(rgba) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


def _rel(ctx, path: Path) -> str:
    """A path as the user reads it: relative to the project when it is inside."""
    try:
        return str(Path(path).resolve().relative_to(ctx.project_root.resolve()))
    except (ValueError, AttributeError):
        return str(path)


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


register(CheckKind(name="visual", run=run, options=_options(), description=__doc__, skip_reason=skip_reason))
