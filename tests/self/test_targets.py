"""Targets and their rules: settings, usage errors, per-target baselines, what the live
rules leave out (and say so), the chrome reference a live target records."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from regress.checks import kinds
from regress.model.scenario import ScenarioError, load_scenarios, load_settings
from pages.components import COMPONENTS

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "site.yaml"
HEAD = "scenarios:\n  - name: s\n    page: /x.html\n    checks:\n"


def _pytest(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_demo_and_live_always_exist_and_a_named_target_keeps_its_url_and_host(tmp_path):
    text = SETTINGS.read_text(encoding="utf-8").replace(
        "targets:\n", "targets:\n  staging: {base_url: 'https://staging.example.com', canonical_host: www.example.com}\n")
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    settings = load_settings(tmp_path / "site.yaml")
    assert settings.target_names == ["demo", "live", "staging"]
    assert (settings.target("demo").rules, settings.target("live").rules) == ("pinned", "live")
    staging = settings.target("staging")
    assert (staging.base_url, staging.canonical_host, staging.rules) == (
        "https://staging.example.com", "www.example.com", "live")
    with pytest.raises(KeyError, match="unknown target 'prod'; valid: demo, live, staging"):
        settings.target("prod")


def test_a_target_url_that_is_not_http_is_one_located_error(tmp_path):
    text = SETTINGS.read_text(encoding="utf-8").replace("targets:\n", "targets:\n  staging: {base_url: ftp://x}\n")
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"site.yaml:\d+: targets.staging.base_url: base_url 'ftp://x' must be"):
        load_settings(tmp_path / "site.yaml")


def test_live_masks_name_components_checked_with_file_line_and_key(tmp_path):
    text = SETTINGS.read_text(encoding="utf-8").replace("mask: [article.photo_image,", "mask: [article.fotos,")
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(HEAD + "      - kind: page_health\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(tmp_path / "s.yaml", load_settings(tmp_path / "site.yaml"), kinds=kinds(),
                       components=COMPONENTS)
    message = str(caught.value)
    assert "site.yaml:" in message and "visual.live.mask[0]" in message and "'article.fotos'" in message, message


def test_check_rules_must_be_pinned_or_live(tmp_path):
    (tmp_path / "s.yaml").write_text(HEAD + "      - {kind: page_health, rules: [daily]}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"s.yaml:5: scenarios\[0\].checks\[0\].rules\[0\]: .*'daily'") as caught:
        load_scenarios(tmp_path / "s.yaml", load_settings(SETTINGS), kinds=kinds(), components=COMPONENTS)
    assert "pinned" in str(caught.value) and "live" in str(caught.value)


@pytest.mark.parametrize("args,says", [
    (("--target", "prod"), "--target: unknown target 'prod'; valid: demo, live"),
    (("--news-day", "2", "--base-url", "http://127.0.0.1:9"), "--news-day 2 picks a day of the bundled demo site"),
])
def test_usage_errors_are_one_line(args, says, tmp_path):
    done = _pytest("tests/regression", "--collect-only", "-q", "--reports-dir", str(tmp_path), *args, timeout=120)
    assert done.returncode == 4, done.stdout + done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_the_header_says_which_target_and_rules(tmp_path):
    done = _pytest("tests/regression", "--collect-only", "--base-url", "http://127.0.0.1:9",
                   "--reports-dir", str(tmp_path), timeout=120)
    assert "regress: target live (live rules), at http://127.0.0.1:9" in done.stdout, done.stdout[:2000]
    done = _pytest("tests/regression", "--collect-only", "--reports-dir", str(tmp_path), timeout=120)
    assert "regress: target demo (pinned rules), the bundled demo site, news day 1" in done.stdout, done.stdout[:2000]


def test_live_rules_leave_out_items_and_say_why_in_the_terminal_and_the_report(tmp_path):
    done = _pytest("tests/regression", "--target", "live", "--reports-dir", str(tmp_path / "r"),
                   "--baselines-dir", str(tmp_path / "b"), "-k", "desktop and (visual_page or story_length "
                   "or (test_top_ten and not structure) or test_trending_order)")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "left out on target live (live rules)" in done.stdout, done.stdout[-3000:]
    items = {e["nodeid"]: e for e in json.loads((tmp_path / "r" / "latest" / "run.json").read_text())["items"]}
    reasons = {nodeid.split("::")[-1]: e["message"] for nodeid, e in items.items()}
    assert all(e["status"] == "skipped" for e in items.values()) and len(items) == 4, items
    assert "on live targets page is not compared by pixels: the page's height follows" in \
        reasons["visual_page[desktop]"]
    assert "it compares with the seed's stories" in reasons["test_top_ten[desktop-chromium]"]
    assert "the replica's own rotation rule" in reasons["test_trending_order_changes_over_time[desktop-chromium]"]
    assert "declared for the pinned rules" in reasons["story_length[desktop]"]
    for nodeid, entry in items.items():  # the terminal lists each, with its reason; the record says why
        assert f"{nodeid}: {entry['message'].removeprefix('Skipped: ')}" in done.stdout, nodeid
        assert entry["left_out"] == entry["message"].removeprefix("Skipped: "), entry


def test_left_out_is_what_the_rules_decided_not_what_a_skip_says(tmp_path):
    """The list and the record's ``left_out`` come from where the rules decide (pinned_only), not
    from a message's words: a test that skips itself saying "on live targets" is not in them."""
    tests = tmp_path / "test_words.py"
    tests.write_text("import pytest\n\n"
                     "@pytest.mark.pinned_only('it compares the seed')\n"
                     "def test_pinned(base_url):\n    pass\n\n"
                     "def test_says_the_words(base_url):\n"
                     "    pytest.skip('on live targets, says this test of itself')\n", encoding="utf-8")
    done = _pytest(str(tests), "--target", "live", "--reports-dir", str(tmp_path / "r"), timeout=120)
    assert done.returncode == 0, done.stdout[-3000:]
    items = {e["nodeid"].split("::")[-1]: e for e in
             json.loads((tmp_path / "r" / "latest" / "run.json").read_text())["items"]}
    assert {name: (e["status"], e["left_out"]) for name, e in items.items()} == {
        "test_pinned": ("skipped", "on live targets this is not checked: it compares the seed"),
        "test_says_the_words": ("skipped", None)}
    listed = done.stdout.split("left out on target live (live rules)", 1)[1].split("\n=", 1)[0]
    assert "test_pinned: on live targets this is not checked: it compares the seed" in listed, done.stdout
    assert "test_says_the_words" not in listed, done.stdout


def test_a_live_target_has_its_own_baselines_and_chrome_reference(tmp_path):
    baselines = tmp_path / "baselines"
    select = ["-k", "desktop and (visual_share_bar or test_gnb_sections)"]
    common = ["--target", "live", "--baselines-dir", str(baselines), "--reports-dir", str(tmp_path / "r"), *select]
    first = _pytest("tests/regression", *common)  # none recorded yet: said once, before anything runs
    assert first.returncode == 4, first.stdout[-3000:] + first.stderr[-3000:]
    assert "target live has no references yet" in first.stderr and "`regress reference --target live " \
           f"--baselines-dir {baselines}`" in first.stderr, first.stderr[-3000:]
    recorded = _pytest("tests/regression", *common, "--update-baselines", "missing")
    assert recorded.returncode == 0, recorded.stdout[-3000:]
    written = sorted(p.relative_to(baselines).as_posix() for p in baselines.rglob("*") if p.is_file())
    assert written == ["live/article/visual_share_bar-desktop-chromium-linux.png", "live/chrome.yaml"], written
    assert "baselines written" in recorded.stdout and "live/chrome.yaml" in recorded.stdout
    again = _pytest("tests/regression", *common)
    assert again.returncode == 0, again.stdout[-3000:]
