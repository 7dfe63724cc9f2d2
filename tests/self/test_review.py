"""regress review, reject and the groups of identical changes, on real runs in real Chromium.

One run, shared: a project in a temp dir, its own git repository, the real visual
check of the share bar at desktop, tablet and mobile on two pages (the seed article and a
Top-10 article), baselines recorded by a first run; then the demo site's
``share-icons-grey`` mutation (one CSS change: the share buttons turn grey) plus a Python
test that fails with hostile markup. One baseline was doctored by a pixel before that run:
an unrelated change in that capture. Each test that decides works on its own copy of the
project (paths in run.json rewritten), drives ``regress review --no-open`` (a subprocess,
the real command) through the page in Chromium, and checks the files and the record.
"""
from __future__ import annotations

import http.client
import json
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image, ImageChops

from regress.run import changes
from regress.run.approve import localize
from regress.run.record import RunRecord, record_lock
from test_report import HOSTILE, HOSTILE_TESTS

PAGES = {"article": "/www/nation/2022/06/120_330924.html", "top10_article": "/www/nation/2023/02/177_344903.html"}
VIEWPORTS = ("desktop", "tablet", "mobile")
MUTATION = "share-icons-grey"  # demo_site/mutations.py: a grayscale filter on the share buttons
SCENARIOS = "scenarios/share.yaml"
DOCTORED = f"{SCENARIOS}::top10_article::visual_share_bar[mobile]"  # its baseline got one unrelated pixel
GIT = ["git", "-c", "user.name=regress self-test", "-c", "user.email=selftest@localhost", "-c", "commit.gpgsign=false"]


def node(page: str, viewport: str) -> str:
    return f"{SCENARIOS}::{page}::visual_share_bar[{viewport}]"


def baseline(project: Path, nodeid: str) -> Path:
    page, viewport = nodeid.split("::")[1], nodeid.split("[")[1].rstrip("]")
    return project / "baselines" / "demo" / page / f"visual_share_bar-{viewport}-chromium-linux.png"


def _env() -> dict:
    import os

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    # REGRESS_REPORTS_DIR too: the project's own reports/ is the default of its commands
    for var in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_CURRENT_TEST",
                "REGRESS_REPORTS_DIR"):
        env.pop(var, None)
    return env


def suite(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "--scenarios", "scenarios", "--baselines-dir", "baselines", "--reports-dir", "reports",
                           *args], cwd=project, env=_env(), capture_output=True, text=True, timeout=300)


def regress(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regress", *args], cwd=project, env=_env(),
                          capture_output=True, text=True, timeout=120)


# Session-scoped: pytest groups browser tests of all modules by their browser parameter, which
# would finalize a module-scoped run between this module's tests and make it twice.
@pytest.fixture(scope="session")
def made(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("review-project")
    (project / "scenarios").mkdir()
    (project / SCENARIOS).write_text(
        f"defaults:\n  viewports: [{', '.join(VIEWPORTS)}]\nscenarios:\n" + "".join(
            f"  - name: {name}\n    page: {path}\n    checks:\n"
            "      - {kind: visual, name: visual_share_bar, component: share_bar}\n"
            for name, path in PAGES.items()), encoding="utf-8")
    (project / "test_hostile.py").write_text(HOSTILE_TESTS, encoding="utf-8")
    (project / ".gitignore").write_text("reports/\n__pycache__/\n", encoding="utf-8")
    recorded = suite(project, "--update-baselines", "missing", SCENARIOS)
    assert recorded.returncode == 0, recorded.stdout[-3000:] + recorded.stderr[-2000:]
    # an unrelated change in one capture: one pixel of its baseline, in a corner the grey icons leave alone
    doctored = baseline(project, DOCTORED)
    pixels = np.array(Image.open(doctored).convert("RGBA"))
    pixels[0, 0] = (1, 2, 3, 255)
    Image.fromarray(pixels, "RGBA").save(doctored)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "baselines"]):
        subprocess.run([*GIT, *args], cwd=project, check=True, capture_output=True, timeout=60)
    run = suite(project, "--mutation", MUTATION, SCENARIOS, "test_hostile.py")
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-2000:]
    return project


