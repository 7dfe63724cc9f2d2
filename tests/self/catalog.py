"""The mutation catalog's runs and their judgement (used by test_mutations.py and conftest.py).

Every mutation of ``demo_site/mutations.py`` has an expectation in ``expectations.py``: the
checks that must catch it (node-id patterns) and what their failure must say (a regular
expression), at which viewports. One pytest subprocess
runs exactly those items, at the mutation's viewports, against the mutated demo site; one
more runs the union of all selections against the unmutated site, in the same session.
Both are judged from their ``run.json`` (each item's exception type and message), never
from terminal text:

* caught: the item passed unmutated and failed mutated with a ``CheckFailure`` or an
  ``AssertionError`` whose message matches;
* caught by accident: it failed, but with another exception (a timeout, a crash in the
  check's own code) -- reported, never counted;
* an expected item that was not collected is a failure, never a skip.

The catalog runs in modes: rules × news day. ``pinned-day1`` (the demo target, day 1) is
the one ``make test`` runs; ``live-day1`` and ``live-day2`` (the live rules against the
bundled demo site, with baselines and the chrome reference recorded on day 1 by one
reference run of the session) are chosen with ``REGRESS_CATALOG=pinned-day1,live-day1,live-day2``
(``make catalog``). On the live rules a mutation must be caught by the expected checks that
run there (those the live rules leave out, e.g. exact comparisons with the seed, are not
counted), unless it is marked pinned-only: it changes story content or order, never CSS,
JS or templates, and says why.

The coverage listing names every check of the regression suite -- each test function of
``tests/regression`` and each assertion a scenario check makes (``visible article.body``,
``pdf page count``...), as its kind enumerates them -- with the mutations that caught it.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import expectations
from regress.cli import reference_marker
from demo_site import mutations
from expectations import Expect, Expectation

ROOT = Path(__file__).resolve().parents[2]
REGRESSION = "tests/regression"


@dataclass(frozen=True)
class Mode:
    """Which rules, on which news day of the demo site."""
    name: str
    target: str
    day: int

    @property
    def live(self) -> bool:
        return self.target != "demo"

    @property
    def title(self) -> str:
        return f"{'live' if self.live else 'pinned'} rules, news day {self.day}"


MODES = {m.name: m for m in (Mode("pinned-day1", "demo", 1), Mode("live-day1", "live", 1),
                             Mode("live-day2", "live", 2))}
ENABLED = [MODES[name] for name in os.environ.get("REGRESS_CATALOG", "pinned-day1").split(",") if name]
PINNED = MODES["pinned-day1"]
WORKERS = int(os.environ.get("REGRESS_SELF_WORKERS", "2"))
RUN_TIMEOUT_S = 600
COVERAGE_FILE = ROOT / "reports" / "mutation-coverage.md"

_BRACKET = re.compile(r"\[([^\[\]]*)\]$")


def viewport_of(nodeid: str) -> str | None:
    """``...[desktop]`` or ``...[desktop-chromium]`` -> desktop."""
    match = _BRACKET.search(nodeid)
    return match.group(1).split("-")[0] if match else None


def check_of(nodeid: str) -> str:
    """The check an item runs, without its viewport: ``...::components[desktop]`` -> ``...::components``."""
    return _BRACKET.sub("", nodeid)


def first_line(text: str) -> str:
    return next((line.strip() for line in (text or "").splitlines() if line.strip()), "")


def _env(reports: str) -> dict:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "REGRESS_REPORTS_DIR": reports}
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def pytest_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args]


_INVENTORY: list[str] = []
_INVENTORY_LOCK = threading.Lock()


def inventory() -> list[str]:
    """Every regression item's node id, as pytest collects them."""
    with _INVENTORY_LOCK:
        if not _INVENTORY:
            with tempfile.TemporaryDirectory(prefix="regress-self-") as reports:
                proc = subprocess.run(pytest_cmd("--collect-only", REGRESSION), cwd=ROOT, env=_env(reports),
                                      capture_output=True, text=True, timeout=120)
            if proc.returncode != 0:
                raise RuntimeError(f"collecting {REGRESSION} failed:\n{proc.stdout}\n{proc.stderr}")
            _INVENTORY.extend(line.strip() for line in proc.stdout.splitlines()
                              if "::" in line and not line.startswith(" "))
    return list(_INVENTORY)


def selection(expected: Expectation, expects=None) -> list[str]:
    """The collected items a mutation's expectations (or the ones given) name, at its viewports."""
    expects = expected.expect if expects is None else expects
    return [n for n in inventory() if viewport_of(n) in expected.viewports and any(e.matches(n) for e in expects)]


# --- one run ----------------------------------------------------------------------------

