"""Which baselines no scenario uses: a visual check's baseline for each browser the run captures with."""
from __future__ import annotations

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


# The run's browsers only: another browser's baseline is unused by this run, as another platform's is.
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
