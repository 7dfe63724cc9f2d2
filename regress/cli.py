"""The `regress` command: thin verbs over pytest and the run layer, BackstopJS-style.

    regress test [PYTEST ARGS]          run the regression suite (compare against baselines)
    regress reference [PYTEST ARGS]     write the visual baselines that are missing
    regress approve [-k EXPR]           promote the last run's failed captures to baselines
    regress prune [PYTEST ARGS]         delete baselines that no scenario uses any more
    regress merge OUT_DIR SHARD_DIR...  combine CI shards' reports into one
    regress serve [--port N] [--mutation NAME] [--list-mutations]   serve the demo site
    regress setup                       make sure a browser is there (Debian's, as root)
    regress remote server|cdp           start a remote browser with the suite's flags

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
    return _pytest([*_suite(paths), "-m", "visual", "--update-baselines", "missing", *args])


def prune(args: list[str], paths: ProjectPaths) -> int:
    """Collect only (no browser): the plugin's summary lists and removes the unused baselines."""
    return _pytest([*_suite(paths), "--collect-only", "-q", "--prune-baselines", *args])


def approve(args: list[str], paths: ProjectPaths) -> int:
    from .run.approve import Refusal
    from .run.approve import approve as promote

    parser = argparse.ArgumentParser(prog="regress approve", description="Promote the last run's failed "
                                     "visual captures to baselines (all, or those matching -k).")
    parser.add_argument("-k", dest="expr", metavar="EXPR", default=None,
                        help="only node ids matching this pytest -k style expression")
    parser.add_argument("--reports-dir", type=Path, default=paths.reports, metavar="DIR",
                        help="the suite's --reports-dir (default: $REGRESS_REPORTS_DIR or reports/)")
    options = parser.parse_args(args)
    try:
        return promote(options.reports_dir, options.expr)
    except Refusal as err:
        print(f"approve: refused: {err}", file=sys.stderr)
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


COMMANDS = {"test": test, "reference": reference, "approve": approve, "prune": prune, "merge": merge,
            "serve": serve, "setup": setup, "remote": remote}
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
