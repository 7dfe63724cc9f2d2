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

from regress.checks.visual import changed_pixels
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
    mask = changed_pixels(result, a, b, 0.1)
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
