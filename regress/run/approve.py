"""Decisions on a run's failed references: approve (promote to baselines) and reject.

A reference is any file a check kind compares with (a PNG capture, a YAML or JSON
reference): approving writes the item's actual file over its reference, whatever its format.

``regress approve [-k EXPR]``, ``regress reject -k EXPR`` and the review server
(``regress review``) all decide through :func:`approve_items` and
:func:`reject_items`, so they share one set of refusals and one way of writing.

Works from the run record (``reports/latest/run.json``, or the folder of a
downloaded CI artifact with ``--run DIR``): every failed item with a reference and
what it produced (changed, or without a reference yet), or those whose node id matches
``-k`` (pytest's own -k syntax: case-insensitive substrings combined with
``and``/``or``/``not`` and parentheses). Each baseline it writes is listed.
``approve`` skips captures a reviewer rejected, and says how many.

Approving refuses, with one line, when its captures could be approved against
something nobody reviewed: no run, a run that did not finish (killed) or was
interrupted (SIGINT/SIGTERM), a checkout other than the run's (another git HEAD,
tracked files outside baselines/ and reports/ changed since, or the baselines
changed since), a baseline path outside the run's baselines folder, or a capture
that is gone. A downloaded run is approved in this checkout only when its HEAD,
tracked files and baselines equal the run's. Rejecting writes no baseline, so it
refuses only a run that is missing, unreadable, unfinished or interrupted.

Every writer of a run record here holds its lock, ``run.json.lock`` next to it
(``fcntl.flock``), from reading the record to saving it: a review and a
``regress approve`` in another terminal never interleave. Baselines and the
record are written atomically (temp file, fsync, rename).
"""
from __future__ import annotations

import contextlib
import copy
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Callable, Iterator

from ..model.project import shown_path
from . import baselines, checkout
from .baselines import write_atomic
from .record import RUN_JSON, RecordLockError, RunRecord, RunRecordError, record_lock

RUN_FOLDERS = ("artifacts", "traces")  # where a run keeps its files, inside its folder


class Refusal(Exception):
    """One clear line; exit status 2."""


# --- which run, and where its files are -------------------------------------------------

def run_folder(path: Path) -> Path:
    """The folder holding run.json: ``path`` itself, or its ``latest`` (a --reports-dir)."""
    path = Path(path)
    if not (path / RUN_JSON).is_file() and (path / "latest" / RUN_JSON).is_file():
        return path / "latest"
    return path


def read_run(folder: Path) -> RunRecord:
    """The record in ``folder``, finished or not (what a review shows)."""
    path = Path(folder) / RUN_JSON
    if not path.is_file():
        raise Refusal(f"no run: {path} does not exist; run `regress test` first")
    try:
        return RunRecord.load(path)
    except RunRecordError as err:
        raise Refusal(f"the run's record is unreadable ({err}); run `regress test` again") from None


def load_run_at(folder: Path) -> RunRecord:
    """The record in ``folder``, refused unless the run finished all its items."""
    run = read_run(folder)
    if not run.finished:
        raise Refusal(f"the run (started {run.started}) did not finish; run `regress test` again")
    if run.interrupted:  # finished its report, but not its items
        raise Refusal(f"the run (started {run.started}) was interrupted ({run.interrupted}) "
                      "before all its items ran; run `regress test` again")
    return run


def load_run(reports_dir: Path) -> RunRecord:
    """The last run of a reports folder (``reports/latest``)."""
    return load_run_at(Path(reports_dir) / "latest")


@dataclass
class Localized:
    """A run as seen from here: ``run`` has its files in the folder it is read from and, for a
    run made in another checkout (a CI artifact), its baselines in this one. ``problem``: why
    it cannot be approved here at all."""
    run: RunRecord
    moved: bool = False
    problem: str | None = None


def localize(run: RunRecord, folder: Path, project: Path | None = None) -> Localized:
    """Paths of ``run`` (read from ``folder``) as they are here. Captures, diffs and traces
    are found in ``folder`` whatever folder the run wrote them to; with ``project`` (this
    checkout) other than the run's, its baselines are those of this checkout."""
    local = copy.deepcopy(run)
    folder = Path(folder).resolve()
    for item in local.items:
        if item.reference is not None:
            for name in ("actual", "expected", "diff"):
                setattr(item.reference, name, _in_folder(getattr(item.reference, name), folder))
        item.traces = [_in_folder(trace, folder) for trace in item.traces]
    if project is None or not run.project_root or _same(run.project_root, project):
        return Localized(local)
    project = Path(project).resolve()
    old = PurePath(run.project_root)

    def rebase(path: str | None) -> str | None:
        try:
            return str(project / PurePath(path).relative_to(old)) if path else None
        except ValueError:
            return None

    local.project_root, local.reports_dir = str(project), str(folder.parent)
    problem = None
    if rebase(run.baselines_dir) is None:
        problem = (f"its baselines folder {run.baselines_dir} was outside its project {run.project_root}, "
                   "so it cannot be approved in another checkout")
    else:
        local.baselines_dir = rebase(run.baselines_dir)
        for item in local.items:
            if item.reference is not None:
                item.reference.baseline = rebase(item.reference.baseline) or item.reference.baseline
    return Localized(local, moved=True, problem=problem)


