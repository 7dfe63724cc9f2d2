"""The mutation catalog (the defects of demo_site/mutations.py, what must catch each in
expectations.py): every mutation is caught by the checks its expectation names, with the
message it names, against the unmutated site in the same session; and every
check of the regression suite is proven by at least one mutation. The runs and their
judgement live in catalog.py (with its modes: rules × news day; REGRESS_CATALOG picks them);
the closing lines and the table are conftest.py's.
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
