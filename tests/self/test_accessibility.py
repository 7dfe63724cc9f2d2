"""The accessibility kind: its pure parts table-tested (what is new and what is stale against the
baseline, what ``decide`` is told under each update mode, the baseline file read back, a bad one
named), its options checked at collection, and on the real demo site in Chromium: axe-core
from the package file and nothing fetched, its rule table as the page's own ``axe.getRules()``,
the page left as it was, and the whole item through its baseline (written, passed, a new
violation failing with rule, impact, help URL and elements, a gone one stale and dropped by
``changed``), a hidden layer refused unless opened.
"""
from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from demo_site.server import DemoSite
from pages import ArticlePage
from pages.components import locate
from regress.browser import axe
from regress.browser.capture import settle
from regress.checks import CheckFailure, kinds, load_suite_scenarios
from regress.checks.accessibility import (BadBaseline, Change, Diff, counts_of, diff, listing, matches, observe,
                                          parse, render, run)
from regress.checks.context import CheckContext
from regress.model.scenario import ScenarioError, load_settings
from regress.run.record import ItemNotes
from regress.run.references import UpdateMode, Verdict, decide

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = load_settings(ROOT / "config" / "site.yaml")
ARTICLE = "/www/nation/2022/06/120_330924.html"
DESKTOP = {"width": 1280, "height": 800}

A, B = ("color-contrast", "top_ten.tags"), ("label", "menu.search")


# --- new and stale -------------------------------------------------------------------------------

@pytest.mark.parametrize("baseline, found, counts, new, stale", [
    ({}, {}, True, [], []),
    ({A: 2}, {A: 2}, True, [], []),
    ({}, {A: 1}, True, [Change(*A, 0, 1)], []),  # a rule × component the baseline lacks
    ({A: 2}, {A: 3}, True, [Change(*A, 2, 3)], []),  # more elements: new on the pinned rules
    ({A: 2}, {A: 3}, False, [], []),  # ... presence only on the live rules
    ({A: 2}, {}, True, [], [Change(*A, 2, 0)]),  # gone: stale
    ({A: 2}, {}, False, [], [Change(*A, 2, 0)]),
    ({A: 2}, {A: 1}, True, [], [Change(*A, 2, 1)]),  # fewer: stale on the pinned rules
    ({A: 2}, {A: 1}, False, [], []),
    ({A: 2}, {B: 1}, True, [Change(*B, 0, 1)], [Change(*A, 2, 0)]),
    ({(A[0], "page"): 1}, {A: 1}, True, [Change(*A, 0, 1)], [Change(A[0], "page", 1, 0)]),  # another component
])
def test_new_and_stale_against_the_baseline(baseline, found, counts, new, stale):
    assert diff(baseline, found, counts=counts) == Diff(tuple(new), tuple(stale))


@pytest.mark.parametrize("found, mode, verdict", [
    (Diff((), ()), UpdateMode.COMPARE, Verdict.PASS),
    (Diff((Change(*A, 0, 1),), ()), UpdateMode.COMPARE, Verdict.FAIL_CHANGED),
    (Diff((Change(*A, 0, 1),), ()), UpdateMode.MISSING, Verdict.FAIL_CHANGED),
    (Diff((Change(*A, 0, 1),), ()), UpdateMode.CHANGED, Verdict.REPLACE),
    (Diff((), (Change(*A, 2, 0),)), UpdateMode.COMPARE, Verdict.PASS),  # stale: passes, said in the remarks
    (Diff((), (Change(*A, 2, 0),)), UpdateMode.MISSING, Verdict.PASS),
    (Diff((), (Change(*A, 2, 0),)), UpdateMode.CHANGED, Verdict.REPLACE),  # changed drops it
    (Diff((), ()), UpdateMode.CHANGED, Verdict.PASS),
])
def test_what_decide_is_told_under_each_mode(found, mode, verdict):
    assert decide(mode, True, matches(found, mode)) is verdict


def test_the_baseline_holds_rule_component_and_count_and_reads_back():
    data = render({B: 1, A: 3, ("color-contrast", "page"): 1}, "check a of scenario s at desktop")
    doc = json.loads(data)
    assert doc["violations"] == {"color-contrast": {"page": 1, "top_ten.tags": 3}, "label": {"menu.search": 1}}
    assert doc["axe_core"] == axe.version() and "check a of scenario s at desktop" in doc["about"]
    assert parse(data) == ({("color-contrast", "page"): 1, A: 3, B: 1}, axe.version())
    assert render(dict(reversed(list({B: 1, A: 3}.items()))), "t") == render({A: 3, B: 1}, "t")  # sorted: stable bytes


@pytest.mark.parametrize("data, problem", [
    (b"{not json", "not JSON"),
    (b"[]", "the top level: [] is not of type 'object'"),
    (b'{"violations": {"label": {"menu.search": 0}}}', "violations.label.menu.search: 0 is less than the minimum of 1"),
    (b'{"violations": {"label": {}}}', "violations.label: {} should be non-empty"),
    (b'{"violations": {}, "selectors": []}', "Additional properties are not allowed ('selectors'"),
])
def test_a_file_that_is_not_a_baseline_says_where(data, problem):
    with pytest.raises(BadBaseline) as caught:
        parse(data)
    assert problem in str(caught.value)


