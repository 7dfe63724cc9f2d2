"""Small engine parts: geometry relations, baseline paths and writes, report rotation, browser discovery."""
import os
import stat
from pathlib import Path

import pytest

from regress.browser import chromium as browser
from regress.run import baselines, references
from regress.browser.geometry import Box, relation_problem
from regress.run.artifacts import rotate

A_ABOVE = Box(0, 0, 100, 50)
B_BELOW = Box(0, 60, 100, 50)


@pytest.mark.parametrize(
    "a, rel, b, kwargs, fails",
    [
        (A_ABOVE, "above", B_BELOW, {}, False),
        (B_BELOW, "above", A_ABOVE, {}, True),
        (A_ABOVE, "above", B_BELOW, {"gap": (10, 10)}, False),
        (A_ABOVE, "above", B_BELOW, {"gap": (20, 40)}, True),
        (A_ABOVE, "above", B_BELOW, {"gap": (0, 5)}, True),
        (B_BELOW, "below", A_ABOVE, {}, False),
        (Box(0, 0, 50, 10), "left_of", Box(60, 0, 10, 10), {}, False),
        (Box(0, 0, 50, 10), "right_of", Box(60, 0, 10, 10), {}, True),
        (Box(70, 0, 5, 5), "right_of", Box(0, 0, 60, 10), {"gap": (10, 10)}, False),
        (Box(10, 10, 10, 10), "inside", Box(0, 0, 100, 100), {}, False),
        (Box(95, 10, 10, 10), "inside", Box(0, 0, 100, 100), {}, True),
        (Box(10, 0, 10, 10), "aligned", Box(10, 50, 30, 10), {"edge": "left"}, False),
        (Box(13, 0, 10, 10), "aligned", Box(10, 50, 30, 10), {"edge": "left"}, True),
        (Box(13, 0, 10, 10), "aligned", Box(10, 50, 30, 10), {"edge": "left", "tolerance": 3}, False),
        (Box(0, 0, 20, 10), "aligned", Box(5, 30, 10, 10), {"edge": "centre"}, False),
        (Box(0, 0, 10, 10), "aligned", Box(0, 0, 10, 12), {"edge": "bottom"}, True),
    ],
)
def test_relations(a, rel, b, kwargs, fails):
    problem = relation_problem(a, rel, b, **kwargs)
    assert (problem is not None) == fails, problem


def test_relation_problem_says_what_was_measured():
    assert relation_problem(B_BELOW, "above", A_ABOVE) == "gap is -110 px, expected 0..∞ px"


def test_baseline_path_names_scenario_check_viewport_browser_platform(tmp_path):
    path = references.baseline_path("article", "visual_page", "mobile", "chromium", root=tmp_path)
    assert path == (tmp_path / "article" / f"visual_page-mobile-chromium-{references.platform_name()}.png").resolve()


@pytest.mark.parametrize("scenario", ["../escape", "../../etc", "/abs"])
def test_baseline_path_cannot_leave_the_baselines_dir(tmp_path, scenario):
    with pytest.raises(ValueError, match="would leave"):
        references.baseline_path(scenario, "x", "desktop", "chromium", root=tmp_path / "baselines")


def test_write_atomic_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "s" / "b.png"
    baselines.write_atomic(target, b"old")
    baselines.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["b.png"]


def test_write_atomic_failure_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "b.png"
    baselines.write_atomic(target, b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        baselines.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["b.png"]


def test_rotate_moves_latest_aside_and_keeps_a_few(tmp_path):
    for run in range(5):
        latest = rotate(tmp_path, keep=3)
        (latest / "index.html").write_text(f"run {run}")
    runs = sorted(p for p in tmp_path.glob("run-*"))
    assert len(runs) == 3
    assert (tmp_path / "latest" / "index.html").read_text() == "run 4"
    assert sorted(p.joinpath("index.html").read_text() for p in runs) == ["run 1", "run 2", "run 3"]


def test_find_chromium_prefers_explicit_then_playwright_then_system(tmp_path, monkeypatch):
    exe = tmp_path / "chrome"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("REGRESS_CHROMIUM", str(exe))
    assert browser.find_chromium(None) == str(exe)
    monkeypatch.delenv("REGRESS_CHROMIUM")
    assert browser.find_chromium(str(exe)) is None  # Playwright's own build: launch without a path
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "chromium").symlink_to(exe)
    assert browser.find_chromium(str(tmp_path / "missing")) == str(tmp_path / "chromium")


def test_find_chromium_prefers_the_headless_shell_for_headless_runs_only(tmp_path, monkeypatch):
    monkeypatch.delenv("REGRESS_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    for name in ("chromium", "chromium-headless-shell"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    missing = str(tmp_path / "missing")
    assert browser.find_chromium(missing) == str(tmp_path / "chromium-headless-shell")
    assert browser.find_chromium(missing, headless=False) == str(tmp_path / "chromium")
    (tmp_path / "chromium").unlink()
    with pytest.raises(browser.NoBrowserError):  # a headed run cannot use the shell
        browser.find_chromium(missing, headless=False)


def test_launch_flags_pin_text_hinting_so_both_binaries_share_baselines():
    assert "--font-render-hinting=slight" in browser.launch_flags()


def test_no_browser_gives_one_message_saying_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.delenv("REGRESS_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(browser.NoBrowserError, match="apt-get install chromium"):
        browser.find_chromium(str(tmp_path / "missing"))
    monkeypatch.setenv("REGRESS_CHROMIUM", str(tmp_path / "nope"))
    with pytest.raises(browser.NoBrowserError, match="not an executable"):
        browser.find_chromium(None)


def test_launch_flags_block_third_parties_but_not_the_target():
    flags = browser.launch_flags(["staging.example.com"])
    rules = next(f for f in flags if f.startswith("--host-resolver-rules="))
    assert "MAP * ~NOTFOUND" in rules and "EXCLUDE staging.example.com" in rules and "EXCLUDE 127.0.0.1" in rules
    assert {"--disable-background-networking", "--disable-quic", "--no-first-run"} <= set(flags)
