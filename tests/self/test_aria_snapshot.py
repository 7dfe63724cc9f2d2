"""The aria_snapshot kind on the real demo page in Chromium: every component's tree, read and
written back, is Playwright's own text and a template Playwright's matcher accepts on its own
page; the whole item writes its reference, passes, and fails a changed page with a unified diff
of the trees; on the live rules the next news day matches the day-1 template while a nameless
headline, a missing button or a changed chrome name fail; a news part that is no node of its own
fails naming it; bad options are collection errors.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import expect

from demo_site.server import DemoSite
from pages import ArticlePage
from pages.components import COMPONENTS, locate
from regress.browser.capture import freeze_clock
from regress.checks import CheckFailure, load_suite_scenarios
from regress.checks.aria_snapshot import run
from regress.checks.context import CheckContext
from regress.engines.aria import DEEP_EQUAL, as_template, parse, render, without_urls
from regress.model.scenario import ScenarioError, Target, load_settings
from regress.run.record import ItemNotes

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = load_settings(ROOT / "config" / "site.yaml")
ARTICLE = "/www/nation/2022/06/120_330924.html"
DESKTOP = {"width": 1280, "height": 800}
SEED_CLOCK = "2023-02-06T21:47:00+09:00"


def article_check(name: str):
    """A check of config/scenarios/article.yaml, as collection loads it."""
    scenario = load_suite_scenarios(ROOT / "config" / "scenarios" / "article.yaml", SETTINGS)[0]
    return scenario, next(c for c in scenario.checks if c.name == name)


@pytest.fixture(scope="module")
def demo():
    with DemoSite(port=0, font_delay=0) as site:
        yield site


def open_article(browser, url: str, clock: str = SEED_CLOCK) -> ArticlePage:
    page = browser.new_page(viewport=DESKTOP)
    freeze_clock(page, clock)
    return ArticlePage(page, url).open(ARTICLE)


@pytest.fixture
def article(browser, demo):
    site = open_article(browser, demo.url)
    yield site
    site.page.close()


def context(tmp_path: Path, site: ArticlePage, name: str, mode: str | None, target: str = "demo",
            settings=None, check=None) -> CheckContext:
    scenario, found = article_check(name)
    return CheckContext(
        base_url=site.base_url, scenario=scenario, check=check or found,
        viewport="desktop", settings=settings or scenario.settings, artifacts_dir=tmp_path / "artifacts",
        baselines_dir=tmp_path / "baselines" / target, update_baselines=mode, notes=ItemNotes(),
        new_page=lambda: site.page, settled_page=lambda clock: (site.page, site), project_root=tmp_path,
        target=Target(target))


def failure_of(ctx: CheckContext) -> str:
    with pytest.raises(CheckFailure) as caught:
        run(ctx, ctx.check.options)
    assert caught.value.checks == ("aria_snapshot",)
    return str(caught.value)


def has_line(message: str, line: str) -> bool:
    return re.search(rf"(?m)^{re.escape(line)}$", message) is not None


# --- the trees are Playwright's -------------------------------------------------------------------

def test_every_components_tree_is_playwrights_own_text_and_a_template_its_matcher_accepts(article):
    seen = 0
    for name in COMPONENTS:
        locator = locate(article, name)
        for i in range(locator.count()):
            raw = locator.nth(i).aria_snapshot()
            assert render(parse(raw)) == raw, f"{name} [{i}] written back differs from Playwright's:\n{raw}"
            tree = without_urls(parse(raw))
            everything = {(k,) for k in range(len(tree))}
            for template in (render(tree, DEEP_EQUAL), render(as_template(tree, everything), DEEP_EQUAL)):
                expect(locator.nth(i)).to_match_aria_snapshot(template, timeout=2000)
            seen += bool(tree)
    assert seen > 100, seen  # the components' elements, not a few of them


@pytest.mark.parametrize("change", ["one listitem fewer", "one more node", "another name", "pattern needs a name"])
def test_deep_equal_means_every_node_and_name_as_the_template_has_it(article, change):
    locator = locate(article, "share_bar")
    tree = without_urls(parse(locator.aria_snapshot()))
    text = render(tree, DEEP_EQUAL)
    expect(locator).to_match_aria_snapshot(text, timeout=2000)
    changed = {
        "one listitem fewer": text.rsplit("\n  - listitem:", 1)[0],
        "one more node": text + '\n  - listitem:\n    - button "extra"',
        "another name": text.replace('"t twitter"', '"x twitter"'),
        "pattern needs a name": "- /children: deep-equal\n- list /.+/:\n" + "\n".join(text.splitlines()[2:]),
    }[change]
    if change == "pattern needs a name":  # the list is named: /.+/ matches it; without its label, not
        expect(locator).to_match_aria_snapshot(changed, timeout=2000)
        locator.evaluate("el => el.removeAttribute('aria-label')")
    with pytest.raises(AssertionError):
        expect(locator).to_match_aria_snapshot(changed, timeout=500)


# --- the whole item: pinned ------------------------------------------------------------------------

def test_the_item_writes_its_reference_passes_then_fails_with_a_diff_of_the_trees(tmp_path, article):
    message = failure_of(context(tmp_path, article, "aria_article_head", None))
    assert "no reference baselines/demo/article/aria_article_head-desktop.aria.yml" in message, message
    written = context(tmp_path, article, "aria_article_head", "missing")
    run(written, written.check.options)
    assert written.notes.baselines_written == ["new baselines/demo/article/aria_article_head-desktop.aria.yml"]
    reference = (tmp_path / "baselines" / "demo" / "article" / "aria_article_head-desktop.aria.yml").read_text()
    assert reference == (ROOT / "baselines" / "demo" / "article" / "aria_article_head-desktop.aria.yml").read_text()
    run(context(tmp_path, article, "aria_article_head", None), {"component": "article.head"})  # passes
    locate(article, "article.headline").evaluate(
        "h => { const h2 = document.createElement('h2'); h2.textContent = h.textContent; h.replaceWith(h2); }")
    failing = context(tmp_path, article, "aria_article_head", None)
    message = failure_of(failing)
    headline = "Foreign minister stresses cooperation with Japan to thwart North Korean threats"
    assert has_line(message, f'-- heading "{headline}" [level=1]'), message
    assert has_line(message, f'+- heading "{headline}" [level=2]'), message
    assert "--- expected/aria_article_head-desktop.aria.yml\n+++ actual/aria_article_head-desktop.aria.yml" in message
    diff = Path(failing.notes.reference.diff).read_text(encoding="utf-8")
    assert diff.strip() in message, diff
    assert Path(failing.notes.reference.actual).read_text(encoding="utf-8").count("[level=2]") == 1


def test_a_component_not_on_the_page_fails_and_writes_nothing(tmp_path, article):
    locate(article, "share_bar").evaluate("el => el.remove()")
    ctx = context(tmp_path, article, "aria_share_bar", "missing")
    assert "share_bar is not on the page" in failure_of(ctx)
    assert not (tmp_path / "baselines").exists()


# --- the live rules ----------------------------------------------------------------------------------

def test_live_the_next_news_day_matches_while_a_nameless_headline_or_a_lost_button_fails(tmp_path, browser, demo):
    first = open_article(browser, demo.url)
    recorded = context(tmp_path, first, "aria_article_head", "missing", "live")
    run(recorded, recorded.check.options)
    template = (tmp_path / "baselines" / "live" / "article" / "aria_article_head-desktop.aria.yml").read_text()
    for line in ("- heading /.+/ [level=1]", "- time: /.+/", '- text: "Posted :"', '- button "Print Preview"',
                 "- text: /.+/", "- /children: deep-equal"):
        assert has_line(template, line), template
    headlines = [locate(first, "article.headline").inner_text()]
    first.page.close()
    with DemoSite(port=0, font_delay=0, news_day=2) as day2:
        later = open_article(browser, day2.url)
        headlines.append(locate(later, "article.headline").inner_text())
        assert headlines[0] != headlines[1], headlines  # the news did change
        run(context(tmp_path, later, "aria_article_head", None, "live"), {"component": "article.head"})
        locate(later, "article.headline").evaluate("h => { h.textContent = ''; }")
        message = failure_of(context(tmp_path, later, "aria_article_head", None, "live"))
        assert "Playwright's matcher" in message, message
        assert has_line(message, "-- heading /.+/ [level=1]") and has_line(message, "+- heading [level=1]"), message
        later.article.font_up_button.evaluate("b => b.remove()")
        message = failure_of(context(tmp_path, later, "aria_article_head", None, "live"))
        assert has_line(message, '-- button "Font Size Up"'), message
        later.page.close()


def test_the_date_line_is_news_on_live_targets_only(tmp_path, browser, demo):
    pages = [open_article(browser, demo.url, clock) for clock in (SEED_CLOCK, "2023-02-07T08:05:00+09:00")]
    lines = [locate(p, "date_line").inner_text() for p in pages]
    assert lines[0] != lines[1], lines
    for target in ("demo", "live"):
        recorded = context(tmp_path, pages[0], "aria_menu", "missing", target)
        run(recorded, recorded.check.options)
    run(context(tmp_path, pages[1], "aria_menu", None, "live"), {"component": "menu"})  # news
    message = failure_of(context(tmp_path, pages[1], "aria_menu", None, "demo"))  # pinned: the text
    assert has_line(message, f"-  - text: {lines[0]}") and has_line(message, f"+  - text: {lines[1]}"), message
    pages[1].menu.all_menu_button.evaluate("b => b.setAttribute('aria-label', 'open the menu')")
    message = failure_of(context(tmp_path, pages[1], "aria_menu", None, "live"))  # chrome: its words
    assert has_line(message, '-  - button "all menu"') and has_line(message, '+  - button "open the menu": all menu'), message
    for page in pages:
        page.page.close()


def test_a_news_part_that_is_no_node_of_its_own_fails_naming_it(tmp_path, article):
    _, check = article_check("aria_menu")
    settings = {**article_check("aria_menu")[0].settings, "aria_snapshot": {"live": {"dynamic": ["trending.tags"]}}}
    ctx = context(tmp_path, article, "aria_menu", "missing", "live", settings,
                  replace(check, options={"component": "trending"}))
    assert locate(article, "trending.tags").count() > 0
    message = failure_of(ctx)
    assert "trending.tags (aria_snapshot.live.dynamic) is inside the component, but its tree is not one of the " \
           "component's nodes" in message, message
    assert "list the part that holds it instead" in message


def test_a_reference_that_is_no_template_fails_saying_how_to_rewrite_it(tmp_path, article):
    path = tmp_path / "baselines" / "live" / "article" / "aria_share_bar-desktop.aria.yml"
    path.parent.mkdir(parents=True)
    path.write_text("- [unclosed\n", encoding="utf-8")
    message = failure_of(context(tmp_path, article, "aria_share_bar", None, "live"))
    assert "is not an aria template" in message and "--update-baselines=changed" in message, message


# --- options: collection errors --------------------------------------------------------------------

@pytest.mark.parametrize("option, says", [
    ("component: share_bars", "unknown component 'share_bars' (did you mean 'share_bar'?)"),
    ("compnent: share_bar", "unknown key 'compnent'"),
])
def test_a_bad_option_is_an_error_naming_file_line_and_key(tmp_path, option, says):
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent(f"""\
        scenarios:
          - name: article
            page: {ARTICLE}
            checks:
              - kind: aria_snapshot
                {option}
        """), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_suite_scenarios(path, SETTINGS)
    text = str(caught.value)
    assert "bad.yaml:" in text and "scenarios[0].checks[0]" in text and says in text, text


def test_a_check_without_its_component_is_an_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(f"scenarios:\n  - name: a\n    page: {ARTICLE}\n    checks:\n      - kind: aria_snapshot\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_suite_scenarios(path, SETTINGS)
    assert "bad.yaml:5" in str(caught.value) and "component" in str(caught.value), str(caught.value)
