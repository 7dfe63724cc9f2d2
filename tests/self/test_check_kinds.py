"""Each check kind fails with a message that names what broke (issue 4, "Done when").

Runs the kind against a demo site carrying a known defect (a mutation) and reads
the failure report. Shares the runs of test_mutations.py (same selection, run once).
"""
from __future__ import annotations

import pytest

from catalog import CATALOG

# kind -> (mutation, texts the failure report must contain)
CASES = {
    "layout": ("share-button-missing", [
        "layout check 'components' of scenario 'article' at desktop",
        "share_bar.buttons: 6 found, expected 7",
    ]),
    "links": ("gnb-link-404", [
        "links check 'menu_links' of scenario 'article' at desktop",
        "[menu.gnb] 'Finance'", "/www/section/finanace.html: status 404",
    ]),
    "font_controls": ("font-up-noop", [
        "font_controls check 'font_controls' of scenario 'article' at mobile",
        "Font Size Up changed the body from 18px to 18px, expected 20px",
    ]),
    "print_preview": ("print-shows-gnb", [
        "print_preview check 'print_preview' of scenario 'article' at desktop",
        "article page: menu.gnb is visible under print media",
    ]),
}


@pytest.fixture(scope="module", autouse=True)
def _start_runs_early():
    for mutation, _ in CASES.values():
        CATALOG.submit(mutation)


@pytest.mark.parametrize("kind", list(CASES))
def test_failure_names_what_broke(kind):
    mutation, needles = CASES[kind]
    run = CATALOG.result(mutation)
    failed = [n for n, entry in run.items.items() if entry["kind"] == kind and entry["status"] == "failed"]
    assert failed, f"{kind} did not fail on {mutation}:\n" + run.describe()
    missing = [n for n in needles if n not in run.output]
    assert not missing, f"the {kind} failure report lacks {missing}:\n" + run.describe()
    assert "Traceback" not in run.output, run.describe()
