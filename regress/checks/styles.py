"""styles: the computed styles the template decides, per part and role, against a YAML reference.

A check names its parts (components of the page objects' vocabulary) and, for a repeated part,
its roles: the elements in page order, split by count (``{lead: 1, others: rest}``), each role
judged against its own reference, so a rule that restyles only some paragraphs or items fails
whatever their number. Every element of a role must show the role's values; what they are is
the reference, ``<check>-<viewport>.styles.yml`` in the target's baselines (values that follow
the viewport are that viewport's). Only properties a stylesheet decides are read, never sizes
that follow the text, so the reference holds on any news day; for images, how the rendered box
keeps the image's own proportions and fills its container, as ratios.

A part (or role) the page lacks is absent: noted, not a failure, unless the check says it is
``required``. All parts are read in one round trip, on the scenario's shared settled page.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping

import yaml

from pages.components import evaluate_components

from ..run.references import Reference, UpdateMode, Verdict, must_compare, reference_path
from . import CheckFailure, CheckKind, register

MATCHES = "styles"  # the item's one assertion: every part shows its reference's styles
SUFFIX = "styles.yml"

# The properties a check may record: CSS longhands and shorthands the browser computes, and
# a few derived in the page (generic CSS, no site's knowledge). A check records them all
# unless it lists some (``properties``); a part may ``ignore`` some.
TEXT = ("font-family", "font-size", "font-weight", "font-style", "line-height", "letter-spacing", "word-spacing",
        "color", "text-align", "text-transform", "text-decoration-line", "text-decoration-style",
        "text-decoration-color", "text-shadow", "white-space", "overflow-x", "overflow-y", "text-overflow",
        "-webkit-line-clamp", "vertical-align")
BOX = ("background-color", "background-image", "margin-top", "margin-right", "margin-bottom", "margin-left",
       "padding-top", "padding-right", "padding-bottom", "padding-left", "border-top", "border-right",
       "border-bottom", "border-left", "border-radius", "box-shadow")
SHOWN = ("display", "position", "visibility", "opacity",
         "effective-opacity",  # the product of its own and every ancestor's opacity
         "rendered")  # "yes" unless it or an ancestor is display:none, visibility:hidden or opacity 0
IMAGE = ("object-fit", "object-position",
         "aspect",  # the drawn picture's proportions over the image's own (1.00: not distorted)
         "width-share")  # the rendered width over its container's content width
PROPERTIES = TEXT + BOX + SHOWN + IMAGE

ABSENT = "absent"  # a part (role) with no element on the page when the reference was written
MAX_POSITIONS = 6  # elements named in a table row, at most

_READ_JS = """(el, props) => {
  const cs = getComputedStyle(el), out = {};
  const isImage = el instanceof HTMLImageElement;
  const layoutBox = e => { let p = e.parentElement;
    while (p && /^(inline|contents)/.test(getComputedStyle(p).display)) p = p.parentElement; return p; };
  const derived = {
    'effective-opacity': () => { let o = 1; for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity); return o.toFixed(2); },
    'rendered': () => el.checkVisibility({opacityProperty: true, visibilityProperty: true}) ? 'yes' : 'no',
    'aspect': () => {
      if (!el.naturalWidth || !el.naturalHeight) return 'not loaded';
      if (cs.objectFit !== 'fill') return '1.00';
      const w = parseFloat(cs.width), h = parseFloat(cs.height);
      return h ? ((w / h) / (el.naturalWidth / el.naturalHeight)).toFixed(2) : 'no height';
    },
    'width-share': () => {
      const box = layoutBox(el), bs = box && getComputedStyle(box);
      const inner = box ? box.clientWidth - parseFloat(bs.paddingLeft) - parseFloat(bs.paddingRight) : 0;
      return inner > 0 ? (el.offsetWidth / inner).toFixed(2) : 'no container';
    },
  };
  // A border without a style, or a decoration without a line, has no colour to speak of: the
  // text's colour would be reported again under each of them.
  for (const side of ['top', 'right', 'bottom', 'left'])
    if (cs.getPropertyValue(`border-${side}-style`) === 'none') derived[`border-${side}`] = () => 'none';
  if (cs.textDecorationLine === 'none') derived['text-decoration-color'] = () => 'none';
  for (const p of props) {
    if ((p === 'aspect' || p === 'width-share' || p.startsWith('object-')) && !isImage) continue;
    out[p] = derived[p] ? derived[p]() : cs.getPropertyValue(p);
  }
  return out;
}"""


@dataclass(frozen=True)
class Role:
    """One role of one part as the page shows it: its elements' styles, in page order."""
    part: str
    name: str | None  # None: the part has one role
    positions: tuple[int, ...]  # each element's place in the part, from 1
    styles: tuple[dict[str, str], ...]
    total: int  # the part's elements
    required: bool

    @property
    def label(self) -> str:
        return self.part if self.name is None else f"{self.part} ({self.name})"

    @property
    def absent(self) -> bool:
        return not self.styles

    def shared(self) -> dict[str, str]:
        """Each property's most common value among the role's elements (the reference's values)."""
        names = dict.fromkeys(p for style in self.styles for p in style)
        return {p: Counter(s.get(p) for s in self.styles).most_common(1)[0][0] for p in names}

    def deviations(self, expected: Mapping[str, str]) -> list["Row"]:
        """A row per property and value in which elements differ from ``expected``."""
        rows = []
        for prop in dict.fromkeys([*expected, *(p for s in self.styles for p in s)]):
            want = expected.get(prop, "(not recorded)")
            off: dict[str, list[int]] = {}
            for position, style in zip(self.positions, self.styles):
                got = style.get(prop, "(not read)")
                if got != want:
                    off.setdefault(got, []).append(position)
            rows += [Row(self.label, prop, want, got + self._where(places)) for got, places in off.items()]
        return rows

    def _where(self, places: list[int]) -> str:
        if len(places) == len(self.styles):  # every element of the role
            return ""
        shown = ", ".join(map(str, places[:MAX_POSITIONS])) + (", ..." if len(places) > MAX_POSITIONS else "")
        return f" (at {shown} of {self.total})"