@dataclass
class Run:
    mutation: str | None
    nodeids: list[str]
    returncode: int
    output: str
    seconds: float
    items: dict[str, dict] = field(default_factory=dict)  # node id -> run.json entry

    def passed(self, nodeid: str) -> bool:
        return (self.items.get(nodeid) or {}).get("status") == "passed"

    def failure(self, nodeid: str) -> dict | None:
        entry = self.items.get(nodeid) or {}
        return entry.get("failure") if entry.get("status") in ("failed", "error") else None

    def failures(self) -> dict[str, dict]:
        return {n: f for n in self.items if (f := self.failure(n))}

    def command(self) -> str:
        return f"pytest {' '.join(self.nodeids[:3])}{' ...' if len(self.nodeids) > 3 else ''}" + (
            f" --mutation {self.mutation}" if self.mutation else "")

    def describe(self) -> str:
        return (f"`{self.command()}` ({len(self.nodeids)} items) exited {self.returncode} in {self.seconds:.0f}s\n"
                f"--- output (tail) ---\n{self.output[-4000:]}")


_REFERENCE: dict[str, Path] = {}
_REFERENCE_LOCK = threading.Lock()
_KEEP: list = []  # the reference folders live as long as the session


def live_reference() -> Path:
    """Baselines and the chrome reference of target ``live``, recorded once per session on day 1
    (as ``regress reference --target live`` would): the live modes compare with them."""
    with _REFERENCE_LOCK:
        if "live" not in _REFERENCE:
            folder = tempfile.TemporaryDirectory(prefix="regress-live-reference-")
            _KEEP.append(folder)
            with tempfile.TemporaryDirectory(prefix="regress-self-") as reports:
                proc = subprocess.run(pytest_cmd("--target", "live", "--news-day", "1", "--update-baselines", "missing",
                                                 "--baselines-dir", folder.name, "-m", reference_marker(),
                                                 "--trace-failures", "off", REGRESSION),
                                      cwd=ROOT, env=_env(reports), capture_output=True, text=True,
                                      timeout=RUN_TIMEOUT_S)
            if proc.returncode != 0:
                raise RuntimeError(f"recording the live reference failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
            _REFERENCE["live"] = Path(folder.name)
    return _REFERENCE["live"]


def mode_args(mode: Mode) -> list[str]:
    args = ["--target", mode.target, "--news-day", str(mode.day)]
    return args + (["--baselines-dir", str(live_reference())] if mode.live else [])


def run_items(mutation: str | None, nodeids: list[str], mode: Mode = PINNED) -> Run:
    args = ["--trace-failures", "off", "-rfE", "--tb=short", *mode_args(mode), *nodeids]
    if mutation:
        args += ["--mutation", mutation]
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="regress-self-") as reports:
        proc = subprocess.run(pytest_cmd(*args), cwd=ROOT, env=_env(reports), capture_output=True,
                              text=True, timeout=RUN_TIMEOUT_S)
        record = Path(reports) / "latest" / "run.json"
        items = {}
        if record.is_file():
            items = {e["nodeid"]: e for e in json.loads(record.read_text(encoding="utf-8")).get("items", [])}
    return Run(mutation, nodeids, proc.returncode, proc.stdout + proc.stderr, time.monotonic() - start, items)


# --- judgement --------------------------------------------------------------------------

@dataclass(frozen=True)
class Catch:
    nodeid: str
    message: str  # first line of the failure message


@dataclass
class Verdict:
    mutation: str
    caught: list[tuple[Expect, Catch]] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)      # why an expectation was not met
    accidents: list[Catch] = field(default_factory=list)  # failed, but not by an assertion
    pinned_only: str = ""  # on the live rules: why the mutation is not a regression there

    @property
    def ok(self) -> bool:
        return not self.missed


def left_out(unmutated: Run, nodeid: str) -> bool:
    """An item the target's rules leave out: the run record's ``left_out``, set where the rules
    decide (regress.plugin.safety.LeftOut), never read from a skip's wording."""
    entry = unmutated.items.get(nodeid) or {}
    return entry.get("status") == "skipped" and bool(entry.get("left_out"))


def judge(expected: Expectation, run: Run, unmutated: Run, mode: Mode = PINNED) -> Verdict:
    verdict = Verdict(expected.name)
    if mode.live and expected.pinned_only:
        verdict.pinned_only = expected.pinned_only
        return verdict
    if run.returncode not in (0, 1):
        verdict.missed.append(f"the run itself broke (exit {run.returncode}):\n{run.describe()}")
        return verdict
    for nodeid, failure in run.failures().items():
        if not failure.get("assertion"):
            verdict.accidents.append(Catch(nodeid, f"{failure['type']}: {first_line(failure['message'])}"))
    expects = [e for e in expected.expect
               if not (mode.live and all(left_out(unmutated, n) for n in run.nodeids if e.matches(n)))]
    if not expects:
        verdict.missed.append(f"none of its expected checks runs on the {mode.title}: name one that does, "
                              "or mark it pinned-only if it only changes story content or order")
    for expect in expects:
        candidates = [n for n in run.nodeids if expect.matches(n)]
        if not candidates:
            verdict.missed.append(f"{expect.items}: no such item is collected at {list(expected.viewports)}")
            continue
        found = None
        why = []
        for nodeid in candidates:
            failure = run.failure(nodeid)
            if not unmutated.passed(nodeid):
                why.append(f"{nodeid} did not pass on the unmutated site")
            elif failure is None:
                why.append(f"{nodeid} {run.items.get(nodeid, {}).get('status', 'did not run')}")
            elif not failure.get("assertion"):
                why.append(f"{nodeid} failed by accident ({failure['type']})")
            elif not expect.said_by(failure["message"]):
                why.append(f"{nodeid} failed saying {first_line(failure['message'])!r}")
            else:
                found = Catch(nodeid, _matching_line(expect, failure["message"]))
                break
        if found:
            verdict.caught.append((expect, found))
        else:
            verdict.missed.append(f"{expect.items} /{expect.message}/ not caught: " + "; ".join(why[:4]))
    return verdict


