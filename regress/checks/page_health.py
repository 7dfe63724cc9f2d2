"""page_health: the page runs without uncaught script errors, every image it has loads,
and its ``<link rel=canonical>`` is its own address on the site's canonical host.

One item per page and viewport. Script errors are the page's own ``pageerror`` events
(with their stack in the message); errors whose stack starts at an origin listed in
``page_health.ignore_error_origins`` (third-party scripts, blocked here) are ignored.
Share links are compared with the canonical URL, so a wrong one breaks every share.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..browser.capture import broken_image_problem, broken_images, load_images
from . import CheckKind, Problems, register

NO_ERRORS = "no uncaught script errors"
IMAGES_LOAD = "every image loads"
CANONICAL = "canonical link is the page's own"
SUB_CHECKS = (NO_ERRORS, IMAGES_LOAD, CANONICAL)

_STACK_URL = re.compile(r"(https?://[^/\s)]+)/")


def assertions(options, viewport: str) -> list[str]:
    return list(SUB_CHECKS)


def error_origin(stack: str) -> str | None:
    """The origin of the script an error was thrown in: the first URL of its stack."""
    match = _STACK_URL.search(stack or "")
    return match.group(1).lower() if match else None


def canonical_problem(canonical: str | None, page_url: str, canonical_host: str) -> str | None:
    if not canonical:
        return "the page has no <link rel=canonical>"
    got, own = urlsplit(canonical), urlsplit(page_url)
    if got.path != own.path:
        return f"canonical URL {canonical}: its path is not the page's own ({own.path})"
    if got.netloc.lower() != canonical_host.lower():
        return f"canonical URL {canonical}: host {got.netloc}, expected the canonical host {canonical_host}"
    return None


def run(ctx, options) -> None:
    ignored = _ignored_origins(ctx.settings, options)
    errors = []
    ctx.page.on("pageerror", lambda error: errors.append(error))
    site = ctx.open()
    # Scrolling through loads lazy images; the frames it waits also let load-time timers throw.
    load_images(ctx.page)
    problems = Problems()
    for error in errors:
        stack = error.stack or ""
        if error_origin(stack) in ignored:
            continue
        name = (error.name or "Error").removeprefix("Uncaught ")  # cross-origin errors arrive so named
        problems.add(NO_ERRORS, f"uncaught {name}: {error.message}\n  " +
                     "\n  ".join(stack.splitlines()[1:6]))
    for src in broken_images(ctx.page.locator("html")):
        problems.add(IMAGES_LOAD, broken_image_problem(src))
    problem = canonical_problem(site.canonical_url, ctx.page.url, ctx.canonical_host)
    if problem:
        problems.add(CANONICAL, problem)
    problems.raise_if_any()


def _ignored_origins(settings, options) -> set[str]:
    """The check's ``ignore_error_origins`` if given, else the settings' (which default to none)."""
    origins = options.get("ignore_error_origins")
    if origins is None:
        origins = settings["page_health"]["ignore_error_origins"]
    return {o.rstrip("/").lower() for o in origins}


def _options():
    from ..model.schema import Field

    return {"ignore_error_origins": Field(list[str], doc="override of page_health.ignore_error_origins")}


register(CheckKind(name="page_health", run=run, options=_options(), description=__doc__, assertions=assertions))
