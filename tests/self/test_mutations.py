"""The mutation catalog (the defects of demo_site/mutations.py, what must catch each in
expectations.py): every mutation is caught by the checks its expectation names, with the
message it names, against the unmutated site in the same session; and every
check of the regression suite is proven by at least one mutation. The runs and their
judgement live in catalog.py (with its modes: rules × news day; REGRESS_CATALOG picks them);
the closing lines and the table are catalog_plugin.py's. Under make test's two workers
(``--dist loadfile``) this file is one unit of work: the runs, and the unmutated run every
verdict is judged against, live in the process that runs these tests.
"""
from __future__ import annotations

import pytest

from catalog import CATALOG, CATALOGS, ENABLED, PINNED, coverage, left_out, selection, write_coverage, COVERAGE_FILE
import expectations
from demo_site import mutations

CASES = [pytest.param(mode.name, name, id=name if mode is PINNED else f"{mode.name}-{name}")
         for mode in ENABLED for name in mutations.names()]


# The tests that read the catalog's definitions only; any other test of this module starts the runs.
WELL_FORMEDNESS = {"test_every_mutation_has_an_expectation_and_every_expectation_a_mutation",
                   "test_catalog_is_well_formed", "test_pinned_only_marks_are_story_content_only"}


@pytest.fixture(scope="module", autouse=True)
def _start_runs_early(request):
    """Queue the unmutated runs and the selected mutations at once, longest first, so they overlap."""
    mine = [item for item in request.session.items if item.module is request.module]
    params = [item.callspec.params for item in mine if hasattr(item, "callspec")]
    chosen = {(p["mode"], p["name"]) for p in params if "name" in p}
    modes = {p["mode"] for p in params if "mode" in p}
    if any(item.originalname not in WELL_FORMEDNESS for item in mine):
        modes.add(PINNED.name)
    for mode in sorted(modes):
        CATALOGS[mode].submit(None)  # every verdict is against the unmutated run of its mode
    for mode, name in sorted(chosen, key=lambda c: -len(selection(expectations.of(c[1])))):
        CATALOGS[mode].submit(name)
    yield


def test_every_mutation_has_an_expectation_and_every_expectation_a_mutation():
    registered, expected = set(mutations.names()), set(expectations.EXPECTATIONS)
    assert not registered - expected, ("mutations of demo_site/mutations.py without an entry in "
                                       f"tests/self/expectations.py: {sorted(registered - expected)}")
    assert not expected - registered, ("entries of tests/self/expectations.py that name no mutation of "
                                       f"demo_site/mutations.py: {sorted(expected - registered)}")


def test_catalog_is_well_formed():
    for name in mutations.names():
        assert mutations.get(name).description, name
        expected = expectations.of(name)
        for expect in expected.expect:
            assert selection(expected, [expect]), \
                f"{name}: {expect.items} names no collected item at {list(expected.viewports)}"


# The one pinned-only mutation that is not a data change: it stops the replica's own rotation of
# the trending stories (site.js), which only the pinned rules may depend on (a live site's
# ranking is the newsroom's, on its own schedule). Any other must change story data only.
ORDER_MECHANIC_EXCEPTIONS = {"trending-frozen"}


def test_pinned_only_marks_are_story_content_only():
    """Only a change of story content or order may be pinned-only, and it says why."""
    marked = [name for name in mutations.names() if expectations.of(name).pinned_only]
    for name in marked:
        m = mutations.get(name)
        assert len(expectations.of(name).pinned_only) > 30, f"{name}: say why it is no regression on a live site"
        if name in ORDER_MECHANIC_EXCEPTIONS:
            assert not (m.extra_css or m.status_filter or m.transform), name
            continue
        assert m.transform and not (m.extra_css or m.extra_js or m.response_filter or m.status_filter), \
            f"{name} is marked pinned-only but changes CSS, JS, templates or responses"


@pytest.mark.parametrize("mode", [mode.name for mode in ENABLED])
def test_unmutated_site_passes_the_selections(mode):
    run = CATALOGS[mode].unmutated()
    assert run.returncode == 0, "the unmutated site fails:\n" + run.describe()
    not_passed = sorted(n for n in run.nodeids if not run.passed(n) and not left_out(run, n))
    assert not not_passed, f"on the unmutated site these did not pass: {not_passed}\n" + run.describe()


@pytest.mark.parametrize("mode,name", CASES)
def test_mutation_is_caught_by_the_expected_check(mode, name):
    verdict = CATALOGS[mode].verdict(name)
    assert verdict.ok, (f"mutation {name!r} ({mutations.get(name).description}), {CATALOGS[mode].mode.title}:\n- "
                        + "\n- ".join(verdict.missed))


def test_every_check_is_proven_by_a_mutation():
    for name in mutations.names():
        CATALOG.submit(name)
    listing = coverage(CATALOG)
    CATALOG.coverage = listing
    write_coverage(listing)
    unproven = sorted(check for check, caught_by in listing.items() if not caught_by)
    assert not unproven, f"{len(unproven)} check(s) no mutation catches (listing: {COVERAGE_FILE}):\n- " + "\n- ".join(unproven)


# --- each check kind fails with a message that names what broke (issue 4), from the same runs ---

# kind -> (mutation, texts the failure report must contain)
NAMED_FAILURES = {
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


@pytest.mark.parametrize("kind", list(NAMED_FAILURES))
def test_failure_names_what_broke(kind):
    mutation, needles = NAMED_FAILURES[kind]
    run = CATALOG.result(mutation)  # queued with the others by _start_runs_early
    failed = [n for n, entry in run.items.items() if entry["kind"] == kind and entry["status"] == "failed"]
    assert failed, f"{kind} did not fail on {mutation}:\n" + run.describe()
    missing = [n for n in needles if n not in run.output]
    assert not missing, f"the {kind} failure report lacks {missing}:\n" + run.describe()
    assert "Traceback" not in run.output, run.describe()
