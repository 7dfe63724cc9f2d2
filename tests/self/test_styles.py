"""The styles kind on the real demo page in Chromium: every recorded property of one part, changed
in turn, fails the reference naming that part and property; roles judge repeated parts whatever
their number; absent parts are noted unless required; the whole item writes, passes and fails
through its YAML reference; bad part, role and property names are collection errors.

The page objects' one-round-trip read (pages.region.evaluate_each) is held to Playwright's own
resolution of every component.
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from demo_site.server import DemoSite
from pages import ArticlePage
from pages.components import COMPONENTS, evaluate_components, locate
from regress.browser.capture import settle
from regress.checks import CheckFailure, load_suite_scenarios
from regress.checks.context import CheckContext
from regress.checks.styles import IMAGE, PROPERTIES, compare, observe, render, run
from regress.model.scenario import ScenarioError, load_settings
from regress.run.record import ItemNotes
from test_collection_errors import site_url  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = load_settings(ROOT / "config" / "site.yaml")
ARTICLE = "/www/nation/2022/06/120_330924.html"
DESKTOP = {"width": 1280, "height": 800}


def article_styles():
    """The article_styles check of config/scenarios/article.yaml, as collection loads it."""
    scenario = load_suite_scenarios(ROOT / "config" / "scenarios" / "article.yaml", SETTINGS)[0]
    return scenario, next(c for c in scenario.checks if c.name == "article_styles")


@pytest.fixture(scope="module")
def demo():
    with DemoSite(port=0, font_delay=0) as site:
        yield site


def open_article(browser, url: str) -> ArticlePage:
    page = browser.new_page(viewport=DESKTOP)
    site = ArticlePage(page, url).open(ARTICLE)
    settle(page)  # lazy images loaded: their proportions are read
    return site


@pytest.fixture
def article(browser, demo):
    site = open_article(browser, demo.url)
    yield site
    site.page.close()


def reference_of(roles) -> dict:
    """The reference document a page's roles write, read back as the kind reads it."""
    return yaml.safe_load(render(roles, "test"))


def restyle(locator, declarations: str, *, on_parent: bool = False) -> None:
    """Inline declarations on every element of the locator (or on each one's parent), !important
    so no rule of the stylesheet wins."""
    important = ";".join(f"{d.strip()} !important" for d in declarations.split(";") if d.strip())
    locator.evaluate_all("(els, [css, up]) => els.forEach(e => { (up ? e.parentElement : e).style.cssText += ';' + css; })",
                         [important, on_parent])


# --- the one-round-trip read -----------------------------------------------------------------------

def test_every_component_resolves_in_one_round_trip_as_playwright_does(article):
    """The same elements, in the same order, for every component of the vocabulary."""
    mark = "el => el.outerHTML"
    found = evaluate_components(article, list(COMPONENTS), mark)
    for name in COMPONENTS:
        assert found[name] == locate(article, name).evaluate_all(f"els => els.map({mark})"), name
    assert all(found[name] for name in ("article.paragraphs", "top_ten.tags", "footer.links.anchors"))


# --- each recorded property of one part, changed in turn -------------------------------------------

