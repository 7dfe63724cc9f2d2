"""A run's visual changes as a reviewer sees them: the groups of identical changes, each
capture's decision, the tally, and the commands that decide from a terminal.

Shared by the HTML report (static and in ``regress review``), ``summary.md`` and the
review server. The grouping itself is :mod:`regress.engines.groups`, over the images.
"""
from __future__ import annotations

import shlex
from pathlib import Path

from ..engines.groups import Capture, ChangeGroup, group_changes
from .record import ItemRecord, RunRecord

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


def reviewable(run: RunRecord) -> list[ItemRecord]:
    """Failed visual items with a capture, in the record's order."""
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
    visual = item.visual
    if visual is not None and visual.component:
        return visual.component
    return "check " + item.nodeid.split("[", 1)[0].rsplit("::", 1)[-1]


def groups(run: RunRecord) -> list[ChangeGroup]:
    """Every reviewable capture in exactly one group; groups of several first."""
    return group_changes(Capture(key=item.nodeid, component=component_of(item), actual=item.visual.actual,
                                 expected=item.visual.expected)
                         for item in reviewable(run))


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
