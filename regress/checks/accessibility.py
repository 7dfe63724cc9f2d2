"""accessibility: axe-core's rules run in the page, against a baseline of the known violations.

axe-core is the script the ``axe-playwright-python`` package ships (:mod:`regress.browser.axe`),
loaded into the page, never fetched; its version is in each item's remarks in the report. The
check scans a component (default: the whole page) with the rules of its ``tags`` (default WCAG
2.1 A and AA), keeps the failing elements of ``impact`` and above, and names each one by the
component of the page objects' vocabulary it sits in (the innermost; ``page`` for none).

Known violations are the baseline ``<check>-<viewport>.axe.json`` in the target's baselines:
per rule, component -> the number of failing elements, never axe's selectors (they are
positional and move with the news). The item fails on new violations only: a rule or component
the baseline lacks, or, on the pinned rules, more failing elements than it records (on live
targets a count follows the news, how many stories carry a badge: presence is compared). A
known violation that has gone is stale: the item passes, says so in its remarks, and
``--update-baselines changed`` drops it.

A check of a layer a reader opens (``open: menu.search``) opens it through its page object on
the item's own page; any other scans the scenario's shared settled page, which axe leaves as
it was (it reads the DOM and styles; scroll positions are restored).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Mapping


from pages.components import COMPONENTS, OPENERS, evaluate_components, locate

from ..browser import axe
from ..browser.capture import freeze_clock, settle
from ..browser.rendered import rendered
from ..run.references import Reference, check_document, UpdateMode, Verdict, must_compare, reference_path
from . import CheckFailure, CheckKind, register

NAME = "accessibility"  # the item's one assertion: no violation beyond the baseline
SUFFIX = "axe.json"
WHOLE_PAGE = "page"
DEFAULT_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
MAX_NODES = 5  # failing elements listed per rule and component


# --- the pure part: what was found, the baseline, what is new and what is stale ------------------

Key = tuple[str, str]  # (rule, component)


@dataclass(frozen=True)
class Change:
    """A rule × component whose count differs from the baseline's (0: not there)."""
    rule: str
    component: str
    baseline: int
    found: int

    def text(self, label: str) -> str:
        was = "the baseline has none" if not self.baseline else f"the baseline has {self.baseline}"
        now = "none now" if not self.found else f"{self.found} element{'s' * (self.found != 1)}"
        return f"{label} {self.rule} in {self.component}: {now}, {was}"


@dataclass(frozen=True)
class Diff:
    new: tuple[Change, ...]
    stale: tuple[Change, ...]


def counts_of(violations: list[axe.Violation]) -> dict[Key, int]:
    """rule × component -> failing elements, sorted."""
    counts: dict[Key, int] = {}
    for violation in violations:
        for node in violation.nodes:
            key = (violation.rule, node.component)
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def diff(baseline: Mapping[Key, int], found: Mapping[Key, int], *, counts: bool) -> Diff:
    """New: a key the baseline lacks, or (``counts``) more elements than it has. Stale: a key that
    has gone, or (``counts``) fewer elements. Without ``counts`` only presence is compared."""
    new, stale = [], []
    for key in sorted({*baseline, *found}):
        was, now = baseline.get(key, 0), found.get(key, 0)
        change = Change(*key, was, now)
        if now and (not was or (counts and now > was)):
            new.append(change)
        elif was and (not now or (counts and now < was)):
            stale.append(change)
    return Diff(tuple(new), tuple(stale))


def matches(found: Diff, mode: UpdateMode) -> bool:
    """What :func:`regress.run.references.decide` is told: a new violation never matches; a stale one
    matches (the item passes, saying so) except under ``changed``, which rewrites the baseline."""
    return not found.new and not (found.stale and mode is UpdateMode.CHANGED)


def render(found: Mapping[Key, int], title: str) -> bytes:
    """The baseline: rule -> component -> count, sorted, with the axe-core version that recorded it."""
    doc: dict[str, Any] = {
        "about": f"Known accessibility violations of {title}: axe-core rule -> component -> failing elements. "
                 "Written by regress (--update-baselines, regress approve); a run fails on a rule or component "
                 "not listed here, or on more elements than listed (on the pinned rules).",
        "axe_core": axe.version(),
        "violations": {},
    }
    for (rule, component), count in sorted(found.items()):
        doc["violations"].setdefault(rule, {})[component] = count
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


BASELINE_SCHEMA = {
    "type": "object", "required": ["violations"],
    "properties": {
        "about": {"type": "string"}, "axe_core": {"type": "string"},
        "violations": {"type": "object", "additionalProperties": {
            "type": "object", "minProperties": 1,
            "additionalProperties": {"type": "integer", "minimum": 1}}},
    },
    "additionalProperties": False,
}


