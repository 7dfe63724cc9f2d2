"""spacing: the gaps between the page's parts against a reference, and layout shift within a budget.

Two assertions at each viewport, on one page brought to rest as a reader's would be
(:func:`regress.browser.shifts.settle_as_a_reader`):

* ``spacing``: for each pair of parts the check names (``pairs``), how ``b`` sits against
  ``a`` on both axes, compared with the reference ``baselines/<target>/<scenario>/<check>-<viewport>.spacing.yml``
  within ``spacing.tolerance_px``. Gaps, not positions: ``b`` below ``a`` is measured from
  ``a``'s bottom (y) and ``a``'s left edge (x); ``b`` right of ``a`` from ``a``'s right edge (x)
  and top edge (y); ``b`` within ``a`` (or overlapping it) from ``a``'s top-left corner. A
  longer story moves everything below it but changes no gap, and no part's own height is
  recorded. A pair whose part is listed ``optional`` and is not on the page is recorded as
  absent, not failed.
* ``layout_shift``: layout shift after load (the browser's own layout-shift entries from the
  load event on, the largest session window, as Core Web Vitals define cumulative layout
  shift) at most ``layout_shift.budget``; :mod:`regress.browser.shifts` says why after load.

Both are one kind because both read the same loaded page at the same viewport: one load
and one scroll-through serve them (the page must be this item's own, so that no other
check's text masks count as shifts).
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from ..browser.capture import freeze_clock
from ..browser.geometry import Box, boxes
from ..browser.shifts import NoLayoutShiftEntries, cumulative_layout_shift, layout_shifts, settle_as_a_reader
from ..run.references import Reference, check_document, UpdateMode, Verdict, must_compare, reference_path
from . import CheckFailure, CheckKind, register

SPACING, LAYOUT_SHIFT = "spacing", "layout_shift"  # the kind's two assertions
SUFFIX = "spacing.yml"
ABSENT = "absent"  # a pair whose optional part is not on the page
AXES = ("x", "y")
ARRANGEMENTS = ("below", "right_of", "within")
EDGE_SLACK_PX = 0.5  # b starts this little before a's far edge and still counts as below / right of it

# What each axis measures, by arrangement: the labels of the failure table.
AXIS_LABELS = {
    ("below", "x"): "x (left edges)", ("below", "y"): "y (gap)",
    ("right_of", "x"): "x (gap)", ("right_of", "y"): "y (top edges)",
    ("within", "x"): "x (from a's left)", ("within", "y"): "y (from a's top)",
}


@dataclass(frozen=True)
class Pair:
    """Two parts of the page, by component name; ``b`` is measured against ``a``."""
    a: str
    b: str
    axes: tuple[str, ...] = AXES
    nearest: bool = False  # a part with several elements: the one nearest the other part

    @property
    def key(self) -> str:
        return f"{self.a} -> {self.b}"


@dataclass(frozen=True)
class Spacing:
    """How ``b`` sits against ``a``: its arrangement and the offsets on the pair's axes (CSS px)."""
    arrangement: str
    x: float | None = None
    y: float | None = None

    def to_yaml(self) -> dict:
        return {"arrangement": self.arrangement,
                **{axis: _px(value) for axis, value in (("x", self.x), ("y", self.y)) if value is not None}}


@dataclass(frozen=True)
class Row:
    """One line of the failure table."""
    pair: str
    axis: str
    expected: str
    actual: str


# --- the pure part: gaps, comparison, the reference's text ---------------------------------------

def arrangement_of(a: Box, b: Box) -> str:
    """``below`` when b starts at or after a's bottom, else ``right_of`` when b starts at or after a's
    right edge, else ``within`` (b inside a, or overlapping it)."""
    if b.y >= a.bottom - EDGE_SLACK_PX:
        return "below"
    if b.x >= a.right - EDGE_SLACK_PX:
        return "right_of"
    return "within"


