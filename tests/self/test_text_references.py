"""References that are not images (YAML here; JSON and text take the same road), end to end
without a check kind of their own.

A project in a temp dir with its own git repository and three YAML references; a run record
written by the real RunRecord, whose three failed items compared with them through
regress.run.references (expected, actual and the unified diff saved as a kind saves them):
two show the same change (identical expected and identical actual bytes), one another. Then
``regress approve -k`` and ``regress review`` (a subprocess, driven over HTTP and in Chromium)
approve and reject them with the same code and refusals as images, and the static report
shows each change as a readable unified diff.
"""
from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from regress.run import baselines, changes, checkout
from regress.run.artifacts import item_artifacts_dir
from regress.run.html import render_report
from regress.run.record import RUN_JSON, FailureRecord, ItemNotes, ItemRecord, RunRecord, record_lock
from regress.run.references import Reference, UpdateMode, Verdict, reference_path
from test_review import GIT, Served, _env

SCENARIOS = "scenarios/styles.yaml"
EXPECTED = "headline:\n  color: rgb(29, 29, 29)\n  font-size: 32px\n  font-weight: 700\n"
ACTUAL_RED = "headline:\n  color: rgb(200, 16, 46)\n  font-size: 32px\n  font-weight: 700\n"
ACTUAL_SMALL = "headline:\n  color: rgb(29, 29, 29)\n  font-size: 28px\n  font-weight: 700\n"
# viewport -> what the run found: desktop and mobile show the same change, tablet another
FOUND = {"desktop": ACTUAL_RED, "mobile": ACTUAL_RED, "tablet": ACTUAL_SMALL}


def node(viewport: str) -> str:
    return f"{SCENARIOS}::article::styles[{viewport}]"


def reference_file(project: Path, viewport: str) -> Path:
    return reference_path(project / "baselines" / "demo", "article", "styles", viewport, "yaml")


def _git(project: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=project, check=True, capture_output=True, timeout=60)


def make_project(tmp: Path) -> Path:
    """The project, committed, and its last run's record with the three failed YAML items."""
    project = tmp / "project"
    (project / "scenarios").mkdir(parents=True)
    (project / SCENARIOS).write_text("# the scenarios this run came from\n", encoding="utf-8")
    (project / ".gitignore").write_text("reports/\n", encoding="utf-8")
    for viewport in FOUND:
        reference_file(project, viewport).parent.mkdir(parents=True, exist_ok=True)
        reference_file(project, viewport).write_text(EXPECTED, encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "references"]):
        _git(project, *args)
    latest = project / "reports" / "latest"
    root = project / "baselines" / "demo"
    run = RunRecord(started="2026-12-02T10:00:00+00:00", finished="2026-12-02T10:01:00+00:00", exitstatus=1,
                    duration=60.0, target="demo", rules="pinned", project_root=str(project),
                    reports_dir=str(project / "reports"), git_head=checkout.git_head(project),
                    worktree_changes=checkout.worktree_changes(project), baselines_dir=str(root),
                    baselines_digest=baselines.digest(root))
    for viewport, found in FOUND.items():
        notes = ItemNotes()
        reference = Reference(reference_file(project, viewport), item_artifacts_dir(latest, node(viewport)), notes,
                              project, "article.headline")
        assert reference.compare_text(UpdateMode.COMPARE, found.encode()) is Verdict.FAIL_CHANGED
        run.items.append(ItemRecord(nodeid=node(viewport), kind="styles", viewport=viewport, status="failed",
                                    message="styles changed", reference=notes.reference,
                                    failure=FailureRecord(when="call", type="CheckFailure", assertion=True,
                                                          message="styles changed", checks=["styles"])))
    with record_lock(latest):
        run.save(latest / RUN_JSON)
    (latest / "index.html").write_text(render_report(run, latest, project / "reports"), encoding="utf-8")
    return project


def regress(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regress", *args], cwd=project, env=env or _env(),
                          capture_output=True, text=True, timeout=120)


def record(project: Path) -> RunRecord:
    return RunRecord.load(project / "reports" / "latest" / RUN_JSON)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def test_the_run_saved_each_change_as_a_kind_would(project: Path):
    item = next(i for i in record(project).items if i.nodeid == node("desktop"))
    reference = item.reference
    assert (reference.format, reference.component, item.reviewable) == ("yaml", "article.headline", True)
    assert Path(reference.expected).read_text() == EXPECTED and Path(reference.actual).read_text() == ACTUAL_RED
    diff = Path(reference.diff).read_text().splitlines()
    assert "-  color: rgb(29, 29, 29)" in diff and "+  color: rgb(200, 16, 46)" in diff
    assert not any(line.startswith(("-  font-size", "+  font-size")) for line in diff)
    assert reference.diff_pixels is None and reference.ratio is None and reference.boxes == []


def test_groups_are_identical_expected_and_actual_bytes(project: Path):
    found = sorted(sorted(g.members) for g in changes.groups(record(project)))
    assert found == [[node("desktop"), node("mobile")], [node("tablet")]]


