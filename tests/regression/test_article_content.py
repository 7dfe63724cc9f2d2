"""The content contract of the article page, as in the seed, at every viewport.

Each assertion says what it read and what it expected: the mutation catalog matches these
messages, and a reviewer reads them in the report.
"""
import re

DATE_RE = re.compile(r"^(Posted|Updated) : \d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def norm(text: str) -> str:
    return " ".join(text.split())


def texts_of(locator) -> list[str]:
    return [norm(t) for t in locator.all_text_contents()]


def test_headline_dates_byline(article_page, seed):
    article, want = article_page.article, seed["article"]
    for name, locator in (("category", article.category), ("headline", article.headline),
                          ("sub-headline", article.sub_headline), ("byline", article.byline)):
        got = " ".join(texts_of(locator))
        assert got == want[name.replace("-", "_")], f"{name} {got!r}, expected {want[name.replace('-', '_')]!r}"
    posted, updated = " ".join(texts_of(article.posted)), " ".join(texts_of(article.updated))
    assert (posted, updated) == (want["posted"], want["updated"]), \
        f"dates {posted!r} / {updated!r}, expected {want['posted']!r} / {want['updated']!r}"
    assert DATE_RE.match(posted) and DATE_RE.match(updated), f"dates {posted!r} / {updated!r} not in the seed format"


def test_caption_is_alt_text_and_caption(article_page, seed):
    article, want = article_page.article, seed["article"]["caption"]
    alt = article.photo_image.get_attribute("alt") if article.photo_image.count() else None
    assert alt == want, f"photo alt {alt!r}, expected the caption {want!r}"
    caption = " ".join(texts_of(article.caption))
    assert caption == want, f"caption {caption!r}, expected {want!r}"


def test_body_paragraphs_verbatim_with_related_box(article_page, seed):
    article, want = article_page.article, seed["article"]
    paragraphs = texts_of(article.paragraphs)
    assert len(paragraphs) == len(want["paragraphs"]), \
        f"paragraphs: {len(paragraphs)}, expected {len(want['paragraphs'])}"
    for number, (got, expected) in enumerate(zip(paragraphs, want["paragraphs"]), start=1):
        assert got == expected, f"paragraph {number} reads {got[:80]!r}..., expected {expected[:80]!r}..."
    related = article.related
    assert related.count() == 1, f"related box: {related.count()} found, expected 1"
    title, meta = norm(related.locator(".related_title").text_content()), norm(related.locator(".related_meta").text_content())
    assert (title, meta) == (want["related"]["title"], want["related"]["meta"]), \
        f"related box {title!r} / {meta!r}, expected {want['related']['title']!r} / {want['related']['meta']!r}"
    # The box sits right after the sixth paragraph.
    preceding = related.evaluate(
        "el => { let n = 0, s = el.previousElementSibling; while (s) { if (s.tagName === 'P') n++; s = s.previousElementSibling; } return n; }"
    )
    assert preceding == want["related"]["after_paragraph"], \
        f"related box after paragraph {preceding}, expected {want['related']['after_paragraph']}"


def test_reporter_footer(article_page, seed):
    reporter = article_page.article.reporter
    assert reporter.count() == 1, f"reporter footer: {reporter.count()} found, expected 1"
    email = reporter.locator("a.reporter_email").get_attribute("href")
    assert email == "mailto:" + seed["article"]["reporter_email"], \
        f"reporter email {email!r}, expected 'mailto:{seed['article']['reporter_email']}'"
    text = norm(reporter.text_content())
    assert "Article List" in text and "More articles by this reporter" in text, f"reporter footer reads {text!r}"


def test_share_bar_networks(article_page, seed):
    bar = article_page.share_bar
    for network in seed["article"]["share_networks"]:
        assert bar.network(network).count() == 1, f"share button {network} missing"
    assert bar.buttons.count() == len(seed["article"]["share_networks"]), \
        f"share buttons: {bar.buttons.count()}, expected {len(seed['article']['share_networks'])}"


def _check_ranked(name, widget, want):
    items = list(widget.items)
    ranks = [item.rank for item in items]
    assert ranks == [str(i) for i in range(1, len(want["titles"]) + 1)], \
        f"{name} ranks {ranks}, expected 1..{len(want['titles'])}"
    titles = [item.title for item in items]
    assert titles == want["titles"], f"{name} titles {titles}, expected {want['titles']}"
    for number, item in enumerate(items, start=1):
        expected_tag = want["tags"].get(number)
        tags = texts_of(item.tag)
        if expected_tag:
            assert tags, f"{name} item {number} has no tag, expected {expected_tag!r}"
            assert tags == [expected_tag], f"{name} item {number} tag {tags}, expected {expected_tag!r}"
        else:
            assert not tags, f"{name} item {number} carries an unexpected tag {tags}"
        # The thumbnail's alt is the headline, with its tag in brackets as in the seed.
        prefix = f"[{expected_tag}] " if expected_tag else ""
        alt = item.thumbnail.get_attribute("alt")
        assert alt == prefix + item.title, f"{name} item {number} thumbnail alt {alt!r}, expected {prefix + item.title!r}"


def test_top_ten(article_page, seed):
    heading = norm(article_page.top_ten.heading.text_content())
    assert heading == "Top 10 Stories", f"top_ten heading {heading!r}"
    _check_ranked("top_ten", article_page.top_ten, seed["top_ten"])


def test_top_five(article_page, seed):
    heading = norm(article_page.top_five.heading.text_content())
    assert heading == "Top 5 Entertainment News", f"top_five heading {heading!r}"
    _check_ranked("top_five", article_page.top_five, seed["top_five"])


def test_darkroom(article_page, seed):
    heading = norm(article_page.darkroom.heading.text_content())
    assert heading == "DARKROOM", f"darkroom heading {heading!r}"
    titles = [item.title for item in article_page.darkroom.items]
    assert titles == seed["darkroom"], f"darkroom titles {titles}, expected {seed['darkroom']}"


def test_footer_imprint_and_groups(article_page, seed):
    footer = article_page.footer
    assert footer.imprint_lines == seed["footer"]["imprint"], \
        f"footer imprint {footer.imprint_lines}, expected {seed['footer']['imprint']}"
    groups = [{"name": g.title, "links": g.link_texts} for g in footer.groups]
    assert groups == seed["footer"]["groups"], \
        f"footer groups {[g['name'] for g in groups]}, expected {[g['name'] for g in seed['footer']['groups']]}"
