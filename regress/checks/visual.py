"""visual: a stable capture of the page or one component, diffed against its baseline."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from .. import baselines
from ..capture import CaptureSpec, broken_images, freeze_clock, settle, stable_screenshot
from ..diff import compare_pngs
from ..geometry import measure
from . import CheckFailure, CheckKind, register


MATCHES = "visual"  # the item's one assertion: the capture matches its baseline within budget
REPORTED_COMPONENTS = ("menu", "trending", "article.headline", "article.dates", "share_bar", "article.photo",
                       "article.sub_headline", "article.byline", "article.body", "top_ten", "top_five",
                       "darkroom", "footer")


def run(ctx, options) -> None:
    visual = {**ctx.settings["visual"], **options}
    page, site = _settled_page(ctx, visual["clock"])
    tracing = ctx.config.getoption("--tracing", "off")
    if tracing == "off":
        _compare(ctx, options, visual, page, site)
        return
    # The shared page's context traces continuously; each item keeps its own chunk.
    page.context.tracing.start_chunk(title=ctx.item.nodeid)
    failed = True
    try:
        _compare(ctx, options, visual, page, site)
        failed = False
    finally:
        if failed or tracing == "on":
            trace = ctx.artifacts_dir() / "trace.zip"
            trace.parent.mkdir(parents=True, exist_ok=True)
            page.context.tracing.stop_chunk(path=trace)
            ctx.item.user_properties.append(("playwright_trace", str(trace)))
        else:
            page.context.tracing.stop_chunk()


def _compare(ctx, options, visual, page, site) -> None:
    component = options.get("component", "page")
    target = None if component == "page" else ctx.locate(site, component)
    if target is not None and target.count() != 1:
        raise CheckFailure(f"{component}: {target.count()} elements match; a visual check needs exactly one", [MATCHES])
    # An image that failed shows as an empty box, which a baseline of the same breakage would match.
    broken = broken_images(target if target is not None else page.locator("html"))
    if broken:
        raise CheckFailure("\n".join(f"image {src} did not load (missing or undecodable)" for src in broken),
                           [MATCHES])
    spec = CaptureSpec(
        full_page=options.get("full_page", True),
        masks=tuple(ctx.locate(site, name) for name in options.get("mask", [])),
        hides=tuple(ctx.locate(site, name) for name in options.get("hide", [])),
        tries=visual["settle_tries"],
    )
    browser = page.context.browser.browser_type.name if page.context.browser else "chromium"
    baseline = baselines.baseline_path(ctx.scenario.name, ctx.check.name, ctx.viewport, browser,
                                       root=Path(ctx.config.getoption("--baselines-dir")))
    mode = ctx.config.getoption("--update-baselines")
    matcher = None
    if mode is None and baseline.exists():
        def matcher(png: bytes) -> bool:
            try:
                result = compare_pngs(baseline, png, threshold=visual["threshold"], want_diff_image=False)
            except ValueError:
                return False
            return result.size_mismatch is None and not _over_budget(result, visual)[0]
    actual = stable_screenshot(page, target, spec, matches_expected=matcher)
    artifacts = ctx.artifacts_dir()
    record = {"baseline": str(baseline), "actual": None, "expected": None, "diff": None}
    ctx.item.user_properties.append(("visual", record))

    if not baseline.exists():
        if mode in ("missing", "changed", "all"):
            _write(ctx, baseline, actual, "new")
            return
        record["actual"] = _save(artifacts / "actual.png", actual)
        raise CheckFailure(f"no baseline {_rel(baseline)}; the capture was saved as {_rel(artifacts / 'actual.png')}. "
                           "Review it, then write baselines with --update-baselines=missing", [MATCHES])
    if mode == "all":
        _write(ctx, baseline, actual, "replaced")
        return
    try:
        result = compare_pngs(baseline, actual, threshold=visual["threshold"], include_aa=False)
    except ValueError as err:
        raise CheckFailure(f"baseline {_rel(baseline)} is unreadable ({err}); rewrite it with --update-baselines=changed") from None
    over_budget, allowed = _over_budget(result, visual)
    if not over_budget and result.size_mismatch is None:
        return
    if mode == "changed":
        _write(ctx, baseline, actual, "replaced")
        return
    record.update(
        expected=_save(artifacts / "expected.png", baseline.read_bytes()),
        actual=_save(artifacts / "actual.png", actual),
        diff=_save(artifacts / "diff.png", _png(result.diff_image)),
        diff_pixels=result.diff_pixels,
        ratio=result.ratio,
        boxes=_changed_components(ctx, site, result.diff_image, target),
    )
    where = f"diff image {_rel(artifacts / 'diff.png')}"
    if result.size_mismatch:
        (w1, h1), (w2, h2) = result.size_mismatch
        raise CheckFailure(f"size changed: baseline is {w1}x{h1}, capture is {w2}x{h2} ({_rel(baseline)}; "
                           f"{result.diff_pixels} pixels differ on the padded pair); {where}", [MATCHES])
    raise CheckFailure(f"{result.diff_pixels} pixels differ ({result.ratio:.4%} of {result.total_pixels}), "
                       f"allowed {allowed}; threshold {visual['threshold']}; baseline {_rel(baseline)}; {where}",
                       [MATCHES])


# Visual items of one page and viewport share one loaded, settled page: loading and
# settling (fonts, lazy images, transitions) costs more than the captures themselves.
# Captures leave the page as they found it (hides are undone; masks are Playwright's).
_SETTLED: dict[tuple, tuple] = {}
_KEEP_SETTLED = 4  # the viewports of one scenario, interleaved as items are ordered


def _settled_page(ctx, clock: str):
    key = (ctx.url, ctx.viewport, clock, repr(sorted(ctx.extras["context_args"].items())))
    cached = _SETTLED.get(key)
    if cached and not cached[0].is_closed():
        return cached
    browser = ctx.request.getfixturevalue("browser")
    context = browser.new_context(**ctx.extras["context_args"])
    context.set_default_timeout(ctx.page_timeout_ms)
    if ctx.config.getoption("--tracing", "off") != "off":
        context.tracing.start(screenshots=True, snapshots=True)
    page = context.new_page()
    freeze_clock(page, clock)
    site = ctx.open(page)
    settle(page)
    _SETTLED[key] = (page, site)
    while len(_SETTLED) > _KEEP_SETTLED:
        old_page, _ = _SETTLED.pop(next(iter(_SETTLED)))
        old_page.context.close()
    return page, site


def close_settled_pages() -> None:
    while _SETTLED:
        page, _ = _SETTLED.popitem()[1]
        if not page.is_closed():
            page.context.close()


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
    ctx.item.user_properties.append(("baseline_written", f"{how} {_rel(baseline)}"))


def _save(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def _png(rgba) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(baselines.ROOT))
    except ValueError:
        return str(path)


def _options():
    from ..schema import ComponentList, ComponentName, Field

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


register(CheckKind(name="visual", run=run, options=_options(), description=__doc__))
