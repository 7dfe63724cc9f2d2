"""Scenario and settings loading: every mistake is reported with file, line
and key path; good files load into normalized, merged objects.

The check kinds here are fakes declared in this file, so these tests don't
depend on the real check modules.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from regress.checks import CheckKind, kinds
from regress.model.project import PACKAGE_SETTINGS
from regress.model.scenario import (COMPONENT_SETTINGS, Scenario, ScenarioError, Settings, load_scenario_files,
                              load_scenarios, load_settings)
from regress.model.schema import (ComponentList, ComponentName, Context, CountRange, Field, Length,
                            ListOf, MapOf, Nested, OneOf, Range, Span, ViewportName)

ROOT = Path(__file__).resolve().parents[2]

SITE = """\
site:
  name: Demo
  article_path: /www/nation/2022/06/120_330924.html
  sensitive_hosts: [www.example.com]
viewports:
  desktop: {width: 1280, height: 800}
  tablet: {width: 768, height: 1024}
  mobile: {width: 375, height: 812}
font_controls: {default_px: 18, step_px: 2, min_px: 14, max_px: 26}
links: {max_redirects: 3, per_host_concurrency: 4, retries: 3, timeout_s: 10}
print_preview: {pdf_pages: [1, 12]}
visual:
  threshold: 0.1
  max_diff_pixels: 0
  clock: "2023-02-06T21:47:00+09:00"
  settle_tries: 5
"""


def _noop(ctx, options):  # pragma: no cover - never run here
    pass


KINDS = {k.name: k for k in [
    CheckKind("layout", _noop, options={
        "component": ComponentName(required=True),
        "width": Range(),
        "height": Range(default="0px.."),
        "visible": Field(bool, default=True),
    }),
    CheckKind("visual", _noop, options={
        "components": ComponentList(default=["page"]),
        "max_diff_pixels": Field(int, min=0, exclusive_with="max_diff_ratio"),
        "max_diff_ratio": Field(float, min=0, max=1),
        "wait": OneOf("load", "idle", Field(int, min=0), default="load"),
    }),
    CheckKind("links", _noop, options={"scope": ComponentName(default="article.body")}),
    CheckKind("font_controls", _noop),
    CheckKind("print_preview", _noop, options={
        "formats": ListOf(Nested({
            "paper": Field(str, required=True, choices=["A4", "Letter"]),
            "pages": Field(int, min=1),
        })),
        "boxes": MapOf(ComponentName(), Range()),
    }),
]}
COMPONENTS = ["page", "menu", "menu.logo", "article.headline", "article.body", "top_ten.items"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    path = tmp_path / "site.yaml"
    path.write_text(SITE)
    return load_settings(path)


def load(tmp_path: Path, settings: Settings, text: str, name: str = "article.yaml") -> list[Scenario]:
    path = tmp_path / name
    path.write_text(text)
    return load_scenarios(path, settings, kinds=KINDS, components=COMPONENTS)


# A scenario whose first check starts on line 5.
HEAD = """\
scenarios:
  - name: article
    page: /a.html
    checks:
"""

# (id, yaml, line, key path, fragment of str(error))
BAD_SCENARIOS = [
    ("yaml-syntax", HEAD + "      - kind: [layout\n", 6, "", "invalid YAML"),
    ("yaml-bad-indent", "scenarios:\n  - name: a\n   page: /a\n", 3, "", "invalid YAML"),
    ("tab-indent", HEAD + "\t- kind: layout\n", 5, "", "tab in indentation"),
    ("empty-file", "", 1, "", "file is empty"),
    ("only-comments", "# nothing yet\n", 1, "", "file is empty"),
    ("top-level-list", "- name: a\n", 1, "", "top level must be a mapping"),
    ("top-level-scalar", "hello\n", 1, "", "got string 'hello'"),
    ("unknown-top-key", "scenario: []\n", 1, "scenario",
     "unknown key 'scenario' (did you mean 'scenarios'?); valid: defaults, scenarios"),
    ("scenarios-missing", "defaults: {viewports: [mobile]}\n", 1, "",
     "missing required key 'scenarios'"),
    ("scenarios-empty", "scenarios: []\n", 1, "scenarios", "must not be empty"),
    ("scenarios-null", "scenarios:\n", 1, "scenarios", "expected list of mappings, got null"),
    ("scenario-not-mapping", "scenarios:\n  - article\n", 2, "scenarios[0]",
     "expected mapping, got string 'article'"),
    ("unknown-scenario-key", "scenarios:\n  - name: a\n    pages: /a\n", 3, "scenarios[0].pages",
     "did you mean 'page'?); valid: checks, name, page, settings, viewports"),
    ("name-wrong-type", "scenarios:\n  - name: 42\n", 2, "scenarios[0].name",
     "expected string, got integer 42"),
    ("name-yes-is-bool", "scenarios:\n  - name: yes\n", 2, "scenarios[0].name",
     "got boolean True (quote it"),
    ("name-dotdot", "scenarios:\n  - name: ../x\n", 2, "scenarios[0].name",
     "must not contain '/' or '..'"),
    ("name-slash", "scenarios:\n  - name: a/b\n", 2, "scenarios[0].name", "must not contain '/'"),
    ("name-uppercase", "scenarios:\n  - name: Article\n", 2, "scenarios[0].name", "use 1-64 of a-z"),
    ("page-relative", "scenarios:\n  - name: a\n    page: www/a.html\n", 3, "scenarios[0].page",
     "must start with '/'"),
    ("page-scheme", "scenarios:\n  - name: a\n    page: https://example.com/a\n", 3,
     "scenarios[0].page", "without scheme or host"),
    ("page-protocol-relative", "scenarios:\n  - name: a\n    page: //example.com/a\n", 3,
     "scenarios[0].page", "without scheme or host"),
    ("checks-missing", "scenarios:\n  - name: a\n    page: /a\n", 2, "scenarios[0]",
     "missing required key 'checks'"),
    ("checks-empty", "scenarios:\n  - name: a\n    page: /a\n    checks: []\n", 4,
     "scenarios[0].checks", "must not be empty"),
    ("unknown-kind", HEAD + "      - kind: lay_out\n", 5, "scenarios[0].checks[0].kind",
     "unknown check kind 'lay_out' (did you mean 'layout'?); "
     "valid: font_controls, layout, links, print_preview, visual"),
    ("kind-missing", HEAD + "      - name: x\n", 5, "scenarios[0].checks[0]",
     "missing required key 'kind'; valid: font_controls"),
    ("check-not-mapping", HEAD + "      - layout\n", 5, "scenarios[0].checks[0]",
     "expected mapping, got string 'layout'"),
    ("unknown-option", HEAD + "      - kind: links\n        scop: menu\n", 6,
     "scenarios[0].checks[0].scop", "valid: kind, name, rules, scope, viewports"),
    ("option-wrong-type", HEAD + "      - kind: layout\n        component: menu\n        visible: 'no'\n",
     7, "scenarios[0].checks[0].visible", "expected boolean, got string 'no'"),
    ("required-option-missing", HEAD + "      - kind: layout\n", 5, "scenarios[0].checks[0]",
     "missing required key 'component'"),
    ("unknown-component", HEAD + "      - kind: layout\n        component: top10.items\n", 6,
     "scenarios[0].checks[0].component",
     "unknown component 'top10.items' (did you mean 'top_ten.items'?); valid: article.body"),
    ("unknown-component-in-list",
     HEAD + "      - kind: visual\n        components:\n          - menu\n          - footer\n", 8,
     "scenarios[0].checks[0].components[1]", "unknown component 'footer'"),
    ("component-listed-twice", HEAD + "      - kind: visual\n        components: [menu, menu]\n", 6,
     "scenarios[0].checks[0].components[1]", "'menu' is listed twice"),
    ("bad-scenario-viewport", "scenarios:\n  - name: a\n    page: /a\n    viewports: [desktop, phone]\n",
     4, "scenarios[0].viewports[1]", "unknown viewport 'phone'; valid: desktop, mobile, tablet"),
    ("bad-defaults-viewport", "defaults:\n  viewports: [mobil]\nscenarios: []\n", 2,
     "defaults.viewports[0]", "did you mean 'mobile'?"),
    ("check-viewport-outside-scenario",
     "scenarios:\n  - name: a\n    page: /a\n    viewports: [mobile]\n    checks:\n"
     "      - kind: links\n        viewports: [desktop]\n", 7,
     "scenarios[0].checks[0].viewports[0]", "not one of the scenario's viewports; valid: mobile"),
    ("duplicate-scenario", "scenarios:\n  - name: a\n    page: /a\n    checks: [{kind: links}]\n"
     "  - name: a\n    page: /b\n    checks: [{kind: links}]\n", 5, "scenarios[1].name",
     "duplicate scenario name 'a' (first at line 2)"),
    ("duplicate-check-default-name", HEAD + "      - kind: links\n      - kind: links\n", 6,
     "scenarios[0].checks[1]", "duplicate check name 'links' (first at line 5)"),
    ("duplicate-check-given-name",
     HEAD + "      - {kind: links, name: x}\n      - {kind: font_controls, name: x}\n", 6,
     "scenarios[0].checks[1].name", "duplicate check name 'x'"),
    ("check-name-path", HEAD + "      - {kind: links, name: ../../etc}\n", 5,
     "scenarios[0].checks[0].name", "must not contain '/'"),
    ("exclusive-options", HEAD + "      - kind: visual\n        max_diff_pixels: 10\n"
     "        max_diff_ratio: 0.1\n", 7, "scenarios[0].checks[0].max_diff_ratio",
     "'max_diff_ratio' conflicts with 'max_diff_pixels'; give only one"),
    ("number-above-max", HEAD + "      - {kind: visual, max_diff_ratio: 2}\n", 5,
     "scenarios[0].checks[0].max_diff_ratio", "must be <= 1, got 2.0"),
    ("one-of-mismatch", HEAD + "      - {kind: visual, wait: soon}\n", 5,
     "scenarios[0].checks[0].wait", "expected 'load' or 'idle' or integer, got string 'soon'"),
    ("range-empty", HEAD + "      - {kind: layout, component: menu, width: 40px..10px}\n", 5,
     "scenarios[0].checks[0].width", "empty range '40px..10px': 40px is above 10px"),
    ("range-garbage", HEAD + "      - {kind: layout, component: menu, width: wide}\n", 5,
     "scenarios[0].checks[0].width", "expected range like '10px..40px'"),
    ("nested-choice", HEAD + "      - kind: print_preview\n        formats:\n          - paper: A4\n"
     "          - paper: A5\n", 8, "scenarios[0].checks[0].formats[1].paper",
     "invalid value 'A5'; valid: A4, Letter"),
    ("map-key-component", HEAD + "      - kind: print_preview\n        boxes:\n"
     "          menu: 10..20\n          menu.lgo: 50%..\n", 8,
     "scenarios[0].checks[0].boxes['menu.lgo']", "did you mean 'menu.logo'?"),
    ("non-string-key", HEAD + "      - kind: links\n        1: x\n", 6, "scenarios[0].checks[0]",
     "keys must be strings, got integer 1"),
    ("null-key", HEAD + "      - kind: links\n        ~: x\n", 6, "scenarios[0].checks[0]",
     "keys must be strings, got null"),
    ("duplicate-yaml-key", "scenarios:\n  - name: a\n    page: /a\n    page: /b\n", 4,
     "scenarios[0].page", "duplicate key 'page' (first at line 3)"),
    ("unsupported-tag", "scenarios: !!set {a: null}\n", 1, "scenarios", "unsupported YAML tag"),
    ("python-tag", "scenarios:\n  - name: !!python/name:os.system x\n", 2, "",
     "could not determine a constructor"),
    ("recursive-alias", "defaults: &d\n  x: *d\nscenarios: []\n", 2, "defaults.x", "recursive alias"),
    ("defaults-overrides-site", "defaults:\n  site: {name: x}\nscenarios: []\n", 2, "defaults.site",
     "unknown key 'site'; valid: aria_snapshot, font_controls, layout_shift, links, page_health, print_preview, spacing, viewports, visual"),
    ("override-wrong-type", "scenarios:\n  - name: a\n    page: /a\n    settings:\n"
     "      visual: {threshold: high}\n", 5, "scenarios[0].settings.visual.threshold",
     "expected number, got string 'high'"),
    ("override-unknown-setting", "scenarios:\n  - name: a\n    page: /a\n    settings:\n"
     "      visual: {treshold: 0.2}\n", 5, "scenarios[0].settings.visual.treshold",
     "did you mean 'threshold'?"),
    ("override-breaks-cross-check", "scenarios:\n  - name: a\n    page: /a\n    checks: [{kind: links}]\n"
     "    settings:\n      font_controls:\n        min_px: 30\n", 6,
     "scenarios[0].settings.font_controls", "needs min_px <= default_px <= max_px, got 30 <= 18 <= 26"),
]


@pytest.mark.parametrize("text,line,key,fragment",
                         [case[1:] for case in BAD_SCENARIOS], ids=[case[0] for case in BAD_SCENARIOS])
def test_bad_scenario_file(tmp_path, settings, text, line, key, fragment):
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, settings, text)
    err = info.value
    assert (err.line, err.key) == (line, key), str(err)
    assert fragment in str(err)
    assert err.path == str(tmp_path / "article.yaml")
    assert str(err).startswith(f"{err.path}:{line}: ")


def test_error_format_and_attributes(tmp_path, settings):
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, settings, HEAD + "      - kind: lay_out\n")
    err = info.value
    assert err.message == "unknown check kind 'lay_out'"
    assert err.valid == ["font_controls", "layout", "links", "print_preview", "visual"]
    assert err.suggestion == "layout"
    assert str(err) == (f"{tmp_path / 'article.yaml'}:5: scenarios[0].checks[0].kind: unknown check "
                        "kind 'lay_out' (did you mean 'layout'?); "
                        "valid: font_controls, layout, links, print_preview, visual")


def test_error_path_is_relative_to_cwd(tmp_path, settings, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, settings, "scenarios: []\n")
    assert str(info.value).startswith("article.yaml:1: scenarios: ")


# (id, replace this in SITE, with this, line marker (first line containing it), key, fragment)
BAD_SETTINGS = [
    ("unknown-section", "visual:", "visuals:", "visuals:", "visuals", "did you mean 'visual'?"),
    ("viewport-zero", "width: 375", "width: 0", "mobile:", "viewports.mobile.width", "must be >= 1, got 0"),
    ("viewport-float", "height: 812", "height: 812.5", "mobile:", "viewports.mobile.height",
     "expected integer, got number 812.5"),
    ("viewport-missing-height", ", height: 812", "", "mobile:", "viewports.mobile",
     "missing required key 'height'"),
    ("viewport-name-path", "  mobile:", "  ../mobile:", "../mobile", "viewports['../mobile']",
     "must not contain '/'"),
    ("unknown-link-key", "retries: 3", "retry: 3", "links:", "links.retry", "valid: allow_hosts"),
    ("clock-no-zone", "+09:00", "", "clock:", "visual.clock", "needs a UTC offset"),
    ("font-order", "min_px: 14", "min_px: 20", "font_controls", "font_controls",
     "min_px <= default_px"),
    ("article-path-url", "article_path: /www", "article_path: http://x/www", "article_path",
     "site.article_path", "without scheme or host"),
    ("threshold-range", "threshold: 0.1", "threshold: 5", "threshold", "visual.threshold",
     "must be <= 1"),
]


@pytest.mark.parametrize("old,new,marker,key,fragment", [c[1:] for c in BAD_SETTINGS],
                         ids=[c[0] for c in BAD_SETTINGS])
def test_bad_settings(tmp_path, old, new, marker, key, fragment):
    assert old in SITE
    text = SITE.replace(old, new, 1)
    path = tmp_path / "site.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_settings(path)
    err = info.value
    line = 1 if marker is None else next(
        n for n, row in enumerate(text.splitlines(), 1) if marker in row)
    assert (err.line, err.key) == (line, key), str(err)
    assert fragment in str(err)


def test_a_settings_file_read_alone_must_be_complete(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(SITE.replace("print_preview: {pdf_pages: [1, 12]}\n", ""))
    with pytest.raises(ScenarioError) as info:
        load_settings(path, defaults=None)
    assert (info.value.line, info.value.key) == (1, ""), str(info.value)
    assert "missing required key 'print_preview'" in str(info.value)


def test_a_project_file_states_only_what_differs_from_the_package_defaults(tmp_path):
    package = load_settings(PACKAGE_SETTINGS)
    path = tmp_path / "site.yaml"
    path.write_text("font_controls: {step_px: 4}\nviewports:\n  phone: {width: 360, height: 640}\n"
                    "visual:\n  live: {mask: [article.body]}\n")
    settings = load_settings(path)
    assert settings.path == str(path) and Path(settings.defaults).resolve() == PACKAGE_SETTINGS
    # a section's keys merge into the defaults' section...
    assert settings["font_controls"] == {**package["font_controls"], "step_px": 4}
    assert settings["visual"]["threshold"] == package["visual"]["threshold"]
    assert settings["visual"]["live"] == {**package["visual"]["live"], "mask": ["article.body"]}
    # ...a mapping of names replaces the defaults' whole; an absent section is the defaults'
    assert settings.viewports == {"phone": (360, 640)}
    assert settings["links"] == package["links"] and settings["site"] == package["site"]


def test_a_viewport_is_a_device_in_the_shape_of_playwrights_descriptors(tmp_path):
    """Mobile and tablet are phones: mobile, touch, 2 device pixels per CSS pixel; the browser's own
    user agent unless the settings name one (a phone's could send the suite to another host)."""
    package = load_settings(PACKAGE_SETTINGS)
    for name in ("mobile", "tablet"):
        device = package.devices[name]
        assert (device.is_mobile, device.has_touch, device.device_scale_factor) == (True, True, 2.0), device
        assert "user_agent" not in device.context_args()
    assert package.devices["desktop"].context_args() == {
        "viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1.0, "is_mobile": False,
        "has_touch": False}
    path = tmp_path / "site.yaml"
    path.write_text("viewports:\n  phone: {width: 360, height: 640, is_mobile: true}\n"
                    "  retina: {width: 1440, height: 900, device_scale_factor: 3, user_agent: Kiosk/1.0}\n")
    settings = load_settings(path)
    phone, retina = settings.devices["phone"], settings.devices["retina"]
    assert phone.device_scale_factor == 2.0 and not phone.has_touch  # a mobile device's default scale
    assert settings["viewports"]["phone"]["device_scale_factor"] == 2.0  # what the kinds read
    assert retina.context_args() == {"viewport": {"width": 1440, "height": 900}, "device_scale_factor": 3.0,
                                     "is_mobile": False, "has_touch": False, "user_agent": "Kiosk/1.0"}
    assert settings.viewports == {"phone": (360, 640), "retina": (1440, 900)}


@pytest.mark.parametrize("text, line, key, fragment", [
    ("viewports:\n  phone: {width: 360, height: 640, isMobile: true}\n", 2, "viewports.phone.isMobile",
     "unknown key 'isMobile'"),
    ("viewports:\n  phone:\n    width: 360\n    height: 640\n    device_scale_factor: 0.5\n", 5,
     "viewports.phone.device_scale_factor", "must be >= 1"),
    ("viewports:\n  phone: {width: 360, height: 640, has_touch: 'yes'}\n", 2, "viewports.phone.has_touch",
     "expected"),
], ids=["camel-case-key", "scale-below-one", "touch-not-a-boolean"])
def test_a_bad_device_is_one_error_naming_its_key(tmp_path, text, line, key, fragment):
    path = tmp_path / "site.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_settings(path)
    err = info.value
    assert (err.path, err.line, err.key) == (str(path), line, key), str(err)
    assert fragment in str(err)


@pytest.mark.parametrize("text, line, key, fragment", [
    ("links:\n  retry: 3\n", 2, "links.retry", "unknown key 'retry'"),
    # the merged settings are validated whole: min_px of the project above the defaults' max_px
    ("site: {name: x}\nfont_controls:\n  min_px: 30\n", 2, "font_controls", "min_px <= default_px <= max_px"),
    ("viewports:\n  phone: {width: 360}\n", 2, "viewports.phone", "missing required key 'height'"),
], ids=["unknown-key", "cross-key-after-merge", "replaced-map-incomplete"])
def test_errors_of_a_project_file_name_its_own_lines(tmp_path, text, line, key, fragment):
    path = tmp_path / "site.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_settings(path)
    err = info.value
    assert (err.path, err.line, err.key) == (str(path), line, key), str(err)
    assert fragment in str(err)


def test_the_package_defaults_name_no_site_and_none_of_its_components():
    """Generic defaults: an installed plugin's project names its own site, components and masks."""
    package = load_settings(PACKAGE_SETTINGS)
    assert package.defaults is None and not {"name", "article_path"} & package["site"].keys()
    assert not package["site"]["sensitive_hosts"]
    named = {path: value for path in COMPONENT_SETTINGS if (value := _at(package.raw, path))}
    assert not named, f"the package's defaults name components: {named}"


def _at(mapping, path):
    for key in path:
        mapping = mapping[key]
    return mapping


def test_real_site_settings_load():
    settings = load_settings(ROOT / "config" / "site.yaml")
    assert set(settings.viewports) >= {"desktop", "mobile"}
    assert all(w > 0 and h > 0 for w, h in settings.viewports.values())


def test_settings_access(settings):
    assert settings.viewports == {"desktop": (1280, 800), "tablet": (768, 1024), "mobile": (375, 812)}
    assert settings.links is settings["links"] and settings.links["allow_hosts"] == []
    assert settings["links"]["timeout_s"] == 10.0  # ints given for floats become floats
    assert settings["print_preview"]["pdf_pages"] == (1, 12)
    with pytest.raises(AttributeError):
        settings.no_such_section


# ---------------------------------------------------------------- good files

def test_minimal_file_defaults(tmp_path, settings):
    [s] = load(tmp_path, settings, HEAD + "      - kind: layout\n        component: menu\n")
    assert (s.name, s.page, s.line, s.path) == ("article", "/a.html", 2, str(tmp_path / "article.yaml"))
    assert s.viewports == ("desktop", "tablet", "mobile")  # all, in settings order
    [c] = s.checks
    assert (c.kind, c.name, c.viewports, c.line) == ("layout", "layout", s.viewports, 5)
    # Options without a default are left out, so kinds can use options.get(key, fallback).
    assert c.options == {"component": "menu", "height": Span(Length(0, "px"), None), "visible": True}
    assert s.settings == settings.raw
    assert s.settings is not settings.raw


def test_defaults_then_scenario_overrides_deep_merge(tmp_path, settings):
    text = """\
defaults:
  viewports: [mobile, tablet]
  visual: {threshold: 0.2, settle_tries: 9}
  links: {allow_hosts: [example.org]}
scenarios:
  - name: plain
    page: /a
    checks: [{kind: links}]
  - name: tuned
    page: /b?x=1
    viewports: [mobile]
    settings:
      visual: {threshold: 0.3}
      font_controls: {step_px: 4}
    checks:
      - {kind: font_controls, name: bigger}
"""
    plain, tuned = load(tmp_path, settings, text)
    assert plain.viewports == ("mobile", "tablet")
    assert plain.checks[0].viewports == ("mobile", "tablet")
    assert plain.settings["visual"] == {**settings["visual"], "threshold": 0.2, "settle_tries": 9}
    assert plain.settings["links"]["allow_hosts"] == ["example.org"]
    assert plain.settings["font_controls"] == settings["font_controls"]
    assert tuned.viewports == ("mobile",)
    assert tuned.settings["visual"]["threshold"] == 0.3
    assert tuned.settings["visual"]["settle_tries"] == 9  # from the file defaults
    assert tuned.settings["font_controls"] == {**settings["font_controls"], "step_px": 4}
    assert tuned.checks[0].name == "bigger"
    assert settings["visual"]["threshold"] == 0.1  # site settings untouched


def test_check_options_normalized(tmp_path, settings):
    text = HEAD + """\
      - kind: visual
        viewports: [desktop]
        components: [menu, article.headline]
        max_diff_ratio: 0
        wait: 500
      - kind: layout
        name: headline
        component: article.headline
        width: 50%..100%
        height: [10, null]
      - kind: print_preview
        formats: [{paper: A4}]
        boxes: {menu.logo: 120px}
"""
    [s] = load(tmp_path, settings, text)
    visual, layout, pp = s.checks
    assert visual.viewports == ("desktop",)
    assert visual.options == {"components": ["menu", "article.headline"],
                              "max_diff_ratio": 0.0, "wait": 500}
    assert layout.name == "headline"
    assert layout.options["width"].resolve(375) == (187.5, 375)
    assert layout.options["height"].resolve(812) == (10, None)
    assert pp.options["formats"] == [{"paper": "A4"}]
    assert str(pp.options["boxes"]["menu.logo"]) == "120px"


def test_anchors_and_merge_keys(tmp_path, settings):
    text = """\
x-check: &chrome {kind: layout, component: menu, visible: false}
scenarios:
  - name: a
    page: /a
    checks:
      - <<: *chrome
        name: chrome
        component: menu.logo
"""
    # Unknown top-level keys are errors, even anchor holders: keep anchors inside scenarios.
    with pytest.raises(ScenarioError, match="unknown key 'x-check'"):
        load(tmp_path, settings, text)
    text = text.replace("x-check: &chrome {kind: layout, component: menu, visible: false}\n", "")
    text = text.replace("      - <<: *chrome\n", "      - &chrome {kind: layout, component: menu, "
                        "visible: false}\n      - <<: *chrome\n")
    [s] = load(tmp_path, settings, text)
    first, second = s.checks
    assert second.name == "chrome"
    assert second.options["component"] == "menu.logo" and second.options["visible"] is False


def test_scenario_names_unique_across_files(tmp_path, settings):
    for name in ("one.yaml", "two.yaml"):
        (tmp_path / name).write_text(HEAD + "      - kind: links\n")
    with pytest.raises(ScenarioError, match=r"two.yaml:2: name: duplicate scenario name 'article' "
                                            r"\(also at .*one.yaml:2\)"):
        load_scenario_files([tmp_path / "one.yaml", tmp_path / "two.yaml"], settings,
                            kinds=KINDS, components=COMPONENTS)


def test_suite_loading_uses_the_registries(tmp_path, settings):
    """load_suite_scenarios passes the registered kinds and the page objects' components."""
    from regress.checks import load_suite_scenarios

    path = tmp_path / "a.yaml"
    path.write_text(HEAD + "      - kind: no_such_kind_anywhere\n")
    with pytest.raises(ScenarioError, match="unknown check kind"):
        load_suite_scenarios(path, settings)


# ---------------------------------------------------------------- schema unit tests

@pytest.mark.parametrize("text,expected", [
    ("10px..40px", "10px..40px"), ("50%..100%", "50%..100%"), ("300px..", "300px.."),
    ("..100%", "..100%"), ("300px..100%", "300px..100%"), ("10..40", "10px..40px"),
    ("100%", "100%"), (320, "320px"), ([10, 40], "10px..40px"), ([None, 40], "..40px"),
])
def test_range_forms(text, expected):
    assert str(Range().validate(text, Context())) == expected


@pytest.mark.parametrize("bad", ["..", "10px..20px..30px", "-5px..", "10em", [1, 2, 3], True, [None, None]])
def test_range_rejects(bad):
    with pytest.raises(ScenarioError):
        Range().validate(bad, Context())


def test_merge_resets_exclusive_partner():
    schema = Nested({"pixels": Field(int, exclusive_with="ratio"), "ratio": Field(float)})
    base = schema.validate({"pixels": 0}, Context())
    assert base == {"pixels": 0}
    assert schema.merge(base, {"ratio": 0.1}) == {"ratio": 0.1}


def test_exclusive_required_means_one_of():
    schema = Nested({"a": Field(int, required=True, exclusive_with="b"), "b": Field(int)})
    assert schema.validate({"b": 1}, Context()) == {"b": 1}
    with pytest.raises(ScenarioError, match="missing required key 'a' or 'b'"):
        schema.validate({}, Context())


def test_field_rejects_unknown_type():
    with pytest.raises(TypeError):
        Field(set)


def test_viewport_name_uses_context():
    ctx = Context(viewports=("desktop",))
    assert ViewportName().validate("desktop", ctx) == "desktop"
    with pytest.raises(ScenarioError, match="unknown viewport 'mobile'; valid: desktop"):
        ViewportName().validate("mobile", ctx, ("x",))


@pytest.mark.parametrize("value,expected", [
    (10, (10, 10)), ("1..5", (1, 5)), ("3..", (3, None)), ("..5", (None, 5)), ([1, None], (1, None)),
])
def test_count_range_forms(value, expected):
    assert CountRange().validate(value, Context()) == expected


@pytest.mark.parametrize("bad", ["5..1", "..", -1, 1.5, "many", [1, 2, 3], True])
def test_count_range_rejects(bad):
    with pytest.raises(ScenarioError):
        CountRange().validate(bad, Context())


@pytest.mark.parametrize(
    "text, extent, bounds, inside, outside",
    [
        ("50%..100%", 800, (400, 800), [400, 800], [399, 801]),
        ("..300px", 800, (0, 300), [0, 300], [301]),  # open low end: 0
        ("300px..", 800, (300, None), [300, 1e9], [299]),  # open high end: None, no limit
        ("10%..", 400, (40, None), [40, 1e9], [39]),
        ([10, None], 800, (10, None), [10, 1e9], [9]),
        ([None, 10], 800, (0, 10), [0, 10], [11]),
        ("25%", 400, (100, 100), [100], [99, 101]),
        ("10px..50%", 400, (10, 200), [10, 200], [9, 201]),
    ],
)
def test_range_to_px_open_ends(text, extent, bounds, inside, outside):
    span = Range().validate(text, Context())
    assert span.resolve(extent) == bounds
    assert all(span.contains(v, extent) for v in inside)
    assert not any(span.contains(v, extent) for v in outside)


@pytest.mark.parametrize(
    "text, height, problem",
    [
        ("300px..", 250, "menu height is 250 px, expected 300..∞ px; box (x=0, y=0, w=100, h=250)"),
        ("300px..", 5000, None),
        ("..50%", 500, "menu height is 500 px, expected 0..406 px; box (x=0, y=0, w=100, h=500)"),
    ],
)
def test_layout_size_relation_with_open_ends(text, height, problem):
    """The layout check reads a range's px through Span.resolve, open ends included."""
    from regress.browser.geometry import Box, Measured
    from regress.checks.layout import _relation_problems

    rel = {"a": "menu", "rel": "height", "range": Range().validate(text, Context())}
    measured = Measured(1, 1, Box(0, 0, 100, height))
    assert _relation_problems(rel, lambda name: measured, 375, 812) == ([problem] if problem else [])


LAYOUT = {"layout": kinds()["layout"]}  # the real layout kind's option schema


@pytest.mark.parametrize("relation,key,fragment", [
    ("{a: menu, rel: width}", "relations[0]", "relation 'width' needs 'range'"),
    ("{a: menu, rel: above}", "relations[0]", "relation 'above' needs 'b'"),
    ("{a: menu, rel: width, range: 10px.., b: page}", "relations[0]", "'b' does not apply"),
    ("{a: menu, rel: aligned, b: page, gap: [1, 2]}", "relations[0]", "'gap' does not apply"),
    ("{a: menu, rel: beneath, b: page}", "relations[0].rel", "valid: above, aligned, below, height, inside, left_of, right_of, width"),
    ("{a: menu, rel: aligned, b: page, edge: lft}", "relations[0].edge", "did you mean 'left'?"),
])
def test_layout_relations(tmp_path, settings, relation, key, fragment):
    path = tmp_path / "layout.yaml"
    path.write_text(HEAD + f"      - kind: layout\n        relations:\n          - {relation}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenarios(path, settings, kinds=LAYOUT, components=COMPONENTS)
    assert (info.value.line, info.value.key) == (7, "scenarios[0].checks[0]." + key), str(info.value)
    assert fragment in str(info.value)


def test_layout_options_normalized(tmp_path, settings):
    path = tmp_path / "layout.yaml"
    path.write_text(HEAD + """\
      - kind: layout
        count: {top_ten.items: 10, menu: 1..}
        relations:
          - {a: menu, rel: width, range: 80%..100%}
""")
    [s] = load_scenarios(path, settings, kinds=LAYOUT, components=COMPONENTS)
    options = s.checks[0].options
    assert options["visible"] == [] and options["no_overflow"] is True
    assert options["count"] == {"top_ten.items": (10, 10), "menu": (1, None)}
    [rel] = options["relations"]
    assert rel["range"].resolve(375) == (300, 375) and rel["tolerance"] == 1.0