def test_approve_writes_the_yaml_reference_and_refuses_changed_baselines(project: Path):
    before = {v: reference_file(project, v).read_bytes() for v in FOUND}
    stray = reference_file(project, "desktop").with_name("other-desktop.yaml")
    stray.write_text(EXPECTED, encoding="utf-8")  # a YAML reference appeared since the run: the digest sees it
    refused = regress(project, "approve", "--reports-dir", "reports", "-k", node("tablet"))
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "changed since the last run; run `regress test` again before approving" in refused.stderr
    assert {v: reference_file(project, v).read_bytes() for v in FOUND} == before
    stray.unlink()

    done = regress(project, "approve", "--reports-dir", "reports", "-k", node("tablet"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"replaced baselines/demo/article/styles-tablet.yaml  ({node('tablet')})" in done.stdout
    assert reference_file(project, "tablet").read_text() == ACTUAL_SMALL
    assert all(reference_file(project, v).read_bytes() == before[v] for v in ("desktop", "mobile"))
    assert not list(reference_file(project, "tablet").parent.glob(".*.tmp"))
    assert [i.nodeid for i in record(project).items if i.approved] == [node("tablet")]

    # its actual file gone: refused as a capture's would be, nothing written
    gone = Path(next(i for i in record(project).items if i.nodeid == node("desktop")).reference.actual)
    gone.unlink()
    refused = regress(project, "approve", "--reports-dir", "reports", "-k", node("desktop"))
    assert refused.returncode == 2 and f"its actual yaml {gone} is gone" in refused.stderr
    assert reference_file(project, "desktop").read_bytes() == before["desktop"]


def test_approve_killed_before_the_rename_leaves_the_yaml_reference_whole(project: Path):
    before = reference_file(project, "tablet").read_bytes()
    killed = regress(project, "approve", "--reports-dir", "reports", "-k", node("tablet"),
                     env={**_env(), baselines.FAULT_ENV: "baseline-before-rename"})
    assert killed.returncode == -9, killed.stdout + killed.stderr
    assert reference_file(project, "tablet").read_bytes() == before  # the old file, whole
    assert list(reference_file(project, "tablet").parent.glob(".styles-tablet.yaml.*.tmp"))  # the new one never renamed
    assert not any(i.approved for i in record(project).items)


def test_the_static_report_shows_a_readable_unified_diff(project: Path, desktop_page):
    desktop_page.goto((project / "reports" / "latest" / "index.html").as_uri())
    row = desktop_page.locator(f'#results .item[data-nodeid="{node("tablet")}"]')
    assert row.locator("pre.textdiff .line.del").all_inner_texts() == ["-  font-size: 32px"]
    assert row.locator("pre.textdiff .line.add").all_inner_texts() == ["+  font-size: 28px"]
    assert "The yaml reference styles-tablet.yaml changed" in row.locator(".numbers").inner_text()
    assert row.locator("[data-cmd=approve] code").inner_text() == \
        f"regress approve -k '{node('tablet')}'"
    group = next(g for g in changes.groups(record(project)) if g.shared)
    card = desktop_page.locator(f"#{group.id}")
    assert "the same change in 2 items" in card.locator("summary").inner_text()
    card.locator("summary").click()  # opened, the group shows its change
    assert card.locator("pre.textdiff .line.add").all_inner_texts() == ["+  color: rgb(200, 16, 46)"]


def _post(served: Served, act: str, body: dict) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    connection.request("POST", f"/{served.token}/{act}", body=json.dumps(body),
                       headers={"Host": f"127.0.0.1:{served.port}", "Origin": served.origin,
                                "Content-Type": "application/json"})
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    return response.status, answer


def test_review_approves_and_rejects_text_references_with_the_same_refusals(project: Path, desktop_page):
    before = {v: reference_file(project, v).read_bytes() for v in FOUND}
    served = Served(project)
    try:
        desktop_page.goto(served.url)
        row = desktop_page.locator(f'#results .item[data-nodeid="{node("tablet")}"]')
        assert row.locator("pre.textdiff .line.add").all_inner_texts() == ["+  font-size: 28px"]
        row.get_by_role("button", name="Reject").click()
        desktop_page.locator("#tally[data-rejected='1']").wait_for()
        assert [i.nodeid for i in record(project).items if i.rejected] == [node("tablet")]
        assert {v: reference_file(project, v).read_bytes() for v in FOUND} == before

        # the baselines changed since the run: the group's approval is refused, nothing written
        group = next(g for g in changes.groups(record(project)) if g.shared)
        stray = reference_file(project, "desktop").with_name("stray-desktop.json")
        stray.write_text("{}\n", encoding="utf-8")
        status, answer = _post(served, "approve", {"group": group.id})
        assert status == 409 and "changed since the last run" in answer["refusal"]
        assert {v: reference_file(project, v).read_bytes() for v in FOUND} == before
        stray.unlink()

        card = desktop_page.locator(f"#{group.id}")
        card.locator("summary").click()
        card.get_by_role("button", name="Approve all 2").click()
        desktop_page.locator("#tally[data-approved='2']").wait_for()
        assert all(reference_file(project, v).read_text() == ACTUAL_RED for v in ("desktop", "mobile"))
        assert reference_file(project, "tablet").read_bytes() == before["tablet"]
        assert sorted(i.nodeid for i in record(project).items if i.approved) == [node("desktop"), node("mobile")]
        assert not list(reference_file(project, "desktop").parent.glob(".*.tmp"))
        desktop_page.locator("#done").click()
        desktop_page.wait_for_selector("#ended:not([hidden])")
        code, out = served.finish()
    finally:
        served.stop()
    assert code == 0 and "review: ended: 2 approved, 1 rejected" in out, out
    assert "article/styles-desktop.yaml" in out and "2 files changed" in out


