"""The `regress` command: thin verbs over pytest and the run layer, BackstopJS-style.

    regress test [PYTEST ARGS]          run the regression suite (compare against baselines)
    regress reference [--target NAME]   write the target's missing baselines and chrome reference
    regress approve [-k EXPR]           promote the last run's failed captures to baselines
    regress reject -k EXPR              turn captures down: approve skips them
    regress review [--run DIR]          approve and reject in the browser (groups of identical changes at once)
    regress prune [PYTEST ARGS]         delete baselines that no scenario uses any more
    regress merge OUT_DIR SHARD_DIR...  combine CI shards' reports into one
    regress serve [--port N] [--mutation NAME] [--list-mutations]   serve the demo site
    regress setup                       make sure a browser is there (Debian's, as root)
    regress remote server|cdp           start a remote browser with the suite's flags
    regress schema [--output DIR] [--check]   write (or check) the JSON Schemas editors use for the YAML files

Paths are the project's (the current directory): config/, baselines/, reports/.
`python -m regress VERB` does the same. Exit status 2 with one line for a refusal
or a usage error.
"""
from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from .model.project import ProjectPaths



def _suite(paths: ProjectPaths) -> list[str]:
    """What `regress test` runs: tests/regression (which collects the scenarios too) if the
    project has it, else the scenario folder."""
    return [str(paths.regression_suite if paths.regression_suite.is_dir() else paths.scenarios)]


def _pytest(args: list[str]) -> int:
    import pytest

    return int(pytest.main(args))


def test(args: list[str], paths: ProjectPaths) -> int:
    return _pytest([*_suite(paths), *args])


def reference(args: list[str], paths: ProjectPaths) -> int:
    """The target's missing references: visual baselines, and the chrome reference of the
    suite's chrome tests (marked ``chrome``), in baselines/<target>/: the items of every kind that
    keeps a reference file (visual, spacing...), each marked with its kind."""
    return _pytest([*_suite(paths), "-m", reference_marker(), "--update-baselines", "missing", *args])


def reference_marker() -> str:
    """The -m expression of the items that keep references: each kind with reference files, and chrome."""
    from .checks import kinds

    return " or ".join([*(name for name, kind in sorted(kinds().items()) if kind.references is not None), "chrome"])


def prune(args: list[str], paths: ProjectPaths) -> int:
    """Collect only (no browser): the plugin's summary lists and removes the unused baselines."""
    return _pytest([*_suite(paths), "--collect-only", "-q", "--prune-baselines", *args])


def _run_options(parser: argparse.ArgumentParser, paths: ProjectPaths) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--reports-dir", type=Path, default=paths.reports, metavar="DIR",
                       help="the suite's --reports-dir: its last run (default: $REGRESS_REPORTS_DIR or reports/)")
    where.add_argument("--run", type=Path, default=None, metavar="DIR",
                       help="another run's folder, e.g. a downloaded CI report artifact (decided in this "
                            "checkout, which must be the run's: same HEAD, same tracked files)")


def approve(args: list[str], paths: ProjectPaths) -> int:
    from .run.approve import Refusal
    from .run.approve import approve as promote

    parser = argparse.ArgumentParser(prog="regress approve", description="Promote the last run's failed "
                                     "visual captures to baselines (all, or those matching -k); "
                                     "rejected ones are skipped.")
    parser.add_argument("-k", dest="expr", metavar="EXPR", default=None,
                        help="only node ids matching this pytest -k style expression")
    _run_options(parser, paths)
    options = parser.parse_args(args)
    try:
        return promote(options.reports_dir, options.expr, run_dir=options.run, project=paths.root)
    except Refusal as err:
        print(f"approve: refused: {err}", file=sys.stderr)
        return 2


def reject(args: list[str], paths: ProjectPaths) -> int:
    from .run.approve import Refusal
    from .run.approve import reject as turn_down

    parser = argparse.ArgumentParser(prog="regress reject", description="Record that the last run's failed "
                                     "visual captures matching -k are turned down: `regress approve` skips them.")
    parser.add_argument("-k", dest="expr", metavar="EXPR", required=True,
                        help="node ids matching this pytest -k style expression")
    _run_options(parser, paths)
    options = parser.parse_args(args)
    try:
        return turn_down(options.reports_dir, options.expr, run_dir=options.run)
    except Refusal as err:
        print(f"reject: refused: {err}", file=sys.stderr)
        return 2


