# Wiring only: the mutation catalog's closing line and table (catalog.py holds the runs),
# and a private reports dir for the suite runs self-tests start, so they never rotate
# away the report of the run that is testing them.
import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_reports_dir(tmp_path_factory):
    os.environ["REGRESS_REPORTS_DIR"] = str(tmp_path_factory.mktemp("reports"))


def pytest_terminal_summary(terminalreporter):
    import sys

    catalog = sys.modules.get("catalog")
    if catalog is None or not catalog.CATALOG.verdicts:
        return
    write = terminalreporter.write_line
    unmutated = catalog.CATALOG.unmutated()
    failed = sorted(n for n in unmutated.nodeids if not unmutated.passed(n))
    verdicts = catalog.CATALOG.verdicts
    terminalreporter.section("mutation catalog")
    for name in sorted(verdicts):
        verdict = verdicts[name]
        mark = "caught" if verdict.ok else "MISSED"
        write(f"{name}  [{mark}]")
        for _, catch in verdict.caught:
            write(f"    {catch.nodeid}: {catch.message[:150]}")
        for why in verdict.missed:
            write(f"    missed: {why.splitlines()[0][:200]}")
        for catch in verdict.accidents:
            write(f"    caught by accident (not counted): {catch.nodeid}: {catch.message[:150]}")
    listing = catalog.CATALOG.coverage
    if listing is not None:
        empty = sum(1 for v in listing.values() if not v)
        write(f"coverage listing: {len(listing)} checks, {empty} without a mutation: {catalog.COVERAGE_FILE}")
    if failed:
        terminalreporter.write_sep("=", f"mutation catalog: the unmutated site failed: {', '.join(failed)}",
                                   bold=True, red=True)
        return
    caught = sum(1 for v in verdicts.values() if v.ok)
    terminalreporter.write_sep("=", f"mutation catalog: {caught}/{len(verdicts)} caught by the expected check",
                               bold=True, green=caught == len(verdicts), red=caught != len(verdicts))
