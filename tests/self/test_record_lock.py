"""Every writer of run.json holds its lock: the reporting plugin's saves.

A real pytest run in a subprocess, with a small plugin (``lockspy``) that reports each of the
run's attempts at the lock down a named pipe, and a test that waits on another pipe for the
go-ahead: so this test holds the lock while the run is at its end and sees it wait, with
pipes, not sleeps, as the synchronisation."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

from regress.run.record import RUN_JSON, record_lock
from test_review import _env

SPY = '''
import os

from regress.run import record

_real = record._try_lock
OUT = open(os.environ["LOCKSPY_OUT"], "w", buffering=1)


def _watched(fd):
    got = _real(fd)
    exists = os.path.isfile(os.path.join(os.environ["LOCKSPY_LATEST"], "run.json"))
    OUT.write(f"lock {'got' if got else 'refused'} {'after' if exists else 'before'} run.json\\n")
    return got


record._try_lock = _watched
'''
INNER_TESTS = '''
import os

import lockspy


def test_waits_for_the_go_ahead(base_url):
    lockspy.OUT.write("in test\\n")
    with open(os.environ["LOCKSPY_IN"]) as go:
        assert go.readline() == "go\\n"
'''


def _lines(path: Path) -> "queue.Queue[str]":
    """The lines written to the pipe at ``path``, as they come (read in a thread)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        with open(path) as pipe:
            for line in pipe:
                lines.put(line.strip())
        lines.put("closed")

    threading.Thread(target=read, daemon=True).start()
    return lines


def _next(lines: "queue.Queue[str]", wanted: str) -> list[str]:
    """Lines up to and including the first that starts with ``wanted``."""
    seen = []
    while not seen or not seen[-1].startswith(wanted):
        seen.append(lines.get(timeout=120))
        assert seen[-1] != "closed", seen
    return seen


def test_the_reports_saves_hold_the_lock(tmp_path: Path):
    (tmp_path / "lockspy.py").write_text(SPY, encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(INNER_TESTS, encoding="utf-8")
    out, go = tmp_path / "out.pipe", tmp_path / "in.pipe"
    os.mkfifo(out)
    os.mkfifo(go)
    latest = tmp_path / "reports" / "latest"
    env = {**_env(), "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
           "LOCKSPY_OUT": str(out), "LOCKSPY_IN": str(go), "LOCKSPY_LATEST": str(latest)}
    lines = _lines(out)
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "lockspy",
                             "--reports-dir", str(tmp_path / "reports"), "test_inner.py"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        start = _next(lines, "in test")
        # the first save held the lock: taken before run.json existed, and no other attempt since
        assert start == ["lock got before run.json", "in test"], start
        with record_lock(latest):
            with open(go, "w") as pipe:
                pipe.write("go\n")
            assert _next(lines, "lock")[-1] == "lock refused after run.json"  # the last save waits
            assert json.loads((latest / RUN_JSON).read_text())["finished"] is None  # nothing saved under us
        assert proc.wait(timeout=120) == 0, proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    assert json.loads((latest / RUN_JSON).read_text())["finished"]
