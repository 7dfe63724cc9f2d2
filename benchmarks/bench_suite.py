"""Benchmark the regression suite itself: overhead, parallel speed-up, growth.

Usage:
    python benchmarks/bench_suite.py                 # all three, prints a table
    python benchmarks/bench_suite.py --only overhead,parallel --repeat 3
    python benchmarks/bench_suite.py --quick         # small slices: checks the script works

Every figure is the wall time of a fresh process (Python start, browser launch
and all), against one demo site started here and passed as ``--base-url`` (so
no run pays for starting a site). With ``--repeat N`` each measurement is taken
N times, interleaved, and the best is kept (noise only ever adds time).

* overhead: (a) the floor: one browser, for each page of the visual checks at
  each viewport, one navigation and then every screenshot those checks take
  (full page or the component), nothing else; (b) the suite's visual checks
  (``pytest tests/regression -m visual``). Target: (b)/(a) <= 1.5.
* parallel: the full suite (``tests/regression``) with ``-n 1`` and ``-n 2``.
  Target: speed-up >= 1.6 on 2 cores.
* growth: generated articles (``DemoSite(articles=20)``), one scenario each
  (layout, links, a visual of the article body; desktop), run on the first 1,
  5 and 20 pages against baselines written beforehand (untimed). Linear means
  a constant marginal cost per page: T(n) = fixed + n * per_page; the ratio of
  the marginal costs 5->20 and 1->5 should be near 1.

Runs write their reports and baselines under a temp dir, never into reports/ or
baselines/. Exit status 1 if a timed run failed (its figure is still printed).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PY = sys.executable
OVERHEAD_TARGET = 1.5
SPEEDUP_TARGET = 1.6
GROWTH_SIZES = (1, 5, 20)
QUICK_GROWTH_SIZES = (1, 2, 4)


# --- running things --------------------------------------------------------------

def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "REGRESS_LINK_CACHE_DIR"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _busy_seconds() -> float | None:
    """CPU-seconds the whole machine has spent busy (not idle or iowait) since boot; Linux only."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _busy_since(start: float | None) -> float | None:
    now = _busy_seconds()
    return now - start if start is not None and now is not None else None


class Run:
    def __init__(self, label: str, seconds: float, returncode: int, summary: str, busy: float | None = None):
        self.label, self.seconds, self.returncode, self.summary = label, seconds, returncode, summary
        self.busy = busy  # CPU-seconds the machine spent busy during the run (every process, browsers included)

    @property
    def busy_cores(self) -> float | None:
        return self.busy / self.seconds if self.busy is not None and self.seconds else None

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def timed(label: str, cmd: list[str], timeout: float) -> Run:
    busy0 = _busy_seconds()
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(label, time.perf_counter() - t0, -1, f"timed out after {timeout:.0f} s")
    seconds = time.perf_counter() - t0
    busy = _busy_since(busy0)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    summary = lines[-1].strip("= ") if lines else proc.stderr.strip()[-300:]
    if proc.returncode != 0:
        sys.stderr.write(f"\n[{label}] exit {proc.returncode}:\n{proc.stdout[-2500:]}\n{proc.stderr[-1500:]}\n")
    return Run(label, seconds, proc.returncode, summary, busy)


def best(runs: list[Run]) -> Run:
    good = [r for r in runs if r.ok] or runs
    return min(good, key=lambda r: r.seconds)


def pytest_cmd(tmp: Path, tag: str, *args: str) -> list[str]:
    return [PY, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--reports-dir", str(tmp / "reports" / tag),
            *args]


# --- (a) the floor: one browser, each navigation and screenshot, nothing else ------------

def floor_plan(scenarios_dir: Path) -> list[tuple[str, str, list[str]]]:
    """[(page, viewport, [component...])] of the visual checks, in suite order."""
    from regress.checks import load_suite_scenario_files
    from regress.model.project import ProjectPaths
    from regress.model.scenario import load_settings, scenario_files

    settings = load_settings(ProjectPaths(ROOT).settings)
    plan: dict[tuple[str, str], list[str]] = {}
    for scenario in load_suite_scenario_files(scenario_files(scenarios_dir), settings).all():
        for check in scenario.checks:
            if check.kind == "visual":
                for viewport in check.viewports:
                    plan.setdefault((scenario.page, viewport), []).append(check.options.get("component", "page"))
    return [(page, viewport, components) for (page, viewport), components in plan.items()]


