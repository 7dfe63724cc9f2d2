"""The visual check catches a 1 px shift, a colour change and a font change, each with a
diff image, and passes on the unchanged page (issue 5), through the real suite."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_suite(tmp_path, selection, mutation=None):
    reports = tmp_path / "reports"
    cmd = [sys.executable, "-m", "pytest", "config/scenarios/article.yaml", "-m", "visual", "-k", selection,
           "-q", "--reports-dir", str(reports)]
    if mutation:
        cmd += ["--mutation", mutation]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    diffs = sorted((reports / "latest" / "artifacts").glob("*/diff.png"))
    return done, diffs


def test_unchanged_page_passes(tmp_path):
    done, diffs = run_suite(tmp_path, "desktop and (visual_share_bar or visual_article_head or visual_page)")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "3 passed" in done.stdout
    assert diffs == []


@pytest.mark.parametrize(
    "mutation, selection",
    [
        ("share-bar-shifted-1px", "desktop and visual_page"),  # a component capture moves with it
        ("headline-colour", "desktop and visual_article_head"),
        ("headline-font", "desktop and visual_article_head"),
    ],
)
def test_regression_fails_with_a_diff_image(tmp_path, mutation, selection):
    done, diffs = run_suite(tmp_path, selection, mutation)
    assert done.returncode == 1, done.stdout[-3000:]
    assert "pixels differ" in done.stdout or "size changed" in done.stdout
    assert len(diffs) == 1 and diffs[0].stat().st_size > 0
    assert (diffs[0].parent / "expected.png").exists() and (diffs[0].parent / "actual.png").exists()


def test_changed_pixels_are_named_by_component_at_the_device_scale(tmp_path):
    """The diff's mask is in device pixels (2 per CSS pixel on the phone), the component boxes in
    CSS pixels: a headline recoloured on the phone's full page is named as the headline, and only."""
    done, diffs = run_suite(tmp_path, "mobile and visual_page", "headline-colour")
    assert done.returncode == 1 and len(diffs) == 1, done.stdout[-3000:]
    record = json.loads((tmp_path / "reports" / "latest" / "run.json").read_text(encoding="utf-8"))
    (item,) = [i for i in record["items"] if i["nodeid"].endswith("visual_page[mobile]")]
    assert item["reference"]["boxes"] == ["article.headline"], item["reference"]