def test_the_listing_groups_by_rule_with_impact_help_url_and_elements():
    nodes = [axe.Node(f"li:nth-child({i}) > .tag", f'<span class="tag">VIDEO {i}</span>', "Fix any: contrast 2.1",
                      "top_ten.tags", "serious") for i in range(1, 8)]
    violations = [axe.Violation("label", "critical", "Form elements must have labels", "https://example.test/label",
                                (axe.Node("#kwd", '<input name="kwd">', "Fix any: no label", "menu.search", "critical"),)),
                  axe.Violation("color-contrast", "serious", "Elements must meet minimum color contrast ratio "
                                "thresholds", "https://example.test/color-contrast", tuple(nodes))]
    text = listing(violations, {B})
    assert text.splitlines()[:5] == [
        "label (critical): Form elements must have labels", "  https://example.test/label",
        "  menu.search: 1 element (NEW)", '    - #kwd: <input name="kwd">', "      Fix any: no label"]
    assert "color-contrast (serious): Elements must meet" in text and "  top_ten.tags: 7 elements (known)" in text
    assert text.count('<span class="tag">') == 5 and text.endswith("    ... and 2 more")
    assert counts_of(violations) == {A: 7, B: 1}


# --- options, at collection ----------------------------------------------------------------------

def _file(tmp_path: Path, check: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent(f"""\
        scenarios:
          - name: s
            page: /a.html
            viewports: [desktop]
            checks:
              - kind: accessibility
        {textwrap.indent(check, '        ')}"""), encoding="utf-8")
    return path


@pytest.mark.parametrize("check, line, needles", [
    ("impact: severe\n", 7, ["scenarios[0].checks[0].impact", "invalid value 'severe'",
                             "valid: critical, minor, moderate, serious"]),
    ("tags: [wcag2a, best-practise]\n", 7, ["scenarios[0].checks[0].tags[1]", "invalid value 'best-practise'",
                                            "did you mean 'best-practice'", "wcag21aa"]),
    ("component: menu.serch\n", 7, ["scenarios[0].checks[0].component", "unknown component 'menu.serch'",
                                    "did you mean 'menu.search'"]),
    ("rules_disabled: [colour-contrast]\n", 7, ["rules_disabled[0]", "invalid value 'colour-contrast'",
                                                "did you mean 'color-contrast'"]),
    ("open: footer\n", 7, ["scenarios[0].checks[0].open", "invalid value 'footer'", "valid: menu.overlay, menu.search"]),
    ("tags: []\n", 7, ["scenarios[0].checks[0].tags", "must not be empty"]),
])
def test_bad_options_are_an_error_naming_file_line_key_and_the_valid_values(tmp_path, check, line, needles):
    with pytest.raises(ScenarioError) as caught:
        load_suite_scenarios(_file(tmp_path, check), SETTINGS)
    text = str(caught.value)
    assert f"bad.yaml:{line}:" in text, text
    for needle in needles:
        assert needle in text, text


def test_the_defaults_are_the_whole_page_wcag_21_a_and_aa_every_impact(tmp_path):
    (scenario,) = load_suite_scenarios(_file(tmp_path, ""), SETTINGS)
    check = scenario.checks[0]
    assert check.options == {"component": "page", "tags": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
                             "impact": "minor", "rules_disabled": []}
    assert kinds()["accessibility"].reference_files(scenario, check, "desktop", tmp_path, "chromium") == [
        tmp_path / "s" / "accessibility-desktop.axe.json"]


# --- in Chromium, on the demo site ---------------------------------------------------------------

@pytest.fixture(scope="module")
def demo():
    with DemoSite(port=0, font_delay=0) as site:
        yield site


@pytest.fixture
def article(browser, demo):
    page = browser.new_page(viewport=DESKTOP)
    site = ArticlePage(page, demo.url).open(ARTICLE)
    settle(page)
    yield site
    page.close()


def test_axe_comes_from_the_package_file_and_nothing_is_fetched(article):
    requests = []
    scripts = "document.scripts.length"
    before = article.page.evaluate(scripts)
    article.page.on("request", lambda request: requests.append(request.url))
    assert axe.inject(article.page) == axe.version() == article.page.evaluate("axe.version")
    observe(article.page, article, {"component": "page", "tags": ["wcag2a"], "impact": "minor", "rules_disabled": []})
    assert requests == []
    assert article.page.evaluate(scripts) == before  # evaluated, not added as a <script>


def test_the_rule_table_read_from_the_file_is_the_pages_own(article):
    axe.inject(article.page)
    in_page = article.page.evaluate("axe.getRules().map(r => [r.ruleId, r.tags])")
    assert {rule: tuple(tags) for rule, tags in in_page} == dict(axe.rules())


def test_a_scan_leaves_the_page_as_it_was(article):
    page = article.page
    page.evaluate("window.scrollTo(0, 1500)")
    state = "() => [document.documentElement.outerHTML, window.scrollX, window.scrollY, Object.keys(window).length]"
    shot = page.screenshot()  # first: Playwright's own screenshot leaves a style="" on the focused field
    before = page.evaluate(state)
    found = observe(page, article, {"component": "page", "tags": list(axe.tags()), "impact": "minor",
                                    "rules_disabled": []})
    after = page.evaluate(state)
    assert after[:3] == before[:3]
    assert after[3] == before[3] + 1  # window.axe, and nothing else
    assert page.screenshot() == shot
    assert found == observe(page, article, {"component": "page", "tags": list(axe.tags()), "impact": "minor",
                                            "rules_disabled": []})  # the same again