def floor_main(base_url: str, scenarios_dir: str, only_viewport: str | None = None, rounds: int = 1) -> int:
    """The floor itself, run in its own process by the benchmark (``--floor BASE_URL``);
    ``rounds`` repeats the plan (the parallel reference wants a run long enough to time)."""
    from playwright.sync_api import sync_playwright

    from pages import ArticlePage, locate
    from regress.browser import chromium as finder
    from regress.model.project import ProjectPaths
    from regress.model.scenario import load_settings

    devices = load_settings(ProjectPaths(ROOT).settings).devices
    plan = [step for step in floor_plan(Path(scenarios_dir)) if only_viewport in (None, step[1])] * rounds
    shots = 0
    with sync_playwright() as pw:
        executable = finder.find_chromium(pw.chromium.executable_path)
        browser = pw.chromium.launch(executable_path=executable,
                                     args=finder.launch_flags(finder.host_of(base_url)))
        for page_path, viewport, components in plan:
            context = browser.new_context(**devices[viewport].context_args())  # the suite's devices
            page = context.new_page()
            page.goto(base_url.rstrip("/") + page_path, wait_until="load")
            site = ArticlePage(page, base_url)
            for component in components:
                if component == "page":
                    page.screenshot(full_page=True)
                else:
                    locate(site, component).screenshot()
                shots += 1
            context.close()
        browser.close()
    print(f"floor: {len(plan)} navigations, {shots} screenshots")
    return 0


def bench_overhead(tmp: Path, base_url: str, repeat: int, quick: bool) -> dict:
    scenarios = ROOT / "config" / "scenarios"
    selection = ["-k", "desktop"] if quick else []  # quick: the desktop visual checks on both sides
    floor_cmd = [PY, str(Path(__file__).resolve()), "--floor", base_url, "--floor-scenarios", str(scenarios)]
    if quick:
        floor_cmd += ["--floor-viewport", "desktop"]
    suite_cmd = pytest_cmd(tmp, "overhead", "--base-url", base_url, "--target", "demo", "--scenarios", str(scenarios),
                           "tests/regression", "-m", "visual", *selection)
    floors, suites = [], []
    for _ in range(repeat):
        floors.append(timed("floor", floor_cmd, 900))
        suites.append(timed("suite -m visual", suite_cmd, 1800))
    floor, suite = best(floors), best(suites)
    ratio = suite.seconds / floor.seconds
    return {"floor": floor, "suite": suite, "ratio": ratio, "ok": floor.ok and suite.ok}


# --- parallel speed-up -------------------------------------------------------------

def bench_parallel(tmp: Path, base_url: str, repeat: int, quick: bool) -> dict:
    selection = ["-k", "desktop"] if quick else []
    runs: dict[int, list[Run]] = {1: [], 2: []}
    for _ in range(repeat):
        for workers in (1, 2):
            cmd = pytest_cmd(tmp, f"n{workers}", "--base-url", base_url, "--target", "demo", "-n", str(workers),
                             "tests/regression", *selection)
            runs[workers].append(timed(f"suite -n {workers}", cmd, 3600))
    one, two = best(runs[1]), best(runs[2])
    return {"one": one, "two": two, "speedup": one.seconds / two.seconds, "ok": one.ok and two.ok,
            "runs": runs, "median_speedup": statistics.median(runs[1][i].seconds / runs[2][i].seconds
                                                              for i in range(repeat)),
            "reference": bench_browser_scaling(base_url, repeat, quick)}


def bench_browser_scaling(base_url: str, repeat: int, quick: bool) -> dict:
    """The reference for the speed-up: the floor (browser work only, no suite) in one
    process, then the same floor in two processes at once. Its scaling is what this
    machine and Chromium allow any two-way split of such work; the suite can't beat it."""
    floor_cmd = [PY, str(Path(__file__).resolve()), "--floor", base_url,
                 "--floor-rounds", "1" if quick else "3"] + (["--floor-viewport", "desktop"] if quick else [])
    singles, pairs = [], []
    for _ in range(repeat):
        singles.append(timed("floor x1", floor_cmd, 900))
        # stderr to files, not pipes: a pipe nobody reads while we wait could fill and stall the floor
        errs = [tempfile.TemporaryFile(mode="w+") for _ in range(2)]
        busy0, t0 = _busy_seconds(), time.perf_counter()
        procs = [subprocess.Popen(floor_cmd, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=err)
                 for err in errs]
        codes = [proc.wait(timeout=1800) for proc in procs]
        seconds, busy = time.perf_counter() - t0, _busy_since(busy0)
        for code, err in zip(codes, errs):
            if code:
                err.seek(0)
                sys.stderr.write(f"\n[floor x2 at once] exit {code}:\n{err.read()[-1500:]}\n")
            err.close()
        pairs.append(Run("floor x2 at once", seconds, max(codes), f"exit {max(codes)}", busy))
    single, pair = best(singles), best(pairs)
    return {"single": single, "pair": pair, "scaling": 2 * single.seconds / pair.seconds,
            "ok": single.ok and pair.ok}


