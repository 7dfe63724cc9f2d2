"""aria_snapshot: a component's accessibility tree (what a screen reader reads) against a reference.

Playwright's ``locator.aria_snapshot()`` gives the tree as YAML: roles, accessible names,
heading levels, states. The check takes it on the scenario's shared settled page and compares
it with ``baselines/<target>/<scenario>/<check>-<viewport>.aria.yml``, written, approved and
reviewed like every reference (:mod:`regress.run.references`). Link targets (``/url``) are left
out: the links kind checks them, and share links carry the host under test. A component of
several elements (``article.head``) is each element's tree in page order, each after a line
``# element N of M``.

* Pinned rules (the demo): the tree as text, exactly: any change of a role, name, level, state
  or of the number of nodes fails, shown as a unified diff.
* Live rules: the reference is a template matched by Playwright's own matcher
  (``expect(locator).to_match_aria_snapshot``). The whole tree is matched deep-equal
  (``/children: deep-equal``: every node, in order, none added or missing, so the number of
  repeated items is part of the structure), except the parts listed in
  ``aria_snapshot.live.dynamic``: their names and text are news, written as ``/.+/`` (there
  must be one, whatever it says), and below them the template's nodes must be there in order
  with others allowed between them (``/children: contain``: a badge that comes and goes with
  the story). A failure shows the unified diff of the reference and the page's tree made into
  a template the same way.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from pages.components import evaluate_components, locate

from ..engines.aria import (DEEP_EQUAL, AriaSyntaxError, Node, as_template, find_runs, parse, parse_template, render,
                            without_urls)
from ..run.references import Reference, UpdateMode, Verdict, must_compare, reference_path, text_diff
from . import CheckFailure, CheckKind, register

MATCHES = "aria_snapshot"  # the item's one assertion: the tree matches its reference
SUFFIX = "aria.yml"
MATCH_TIMEOUT_MS = 2000  # the page is settled: Playwright's matcher retries only briefly
_ELEMENT = re.compile(r"(?m)^# element \d+ of \d+\n")
_INSIDE_JS = "(el, roots) => roots.findIndex(root => root.contains(el))"


def run(ctx, options) -> None:
    _, site = ctx.settled_page(ctx.capture_clock(ctx.settings["visual"]["clock"]))  # the visual items' page
    component = options["component"]
    heading = f"aria_snapshot check {ctx.check.name!r} of {component} at {ctx.viewport}"
    locator = ctx.locate(site, component)
    count = locator.count()
    if not count:
        raise CheckFailure(f"{heading}: {component} is not on the page", [MATCHES])
    trees = [without_urls(parse(locator.nth(i).aria_snapshot())) for i in range(count)]
    shown = None  # the pinned rules: the tree as it is
    if ctx.live:
        news, shown = news_in(site, locator, trees, ctx.settings["aria_snapshot"]["live"]["dynamic"])
        trees = [as_template(tree, at) for tree, at in zip(trees, news)]
    actual = document(trees, _title(ctx, component), shown).encode("utf-8")
    reference = Reference(reference_path(ctx.baselines_dir, ctx.scenario.name, ctx.check.name, ctx.viewport, SUFFIX),
                          ctx.artifacts_dir, ctx.notes, ctx.project_root, component)
    mode = UpdateMode.of(ctx.update_baselines)
    if not ctx.live:
        verdict = reference.compare_text(mode, actual)
        why = ""
    else:
        why = _live_mismatch(locator, count, reference) if must_compare(mode, reference.exists) else None
        verdict = reference.settle(mode, actual, None if why is None else not why)
        if verdict.fails:
            reference.save_failure(actual)
    if verdict is Verdict.FAIL_MISSING:
        raise CheckFailure(f"{heading}: no reference {reference.shown()}; the tree was saved as "
                           f"{reference.shown(reference.record.actual)}. Review it, then write references with "
                           "--update-baselines=missing", [MATCHES])
    if verdict is Verdict.FAIL_CHANGED:
        diff = text_diff(reference.expected, actual, f"expected/{reference.path.name}",
                         f"actual/{reference.path.name}")
        rules = "Playwright's matcher" if ctx.live else "the text"
        raise CheckFailure(f"{heading}: the accessibility tree differs from {reference.shown()} ({rules}; diff "
                           f"{reference.shown(reference.record.diff)}):\n{diff.rstrip() or why}", [MATCHES])


def references(scenario, check, viewport: str, root, browser: str) -> list:
    """The item's one reference: its aria YAML (the same for every browser and machine)."""
    return [reference_path(root, scenario.name, check.name, viewport, SUFFIX)]


