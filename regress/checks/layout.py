"""layout: visibility, viewport fit, overflow, counts and Galen-style relations."""
from __future__ import annotations

from ..browser.geometry import EDGES, measure, relation_problem
from . import CheckKind, Problems, register
from ..model.schema import (ComponentList, ComponentName, CountRange, Field, ListOf, MapOf, Nested, Range,
                      ViewportList)

RELATIONS = ("above", "below", "left_of", "right_of", "inside", "aligned", "width", "height")


def relation_name(rel) -> str:
    """An entry of ``relations`` as its failures name it: ``top_ten above top_five``."""
    return f"relation {rel['a']} {rel['rel']} {rel.get('b') or rel.get('range')}"


def applies(rel, viewport: str) -> bool:
    return not rel.get("viewports") or viewport in rel["viewports"]


def assertions(options, viewport: str) -> list[str]:
    """Every entry of the check is one assertion: ``visible article.body``, ``count top_ten.items``..."""
    names = [f"{key} {name}" for key in ("visible", "hidden", "inside_viewport") for name in options.get(key, [])]
    names += ["no_overflow"] if options.get("no_overflow", True) else []
    names += [f"count {name}" for name in options.get("count", {})]
    names += [relation_name(rel) for rel in options.get("relations", []) if applies(rel, viewport)]
    return names


def run(ctx, options) -> None:
    site = ctx.open()
    width, height = ctx.viewport_size
    problems = Problems()
    cache = {}

    def box_of(name):
        if name not in cache:
            cache[name] = measure(ctx.locate(site, name))
        return cache[name]

    for name in options.get("visible", []):
        m = box_of(name)
        if m.count == 0:
            problems.add(f"visible {name}", f"{name}: expected visible, but it is not on the page")
        elif m.visible_count < m.count:
            problems.add(f"visible {name}", f"{name}: expected visible, but {m.count - m.visible_count} of {m.count} "
                                            f"are hidden: {m.rendered.describe_hidden()}")
    for name in options.get("hidden", []):
        m = box_of(name)
        if m.visible_count:
            problems.add(f"hidden {name}", f"{name}: expected hidden, but it is visible at {m.box}")
    for name in options.get("inside_viewport", []):
        m = box_of(name)
        if m.box is None:
            problems.add(f"inside_viewport {name}", f"{name}: expected inside the viewport, but it is not visible")
        elif m.box.x < -0.5 or m.box.right > width + 0.5:
            problems.add(f"inside_viewport {name}", f"{name}: sticks out of the {width} px viewport: box {m.box}")
    if options.get("no_overflow", True):
        scroll_width = ctx.page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.add("no_overflow", f"page: horizontal overflow, content is {scroll_width} px wide in a {width} px viewport")
    for name, (low, high) in options.get("count", {}).items():
        m = box_of(name)
        # What is counted is what the reader gets: elements in the DOM but hidden are missing.
        if not ((low is None or m.visible_count >= low) and (high is None or m.visible_count <= high)):
            want = f"{low}" if low == high else f"{low}..{high}"
            hidden = (f" ({m.count} in the DOM, {m.count - m.visible_count} hidden: {m.rendered.describe_hidden()})"
                      if m.visible_count < m.count else "")
            problems.add(f"count {name}", f"{name}: {m.visible_count} found{hidden}, expected {want}")
    for rel in options.get("relations", []):
        if applies(rel, ctx.viewport):
            for text in _relation_problems(rel, box_of, width, height):
                problems.add(relation_name(rel), text)
    problems.raise_if_any()


def _relation_problems(rel, box_of, width, height):
    a_name, kind, b_name = rel["a"], rel["rel"], rel.get("b")
    a = box_of(a_name).box
    if a is None:
        return [f"{a_name} {kind} {b_name or ''}: {a_name} is not visible".rstrip()]
    if kind in ("width", "height"):
        extent = width if kind == "width" else height
        low, high = rel["range"].resolve(extent)
        value = a.w if kind == "width" else a.h
        if value < low - 0.5 or (high is not None and value > high + 0.5):
            return [f"{a_name} {kind} is {value:.0f} px, expected {low:.0f}..{'∞' if high is None else round(high)} px; box {a}"]
        return []
    b = box_of(b_name).box
    if b is None:
        return [f"{a_name} {kind} {b_name}: {b_name} is not visible"]
    problem = relation_problem(
        a, kind, b,
        gap=rel["gap"].resolve(width) if rel.get("gap") is not None else None,
        edge=rel.get("edge"),
        tolerance=rel.get("tolerance", 1.0),
    )
    if problem:
        return [f"{a_name} {kind.replace('_', '-')} {b_name}: {problem}; {a_name} {a}, {b_name} {b}"]
    return []


def _options():
    sized, spaced = ("width", "height"), ("above", "below", "left_of", "right_of")

    def relation_rule(r) -> str | None:
        rel = r["rel"]
        needed = "range" if rel in sized else "b"
        if needed not in r:
            return f"relation {rel!r} needs {needed!r}"
        allowed = {needed} | ({"gap"} if rel in spaced else set()) | ({"edge"} if rel == "aligned" else set())
        extra = [k for k in ("b", "range", "gap", "edge") if k in r and k not in allowed]
        return f"{extra[0]!r} does not apply to relation {rel!r}" if extra else None

    return {
        "visible": ComponentList(default=[], doc="components that must be visible"),
        "hidden": ComponentList(default=[], doc="components that must be hidden or absent"),
        "inside_viewport": ComponentList(default=[], doc="components within the viewport width"),
        "no_overflow": Field(bool, default=True, doc="the page must not scroll horizontally"),
        "count": MapOf(ComponentName(), CountRange(), default={},
                       doc="how many elements each component matches"),
        "relations": ListOf(Nested({
            "a": ComponentName(required=True, doc="the component the relation is about"),
            "rel": Field(str, required=True, choices=RELATIONS, doc="how a stands to b (or, for width and "
                                                                   "height, to range)"),
            "b": ComponentName(doc="the other component (every relation but width and height)"),
            "range": Range(doc="width/height range; % of the viewport's width/height"),
            "gap": Range(doc="distance range for above/below/left_of/right_of; % of viewport width"),
            "edge": Field(str, choices=list(EDGES), doc="which edges 'aligned' compares"),
            "tolerance": Field(float, min=0, default=1.0, doc="px of slack"),
            "viewports": ViewportList(min=1, doc="only at these viewports"),
        }, check=relation_rule), default=[], doc="Galen-style relations between components"),
    }


register(CheckKind(name="layout", run=run, options=_options(), description=__doc__, assertions=assertions))
