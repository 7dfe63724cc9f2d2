"""CI shards: ``--shard i/n`` runs one n-th of the items; ``merge`` combines the shards' reports.

Splitting (registered by :mod:`regress.plugin`): after ``-k``/``-m`` have
deselected, the remaining items are ordered by a stable hash of their node id
(sha1, ties by node id) and dealt round-robin; shard ``i`` keeps every n-th.
The same checkout and arguments always give the same split, every item is in
exactly one shard, and shard sizes differ by at most one. The hash mixes
pages and viewports, so shards also cost about the same. It composes with
``-n`` (each xdist worker collects and computes the same split).

Merging::

    python -m regress.shard merge OUT_DIR SHARD_DIR [SHARD_DIR ...]

A SHARD_DIR is a shard's reports ``latest`` folder (or the ``--reports-dir``
holding it, or any folder with a ``junit.xml``). OUT_DIR gets one
``junit.xml`` (all test cases in one suite, counts summed), and when the
shards wrote them a combined ``run.json`` (items of all shards), their
``artifacts/`` and ``traces/`` folders, and ``index.html`` re-rendered by
:mod:`regress.report`. With OUT_DIR = ``reports/latest`` the merged run is
what ``make approve`` works from. Exit status 2 and one line on stderr when a
shard folder or record is unreadable, or the merged report cannot be rendered.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

USAGE = "--shard must be i/n with 1 <= i <= n"
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


# --- splitting ----------------------------------------------------------------------

def parse_shard(value: str | None) -> tuple[int, int] | None:
    """``"2/3"`` -> (2, 3); None for no sharding; ValueError(USAGE) when malformed."""
    if value is None:
        return None
    m = _SHARD.match(str(value))
    if not m:
        raise ValueError(USAGE)
    index, total = int(m.group(1)), int(m.group(2))
    if not 1 <= index <= total:
        raise ValueError(USAGE)
    return index, total


def _order_key(nodeid: str) -> tuple[str, str]:
    return hashlib.sha1(nodeid.encode("utf-8")).hexdigest(), nodeid


def shard_of(nodeids, index: int, total: int) -> set[str]:
    """The node ids shard ``index`` (1-based) of ``total`` keeps."""
    ordered = sorted(set(nodeids), key=_order_key)
    return set(ordered[index - 1::total])


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("regress", "news-site regression suite")
    group.addoption("--shard", default=None, metavar="i/n",
                    help="run only shard i of n (1-based): a deterministic, even split of the selected "
                         "items; merge the shards' reports with `python -m regress.shard merge`")


def pytest_configure(config: pytest.Config) -> None:
    try:
        config.stash[SHARD_KEY] = parse_shard(config.getoption("--shard"))
    except ValueError as err:
        raise pytest.UsageError(f"{err} (got {config.getoption('--shard')!r})") from None


@pytest.hookimpl(trylast=True)  # after -k/-m: split what they selected
def pytest_collection_modifyitems(session, config: pytest.Config, items: list) -> None:
    shard = config.stash.get(SHARD_KEY, None)
    if not shard:
        return
    keep = shard_of([item.nodeid for item in items], *shard)
    selected = [item for item in items if item.nodeid in keep]
    deselected = [item for item in items if item.nodeid not in keep]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_report_collectionfinish(config: pytest.Config, items) -> str | None:
    shard = config.stash.get(SHARD_KEY, None)
    return f"shard {shard[0]}/{shard[1]}: {len(items)} items" if shard else None


SHARD_KEY = pytest.StashKey[object]()


# --- merging ------------------------------------------------------------------------

_COUNTS = ("tests", "errors", "failures", "skipped")


def _shard_root(path: Path) -> Path:
    for candidate in (path, path / "latest"):
        if (candidate / "junit.xml").is_file() or (candidate / "run.json").is_file():
            return candidate
    raise FileNotFoundError(f"{path}: no junit.xml or run.json here or in {path / 'latest'}")


def merge_junit(paths: list[Path]) -> ET.ElementTree:
    """One ``<testsuites>`` with one ``<testsuite name="pytest">`` holding every shard's test cases."""
    merged = ET.Element("testsuite", {"name": "pytest"})
    totals = dict.fromkeys(_COUNTS, 0)
    duration = 0.0
    stamps, hosts = [], []
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as err:
            raise MergeError(f"{path} is not JUnit XML ({err})") from None
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        for suite in suites:
            for key in _COUNTS:
                totals[key] += int(suite.get(key, 0) or 0)
            duration += float(suite.get("time", 0) or 0)
            if suite.get("timestamp"):
                stamps.append(suite.get("timestamp"))
            if suite.get("hostname"):
                hosts.append(suite.get("hostname"))
            for child in suite:
                if child.tag == "properties":
                    continue  # per-shard properties; test cases keep their own
                merged.append(copy.deepcopy(child))
    for key in _COUNTS:
        merged.set(key, str(totals[key]))
    merged.set("time", f"{duration:.3f}")  # summed test time, not wall time
    if stamps:
        merged.set("timestamp", min(stamps))
    if hosts:
        merged.set("hostname", ",".join(dict.fromkeys(hosts)))
    suites = ET.Element("testsuites", {"name": "pytest tests"})
    suites.append(merged)
    return ET.ElementTree(suites)