# --- live: the news in the tree, and Playwright's matcher ---------------------------------------

def news_in(site, locator, trees: list[list[Node]], dynamic: list[str]) -> tuple[list[set], list[str]]:
    """Per element of the component, the places in its tree of the dynamic components' nodes,
    and the dynamic components it holds: each dynamic element inside it is found by its own
    tree. One that cannot be found (its text merged into a neighbour's) fails, naming it: an
    unmarked news text would fail tomorrow."""
    news: list[set] = [set() for _ in trees]
    held: list[str] = []
    if not dynamic:
        return news, held
    roots = locator.element_handles()
    try:
        inside = evaluate_components(site, dynamic, _INSIDE_JS, roots)
    finally:
        for root in roots:
            root.dispose()
    for name in dynamic:
        part = locate(site, name)
        for j, where in enumerate(inside[name]):
            if where < 0:
                continue
            own = without_urls(parse(part.nth(j).aria_snapshot()))
            found = find_runs(trees[where], own)
            if own and not found:
                raise CheckFailure(f"{name} (aria_snapshot.live.dynamic) is inside the component, but its tree "
                                   f"is not one of the component's nodes:\n{render(own)}\nlist the part that "
                                   "holds it instead", [MATCHES])
            news[where] |= found
            held += [name] if found and name not in held else []
    return news, held


def _live_mismatch(locator, count: int, reference: Reference) -> str:
    """Why the page does not match the reference's templates ("" when it does), by Playwright's
    matcher, element by element."""
    segments = split_elements(reference.expected.decode("utf-8", "replace"))
    if len(segments) != count:
        return f"the reference has {len(segments)} element(s), the page {count}"
    for i, template in enumerate(segments):
        try:
            parse_template(template)  # Playwright's own parse error would read as a mismatch
        except AriaSyntaxError as err:
            raise CheckFailure(f"reference {reference.shown()} is not an aria template ({err}); rewrite it "
                               "with --update-baselines=changed", [MATCHES]) from None
        try:
            expect(locator.nth(i)).to_match_aria_snapshot(template, timeout=MATCH_TIMEOUT_MS)
        except AssertionError as err:
            return f"element {i + 1}: {str(err).splitlines()[0]}"
    return ""


# --- the reference -----------------------------------------------------------------------------

def _title(ctx, component: str) -> str:
    return f"{component}: check {ctx.check.name} of scenario {ctx.scenario.name} at {ctx.viewport}"


def document(trees: list[list[Node]], title: str, dynamic: list[str] | None) -> str:
    """The reference file: a comment saying what it is and how it is compared, then each element's
    tree (after ``# element N of M`` when there are several). ``dynamic``: None on the pinned
    rules (the tree as text), else the news components the live template holds (its trees are
    matched deep-equal)."""
    if dynamic is None:
        head = [f"# Accessibility tree of {title}",
                "# (Playwright's aria snapshot, link URLs left out). Pinned rules: compared as text."]
    else:
        news = ", ".join(dynamic) or "none"
        head = [f"# Accessibility tree of {title}",
                "# (Playwright's aria snapshot, link URLs left out). Live rules: a template for Playwright's",
                f"# to_match_aria_snapshot, deep-equal; the names and text of the news in it are /.+/: {news}."]
    body = []
    for i, tree in enumerate(trees):
        if len(trees) > 1:
            body.append(f"# element {i + 1} of {len(trees)}")
        text = render(tree, None if dynamic is None else DEEP_EQUAL)
        body += [text] if text else []
    return "\n".join(head + body) + "\n"


def split_elements(text: str) -> list[str]:
    """A reference's per-element templates (one when it has no ``# element`` lines)."""
    pieces = _ELEMENT.split(text)
    return pieces if len(pieces) == 1 else pieces[1:]


def _options():
    from ..model.schema import ComponentName

    return {"component": ComponentName(required=True, doc="the component whose accessibility tree is compared")}


register(CheckKind(name="aria_snapshot", run=run, options=_options(), description=__doc__, references=references))