def spacing_of(a: Box, b: Box, axes=AXES) -> Spacing:
    """The gap along the arrangement and the offset across it; no part's own size except as an edge."""
    arrangement = arrangement_of(a, b)
    x = b.x - (a.right if arrangement == "right_of" else a.x)
    y = b.y - (a.bottom if arrangement == "below" else a.y)
    return Spacing(arrangement, x if "x" in axes else None, y if "y" in axes else None)


def nearest_boxes(a_boxes: list[Box], b_boxes: list[Box]) -> tuple[Box, Box] | None:
    """Of two parts with several elements each, the element of ``a`` and the element of ``b`` that
    starts below it with the least vertical gap (a paragraph and the box after it); None if no
    element of ``b`` starts below one of ``a``."""
    candidates = [(bb.y - ab.bottom, i, j) for i, ab in enumerate(a_boxes) for j, bb in enumerate(b_boxes)
                  if bb.y >= ab.bottom - EDGE_SLACK_PX]
    if not candidates:
        return None
    _, i, j = min(candidates)
    return a_boxes[i], b_boxes[j]


def compare(expected: dict, actual: dict, tolerance_px: float) -> list[Row]:
    """Where ``actual`` differs from ``expected`` by more than the tolerance. A pair absent on
    either side (an optional part not on the page) is not compared."""
    rows: list[Row] = []
    for key in dict.fromkeys([*expected, *actual]):
        want, got = expected.get(key), actual.get(key)
        if want is None or got is None:
            rows.append(Row(key, "-", _shown(want) if want else "not in the reference",
                            _shown(got) if got else "not measured"))
        elif ABSENT in (want, got):
            continue
        elif want.arrangement != got.arrangement:
            rows.append(Row(key, "arrangement", want.arrangement, got.arrangement))
        else:
            rows += [Row(key, AXIS_LABELS[want.arrangement, axis], _shown(w), _shown(g))
                     for axis in AXES
                     for w, g in [(getattr(want, axis), getattr(got, axis))]
                     if (w is None) != (g is None) or (w is not None and abs(w - g) > tolerance_px)]
    return rows


def table(rows: list[Row]) -> str:
    """The rows as an aligned table: pair, axis, expected, actual."""
    cells = [("pair", "axis", "expected", "actual")] + [(r.pair, r.axis, r.expected, r.actual) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(3)]
    return "\n".join("  " + "  ".join(c[i].ljust(widths[i]) for i in range(3)) + "  " + c[3] for c in cells)


def reference_text(scenario: str, viewport: str, spacings: dict) -> bytes:
    """The reference file: a comment saying what the numbers are, then one line per pair."""
    head = (f"# How the parts of scenario {scenario} sit against each other at viewport {viewport}, in CSS px\n"
            "# (written by `regress reference`; a live run compares within spacing.tolerance_px).\n"
            "# below: x = b's left - a's left, y = b's top - a's bottom; right_of: x = b's left - a's right,\n"
            "# y = b's top - a's top; within: x, y = b's left and top - a's. absent: an optional part is missing.\n")
    body = {"pairs": {key: value if value == ABSENT else value.to_yaml() for key, value in spacings.items()}}
    return (head + yaml.safe_dump(body, sort_keys=False, default_flow_style=None, width=200,
                                  allow_unicode=True)).encode("utf-8")


_SPACING_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["arrangement"],
    "properties": {"arrangement": {"enum": list(ARRANGEMENTS)}, "x": {"type": "number"}, "y": {"type": "number"}},
}
REFERENCE_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["pairs"],
    "properties": {"pairs": {"type": "object", "additionalProperties": {
        "oneOf": [{"const": ABSENT}, _SPACING_SCHEMA]}}},
}


class BadReference(ValueError):
    """A spacing reference that is not one (hand-edited, or another kind's file)."""