def _in_folder(path: str | None, folder: Path) -> str | None:
    """``.../artifacts/<item>/actual.png`` of a run, inside the folder the run is read from."""
    if not path:
        return path
    parts = PurePath(path).parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in RUN_FOLDERS:
            return str(folder.joinpath(*parts[i:]))
    return path


def _same(a: str | Path, b: str | Path) -> bool:
    return Path(a).resolve() == Path(b).resolve()


# --- the refusals of approving ------------------------------------------------------------

def check_checkout(run: RunRecord, moved: bool = False) -> None:
    """Refuse unless the checkout at ``run.project_root`` is the one the run ran on."""
    root = Path(run.project_root or Path.cwd())
    since = "this checkout is not the run's" if moved else "the checkout changed since the last run"
    head = checkout.git_head(root)
    if head != run.git_head:
        raise Refusal(f"{since} (HEAD {_short(run.git_head)} then, {_short(head)} now); "
                      "run `regress test` again before approving")
    then, now = run.worktree_changes, checkout.worktree_changes(root)
    if then != now:
        then, now = then or {}, now or {}
        differ = sorted(name for name in set(then) | set(now) if then.get(name, "") != now.get(name, ""))
        shown = ", ".join(differ[:5]) + (f" and {len(differ) - 5} more" if len(differ) > 5 else "")
        what = "tracked files differ from the run's" if moved else "tracked files changed since the last run"
        raise Refusal(f"{what} ({shown or 'git unavailable now or then'}); "
                      "restore them, or run `regress test` again before approving")
    folder = Path(run.baselines_dir or "")
    if baselines.digest(folder) != run.baselines_digest:
        what = "differ from the run's" if moved else "changed since the last run"
        raise Refusal(f"the baselines in {folder} {what}; run `regress test` again before approving")


def matcher(expr: str | None) -> Callable[[str], bool]:
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


# --- the lock ------------------------------------------------------------------------------

@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """:func:`regress.run.record.record_lock` of an existing run; a Refusal for no run or a busy lock."""
    if not (Path(folder) / RUN_JSON).is_file():
        raise Refusal(f"no run: {Path(folder) / RUN_JSON} does not exist; run `regress test` first")
    try:
        with record_lock(folder):
            yield
    except RecordLockError as err:  # only the lock raises it
        raise Refusal(str(err)) from None


