"""Benchmark the suite's visual checks against the same checks in Playwright Test (``make bench-peer``).

Usage:
    python benchmarks/bench_peer.py              # 5 pairs at 1 and at 2 workers
    python benchmarks/bench_peer.py --pairs 1    # one pair each: checks the script works

The peer is benchmarks/peer/: the article's visual checks (config/scenarios/article.yaml, 12
components x 3 viewports = 36 captures) as a Playwright Test project, ``toHaveScreenshot`` with its
defaults (see benchmarks/peer/README.md). This script

1. installs the peer's ``@playwright/test`` (``npm ci`` with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
   into the git-ignored benchmarks/peer/node_modules) when it is missing or older than the lock file;
2. starts one demo site and resolves the browser as the suite does
   (``regress.browser.chromium.find_chromium``, ``launch_flags``), handing the executable, the
   flags, the viewports and the clock to the peer through PEER_* environment variables;
3. prepares both sides, untimed: the peer writes its own baselines (its snapshot folder is
   deleted, then ``playwright test --update-snapshots``), our suite runs once against its
   committed baselines (``baselines/demo/``; this also fills numba's cache). It then says how
   many of the peer's baselines have exactly the pixels of ours (both take the same pictures);
4. times both sides alternately, ours then theirs, ``--pairs`` times at 1 worker (ours without
   ``-n``, theirs ``--workers 1``) and at 2 workers (``-n 2`` / ``--workers 2``), both in compare
   mode, each run a fresh process that must pass all 36 captures;
5. prints, per worker count, the median wall time and CPU time of each side and the ratios
   ours/theirs, against the targets: <= 0.7 at one worker, <= 1.0 at two.

CPU time is every process a run starts (pytest or node, the Playwright driver, the browser and
its renderers): the children's user+sys from ``getrusage(RUSAGE_CHILDREN)``, before and after.
Chromium leaves some of its processes to be reaped by init, which would hide their time, so this
process makes itself their "child subreaper" (Linux ``prctl``) and reaps them after each run.
The demo site runs in this process and is not counted (its CPU time is printed apart).

Exit status: 0 when both sides passed 36 captures in every run, even if a target was missed
(that is printed as "NOT met"); 1 when a side did not pass them, or the peer could not be set up.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT / "benchmarks" / "peer"
sys.path.insert(0, str(ROOT))

PY = sys.executable
WORKERS = (1, 2)
TARGETS = {1: 0.7, 2: 1.0}  # ours/theirs, wall and CPU
RUN_TIMEOUT_S = 1800
# The page the peer opens (its spec's ARTICLE): every visual check must be of this page.
PEER_PAGE = "/www/nation/2022/06/120_330924.html"
# The peer's snapshots (Playwright Test's default place: beside the spec), git-ignored.
PEER_SNAPSHOTS = PEER / "tests" / "article.visual.spec.ts-snapshots"
# Each component of the scenario's visual checks and the peer's test for it
# (benchmarks/peer/tests/article.visual.spec.ts): a check added to the YAML must be added there.
PEER_TESTS = {
    "page": "page", "menu": "menu", "trending": "trending", "article.headline": "headline",
    "share_bar": "share bar", "article.photo": "photo", "article.body": "body",
    "article.lead_paragraph": "lead paragraph", "top_ten": "top ten", "top_five": "top five",
    "darkroom": "darkroom", "footer": "footer",
}


class SetupError(RuntimeError):
    pass


# --- CPU accounting ----------------------------------------------------------------

def _become_subreaper() -> bool:
    """Orphaned descendants (Chromium's) are re-parented to us, so reaping them counts their CPU."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _reap_orphans(grace_s: float = 10.0) -> int:
    """Wait for the descendants a run left behind (re-parented to us); return how many are still alive."""
    deadline = time.monotonic() + grace_s
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return 0  # none left
        if pid == 0:
            if time.monotonic() > deadline:
                return len(_children())
            time.sleep(0.01)


def _children() -> list[int]:
    me = str(os.getpid())
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if stat.rsplit(")", 1)[1].split()[1] == me:
                found.append(int(entry))
    return found


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


# --- running things ----------------------------------------------------------------------

class Run:
    def __init__(self, side: str, workers: int, wall: float, cpu: float, returncode: int, passed: int | None,
                 summary: str):
        self.side, self.workers, self.wall, self.cpu = side, workers, wall, cpu
        self.returncode, self.passed, self.summary = returncode, passed, summary

    def ok(self, expected: int) -> bool:
        return self.returncode == 0 and self.passed == expected


def _env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "REGRESS_LINK_CACHE_DIR"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("FORCE_COLOR", None)
    env["NO_COLOR"] = "1"  # plain summary lines to read the counts from
    return {**env, **(extra or {})}


def run_timed(side: str, workers: int, cmd: list[str], cwd: Path, env: dict, count) -> Run:
    """Run ``cmd`` to the end; wall time, and CPU time of every process it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        wall = time.perf_counter() - t0
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        wall, code = time.perf_counter() - t0, -1
        out, err = (exc.stdout or b"").decode(errors="replace"), f"timed out after {RUN_TIMEOUT_S} s"
    left = _reap_orphans()
    cpu = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - _cpu(before)
    passed, summary = count(out)
    run = Run(side, workers, wall, cpu, code, passed, summary or err.strip()[-300:])
    if left:
        sys.stderr.write(f"[{side} {workers}w] {left} process(es) it started still running after 10 s; "
                         "their CPU time is not counted\n")
    if code != 0:
        sys.stderr.write(f"\n[{side}, {workers} worker(s)] exit {code}:\n{out[-3000:]}\n{err[-1500:]}\n")
    return run


def count_pytest(out: str) -> tuple[int | None, str]:
    """pytest -q's last line: '36 passed, 98 deselected in 20.1s'."""
    lines = [line.strip("= ") for line in out.splitlines() if line.strip()]
    summary = lines[-1] if lines else ""
    found = re.search(r"\b(\d+) passed\b", summary)
    return (int(found.group(1)) if found else 0), summary


def count_playwright(out: str) -> tuple[int | None, str]:
    """The list reporter's closing lines: '  36 passed (41.2s)', '  1 failed', '  2 flaky'..."""
    counts = re.findall(r"^\s+(\d+) (passed|failed|flaky|skipped|did not run|interrupted)\b", out, re.M)
    summary = ", ".join(f"{n} {what}" for n, what in counts)
    passed = sum(int(n) for n, what in counts if what == "passed")
    return passed, summary


def ours_cmd(tmp: Path, tag: str, base_url: str, workers: int) -> list[str]:
    cmd = [PY, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--reports-dir", str(tmp / "reports" / tag),
           "--base-url", base_url, "--target", "demo", "tests/regression", "-m", "visual"]
    return cmd + (["-n", str(workers)] if workers > 1 else [])


def theirs_cmd(workers: int, *extra: str) -> list[str]:
    return [str(PEER / "node_modules" / ".bin" / "playwright"), "test", "--workers", str(workers), *extra]


# --- set-up ---------------------------------------------------------------------------------

def install_peer() -> None:
    """npm ci into benchmarks/peer/node_modules, without Playwright's browser download."""
    npm = shutil.which("npm")
    if not npm:
        raise SetupError("npm is not installed: the peer (benchmarks/peer) needs node >= 20 and npm")
    lock = PEER / "package-lock.json"
    stamp = PEER / "node_modules" / ".package-lock.json"  # npm's record of what it installed
    binary = PEER / "node_modules" / ".bin" / "playwright"
    if binary.exists() and stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    print("peer: npm ci (@playwright/test, no browser download)", flush=True)
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PEER, capture_output=True, text=True,
                          env={**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"})
    if done.returncode != 0 or not binary.exists():
        raise SetupError(f"npm ci failed in benchmarks/peer (exit {done.returncode}):\n{done.stderr[-2000:]}")


def browser_and_flags(base_url: str, settings) -> tuple[str, list[str]]:
    """The executable and flags the suite would launch (regress/plugin/fixtures.py)."""
    from playwright.sync_api import sync_playwright

    from regress.browser import chromium

    with sync_playwright() as pw:
        own = pw.chromium.executable_path
    try:
        executable = chromium.find_chromium(own) or own  # None: Playwright's own build, which the peer is given too
    except chromium.NoBrowserError as err:
        raise SetupError(str(err)) from None
    allowed = chromium.host_of(base_url) + list(settings.links.get("allow_hosts", []))
    return executable, chromium.launch_flags(allowed)


def visual_captures(settings) -> list[tuple[Path, Path]]:
    """The visual items ``-m visual`` collects, each as (our baseline, the peer's snapshot);
    SetupError if one has no test in the peer."""
    from regress.checks import load_suite_scenario_files
    from regress.model.project import ProjectPaths
    from regress.model.scenario import scenario_files
    from regress.run.references import baseline_path

    ours_root = ProjectPaths(ROOT).baselines / "demo"
    captures, missing = [], []
    for scenario in load_suite_scenario_files(scenario_files(ROOT / "config" / "scenarios"), settings).all():
        for check in scenario.checks:
            if check.kind != "visual":
                continue
            component = check.options.get("component", "page")
            if scenario.page != PEER_PAGE or component not in PEER_TESTS:
                missing.append(f"{Path(scenario.path).name}::{scenario.name}::{check.name} ({component})")
                continue
            for viewport in check.viewports:
                # Playwright Test's default name: {arg}-{projectName}-{platform}.png
                snapshot = PEER_SNAPSHOTS / f"{PEER_TESTS[component].replace(' ', '-')}-{viewport}-{sys.platform}.png"
                captures.append((baseline_path(scenario.name, check.name, viewport, "chromium", ours_root),
                                 snapshot))
    if missing:
        raise SetupError("the peer has no test for: " + ", ".join(missing)
                         + " (add it to benchmarks/peer/tests/article.visual.spec.ts and PEER_TESTS)")
    return captures


def same_pixels(captures: list[tuple[Path, Path]]) -> list[str]:
    """The captures whose peer snapshot differs from our baseline (size or any pixel): both
    sides should be taking the same pictures."""
    import numpy as np
    from PIL import Image

    differ = []
    for ours, theirs in captures:
        try:
            a, b = (np.asarray(Image.open(p).convert("RGBA")) for p in (ours, theirs))
        except OSError as err:
            differ.append(f"{theirs.name} ({err})")
            continue
        if a.shape != b.shape:
            differ.append(f"{theirs.name} ({b.shape[1]}x{b.shape[0]}, ours {a.shape[1]}x{a.shape[0]})")
        elif (a != b).any():
            differ.append(f"{theirs.name} ({int((a != b).any(axis=2).sum())} pixels)")
    return differ


# --- the table -------------------------------------------------------------------------------

def _median(runs: list[Run], what: str) -> float:
    return statistics.median(getattr(r, what) for r in runs)


def report(runs: list[Run], expected: int) -> None:
    print()
    print(f"{'workers':>7}  {'side':<24}{'wall median':>12}{'CPU median':>12}   every run (wall / CPU s)")
    for workers in WORKERS:
        ours = [r for r in runs if r.side == "ours" and r.workers == workers]
        theirs = [r for r in runs if r.side == "theirs" and r.workers == workers]
        if not ours or not theirs:
            continue
        for side, label, side_runs in (("ours", "ours (pytest)", ours), ("theirs", "Playwright Test", theirs)):
            each = "  ".join(f"{r.wall:.1f}/{r.cpu:.1f}{'' if r.ok(expected) else '!'}" for r in side_runs)
            print(f"{workers:>7}  {label:<24}{_median(side_runs, 'wall'):>10.1f} s{_median(side_runs, 'cpu'):>10.1f} s"
                  f"   {each}")
        target = TARGETS[workers]
        for what, name in (("wall", "wall"), ("cpu", "CPU")):
            ratio = _median(ours, what) / _median(theirs, what)
            pairs = [getattr(a, what) / getattr(b, what) for a, b in zip(ours, theirs)]
            spread = f"; pairs {min(pairs):.2f}..{max(pairs):.2f}" if len(pairs) > 1 else ""
            verdict = "met" if ratio <= target else "NOT met"
            print(f"{'':>7}  ratio ours/theirs, {name:<4} {ratio:>9.2f} x   (target <= {target}: {verdict}{spread})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=5,
                        help="timed pairs (ours, then theirs) per worker count; 5 or more for figures")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir of our reports and print it")
    args = parser.parse_args(argv)
    pairs = max(1, args.pairs)

    from demo_site.server import DemoSite
    from regress.model.project import ProjectPaths
    from regress.model.scenario import load_settings

    settings = load_settings(ProjectPaths(ROOT).settings)
    subreaper = _become_subreaper()
    tmp = Path(tempfile.mkdtemp(prefix="regress-bench-peer-"))
    started = time.perf_counter()
    runs: list[Run] = []
    failed: list[str] = []
    expected = None
    try:
        captures = visual_captures(settings)
        expected = len(captures)
        install_peer()
        with DemoSite(port=0) as site:
            executable, flags = browser_and_flags(site.url, settings)
            peer_env = _env({
                "PEER_BASE_URL": site.url,
                "PEER_CHROMIUM": executable,
                "PEER_CHROMIUM_ARGS": json.dumps(flags),
                "PEER_VIEWPORTS": json.dumps(settings.raw["viewports"]),  # the suite's devices
                "PEER_CLOCK": settings["visual"]["clock"],
            })
            ours_env = _env()
            print(f"peer benchmark: {os.cpu_count()} cores; demo site {site.url}; browser {executable}; "
                  f"{expected} captures a run; {pairs} pair(s) per worker count"
                  f"{'' if pairs >= 5 else ' (fewer than 5: checks the script, not the figures)'}", flush=True)
            if not subreaper:
                print("  (no child subreaper here: CPU time of processes Chromium orphans is not counted)")

            # Preparation, untimed: the peer's own baselines, and a first run of ours.
            shutil.rmtree(PEER_SNAPSHOTS, ignore_errors=True)
            prep = [run_timed("theirs", 2, theirs_cmd(2, "--update-snapshots"), PEER, peer_env, count_playwright),
                    run_timed("ours", 2, ours_cmd(tmp, "prep", site.url, 2), ROOT, ours_env, count_pytest)]
            for run in prep:
                what = "writes its baselines" if run.side == "theirs" else "first run (committed baselines)"
                print(f"  prepare {run.side:<6} {what:<32} {run.wall:6.1f} s   {run.summary}", flush=True)
                if not run.ok(expected):
                    failed.append(f"{run.side}, preparation: {run.summary or f'exit {run.returncode}'}")
            if failed:
                raise SetupError("a side did not pass its preparation run")
            differ = same_pixels(captures)
            print(f"  the peer's baselines have the same pixels as ours: {len(captures) - len(differ)}"
                  f"/{len(captures)}{'' if not differ else '; differ: ' + ', '.join(differ)}", flush=True)

            site_cpu0 = _cpu(resource.getrusage(resource.RUSAGE_SELF))
            for pair in range(1, pairs + 1):
                for workers in WORKERS:
                    for side in ("ours", "theirs"):
                        if side == "ours":
                            run = run_timed(side, workers, ours_cmd(tmp, f"p{pair}-n{workers}", site.url, workers),
                                            ROOT, ours_env, count_pytest)
                        else:
                            run = run_timed(side, workers, theirs_cmd(workers), PEER, peer_env, count_playwright)
                        runs.append(run)
                        status = "" if run.ok(expected) else f"   [FAILED: expected {expected} passed]"
                        print(f"  pair {pair}/{pairs}  {workers} worker(s)  {side:<6} wall {run.wall:6.1f} s  "
                              f"CPU {run.cpu:6.1f} s   {run.summary}{status}", flush=True)
                        if not run.ok(expected):
                            failed.append(f"{side}, {workers} worker(s), pair {pair}: {run.summary or run.returncode}")
            site_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - site_cpu0
        report(runs, expected)
        print(f"\n(not counted above: this process, which serves the demo site, {site_cpu:.1f} s CPU over all "
              "timed runs)")
    except SetupError as err:
        print(f"bench-peer: {err}", file=sys.stderr)
        if not failed:
            failed.append(str(err))
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"peer benchmark took {time.perf_counter() - started:.0f} s")
    if failed:
        print(f"FAILED: {'a side did not pass its ' + str(expected) + ' captures' if expected else 'set-up'}: "
              + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