@dataclass(frozen=True)
class Row:
    """One difference: the table's line."""
    part: str
    property: str
    expected: str
    actual: str


def run(ctx, options) -> None:
    _, site = ctx.settled_page(ctx.capture_clock(ctx.settings["visual"]["clock"]))  # the visual items' page
    roles = observe(site, options)
    reference = Reference(reference_path(ctx.baselines_dir, ctx.scenario.name, ctx.check.name, ctx.viewport, SUFFIX),
                          ctx.artifacts_dir, ctx.notes, ctx.project_root)
    actual = render(roles, f"{ctx.check.name} of scenario {ctx.scenario.name} at {ctx.viewport}")
    mode = UpdateMode.of(ctx.update_baselines)
    expected, unreadable = _read_reference(reference)
    rows = compare(expected, roles) if expected is not None else None
    absent = _absent(roles)
    if absent:  # the report shows it whatever the verdict: what this page could not be judged on
        ctx.notes.remarks.append(f"absent on this page (not required): {', '.join(absent)}")
    own = _own_problems(roles)  # never written into a reference, whatever the mode
    heading = f"styles check {ctx.check.name!r} of scenario {ctx.scenario.name!r} at {ctx.viewport}"
    if own:
        reference.save_failure(actual)
        _fail(heading + f": the page's own parts disagree ({reference.shown()} not written)", rows or own, roles)
    verdict = reference.settle(mode, actual, (rows == []) if must_compare(mode, reference.exists) else None)
    if verdict is Verdict.FAIL_MISSING:
        raise CheckFailure(f"{heading}: {reference.missing_message(actual)}", [MATCHES])
    if verdict is Verdict.FAIL_CHANGED:
        reference.save_failure(actual)
        if unreadable:
            raise CheckFailure(f"{heading}: reference {reference.shown()} is unreadable ({unreadable}); "
                               "rewrite it with --update-baselines=changed", [MATCHES])
        _fail(f"{heading}: {len(rows)} difference(s) from {reference.shown()}", rows, roles)


def references(scenario, check, viewport: str, root, browser: str) -> list:
    """The item's one reference: its styles YAML (the same for every browser and machine)."""
    return [reference_path(root, scenario.name, check.name, viewport, SUFFIX)]


# --- reading the page ---------------------------------------------------------------------------

def observe(site, options) -> list[Role]:
    """Every part's roles as the page shows them, all read in one round trip."""
    parts = options["parts"]
    properties = list(options.get("properties") or PROPERTIES)
    found = evaluate_components(site, list(parts), _READ_JS, properties)
    roles = []
    for part, spec in parts.items():
        ignored = set(spec.get("ignore", []))
        styles = [{p: v for p, v in style.items() if p not in ignored} for style in found[part]]
        roles += split_roles(part, spec, styles)
    return roles


def split_roles(part: str, spec: Mapping[str, Any], styles: list[dict]) -> list[Role]:
    """The part's elements split into its roles, in order: each takes its count, ``rest`` the rest."""
    roles = spec.get("roles") or {None: "rest"}
    required = spec.get("required", False)
    out, start = [], 0
    for name, count in roles.items():
        end = len(styles) if count == "rest" else min(len(styles), start + count)
        must = required is True or (isinstance(required, list) and name in required)
        out.append(Role(part, name, tuple(range(start + 1, end + 1)), tuple(styles[start:end]), len(styles), must))
        start = end
    return out


# --- the reference ------------------------------------------------------------------------------

