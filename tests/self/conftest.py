# Wiring only: pytester for the self-tests, and the mutation catalog's one-line summary.
pytest_plugins = ["pytester"]


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
