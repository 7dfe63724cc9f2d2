"""regress.run.references: the update policy as one table, the names of reference files, and
the steps every kind shares; the baselines folder's references of every format; the visual
kind's changed pixels whatever colours the diff image is drawn in."""
from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from regress.engines.diff import compare_pngs
from regress.model.project import ProjectPaths, shown_path
from regress.run import baselines
from regress.run.record import ItemNotes
from regress.run.references import (Reference, UpdateMode, Verdict, baseline_path, decide, format_of,
                                    must_compare, platform_name, reference_path, text_diff)

C, M, CH, A = UpdateMode.COMPARE, UpdateMode.MISSING, UpdateMode.CHANGED, UpdateMode.ALL
PASS, NEW, REPLACE, MISSING, CHANGED = (Verdict.PASS, Verdict.WRITE_NEW, Verdict.REPLACE, Verdict.FAIL_MISSING,
                                        Verdict.FAIL_CHANGED)

# (mode, a reference exists, the actual matches it) -> verdict: every row of the policy.
# None for "matches": not compared (no reference, or `all`, which replaces unseen).
TABLE = [
    (C, False, None, MISSING), (M, False, None, NEW), (CH, False, None, NEW), (A, False, None, NEW),
    (C, True, True, PASS), (M, True, True, PASS), (CH, True, True, PASS), (A, True, None, REPLACE),
    (C, True, False, CHANGED), (M, True, False, CHANGED), (CH, True, False, REPLACE), (A, True, True, REPLACE),
    (A, True, False, REPLACE),
]


@pytest.mark.parametrize("mode, expected, matches, verdict", TABLE,
                         ids=[f"{m.name}-{'ref' if e else 'noref'}-{x}" for m, e, x, _ in TABLE])
def test_decide(mode, expected, matches, verdict):
    assert decide(mode, expected, matches) is verdict
    assert must_compare(mode, expected) == (expected and mode is not UpdateMode.ALL)


def test_the_table_covers_every_mode_and_reference_state():
    assert {(m, e) for m, e, _, _ in TABLE} == {(m, e) for m in UpdateMode for e in (False, True)}
    assert {(m, x) for m, e, x, _ in TABLE if must_compare(m, e)} == \
        {(m, x) for m in (C, M, CH) for x in (True, False)}


@pytest.mark.parametrize("mode", [C, M, CH])
def test_deciding_an_existing_reference_without_comparing_is_a_bug_not_a_pass(mode):
    with pytest.raises(ValueError, match="needs to know whether the actual matches"):
        decide(mode, True, None)


def test_update_mode_of_the_option():
    assert [UpdateMode.of(v) for v in (None, "missing", "changed", "all")] == [C, M, CH, A]
    with pytest.raises(ValueError):
        UpdateMode.of("sometimes")


def test_reference_names(tmp_path):
    assert baseline_path("article", "visual_page", "mobile", "chromium", tmp_path) == \
        (tmp_path / "article" / f"visual_page-mobile-chromium-{platform_name()}.png").resolve()
    assert reference_path(tmp_path, "article", "aria_snapshot", "desktop", "aria.yml") == \
        (tmp_path / "article" / "aria_snapshot-desktop.aria.yml").resolve()
    assert reference_path(tmp_path, "article", "axe", "mobile", "axe.json").name == "axe-mobile.axe.json"
    with pytest.raises(ValueError, match="would leave"):
        reference_path(tmp_path / "b", "../x", "styles", "desktop", "yaml")
    with pytest.raises(ValueError, match="is not one of"):
        reference_path(tmp_path, "article", "styles", "desktop", "exe")
    assert [format_of(n) for n in ("a.png", "a.aria.yml", "a.yaml", "a.axe.json", "a.txt")] == \
        ["png", "yaml", "yaml", "json", "text"]


