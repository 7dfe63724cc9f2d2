"""summary.md (regress.run.summary) from a synthetic run record: counts by kind and viewport,
every failed item with its components and size of change, the groups, the commands; text
from the site only inside code spans, table cells never split by it. (test_review.py checks
the summary.md a real run writes.)"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PIL import Image

from regress.run.record import FailureRecord, ItemRecord, ReferenceRecord, RunRecord
from regress.run.summary import render_summary

HOSTILE = 'the site says: <img src=x onerror=alert(1)> | `tick` ``two`` <script>alert(2)</script>'


def _png(path: Path, red_at: int | None) -> str:
    img = np.full((20, 30, 4), 255, dtype=np.uint8)
    if red_at is not None:
        img[2:6, red_at:red_at + 4] = (200, 16, 46, 255)
    Image.fromarray(img, "RGBA").save(path)
    return str(path)


def _visual(tmp: Path, name: str, viewport: str, red_at: int, component="share_bar") -> ItemRecord:
    folder = tmp / name
    folder.mkdir()
    return ItemRecord(
        nodeid=f"scenarios/a.yaml::article::visual_share_bar[{viewport}]" if component == "share_bar"
        else f"scenarios/a.yaml::article::{name}[{viewport}]",
        kind="visual", viewport=viewport, status="failed",
        reference=ReferenceRecord(baseline=str(tmp / "baselines" / f"{name}.png"), component=component,
                            expected=_png(folder / "expected.png", None), actual=_png(folder / "actual.png", red_at),
                            diff_pixels=16, ratio=16 / 600, boxes=[component]))


def _run(tmp: Path) -> RunRecord:
    items = [
        _visual(tmp, "d", "desktop", 3), _visual(tmp, "m", "mobile", 20), _visual(tmp, "t", "tablet", 9),
        _visual(tmp, "visual_footer", "desktop", 5, component="footer"),
        ItemRecord(nodeid="test_content.py::test_headline", kind="content", status="failed", message=HOSTILE + "\nline 2",
                   failure=FailureRecord(when="call", type="AssertionError", assertion=True, message=HOSTILE)),
        ItemRecord(nodeid="scenarios/a.yaml::article::components[desktop]", kind="layout", viewport="desktop",
                   status="error", message="Timeout", failure=FailureRecord(when="call", type="TimeoutError",
                                                                            assertion=False, message="Timeout",
                                                                            checks=["visible share_bar"])),
        ItemRecord(nodeid="scenarios/a.yaml::article::links[desktop]", kind="links", viewport="desktop"),
        ItemRecord(nodeid="scenarios/a.yaml::article::links[mobile]", kind="links", viewport="mobile",
                   status="skipped"),
    ]
    items[2].rejected = True
    return RunRecord(started="2026-12-02T10:00:00+00:00", finished="2026-12-02T10:01:00+00:00", exitstatus=1,
                     duration=61.24, target="demo", rules="pinned", git_head="0123456789abcdef", items=items)


def _outside_code(line: str) -> str:
    """The line with its inline code spans removed (a span: a run of N backticks to the next run of N)."""
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", line)


def test_summary_of_a_run(tmp_path: Path):
    text = render_summary(_run(tmp_path))
    lines = text.splitlines()
    assert lines[0] == "## regress: FAILED"
    assert "8 items: 5 failed, 1 error, 1 passed, 1 skipped; 61.2 s; target `demo` (pinned rules)" in text
    assert "checkout `0123456789ab`" in text
    # counts by kind and by viewport
    assert "| `visual` | **4** | 0 | 0 | 0 |" in lines
    assert "| `links` | 0 | 0 | 1 | 1 |" in lines
    assert "| `desktop` | **2** | **1** | 1 | 0 |" in lines
    assert "| `-` | **1** | 0 | 0 | 0 |" in lines
    # every failed item, with its components and size of change
    assert "### Failed items (6)" in lines
    assert "| `scenarios/a.yaml::article::visual_share_bar[desktop]` | visual | desktop | `share_bar` | " \
           "2.6667% (16 px) |" in lines
    assert "| `scenarios/a.yaml::article::components[desktop]` | layout | desktop | `visible share_bar` | " \
           "`TimeoutError: Timeout` |" in lines
    # the groups: the three share bars show the same change (red at other places of equal captures)
    assert "### Groups of identical changes (1)" in lines
    group = next(line for line in lines if line.startswith("- `share_bar`"))
    assert "changed region 4\u00d74 px: the same change in 3 captures" in group
    assert "- 1 other changed reference(s), each a change of its own." in lines
    # the tally and the commands
    assert "Decisions so far: 3 to review, 0 approved, 1 rejected." in lines
    assert "regress review                # approve or reject in the browser, groups at once" in lines
    assert "regress approve -k 'scenarios/a.yaml::article::visual_share_bar[desktop]'" in lines


def test_site_text_only_inside_code_spans(tmp_path: Path):
    text = render_summary(_run(tmp_path))
    row = next(line for line in text.splitlines() if line.startswith("| `test_content.py::test_headline`"))
    assert "line 2" not in text  # one line per failure
    outside = _outside_code(row)
    assert "<" not in outside and "script" not in outside, outside
    # five cells: no unescaped | of the message splits the row
    assert len(re.findall(r"(?<!\\)\|", row)) == 6, row
    assert "\\|" in row


def test_summary_on_ci_names_the_artifact_and_a_passing_run(tmp_path: Path):
    text = render_summary(_run(tmp_path), artifact="regress-report-42-1", run_id="42")
    assert "`gh run download 42 -n regress-report-42-1 -D regress-report`" in text
    assert "regress review --run regress-report" in text
    passed = RunRecord(started="s", finished="f", items=[ItemRecord(nodeid="x", kind="layout")])
    text = render_summary(passed)
    assert text.startswith("## regress: PASSED") and "### Failed items (0)" in text and "None." in text
    assert "regress review" not in text and "Groups" not in text


def test_commands_choose_exactly_their_captures():
    from regress.run.approve import matcher
    from regress.run.changes import command

    # the first node id is part of the second: -k with it alone would choose both
    among = ["a.yaml::a::v[desktop]", "more/a.yaml::a::v[desktop]", "a.yaml::a::v[mobile]"]
    for chosen in (among[:1], [among[0], among[2]], among[1:2]):
        line = command("approve", chosen, Path("reports"), Path("reports"), among)
        expr = line.split(" -k ", 1)[1].strip("'")
        assert [n for n in among if matcher(expr)(n)] == [n for n in among if n in chosen], line