# property -> the declarations that change it (on the part, or on its parent for the derived
# properties that read the ancestors). Every property the kind records has one.
TEXT_PART, IMAGE_PART = "article.headline", "article.photo_image"
CHANGES = {
    "font-family": "font-family: monospace", "font-size": "font-size: 31px", "font-weight": "font-weight: 300",
    "font-style": "font-style: italic", "line-height": "line-height: 13px", "letter-spacing": "letter-spacing: 3px",
    "word-spacing": "word-spacing: 5px", "color": "color: rgb(1, 2, 3)", "text-align": "text-align: right",
    "text-transform": "text-transform: lowercase", "text-decoration-line": "text-decoration-line: underline",
    "text-decoration-style": "text-decoration-style: dotted",
    "text-decoration-color": "text-decoration: underline rgb(1, 2, 3)", "text-shadow": "text-shadow: 1px 1px red",
    "white-space": "white-space: nowrap", "overflow-x": "overflow-x: hidden", "overflow-y": "overflow-y: hidden",
    "text-overflow": "text-overflow: ellipsis", "-webkit-line-clamp": "-webkit-line-clamp: 2",
    "vertical-align": "vertical-align: middle", "background-color": "background-color: rgb(1, 2, 3)",
    "background-image": "background-image: linear-gradient(red, blue)",
    **{f"margin-{side}": f"margin-{side}: 7px" for side in ("top", "right", "bottom", "left")},
    **{f"padding-{side}": f"padding-{side}: 7px" for side in ("top", "right", "bottom", "left")},
    **{f"border-{side}": f"border-{side}: 3px dashed rgb(1, 2, 3)" for side in ("top", "right", "bottom", "left")},
    "border-radius": "border-radius: 9px", "box-shadow": "box-shadow: 1px 1px 2px red",
    "display": "display: flow-root", "position": "position: relative", "visibility": "visibility: hidden",
    "opacity": "opacity: 0.5",
    "effective-opacity": "opacity: 0.5",  # on the parent: the part's own opacity stays 1
    "rendered": "display: none",  # on the parent: the part's own display stays block
    "object-fit": "object-fit: contain", "object-position": "object-position: 0 0",
    "aspect": "height: 100px",  # the photo squashed: object-fit fill draws it to the box
    "width-share": "width: 50%",
}
ON_PARENT = {"effective-opacity", "rendered"}


def test_the_changes_cover_every_recorded_property():
    assert set(CHANGES) == set(PROPERTIES), set(PROPERTIES) ^ set(CHANGES)


@pytest.mark.parametrize("prop", list(PROPERTIES))
def test_changing_one_property_of_one_part_fails_naming_both(article, prop):
    part = IMAGE_PART if prop in IMAGE else TEXT_PART
    options = {"parts": {part: {}}}
    reference = reference_of(observe(article, options))
    assert compare(reference, observe(article, options)) == []  # the page matches what it wrote
    restyle(locate(article, part), CHANGES[prop], on_parent=prop in ON_PARENT)
    rows = compare(reference, observe(article, options))
    assert (part, prop) in {(row.part, row.property) for row in rows}, rows
    assert all(row.expected != row.actual for row in rows)


# --- roles: repeated parts -------------------------------------------------------------------------

def test_only_paragraph_3_restyled_fails_the_other_paragraphs_role(article):
    _, check = article_styles()
    reference = reference_of(observe(article, check.options))
    restyle(locate(article, "article.paragraphs").nth(2), "color: rgb(200, 16, 46)")
    rows = compare(reference, observe(article, check.options))
    assert [(r.part, r.property, r.expected, r.actual) for r in rows] == [
        ("article.paragraphs (others)", "color", "rgb(34, 37, 42)", "rgb(200, 16, 46) (at 3 of 22)")]


@pytest.mark.parametrize("day", [3, 4])
def test_a_longer_or_shorter_story_matches_the_day_1_reference(browser, demo, day):
    """Day 3 has paragraphs added; day 4 a shorter story under a taller photo."""
    _, check = article_styles()
    first = open_article(browser, demo.url)
    reference = reference_of(observe(first, check.options))
    counts = [len(evaluate_components(first, ["article.paragraphs"], "el => 1")["article.paragraphs"])]
    first.page.close()
    with DemoSite(port=0, font_delay=0, news_day=day) as other:
        later = open_article(browser, other.url)
        counts.append(len(evaluate_components(later, ["article.paragraphs"], "el => 1")["article.paragraphs"]))
        assert compare(reference, observe(later, check.options)) == []
        later.page.close()
    assert counts[0] != counts[1], counts  # the story's length did change


# --- absent, required ------------------------------------------------------------------------------

