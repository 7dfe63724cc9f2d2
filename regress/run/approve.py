"""Promote a run's failed visual captures to baselines (``regress approve [-k EXPR]``).

Works from the run record (``reports/latest/run.json``): every failed visual
item with a capture (changed, or without a baseline yet), or those whose node
id matches ``-k`` (pytest's own -k syntax: case-insensitive substrings combined
with ``and``/``or``/``not`` and parentheses). Each baseline it writes is listed.

Refuses, with one line, when its captures could be approved against something
nobody reviewed: no last run, a run that did not finish (killed) or was
interrupted (SIGINT/SIGTERM), a checkout other than the run's (another git HEAD,
tracked files outside baselines/ and reports/ changed since, or the baselines
changed since), a baseline path outside the run's baselines folder, or a
capture that is gone.
"""
from __future__ import annotations

import sys
from pathlib import Path

from . import baselines, checkout
from .baselines import write_atomic
from .record import RUN_JSON, RunRecord, RunRecordError


class Refusal(Exception):
    """One clear line; exit status 2."""


def load_run(reports_dir: Path) -> RunRecord:
    path = reports_dir / "latest" / RUN_JSON
    if not path.is_file():
        raise Refusal(f"no last run: {path} does not exist; run `regress test` first")
    try:
        run = RunRecord.load(path)
    except RunRecordError as err:
        raise Refusal(f"the last run's record is unreadable ({err}); run `regress test` again") from None
    if not run.finished:
        raise Refusal(f"the last run (started {run.started}) did not finish; run `regress test` again")
    if run.interrupted:  # finished its report, but not its items
        raise Refusal(f"the last run (started {run.started}) was interrupted ({run.interrupted}) "
                      "before all its items ran; run `regress test` again")
    return run


def check_checkout(run: RunRecord) -> None:
    root = Path(run.project_root or Path.cwd())
    head = checkout.git_head(root)
    if head != run.git_head:
        raise Refusal(f"the checkout changed since the last run (HEAD {_short(run.git_head)} then, "
                      f"{_short(head)} now); run `regress test` again before approving")
    then, now = run.worktree_changes, checkout.worktree_changes(root)
    if then != now:
        then, now = then or {}, now or {}
        differ = sorted(name for name in set(then) | set(now) if then.get(name, "") != now.get(name, ""))
        shown = ", ".join(differ[:5]) + (f" and {len(differ) - 5} more" if len(differ) > 5 else "")
        raise Refusal(f"tracked files changed since the last run ({shown or 'git unavailable now or then'}); "
                      "restore them, or run `regress test` again before approving")
    folder = Path(run.baselines_dir or "")
    if baselines.digest(folder) != run.baselines_digest:
        raise Refusal(f"the baselines in {folder} changed since the last run; run `regress test` again before approving")


def matcher(expr: str | None):
    """-k semantics of pytest over the node id; pytest's own parser when available."""
    if not expr:
        return lambda nodeid: True
    try:
        from _pytest.mark.expression import Expression
    except ImportError:  # pragma: no cover - pytest moved it: plain substring
        return lambda nodeid: expr.lower() in nodeid.lower()
    try:
        compiled = Expression.compile(expr)
    except SyntaxError as err:
        raise Refusal(f"-k {expr!r} is not a valid expression: {err}") from None

    def match(nodeid: str) -> bool:
        lowered = nodeid.lower()
        return compiled.evaluate(lambda name, **kwargs: not kwargs and name.lower() in lowered)

    return match


def approve(reports_dir: Path, expr: str | None = None, out=sys.stdout) -> int:
    """Exit status: 0 written, 1 nothing matches; Refusal (2) for the cases above."""
    run = load_run(reports_dir)
    check_checkout(run)
    match = matcher(expr)
    candidates = [item for item in run.items
                  if item.status == "failed" and item.visual is not None and item.visual.actual
                  and not item.approved]
    chosen = [item for item in candidates if match(item.nodeid)]
    if not chosen:
        what = f"matches -k {expr!r}" if expr else "is left to approve"
        print(f"approve: no failed visual item of the last run {what} "
              f"({len(candidates)} failed visual item(s) not yet approved)", file=out)
        return 1
    root = Path(run.baselines_dir or "").resolve()
    project = Path(run.project_root or Path.cwd())
    for item in chosen:  # check everything before writing anything
        baseline = Path(item.visual.baseline).resolve()
        if root not in baseline.parents:
            raise Refusal(f"{item.nodeid}: baseline {baseline} is outside {root}")
        if not Path(item.visual.actual).is_file():
            raise Refusal(f"{item.nodeid}: its capture {item.visual.actual} is gone; run `regress test` again")
    for item in chosen:
        baseline = Path(item.visual.baseline)
        how = "replaced" if baseline.exists() else "new"
        write_atomic(baseline, Path(item.visual.actual).read_bytes())
        item.approved = True
        print(f"{how} {_display(baseline, project)}  ({item.nodeid})", file=out)
    # our own writes are the new state the run is compared with, so approving can go on in steps
    run.baselines_digest = baselines.digest(root)
    run.save(reports_dir / "latest" / RUN_JSON)
    print(f"approve: {len(chosen)} baseline(s) written; review with `git diff --stat {_display(root, project)}`",
          file=out)
    return 0


def _short(head: str | None) -> str:
    return head[:12] if head else "unknown"


def _display(path: Path, project: Path) -> str:
    """``baselines/demo/article/...`` inside the run's project, else the path as it is."""
    try:
        return str(Path(path).resolve().relative_to(project.resolve()))
    except ValueError:
        return str(path)
