"""The spacing kind: its pure parts table-tested (gaps on both axes, the nearest elements, the
comparison within a tolerance, the reference file, cumulative layout shift's session windows),
its options checked at collection, and end to end on the real demo site in Chromium: a share
bar 3 px lower fails naming the pair and the axis, a banner inserted after load fails the
layout-shift budget, and with day-1 references of the live target a longer story (day 3) and
a shorter one under a taller photo (day 4) pass."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from regress.browser.geometry import Box
from regress.browser.shifts import LayoutShift, PageShifts, cumulative_layout_shift, session_windows
from regress.checks import kinds, load_suite_scenarios
from regress.checks.spacing import (ABSENT, BadReference, Row, Spacing, compare, nearest_boxes, parse_reference,
                                    reference_text, spacing_of, table)
from regress.model.scenario import ScenarioError, load_settings

ROOT = Path(__file__).resolve().parents[2]


# --- gaps on both axes -------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, spacing", [
    # b below a: y from a's bottom, x from a's left
    (Box(30, 100, 800, 50), Box(30, 164, 800, 20), Spacing("below", 0, 14)),
    (Box(30, 100, 800, 50), Box(40, 150, 100, 20), Spacing("below", 10, 0)),  # touching counts as below
    # b right of a: x from a's right, y from a's top
    (Box(413, 754, 129, 34), Box(556, 754, 274, 34), Spacing("right_of", 14, 0)),
    (Box(413, 754, 129, 34), Box(556, 757, 274, 34), Spacing("right_of", 14, 3)),
    # b within a (or overlapping): both from a's top-left corner
    (Box(0, 0, 1280, 4000), Box(0, 200, 1280, 173), Spacing("within", 0, 200)),
    (Box(0, 0, 100, 100), Box(50, 50, 100, 100), Spacing("within", 50, 50)),
])
def test_spacing_is_measured_from_the_facing_edges(a, b, spacing):
    assert spacing_of(a, b) == spacing


def test_a_longer_part_above_changes_no_gap_and_its_height_is_not_recorded():
    short, tall = Box(30, 1000, 800, 300), Box(30, 1000, 800, 900)  # the story, one day and the next
    assert spacing_of(short, Box(30, 1330, 800, 60)) == spacing_of(tall, Box(30, 1930, 800, 60))


def test_only_the_axes_asked_for_are_recorded():
    assert spacing_of(Box(30, 0, 800, 90), Box(30, 900, 800, 10), axes=("x",)) == Spacing("below", 0, None)


def test_the_nearest_elements_are_the_box_and_the_paragraph_right_above_it():
    paragraphs = [Box(30, 0, 800, 90), Box(30, 110, 800, 90), Box(30, 356, 800, 90)]
    related = [Box(30, 226, 800, 104)]
    assert nearest_boxes(paragraphs, related) == (paragraphs[1], related[0])
    assert nearest_boxes(related, paragraphs) == (related[0], paragraphs[2])
    assert nearest_boxes(related, paragraphs[:2]) is None  # nothing below the box


# --- comparison within the tolerance -----------------------------------------------------------

PAIR = "article.tools -> share_bar"


@pytest.mark.parametrize("expected, actual, rows", [
    ({PAIR: Spacing("right_of", 14, 0)}, {PAIR: Spacing("right_of", 14.4, 0.5)}, []),
    ({PAIR: Spacing("right_of", 14, 0)}, {PAIR: Spacing("right_of", 14, 3)}, [Row(PAIR, "y (top edges)", "0", "3")]),
    ({PAIR: Spacing("below", 0, 14)}, {PAIR: Spacing("below", 0, 17)}, [Row(PAIR, "y (gap)", "14", "17")]),
    ({PAIR: Spacing("below", 0, 14)}, {PAIR: Spacing("below", 0.6, 14)}, [Row(PAIR, "x (left edges)", "0", "0.6")]),
    ({PAIR: Spacing("right_of", 14, 0)}, {PAIR: Spacing("below", 0, 14)}, [Row(PAIR, "arrangement", "right_of", "below")]),
    # an optional part missing on either side is not compared
    ({PAIR: Spacing("right_of", 14, 0)}, {PAIR: ABSENT}, []),
    ({PAIR: ABSENT}, {PAIR: Spacing("right_of", 14, 0)}, []),
    # a pair the reference lacks, or one no longer measured
    ({}, {PAIR: Spacing("right_of", 14, 0)}, [Row(PAIR, "-", "not in the reference", "arrangement right_of, x 14, y 0")]),
    ({PAIR: Spacing("right_of", 14, 0)}, {}, [Row(PAIR, "-", "arrangement right_of, x 14, y 0", "not measured")]),
    # an axis recorded on one side only
    ({PAIR: Spacing("below", 0, None)}, {PAIR: Spacing("below", 0, 30)}, [Row(PAIR, "y (gap)", "-", "30")]),
])
def test_compare_names_each_pair_and_axis_beyond_the_tolerance(expected, actual, rows):
    assert compare(expected, actual, tolerance_px=0.5) == rows


def test_the_table_has_pair_axis_expected_actual_columns():
    text = table([Row(PAIR, "y (top edges)", "0", "3"), Row("page -> menu", "y (from a's top)", "0", "200")])
    assert text.splitlines() == [
        "  pair                        axis              expected  actual",
        "  article.tools -> share_bar  y (top edges)     0         3",
        "  page -> menu                y (from a's top)  0         200",
    ]


# --- the reference file ------------------------------------------------------------------------

def test_the_reference_reads_back_what_was_written():
    spacings = {PAIR: Spacing("right_of", 14, 0), "a -> b": Spacing("below", -526, 33.5),
                "article.photo -> article.sub_headline": ABSENT, "c -> d": Spacing("below", 0.123456, None)}
    text = reference_text("article", "desktop", spacings)
    assert b"  article.tools -> share_bar: {arrangement: right_of, x: 14, y: 0}\n" in text
    assert b"  article.photo -> article.sub_headline: absent\n" in text
    back = parse_reference(text)
    assert back == {**spacings, "c -> d": Spacing("below", 0.12, None)}  # rounded to 0.01 px


@pytest.mark.parametrize("text, problem", [
    (b"pairs: [1, 2", "not YAML"),
    (b"{}\n", "the top level: .pairs. is a required property"),
    (b"gaps: {}\n", "the top level: Additional properties are not allowed"),
    (b"pairs:\n  a -> b: {arrangement: above, x: 1}\n", "pairs.a -> b"),
    (b"pairs:\n  a -> b: {arrangement: below, x: wide}\n", "pairs.a -> b"),
])
def test_a_reference_that_is_not_one_says_where(text, problem):
    with pytest.raises(BadReference, match=problem):
        parse_reference(text)


# --- cumulative layout shift: session windows as Core Web Vitals define them ------------------

def shift(ms, value, recent_input=False):
    return LayoutShift(ms, value, recent_input)


@pytest.mark.parametrize("shifts, windows, score", [
    ([], [], 0.0),
    ([shift(100, 0.05)], [[0.05]], 0.05),
    # under 1 s apart: one window; a gap of 1 s or more opens a new one
    ([shift(100, 0.05), shift(900, 0.04), shift(1899, 0.03)], [[0.05, 0.04, 0.03]], 0.12),
    ([shift(100, 0.05), shift(1100, 0.04)], [[0.05], [0.04]], 0.05),
    # a window spans at most 5 s, however close its shifts are
    ([shift(t, 0.02) for t in range(0, 6000, 800)], [[0.02] * 7, [0.02]], 0.14),
    # the largest window is the score, not the sum of all
    ([shift(0, 0.03), shift(3000, 0.06), shift(3500, 0.05)], [[0.03], [0.06, 0.05]], 0.11),
    # shifts the reader caused do not count; order of the entries does not matter
    ([shift(500, 0.3, recent_input=True), shift(100, 0.01)], [[0.01]], 0.01),
    ([shift(1500, 0.02), shift(1000, 0.02)], [[0.02, 0.02]], 0.04),
])
def test_session_windows_and_the_largest(shifts, windows, score):
    assert [[s.value for s in w.shifts] for w in session_windows(shifts)] == windows
    assert cumulative_layout_shift(shifts).score == pytest.approx(score)


def test_only_shifts_from_the_load_event_on_count():
    page = PageShifts(loaded_ms=700.0, shifts=(shift(300, 0.2), shift(700, 0.01), shift(900, 0.02)))
    assert [s.start_ms for s in page.after_load] == [700, 900]


# --- options, checked at collection ------------------------------------------------------------

def _load(tmp_path, check: str):
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  - name: s\n    page: /a.html\n    viewports: [desktop, mobile]\n"
                    f"    checks:\n      - {check}\n", encoding="utf-8")
    return load_suite_scenarios(path, load_settings(ROOT / "config" / "site.yaml"))


@pytest.mark.parametrize("check, problem", [
    ("{kind: spacing, pairs: [{a: article.tools, b: share_bars}]}", "unknown component 'share_bars'"),
    ("{kind: spacing, pairs: [{a: page, b: menu}, {a: page, b: menu, viewports: [mobile]}]}",
     r"pairs\[1\] \(page -> menu\) repeats pairs\[0\] at the same viewport"),
    ("{kind: spacing, layout_shift: false}", "needs pairs to measure, or layout_shift: true"),
    ("{kind: spacing, pairs: [{a: page, b: menu, axes: [z]}]}", "invalid value 'z'"),
])
def test_bad_options_are_one_collection_error(tmp_path, check, problem):
    with pytest.raises(ScenarioError, match=problem):
        _load(tmp_path, check)


def test_assertions_and_references_follow_the_pairs_of_each_viewport(tmp_path):
    (scenario,) = _load(tmp_path, "{kind: spacing, pairs: [{a: page, b: menu, viewports: [desktop]}]}")
    check, kind = scenario.checks[0], kinds()["spacing"]
    assert kind.assertions_of(check.options, "desktop") == ["spacing", "layout_shift"]
    assert kind.assertions_of(check.options, "mobile") == ["layout_shift"]
    assert kind.reference_files(scenario, check, "desktop", tmp_path, "chromium") == [
        tmp_path / "s" / "spacing-desktop.spacing.yml"]
    assert kind.reference_files(scenario, check, "mobile", tmp_path, "chromium") == []


# --- end to end, on the demo site in Chromium -------------------------------------------------

def _suite(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/regression", "-m", "spacing",
         "-k", "article", "--trace-failures", "off", "--reports-dir", str(tmp_path / "reports"), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("mutation, said", [
    ("share-bar-dropped-3px", r"(?m)^\s+article\.tools -> share_bar\s+y \(top edges\)\s+0\s+3$"),
    ("banner-after-load", r"layout shift after load 0\.\d+ is over the budget 0\.1 \(layout_shift\.budget\)"),
])
def test_a_mutation_fails_the_pinned_references_naming_what_moved(tmp_path, mutation, said):
    done = _suite(tmp_path, "-k", "desktop", "--mutation", mutation)
    assert "1 failed" in done.stdout, done.stdout[-3000:]
    assert __import__("re").search(said, done.stdout), done.stdout[-3000:]


@pytest.fixture(scope="module")
def live_day1_references(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live-references")
    done = _suite(folder, "--target", "live", "--news-day", "1", "--update-baselines", "missing",
                  "--baselines-dir", str(folder))
    assert "3 passed" in done.stdout, done.stdout[-3000:]
    return folder


@pytest.mark.parametrize("day", [3, 4])
def test_a_longer_or_shorter_story_passes_the_live_rules(tmp_path, live_day1_references, day):
    done = _suite(tmp_path, "--target", "live", "--news-day", str(day), "--baselines-dir", str(live_day1_references))
    assert "3 passed" in done.stdout, done.stdout[-3000:]