# --- deciding --------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What one decision did. ``decided``: the node ids approved or rejected now; ``skipped``:
    those left alone (approve: rejected ones; reject: approved ones); ``candidates``: how many
    captures were left to decide."""
    lines: list[str] = field(default_factory=list)
    decided: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    candidates: int = 0
    run: RunRecord | None = None  # the record as saved (localized)


def _select(select: "Callable[[str], bool] | set[str] | list[str]") -> Callable[[str], bool]:
    if callable(select):
        return select
    wanted = set(select)
    return lambda nodeid: nodeid in wanted


def _same_run(run: RunRecord, started: str | None, folder: Path) -> None:
    if started is not None and run.started != started:
        raise Refusal(f"{folder / RUN_JSON} is another run now (started {run.started}); "
                      "review that one with `regress review` again")


def approve_items(folder: Path, select, *, project: Path | None = None, skip_rejected: bool = True,
                  started: str | None = None) -> Outcome:
    """Promote the chosen captures of the run in ``folder`` to baselines, all or none.

    ``select``: a -k style predicate over node ids, or the node ids themselves. Rejected
    captures are skipped unless ``skip_rejected`` is False (an explicit approve in a review
    overrides a rejection). ``started``: the run the caller showed; another one is refused."""
    folder = Path(folder)
    match = _select(select)
    with _locked(folder):
        raw = load_run_at(folder)
        _same_run(raw, started, folder)
        local = localize(raw, folder, project)
        if local.problem:
            raise Refusal(local.problem)
        run = local.run
        check_checkout(run, local.moved)
        candidates = [item for item in run.items if item.reviewable and not item.approved]
        matching = [item for item in candidates if match(item.nodeid)]
        skipped = [item for item in matching if item.rejected] if skip_rejected else []
        chosen = [item for item in matching if item not in skipped]
        outcome = Outcome(skipped=[i.nodeid for i in skipped], candidates=len(candidates), run=run)
        if not chosen:
            return outcome
        root = Path(run.baselines_dir or "").resolve()
        project_root = Path(run.project_root or Path.cwd())
        for item in chosen:  # check everything before writing anything
            baseline = Path(item.reference.baseline).resolve()
            if root not in baseline.parents:
                raise Refusal(f"{item.nodeid}: baseline {baseline} is outside {root}")
            if not Path(item.reference.actual).is_file():
                what = "capture" if item.reference.is_image else f"actual {item.reference.format}"
                raise Refusal(f"{item.nodeid}: its {what} {item.reference.actual} is gone; run `regress test` again")
        by_id = {item.nodeid: item for item in raw.items}
        for item in chosen:
            baseline = Path(item.reference.baseline)
            how = "replaced" if baseline.exists() else "new"
            write_atomic(baseline, Path(item.reference.actual).read_bytes())
            for record in (item, by_id[item.nodeid]):
                record.approved, record.rejected = True, False
            outcome.decided.append(item.nodeid)
            outcome.lines.append(f"{how} {shown_path(baseline, project_root)}  ({item.nodeid})")
        # our own writes are the new state the run is compared with, so approving can go on in steps
        raw.baselines_digest = run.baselines_digest = baselines.digest(root)
        raw.save(folder / RUN_JSON)
        outcome.lines.append(f"{len(chosen)} baseline(s) written; review with "
                             f"`git diff --stat {shown_path(root, project_root)}`")
        return outcome


def reject_items(folder: Path, select, *, strict: bool = False, started: str | None = None) -> Outcome:
    """Record that the chosen captures are turned down. An approved capture (its baseline is
    written) is skipped, or with ``strict`` (a review's all-or-nothing) refused."""
    folder = Path(folder)
    match = _select(select)
    with _locked(folder):
        run = load_run_at(folder)
        _same_run(run, started, folder)
        matching = [item for item in run.items if item.reviewable and match(item.nodeid)]
        approved = [item for item in matching if item.approved]
        if approved and strict:
            names = ", ".join(item.nodeid for item in approved[:3]) + (" ..." if len(approved) > 3 else "")
            raise Refusal(f"already approved, its baseline written: {names}; "
                          "restore the baseline with git to take it back")
        chosen = [item for item in matching if not item.approved and not item.rejected]
        outcome = Outcome(skipped=[i.nodeid for i in approved],
                          candidates=sum(1 for i in run.items if i.reviewable and not i.approved and not i.rejected),
                          run=run)
        for item in chosen:
            item.rejected = True
            outcome.decided.append(item.nodeid)
            outcome.lines.append(f"rejected {item.nodeid}")
        if chosen:
            run.save(folder / RUN_JSON)
        return outcome


# --- the command-line verbs ---------------------------------------------------------------

def approve(reports_dir: Path, expr: str | None = None, out=sys.stdout, *, run_dir: Path | None = None,
            project: Path | None = None) -> int:
    """Exit status: 0 written, 1 nothing matches; Refusal (2) for the cases above."""
    folder = run_folder(run_dir) if run_dir is not None else Path(reports_dir) / "latest"
    if run_dir is None and not (folder / RUN_JSON).is_file():
        raise Refusal(f"no last run: {folder / RUN_JSON} does not exist; run `regress test` first")
    outcome = approve_items(folder, matcher(expr), project=project if run_dir is not None else None)
    if outcome.skipped:
        print(f"approve: skipped {len(outcome.skipped)} rejected capture(s) "
              f"({_listed(outcome.skipped)}); approve them in `regress review`", file=out)
    if not outcome.decided:
        what = f"matches -k {expr!r}" if expr else "is left to approve"
        print(f"approve: no failed reference item of the last run {what} "
              f"({outcome.candidates} failed reference item(s) not yet approved)", file=out)
        return 1
    for line in outcome.lines[:-1]:
        print(line, file=out)
    print(f"approve: {outcome.lines[-1]}", file=out)
    return 0


def reject(reports_dir: Path, expr: str, out=sys.stdout, *, run_dir: Path | None = None) -> int:
    """Exit status: 0 recorded, 1 nothing matches; Refusal (2) for a missing or unfinished run."""
    folder = run_folder(run_dir) if run_dir is not None else Path(reports_dir) / "latest"
    outcome = reject_items(folder, matcher(expr))
    if outcome.skipped:
        print(f"reject: skipped {len(outcome.skipped)} approved capture(s) ({_listed(outcome.skipped)}): "
              "their baselines are written; restore them with git to take them back", file=out)
    if not outcome.decided:
        print(f"reject: no failed reference item of the run matches -k {expr!r} and is undecided "
              f"({outcome.candidates} undecided)", file=out)
        return 1
    for line in outcome.lines:
        print(line, file=out)
    print(f"reject: {len(outcome.decided)} capture(s) rejected; `regress approve` skips them", file=out)
    return 0


def _listed(nodeids: list[str], most: int = 3) -> str:
    return ", ".join(nodeids[:most]) + (f" and {len(nodeids) - most} more" if len(nodeids) > most else "")


def _short(head: str | None) -> str:
    return head[:12] if head else "unknown"