def clone(made: Path, dest: Path) -> Path:
    """A copy of the project whose run record names the copy's files (what a second checkout would be)."""
    shutil.copytree(made, dest, symlinks=True)
    record = dest / "reports" / "latest" / "run.json"
    record.write_text(record.read_text(encoding="utf-8").replace(str(made), str(dest)), encoding="utf-8")
    return dest


def record(project: Path) -> RunRecord:
    """The project's last run, its files' paths as they are here (a relative --reports-dir
    leaves them relative to where the run was started)."""
    latest = project / "reports" / "latest"
    return localize(RunRecord.load(latest / "run.json"), latest).run


def capture(project: Path, nodeid: str) -> bytes:
    """The capture the run saved for ``nodeid``."""
    return Path(next(i for i in record(project).items if i.nodeid == nodeid).reference.actual).read_bytes()


def approved(project: Path) -> list[str]:
    return sorted(i.nodeid for i in record(project).items if i.approved)


class Served:
    """``regress review --no-open`` in a subprocess; ``url`` is what it printed."""

    def __init__(self, project: Path, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "regress", "review", "--no-open", *args], cwd=project,
                                     env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline()
        assert first.startswith("review: http://127.0.0.1:"), first + self.proc.stderr.read()
        self.url = first.split()[1]
        parts = urlsplit(self.url)
        self.port, self.token, self.origin = parts.port, parts.path.strip("/"), f"http://127.0.0.1:{parts.port}"

    def finish(self, timeout: float = 30) -> tuple[int, str]:
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out + err

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=10)


@pytest.fixture
def serve():
    started: list[Served] = []

    def start(project: Path, *args: str) -> Served:
        started.append(Served(project, *args))
        return started[-1]

    yield start
    for served in started:
        served.stop()


