"""The mutation catalog (demo_site/mutations.py) is caught by the regression suite.

For every mutation, one pytest subprocess runs the items of the mutation's
``expected_kinds`` at one viewport against the mutated demo site; each expected
kind must have at least one FAILED item. The unmutated site must pass the same
selections. Subprocesses run a few at a time (``REGRESS_SELF_WORKERS``, default 2).

Kinds: the scenario check kinds (items marked ``layout``, ``links``...) plus
``content`` (test_article_content.py, test_menu.py) and ``behaviour``
(test_behaviour.py). A kind with no collected items (``visual`` until it lands)
cannot be verified: its mutations are skipped, and counted as such.
"""
from __future__ import annotations

import functools
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

import pytest

from demo_site import mutations

ROOT = Path(__file__).resolve().parents[2]
REGRESSION = "tests/regression"
SCENARIO_KINDS = ("layout", "links", "font_controls", "print_preview", "visual")
PY_KIND_FILES = {
    "content": ("tests/regression/test_article_content.py", "tests/regression/test_menu.py"),
    "behaviour": ("tests/regression/test_behaviour.py",),
}
# Breakages that only show at some widths are checked at such a width; the rest at desktop.
VIEWPORT = {"mobile-photo-overflow": "mobile"}
DEFAULT_VIEWPORT = "desktop"
WORKERS = int(os.environ.get("REGRESS_SELF_WORKERS", "2"))
RUN_TIMEOUT_S = 600

_ITEM_VIEWPORT = re.compile(r"\[([A-Za-z0-9_]+)(?:-[A-Za-z0-9_]+)?\]$")
_OUTCOME_LINE = re.compile(r"^(FAILED|ERROR) (\S+)", re.M)


def pytest_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args]


