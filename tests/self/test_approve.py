"""python -m regress.approve: promotes exactly the chosen captures, and refuses stale runs.

Real runs (see test_report.make_run) in a temp dir with its own baselines copy:
the headline turns red at desktop and tablet; approving the desktop item with
the command the report shows replaces that one baseline, and the next desktop
run passes.
"""
from __future__ import annotations

import html
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from test_report import ROOT, make_run

DESKTOP = "visual_article_head-desktop-chromium-linux.png"
TABLET = "visual_article_head-tablet-chromium-linux.png"


def approve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regress.approve", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_approve_one_item_then_the_next_run_passes(tmp_path: Path):
    proc = make_run(tmp_path, ("desktop", "tablet"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    baselines = tmp_path / "baselines" / "article"
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
    assert argv[:3] == ["python", "-m", "regress.approve"]
    done = approve(*argv[3:])
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"replaced {baselines / DESKTOP}" in done.stdout
    assert TABLET not in done.stdout

    assert (baselines / DESKTOP).read_bytes() == Path(desktop["visual"]["actual"]).read_bytes()
    assert (baselines / DESKTOP).read_bytes() != before[DESKTOP]
    assert {p.name: p.read_bytes() for p in baselines.iterdir() if p.name != DESKTOP} == \
        {k: v for k, v in before.items() if k != DESKTOP}
    assert not list(baselines.glob(".*.tmp"))

    # approving again: nothing left for that expression; the other one still can be
    again = approve("--reports-dir", str(tmp_path / "reports"), "-k", "desktop")
    assert again.returncode == 1 and "no failed visual item" in again.stdout

    rerun = make_run(tmp_path, ("desktop", "tablet"), extra=("-k", "desktop"))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr


def test_no_last_run_is_refused(tmp_path: Path):
    proc = approve("--reports-dir", str(tmp_path / "nothing"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "no last run" in lines[0], proc.stderr


def test_changed_checkout_is_refused(tmp_path: Path):
    proc = make_run(tmp_path, ("desktop",))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    reports = str(tmp_path / "reports")
    baseline = tmp_path / "baselines" / "article" / DESKTOP
    original = baseline.read_bytes()

    # baselines changed since the run (a checkout, a pull, a hand edit)
    (tmp_path / "baselines" / "article" / "other-desktop-chromium-linux.png").write_bytes(original)
    refused = approve("--reports-dir", reports)
    assert refused.returncode == 2 and "changed since the last run" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    (tmp_path / "baselines" / "article" / "other-desktop-chromium-linux.png").unlink()

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