def test_the_baselines_folder_counts_references_of_every_format(tmp_path):
    root = tmp_path / "demo"
    (root / "article").mkdir(parents=True)
    names = ["v-desktop-chromium-linux.png", "styles-desktop.yaml", "aria-desktop.aria.yml", "axe-desktop.axe.json",
             "notes-desktop.txt"]
    for name in names:
        (root / "article" / name).write_bytes(b"1")
    (root / "article" / ".styles-desktop.yaml.abc.tmp").write_bytes(b"half")  # write_atomic's leftover
    (root / "article" / "README.md").write_bytes(b"not a reference")
    assert baselines.all_references(root) == {(root / "article" / n).resolve() for n in names}
    for name in names:  # each is in the digest: changing any one changes it
        before = baselines.digest(root)
        (root / "article" / name).write_bytes(b"2")
        assert baselines.digest(root) != before, name
    before = baselines.digest(root)
    (root / "article" / ".styles-desktop.yaml.abc.tmp").write_bytes(b"other")
    (root / "article" / "README.md").write_bytes(b"other")
    assert baselines.digest(root) == before


def test_a_text_reference_is_written_atomically_and_noted(tmp_path):
    notes = ItemNotes()
    path = reference_path(tmp_path / "baselines", "article", "styles", "desktop", "yaml")
    reference = Reference(path, tmp_path / "artifacts", notes, tmp_path, "article.headline")
    assert (reference.exists, reference.format, notes.reference.format) == (False, "yaml", "yaml")
    assert reference.compare_text(UpdateMode.MISSING, b"a: 1\n") is Verdict.WRITE_NEW
    assert path.read_bytes() == b"a: 1\n" and not list(path.parent.glob(".*.tmp"))
    assert notes.baselines_written == ["new baselines/article/styles-desktop.yaml"]
    again = Reference(path, tmp_path / "artifacts", ItemNotes(), tmp_path)
    assert again.expected == b"a: 1\n" and again.compare_text(UpdateMode.COMPARE, b"a: 1\n") is Verdict.PASS
    assert not (tmp_path / "artifacts").exists()  # a pass saves nothing


def test_a_failed_text_reference_saves_expected_actual_and_a_unified_diff(tmp_path):
    path = tmp_path / "baselines" / "article" / "styles-desktop.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{\n "size": 32,\n "weight": 700\n}\n')
    notes = ItemNotes()
    reference = Reference(path, tmp_path / "artifacts", notes, tmp_path)
    actual = b'{\n "size": 28,\n "weight": 700\n}\n'
    assert reference.compare_text(UpdateMode.COMPARE, actual) is Verdict.FAIL_CHANGED
    record = notes.reference
    assert Path(record.expected).read_bytes() == path.read_bytes() and Path(record.actual).read_bytes() == actual
    assert (Path(record.expected).name, Path(record.actual).name, Path(record.diff).name) == \
        ("expected.json", "actual.json", "diff.txt")
    assert Path(record.diff).read_text().splitlines()[2:] == ["@@ -1,4 +1,4 @@", " {", '- "size": 32,',
                                                             '+ "size": 28,', '  "weight": 700', " }"]
    assert path.read_bytes() != actual and notes.baselines_written == []
    assert reference.compare_text(UpdateMode.CHANGED, actual) is Verdict.REPLACE and path.read_bytes() == actual


def test_text_diff_without_a_trailing_newline_stays_one_line_per_line():
    diff = text_diff(b"a\nb", b"a\nc").splitlines()
    assert diff[-2:] == ["-b", "+c"]


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


def test_changed_pixels_do_not_depend_on_the_diff_images_colours():
    """The visual kind attributes changed pixels to components: with ``diff_color_alt`` the
    darker pixels are drawn in another colour, and still count."""
    expected = np.full((20, 30, 4), 128, dtype=np.uint8)
    expected[..., 3] = 255
    actual = expected.copy()
    actual[2:6, 3:9, :3] = 250  # lighter
    actual[10:14, 20:25, :3] = 5  # darker: diff_color_alt
    a, b = _png(expected), _png(actual)
    result = compare_pngs(a, b, threshold=0.1, include_aa=False, diff_color_alt=(0, 0, 255))
    mask = result.mask  # what the visual kind attributes (_changed_components)
    truth = (expected != actual).any(axis=2)
    assert mask.shape == (20, 30) and mask.dtype == bool
    assert np.array_equal(mask, truth) and int(mask.sum()) == result.diff_pixels == 24 + 20


