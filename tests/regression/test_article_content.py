"""The content contract of the article page, at every viewport.

Three kinds of test: the seed's news compared exactly (``pinned_only``: the demo target; on
a live target they say why they are left out), the chrome compared with the target's
reference (every target), and the structure every news day must have (every target: counts,
ranks, non-empty unique titles, internal links, loaded images with alt text, the site's date
format, the template's typefaces).

Each assertion says what it read and what it expected: the mutation catalog matches these
messages, and a reviewer reads them in the report. What is read is what a reader sees: texts and
counts are of rendered elements only (``regress.browser.rendered``: an element hidden by display,
visibility, opacity, zero size or a clipping ancestor is missing), and an image counts as loaded
once scrolled to, from its own src (a lazy placeholder left in place is broken).
"""
import datetime as dt
import re
from urllib.parse import urlsplit

import pytest

import chrome
from regress.browser.capture import scroll_to_and_load
from regress.browser.rendered import rendered, rendered_texts

DATE_RE = re.compile(r"^(Posted|Updated) : \d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
SEED_NEWS = pytest.mark.pinned_only(reason="it compares with the seed's stories and wording, "
                                           "which are news on a live site")
TAG_RE = re.compile(r"^[A-Z]{2,12}$")  # INTERVIEW, VIDEO: one upper-case word
MAILTO_RE = re.compile(r"^mailto:[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# A web font of that family is loaded (a 404 leaves its faces in status "error" and the text in a fallback).
FACE_LOADED_JS = """async family => { await document.fonts.ready;
  return Array.from(document.fonts).some(f => f.family.replace(/["']/g, '') === family && f.status === 'loaded'); }"""


def norm(text: str) -> str:
    return " ".join(text.split())


def texts_of(locator) -> list[str]:
    """The text of each element a reader sees (hidden ones are missing)."""
    return rendered_texts(locator)


def assert_rendered(locator, what: str) -> None:
    """Every element of ``locator`` in the DOM is rendered; else say which are hidden, and by what."""
    seen = rendered(locator)
    assert seen.all_rendered, (f"{len(seen.hidden)} of {seen.count} {what} elements in the DOM are not rendered: "
                               f"{seen.describe_hidden(what)}")


@SEED_NEWS
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


@SEED_NEWS
def test_caption_is_alt_text_and_caption(article_page, seed):
    article, want = article_page.article, seed["article"]["caption"]
    alt = article.photo_image.get_attribute("alt") if article.photo_image.count() else None
    assert alt == want, f"photo alt {alt!r}, expected the caption {want!r}"
    caption = " ".join(texts_of(article.caption))
    assert caption == want, f"caption {caption!r}, expected {want!r}"


@SEED_NEWS
def test_body_paragraphs_verbatim_with_related_box(article_page, seed):
    article, want = article_page.article, seed["article"]
    paragraphs = texts_of(article.paragraphs)
    assert len(paragraphs) == len(want["paragraphs"]), \
        f"paragraphs: {len(paragraphs)}, expected {len(want['paragraphs'])}"
    for number, (got, expected) in enumerate(zip(paragraphs, want["paragraphs"]), start=1):
        assert got == expected, f"paragraph {number} reads {got[:80]!r}..., expected {expected[:80]!r}..."
    related = article.related
    assert related.count() == 1, f"related box: {related.count()} found, expected 1"
    title, meta = norm(article.related_title.text_content()), norm(article.related_meta.text_content())
    assert (title, meta) == (want["related"]["title"], want["related"]["meta"]), \
        f"related box {title!r} / {meta!r}, expected {want['related']['title']!r} / {want['related']['meta']!r}"
    # The box sits right after the sixth paragraph.
    preceding = related.evaluate(
        "el => { let n = 0, s = el.previousElementSibling; while (s) { if (s.tagName === 'P') n++; s = s.previousElementSibling; } return n; }"
    )
    assert preceding == want["related"]["after_paragraph"], \
        f"related box after paragraph {preceding}, expected {want['related']['after_paragraph']}"


@SEED_NEWS
def test_reporter_footer(article_page, seed):
    article = article_page.article
    reporter = article.reporter
    assert reporter.count() == 1, f"reporter footer: {reporter.count()} found, expected 1"
    email = article.reporter_email.get_attribute("href")
    assert email == "mailto:" + seed["article"]["reporter_email"], \
        f"reporter email {email!r}, expected 'mailto:{seed['article']['reporter_email']}'"
    text = norm(reporter.text_content())
    assert "Article List" in text and "More articles by this reporter" in text, f"reporter footer reads {text!r}"


@pytest.mark.chrome
def test_share_bar_networks(article_page, chrome_reference):
    bar, want = article_page.share_bar, chrome_reference["share_networks"]
    for network in want:
        assert bar.network(network).count() == 1, f"share button {network} missing"
    assert bar.buttons.count() == len(want), f"share buttons: {bar.buttons.count()}, expected {len(want)}"


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


@SEED_NEWS
def test_top_ten(article_page, seed):
    heading = norm(article_page.top_ten.heading.text_content())
    assert heading == "Top 10 Stories", f"top_ten heading {heading!r}"
    _check_ranked("top_ten", article_page.top_ten, seed["top_ten"])


@SEED_NEWS
def test_top_five(article_page, seed):
    heading = norm(article_page.top_five.heading.text_content())
    assert heading == "Top 5 Entertainment News", f"top_five heading {heading!r}"
    _check_ranked("top_five", article_page.top_five, seed["top_five"])


@SEED_NEWS
def test_darkroom(article_page, seed):
    heading = norm(article_page.darkroom.heading.text_content())
    assert heading == "DARKROOM", f"darkroom heading {heading!r}"
    titles = [item.title for item in article_page.darkroom.items]
    assert titles == seed["darkroom"], f"darkroom titles {titles}, expected {seed['darkroom']}"


@pytest.mark.chrome
def test_footer_imprint_and_groups(article_page, chrome_reference):
    got, want = chrome.footer(article_page), chrome_reference["footer"]
    assert got["imprint"] == want["imprint"], f"footer imprint {got['imprint']}, expected {want['imprint']}"
    assert got["groups"] == want["groups"], \
        f"footer groups {[g['name'] for g in got['groups']]}, expected {[g['name'] for g in want['groups']]}"


# --- the structure every news day has (every target) -----------------------------------------

def _internal(href: str | None, base_url: str) -> bool:
    parts = urlsplit(href or "")
    return bool(href) and (not parts.netloc or parts.netloc == urlsplit(base_url).netloc)


def _images_loaded(locator) -> tuple[list[bool], str]:
    """Whether each image shows its own picture once a reader has scrolled to it (thumbnails load
    lazily), and why those that do not, in words."""
    problems = scroll_to_and_load(locator)
    why = "; ".join(f"image {n}: {p}" for n, p in enumerate(problems, start=1) if p)
    return [p is None for p in problems], why


@pytest.mark.chrome
def test_headline_and_body_in_the_templates_typefaces(article_page, chrome_reference):
    article = article_page.article
    headlines = [norm(t) for t in article.headline.all_text_contents()]  # the DOM's: an empty one is named so
    assert len(headlines) == 1 and headlines[0], f"headlines {headlines}, expected one that is not empty"
    assert_rendered(article.headline, "headline")
    faces = chrome.fonts(article_page)
    assert faces == chrome_reference["fonts"], f"typefaces {faces}, expected {chrome_reference['fonts']}"
    page = article_page.page
    for part, family in faces.items():  # the face itself loaded: what a reader sees, not a fallback
        loaded = page.evaluate(FACE_LOADED_JS, family)
        assert loaded, f"{part} typeface {family!r} did not load: the text shows in a fallback font"


def test_dates_in_the_sites_format_updated_after_posted(article_page):
    article = article_page.article
    for locator, what in ((article.posted, "posted date"), (article.updated, "updated date")):
        assert_rendered(locator, what)
    posted, updated = " ".join(texts_of(article.posted)), " ".join(texts_of(article.updated))
    assert DATE_RE.match(posted) and DATE_RE.match(updated), \
        f"dates {posted!r} / {updated!r} not in the site's format 'Posted : YYYY-MM-DD HH:MM' (KST)"
    moment = [dt.datetime.strptime(line.split(" : ")[1], "%Y-%m-%d %H:%M") for line in (posted, updated)]
    assert moment[1] >= moment[0], f"updated {updated!r} is before posted {posted!r}"


def test_byline_photo_and_caption(article_page):
    article = article_page.article
    for locator, what in ((article.byline, "byline"), (article.photo_image, "lead photo"), (article.caption, "caption")):
        assert_rendered(locator, what)
    byline = " ".join(texts_of(article.byline))
    assert re.match(r"^By \S", byline), f"byline {byline!r}, expected 'By <reporter>'"
    assert article.photo_image.count() == 1, f"lead photo: {article.photo_image.count()} images, expected 1"
    loaded, why = _images_loaded(article.photo_image)
    assert loaded == [True], f"the lead photo did not load: {why}"
    caption = " ".join(texts_of(article.caption))
    alt = article.photo_image.get_attribute("alt")
    assert caption and alt == caption, f"photo alt {alt!r} and caption {caption!r}: both set, and equal"
    own, shown = article.photo_image.evaluate(
        "img => [img.naturalWidth / img.naturalHeight, img.clientWidth / img.clientHeight]")
    assert abs(shown - own) <= 0.02 * own, \
        f"the lead photo is cropped or distorted: shown at {shown:.2f}:1, its own proportions {own:.2f}:1"


@pytest.mark.chrome
def test_body_related_box_and_reporter(article_page, base_url, chrome_reference):
    article = article_page.article
    # Every paragraph of the story in the DOM is one the reader sees (no "read more" cut).
    assert_rendered(article.paragraphs, "paragraph")
    paragraphs = texts_of(article.paragraphs)
    assert paragraphs and all(paragraphs), f"body paragraphs: {len(paragraphs)}, expected at least one, none empty"
    assert_rendered(article.related, "related box")
    assert_rendered(article.reporter, "reporter footer")
    related = article.related.locator("a[href]")
    assert related.count() >= 1, "related box: no link"
    href = related.first.get_attribute("href")
    assert _internal(href, base_url) and norm(related.first.text_content()), \
        f"related box link {href!r} must be internal and have a title"
    email = chrome.reporter_email(article_page)
    domain = chrome_reference["reporter_domain"]
    assert email and MAILTO_RE.match(email) and email.endswith("@" + domain), \
        f"reporter email {email!r}, expected a mailto: address at {domain}"


def _check_widget(name, widget, want, base_url):
    items = list(widget.items)
    heading = " ".join(texts_of(widget.heading))
    assert heading == want["heading"], f"{name} heading {heading!r}, expected {want['heading']!r}"
    shown = rendered(widget.items.locator)
    hidden = f" ({shown.count} in the DOM; hidden: {shown.describe_hidden('item')})" if shown.hidden else ""
    assert shown.rendered_count == want["count"], f"{name}: {shown.rendered_count} items{hidden}, expected {want['count']}"
    assert_rendered(widget.headlines, f"{name} headline")
    ranks = [item.rank for item in items]
    assert ranks == [str(i) for i in range(1, len(items) + 1)], f"{name} ranks {ranks}, expected 1..{len(items)}"
    titles = [item.title for item in items]
    assert all(titles) and len(set(titles)) == len(titles), f"{name} titles {titles}: each set, none twice"
    hrefs = widget.headlines.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    outside = [h for h in hrefs if not _internal(h, base_url)]
    assert len(hrefs) == len(items) and not outside, f"{name} links {outside or hrefs}: one internal link per item"
    assert_rendered(widget.thumbnails, f"{name} thumbnail")
    loaded, why = _images_loaded(widget.thumbnails)
    assert len(loaded) == len(items) and all(loaded), f"{name} thumbnails loaded: {loaded}; {why}"
    for number, item in enumerate(items, start=1):
        assert_rendered(item.tag, f"{name} item {number} tag")
        tags = texts_of(item.tag)
        assert all(TAG_RE.match(t) for t in tags) and len(tags) <= 1, f"{name} item {number} tags {tags}"
        prefix = f"[{tags[0]}] " if tags else ""
        alt = item.thumbnail.get_attribute("alt")
        assert alt == prefix + item.title, f"{name} item {number} thumbnail alt {alt!r}, expected {prefix + item.title!r}"


@pytest.mark.chrome
def test_top_ten_structure(article_page, chrome_reference, base_url):
    _check_widget("top_ten", article_page.top_ten, chrome_reference["widgets"]["top_ten"], base_url)


@pytest.mark.chrome
def test_top_five_structure(article_page, chrome_reference, base_url):
    _check_widget("top_five", article_page.top_five, chrome_reference["widgets"]["top_five"], base_url)


@pytest.mark.chrome
def test_darkroom_structure(article_page, chrome_reference, base_url):
    darkroom, want = article_page.darkroom, chrome_reference["widgets"]["darkroom"]
    heading = " ".join(texts_of(darkroom.heading))
    assert heading == want["heading"], f"darkroom heading {heading!r}, expected {want['heading']!r}"
    for locator, what in ((darkroom.items.locator, "darkroom gallery"), (darkroom.titles, "darkroom title"),
                          (darkroom.images, "darkroom image")):
        assert_rendered(locator, what)
    titles = [item.title for item in darkroom.items]
    assert len(titles) == want["count"], f"darkroom: {len(titles)} galleries, expected {want['count']}"
    assert all(titles) and len(set(titles)) == len(titles), f"darkroom titles {titles}: each set, none twice"
    loaded, why = _images_loaded(darkroom.images)
    assert len(loaded) == len(titles) and all(loaded), f"darkroom images loaded: {loaded}; {why}"
    alts = darkroom.images.evaluate_all("els => els.map(i => i.getAttribute('alt') || '')")
    assert all(a.strip() for a in alts), f"darkroom image alt texts {alts}: each set"
    hrefs = darkroom.links.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    outside = [h for h in hrefs if not _internal(h, base_url)]
    assert hrefs and not outside, f"darkroom links {outside or hrefs}: internal"