def parse_reference(data: bytes) -> dict:
    """The pairs of a reference file; BadReference saying which key is wrong and how."""
    try:
        doc = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        raise BadReference(f"not YAML: {str(err).splitlines()[0]}") from None
    check_document(doc, REFERENCE_SCHEMA, BadReference)
    return {key: ABSENT if value == ABSENT else Spacing(value["arrangement"], value.get("x"), value.get("y"))
            for key, value in doc["pairs"].items()}


def _px(value: float) -> float | int:
    value = round(value, 2) + 0.0  # + 0.0: no -0.0
    return int(value) if value.is_integer() else value


def _shown(value) -> str:
    if value is None or value == ABSENT:
        return str(value or "-")
    if isinstance(value, Spacing):
        return ", ".join(f"{k} {v}" for k, v in value.to_yaml().items())
    return f"{_px(value)}"


# --- the check ------------------------------------------------------------------------------

def pairs_at(options, viewport: str) -> list[Pair]:
    return [Pair(p["a"], p["b"], tuple(p["axes"]), p["nearest"])
            for p in options.get("pairs", []) if not p.get("viewports") or viewport in p["viewports"]]


def assertions(options, viewport: str) -> list[str]:
    return ([SPACING] if pairs_at(options, viewport) else []) + ([LAYOUT_SHIFT] if options["layout_shift"] else [])


def references(scenario, check, viewport: str, root, browser: str) -> list:
    """The item's spacing reference, when it measures pairs at this viewport (the same in every
    browser: CSS px, not pixels)."""
    if not pairs_at(check.options, viewport):
        return []
    return [reference_path(root, scenario.name, check.name, viewport, SUFFIX)]


def run(ctx, options) -> None:
    page = ctx.page  # its own page: no other check's text masks may count as shifts
    freeze_clock(page, ctx.capture_clock(ctx.settings["visual"]["clock"]))
    site = ctx.open()
    settle_as_a_reader(page)
    found: list[tuple[str, str]] = []
    if options["layout_shift"]:
        found += [(LAYOUT_SHIFT, text) for text in _layout_shift_problems(page, ctx.settings["layout_shift"]["budget"])]
    pairs = pairs_at(options, ctx.viewport)
    if pairs:
        found += [(SPACING, text) for text in _spacing_problems(ctx, site, pairs, options)]
    if found:
        raise CheckFailure("\n\n".join(text for _, text in found), [name for name, _ in found])


def _layout_shift_problems(page, budget: float) -> list[str]:
    try:
        shifts = layout_shifts(page)
    except NoLayoutShiftEntries as err:
        return [f"layout shift not measured: {err}"]
    window = cumulative_layout_shift(shifts.after_load)
    if window.score <= budget:
        return []
    moved = ", ".join(dict.fromkeys(source for shift in window.shifts for source in shift.sources)) or "?"
    return [f"layout shift after load {window.score:.3f} is over the budget {budget:g} (layout_shift.budget): "
            f"the largest session window has {len(window.shifts)} shift(s) from {window.start_ms / 1000:.2f} s to "
            f"{window.end_ms / 1000:.2f} s after navigation (loaded at {shifts.loaded_ms / 1000:.2f} s); moved: {moved}"]


