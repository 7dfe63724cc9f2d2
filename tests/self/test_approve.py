"""regress approve: promotes exactly the chosen captures, and refuses stale runs.

Real runs (see test_report.make_run) in a temp dir with its own baselines copy:
the headline turns red at desktop and tablet; approving the desktop item with
the command the report shows replaces that one baseline, and the next desktop
run passes.
"""
from __future__ import annotations

import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from test_report import ROOT, make_run

DESKTOP = "visual_article_head-desktop-chromium-linux.png"
TABLET = "visual_article_head-tablet-chromium-linux.png"


def approve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regress", "approve", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_approve_one_item_then_the_next_run_passes(tmp_path: Path):
    proc = make_run(tmp_path, ("desktop", "tablet"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    baselines = tmp_path / "baselines" / "demo" / "article"
    before = {p.name: p.read_bytes() for p in baselines.iterdir()}
    latest = tmp_path / "reports" / "latest"
    run = json.loads((latest / "run.json").read_text())
    failed = {i["nodeid"]: i for i in run["items"] if i["status"] == "failed"}
    assert len(failed) == 2, failed
    desktop = next(i for i in failed.values() if i["viewport"] == "desktop")

    # the report shows, for each visual failure, the command approving just that item
    page = (latest / "index.html").read_text(encoding="utf-8")
    commands = [html.unescape(c) for c in re.findall(r'class="approve">[^<]*<code>([^<]*)</code>', page)]
    assert len(commands) == 2
    command = next(c for c in commands if "[desktop]" in c)
    argv = shlex.split(command)
    assert argv[:2] == ["regress", "approve"]
    done = approve(*argv[2:])
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"replaced {(baselines / DESKTOP).relative_to(tmp_path)}" in done.stdout  # shown inside its project
    assert TABLET not in done.stdout

    assert (baselines / DESKTOP).read_bytes() == Path(desktop["reference"]["actual"]).read_bytes()
    assert (baselines / DESKTOP).read_bytes() != before[DESKTOP]
    assert {p.name: p.read_bytes() for p in baselines.iterdir() if p.name != DESKTOP} == \
        {k: v for k, v in before.items() if k != DESKTOP}
    assert not list(baselines.glob(".*.tmp"))

    # approving again: nothing left for that expression; the other one still can be
    again = approve("--reports-dir", str(tmp_path / "reports"), "-k", "desktop")
    assert again.returncode == 1 and "no failed reference item" in again.stdout

    rerun = make_run(tmp_path, ("desktop", "tablet"), extra=("-k", "desktop"))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr


def test_no_last_run_is_refused(tmp_path: Path):
    proc = approve("--reports-dir", str(tmp_path / "nothing"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "no last run" in lines[0], proc.stderr


def failed_desktop_run(tmp_path: Path) -> tuple[str, Path, bytes]:
    """A real run whose desktop headline capture failed: (its reports dir, the baseline, its bytes)."""
    proc = make_run(tmp_path, ("desktop",))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    baseline = tmp_path / "baselines" / "demo" / "article" / DESKTOP
    return str(tmp_path / "reports"), baseline, baseline.read_bytes()


def test_changed_checkout_is_refused(tmp_path: Path):
    reports, baseline, original = failed_desktop_run(tmp_path)

    # baselines changed since the run (a checkout, a pull, a hand edit)
    (tmp_path / "baselines" / "demo" / "article" / "other-desktop-chromium-linux.png").write_bytes(original)
    refused = approve("--reports-dir", reports)
    assert refused.returncode == 2 and "changed since the last run" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    (tmp_path / "baselines" / "demo" / "article" / "other-desktop-chromium-linux.png").unlink()

    # another git HEAD than the run's
    record = tmp_path / "reports" / "latest" / "run.json"
    run = json.loads(record.read_text())
    record.write_text(json.dumps({**run, "git_head": "0" * 40}))
    refused = approve("--reports-dir", reports)
    assert refused.returncode == 2 and "checkout changed" in refused.stderr
    assert baseline.read_bytes() == original

    # a bad expression is a usage error, not a silent "approve all"
    record.write_text(json.dumps(run))
    bad = approve("--reports-dir", reports, "-k", "desktop and (")
    assert bad.returncode == 2 and baseline.read_bytes() == original


def test_missing_capture_and_baseline_outside_the_folder_are_refused(tmp_path: Path):
    reports, baseline, original = failed_desktop_run(tmp_path)
    record = tmp_path / "reports" / "latest" / "run.json"
    run = json.loads(record.read_text())
    item = next(i for i in run["items"] if i["status"] == "failed")

    # the capture was deleted (reports cleaned by hand, another run's rotation...)
    capture = Path(item["reference"]["actual"])
    capture.rename(capture.with_suffix(".moved"))
    refused = approve("--reports-dir", reports)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert f"its capture {capture} is gone" in refused.stderr
    capture.with_suffix(".moved").rename(capture)

    # a record whose baseline points outside the run's baselines folder (edited, or from elsewhere)
    outside = tmp_path / "elsewhere" / DESKTOP
    item["reference"]["baseline"] = str(outside)
    record.write_text(json.dumps(run))
    refused = approve("--reports-dir", reports)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert f"baseline {outside} is outside {tmp_path / 'baselines'}" in refused.stderr
    assert not outside.exists() and baseline.read_bytes() == original


def _git(checkout: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(checkout), "-c", "user.name=regress self-test", "-c",
                    "user.email=selftest@localhost", "-c", "commit.gpgsign=false", *args],
                   check=True, capture_output=True, timeout=60)


def throwaway_checkout(tmp: Path) -> Path:
    """This project's tracked files, as they are now, in a git repository of their own."""
    checkout = tmp / "checkout"
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():  # a file another engineer deleted and not yet committed is skipped
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, checkout / name)
    _git(checkout, "init", "-q")
    _git(checkout, "add", "-A")
    _git(checkout, "commit", "-q", "-m", "copy")
    return checkout


def test_changed_working_tree_is_refused(tmp_path: Path):
    """Refused when tracked files outside baselines/ and reports/ differ from what the run used,
    though HEAD is the same; in a throwaway checkout, whose code runs the suite and approve."""
    checkout = throwaway_checkout(tmp_path)
    baselines = tmp_path / "baselines"
    (baselines / "demo" / "article").mkdir(parents=True)
    shutil.copy(ROOT / "baselines" / "demo" / "article" / "visual_share_bar-desktop-chromium-linux.png",
                baselines / "demo" / "article")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                          "config/scenarios/article.yaml::article::visual_share_bar[desktop]",
                          "--baselines-dir", str(baselines), "--reports-dir", str(tmp_path / "reports")],
                         cwd=checkout, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]

    def approve_there() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "regress", "approve", "--reports-dir", str(tmp_path / "reports")],
                              cwd=checkout, env=env, capture_output=True, text=True, timeout=120)

    nothing_refused = "no failed reference item"  # the run passed: approve has nothing to do, and says so
    assert nothing_refused in approve_there().stdout

    # its own baselines and reports folders are not "the checkout"
    (checkout / "baselines" / "demo" / "article" / "visual_share_bar-desktop-chromium-linux.png").write_bytes(b"edited")
    (checkout / "reports").mkdir(exist_ok=True)
    assert nothing_refused in approve_there().stdout

    settings = checkout / "config" / "site.yaml"
    original = settings.read_text(encoding="utf-8")
    settings.write_text(original + "# edited after the run\n", encoding="utf-8")
    refused = approve_there()
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "tracked files changed since the last run (config/site.yaml)" in refused.stderr

    settings.write_text(original, encoding="utf-8")  # the same state again: nothing to refuse
    assert nothing_refused in approve_there().stdout

    (checkout / "pages" / "article.py").unlink()  # a deleted file counts too
    refused = approve_there()
    assert refused.returncode == 2 and "tracked files changed since the last run (pages/article.py)" in refused.stderr
    _git(checkout, "checkout", "--", "pages/article.py")

    _git(checkout, "commit", "-q", "--allow-empty", "-m", "another HEAD")
    refused = approve_there()
    assert refused.returncode == 2 and "the checkout changed since the last run (HEAD" in refused.stderr
