"""All the benchmarks in one output: the diff engine, then the suite (``make bench``).

Usage:
    python benchmarks/run_all.py [bench_suite options...]   # e.g. --repeat 3, --quick

Runs benchmarks/bench_diff.py (regress.diff vs the reference pixelmatch) and
benchmarks/bench_suite.py (overhead, parallel speed-up, growth) one after the
other, so they do not compete for the cores, streaming their figures as they
come. Exit status 1 if either failed.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(title: str, script: str, args: list[str]) -> int:
    print(f"== {title} " + "=" * max(3, 70 - len(title)), flush=True)
    t0 = time.perf_counter()
    code = subprocess.call([sys.executable, str(HERE / script), *args], cwd=HERE.parent)
    print(f"-- {script}: exit {code}, {time.perf_counter() - t0:.0f} s", flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    codes = [
        run("diff engine (benchmarks/bench_diff.py)", "bench_diff.py", []),
        run("suite (benchmarks/bench_suite.py)", "bench_suite.py", argv),
    ]
    return 0 if not any(codes) else 1


if __name__ == "__main__":
    sys.exit(main())