def test_a_path_as_the_user_reads_it(tmp_path):
    (tmp_path / "baselines").mkdir()
    link = tmp_path / "linked"
    os.symlink(tmp_path / "baselines", link)
    assert ProjectPaths(tmp_path).shown(tmp_path / "baselines" / "a.png") == "baselines/a.png"
    assert shown_path(link / "a.png", tmp_path) == "linked/a.png"  # as written, not resolved
    assert shown_path("/elsewhere/a.png", tmp_path) == "/elsewhere/a.png"
    assert shown_path(tmp_path / "a.png", None) == str(tmp_path / "a.png")


# --- the stale-reference report and prune, over every format a kind declares ------------------

DECLARING_KIND = '''
from regress.checks import CheckKind, kinds, register
from regress.run.references import reference_path

kinds()  # the engine's kinds first: the registry loads them only while it is empty


def aria_files(scenario, check, viewport, root, browser):
    return [reference_path(root, scenario.name, check.name, viewport, "aria.yml")]


register(CheckKind(name="aria_like", run=lambda ctx, options: None, references=aria_files))
'''


def test_prune_removes_only_references_no_kind_declares(tmp_path):
    """A kind's YAML reference is never stale; a YAML, JSON or PNG reference no check declares is."""
    import subprocess
    import sys

    from test_review import _env

    (tmp_path / "conftest.py").write_text(DECLARING_KIND, encoding="utf-8")
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "a.yaml").write_text(
        "scenarios:\n  - name: article\n    page: /www/nation/2022/06/120_330924.html\n    viewports: [desktop]\n"
        "    checks:\n      - {kind: aria_like, name: aria}\n"
        "      - {kind: visual, name: visual_x, component: share_bar}\n", encoding="utf-8")
    folder = tmp_path / "baselines" / "demo" / "article"
    folder.mkdir(parents=True)
    used = ["aria-desktop.aria.yml", f"visual_x-desktop-chromium-{platform_name()}.png"]
    stale = ["old-desktop.aria.yml", "axe-desktop.axe.json", f"visual_gone-desktop-chromium-{platform_name()}.png"]
    for name in used + stale:
        (folder / name).write_bytes(b"1")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q",
                           "--prune-baselines", "--scenarios", "scenarios", "--baselines-dir", "baselines",
                           "scenarios"], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    section = done.stdout.split("baselines no scenario uses (removed)", 1)[1].splitlines()
    listed = sorted(Path(line.strip()).name for line in section if line.strip().startswith(str(tmp_path)))
    assert listed == sorted(stale), done.stdout[-2000:]
    assert sorted(p.name for p in folder.iterdir()) == sorted(used)


def test_report_components_are_a_setting_checked_with_file_line_and_key(tmp_path):
    """The components a failed capture's report names: visual.report_components, page objects' names."""
    from pages.components import COMPONENTS
    from regress.checks import kinds
    from regress.model.scenario import ScenarioError, load_scenarios, load_settings

    settings_file = Path(__file__).resolve().parents[2] / "config" / "site.yaml"
    settings = load_settings(settings_file)
    assert set(settings["visual"]["report_components"]) <= set(COMPONENTS)
    assert "share_bar" in settings["visual"]["report_components"]
    text = settings_file.read_text(encoding="utf-8")
    assert "  report_components: [menu, trending," in text
    (tmp_path / "site.yaml").write_text(text.replace("  report_components: [menu, trending,",
                                                     "  report_components: [menu, trendy,"), encoding="utf-8")
    (tmp_path / "s.yaml").write_text("scenarios:\n  - name: a\n    page: /\n    checks:\n      - kind: page_health\n",
                                     encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(tmp_path / "s.yaml", load_settings(tmp_path / "site.yaml"), kinds=kinds(),
                       components=COMPONENTS)
    message = str(caught.value)
    line = next(n for n, text in enumerate((tmp_path / "site.yaml").read_text().splitlines(), 1) if "trendy" in text)
    assert f"site.yaml:{line}" in message and "visual.report_components[1]" in message and "'trendy'" in message, \
        message