def _run(cmd: list[str], timeout: float = RUN_TIMEOUT_S) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    # Each run reports into its own throw-away directory, never over reports/latest.
    with tempfile.TemporaryDirectory(prefix="regress-self-") as reports:
        env["REGRESS_REPORTS_DIR"] = reports
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _collect(*args: str) -> list[str]:
    proc = _run(pytest_cmd("--collect-only", REGRESSION, *args), timeout=120)
    if proc.returncode not in (0, 5):  # 5: nothing collected
        raise RuntimeError(f"collecting {REGRESSION} {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return [line.strip() for line in proc.stdout.splitlines() if "::" in line and not line.startswith(" ")]


@functools.lru_cache(maxsize=None)
def inventory() -> dict[str, str]:
    """Every regression item's node id -> its kind."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        everything = pool.submit(_collect)
        marked = {kind: pool.submit(_collect, "-m", kind) for kind in SCENARIO_KINDS}
        kind_of: dict[str, str] = {}
        for kind, fut in marked.items():
            for nodeid in fut.result():
                kind_of[nodeid] = kind
        for nodeid in everything.result():
            path = nodeid.split("::", 1)[0]
            for kind, files in PY_KIND_FILES.items():
                if path in files:
                    kind_of.setdefault(nodeid, kind)
    return kind_of


def viewport_of(nodeid: str) -> str | None:
    m = _ITEM_VIEWPORT.search(nodeid)
    return m.group(1) if m else None


def select(kinds, viewport: str) -> list[str]:
    return sorted(n for n, k in inventory().items() if k in kinds and viewport_of(n) == viewport)


def keyword_expression(kinds, viewport: str) -> str:
    """A ``-k`` expression for the items of ``kinds`` at ``viewport``.

    Scenario items are matched by their kind marker (``-k`` matches marker names), Python
    tests by module name. Node ids can't be used: scenario item names contain ``::``, which
    pytest's command line splits (``article.yaml::article::components[desktop]`` is "not found").
    The expression may select a few extra items (``links`` also matches test_member_links);
    only the items of each kind count for that kind.
    """
    terms = []
    for kind in sorted(kinds):
        if kind in PY_KIND_FILES:
            terms += [Path(f).stem for f in PY_KIND_FILES[kind]]
        else:
            terms.append(kind)
    return f"({' or '.join(terms)}) and {viewport}"


def available_kinds() -> set[str]:
    return set(inventory().values())


@dataclass
class Run:
    mutation: str | None
    kinds: frozenset
    viewport: str
    selected: list[str]
    returncode: int
    output: str
    seconds: float
    failed: set = field(default_factory=set)

    def failed_kinds(self) -> set[str]:
        kind_of = inventory()
        return {kind_of.get(n, "?") for n in self.failed}

    def failures_of(self, kind: str) -> list[str]:
        return sorted(n for n in self.failed if inventory().get(n) == kind)

    def describe(self) -> str:
        return (f"`pytest {' '.join(self.args_for_humans())}` exited {self.returncode} in {self.seconds:.0f}s; "
                f"failed: {sorted(self.failed) or 'none'}\n--- output (tail) ---\n{self.output[-6000:]}")

    def args_for_humans(self) -> list[str]:
        return [REGRESSION, *(["--mutation", self.mutation] if self.mutation else []),
                "-k", repr(keyword_expression(self.kinds, self.viewport))]


def run_selection(mutation: str | None, kinds, viewport: str) -> Run:
    selected = select(kinds, viewport)
    if not selected:
        return Run(mutation, frozenset(kinds), viewport, [], 5, "nothing selected", 0.0)
    args = ["-rfE", "--tb=short", "-o", "console_output_style=classic", "-k", keyword_expression(kinds, viewport)]
    if mutation:
        args += ["--mutation", mutation]
    start = time.monotonic()
    proc = _run(pytest_cmd(*args, REGRESSION))
    run = Run(mutation, frozenset(kinds), viewport, selected, proc.returncode, proc.stdout + proc.stderr,
              time.monotonic() - start)
    run.failed = {m.group(2) for m in _OUTCOME_LINE.finditer(proc.stdout) if m.group(1) == "FAILED"}
    return run


# --- the runs, started ahead and shared (test_check_kinds uses them too) -----------

_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="mutation-run")
_FUTURES: dict[tuple, Future] = {}
_LOCK = threading.Lock()


def plan(mutation: str | None, kinds=None, viewport: str | None = None) -> tuple:
    m = mutations.get(mutation)
    kinds = frozenset(kinds if kinds is not None else m.expected_kinds) & available_kinds()
    return (mutation, kinds, viewport or VIEWPORT.get(mutation, DEFAULT_VIEWPORT))


def submit(key: tuple) -> Future:
    with _LOCK:
        if key not in _FUTURES:
            _FUTURES[key] = _POOL.submit(run_selection, *key)
        return _FUTURES[key]


def result(key: tuple) -> Run:
    return submit(key).result()


def baseline_plans() -> list[tuple]:
    """The unmutated site over every selection the catalog uses, one run per viewport."""
    by_viewport: dict[str, set] = {}
    for name in mutations.names():
        _, kinds, viewport = plan(name)
        by_viewport.setdefault(viewport, set()).update(kinds)
    return [(None, frozenset(k), v) for v, k in sorted(by_viewport.items()) if k]


@pytest.fixture(scope="module", autouse=True)
def _start_runs_early(request):
    """Queue the runs of the selected tests at once, so they overlap (longest first)."""
    selected = {item.callspec.params.get("name") for item in request.session.items
                if item.module is request.module and hasattr(item, "callspec")}
    keys = [plan(n) for n in mutations.names() if n in selected]
    keys.sort(key=lambda k: -len(select(k[1], k[2])))
    if any(item.name == "test_unmutated_site_passes_the_selections" for item in request.session.items
           if item.module is request.module):
        keys = baseline_plans() + keys
    for key in keys:
        if key[1]:
            submit(key)
    yield


def test_catalog_is_large_and_covers_every_kind():
    names = mutations.names()
    assert len(names) >= 25, f"only {len(names)} mutations"
    covered = set().union(*(mutations.get(n).expected_kinds for n in names))
    assert covered == set(mutations.KINDS), f"kinds without a mutation: {set(mutations.KINDS) - covered}"
    for n in names:
        m = mutations.get(n)
        assert m.description and (m.extra_css or m.extra_js or m.transform or m.response_filter), n


def test_unmutated_site_passes_the_selections():
    for key in baseline_plans():
        run = result(key)
        assert run.returncode == 0 and not run.failed, "the unmutated site fails:\n" + run.describe()


@pytest.mark.parametrize("name", mutations.names())
def test_mutation_is_detected(name):
    m = mutations.get(name)
    key = plan(name)
    unverifiable = sorted(m.expected_kinds - key[1])
    if not key[1]:
        pytest.skip(f"no regression items of kind(s) {unverifiable} are collected yet")
    run = result(key)
    assert run.returncode in (0, 1), "the regression run itself broke:\n" + run.describe()
    missed = sorted(k for k in key[1] if not run.failures_of(k))
    assert not missed, (f"mutation {name!r} ({m.description}) was not caught by kind(s) {missed} "
                        f"at {key[2]}:\n" + run.describe())
