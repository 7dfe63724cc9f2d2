"""The mutation catalog (demo_site/mutations.py): every mutation is caught by the checks it
names, with the message it names, against the unmutated site in the same session; and every
check of the regression suite is proven by at least one mutation. The runs and their
judgement live in catalog.py; the closing line and the table are conftest.py's.
"""
from __future__ import annotations

import pytest

from catalog import CATALOG, coverage, selection, write_coverage, COVERAGE_FILE
from demo_site import mutations


@pytest.fixture(scope="module", autouse=True)
def _start_runs_early(request):
    """Queue the unmutated run and the selected mutations at once, longest first, so they overlap."""
    mine = [item for item in request.session.items if item.module is request.module]
    names = {item.callspec.params["name"] for item in mine if hasattr(item, "callspec")}
    if names or any(item.name != "test_catalog_is_well_formed" for item in mine):
        CATALOG.submit(None)  # every verdict is against the unmutated run
    for name in sorted(names, key=lambda n: -len(selection(mutations.get(n)))):
        CATALOG.submit(name)
    yield


def test_catalog_is_well_formed():
    names = mutations.names()
    assert len(names) >= 60, f"only {len(names)} mutations"
    for name in names:
        m = mutations.get(name)
        assert m.description, name
        for expect in m.expect:
            assert selection(m, [expect]), \
                f"{name}: {expect.items} names no collected item at {list(m.viewports)}"


def test_unmutated_site_passes_the_selections():
    run = CATALOG.unmutated()
    assert run.returncode == 0, "the unmutated site fails:\n" + run.describe()
    not_passed = sorted(n for n in run.nodeids if not run.passed(n))
    assert not not_passed, f"on the unmutated site these did not pass: {not_passed}\n" + run.describe()


@pytest.mark.parametrize("name", mutations.names())
def test_mutation_is_caught_by_the_expected_check(name):
    verdict = CATALOG.verdict(name)
    assert verdict.ok, (f"mutation {name!r} ({mutations.get(name).description}):\n- " + "\n- ".join(verdict.missed))


def test_every_check_is_proven_by_a_mutation():
    for name in mutations.names():
        CATALOG.submit(name)
    listing = coverage(CATALOG)
    CATALOG.coverage = listing
    write_coverage(listing)
    unproven = sorted(check for check, caught_by in listing.items() if not caught_by)
    assert not unproven, f"{len(unproven)} check(s) no mutation catches (listing: {COVERAGE_FILE}):\n- " + "\n- ".join(unproven)
