"""CI shards: ``--shard i/n`` partitions the items exactly and evenly, the same way
every time, and ``regress merge`` makes one report of the shards."""
from __future__ import annotations

import json
import re
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from regress.plugin import shard

ROOT = Path(__file__).resolve().parents[2]
N = 3


def _env(hash_seed: str = "0") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED=hash_seed)
    return env


def _pytest(*args: str, cwd: Path = ROOT, hash_seed: str = "0") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd,
                          env=_env(hash_seed), capture_output=True, text=True, timeout=180)


def _collect(*args: str, hash_seed: str = "0") -> list[str]:
    proc = _pytest("--collect-only", "-q", "tests/regression", *args, hash_seed=hash_seed)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return [line.strip() for line in proc.stdout.splitlines() if "::" in line and not line.startswith(" ")]


def test_shards_partition_the_suite_evenly_and_deterministically():
    # the second run of each shard in a process with another hash seed: nothing may depend on it
    runs = [((), "0")] + [(("--shard", f"{i}/{N}"), seed) for seed in ("1", "2") for i in range(1, N + 1)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        everything, *shards = list(pool.map(lambda run: _collect(*run[0], hash_seed=run[1]), runs))
    first, second = shards[:N], shards[N:]
    assert len(everything) > 100 and len(set(everything)) == len(everything)
    assert first == second, "the same shard must hold the same items, in the same order, every run"
    union = [nodeid for part in first for nodeid in part]
    assert sorted(union) == sorted(everything), "no item lost, none in two shards"
    sizes = [len(part) for part in first]
    assert max(sizes) - min(sizes) <= 1, sizes
    for part in first:  # a shard keeps the suite's own order
        assert part == [nodeid for nodeid in everything if nodeid in set(part)]
        # and mixes the viewports instead of getting all of one
        viewports = {v for v in ("desktop", "tablet", "mobile") if any(f"[{v}" in n for n in part)}
        assert len(viewports) == 3, viewports


def test_shards_split_what_k_selected():
    runs = [("-k", "links"), ("-k", "links", "--shard", "1/2"), ("-k", "links", "--shard", "2/2")]
    with ThreadPoolExecutor(max_workers=3) as pool:
        selected, *parts = list(pool.map(lambda args: _collect(*args), runs))
    assert sorted(parts[0] + parts[1]) == sorted(selected)
    assert abs(len(parts[0]) - len(parts[1])) <= 1


@pytest.mark.parametrize("value", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/3/4"])
def test_bad_shard_values_are_one_usage_error(value):
    with pytest.raises(ValueError, match=r"^--shard must be i/n with 1 <= i <= n$"):
        shard.parse_shard(value)


def test_bad_shard_on_the_command_line():
    proc = _pytest("--collect-only", "-q", "tests/regression", "--shard", "4/3")
    assert proc.returncode == 4
    assert "--shard must be i/n with 1 <= i <= n" in proc.stderr


def test_shard_of_is_even_for_any_count():
    for count in range(0, 40):
        ids = [f"t{k}" for k in range(count)]
        for total in (1, 2, 3, 7):
            parts = [shard.shard_of(ids, i, total) for i in range(1, total + 1)]
            assert set().union(*parts) == set(ids) and sum(map(len, parts)) == count
            assert max(map(len, parts)) - min(map(len, parts)) <= 1


# They ask for the site under test (base_url): a run that does not is none of the plugin's business
# and writes no report. No browser is started.
TESTS = '''
import pytest

@pytest.mark.parametrize("n", range(7))
def test_number(n, base_url):
    assert n != 5, "five is broken"

def test_skipped(base_url):
    pytest.skip("not here")
'''


def test_merge_combines_the_shards_reports(tmp_path):
    (tmp_path / "test_numbers.py").write_text(TESTS, encoding="utf-8")
    with ThreadPoolExecutor(max_workers=2) as pool:
        procs = list(pool.map(lambda i: _pytest("-q", "--shard", f"{i}/2", "--reports-dir",
                                                 str(tmp_path / f"shard{i}"), "test_numbers.py", cwd=tmp_path),
                              (1, 2)))
    assert sorted(p.returncode for p in procs) == [0, 1], [p.stdout[-2000:] for p in procs]  # one shard has the failure
    out = tmp_path / "merged"
    merged = subprocess.run([sys.executable, "-m", "regress", "merge", str(out),
                             str(tmp_path / "shard1"), str(tmp_path / "shard2" / "latest")],
                            cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120)
    assert merged.returncode == 0, merged.stdout + merged.stderr

    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 8 == int(suite.get("tests"))
    assert {c.get("name") for c in cases} == {f"test_number[{n}]" for n in range(7)} | {"test_skipped"}
    assert (suite.get("failures"), suite.get("skipped"), suite.get("errors")) == ("1", "1", "0")

    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert len(run["items"]) == 8 and run["exitstatus"] == 1 and run["finished"]
    assert {i["nodeid"] for i in run["items"] if i["status"] == "failed"} == {"test_numbers.py::test_number[5]"}
    assert "re-rendered" in merged.stdout, merged.stdout
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f"test_number[{n}]" in index for n in range(7))


def _one_shard(tmp_path: Path, index: int = 1) -> Path:
    """A real shard's reports (Python tests of the site, no browser): its ``latest`` folder."""
    (tmp_path / "test_numbers.py").write_text(TESTS, encoding="utf-8")
    proc = _pytest("-q", "--shard", f"{index}/2", "--reports-dir", str(tmp_path / f"shard{index}"),
                   "test_numbers.py", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]
    return tmp_path / f"shard{index}" / "latest"


def _merge(out: Path, *shards: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regress", "merge", str(out), *map(str, shards)],
                          cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120)


def test_merge_of_an_invalid_record_writes_nothing(tmp_path):
    shard1, shard2 = _one_shard(tmp_path, 1), _one_shard(tmp_path, 2)
    # a record of another version: items without the "kind" the report groups by
    record = shard2 / "run.json"
    run = json.loads(record.read_text(encoding="utf-8"))
    for item in run["items"]:
        del item["kind"]
    record.write_text(json.dumps(run), encoding="utf-8")
    out = tmp_path / "merged"
    merged = _merge(out, shard1, shard2)
    assert merged.returncode == 2, merged.stdout + merged.stderr
    lines = merged.stderr.strip().splitlines()
    assert len(lines) == 1, merged.stderr
    assert re.fullmatch(rf"merge: {re.escape(str(record))}: not a run record: at items\.\d+: "
                        r"'kind' is a required property", lines[0]), lines[0]
    assert "Traceback" not in merged.stderr
    assert not out.exists()  # checked before anything was written: no junit.xml, run.json or report


def test_merge_of_a_version_1_record_writes_the_current_version(tmp_path):
    shard1 = _one_shard(tmp_path)
    record = shard1 / "run.json"
    run = json.loads(record.read_text(encoding="utf-8"))
    for item in run["items"]:
        assert item.pop("reference") is None  # no visual items here: version 1 had no entry for them
    record.write_text(json.dumps({**run, "version": 1}), encoding="utf-8")
    out = tmp_path / "merged"
    merged = _merge(out, shard1)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["version"] == 2
    assert not list(out.glob(".*.tmp"))


@pytest.mark.parametrize("content, why", [("{not json", "not readable as JSON"),
                                          ('{"items": [{"status": "passed"}]}', "not a run record")],
                         ids=["not-json", "no-nodeid"])
def test_merge_of_an_unreadable_run_record_names_it(tmp_path, content, why):
    shard1 = _one_shard(tmp_path)
    (shard1 / "run.json").write_text(content, encoding="utf-8")
    merged = _merge(tmp_path / "merged", shard1)
    assert merged.returncode == 2
    lines = merged.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"merge: {shard1 / 'run.json'}: {why}"), merged.stderr
    assert not (tmp_path / "merged").exists()


def test_merge_with_an_interrupted_shard_is_interrupted(tmp_path):
    shards = [_one_shard(tmp_path, 1), _one_shard(tmp_path, 2)]
    # what a shard stopped by SIGTERM records (tests/self/test_bad_input.py runs that for real)
    record = shards[1] / "run.json"
    record.write_text(json.dumps({**json.loads(record.read_text(encoding="utf-8")), "interrupted": "SIGTERM"}),
                      encoding="utf-8")
    out = tmp_path / "merged"
    merged = _merge(out, *shards)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["interrupted"] == "SIGTERM"
    assert "This run was interrupted (SIGTERM)" in (out / "index.html").read_text(encoding="utf-8")
