"""pytest-xdist: ``-n 2`` on a slice of the real regression suite.

One pytest subprocess runs, with two workers, links items whose pages share
every link (``menu_links`` and ``footer_links`` at all three viewports), a
Python content test and a visual item that writes its baseline into a temp
``--baselines-dir`` (``--update-baselines missing``). A ``-p`` probe plugin,
loaded by the controller and both workers, appends to one JSON-lines file:

* ``site``: every ``DemoSite.start`` call, with its process and URL;
* ``session``: each process's site under test (the plugin's state, what ``base_url`` gives) at session end;
* ``scheduler``: the xdist scheduler the controller made;
* ``needs`` / ``fetch``: the documents each ``LinkChecker.check_many`` call
  asked for, and every real HTTP fetch (``LinkChecker._fetch_document``).

From those: one demo site, started by the controller, whose URL every worker
used; both workers needed the same link targets, yet each document was
fetched once in total; the baseline a worker wrote is on disk and listed by the
controller; junit.xml and run.json list every item once.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLICE = ["tests/regression/test_article_content.py", "config/scenarios/article.yaml",
         "-k", "menu_links or footer_links or (desktop and ((test_top_ten and not structure) or visual_article_head))"]
N_ITEMS = 3 * 2 + 2

PROBE = r'''
import json, os

OUT = os.environ["REGRESS_PROBE_OUT"]
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "controller")


def _log(**record):
    record.update(pid=os.getpid(), worker=WORKER)
    with open(OUT, "a", encoding="utf-8") as fh:  # O_APPEND: whole lines from every process
        fh.write(json.dumps(record) + "\n")


from demo_site.server import DemoSite
from regress.engines.linkcheck import LinkChecker, _defrag

_start, _check_many, _fetch = DemoSite.start, LinkChecker.check_many, LinkChecker._fetch_document


def start(self):
    site = _start(self)
    _log(event="site", url=site.url)
    return site


def check_many(self, urls):
    urls = list(urls)
    _log(event="needs", docs=sorted({_defrag(u)[0] for u in urls if self.may_request(u)}))
    return _check_many(self, urls)


def fetch(self, doc, need_anchors):
    _log(event="fetch", doc=doc, anchors=need_anchors)
    return _fetch(self, doc, need_anchors)


DemoSite.start, LinkChecker.check_many, LinkChecker._fetch_document = start, check_many, fetch


def pytest_sessionfinish(session):  # the controller's site starts when its workers do
    from regress.plugin.state import session_state

    _log(event="session", base_url=session_state(session.config).base_url)


import pytest


@pytest.hookimpl(wrapper=True)
def pytest_xdist_make_scheduler(config, log):
    scheduler = yield
    _log(event="scheduler", name=type(scheduler).__name__)
    return scheduler
'''


def _probe_env(tmp_path: Path) -> dict:
    (tmp_path / "regress_xprobe.py").write_text(PROBE, encoding="utf-8")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "REGRESS_PROBE_OUT": str(tmp_path / "probe.jsonl"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    for var in list(env):
        if var.startswith("PYTEST_") or var == "REGRESS_LINK_CACHE_DIR":
            env.pop(var)  # the suite must set up the shared link cache by itself
    return env


def _records(tmp_path: Path) -> dict[str, list[dict]]:
    by_event: dict[str, list[dict]] = {}
    for line in (tmp_path / "probe.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_event.setdefault(record["event"], []).append(record)
    return by_event


def test_two_workers_share_one_site_one_link_cache_one_report(tmp_path):
    env = _probe_env(tmp_path)
    baselines, reports = tmp_path / "baselines", tmp_path / "reports"
    # --dist load deals items out in small chunks, so both workers need the same links
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "regress_xprobe", "-n", "2",
           "--dist", "load", "-q", "-rA", "--reports-dir", str(reports), "--baselines-dir", str(baselines),
           "--update-baselines", "missing", *SLICE]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = proc.stdout[-4000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, output
    assert f"{N_ITEMS} passed" in proc.stdout, output
    by_event = _records(tmp_path)

    # one demo site, in the controller; every process tested that one
    sites = by_event.get("site", [])
    assert [s["worker"] for s in sites] == ["controller"], sites
    sessions = {s["worker"]: s["base_url"] for s in by_event["session"]}
    assert set(sessions) == {"controller", "gw0", "gw1"}, sessions
    assert set(sessions.values()) == {sites[0]["url"]}, sessions

    # both workers needed the same link targets, each was fetched once in all
    needs = {w: set() for w in ("gw0", "gw1")}
    for record in by_event.get("needs", []):
        needs[record["worker"]].update(record["docs"])
    shared = needs["gw0"] & needs["gw1"]
    assert shared, f"both workers must check links for this test to mean anything: {needs}"
    fetches = Counter((f["doc"], f["anchors"]) for f in by_event.get("fetch", []))
    assert fetches, "no link was fetched"
    assert max(fetches.values()) == 1, [k for k, n in fetches.items() if n > 1]
    fetched_docs = {doc for doc, _ in fetches}
    assert shared <= fetched_docs
    # so for each shared document one worker read the other's fetch from the cache
    print(f"links: {len(shared)} documents needed by both workers, {len(fetches)} fetches in all, by "
          f"{dict(Counter(f['worker'] for f in by_event['fetch']))}")

    # the baseline a worker wrote: on disk, and reported by the controller
    written = sorted(baselines.rglob("*.png"))
    assert [p.name for p in written] == ["visual_article_head-desktop-chromium-linux.png"], written
    assert "baselines written" in proc.stdout and str(written[0]) in proc.stdout, output

    # one report: every item once in junit.xml and run.json
    cases = ET.parse(reports / "latest" / "junit.xml").getroot().iter("testcase")
    names = [f"{c.get('classname')}::{c.get('name')}" for c in cases]
    assert len(names) == N_ITEMS == len(set(names)), names
    run = json.loads((reports / "latest" / "run.json").read_text(encoding="utf-8"))
    statuses = Counter(item["status"] for item in run["items"])
    assert statuses == {"passed": N_ITEMS}, statuses
    assert run["base_url"] == sites[0]["url"]



@pytest.mark.parametrize("given, scheduler", [([], "WorkStealingScheduling"), (["--dist", "loadfile"], "LoadFileScheduling")],
                         ids=["default", "explicit"])
def test_workers_are_scheduled_by_work_stealing_unless_told(tmp_path, given, scheduler):
    env = _probe_env(tmp_path)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "regress_xprobe", "-n", "2", *given,
           "-q", "--reports-dir", str(tmp_path / "reports"),
           "tests/regression/test_article_content.py", "-k", "desktop and test_top_ten"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    made = _records(tmp_path)["scheduler"]
    assert [(s["worker"], s["name"]) for s in made] == [("controller", scheduler)], made
