"""Soak: the full regression suite N times in a row against the unchanged demo site.

Live clock, rotating trending list, animations and the delayed web font are all
on; a run that fails is a false alarm. Prints the number of failed runs.

    python benchmarks/soak.py --runs 20 [-- extra pytest args, e.g. -n 2]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args()
    failed: list[tuple[int, str]] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="soak-reports-") as reports:
        for run in range(1, args.runs + 1):
            t0 = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "tests/regression", "-q", "--reports-dir", reports,
                 *args.pytest_args],
                cwd=ROOT, capture_output=True, text=True,
            )
            summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
            print(f"run {run:2d}/{args.runs}: exit {done.returncode} in {time.monotonic() - t0:5.1f} s  {summary}",
                  flush=True)
            if done.returncode != 0:
                failures = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
                failed.append((run, "; ".join(failures) or summary))
    print(f"soak: {len(failed)} failed runs out of {args.runs} "
          f"({time.monotonic() - started:.0f} s in all)")
    for run, what in failed:
        print(f"  run {run}: {what}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