def test_a_part_the_page_lacks_is_absent_unless_required(article):
    optional = {"parts": {"article.related": {}, "article.headline": {}}}
    reference = reference_of(observe(article, optional))
    locate(article, "article.related").evaluate_all("els => els.forEach(e => e.remove())")
    today = observe(article, optional)
    assert [r.label for r in today if r.absent] == ["article.related"]
    assert compare(reference, today) == []
    required = {"parts": {"article.related": {"required": True}, "article.headline": {}}}
    assert [(r.part, r.property, r.actual) for r in compare(reference, observe(article, required))] == [
        ("article.related", "(part)", "absent")]
    # written absent, present again later: news (a badge back), nothing to compare, no failure
    assert reference_of(today)["article.related"] == "absent"


def test_required_roles_name_which_must_be_there(article):
    options = {"parts": {"article.paragraphs": {"roles": {"lead": 1, "others": "rest"}, "required": ["lead"]}}}
    reference = reference_of(observe(article, options))
    locate(article, "article.paragraphs").evaluate_all("els => els.slice(1).forEach(e => e.remove())")
    assert compare(reference, observe(article, options)) == []  # one paragraph: no others, not required
    locate(article, "article.paragraphs").evaluate_all("els => els.forEach(e => e.remove())")
    rows = compare(reference, observe(article, options))
    assert [(r.part, r.actual) for r in rows] == [("article.paragraphs (lead)", "absent")]


# --- the whole item: reference written, passes, fails with a table ---------------------------------

def context(tmp_path: Path, site: ArticlePage, url: str, mode: str | None, check) -> CheckContext:
    scenario, _ = article_styles()
    return CheckContext(
        base_url=url, scenario=scenario, check=check, viewport="desktop", settings=scenario.settings,
        artifacts_dir=tmp_path / "artifacts", baselines_dir=tmp_path / "baselines", update_baselines=mode,
        notes=ItemNotes(), new_page=lambda: site.page, settled_page=lambda clock: (site.page, site),
        project_root=tmp_path)


def test_the_item_writes_its_reference_then_fails_with_a_table(tmp_path, article, demo):
    _, check = article_styles()
    ctx = context(tmp_path, article, demo.url, None, check)
    with pytest.raises(CheckFailure, match=r"no reference baselines/article/article_styles-desktop\.styles\.yml"):
        run(ctx, check.options)
    written = context(tmp_path, article, demo.url, "missing", check)
    run(written, check.options)
    assert written.notes.baselines_written == ["new baselines/article/article_styles-desktop.styles.yml"]
    passing = context(tmp_path, article, demo.url, None, check)
    run(passing, check.options)  # passes, and says what it could not judge
    assert passing.notes.remarks == [], passing.notes.remarks
    article.page.evaluate("el => el.remove()", locate(article, "article.related").element_handle())
    lacking = context(tmp_path, article, demo.url, "changed", check)
    run(lacking, check.options)  # written as absent: news, a page without a related box passes
    [remark] = lacking.notes.remarks
    assert remark.startswith("absent on this page (not required): article.related") and not lacking.notes.baselines_written
    article.page.reload()
    settle(article.page)
    restyle(locate(article, "article.headline"), "white-space: nowrap; overflow: hidden; text-overflow: ellipsis")
    failing = context(tmp_path, article, demo.url, None, check)
    with pytest.raises(CheckFailure) as caught:
        run(failing, check.options)
    message = str(caught.value)
    assert re.search(r"(?m)^part +property +expected +actual$", message), message
    assert re.search(r"(?m)^article\.headline +white-space +normal +nowrap$", message), message
    assert re.search(r"(?m)^article\.headline +text-overflow +clip +ellipsis$", message), message
    assert caught.value.checks == ("styles",)
    diff = Path(failing.notes.reference.diff).read_text(encoding="utf-8")
    assert "\n-  white-space: normal\n" in diff and "\n+  white-space: nowrap\n" in diff, diff


def test_a_role_whose_elements_disagree_is_never_written(tmp_path, article, demo):
    _, check = article_styles()
    restyle(locate(article, "article.paragraphs").nth(2), "font-style: italic")
    ctx = context(tmp_path, article, demo.url, "missing", check)
    with pytest.raises(CheckFailure, match=r"(?s)disagree.*article\.paragraphs \(others\) +font-style +normal +italic "
                                           r"\(at 3 of 22\)"):
        run(ctx, check.options)
    assert not (tmp_path / "baselines").exists() and ctx.notes.baselines_written == []


