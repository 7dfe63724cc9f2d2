# Wiring only: the mutation catalog's one-line summary (pytester is enabled in the root conftest),
# and a private reports dir for the suite runs self-tests start, so they never rotate
# away the report of the run that is testing them.
import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_reports_dir(tmp_path_factory):
    os.environ["REGRESS_REPORTS_DIR"] = str(tmp_path_factory.mktemp("reports"))


def pytest_terminal_summary(terminalreporter):
    outcomes = {"passed": 0, "failed": 0, "skipped": 0}
    for outcome in outcomes:
        for report in terminalreporter.stats.get(outcome, []):
            if "test_mutations.py::test_mutation_is_detected[" in getattr(report, "nodeid", "") \
                    and (report.when == "call" or outcome == "skipped"):
                outcomes[outcome] += 1
    total = sum(outcomes.values())
    if total:
        line = f"mutation catalog: {outcomes['passed']}/{total} regressions detected"
        if outcomes["skipped"]:
            line += f" ({outcomes['skipped']} not verifiable here: their kind has no items yet)"
        terminalreporter.write_sep("=", line, bold=True, green=not outcomes["failed"], red=bool(outcomes["failed"]))
