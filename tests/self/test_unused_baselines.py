"""Which baselines no scenario uses: a visual check's baseline for each browser the run captures with."""
from __future__ import annotations

import os
import sys
import subprocess
import textwrap
from pathlib import Path

import pytest

from regress.run.references import platform_name

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "site.yaml"
SCENARIO = textwrap.dedent("""\
    scenarios:
      - name: article
        page: /www/nation/2022/06/120_330924.html
        viewports: [desktop]
        checks:
          - {kind: visual, name: head, component: article.headline}
    """)


# The run's browsers only: another browser's baseline is unused by this run.
@pytest.mark.parametrize("browsers, unused", [((), ["firefox"]), (("--browser", "firefox"), ["chromium"]),
                                              (("--browser", "chromium", "--browser", "firefox"), [])],
                         ids=["default-chromium", "firefox", "both"])
def test_a_baseline_is_used_by_the_browsers_the_run_captures_with(tmp_path, browsers, unused):
    scenarios, root = tmp_path / "scenarios", tmp_path / "baselines"
    scenarios.mkdir()
    (scenarios / "article.yaml").write_text(SCENARIO, encoding="utf-8")
    made = {}
    for browser in ("chromium", "firefox"):
        made[browser] = root / "demo" / "article" / f"head-desktop-{browser}-{platform_name()}.png"
        made[browser].parent.mkdir(parents=True, exist_ok=True)
        made[browser].write_bytes(b"only its name matters here")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q",
                           "--scenarios", str(scenarios), "--site-settings", str(SETTINGS),
                           "--baselines-dir", str(root), "--reports-dir", str(tmp_path / "r"),
                           "--prune-baselines", *browsers, str(scenarios)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert sorted(b for b, path in made.items() if not path.exists()) == unused, done.stdout[-3000:]
    for browser in unused:  # listed as removed
        assert str(made[browser]) in done.stdout.split("baselines no scenario uses (removed)")[1]


def test_another_platforms_baselines_of_a_used_check_are_kept(tmp_path):
    """A Mac's prune (REGRESS_PLATFORM=mac) keeps the committed Linux captures of its checks;
    a capture of a check no scenario has is removed whatever its platform."""
    scenarios, root = tmp_path / "scenarios", tmp_path / "baselines"
    scenarios.mkdir()
    (scenarios / "article.yaml").write_text(SCENARIO, encoding="utf-8")
    folder = root / "demo" / "article"
    folder.mkdir(parents=True)
    kept = folder / "head-desktop-chromium-linux.png"
    gone = folder / "gone-desktop-chromium-linux.png"
    for path in (kept, gone):
        path.write_bytes(b"only its name matters here")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q",
                           "--scenarios", str(scenarios), "--site-settings", str(SETTINGS),
                           "--baselines-dir", str(root), "--reports-dir", str(tmp_path / "r"),
                           "--prune-baselines", str(scenarios)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "REGRESS_PLATFORM": "mac"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert kept.exists(), done.stdout[-3000:]
    assert not gone.exists(), done.stdout[-3000:]
