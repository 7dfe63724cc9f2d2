"""Promote the last run's failed visual captures to baselines.

    python -m regress.approve [-k EXPR] [--reports-dir DIR]
    make approve [K=EXPR]

Works from ``reports/latest/run.json``: every failed visual item with a capture
(changed, or without a baseline yet), or those whose node id matches ``-k``
(pytest's own -k syntax: case-insensitive substrings combined with
``and``/``or``/``not`` and parentheses). Each baseline it writes is listed.

Refuses, exit status 2 and one line, when its captures could be approved against
something nobody reviewed: no last run, a run that did not finish (killed) or was
interrupted (SIGINT/SIGTERM), a checkout other than the run's (another git HEAD,
tracked files outside baselines/ and reports/ changed since, or the baselines
changed since), a baseline path outside the run's baselines folder, or a
capture that is gone.
Exit status 1 when nothing matches.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import report
from .baselines import write_atomic


class Refusal(Exception):
    """One clear line; exit status 2."""


def load_run(reports_dir: Path) -> dict:
    import json

    path = reports_dir / "latest" / report.RUN_JSON
    if not path.is_file():
        raise Refusal(f"no last run: {path} does not exist; run `make regress` first")
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise Refusal(f"the last run's record {path} is unreadable ({err}); run `make regress` again") from None
    if not run.get("finished"):
        raise Refusal(f"the last run (started {run.get('started')}) did not finish; run `make regress` again")
    if run.get("interrupted"):  # finished its report, but not its items
        raise Refusal(f"the last run (started {run.get('started')}) was interrupted ({run['interrupted']}) "
                      "before all its items ran; run `make regress` again")
    return run


def check_checkout(run: dict) -> None:
    head = report.git_head()
    if head != run.get("git_head"):
        raise Refusal(f"the checkout changed since the last run (HEAD {_short(run.get('git_head'))} then, "
                      f"{_short(head)} now); run `make regress` again before approving")
    then, now = run.get("worktree_changes"), report.worktree_changes()
    if "worktree_changes" not in run:
        raise Refusal("the last run did not record the state of the working tree; run `make regress` again")
    if then != now:
        then, now = then or {}, now or {}
        differ = sorted(name for name in set(then) | set(now) if then.get(name, "") != now.get(name, ""))
        shown = ", ".join(differ[:5]) + (f" and {len(differ) - 5} more" if len(differ) > 5 else "")
        raise Refusal(f"tracked files changed since the last run ({shown or 'git unavailable now or then'}); "
                      "restore them, or run `make regress` again before approving")
    root = Path(run["baselines_dir"])
    if report.baselines_digest(root) != run.get("baselines_digest"):
        raise Refusal(f"the baselines in {root} changed since the last run; run `make regress` again before approving")


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
    run = load_run(reports_dir)
    check_checkout(run)
    match = matcher(expr)
    candidates = [item for item in run.get("items", [])
                  if item.get("status") == "failed" and (item.get("visual") or {}).get("actual")
                  and not item.get("approved")]
    chosen = [item for item in candidates if match(item["nodeid"])]
    if not chosen:
        what = f"matches -k {expr!r}" if expr else "is left to approve"
        print(f"approve: no failed visual item of the last run {what} "
              f"({len(candidates)} failed visual item(s) not yet approved)", file=out)
        return 1
    root = Path(run["baselines_dir"]).resolve()
    for item in chosen:  # check everything before writing anything
        visual = item["visual"]
        baseline = Path(visual["baseline"]).resolve()
        if root not in baseline.parents:
            raise Refusal(f"{item['nodeid']}: baseline {baseline} is outside {root}")
        if not Path(visual["actual"]).is_file():
            raise Refusal(f"{item['nodeid']}: its capture {visual['actual']} is gone; run `make regress` again")
    for item in chosen:
        visual = item["visual"]
        baseline = Path(visual["baseline"])
        how = "replaced" if baseline.exists() else "new"
        write_atomic(baseline, Path(visual["actual"]).read_bytes())
        item["approved"] = True
        print(f"{how} {_display(baseline)}  ({item['nodeid']})", file=out)
    # our own writes are the new state the run is compared with, so approving can go on in steps
    run["baselines_digest"] = report.baselines_digest(root)
    report.write_json(reports_dir / "latest" / report.RUN_JSON, run)
    print(f"approve: {len(chosen)} baseline(s) written; review with `git diff --stat {_display(root)}`", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m regress.approve", description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", dest="expr", metavar="EXPR", default=None,
                        help="only node ids matching this pytest -k style expression")
    parser.add_argument("--reports-dir", default=str(report.default_reports_dir()), metavar="DIR",
                        help="the suite's --reports-dir (default: $REGRESS_REPORTS_DIR or reports/)")
    args = parser.parse_args(argv)
    try:
        return approve(Path(args.reports_dir), args.expr)
    except Refusal as err:
        print(f"approve: refused: {err}", file=sys.stderr)
        return 2


def _short(head: str | None) -> str:
    return head[:12] if head else "unknown"


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(report.ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
