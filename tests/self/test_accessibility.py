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
from regress.checks.accessibility import (DEFAULT_TAGS, BadBaseline, Change, Diff, counts_of, diff, listing, matches, observe,
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


# --- the whole item, through its baseline ----------------------------------------------------------

def article_check(name: str = "accessibility"):
    """A check of config/scenarios/article.yaml, as collection loads it."""
    scenario = load_suite_scenarios(ROOT / "config" / "scenarios" / "article.yaml", SETTINGS)[0]
    return scenario, next(c for c in scenario.checks if c.name == name)


def context(tmp_path: Path, site: ArticlePage, url: str, mode: str | None, check, *, live=False, new_page=None):
    from regress.model.scenario import Target

    scenario, _ = article_check()
    return CheckContext(
        base_url=url, scenario=scenario, check=check, viewport="desktop", settings=scenario.settings,
        artifacts_dir=tmp_path / "artifacts", baselines_dir=tmp_path / "baselines", update_baselines=mode,
        notes=ItemNotes(), new_page=new_page or (lambda: site.page), settled_page=lambda clock: (site.page, site),
        project_root=tmp_path, target=Target("live" if live else "demo"))


def restyle(site: ArticlePage, component: str, css: str) -> None:
    locate(site, component).evaluate_all("(els, css) => els.forEach(e => { e.style.cssText += ';' + css; })", css)


def failure(ctx, options) -> str:
    with pytest.raises(CheckFailure) as caught:
        run(ctx, options)
    assert caught.value.checks == ("accessibility",)
    return str(caught.value)


def test_the_demo_baselines_are_the_pages_own(article):
    """The committed baseline records what axe finds on the demo page today, rule × component × count."""
    _, check = article_check()
    committed, version = parse((ROOT / "baselines" / "demo" / "article" / "accessibility-desktop.axe.json").read_bytes())
    assert counts_of(observe(article.page, article, check.options)) == committed
    assert version == axe.version()


def test_the_item_writes_its_baseline_passes_and_fails_on_a_new_violation_only(tmp_path, article, demo):
    _, check = article_check()
    message = failure(context(tmp_path, article, demo.url, None, check), check.options)
    assert message.startswith("no accessibility baseline baselines/article/accessibility-desktop.axe.json (axe-core "
                              f"{axe.version()} (axe-playwright-python "), message
    written = context(tmp_path, article, demo.url, "missing", check)
    run(written, check.options)
    assert written.notes.baselines_written == ["new baselines/article/accessibility-desktop.axe.json"]
    passed = context(tmp_path, article, demo.url, None, check)
    run(passed, check.options)
    assert passed.notes.remarks[0].startswith(f"axe-core {axe.version()} (axe-playwright-python ")
    restyle(article, "article.byline", "color: #949494")  # 3.0:1 on white
    failing = context(tmp_path, article, demo.url, None, check)
    message = failure(failing, check.options)
    first, *rest = message.splitlines()
    assert first.startswith("1 new accessibility violation(s) against baselines/article/accessibility-desktop.axe.json: "
                            "color-contrast in article.byline (axe-core"), first
    assert rest[0] == "- NEW color-contrast in article.byline: 1 element, the baseline has none"
    assert re.search(r"(?m)^color-contrast \(serious\): Elements must meet minimum color contrast ratio thresholds\n"
                     r"  https://dequeuniversity\.com/rules/axe/[\d.]+/color-contrast\S*\n"
                     r"(  .*\n)*  article\.byline: 1 element \(NEW\)\n"
                     r"    - \.view_byline: <div class=\"view_byline\" style=\"color: rgb\(148, 148, 148\);\">By .*</div>\n"
                     r"      .*contrast of 3\.03 \(foreground color: #949494", message), message
    diff_text = Path(failing.notes.reference.diff).read_text(encoding="utf-8")
    assert '+      "article.byline": 1' in diff_text, diff_text


def test_a_violation_gone_is_stale_and_changed_drops_it(tmp_path, article, demo):
    _, check = article_check()
    run(context(tmp_path, article, demo.url, "missing", check), check.options)
    baseline, _ = parse((tmp_path / "baselines" / "article" / "accessibility-desktop.axe.json").read_bytes())
    assert ("color-contrast", "article.related.meta") in baseline
    restyle(article, "article.related.meta", "color: #33373d")  # the related box's date line now readable
    passed = context(tmp_path, article, demo.url, None, check)
    run(passed, check.options)
    assert passed.notes.remarks[-1] == ("stale (gone since the baseline; still in the baseline: --update-baselines "
                                        "changed drops them): color-contrast in article.related.meta: none now, the "
                                        "baseline has 1"), passed.notes.remarks
    assert passed.notes.baselines_written == []
    rewritten = context(tmp_path, article, demo.url, "changed", check)
    run(rewritten, check.options)
    assert rewritten.notes.baselines_written == ["replaced baselines/article/accessibility-desktop.axe.json"]
    assert "dropped from the baseline" in rewritten.notes.remarks[-1]
    now, _ = parse((tmp_path / "baselines" / "article" / "accessibility-desktop.axe.json").read_bytes())
    assert now == {k: v for k, v in baseline.items() if k != ("color-contrast", "article.related.meta")}


def test_more_elements_fail_the_pinned_rules_and_not_the_live_ones(tmp_path, article, demo):
    _, check = article_check()
    run(context(tmp_path, article, demo.url, "missing", check), check.options)
    locate(article, "article.reporter").evaluate("el => el.append(el.querySelector('.reporter_more').cloneNode(true))")
    message = failure(context(tmp_path, article, demo.url, None, check), check.options)
    assert "- NEW color-contrast in article.reporter: 2 elements, the baseline has 1" in message, message
    run(context(tmp_path, article, demo.url, None, check, live=True), check.options)  # a count follows the news there


def test_the_scope_impact_and_attribution(article):
    options = {"component": "article.reporter", "tags": list(DEFAULT_TAGS), "impact": "minor", "rules_disabled": []}
    assert counts_of(observe(article.page, article, options)) == {("color-contrast", "article.reporter"): 1}
    assert observe(article.page, article, {**options, "component": "footer"}) == []
    assert observe(article.page, article, {**options, "impact": "critical"}) == []  # contrast is serious
    assert observe(article.page, article, {**options, "rules_disabled": ["color-contrast"]}) == []


def test_a_hidden_layer_is_refused_unless_it_is_opened(tmp_path, browser, article, demo):
    _, check = article_check("search_accessibility")
    closed = {**check.options}
    del closed["open"]
    message = failure(context(tmp_path, article, demo.url, None, check), closed)
    assert message == ("menu.search is not rendered, so axe would check nothing (menu.search 1 (display: none on "
                       "div#search_layer.search_layer)); a layer a reader opens: add open: menu.search"), message
    pages = []

    def own_page():
        pages.append(browser.new_page(viewport=DESKTOP))
        return pages[-1]

    opened = context(tmp_path, article, demo.url, "missing", check, new_page=own_page)
    run(opened, check.options)
    assert len(pages) == 1 and pages[0].locator("#search_layer").is_visible()
    assert parse((tmp_path / "baselines" / "article" / "search_accessibility-desktop.axe.json").read_bytes())[0] == {}
    pages[0].close()


# --- through the plugin: the suite's own items, their record and report ------------------------------

def _suite(tmp_path: Path, *args: str):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/regression", "-m", "accessibility",
         "--trace-failures", "off", "--reports-dir", str(tmp_path / "reports"), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_committed_baselines_pass_and_the_report_names_axe_and_what_it_found(tmp_path):
    done = _suite(tmp_path, "-k", "article and desktop")
    assert "2 passed" in done.stdout, done.stdout[-3000:]
    record = json.loads((tmp_path / "reports" / "latest" / "run.json").read_text(encoding="utf-8"))
    item = next(i for i in record["items"] if i["nodeid"].endswith("article::accessibility[desktop]"))
    committed, _ = parse((ROOT / "baselines" / "demo" / "article" / "accessibility-desktop.axe.json").read_bytes())
    assert item["remarks"][0].startswith(f"axe-core {axe.version()} (axe-playwright-python ")
    assert item["remarks"][1] == "violations found: " + ", ".join(f"{r} in {c} ({n})" for (r, c), n in committed.items())
    assert item["reference"]["format"] == "json" and item["reference"]["component"] == "page"
    html = (tmp_path / "reports" / "latest" / "index.html").read_text(encoding="utf-8")
    assert f"<li>axe-core {axe.version()} (axe-playwright-python " in html


def test_a_mutation_fails_only_its_item_saying_what_is_new(tmp_path):
    done = _suite(tmp_path, "-k", "article and desktop", "--mutation", "search-field-unlabelled")
    assert "1 failed, 1 passed" in done.stdout, done.stdout[-3000:]
    assert re.search(r"1 new accessibility violation\(s\) against baselines/demo/article/search_accessibility-desktop"
                     r"\.axe\.json: label in menu\.search \(axe-core", done.stdout), done.stdout[-3000:]
