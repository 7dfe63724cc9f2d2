"""The section page's story list, checked structurally as the widgets are, on every target.

Whatever the day's news, the list template shows between ``site.section_stories`` stories
(rendered, not only in the DOM), each with a headline, one internal link shared by its headline
and thumbnail, a loaded thumbnail whose alt text is the headline, and at most one well-formed
tag. That the links answer is the ``story_links`` check of ``config/scenarios/section.yaml``.
"""
import pytest

from pages import ListPage
from test_article_content import TAG_RE, _images_loaded, _internal, norm, texts_of


@pytest.fixture
def section_page(page, base_url, site_settings) -> ListPage:
    path = site_settings.site.get("section_path")
    if not path:
        pytest.fail("site.section_path is not set in the site settings: give the list page whose stories "
                    "the structural tests read, e.g. /www/section/nation.html", pytrace=False)
    return ListPage(page, base_url).open(path)


def test_section_story_list_structure(section_page, site_settings, base_url):
    stories = section_page.stories
    facts = stories.story_facts()
    hidden = [number for number, f in enumerate(facts, start=1) if not f["shown"]]
    assert not hidden, f"section stories {hidden} of {len(facts)} are in the page but not rendered"
    low, high = site_settings.site["section_stories"]
    want = f"{low}..{'' if high is None else high}"
    assert len(facts) >= low and (high is None or len(facts) <= high), \
        f"section stories: {len(facts)} shown, expected {want} (the list template's range)"
    items = list(stories.items)
    titles = [item.title for item in items]
    assert all(titles) and len(set(titles)) == len(titles), f"section titles {titles}: each set, none twice"
    hrefs = [(f["title_href"], f["thumb_href"]) for f in facts]
    bad = [pair for pair in hrefs if not _internal(pair[0], base_url) or pair[0] != pair[1]]
    assert not bad, f"section links {bad}: each story's headline and thumbnail link to one internal page"
    loaded, why = _images_loaded(stories.thumbnails)
    assert len(loaded) == len(items) and all(loaded), f"section thumbnails loaded: {loaded}; {why}"
    for number, (item, f) in enumerate(zip(items, facts), start=1):
        tags = texts_of(item.tag)
        assert all(TAG_RE.match(t) for t in tags) and len(tags) <= 1, f"section story {number} tags {tags}"
        prefix = f"[{tags[0]}] " if tags else ""
        assert norm(f["alt"] or "") == prefix + titles[number - 1], \
            f"section story {number} thumbnail alt {f['alt']!r}, expected {prefix + titles[number - 1]!r}"
