"""A run's changed references as a reviewer sees them: the groups of identical changes, each
item's decision, the tally, and the commands that decide from a terminal.

Shared by the HTML report (static and in ``regress review``), ``summary.md`` and the
review server. Images are grouped by :mod:`regress.engines.groups` (the same change, cropped
to its box); text references (YAML, JSON, text) by identical expected and actual bytes.
"""
from __future__ import annotations

import hashlib
import shlex
from pathlib import Path

from ..engines.groups import Capture, ChangeGroup, group_changes
from .record import ItemRecord, RunRecord

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


def reviewable(run: RunRecord) -> list[ItemRecord]:
    """Failed items with a reference and what they produced, of any format, in the record's order."""
    return [item for item in run.items if item.reviewable]


def decision(item: ItemRecord) -> str:
    return APPROVED if item.approved else REJECTED if item.rejected else PENDING


def decisions(run: RunRecord) -> dict[str, str]:
    return {item.nodeid: decision(item) for item in reviewable(run)}


def tally(run: RunRecord) -> dict[str, int]:
    counts = {PENDING: 0, APPROVED: 0, REJECTED: 0}
    for state in decisions(run).values():
        counts[state] += 1
    return counts


def tally_text(counts: dict[str, int]) -> str:
    """``7 to review, 3 approved, 1 rejected``."""
    return f"{counts[PENDING]} to review, {counts[APPROVED]} approved, {counts[REJECTED]} rejected"


def component_of(item: ItemRecord) -> str:
    """The captured component; for records older than the field, the node id's check (one
    check captures one component, so two items of one check never mix components)."""
    reference = item.reference
    if reference is not None and reference.component:
        return reference.component
    return "check " + item.nodeid.split("[", 1)[0].rsplit("::", 1)[-1]


def groups(run: RunRecord) -> list[ChangeGroup]:
    """Every reviewable item in exactly one group; groups of several first."""
    items = reviewable(run)
    images = group_changes(Capture(key=item.nodeid, component=component_of(item), actual=item.reference.actual,
                                   expected=item.reference.expected)
                           for item in items if item.reference.is_image)
    texts = text_groups([item for item in items if not item.reference.is_image])
    return sorted(images + texts, key=lambda g: -len(g.members))  # stable: images first among equals


def text_groups(items: list[ItemRecord]) -> list[ChangeGroup]:
    """Text references are the same change when their expected bytes are identical and their
    actual bytes are identical (and the component and format are the same). One without an
    expected file (new) or with a file that cannot be read is a group of its own."""
    keyed: dict[tuple, list[ItemRecord]] = {}
    alone: dict[tuple, str] = {}
    for item in items:
        reference = item.reference
        try:
            expected = Path(reference.expected).read_bytes() if reference.expected else None
            actual = Path(reference.actual).read_bytes()
        except OSError as err:
            expected = actual = None
            why = f"file missing ({err.strerror}: {err.filename})"
        else:
            why = "no reference yet: it is new" if expected is None else None
        if why is None:
            key = ("same", component_of(item), reference.format, hashlib.sha256(expected).hexdigest(),
                   hashlib.sha256(actual).hexdigest())
        else:
            key = ("alone", item.nodeid)
            alone[key] = why
        keyed.setdefault(key, []).append(item)
    return [ChangeGroup(id="change-" + hashlib.sha256(repr(key).encode()).hexdigest()[:12],
                        component=component_of(members[0]), members=tuple(m.nodeid for m in members),
                        regions={m.nodeid: None for m in members}, size=None, why_alone=alone.get(key))
            for key, members in keyed.items()]


def group_state(group: ChangeGroup, states: dict[str, str]) -> str:
    """approved / rejected when every member is, pending when none is decided, else mixed."""
    seen = {states.get(member, PENDING) for member in group.members}
    return seen.pop() if len(seen) == 1 else "mixed"


# --- the commands a static report shows --------------------------------------------------------

def _where(reports_dir: Path, default_reports_dir: Path) -> str:
    same = Path(reports_dir).resolve() == Path(default_reports_dir).resolve()
    return "" if same else f" --reports-dir {shlex.quote(str(reports_dir))}"


def expression(nodeids, among=()) -> str:
    """A -k expression choosing these node ids and, of ``among``, no other. Each node id is one
    -k name, which matches every node id containing it (case-insensitively), so one that
    contains a chosen node id is excluded by name."""
    chosen = list(nodeids)
    lowered = [n.lower() for n in chosen]
    expr = " or ".join(chosen)
    extra = [other for other in among if other not in chosen and any(n in other.lower() for n in lowered)]
    return f"({expr}) and not ({' or '.join(extra)})" if extra else expr


def command(verb: str, nodeids, reports_dir: Path, default_reports_dir: Path, among=()) -> str:
    """``regress approve -k NODEID`` (``reject``; several node ids joined with ``or``)."""
    return (f"regress {verb}{_where(reports_dir, default_reports_dir)} "
            f"-k {shlex.quote(expression(nodeids, among))}")