# --- growth with the number of pages ------------------------------------------------------

GROWTH_SCENARIO = """\
  - name: {name}
    page: {page}
    checks:
      - kind: layout
        visible: [menu.top_bar, article.headline, article.body, footer]
        relations:
          - {{a: article.headline, rel: above, b: article.body}}
      - kind: links
        components: [menu.gnb, article.category, top_ten]
      - {{kind: visual, name: visual_body, component: article.body}}
"""


# The scenario dir joins tests/regression (the repo's conftest wires the plugin); -k keeps only its items.
GROWTH_SELECTION = ("tests/regression", "-k", "generated_")


def write_growth_scenarios(directory: Path, paths: list[str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    body = "".join(GROWTH_SCENARIO.format(name=f"generated_{k:02d}", page=p) for k, p in enumerate(paths, 1))
    (directory / "generated.yaml").write_text("defaults:\n  viewports: [desktop]\n\nscenarios:\n" + body,
                                              encoding="utf-8")


def bench_growth(tmp: Path, base_url: str, generated: list[str], repeat: int, sizes: tuple[int, ...]) -> dict:
    baselines = tmp / "growth-baselines"
    # the baselines of every page, untimed: the timed runs then compare, like a real run
    largest = tmp / "growth-all"
    write_growth_scenarios(largest, generated[:max(sizes)])
    prep = timed("growth baselines", pytest_cmd(tmp, "growth-prep", "--base-url", base_url, "--target", "demo", "--scenarios",
                                                 str(largest), "--baselines-dir", str(baselines),
                                                 "--update-baselines", "missing", *GROWTH_SELECTION), 3600)
    runs: dict[int, list[Run]] = {n: [] for n in sizes}
    for _ in range(repeat):
        for n in sizes:
            directory = tmp / f"growth-{n}"
            write_growth_scenarios(directory, generated[:n])
            cmd = pytest_cmd(tmp, f"growth-{n}", "--base-url", base_url, "--target", "demo", "--scenarios", str(directory),
                             "--baselines-dir", str(baselines), *GROWTH_SELECTION)
            runs[n].append(timed(f"{n} pages", cmd, 3600))
    chosen = {n: best(r) for n, r in runs.items()}
    xs, ys = list(sizes), [chosen[n].seconds for n in sizes]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)
    fixed = mean_y - slope * mean_x
    marginals = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1)]
    return {"runs": chosen, "per_page": slope, "fixed": fixed, "marginals": marginals,
            "marginal_ratio": marginals[-1] / marginals[0] if marginals[0] > 0 else float("inf"),
            "max_residual": max(abs(y - (fixed + slope * x)) for x, y in zip(xs, ys)),
            "ok": prep.ok and all(r.ok for r in chosen.values()), "prep": prep}


# --- the table -------------------------------------------------------------------------

