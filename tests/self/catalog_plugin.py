"""The mutation catalog's wiring (catalog.py holds its runs): its place in the run, and its
table and closing line. A plugin of the root conftest, so that pytest-xdist's controller, which
collects nothing, loads it too and prints what the worker that ran the catalog left."""
import json
import sys
from pathlib import Path

# Where the worker that ran the catalog leaves its table for the controller to print.
HANDOVER = Path(__file__).resolve().parents[2] / "reports" / "mutation-catalog.json"


def pytest_collection_modifyitems(items):
    """The mutation catalog comes first: under ``make test``'s two workers (``--dist loadfile``)
    its file is one unit of work and the longest chain; the rest fills the other worker."""
    catalog = [item for item in items if item.nodeid.startswith("tests/self/test_mutations.py")]
    ids = {id(item) for item in catalog}
    items[:] = catalog + [item for item in items if id(item) not in ids]


def pytest_terminal_summary(terminalreporter):
    """The catalog's table and closing line: this process's own, or those the worker that ran
    the catalog left (under xdist the controller runs no test)."""
    catalog = sys.modules.get("catalog")
    if catalog is not None:
        sections = [_summary(catalog, run) for run in catalog.CATALOGS.values() if run.verdicts]
    elif _xdist_controller(terminalreporter.config) and HANDOVER.is_file():
        sections = json.loads(HANDOVER.read_text(encoding="utf-8"))
    else:
        sections = []
    for section in sections:
        terminalreporter.section(section["title"])
        for line in section["lines"]:
            terminalreporter.write_line(line)
        terminalreporter.write_sep("=", section["closing"], bold=True, green=section["ok"], red=not section["ok"])


def _xdist_controller(config) -> bool:
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")


def pytest_configure(config):
    if _xdist_controller(config):
        HANDOVER.unlink(missing_ok=True)  # never the table of an earlier session


def pytest_sessionfinish(session):
    catalog = sys.modules.get("catalog")
    if catalog is not None and hasattr(session.config, "workerinput"):
        sections = [_summary(catalog, run) for run in catalog.CATALOGS.values() if run.verdicts]
        if sections:
            HANDOVER.parent.mkdir(parents=True, exist_ok=True)
            HANDOVER.write_text(json.dumps(sections), encoding="utf-8")


def _summary(catalog, run) -> dict:
    """One mode's table (a line per mutation and catch) and its closing line."""
    lines = []
    pinned = run.mode is catalog.PINNED
    unmutated = run.unmutated()
    failed = sorted(n for n in unmutated.nodeids if not unmutated.passed(n) and not catalog.left_out(unmutated, n))
    verdicts = run.verdicts
    for name in sorted(verdicts):
        verdict = verdicts[name]
        if verdict.pinned_only:
            lines.append(f"{name}  [pinned-only: {verdict.pinned_only}]")
            continue
        lines.append(f"{name}  [{'caught' if verdict.ok else 'MISSED'}]")
        lines += [f"    {catch.nodeid}: {catch.message[:150]}" for _, catch in verdict.caught]
        lines += [f"    missed: {why.splitlines()[0][:200]}" for why in verdict.missed]
        lines += [f"    caught by accident (not counted): {catch.nodeid}: {catch.message[:150]}"
                  for catch in verdict.accidents]
    listing = run.coverage
    if listing is not None:
        empty = sum(1 for v in listing.values() if not v)
        lines.append(f"coverage listing: {len(listing)} checks, {empty} without a mutation: {catalog.COVERAGE_FILE}")
    label = "mutation catalog" + ("" if pinned else f", {run.mode.title}")
    title = "mutation catalog" + ("" if pinned else f" ({run.mode.title})")
    if failed:
        return {"title": title, "lines": lines, "ok": False,
                "closing": f"{label}: the unmutated site failed: {', '.join(failed)}"}
    judged = [v for v in verdicts.values() if not v.pinned_only]
    caught = sum(1 for v in judged if v.ok)
    marked = len(verdicts) - len(judged)
    also = f" ({marked} pinned-only, listed with their reasons)" if marked else ""
    return {"title": title, "lines": lines, "ok": caught == len(judged),
            "closing": f"{label}: {caught}/{len(judged)} caught by the expected check{also}"}