def test_an_unreadable_reference_fails_saying_how_to_rewrite_it(tmp_path, article, demo):
    _, check = article_styles()
    path = tmp_path / "baselines" / "article" / "article_styles-desktop.styles.yml"
    path.parent.mkdir(parents=True)
    path.write_text("- [unclosed\n", encoding="utf-8")
    with pytest.raises(CheckFailure, match=r"is unreadable \(not YAML.*--update-baselines=changed"):
        run(context(tmp_path, article, demo.url, None, check), check.options)


# --- bad names: collection errors ------------------------------------------------------------------

def styles_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent("""\
        scenarios:
          - name: article
            page: /www/nation/2022/06/120_330924.html
            checks:
              - kind: styles
        """) + textwrap.indent(textwrap.dedent(body), "        "), encoding="utf-8")
    return path


@pytest.mark.parametrize("body, line, needles", [
    ("parts: {article.headlin: {}}\n", 6,
     ["scenarios[0].checks[0].parts['article.headlin']", "unknown component 'article.headlin'",
      "did you mean 'article.headline'", "article.paragraphs"]),
    ("parts: {article.headline: {}}\nproperties: [color, colr]\n", 7,
     ["scenarios[0].checks[0].properties[1]", "invalid value 'colr'", "did you mean 'color'", "font-family"]),
    ("parts:\n  article.headline: {ignore: [font-sise]}\n", 7,
     ["parts['article.headline'].ignore[0]", "invalid value 'font-sise'", "did you mean 'font-size'"]),
    ("parts:\n  article.paragraphs: {roles: {lead: rest, others: 1}}\n", 7,
     ["parts['article.paragraphs'].roles", "only the last role may take the rest, not 'lead'"]),
    ("parts:\n  article.paragraphs: {roles: {lead: 1, others: rest}, required: [leed]}\n", 7,
     ["parts['article.paragraphs']", "required names unknown role 'leed'; valid: lead, others"]),
])
def test_a_bad_name_is_an_error_naming_file_line_key_and_the_valid_names(tmp_path, body, line, needles):
    with pytest.raises(ScenarioError) as caught:
        load_suite_scenarios(styles_file(tmp_path, body), SETTINGS)
    text = str(caught.value)
    assert f"bad.yaml:{line}:" in text, text
    for needle in needles:
        assert needle in text, text


def test_a_bad_part_name_is_one_collection_error(tmp_path, pytester, site_url):  # noqa: F811
    scenarios = pytester.mkdir("scenarios")
    styles_file(scenarios, "parts: {article.headline: {}, top_ten.tag: {}}\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--scenarios", str(scenarios),
                                           "--site-settings", str(ROOT / "config" / "site.yaml"),
                                           "--base-url", site_url, "--target", "demo", "--collect-only",
                                           str(scenarios))
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out and result.ret == pytest.ExitCode.INTERRUPTED, out
    assert [ln for ln in out.splitlines() if ln.startswith("ERROR ")] and re.search(r"\b1 error\b", out), out
    assert re.search(r"bad\.yaml:6: scenarios\[0\]\.checks\[0\]\.parts\['top_ten\.tag'\]: unknown component "
                     r"'top_ten\.tag' \(did you mean 'top_ten\.tags'\?\); valid: .*top_ten\.tags", out), out


def test_the_demo_references_are_the_pages_own(article):
    """The committed references hold every part the scenario names (a check of nothing passes nothing)."""
    _, check = article_styles()
    doc = yaml.safe_load((ROOT / "baselines" / "demo" / "article" / "article_styles-desktop.styles.yml")
                         .read_text(encoding="utf-8"))
    assert list(doc) == list(check.options["parts"])
    assert compare(doc, observe(article, check.options)) == []
