"""Make ``docs/review.png``: the page of ``regress review`` on a real run, a group open.

    .venv/bin/python docs/make_review_screenshot.py [--out docs/review.png]

In a temp dir: the share bar's visual check at desktop, tablet and mobile on two pages
(the seed article and a Top-10 article), baselines recorded by a first run, then a run
against the demo site with its ``share-icons-grey`` mutation (one CSS change: the share
buttons turn grey), so the same change shows in six captures. ``regress review --no-open``
serves that run; Chromium (the suite's own, with its flags) opens it, steps to the first
group of identical changes with ``j`` (which opens it), and the window is captured.
Nothing of the project is changed but the image.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from regress.browser.chromium import find_chromium, launch_flags  # noqa: E402

PAGES = {"article": "/www/nation/2022/06/120_330924.html", "top10_article": "/www/nation/2023/02/177_344903.html"}
MUTATION = "share-icons-grey"
SCENARIO = "defaults:\n  viewports: [desktop, tablet, mobile]\nscenarios:\n" + "".join(
    f"  - name: {name}\n    page: {path}\n    checks:\n"
    "      - {kind: visual, name: visual_share_bar, component: share_bar}\n"
    "      - {kind: visual, name: visual_article_head, component: article.headline}\n"
    for name, path in PAGES.items())


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "REGRESS_REPORTS_DIR"}
    return {**env, "PYTHONDONTWRITEBYTECODE": "1"}


def _suite(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--scenarios", "scenarios",
                           "--baselines-dir", "baselines", "--reports-dir", "reports", *args, "scenarios"],
                          cwd=project, env=_env(), capture_output=True, text=True, timeout=600)


def make_run(project: Path) -> None:
    (project / "scenarios").mkdir()
    (project / "scenarios" / "share.yaml").write_text(SCENARIO, encoding="utf-8")
    recorded = _suite(project, "--update-baselines", "missing")
    if recorded.returncode != 0:
        raise SystemExit(f"recording the baselines failed:\n{recorded.stdout[-3000:]}{recorded.stderr[-2000:]}")
    changed = _suite(project, "--mutation", MUTATION)
    if changed.returncode != 1:
        raise SystemExit(f"the mutated run did not fail as it should:\n{changed.stdout[-3000:]}")


def capture(project: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    review = subprocess.Popen([sys.executable, "-m", "regress", "review", "--no-open"], cwd=project, env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = review.stdout.readline()
        if not first.startswith("review: http://127.0.0.1:"):
            raise SystemExit(f"regress review did not start: {first}{review.stderr.read()}")
        url = first.split()[1]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(pw.chromium.executable_path),
                                         args=launch_flags())
            page = browser.new_page(viewport={"width": 1280, "height": 880})
            page.goto(url)
            page.keyboard.press("j")  # the first group: it opens
            group = page.locator("#groups .group").first
            group.locator(".crop img").first.wait_for()
            heading = page.locator("h2", has_text="Groups of identical changes")
            heading.evaluate("h => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 56)")
            page.wait_for_timeout(300)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            browser.close()
    finally:
        review.kill()
        review.communicate(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "review.png")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="regress-review-shot-") as tmp:
        project = Path(tmp)
        make_run(project)
        capture(project, options.out)
    print(f"wrote {options.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
