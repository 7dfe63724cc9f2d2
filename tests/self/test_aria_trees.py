"""The aria_snapshot kind's pure parts, table-driven: Playwright's notation read into trees and
written back (regress.engines.aria), link URLs left out, where a part's nodes stand in a
component's tree, the live templates (news by role and structure), and the reference file's
per-element layout. No browser: test_aria_snapshot.py holds these to Playwright itself.
"""
from __future__ import annotations

import pytest

from regress.checks.aria_snapshot import document, split_elements
from regress.engines.aria import (ANY, AriaSyntaxError, Node, as_template, find_runs, needs_quotes, parse, render,
                                  without_urls)

# Snapshots in Playwright's own notation (as locator.aria_snapshot() writes them): read and written
# back, each is the same text.
ROUND_TRIPS = [
    '- heading "Foreign minister stresses cooperation" [level=1]',
    '- button "all menu"\n- button "search"\n- button',
    '- link "The Korea Times":\n  - /url: /',
    '- list "Share this article":\n  - listitem:\n    - link "f facebook"\n  - listitem:\n    - button "link"',
    '- text: "Posted :"\n- time: 2022-06-14 16:12',
    '- listitem:\n  - text: "1"\n  - link "Story"',
    "- paragraph: Copyright © koreatimes.co.kr. All rights reserved.",
    '- heading "He said \\"no\\" \\\\ twice" [level=2]',
    "- 'heading \"Q&A: what next\" [level=2]'",
    '- button "Menu" [expanded] [pressed=mixed]',
    '- textbox "Search keyword":\n  - /placeholder: Search The Korea Times',
    "- listitem: Contact Us",
    '- text: "on"\n- text: "12.5"\n- text: "- dash"\n- text: "a #b"\n- text: "a: b"\n- text: ""',
    '- figure "A caption":\n  - img "A caption"\n  - text: A caption',
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_a_snapshot_read_and_written_back_is_the_same_text(text):
    assert render(parse(text)) == text


@pytest.mark.parametrize("text, nodes", [
    ('- heading "A" [level=1]', [Node("heading", "A", ("[level=1]",))]),
    ('- link "x":\n  - /url: /a', [Node("link", "x", props=(("url", "/a"),))]),
    # every scalar stays the string Playwright wrote: no YAML 1.1 dates, booleans or numbers
    ("- time: 2022-06-14\n- text: on\n- text: 010", [Node("time", text="2022-06-14"), Node("text", text="on"),
                                                     Node("text", text="010")]),
    ('- heading "\\u00e9t\\u00e9"', [Node("heading", "été")]),
    ("- heading /.+/ [level=2]", [Node("heading", ANY, ("[level=2]",), pattern=True)]),
    ('- list:\n  - /children: contain\n  - listitem', [Node("list", children=(Node("listitem"),), mode="contain")]),
    ("", []),
])
def test_a_snapshot_reads_into_nodes(text, nodes):
    assert parse(text) == nodes


@pytest.mark.parametrize("text, says", [
    ("banner: x", "an aria snapshot is a YAML sequence"),
    ("- [a, b]", "a sequence item is a string or a mapping"),
    ("- heading Foreign", "'heading Foreign' is not a node"),
    ('- "heading \\"x"', "is not a node"),
    ("- /children: deep-equal\n- banner", "/children at the top level"),
    ("- list:\n  - /children: some", "/children is one of contain, equal, deep-equal, not 'some'"),
    ("- link:\n  - /url: [a]", "/url: expected a text"),
    ("- [unclosed", "not YAML"),
])
def test_what_is_not_a_snapshot_is_one_error_saying_why(text, says):
    with pytest.raises(AriaSyntaxError, match=None) as caught:
        parse(text)
    assert says in str(caught.value), str(caught.value)


@pytest.mark.parametrize("text, quoted", [
    ("Foreign Affairs", False), ("2022-06-14 16:12", False), ("a:b", False), ("Copyright ©", False),
    ("", True), (" lead", True), ("trail ", True), ("on", True), ("Yes", True), ("null", True), ("12", True),
    ("1e3", True), ("0x1f", True), ("-1", True), ("- a", True), ("a: b", True), ("ends:", True), ("#a", True),
    ("a #b", True), ("[x", True), ("a{b", True), ("@me", True), ("line\nbreak", True), ("tab\x01", True),
])
def test_what_yaml_would_misread_is_quoted(text, quoted):
    assert needs_quotes(text) is quoted


@pytest.mark.parametrize("text, left", [
    ('- link "a":\n  - /url: /x', '- link "a"'),
    ('- link "a":\n  - /url: /x\n  - img "b"', '- link "a":\n  - img "b"'),
    ('- list:\n  - listitem:\n    - link "a":\n      - /url: https://x/?u=1', '- list:\n  - listitem:\n    - link "a"'),
    ('- textbox "s":\n  - /placeholder: p', '- textbox "s":\n  - /placeholder: p'),
])
def test_link_urls_are_left_out(text, left):
    assert render(without_urls(parse(text))) == left


TREE = parse('- banner:\n  - button "a"\n  - text: t\n  - time: x\n- text: t')


@pytest.mark.parametrize("part, places", [
    ("- text: t", {(0, 1), (1,)}),  # wherever it stands, at any depth
    ("- text: t\n- time: x", {(0, 1), (0, 2)}),  # consecutive siblings
    ("- time: x\n- text: t", set()),  # not in that order
    ("- time: y", set()),
    ("", set()),
    ('- banner:\n  - button "a"\n  - text: t\n  - time: x', {(0,)}),
])
def test_a_part_is_found_by_its_own_tree(part, places):
    assert find_runs(TREE, parse(part)) == places


@pytest.mark.parametrize("text, news, template", [
    # the date line is news, the buttons are the chrome
    ('- banner:\n  - button "all menu"\n  - text: Thu, June 16', {(0, 1)},
     '- banner:\n  - button "all menu"\n  - text: /.+/'),
    # a heading keeps its role and level
    ('- heading "Headline" [level=1]', {(0,)}, "- heading /.+/ [level=1]"),
    # below a news node: every name and text a pattern, its children contained in order
    ('- complementary:\n  - link "R":\n    - img "R"', {(0,)},
     '- complementary:\n  - /children: contain\n  - link /.+/:\n    - /children: contain\n    - img /.+/'),
    # an unnamed news node keeps no name: one there would match too
    ('- listitem:\n  - text: "1"', {(0,)}, "- listitem:\n  - /children: contain\n  - text: /.+/"),
    # a name made of the news below it (a link named by its thumbnail) is news too ...
    ('- listitem:\n  - link "Story":\n    - img "Story"\n  - link "Story"', {(0, 0, 0), (0, 1)},
     "- listitem:\n  - link /.+/:\n    - img /.+/\n  - link /.+/"),
    # ... a name that does not hold it stays, as does the rest of the tree
    ('- region "Trending":\n  - link "Story"\n- button "Close"', {(0, 0)},
     '- region "Trending":\n  - link /.+/\n- button "Close"'),
    ('- button "Close"', set(), '- button "Close"'),
])
def test_news_is_matched_by_role_and_structure(text, news, template):
    assert render(as_template(parse(text), news)) == template


def test_a_template_starts_with_how_its_top_level_is_matched():
    assert render(parse('- button "a"'), "deep-equal") == '- /children: deep-equal\n- button "a"'


@pytest.mark.parametrize("trees, live, pieces", [
    ([[Node("button", "a")]], None, ['- button "a"']),
    ([[Node("link", "c")], [Node("heading", "h", ("[level=1]",))], []], None,
     ['- link "c"\n', '- heading "h" [level=1]\n', ""]),
    ([[Node("link", "c")], [Node("text", text="t")]], ["article.byline"],
     ['- /children: deep-equal\n- link "c"\n', "- /children: deep-equal\n- text: t\n"]),
])
def test_a_reference_holds_each_element_after_its_own_line(trees, live, pieces):
    text = document(trees, "article.head: check aria of scenario article at desktop", live)
    assert text.startswith("# Accessibility tree of article.head: check aria of scenario article at desktop\n")
    assert ("Live rules" in text) is (live is not None) and ("Pinned rules" in text) is (live is None)
    if len(trees) > 1:
        assert [line for line in text.splitlines() if line.startswith("# element")] == [
            f"# element {i} of {len(trees)}" for i in range(1, len(trees) + 1)]
        assert split_elements(text) == pieces
    else:
        assert split_elements(text) == [text] and text.endswith(pieces[0] + "\n")