def _exitstatus(values: list[int]) -> int:
    """pytest exit codes combined: 1 (failures) wins, then any other error, 0; 5 only if all had no tests."""
    if 1 in values:
        return 1
    errors = [v for v in values if v not in (0, 1, 5)]
    if errors:
        return max(errors)
    return 5 if values and all(v == 5 for v in values) else 0


def _rewrite_paths(value, mapping: dict[str, str]):
    if isinstance(value, str):
        for old, new in mapping.items():
            if value == old or value.startswith(old + "/"):
                return new + value[len(old):]
        return value
    if isinstance(value, list):
        return [_rewrite_paths(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_paths(v, mapping) for k, v in value.items()}
    return value


def merge_runs(shard_roots: list[Path], out: Path) -> dict | None:
    """A combined run.json record (items of all shards), artifact paths pointing into ``out``."""
    runs = []
    for root in shard_roots:
        path = root / "run.json"
        if path.is_file():
            try:
                run = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as err:
                raise MergeError(f"{path} is not a run record ({err})") from None
            items = run.get("items") if isinstance(run, dict) else None
            if not isinstance(items, list) or not all(isinstance(e, dict) and "nodeid" in e for e in items):
                raise MergeError(f"{path} is not a run record (it needs a list of items, each with a nodeid)")
            runs.append((root, run))
    if not runs:
        return None
    merged = dict(runs[0][1])
    items: dict[str, dict] = {}
    for root, run in runs:
        mapping = {str(root.resolve() / name): str(out.resolve() / name) for name in ("artifacts", "traces")}
        for entry in run["items"]:
            entry = _rewrite_paths(entry, mapping)
            items.setdefault(entry["nodeid"], entry)
    started = [r.get("started") for _, r in runs if r.get("started")]
    finished = [r.get("finished") for _, r in runs]
    merged.update(
        items=list(items.values()),
        started=min(started) if started else None,
        finished=max(finished) if all(finished) else None,  # unfinished if any shard did not finish
        interrupted=next((r["interrupted"] for _, r in runs if r.get("interrupted")), None),  # so is the merge
        exitstatus=_exitstatus([int(r.get("exitstatus", 0) or 0) for _, r in runs]),
        duration=max(float(r.get("duration", 0) or 0) for _, r in runs),  # shards run side by side
        reports_dir=str(out.resolve().parent),
        shards=[str(root) for root, _ in runs],
    )
    return merged


def _render_index(out: Path, run: dict) -> str | None:
    """Re-render index.html with regress.report; returns why not, or None when done."""
    try:
        from . import report
    except ImportError as err:
        return f"regress.report unavailable ({err})"
    public = getattr(report, "render_run", None) or getattr(report, "render_index", None)
    try:
        if public is not None:
            public(out, run)
            return None
        # No public API (yet): drive the plugin's renderer on the merged record.
        import datetime

        plugin = object.__new__(report.ReportPlugin)
        plugin.latest, plugin.run = out, run
        finished = run.get("finished")
        end = datetime.datetime.fromisoformat(finished).timestamp() if finished else 0.0
        plugin.started = end - float(run.get("duration") or 0)
        plugin._render("report.html.j2", **plugin._context(run["items"], end))
        return None
    except Exception as err:  # the report module is someone else's and evolving
        return f"{type(err).__name__}: {err}"


class MergeError(Exception):
    """One line; exit status 2. ``lines``: what was written before it."""

    def __init__(self, message: str, lines: list[str] | None = None) -> None:
        super().__init__(message)
        self.lines = lines or []


def merge(out: Path, shard_dirs: list[Path]) -> list[str]:
    """Merge the shards into ``out``; returns lines describing what was written.

    MergeError when the merged report cannot be rendered (junit.xml and run.json are written by then)."""
    roots = [_shard_root(Path(d)) for d in shard_dirs]
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    junits = [r / "junit.xml" for r in roots if (r / "junit.xml").is_file()]
    if junits:
        tree = merge_junit(junits)
        ET.indent(tree)
        tree.write(out / "junit.xml", encoding="utf-8", xml_declaration=True)
        suite = tree.getroot()[0]
        lines.append(f"{out / 'junit.xml'}: {suite.get('tests')} tests from {len(junits)} shards "
                     f"({suite.get('failures')} failed, {suite.get('errors')} errors, {suite.get('skipped')} skipped)")
    for root in roots:
        for name in ("artifacts", "traces"):
            if (root / name).is_dir() and root.resolve() != out.resolve():
                shutil.copytree(root / name, out / name, dirs_exist_ok=True)
    run = merge_runs(roots, out)
    if run is not None:
        (out / "run.json").write_text(json.dumps(run, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        lines.append(f"{out / 'run.json'}: {len(run['items'])} items")
        why_not = _render_index(out, run)
        if why_not is not None:  # a merge without its report would pass CI unnoticed
            raise MergeError(f"could not render {out / 'index.html'} from the merged run.json: {why_not}", lines)
        lines.append(f"{out / 'index.html'}: re-rendered")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m regress.shard",
                                     description="Combine the reports of CI shards (--shard i/n) into one.")
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("merge", help="merge shard report folders into OUT_DIR")
    m.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    m.add_argument("shard_dirs", type=Path, nargs="+", metavar="SHARD_DIR")
    args = parser.parse_args(argv)
    try:
        lines = merge(args.out_dir, args.shard_dirs)
    except (FileNotFoundError, ET.ParseError, ValueError, MergeError) as err:
        for line in getattr(err, "lines", []):
            print(line)
        print(f"merge: {err}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
