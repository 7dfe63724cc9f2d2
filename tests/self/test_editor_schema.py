"""The JSON Schemas editors use (config/schema/, `regress schema`): current, named by every
shipped YAML file, valid for every shipped file, and saying no where the loader says no.

Each bad input below is given to the real loader (the registered kinds, the page objects'
components, this project's settings) and to the generated schema with jsonschema: both must
reject it, the schema at the key the loader's error names. The inputs are the bad-input
tables of test_collection_errors.py and test_scenario_loading.py where they apply, plus
cases of the real kinds. What only the loader checks is in WEAKER, each with why
(regress.model.editor_schema says the same): the schema accepts those, the loader does not.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from pages.components import COMPONENTS
from regress.checks import editor_schemas, kinds
from regress.model.editor_schema import SCENARIOS_FILE, SETTINGS_FILE
from regress.model.project import PACKAGE_SETTINGS
from regress.model.scenario import ScenarioError, load_scenarios, load_settings, scenario_files
from regress.model.schema import format_key
from test_collection_errors import CASES as COLLECTION_CASES
from test_scenario_loading import BAD_SCENARIOS, BAD_SETTINGS, SITE

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "site.yaml"
SCHEMAS = ROOT / "config" / "schema"
FIRST_LINE = "# yaml-language-server: $schema="
# Every shipped YAML file a schema is for: the scenario files, the project's and the package's settings.
SHIPPED = {**{path: SCENARIOS_FILE for path in scenario_files(ROOT / "config" / "scenarios")},
           SETTINGS: SETTINGS_FILE, PACKAGE_SETTINGS: SETTINGS_FILE}


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def validator(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema(name))


# --- current, named, valid ------------------------------------------------------------------

@pytest.mark.parametrize("name", [SCENARIOS_FILE, SETTINGS_FILE])
def test_the_committed_schema_is_what_the_schema_objects_give(name):
    generated = editor_schemas(load_settings(SETTINGS))[name]
    committed = (SCHEMAS / name).read_text(encoding="utf-8")
    assert committed == generated, (f"config/schema/{name} is stale: the scenario or settings schema (a field, "
                                    "a kind, a component or a viewport) changed since it was written; run "
                                    "`regress schema` and commit the result")


def test_regress_schema_writes_the_files_and_check_says_when_they_are_stale(tmp_path):
    def regress(*args):
        return subprocess.run([sys.executable, "-m", "regress", "schema", "--output", str(tmp_path), *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert regress("--check").returncode == 1  # nothing written yet
    wrote = regress()
    assert wrote.returncode == 0, wrote.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([SCENARIOS_FILE, SETTINGS_FILE]), wrote.stdout
    assert regress("--check").returncode == 0
    (tmp_path / SETTINGS_FILE).write_text("{}\n", encoding="utf-8")
    stale = regress("--check")
    assert stale.returncode == 1 and SETTINGS_FILE in stale.stderr and "run `regress schema`" in stale.stderr, \
        stale.stderr


def test_every_shipped_yaml_file_names_its_schema_on_its_first_line():
    tracked = subprocess.run(["git", "ls-files", "config/*.yaml", "config/*.yml", "regress/*.yaml"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert {ROOT / path for path in tracked} == set(SHIPPED), "a shipped YAML file this test does not know"
    for path, name in SHIPPED.items():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(FIRST_LINE), f"{path.relative_to(ROOT)}: first line {first!r}"
        named = (path.parent / first.removeprefix(FIRST_LINE)).resolve()
        assert named == (SCHEMAS / name).resolve(), f"{path.relative_to(ROOT)} names {named}, not {name}"


@pytest.mark.parametrize("name", [SCENARIOS_FILE, SETTINGS_FILE])
def test_the_schemas_are_draft_07_and_describe_every_key(name):
    document = schema(name)
    jsonschema.Draft7Validator.check_schema(document)
    assert document["$schema"] == "http://json-schema.org/draft-07/schema#"
    undescribed = [where for where, node in _properties(document, "#") if not node.get("description")]
    assert not undescribed, f"keys without a description (give their Field a doc=): {undescribed}"


def _properties(node, where):
    """(pointer, schema) of every key a mapping declares, anywhere in the schema."""
    if not isinstance(node, dict):
        return
    for key, sub in node.get("properties", {}).items():
        yield f"{where}/properties/{key}", sub
        yield from _properties(sub, f"{where}/properties/{key}")
    for key in ("items", "additionalProperties", "then"):
        yield from _properties(node.get(key), f"{where}/{key}")
    for key in ("anyOf", "allOf"):
        for n, sub in enumerate(node.get(key, [])):
            yield from _properties(sub, f"{where}/{key}/{n}")
    for key, sub in node.get("definitions", {}).items():
        yield from _properties(sub, f"#/definitions/{key}")


def test_every_registered_kind_has_its_branch_and_the_vocabularies_are_the_suites():
    document = schema(SCENARIOS_FILE)
    union = document["definitions"]["check"]
    assert union["properties"]["kind"]["enum"] == sorted(kinds())
    branches = {rule["if"]["properties"]["kind"]["const"]: rule["then"]["$ref"] for rule in union["allOf"]}
    assert branches == {name: f"#/definitions/check.{name}" for name in kinds()}
    assert document["definitions"]["component"]["enum"] == list(COMPONENTS)
    assert document["definitions"]["viewport"]["enum"] == list(load_settings(SETTINGS).viewports)


@pytest.mark.parametrize("path", list(SHIPPED), ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_every_shipped_file_is_valid_against_its_schema(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{format_key(tuple(e.absolute_path))}: {e.message}" for e in validator(SHIPPED[path]).iter_errors(data)]
    assert not errors, errors


# --- the same no as the loader ----------------------------------------------------------------

HEAD = "scenarios:\n  - name: article\n    page: /www/nation/2022/06/120_330924.html\n    checks:\n"


def checks(*lines: str) -> str:
    return HEAD + "".join(f"      {line}\n" for line in lines)


# id -> a scenario file the loader rejects (the real kinds and components, this project's settings)
REJECTED = {
    **{f"collection-{case}": text for case, (text, _, _) in COLLECTION_CASES.items() if case != "syntax_error"},
    **{f"loading-{case[0]}": case[1] for case in BAD_SCENARIOS if case[0] in (
        "top-level-list", "top-level-scalar", "unknown-top-key", "scenarios-missing", "scenarios-empty",
        "scenarios-null", "scenario-not-mapping", "unknown-scenario-key", "name-wrong-type", "name-yes-is-bool",
        "name-dotdot", "name-slash", "name-uppercase", "page-relative", "page-scheme", "page-protocol-relative",
        "checks-missing", "checks-empty", "kind-missing", "check-not-mapping", "bad-scenario-viewport",
        "bad-defaults-viewport", "defaults-overrides-site", "override-wrong-type", "override-unknown-setting")},
    "unknown-option": checks("- {kind: visual, blur: 2}"),
    "option-of-another-kind": checks("- {kind: page_health, components: [share_bar]}"),
    "exclusive-budgets": checks("- {kind: visual, max_diff_pixels: 3, max_diff_ratio: 0.1}"),
    "number-above-max": checks("- {kind: visual, threshold: 1.5}"),
    "bool-not-a-string": checks("- {kind: visual, full_page: 'no'}"),
    "component-not-a-list": checks("- {kind: links, components: share_bar}"),
    "required-option-missing": checks("- {kind: links}"),
    "component-listed-twice": checks("- {kind: visual, mask: [menu, menu]}"),
    "unknown-component-in-a-map": checks("- {kind: layout, count: {top_tens: 10}}"),
    "count-not-a-count": checks("- {kind: layout, count: {top_ten.items: many}}"),
    "unknown-relation": checks("- kind: layout", "  relations: [{a: menu, rel: beside, b: footer}]"),
    "range-not-a-range": checks("- kind: layout", "  relations: [{a: menu, rel: width, range: wide}]"),
    "relation-key-unknown": checks("- kind: layout", "  relations: [{a: menu, rel: above, b: footer, gapp: 3}]"),
    "unknown-rules": checks("- {kind: page_health, rules: [daily]}"),
    "check-name-with-a-dot": checks("- {kind: page_health, name: health.check}"),
    "styles-unknown-property": checks("- {kind: styles, parts: {share_bar: {roles: {bar: rest}}}, "
                                      "properties: [colour]}"),
    "styles-role-count-zero": checks("- {kind: styles, parts: {share_bar: {roles: {bar: 0}}}}"),
    "spacing-pair-without-b": checks("- kind: spacing", "  pairs: [{a: menu}]"),
    "spacing-unknown-axis": checks("- kind: spacing", "  pairs: [{a: menu, b: footer, axes: [z]}]"),
    "settings-unknown-section": HEAD.replace("    checks:\n", "    settings: {targets: {}}\n    checks:\n")
    + "      - {kind: page_health}\n",
    "settings-unknown-component": HEAD.replace("    checks:\n", "    settings: {visual: {live: {mask: [ads]}}}\n"
                                               "    checks:\n") + "      - {kind: page_health}\n",
    "settings-bystander-unknown": "defaults:\n  font_controls: {bystanders: [article.headlines]}\n"
    + checks("- {kind: page_health}"),
    "settings-negative-budget": "defaults:\n  layout_shift: {budget: -1}\n" + checks("- {kind: page_health}"),
    "defaults-viewports-empty": "defaults:\n  viewports: []\n" + checks("- {kind: page_health}"),
}

# id -> (a scenario file only the loader rejects, why the schema cannot say it)
WEAKER = {
    "duplicate-scenario-name": (HEAD + "      - {kind: page_health}\n" + HEAD.removeprefix("scenarios:\n")
                                + "      - {kind: page_health}\n", "names unique: across list items"),
    "duplicate-check-name": (checks("- {kind: page_health}", "- {kind: page_health}"), "names unique"),
    "check-viewport-not-the-scenarios": (HEAD.replace("    checks:\n", "    viewports: [mobile]\n    checks:\n")
                                         + "      - {kind: page_health, viewports: [desktop]}\n",
                                         "a subset of another key's list"),
    "font-order-after-overlay": ("defaults:\n  font_controls: {min_px: 30}\n" + checks("- {kind: page_health}"),
                                 "a rule across keys, after merging"),
    "relation-needs-b": (checks("- kind: layout", "  relations: [{a: menu, rel: above}]"), "a rule across keys"),
    "range-upside-down": (checks("- kind: layout", "  relations: [{a: menu, rel: width, range: 40px..10px}]"),
                          "a range's ends compared"),
    "regex-that-does-not-compile": (checks("- {kind: metadata, title_suffix: '(unclosed'}"), "a check function"),
    "integer-written-as-float": (checks("- {kind: visual, max_diff_pixels: 3.0}"), "JSON's 3.0 is an integer"),
}

# id -> a scenario file both accept
ACCEPTED = {
    "minimal": checks("- {kind: page_health}"),
    "every-range-syntax": checks("- kind: layout", "  relations:",
                                 "    - {a: article, rel: width, range: 700px..820px, viewports: [desktop]}",
                                 "    - {a: article.body, rel: width, range: '80%..', viewports: [mobile]}",
                                 "    - {a: sidebar, rel: right_of, b: article, gap: [80, null]}",
                                 "    - {a: sidebar, rel: height, range: 320}",
                                 "    - {a: menu, rel: aligned, b: footer, edge: left, tolerance: 2}"),
    "every-count-syntax": checks("- {kind: layout, count: {top_ten.items: 10, top_five.items: '1..5', "
                                 "darkroom.items: [1, null], trending.items: '3..'}}"),
    "visual-options": checks("- {kind: visual, name: head, component: article.headline, mask: [share_bar], "
                             "hide: [menu], max_diff_ratio: 0.01, threshold: 0.2, viewports: [desktop]}"),
    "styles-roles": checks("- kind: styles", "  parts: {article.paragraphs: {roles: {lead: 1, others: rest}, "
                           "required: [lead], ignore: [color]}}"),
    "spacing-pairs": checks("- kind: spacing", "  pairs: [{a: menu, b: article, axes: [y], nearest: true}]",
                            "  optional: [article.related]"),
    "pinned-only-check": checks("- {kind: layout, name: story_length, rules: [pinned], no_overflow: false, "
                                "count: {article.paragraphs: 22}}"),
    "overlays": "defaults:\n  viewports: [desktop, mobile]\n  visual: {threshold: 0.2}\n"
    + HEAD.replace("    checks:\n", "    settings:\n      visual: {live: {mask: [date_line]}}\n"
                   "      font_controls: {step_px: 4}\n    checks:\n") + "      - {kind: font_controls}\n",
    "anchors-and-merge-keys": HEAD + "      - &health {kind: page_health, viewports: [desktop]}\n"
    "      - <<: *health\n        name: health_again\n",
}


def _load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    load_scenarios(path, load_settings(SETTINGS), kinds=kinds(), components=COMPONENTS)


def _keys(name: str, data) -> set[str]:
    """Where the schema says no: each error's key; for an extra, repeated or clashing key or item (an
    error of the mapping or list holding it), that mapping's or list's children."""
    found = set()
    pending = list(validator(name).iter_errors(data))
    while pending:
        error = pending.pop()
        pending.extend(error.context or [])
        at = tuple(error.absolute_path)
        found.add(format_key(at))
        instance = error.instance
        if "propertyNames" in error.absolute_schema_path:  # the instance is a key of the mapping at `at`
            found.add(format_key(at + (instance,)))
            continue
        if error.validator in ("additionalProperties", "uniqueItems", "not"):  # an extra, repeated or clashing child
            children = instance if isinstance(instance, dict) else range(len(instance))
            found.update(format_key(at + (child,)) for child in children)
    return found


@pytest.mark.parametrize("case", list(REJECTED))
def test_the_schema_rejects_what_the_loader_rejects_at_the_same_key(case, tmp_path):
    text = REJECTED[case]
    with pytest.raises(ScenarioError) as caught:
        _load(tmp_path, text)
    keys = _keys(SCENARIOS_FILE, yaml.safe_load(text))
    assert caught.value.key in keys, f"the loader says {caught.value}; the schema's errors are at {sorted(keys)}"


@pytest.mark.parametrize("case", list(WEAKER))
def test_what_only_the_loader_checks(case, tmp_path):
    """Documented, not hoped for: the schema accepts these (editor_schema's docstring lists them)."""
    text, why = WEAKER[case]
    with pytest.raises(ScenarioError):
        _load(tmp_path, text)
    assert not _keys(SCENARIOS_FILE, yaml.safe_load(text)), \
        f"the schema now rejects {case} ({why}): move it to REJECTED"


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_the_schema_accepts_what_the_loader_accepts(case, tmp_path):
    text = ACCEPTED[case]
    _load(tmp_path, text)
    assert not _keys(SCENARIOS_FILE, yaml.safe_load(text))


# --- settings files: test_scenario_loading's bad settings, laid over the package's defaults ------

SETTINGS_WEAKER = {"font-order": "a rule across keys"}


@pytest.mark.parametrize("case", [c for c in BAD_SETTINGS], ids=[c[0] for c in BAD_SETTINGS])
def test_the_settings_schema_rejects_what_load_settings_rejects(case, tmp_path):
    name, old, new = case[:3]
    text = SITE.replace(old, new, 1)
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_settings(tmp_path / "site.yaml")
    keys = _keys(SETTINGS_FILE, yaml.safe_load(text))
    if name in SETTINGS_WEAKER:
        assert not keys, f"the schema now rejects {name}: take it out of SETTINGS_WEAKER"
    else:
        assert caught.value.key in keys, f"the loader says {caught.value}; the schema's errors are at {sorted(keys)}"


@pytest.mark.parametrize("text", [SITE, "font_controls: {step_px: 4}\n",
                                  "viewports:\n  phone: {width: 360, height: 640, is_mobile: true}\n"
                                  "visual:\n  live: {skip: {page: its height follows the story}}\n"],
                         ids=["complete", "one-key", "replaced-viewports"])
def test_the_settings_schema_accepts_what_load_settings_accepts(text, tmp_path):
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    load_settings(tmp_path / "site.yaml")
    assert not _keys(SETTINGS_FILE, yaml.safe_load(text))


def test_a_settings_file_names_components_from_the_page_objects(tmp_path):
    """visual.live.mask names components: the loader checks them when scenarios load, the schema at once."""
    text = "visual:\n  live: {mask: [article.fotos]}\n"
    assert "visual.live.mask[0]" in _keys(SETTINGS_FILE, yaml.safe_load(text))
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(checks("- {kind: page_health}"), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"visual\.live\.mask\[0\]: unknown component 'article.fotos'"):
        load_scenarios(tmp_path / "s.yaml", load_settings(tmp_path / "site.yaml"), kinds=kinds(),
                       components=COMPONENTS)
