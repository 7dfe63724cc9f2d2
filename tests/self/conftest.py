# Wiring only: the mutation catalog's closing line and table (catalog.py holds the runs),
# a desktop tab for self-tests that read a page, and a private reports dir for the suite runs
# self-tests start, so they never rotate away the report of the run that is testing them.
import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_reports_dir(tmp_path_factory):
    os.environ["REGRESS_REPORTS_DIR"] = str(tmp_path_factory.mktemp("reports"))


@pytest.fixture
def desktop_page(browser):
    """One desktop-sized tab for a self-test (the suite's own ``page`` runs at every viewport)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def pytest_terminal_summary(terminalreporter):
    import sys

    catalog = sys.modules.get("catalog")
    if catalog is None:
        return
    for mode_name, run in catalog.CATALOGS.items():
        if run.verdicts:
            _summarise(terminalreporter, catalog, run)


def _summarise(terminalreporter, catalog, run):
    write = terminalreporter.write_line
    pinned = run.mode is catalog.PINNED
    unmutated = run.unmutated()
    failed = sorted(n for n in unmutated.nodeids if not unmutated.passed(n) and not catalog.left_out(unmutated, n))
    verdicts = run.verdicts
    terminalreporter.section("mutation catalog" + ("" if pinned else f" ({run.mode.title})"))
    for name in sorted(verdicts):
        verdict = verdicts[name]
        if verdict.pinned_only:
            write(f"{name}  [pinned-only: {verdict.pinned_only}]")
            continue
        mark = "caught" if verdict.ok else "MISSED"
        write(f"{name}  [{mark}]")
        for _, catch in verdict.caught:
            write(f"    {catch.nodeid}: {catch.message[:150]}")
        for why in verdict.missed:
            write(f"    missed: {why.splitlines()[0][:200]}")
        for catch in verdict.accidents:
            write(f"    caught by accident (not counted): {catch.nodeid}: {catch.message[:150]}")
    listing = run.coverage
    if listing is not None:
        empty = sum(1 for v in listing.values() if not v)
        write(f"coverage listing: {len(listing)} checks, {empty} without a mutation: {catalog.COVERAGE_FILE}")
    label = "mutation catalog" + ("" if pinned else f", {run.mode.title}")
    if failed:
        terminalreporter.write_sep("=", f"{label}: the unmutated site failed: {', '.join(failed)}",
                                   bold=True, red=True)
        return
    judged = [v for v in verdicts.values() if not v.pinned_only]
    caught = sum(1 for v in judged if v.ok)
    marked = len(verdicts) - len(judged)
    also = f" ({marked} pinned-only, listed with their reasons)" if marked else ""
    terminalreporter.write_sep("=", f"{label}: {caught}/{len(judged)} caught by the expected check{also}",
                               bold=True, green=caught == len(judged), red=caught != len(judged))