def _matching_line(expect: Expect, message: str) -> str:
    for line in message.splitlines():
        if expect.said_by(line):
            return line.strip()
    return first_line(message)


# --- the runs of one session ----------------------------------------------------------------

class Catalog:
    """Runs each mutation's selection once per session in one mode, a few at a time, and the
    unmutated union."""

    def __init__(self, mode: Mode = PINNED) -> None:
        self.mode = mode
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix=f"mutation-run-{mode.name}")
        self._futures: dict[str | None, Future] = {}
        self._lock = threading.Lock()
        self.verdicts: dict[str, Verdict] = {}
        self.coverage: dict[str, list[str]] | None = None

    def union(self) -> list[str]:
        chosen = set()
        for name in mutations.names():
            chosen.update(selection(expectations.of(name)))
        return [n for n in inventory() if n in chosen]

    def submit(self, name: str | None) -> Future:
        with self._lock:
            if name not in self._futures:
                if self.mode.live and name is not None and expectations.of(name).pinned_only:
                    nodeids = []  # not a regression on the live rules: nothing to run
                else:
                    nodeids = self.union() if name is None else selection(expectations.of(name))
                self._futures[name] = self._pool.submit(self._run, name, nodeids)
            return self._futures[name]

    def _run(self, name: str | None, nodeids: list[str]) -> Run:
        if not nodeids:
            return Run(name, [], 0, "", 0.0)
        return run_items(name, nodeids, self.mode)

    def unmutated(self) -> Run:
        return self.submit(None).result()

    def result(self, name: str) -> Run:
        return self.submit(name).result()

    def verdict(self, name: str) -> Verdict:
        if name not in self.verdicts:
            self.verdicts[name] = judge(expectations.of(name), self.result(name), self.unmutated(), self.mode)
        return self.verdicts[name]


CATALOGS = {mode.name: Catalog(mode) for mode in MODES.values()}
CATALOG = CATALOGS[PINNED.name]


# --- coverage -------------------------------------------------------------------------------

def all_checks() -> dict[str, set[str]]:
    """Every check of the regression suite -> the viewports it runs at.

    A test function is one check; a scenario check is as many as its kind's assertions."""
    from regress.checks import kinds, load_suite_scenario_files
    from regress.model.scenario import load_settings, scenario_files

    checks: dict[str, set[str]] = {}
    for nodeid in inventory():
        if nodeid.startswith(REGRESSION + "/"):
            checks.setdefault(check_of(nodeid), set()).add(viewport_of(nodeid))
    settings = load_settings(ROOT / "config" / "site.yaml")
    registry = kinds()
    for scenario in load_suite_scenario_files(scenario_files(ROOT / "config" / "scenarios"), settings).all():
        for check in scenario.checks:
            item = f"config/scenarios/{Path(scenario.path).name}::{scenario.name}::{check.name}"
            for viewport in check.viewports:
                for name in registry[check.kind].assertions_of(check.options, viewport):
                    checks.setdefault(f"{item} » {name}", set()).add(viewport)
    return checks


def caught_checks(run: Run, unmutated: Run) -> set[str]:
    """The checks a mutated run proved: items that passed unmutated and failed by an assertion."""
    proved = set()
    for nodeid, failure in run.failures().items():
        if not (failure.get("assertion") and unmutated.passed(nodeid)):
            continue
        if nodeid.startswith(REGRESSION + "/"):
            proved.add(check_of(nodeid))
        for name in failure.get("checks") or ():
            proved.add(f"{check_of(nodeid)} » {name}")
    return proved


def coverage(catalog: Catalog) -> dict[str, list[str]]:
    listing = {check: [] for check in all_checks()}
    unmutated = catalog.unmutated()
    for name in mutations.names():
        for check in caught_checks(catalog.result(name), unmutated):
            if check in listing:
                listing[check].append(name)
    return listing


def write_coverage(listing: dict[str, list[str]], path: Path = COVERAGE_FILE) -> None:
    lines = ["# Mutation coverage: each check of the regression suite and the mutations that caught it", ""]
    for check in sorted(listing):
        lines.append(f"- `{check}`: {', '.join(listing[check]) or '**NONE**'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