def render(roles: list[Role], title: str) -> bytes:
    """The reference document: part -> its styles (or part -> role -> styles), ``absent`` for none."""
    doc: dict[str, Any] = {}
    for role in roles:
        entry = ABSENT if role.absent else role.shared()
        if role.name is None:
            doc[role.part] = entry
        else:
            doc.setdefault(role.part, {})[role.name] = entry
    head = (f"# Computed styles of each part (and role) for styles check {title}.\n"
            "# Written by regress (--update-baselines, regress approve); compared property by property.\n")
    return (head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=200)).encode("utf-8")


def _read_reference(reference: Reference) -> tuple[dict | None, str | None]:
    """The reference's document, or None and why it cannot be read (None, None: there is none)."""
    if not reference.exists:
        return None, None
    try:
        doc = yaml.safe_load(reference.expected.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        return None, f"not YAML: {str(err).splitlines()[0]}"
    if not isinstance(doc, dict):
        return None, "expected a mapping of parts to styles"
    return doc, None


def _entry(doc: Mapping, role: Role) -> Any:
    """What the reference holds for a role: a mapping of styles, ABSENT, or None (not recorded)."""
    entry = doc.get(role.part)
    if role.name is not None:
        entry = entry.get(role.name) if isinstance(entry, dict) else None
    if entry == ABSENT or (isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values())):
        return entry
    return None


def compare(doc: Mapping, roles: list[Role]) -> list[Row]:
    """Every difference between the page and the reference; [] when it matches."""
    rows = []
    for role in roles:
        entry = _entry(doc, role)
        if role.absent:
            if role.required:
                rows.append(Row(role.label, "(part)", "present (required)", "absent"))
        elif entry is None:
            rows.append(Row(role.label, "(part)", "(not in the reference)", "present: record it"))
        elif entry != ABSENT:  # recorded absent: present today is news (a badge), nothing to compare
            rows += role.deviations(entry)
    return rows


def _own_problems(roles: list[Role]) -> list[Row]:
    """What fails whatever the reference says: a required part absent, or a role whose elements
    disagree (a rule that reaches only some of them, or roles that do not split the part)."""
    rows = []
    for role in roles:
        if role.absent and role.required:
            rows.append(Row(role.label, "(part)", "present (required)", "absent"))
        elif not role.absent:
            rows += role.deviations(role.shared())
    return rows


# --- the message ----------------------------------------------------------------------------------

def table(rows: list[Row]) -> str:
    """The rows as an aligned text table: part, property, expected, actual."""
    lines = [("part", "property", "expected", "actual")] + [(r.part, r.property, r.expected, r.actual) for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(3)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)) + "  " + line[3] for line in lines)


def _absent(roles: list[Role]) -> list[str]:
    return [role.label for role in roles if role.absent and not role.required]


def _fail(heading: str, rows: list[Row], roles: list[Role]) -> None:
    absent = _absent(roles)
    note = f"\nabsent on this page (not required): {', '.join(absent)}" if absent else ""
    raise CheckFailure(f"{heading}\n{table(rows)}{note}", [MATCHES])


# --- options --------------------------------------------------------------------------------------

_ROLE = re.compile(r"[a-z][a-z0-9_]{0,31}")


def _role_name(value: str) -> str | None:
    return None if _ROLE.fullmatch(value) else f"invalid role name {value!r}: use a-z, 0-9 and '_'"


def _rest_last(roles: Mapping[str, Any]) -> str | None:
    rest = [name for name, count in roles.items() if count == "rest"]
    if rest and rest != [list(roles)[-1]]:
        return f"only the last role may take the rest, not {rest[0]!r}"
    return None


def _required_roles(part: Mapping[str, Any]) -> str | None:
    required, roles = part.get("required"), list(part.get("roles") or [])
    unknown = [r for r in required if r not in roles] if isinstance(required, list) else []
    if unknown:
        return f"required names unknown role {unknown[0]!r}; valid: {', '.join(roles) or '(no roles given)'}"
    return None


def _options():
    from ..model.schema import ComponentName, Field, ListOf, MapOf, Nested, OneOf

    properties = Field(str, choices=PROPERTIES)
    part = Nested({
        "roles": MapOf(Field(str, check=_role_name), OneOf(Field(int, min=1), "rest"), min=1, check=_rest_last,
                       doc="the elements in page order, split: role -> how many (an int, or rest)"),
        "required": OneOf(Field(bool), ListOf(Field(str), min=1, unique=True), default=False,
                          doc="true (every role), or the roles that must be on the page"),
        "ignore": ListOf(properties, unique=True, doc="properties not recorded for this part"),
    }, check=_required_roles)
    return {
        "parts": MapOf(ComponentName(), part, required=True, min=1,
                       doc="component -> its roles, whether it is required, what it ignores"),
        "properties": ListOf(properties, unique=True, min=1, doc="the properties recorded (default: all)"),
    }


register(CheckKind(name="styles", run=run, options=_options(), description=__doc__, references=references))