def review(args: list[str], paths: ProjectPaths) -> int:
    from .review import serve as serve_review
    from .run.approve import Refusal, run_folder

    parser = argparse.ArgumentParser(prog="regress review", description="Serve a run's report on 127.0.0.1 "
                                     "to approve and reject its visual changes in the browser.")
    _run_options(parser, paths)
    parser.add_argument("--no-open", action="store_true", help="print the address; do not open a browser")
    parser.add_argument("--port", type=int, default=0, metavar="N", help="the port (default: a free one)")
    options = parser.parse_args(args)
    folder = run_folder(options.run) if options.run is not None else options.reports_dir / "latest"
    try:
        return serve_review(folder, paths.root if options.run is not None else None, paths.reports,
                            port=options.port, open_browser=not options.no_open)
    except Refusal as err:
        print(f"review: refused: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # the port is taken, most likely
        print(f"review: cannot serve on 127.0.0.1:{options.port}: {err}", file=sys.stderr)
        return 2


def merge(args: list[str], paths: ProjectPaths) -> int:
    from .run.merge import MergeError
    from .run.merge import merge as combine

    parser = argparse.ArgumentParser(prog="regress merge", description="Combine the reports of CI shards "
                                     "(--shard i/n) into one.")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("shard_dirs", type=Path, nargs="+", metavar="SHARD_DIR")
    options = parser.parse_args(args)
    try:
        lines = combine(options.out_dir, options.shard_dirs, paths.reports)
    except (FileNotFoundError, ET.ParseError, ValueError, MergeError) as err:
        for line in getattr(err, "lines", []):
            print(line)
        print(f"merge: {err}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0


def serve(args: list[str], paths: ProjectPaths) -> int:
    from demo_site.__main__ import main as serve_demo

    return serve_demo(args) or 0


def setup(args: list[str], paths: ProjectPaths) -> int:
    from .browser.chromium import ensure

    return ensure()


def remote(args: list[str], paths: ProjectPaths) -> int:
    """Start a remote browser with the suite's flags and print the option that uses it."""
    import time

    from .browser.remote import server_config, start_browser_server, start_cdp_chromium

    parser = argparse.ArgumentParser(prog="regress remote", description=remote.__doc__)
    parser.add_argument("mode", choices=("server", "cdp"),
                        help="server: playwright launch-server (ws); cdp: chromium --remote-debugging-port")
    parser.add_argument("--allow-host", action="append", default=[],
                        help="a third-party host the browser may resolve (repeatable)")
    options = parser.parse_args(args)
    if options.mode == "server":
        browser = start_browser_server(server_config(allowed_hosts=options.allow_host))
        print(f"--browser-server {browser.endpoint}", flush=True)
    else:
        browser = start_cdp_chromium(allowed_hosts=options.allow_host)
        print(f"--cdp-endpoint {browser.endpoint}", flush=True)
    try:
        while browser.proc.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        browser.stop()
    return 0


def schema(args: list[str], paths: ProjectPaths) -> int:
    """Write the JSON Schemas of scenario and settings files (config/schema/), or check they are current."""
    from .checks import editor_schemas
    from .model.scenario import ScenarioError, load_settings
    from .run.baselines import write_atomic

    parser = argparse.ArgumentParser(prog="regress schema", description=schema.__doc__)
    parser.add_argument("--output", type=Path, default=paths.schemas, metavar="DIR",
                        help="the folder of the schema files (default: config/schema)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a file differs from what would be written")
    options = parser.parse_args(args)
    try:
        texts = editor_schemas(load_settings(paths.settings))  # the project's viewports
    except ScenarioError as err:
        print(f"schema: {err}", file=sys.stderr)
        return 2
    targets = {options.output / name: text for name, text in texts.items()}
    if options.check:
        stale = [paths.shown(p) for p, text in targets.items()
                 if not p.is_file() or p.read_text(encoding="utf-8") != text]
        if stale:
            print(f"schema: {', '.join(stale)} not what the schema objects give; run `regress schema`",
                  file=sys.stderr)
            return 1
        print(f"schema: {', '.join(paths.shown(p) for p in targets)} up to date")
        return 0
    for path, text in targets.items():
        write_atomic(path, text.encode("utf-8"))
        print(f"wrote {paths.shown(path)}")
    return 0


COMMANDS = {"test": test, "reference": reference, "approve": approve, "reject": reject, "review": review,
            "prune": prune, "merge": merge, "serve": serve, "setup": setup, "remote": remote,
            "schema": schema}
VERBS = tuple(COMMANDS)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verb = args.pop(0) if args else "help"
    if verb in ("help", "-h", "--help"):
        print(__doc__.strip())
        return 0
    if verb not in VERBS:
        print(f"regress: unknown command {verb!r}; valid: {', '.join(VERBS)}", file=sys.stderr)
        return 2
    return COMMANDS[verb](args, ProjectPaths.here())