class BadBaseline(ValueError):
    """A file that is not an accessibility baseline (hand-edited, or another kind's)."""


def parse(data: bytes) -> tuple[dict[Key, int], str | None]:
    """A baseline's counts and the axe-core version that wrote it; BadBaseline naming the key."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise BadBaseline(f"not JSON: {err}") from None
    check_document(doc, BASELINE_SCHEMA, BadBaseline)
    counts = {(rule, component): n for rule, by in doc["violations"].items() for component, n in by.items()}
    return dict(sorted(counts.items())), doc.get("axe_core")


# --- the message --------------------------------------------------------------------------------

def listing(violations: list[axe.Violation], new: set[Key]) -> str:
    """Every violation, grouped by rule: impact, help and its URL, then per component the failing
    elements (axe's selector and the start of their markup), new ones marked."""
    lines = []
    for v in sorted(violations, key=lambda v: (-axe.IMPACTS.index(v.impact), v.rule)):
        lines += [f"{v.rule} ({v.impact}): {v.help}", f"  {v.help_url}"]
        for component in dict.fromkeys(n.component for n in v.nodes):
            nodes = [n for n in v.nodes if n.component == component]
            mark = "NEW" if (v.rule, component) in new else "known"
            lines.append(f"  {component}: {len(nodes)} element{'s' * (len(nodes) != 1)} ({mark})")
            for node in nodes[:MAX_NODES]:
                lines += [f"    - {node.target}: {node.html}", f"      {node.summary}"]
            if len(nodes) > MAX_NODES:
                lines.append(f"    ... and {len(nodes) - MAX_NODES} more")
    return "\n".join(lines)


def rules_text(options: Mapping[str, Any]) -> str:
    disabled = f"; rules disabled: {', '.join(options['rules_disabled'])}" if options["rules_disabled"] else ""
    return (f"axe-core {axe.version()} ({axe.PACKAGE} {_package_version()}); tags {', '.join(options['tags'])}; "
            f"impact {options['impact']} and above{disabled}")


def _package_version() -> str:
    try:
        return metadata.version(axe.PACKAGE)
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree without it
        return "?"


# --- the check ----------------------------------------------------------------------------------

def references(scenario, check, viewport: str, root, browser: str) -> list:
    """The item's one baseline (the same for every browser and machine: rules, not pixels)."""
    return [reference_path(root, scenario.name, check.name, viewport, SUFFIX)]


def run(ctx, options) -> None:
    page, site = _page(ctx, options)
    violations = observe(page, site, options)
    rules = rules_text(options)
    ctx.notes.remarks.append(rules)
    reference = Reference(reference_path(ctx.baselines_dir, ctx.scenario.name, ctx.check.name, ctx.viewport, SUFFIX),
                          ctx.artifacts_dir, ctx.notes, ctx.project_root, component=options["component"])
    found = counts_of(violations)
    actual = render(found, f"check {ctx.check.name} of scenario {ctx.scenario.name} at {ctx.viewport}")
    mode = UpdateMode.of(ctx.update_baselines)
    changes, unreadable, recorded_with = None, None, None
    if must_compare(mode, reference.exists):
        try:
            expected, recorded_with = parse(reference.expected)
            changes = diff(expected, found, counts=not ctx.live)
        except BadBaseline as err:
            unreadable = str(err)
    verdict = reference.settle(mode, actual, (changes is not None and matches(changes, mode))
                               if must_compare(mode, reference.exists) else None)
    _remark(ctx, found, changes, verdict)
    if verdict.fails:
        reference.save_failure(actual)
        _fail(rules, reference, verdict, violations, changes, unreadable, recorded_with)


def _page(ctx, options):
    """The scenario's shared settled page, or, to open a layer first, the item's own."""
    clock = ctx.capture_clock(ctx.settings["visual"]["clock"])
    if not options.get("open"):
        return ctx.settled_page(clock)
    page = ctx.page
    freeze_clock(page, clock)
    site = ctx.open()
    settle(page)
    OPENERS[options["open"]](site)
    settle(page)  # the layer's own entrance animation finished
    return page, site


def observe(page, site, options) -> list[axe.Violation]:
    """axe's violations in the check's scope at ``impact`` and above, each element named by the
    innermost component it sits in (a tie: the scope, else the component of fewest elements, a
    part rather than a group of parts such as ``article.head``, then the page objects' order)."""
    scope_name = options["component"]
    axe.inject(page)
    marks = evaluate_components(site, list(COMPONENTS), axe.MARK_JS)
    owners: dict[int, str] = {}
    for name in [scope_name, *sorted(COMPONENTS, key=lambda name: len(marks[name]))]:
        for index in marks[name]:
            owners.setdefault(index, name)
    scope = None if scope_name == WHOLE_PAGE else marks[scope_name]
    if scope is not None:
        _must_be_rendered(site, scope_name, options)
    found = axe.scan(page, scope, owners, scope_name, axe.run_options(options["tags"], options["rules_disabled"]))
    floor = axe.IMPACTS.index(options["impact"])
    kept = []
    for v in found:
        nodes = tuple(n for n in v.nodes if axe.IMPACTS.index(n.impact) >= floor)
        if nodes:
            impact = max((n.impact for n in nodes), key=axe.IMPACTS.index)
            kept.append(axe.Violation(v.rule, impact, v.help, v.help_url, nodes))
    return kept


def _must_be_rendered(site, name: str, options) -> None:
    """A scope the reader does not see would be a scan of nothing: axe skips hidden elements."""
    shown = rendered(locate(site, name))
    if shown.rendered_count:
        return
    why = shown.describe_hidden(name) if shown.count else f"no element of {name} on the page"
    hint = f"; a layer a reader opens: add open: {name}" if name in OPENERS and not options.get("open") else ""
    raise CheckFailure(f"{name} is not rendered, so axe would check nothing ({why}){hint}", [NAME])


def _remark(ctx, found: Mapping[Key, int], changes: Diff | None, verdict: Verdict) -> None:
    """What the report shows of a passing item too: the known violations and the stale ones."""
    if found:
        ctx.notes.remarks.append("violations found: " + ", ".join(f"{r} in {c} ({n})" for (r, c), n in found.items()))
    if changes is not None and changes.stale:
        done = ("dropped from the baseline" if verdict is Verdict.REPLACE
                else "still in the baseline: --update-baselines changed drops them")
        ctx.notes.remarks.append(f"stale (gone since the baseline; {done}): "
                                 + "; ".join(c.text("stale").removeprefix("stale ") for c in changes.stale))


def _fail(rules: str, reference, verdict, violations, changes, unreadable, recorded_with) -> None:
    if verdict is Verdict.FAIL_MISSING:
        text = (f"no accessibility baseline {reference.shown()} ({rules}); what axe found was saved as "
                f"{reference.shown(reference.record.actual)}. Review it, then write baselines with "
                "--update-baselines=missing")
        raise CheckFailure(text + (f"\n\n{listing(violations, set())}" if violations else "\n(no violations)"), [NAME])
    if unreadable:
        raise CheckFailure(f"accessibility baseline {reference.shown()} is not one ({unreadable}); rewrite it with "
                           "--update-baselines=changed", [NAME])
    other = (f"; the baseline was recorded with axe-core {recorded_with}"
             if recorded_with and recorded_with != axe.version() else "")
    which = ", ".join(f"{c.rule} in {c.component}" for c in changes.new)
    lines = [f"{len(changes.new)} new accessibility violation(s) against {reference.shown()}: {which} "
             f"({rules}{other})",
             *(f"- {c.text('NEW')}" for c in changes.new),
             *(f"- {c.text('stale')} (not a failure)" for c in changes.stale),
             "", "Every violation, by rule:", listing(violations, {(c.rule, c.component) for c in changes.new})]
    raise CheckFailure("\n".join(lines), [NAME])


# --- options --------------------------------------------------------------------------------------

def _options():
    from ..model.schema import ComponentName, Field, ListOf

    return {
        "component": ComponentName(default=WHOLE_PAGE, doc="what axe scans: a component, default the whole page"),
        "open": Field(str, choices=sorted(OPENERS), doc="a layer the page object opens before the scan "
                                                        "(the item then uses its own page)"),
        "tags": ListOf(Field(str, choices=axe.tags()), min=1, unique=True, default=list(DEFAULT_TAGS),
                       doc="the axe-core rule tags to run (default WCAG 2.1 A and AA)"),
        "impact": Field(str, choices=list(axe.IMPACTS), default="minor",
                        doc="the lowest impact that counts: minor, moderate, serious or critical"),
        "rules_disabled": ListOf(Field(str, choices=sorted(axe.rules())), unique=True, default=[],
                                 doc="axe-core rule ids not run"),
    }


register(CheckKind(name=NAME, run=run, options=_options(), description=__doc__, references=references))