def watch(page) -> list[str]:
    """Every dialog (dismissed) and page error: hostile markup that ran would show here."""
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(f"dialog {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: seen.append(f"error {e}"))
    return seen


def item(page, nodeid: str):
    return page.locator(f'#results .item[data-nodeid="{nodeid}"]')


def tally(page) -> str:
    return page.locator("#tally").inner_text()


# --- groups -----------------------------------------------------------------------------------

def _oracle(run: RunRecord) -> list[set[str]]:
    """The definition, by Pillow: same component, same crops of expected and of actual, each
    cropped to the box of every differing pixel."""
    keys: dict[tuple, set[str]] = {}
    for entry in changes.reviewable(run):
        expected = Image.open(entry.reference.expected).convert("RGBA")
        actual = Image.open(entry.reference.actual).convert("RGBA")
        assert expected.size == actual.size
        bands = ImageChops.difference(expected, actual).split()
        boxes = [band.getbbox() for band in bands if band.getbbox()]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        key = (entry.reference.component, expected.crop(box).tobytes(), actual.crop(box).tobytes(),
               box[2] - box[0], box[3] - box[1])
        keys.setdefault(key, set()).add(entry.nodeid)
    return list(keys.values())


def test_one_css_change_makes_one_group_per_distinct_rendering(made: Path):
    run = record(made)
    groups = changes.groups(run)
    found = [set(g.members) for g in groups]
    assert sorted(map(sorted, found)) == sorted(map(sorted, _oracle(run)))
    assert sorted(m for g in groups for m in g.members) == sorted(node(p, v) for p in PAGES for v in VIEWPORTS)
    assert all(g.component == "share_bar" for g in groups)
    # the change renders alike on both pages at desktop: one group, reviewed once
    assert {node("article", "desktop"), node("top10_article", "desktop")} in found
    # the capture with an unrelated change (one pixel of its baseline) is in no group with others
    assert {DOCTORED} in found
    # its twin on the other page is the same change as the doctored one, but for that pixel
    twin = node("article", "mobile")
    a, b = (np.array(Image.open(baseline(made, n)).convert("RGBA")) for n in (twin, DOCTORED))
    assert a.shape == b.shape and np.argwhere((a != b).any(axis=2)).tolist() == [[0, 0]]


def test_every_run_writes_summary_md(made: Path):
    text = (made / "reports" / "latest" / "summary.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "## regress: FAILED"
    assert "| `visual` | **6** | 0 | 0 | 0 |" in lines and "| `content` | **1** | 0 | 1 | 0 |" in lines
    assert "| `desktop` | **2** | 0 | 0 | 0 |" in lines and "| `-` | **1** | 0 | 1 | 0 |" in lines
    assert "### Failed items (7)" in lines
    row = next(line for line in lines if line.startswith(f"| `{node('article', 'desktop')}` |"))
    assert "| visual | desktop | `share_bar` | " in row and "% (" in row and " px) |" in row
    hostile = next(line for line in lines if "test_hostile" in line)
    assert "<img src=x" in hostile and hostile.count("`") >= 2 and "\\|" not in hostile
    shared = [g for g in changes.groups(record(made)) if g.shared]
    assert f"### Groups of identical changes ({len(shared)})" in lines
    assert sum(1 for line in lines if "the same change in 2 captures" in line) == len(shared)
    assert "Decisions so far: 6 to review, 0 approved, 0 rejected." in lines
    assert any(line.startswith("regress review") for line in lines)
    assert any(line.startswith("regress approve -k ") for line in lines)


# --- the review page ---------------------------------------------------------------------------

def test_approve_one_item_in_the_page_then_the_next_run_passes(made: Path, tmp_path: Path, serve, desktop_page):
    project = clone(made, tmp_path / "project")
    chosen = node("article", "tablet")
    before = {n: baseline(project, n).read_bytes() for n in changes.decisions(record(project))}
    served = serve(project)
    seen = watch(desktop_page)
    desktop_page.goto(served.url)
    assert tally(desktop_page) == "6 to review, 0 approved, 0 rejected"
    item(desktop_page, chosen).locator(".nodeid").click()
    desktop_page.keyboard.press("a")
    desktop_page.locator("#tally[data-approved='1']").wait_for()
    assert tally(desktop_page) == "5 to review, 1 approved, 0 rejected"
    assert item(desktop_page, chosen).locator(".item-head .state").inner_text() == "approved"

    assert baseline(project, chosen).read_bytes() == capture(project, chosen) != before[chosen]
    assert all(baseline(project, n).read_bytes() == data for n, data in before.items() if n != chosen)
    assert approved(project) == [chosen]
    assert not list(baseline(project, chosen).parent.glob(".*.tmp"))

    desktop_page.locator("#done").click()
    desktop_page.wait_for_selector("#ended:not([hidden])")
    code, out = served.finish()
    assert code == 0, out
    assert f"  approved {chosen}" in out and "review: ended: 1 approved, 0 rejected" in out
    assert "baselines to commit (git diff --stat -- baselines/demo)" in out
    assert "article/visual_share_bar-tablet-chromium-linux.png" in out and "1 file changed" in out
    assert seen == []

    rerun = suite(project, "--mutation", MUTATION, SCENARIOS, "-k", "article and tablet and not top10")
    assert rerun.returncode == 0 and "1 passed" in rerun.stdout, rerun.stdout[-3000:]


def test_reject_and_approve_a_group_at_once(made: Path, tmp_path: Path, serve, desktop_page):
    project = clone(made, tmp_path / "project")
    group = next(g for g in changes.groups(record(project)) if g.shared)
    before = {n: baseline(project, n).read_bytes() for n in changes.decisions(record(project))}
    served = serve(project)
    seen = watch(desktop_page)
    desktop_page.goto(served.url)
    card = desktop_page.locator(f"#{group.id}")
    assert "the same change in 2 captures" in card.locator("summary").inner_text()
    assert card.get_attribute("open") is None
    desktop_page.keyboard.press("j")  # the first group: current, and open
    assert card.get_attribute("open") is not None and "current" in card.get_attribute("class")
    assert card.locator(".members li").count() == 2 and card.locator(".crop img").count() == 2

    desktop_page.keyboard.press("r")  # both at once
    desktop_page.locator("#tally[data-rejected='2']").wait_for()
    assert tally(desktop_page) == "4 to review, 0 approved, 2 rejected"
    assert card.get_attribute("data-state") == "rejected"
    assert sorted(i.nodeid for i in record(project).items if i.rejected) == sorted(group.members)
    assert {n: baseline(project, n).read_bytes() for n in before} == before

    card.get_by_role("button", name="Approve all 2").click()  # a reviewer may change their mind
    desktop_page.locator("#tally[data-approved='2']").wait_for()
    assert tally(desktop_page) == "4 to review, 2 approved, 0 rejected"
    assert card.get_attribute("data-state") == "approved"
    assert approved(project) == sorted(group.members) and not any(i.rejected for i in record(project).items)
    for nodeid in before:
        data = baseline(project, nodeid).read_bytes()
        assert data == (capture(project, nodeid) if nodeid in group.members else before[nodeid])

    # another approval in the same review: the record's baselines digest followed the writes
    item(desktop_page, DOCTORED).get_by_role("button", name="Approve").click()
    desktop_page.locator("#tally[data-approved='3']").wait_for()
    assert baseline(project, DOCTORED).read_bytes() == capture(project, DOCTORED)

    served.proc.send_signal(signal.SIGINT)  # Ctrl-C ends the review as Done does
    code, out = served.finish()
    assert code == 0 and "review: ended: 3 approved, 0 rejected" in out, out
    assert all(f"  approved {n}" in out for n in [*group.members, DOCTORED]) and "3 files changed" in out
    assert seen == []


def test_reject_in_the_page_then_approve_skips_it(made: Path, tmp_path: Path, serve, desktop_page):
    project = clone(made, tmp_path / "project")
    chosen = node("top10_article", "tablet")
    before = baseline(project, chosen).read_bytes()
    served = serve(project)
    desktop_page.goto(served.url)
    item(desktop_page, chosen).locator(".nodeid").click()
    desktop_page.keyboard.press("r")
    desktop_page.locator("#tally[data-rejected='1']").wait_for()
    assert tally(desktop_page) == "5 to review, 0 approved, 1 rejected"
    assert [i.nodeid for i in record(project).items if i.rejected] == [chosen]
    assert baseline(project, chosen).read_bytes() == before
    desktop_page.locator("#done").click()
    desktop_page.wait_for_selector("#ended:not([hidden])")
    code, out = served.finish()
    assert code == 0 and f"  rejected {chosen}" in out, out

    done = regress(project, "approve", "--reports-dir", "reports")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"approve: skipped 1 rejected capture(s) ({chosen})" in done.stdout
    assert "approve: 5 baseline(s) written" in done.stdout
    assert baseline(project, chosen).read_bytes() == before
    assert f"  ({chosen})" not in done.stdout and len(approved(project)) == 5


def test_a_stale_run_is_refused_in_the_page(made: Path, tmp_path: Path, serve, desktop_page):
    project = clone(made, tmp_path / "project")
    chosen = node("article", "desktop")
    before = baseline(project, chosen).read_bytes()
    served = serve(project)
    desktop_page.goto(served.url)
    stray = baseline(project, chosen).parent / "visual_other-desktop-chromium-linux.png"
    stray.write_bytes(before)  # the baselines changed after the run (a pull, a checkout, a hand edit)
    item(desktop_page, chosen).get_by_role("button", name="Approve").click()
    refusal = desktop_page.locator("#refusal")
    refusal.wait_for(state="visible")
    text = refusal.inner_text()
    assert "changed since the last run; run `regress test` again before approving" in text
    assert "\n" not in text.strip()
    assert baseline(project, chosen).read_bytes() == before and approved(project) == []
    assert tally(desktop_page) == "6 to review, 0 approved, 0 rejected"

    stray.unlink()  # the run's state again: approving goes through, and the refusal goes away
    item(desktop_page, chosen).get_by_role("button", name="Approve").click()
    desktop_page.locator("#tally[data-approved='1']").wait_for()
    assert not refusal.is_visible()

    # another HEAD than the run's (a commit since): refused as its one line too
    subprocess.run([*GIT, "commit", "-q", "--allow-empty", "-m", "later"], cwd=project, check=True, timeout=60)
    item(desktop_page, node("top10_article", "desktop")).get_by_role("button", name="Approve").click()
    desktop_page.locator("#refusal:not([hidden])").wait_for()
    assert "the checkout changed since the last run (HEAD" in refusal.inner_text()
    assert approved(project) == [chosen]


def test_token_host_and_origin(made: Path, tmp_path: Path, serve, desktop_page, base_url):
    project = clone(made, tmp_path / "project")
    chosen = node("article", "mobile")
    before = baseline(project, chosen).read_bytes()
    served = serve(project)
    body = json.dumps({"items": [chosen]})

    # in Chromium: without the token, the desktop_page is 403; a desktop_page of another origin (the demo
    # site) cannot post a decision, neither as JSON (preflight) nor as a plain form-like post
    assert desktop_page.goto(f"{served.origin}/").status == 403
    wrong = served.token[:-1] + ("y" if served.token.endswith("x") else "x")
    assert desktop_page.goto(f"{served.origin}/{wrong}/").status == 403
    assert desktop_page.goto(served.url).status == 200
    desktop_page.goto(base_url + "/")
    outcome = desktop_page.evaluate("""async ([url, body]) => {
        const out = [];
        try { const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body});
              out.push("json " + r.status); } catch (e) { out.push("json blocked"); }
        try { await fetch(url, {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body});
              out.push("simple sent"); } catch (e) { out.push("simple blocked"); }
        return out; }""", [served.url + "approve", body])
    assert outcome[0] == "json blocked", outcome
    assert baseline(project, chosen).read_bytes() == before

    def ask(method: str, path: str, headers: dict, data: str | None = None) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        connection.request(method, path, body=data, headers=headers)
        status = connection.getresponse().status
        connection.close()
        return status

    own = {"Host": f"127.0.0.1:{served.port}"}
    post = {**own, "Origin": served.origin, "Content-Type": "application/json"}
    approve = f"/{served.token}/approve"
    assert ask("GET", "/", own) == 403
    assert ask("GET", f"/{served.token}", own) == 303  # to /TOKEN/, where the page's addresses work
    assert ask("GET", f"/{served.token}/", own) == 200
    assert ask("GET", f"/{served.token}/", {"Host": f"localhost:{served.port}"}) == 403
    assert ask("GET", f"/{served.token}/", {"Host": f"rebound.example:{served.port}"}) == 403
    assert ask("GET", f"/{served.token}/../run.json", own) == 404
    assert ask("POST", f"/{'x' * len(served.token)}/approve", post, body) == 403
    assert ask("POST", approve, {**post, "Origin": "http://evil.example"}, body) == 403
    assert ask("POST", approve, {**post, "Origin": f"http://localhost:{served.port}"}, body) == 403
    assert ask("POST", approve, {k: v for k, v in post.items() if k != "Origin"}, body) == 403
    assert ask("POST", approve, {**post, "Content-Type": "text/plain"}, body) == 415
    assert ask("GET", approve, own) == 404
    assert ask("PUT", approve, post, body) == 405
    assert baseline(project, chosen).read_bytes() == before  # nothing above changed anything
    assert ask("POST", approve, post, body) == 200  # the page's own request does
    assert baseline(project, chosen).read_bytes() != before


def test_hostile_markup_from_the_site_is_text(made: Path, serve, desktop_page):
    served = serve(made)
    seen = watch(desktop_page)
    desktop_page.goto(served.url)
    desktop_page.wait_for_load_state("load")
    hostile = desktop_page.locator("#results .item", has_text="the site says")
    assert HOSTILE in hostile.locator("pre.message").inner_text()
    assert "<script>alert(4)</script>" in desktop_page.locator("#results").inner_text()
    assert desktop_page.locator("#results img[src=x], #results a[href^=javascript]").count() == 0
    desktop_page.keyboard.press("j")
    desktop_page.wait_for_timeout(200)
    assert seen == []


def test_the_static_report_shows_each_buttons_command(made: Path, tmp_path: Path, desktop_page):
    seen = watch(desktop_page)
    desktop_page.goto((made / "reports" / "latest" / "index.html").as_uri())
    group = next(g for g in changes.groups(record(made)) if g.shared)
    card = desktop_page.locator(f"#{group.id}")
    card.locator("summary").click()
    card.get_by_role("button", name=f"Reject all {len(group.members)}").click()
    shown = card.locator("[data-cmd=reject].shown code")
    command = shown.inner_text()
    assert command.startswith("regress reject ") and " or " in command
    assert desktop_page.evaluate("window.getSelection().toString()") == command  # selected, to copy
    chosen = node("article", "tablet")
    item(desktop_page, chosen).locator(".nodeid").click()
    desktop_page.keyboard.press("a")
    single = item(desktop_page, chosen).locator("[data-cmd=approve].shown code").inner_text()
    assert single.startswith("regress approve ") and chosen in single
    assert seen == []

    # the commands do what the buttons say, in a copy of the project
    project = clone(made, tmp_path / "project")
    argv = shlex.split(command.replace(str(made), str(project)))
    done = regress(project, *argv[1:])
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(i.nodeid for i in record(project).items if i.rejected) == sorted(group.members)


# --- from a terminal -----------------------------------------------------------------------------

def test_reject_from_a_terminal_then_approve_skips_it(made: Path, tmp_path: Path):
    project = clone(made, tmp_path / "project")
    before = {n: baseline(project, n).read_bytes() for n in changes.decisions(record(project))}
    done = regress(project, "reject", "-k", "desktop", "--reports-dir", "reports")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "reject: 2 capture(s) rejected" in done.stdout
    assert sorted(i.nodeid for i in record(project).items if i.rejected) == \
        sorted(node(p, "desktop") for p in PAGES)
    again = regress(project, "reject", "-k", "desktop", "--reports-dir", "reports")
    assert again.returncode == 1 and "no failed reference item" in again.stdout
    skipped = regress(project, "approve", "-k", "desktop", "--reports-dir", "reports")
    assert skipped.returncode == 1 and "approve: skipped 2 rejected capture(s)" in skipped.stdout
    assert {n: baseline(project, n).read_bytes() for n in before} == before
    unfinished = json.loads((project / "reports" / "latest" / "run.json").read_text())
    (project / "reports" / "latest" / "run.json").write_text(json.dumps({**unfinished, "finished": None}))
    refused = regress(project, "reject", "-k", "mobile", "--reports-dir", "reports")
    assert refused.returncode == 2 and "did not finish" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_the_record_is_locked_against_a_concurrent_approve(made: Path, tmp_path: Path):
    project = clone(made, tmp_path / "project")
    chosen = node("article", "mobile")
    before = baseline(project, chosen).read_bytes()
    latest = project / "reports" / "latest"
    with record_lock(latest):
        proc = subprocess.Popen([sys.executable, "-m", "regress", "approve", "--reports-dir", "reports", "-k", chosen],
                                cwd=project, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert proc.poll() is None, proc.communicate()  # waiting for the lock
        assert baseline(project, chosen).read_bytes() == before
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    assert baseline(project, chosen).read_bytes() != before


def test_a_downloaded_run_is_approved_only_in_a_checkout_equal_to_its_own(made: Path, tmp_path: Path):
    project = clone(made, tmp_path / "project")
    # the CI artifact: reports/latest of a run made in another folder on another machine
    download = tmp_path / "regress-report"
    shutil.copytree(project / "reports" / "latest", download)
    ci_root = "/__w/kt-regress/kt-regress"
    record_path = download / "run.json"
    record_path.write_text(record_path.read_text(encoding="utf-8").replace(str(project), ci_root), encoding="utf-8")
    assert str(project) not in record_path.read_text(encoding="utf-8")
    chosen, other = node("top10_article", "desktop"), node("top10_article", "tablet")

    # the review serves the artifact's images from the folder it is in
    served = Served(project, "--run", str(download))
    try:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        slug = next(p.name for p in (download / "artifacts").iterdir() if "top10_article_visual_share_bar_desktop" in p.name)
        connection.request("GET", f"/{served.token}/artifacts/{slug}/actual.png")
        response = connection.getresponse()
        assert response.status == 200 and response.read() == (download / "artifacts" / slug / "actual.png").read_bytes()
    finally:
        served.stop()

    settings = project / SCENARIOS
    settings.write_text(settings.read_text() + "# edited\n")  # a tracked file differs from the run's
    refused = regress(project, "approve", "--run", str(download), "-k", chosen)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "tracked files differ from the run's (scenarios/share.yaml)" in refused.stderr
    subprocess.run([*GIT, "checkout", "--", SCENARIOS], cwd=project, check=True, timeout=60)

    done = regress(project, "approve", "--run", str(download), "-k", chosen)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"replaced baselines/demo/top10_article/visual_share_bar-desktop-chromium-linux.png  ({chosen})" \
        in done.stdout
    assert baseline(project, chosen).read_bytes() == \
        (download / "artifacts" / slug / "actual.png").read_bytes()
    saved = json.loads(record_path.read_text())
    assert saved["project_root"] == ci_root  # the record keeps what the run was; its decisions are added
    assert [i["nodeid"] for i in saved["items"] if i.get("approved")] == [chosen]

    subprocess.run([*GIT, "commit", "-q", "--allow-empty", "-m", "later"], cwd=project, check=True, timeout=60)
    refused = regress(project, "approve", "--run", str(download), "-k", other)
    assert refused.returncode == 2 and "this checkout is not the run's (HEAD" in refused.stderr
