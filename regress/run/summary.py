"""``summary.md``: a run in Markdown, for CI's job summary (GitHub appends it to the job's page).

A pure function of the run record (and its groups of identical changes): counts by
kind and by viewport, every failed item with its components and size of change, the
groups, and the commands that review the run locally. Written next to ``index.html``
at the end of every run (and by ``regress merge``). Text from the site under test
(failure messages) appears only inside code spans, so Markdown never renders it.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from . import changes
from .baselines import write_atomic
from .record import FAILING, STATUSES, ItemRecord, RunRecord, status_counts

SUMMARY_MD = "summary.md"
MAX_ROWS = 100  # GitHub keeps 1 MiB of job summary; a run with thousands of failures lists the first
DOWNLOAD_DIR = "regress-report"


def render_summary(run: RunRecord, groups=None, *, artifact: str | None = None, run_id: str | None = None) -> str:
    """The Markdown. ``groups``: :func:`regress.run.changes.groups` of the run, when the caller
    has them; ``artifact``/``run_id``: the CI artifact holding the report and the workflow run."""
    groups = changes.groups(run) if groups is None else groups
    totals = Counter(item.status for item in run.items)
    failures = [item for item in run.items if item.failing]
    verdict = "INTERRUPTED" if run.interrupted else "FAILED" if failures else "PASSED"
    out = [f"## regress: {verdict}", ""]
    counts = ", ".join(f"{totals[s]} {s}{'s' if s == 'error' and totals[s] != 1 else ''}" for s in STATUSES)
    where = f"target `{run.target}` ({run.rules} rules)" if run.target else "target -"
    out += [f"{len(run.items)} items: {counts}; {round(run.duration or 0.0, 1)} s; {where}"
            f"{' with mutation ' + _code(run.mutation) if run.mutation else ''}; "
            f"checkout `{(run.git_head or 'unknown')[:12]}`", ""]
    if run.interrupted:
        out += [f"The run was interrupted ({run.interrupted}): the items below are those that ran.", ""]
    for title, key in (("kind", "kind"), ("viewport", "viewport")):
        out += _table(run.items, title, key) + [""]

    out += [f"### Failed items ({len(failures)})", ""]
    if failures:
        out += ["| item | kind | viewport | components | change |", "|---|---|---|---|---|"]
        for item in failures[:MAX_ROWS]:
            out.append(f"| {_code(item.nodeid, table=True)} | {item.kind} | {item.viewport or '-'} | "
                       f"{_components(item)} | {_change(item)} |")
        if len(failures) > MAX_ROWS:
            out.append(f"\nand {len(failures) - MAX_ROWS} more: see `index.html` of the report.")
    else:
        out.append("None.")
    out.append("")
    out += _missing(run)

    shared = [g for g in groups if g.shared]
    if groups:
        out += [f"### Groups of identical changes ({len(shared)})", ""]
        for group in shared[:MAX_ROWS]:
            size = f", changed region {group.size[0]}\u00d7{group.size[1]} px" if group.size else ""
            members = ", ".join(_code(m) for m in group.members)
            out.append(f"- {_code(group.component)}{size}: the same change in {len(group.members)} captures: {members}")
        alone = len(groups) - len(shared)
        if alone:
            out.append(f"{'- ' if shared else ''}{alone} other changed reference(s), each a change of its own.")
        out.append("")

    reviewable = changes.reviewable(run)
    if reviewable:
        out += _review_commands(run, reviewable, artifact, run_id)
    return "\n".join(out).rstrip() + "\n"


def _missing(run: RunRecord) -> list[str]:
    """The items whose references were not recorded yet, once, with the command that records them."""
    lacking = [item for item in run.items if item.missing]
    if not lacking:
        return []
    out = [f"### References not recorded yet ({len(lacking)} items)", ""]
    out += [f"- {_code(item.nodeid)}: {', '.join(_code(path) for path in item.missing)}" for item in lacking[:MAX_ROWS]]
    if len(lacking) > MAX_ROWS:
        out.append(f"- and {len(lacking) - MAX_ROWS} more: see `run.json` of the report.")
    return out + ["", f"Record them with {_code(run.record_command or 'regress reference')}.", ""]


def _review_commands(run: RunRecord, reviewable: list[ItemRecord], artifact, run_id) -> list[str]:
    counts = changes.tally(run)
    first = changes.expression([reviewable[0].nodeid], [i.nodeid for i in reviewable])
    out = ["### Review the changed references", "", f"Decisions so far: {changes.tally_text(counts)}.", ""]
    if artifact:
        get = (f"`gh run download {run_id} -n {artifact} -D {DOWNLOAD_DIR}`" if run_id
               else f"download the `{artifact}` artifact and unzip it into `{DOWNLOAD_DIR}/`")
        out += [f"From CI: {get}, then in a checkout of `{(run.git_head or 'unknown')[:12]}` with no local "
                "changes (approving refuses another HEAD or a changed tracked file):", ""]
        where = f" --run {DOWNLOAD_DIR}"
    else:
        out += ["In the checkout that ran it (or, for a CI artifact unzipped into a folder, add "
                f"`--run FOLDER` in a clean checkout of `{(run.git_head or 'unknown')[:12]}`):", ""]
        where = ""
    out += ["```sh",
            f"regress review{where}                # approve or reject in the browser, groups at once",
            f"regress approve{where} -k {_shell(first)}",
            f"regress reject{where} -k {_shell(first)}",
            "```", "", "Then commit what `git diff --stat baselines/` shows.", ""]
    return out


def _components(item: ItemRecord) -> str:
    reference = item.reference
    if reference is not None and reference.boxes:
        return ", ".join(_code(box, table=True) for box in reference.boxes)
    if reference is not None and reference.component:
        return _code(reference.component, table=True)
    if item.failure is not None and item.failure.checks:
        return ", ".join(_code(check, table=True) for check in item.failure.checks[:5])
    return "-"


def _change(item: ItemRecord) -> str:
    reference = item.reference
    if reference is not None and reference.ratio is not None:
        return f"{reference.ratio:.4%} ({reference.diff_pixels} px)"
    if reference is not None and reference.actual and not reference.expected:
        return "new capture, no baseline yet" if reference.is_image else f"new {reference.format}, no reference yet"
    if reference is not None and reference.actual and not reference.is_image:
        return f"{reference.format} reference changed"
    failure = item.failure
    if failure is not None:  # the exception's own message, not pytest's listing of the source
        first = failure.message.strip().splitlines()
        return _code(f"{failure.type}: {first[0]}" if first else failure.type, table=True)
    first = item.message.strip().splitlines()
    return _code(first[0], table=True) if first else "-"


def _table(items: list[ItemRecord], title: str, key: str) -> list[str]:
    """The status table of :func:`regress.run.record.status_counts`, in Markdown."""
    out = [f"| {title} | " + " | ".join(STATUSES) + " |", "|---|" + "--:|" * len(STATUSES)]
    for name, counts in status_counts(items, key):
        cells = " | ".join(f"**{counts[s]}**" if counts[s] and s in FAILING else str(counts[s]) for s in STATUSES)
        out.append(f"| {_code(name, table=True)} | {cells} |")
    return out


def _code(text, *, table: bool = False, limit: int = 160) -> str:
    """``text`` as one inline code span: one line, shortened, fenced by more backticks than it holds."""
    text = " ".join(str(text).split())
    if not text:
        return "-"
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    if table:
        text = text.replace("|", "\\|")  # GitHub splits cells on | even inside code spans
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _shell(text: str) -> str:
    import shlex

    return shlex.quote(text)


def write_summary(run: RunRecord, latest: Path) -> Path:
    """Write ``latest/summary.md`` (atomically). On GitHub Actions the commands name the
    workflow's artifact, ``regress-report-<run id>-<attempt>``."""
    run_id = os.environ.get("GITHUB_RUN_ID")
    artifact = f"regress-report-{run_id}-{os.environ.get('GITHUB_RUN_ATTEMPT', '1')}" if run_id else None
    path = Path(latest) / SUMMARY_MD
    write_atomic(path, render_summary(run, artifact=artifact, run_id=run_id).encode("utf-8"))
    return path
