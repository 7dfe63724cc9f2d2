"""The component lists of the site settings (font_controls.bystanders, print_preview.hidden and
shown, visual.live): checked against the page objects' names when scenarios load, overridable
per scenario or check, required by the checks that look at them, and what the checks look at.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pages.components import COMPONENTS
from regress.checks import kinds
from regress.model.project import PACKAGE_SETTINGS
from regress.model.scenario import ScenarioError, load_scenarios, load_settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "site.yaml"
ARTICLE = "/www/nation/2022/06/120_330924.html"


def _scenario(checks: str, settings: str = "") -> str:
    return (f"scenarios:\n  - name: s\n    page: {ARTICLE}\n    viewports: [desktop]\n{settings}"
            f"    checks:\n{checks}")


def _load(tmp_path: Path, text: str, settings: Path = SETTINGS):
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    return load_scenarios(tmp_path / "s.yaml", load_settings(settings), kinds=kinds(), components=COMPONENTS)


def _line_of(text: str, marker: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if marker in row)


@pytest.mark.parametrize("old, new, key", [
    ("bystanders: [article.headline,", "bystanders: [article.headlin,", "font_controls.bystanders[0]"),
    ("hidden: [menu.gnb,", "hidden: [menu.gnbb,", "print_preview.hidden[0]"),
    ("article.caption, article.body]", "article.caption, article.bodies]", "print_preview.shown[5]"),
    ("dynamic: [date_line,", "dynamic: [date_lin,", "aria_snapshot.live.dynamic[0]"),
], ids=["bystanders", "hidden", "shown", "aria-dynamic"])
def test_a_wrong_component_in_the_settings_names_the_file_line_key_and_valid_names(tmp_path, old, new, key):
    text = SETTINGS.read_text(encoding="utf-8")
    assert text.count(old) == 1
    text = text.replace(old, new)
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        _load(tmp_path, _scenario("      - kind: page_health\n"), tmp_path / "site.yaml")
    err = caught.value
    assert (err.path, err.line, err.key) == (str(tmp_path / "site.yaml"), _line_of(text, new), key), str(err)
    wrong = new.split("[")[-1].split(", ")[-1].rstrip(",]")
    assert f"unknown component {wrong!r}" in str(err) and err.valid == sorted(COMPONENTS), str(err)


def test_a_wrong_component_in_a_scenario_override_names_the_scenario_file(tmp_path):
    text = _scenario("      - kind: page_health\n",
                     "    settings:\n      font_controls: {bystanders: [article.headline, top_ten.itemz]}\n")
    with pytest.raises(ScenarioError) as caught:
        _load(tmp_path, text)
    err = caught.value
    assert (err.path, err.line, err.key) == (str(tmp_path / "s.yaml"), 6, "scenarios[0].settings.font_controls"
                                             ".bystanders[1]"), str(err)
    assert "unknown component 'top_ten.itemz' (did you mean 'top_ten.items'?)" in str(err), str(err)


def test_a_wrong_component_in_the_file_defaults_names_the_scenario_file(tmp_path):
    text = "defaults:\n  print_preview: {shown: [article.headline, sidebarr]}\n" + _scenario(
        "      - kind: page_health\n")
    with pytest.raises(ScenarioError) as caught:
        _load(tmp_path, text)
    err = caught.value
    assert (err.line, err.key) == (2, "defaults.print_preview.shown[1]"), str(err)


@pytest.mark.parametrize("check, kind, key", [
    ("kind: font_controls", "font_controls", "bystanders"),
    ("kind: print_preview", "print_preview", "hidden"),
    ("{kind: print_preview, hidden: [menu]}", "print_preview", "shown"),
], ids=["bystanders", "hidden", "shown"])
def test_a_check_whose_component_list_is_empty_is_one_error_at_the_check(tmp_path, check, kind, key):
    """Generic settings (the package's alone) list no components: a check of nothing would always pass."""
    text = _scenario(f"      - kind: page_health\n      - {check}\n")
    with pytest.raises(ScenarioError) as caught:
        _load(tmp_path, text, PACKAGE_SETTINGS)
    err = caught.value
    assert (err.path, err.line, err.key) == (str(tmp_path / "s.yaml"), 7, "scenarios[0].checks[1]"), str(err)
    message = str(err)
    assert f"a {kind} check needs the components it looks at" in message, message
    assert f"none under {kind}.{key}" in message and f"give this check '{key}: [...]'" in message, message
    assert "list them there in config/site.yaml" in message and err.valid == sorted(COMPONENTS), message


def test_generic_settings_load_scenarios_without_checks_that_need_components(tmp_path):
    [s] = _load(tmp_path, _scenario("      - kind: page_health\n"), PACKAGE_SETTINGS)
    assert [c.kind for c in s.checks] == ["page_health"]


def test_the_check_or_the_scenario_may_give_the_list_the_settings_lack(tmp_path):
    text = _scenario("      - {kind: font_controls, bystanders: [article.headline]}\n"
                     "      - {kind: print_preview, hidden: [menu], shown: [article.body]}\n")
    [s] = _load(tmp_path, text, PACKAGE_SETTINGS)
    assert [c.options.get("bystanders") or c.options.get("hidden") for c in s.checks] == [["article.headline"],
                                                                                         ["menu"]]
    overlay = "    settings:\n      print_preview: {hidden: [menu], shown: [article.body]}\n"
    [s] = _load(tmp_path, _scenario("      - kind: print_preview\n", overlay), PACKAGE_SETTINGS)
    assert (s.settings["print_preview"]["hidden"], s.settings["print_preview"]["shown"]) == (["menu"],
                                                                                             ["article.body"])


# --- what the checks look at, on the real demo site --------------------------------------------

OVERRIDES = """\
scenarios:
  - name: overridden
    page: {article}
    viewports: [desktop]
    settings:
      # the article body follows the font buttons: as a bystander it must be reported
      font_controls: {{bystanders: [article.headline, article.paragraphs]}}
      # the section nav is hidden under print media: as shown it must be reported
      print_preview: {{shown: [article.headline, menu.gnb]}}
    checks:
      - kind: font_controls
      - kind: print_preview
""".format(article=ARTICLE)


def test_a_scenario_override_changes_what_the_checks_look_at(tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "overridden.yaml").write_text(OVERRIDES, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_ADDOPTS", "PYTEST_XDIST"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/regression", "-k", "overridden",
         "--scenarios", str(scenarios), "--target", "demo", "--trace-failures", "off",
         "--reports-dir", str(tmp_path / "r")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    run = json.loads((tmp_path / "r" / "latest" / "run.json").read_text(encoding="utf-8"))
    failures = {item["kind"]: item["failure"] for item in run["items"] if item["status"] == "failed"}
    assert set(failures) == {"font_controls", "print_preview"}, done.stdout[-3000:]
    font, printed = failures["font_controls"], failures["print_preview"]
    # only the listed bystander that follows the body, and only the listed component print hides
    assert font["checks"] == ["other text keeps its size"], font
    assert "article.paragraphs font size changed from 18px to 26px" in font["message"], font["message"]
    assert "article.headline" not in font["message"], font["message"]
    assert set(printed["checks"]) == {"print view shows the article under print media",
                                      "article page shows the article under print media"}, printed
    assert "article page: menu.gnb is not shown under print media" in printed["message"], printed["message"]
    assert "article.headline" not in printed["message"], printed["message"]