def _spacing_problems(ctx, site, pairs: list[Pair], options) -> list[str]:
    actual, missing = _measure(ctx, site, pairs, set(options.get("optional", [])))
    problems = [f"{text}; list it under optional: if a page may lack it" for text in missing]
    reference = Reference(reference_path(ctx.baselines_dir, ctx.scenario.name, ctx.check.name, ctx.viewport, SUFFIX),
                          ctx.artifacts_dir, ctx.notes, ctx.project_root)
    data = reference_text(ctx.scenario.name, ctx.viewport, actual)
    mode = UpdateMode.of(ctx.update_baselines)
    rows, unreadable = [], None
    if must_compare(mode, reference.exists):
        try:
            rows = compare(parse_reference(reference.expected), actual, ctx.settings["spacing"]["tolerance_px"])
        except BadReference as err:
            unreadable = str(err)
    verdict = reference.settle(mode, data, (not rows and unreadable is None) if must_compare(mode, reference.exists)
                               else None)
    if verdict is Verdict.FAIL_MISSING:
        problems.append(reference.missing_message(data, "spacing reference"))
    elif verdict is Verdict.FAIL_CHANGED:
        reference.save_failure(data)
        problems.append(f"spacing reference {reference.shown()} is not one ({unreadable}); rewrite it with "
                        "--update-baselines=changed" if unreadable else
                        f"spacing differs from {reference.shown()} by more than "
                        f"{ctx.settings['spacing']['tolerance_px']:g} px (spacing.tolerance_px); diff "
                        f"{reference.shown(reference.record.diff)}:\n{table(rows)}")
    return problems


def _measure(ctx, site, pairs: list[Pair], optional: set[str]) -> tuple[dict, list[str]]:
    """Each pair's spacing (ABSENT when an optional part is missing) and what required part is missing."""
    found: dict[str, list[Box]] = {}

    def boxes_of(name: str) -> list[Box]:
        if name not in found:
            found[name] = boxes(ctx.locate(site, name))
        return found[name]

    spacings, missing = {}, []
    for pair in pairs:
        a_boxes, b_boxes = boxes_of(pair.a), boxes_of(pair.b)
        gone = [name for name, seen in ((pair.a, a_boxes), (pair.b, b_boxes)) if not seen]
        chosen = None
        if not gone:
            chosen = (nearest_boxes(a_boxes, b_boxes) if pair.nearest
                      else (Box.union(a_boxes), Box.union(b_boxes)))
        if chosen is not None:
            spacings[pair.key] = spacing_of(*chosen, pair.axes)
            continue
        spacings[pair.key] = ABSENT
        if gone and any(name not in optional for name in gone):
            missing.append(f"{pair.key}: {', '.join(gone)} not on the page (or not visible)")
        elif not gone and not {pair.a, pair.b} & optional:
            missing.append(f"{pair.key}: no element of {pair.b} starts below one of {pair.a}")
    return spacings, missing


def _options():
    from ..model.schema import ComponentList, ComponentName, Field, ListOf, Nested, ViewportList

    def one_entry_per_pair(options) -> str | None:
        if not options.get("pairs") and not options.get("layout_shift"):
            return "a spacing check needs pairs to measure, or layout_shift: true"
        pairs = options.get("pairs", [])
        for i, p in enumerate(pairs):
            for j, q in enumerate(pairs[:i]):
                shared = (not p.get("viewports") or not q.get("viewports")
                          or set(p["viewports"]) & set(q["viewports"]))
                if (p["a"], p["b"]) == (q["a"], q["b"]) and shared:
                    return f"pairs[{i}] ({p['a']} -> {p['b']}) repeats pairs[{j}] at the same viewport"
        return None

    return Nested({
        "pairs": ListOf(Nested({
            "a": ComponentName(required=True, doc="the part measured from"),
            "b": ComponentName(required=True, doc="the part whose gap and offsets from a are recorded"),
            "axes": ListOf(Field(str, choices=list(AXES)), min=1, unique=True, default=list(AXES),
                           doc="which offsets are recorded (x, y): leave out one that follows the story"),
            "nearest": Field(bool, default=False, doc="a part with several elements: the one nearest the other"),
            "viewports": ViewportList(min=1, doc="only at these viewports"),
        }), default=[], doc="the pairs of parts whose spacing is recorded; b is measured against a"),
        "optional": ComponentList(default=[], doc="parts a page may lack: their pairs are then recorded as absent"),
        "layout_shift": Field(bool, default=True, doc="hold cumulative layout shift to layout_shift.budget"),
    }, check=one_entry_per_pair)


register(CheckKind(name="spacing", run=run, options=_options(), description=__doc__, assertions=assertions,
                   references=references))