def _status(run: Run) -> str:
    return "" if run.ok else f"   [FAILED: {run.summary}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="overhead,parallel,growth",
                        help="comma-separated subset of: overhead, parallel, growth")
    parser.add_argument("--repeat", type=int, default=1, help="take each measurement N times, keep the best")
    parser.add_argument("--quick", action="store_true",
                        help="small slices (desktop only; growth on 1, 2, 4 pages): checks the script, not the targets")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (reports, baselines) and print it")
    parser.add_argument("--floor", metavar="BASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--floor-scenarios", default=str(ROOT / "config" / "scenarios"), help=argparse.SUPPRESS)
    parser.add_argument("--floor-viewport", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--floor-rounds", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        return floor_main(args.floor, args.floor_scenarios, args.floor_viewport, args.floor_rounds)

    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    unknown = set(wanted) - {"overhead", "parallel", "growth"}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    from demo_site.server import DemoSite

    sizes = QUICK_GROWTH_SIZES if args.quick else GROWTH_SIZES
    repeat = max(1, args.repeat)
    tmp = Path(tempfile.mkdtemp(prefix="regress-bench-"))
    ok = True
    started = time.perf_counter()
    cores = os.cpu_count() or 1
    try:
        with DemoSite(port=0, articles=max(sizes)) as site:
            generated = site.generated_article_paths()
            print(f"suite benchmarks: {cores} cores, best of {repeat}"
                  f"{', QUICK slices (figures are not the targets)' if args.quick else ''}; demo site {site.url}",
                  flush=True)
            if "overhead" in wanted:
                r = bench_overhead(tmp, site.url, repeat, args.quick)
                ok &= r["ok"]
                print(f"overhead  floor (1 browser, navigate + screenshot)   {r['floor'].seconds:8.1f} s"
                      f"{_status(r['floor'])}")
                print(f"          suite -m visual                            {r['suite'].seconds:8.1f} s"
                      f"   {r['suite'].summary}{_status(r['suite'])}")
                verdict = "met" if r["ratio"] <= OVERHEAD_TARGET else "NOT met"
                print(f"          ratio suite/floor                          {r['ratio']:8.2f} x"
                      f"   (target <= {OVERHEAD_TARGET}: {verdict})", flush=True)
            if "parallel" in wanted:
                r = bench_parallel(tmp, site.url, repeat, args.quick)
                ok &= r["ok"]
                print(f"parallel  full suite -n 1                            {r['one'].seconds:8.1f} s"
                      f"   {r['one'].summary}{_status(r['one'])}")
                print(f"          full suite -n 2                            {r['two'].seconds:8.1f} s"
                      f"   {r['two'].summary}{_status(r['two'])}")
                verdict = "met" if r["speedup"] >= SPEEDUP_TARGET else "NOT met"
                note = "" if cores >= 2 else f"; only {cores} core here"
                print(f"          speed-up                                   {r['speedup']:8.2f} x"
                      f"   (target >= {SPEEDUP_TARGET} on 2 cores: {verdict}{note})", flush=True)
                if repeat > 1:  # the spread, so one lucky pair can't pass for the figure
                    each = {w: " ".join(f"{run.seconds:.1f}" for run in r["runs"][w]) for w in (1, 2)}
                    print(f"          every run: -n 1 {each[1]} s; -n 2 {each[2]} s; "
                          f"median of the pairs' speed-ups {r['median_speedup']:.2f} x", flush=True)
                ref = r["reference"]
                ok &= ref["ok"]
                print(f"          reference: floor alone / two floors at once {ref['single'].seconds:5.1f} / "
                      f"{ref['pair'].seconds:4.1f} s   (browser-only work scales {ref['scaling']:.2f} x here)"
                      f"{_status(ref['single'])}{_status(ref['pair'])}", flush=True)
                if r["one"].busy_cores:
                    # One worker's run is busy_cores x T1 CPU-seconds of work (browser processes
                    # included); on `cores` cores no schedule beats cores / busy_cores.
                    print(f"          cores busy during -n 1 / -n 2           {r['one'].busy_cores:5.2f} / "
                          f"{r['two'].busy_cores or 0:4.2f}   (ceiling on {cores} cores: "
                          f"{cores / r['one'].busy_cores:.2f} x)", flush=True)
            if "growth" in wanted:
                r = bench_growth(tmp, site.url, generated, repeat, sizes)
                ok &= r["ok"]
                if not r["prep"].ok:
                    print(f"growth    baselines run failed: {r['prep'].summary}")
                for n, run in r["runs"].items():
                    print(f"growth    {n:3d} page{'s' if n > 1 else ' '} (layout+links+visual)        "
                          f"{run.seconds:8.1f} s   {run.seconds / n:6.2f} s/page{_status(run)}")
                m = r["marginals"]
                print(f"          fit T(n) = {r['fixed']:.1f} s + n x {r['per_page']:.2f} s/page"
                      f"   (largest residual {r['max_residual']:.1f} s)")
                print(f"          marginal s/page {sizes[0]}->{sizes[1]}: {m[0]:.2f}, {sizes[1]}->{sizes[2]}: {m[1]:.2f}"
                      f"; ratio {r['marginal_ratio']:.2f} (1.0 = linear)")
                linear = 0.67 <= r["marginal_ratio"] <= 1.5
                print(f"          linear: {'yes' if linear else 'NO'} (marginal ratio within 0.67..1.5)", flush=True)
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"suite benchmarks took {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
