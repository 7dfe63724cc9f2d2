"""The content contract of the article page, as in the seed, at every viewport."""
import re

DATE_RE = re.compile(r"^(Posted|Updated) : \d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def norm(text: str) -> str:
    return " ".join(text.split())


def test_headline_dates_byline(article_page, seed):
    article, want = article_page.article, seed["article"]
    assert norm(article.category.inner_text()) == want["category"]
    assert norm(article.headline.inner_text()) == want["headline"]
    assert norm(article.sub_headline.inner_text()) == want["sub_headline"]
    assert norm(article.byline.inner_text()) == want["byline"]
    posted, updated = norm(article.posted.inner_text()), norm(article.updated.inner_text())
    assert (posted, updated) == (want["posted"], want["updated"])
    assert DATE_RE.match(posted) and DATE_RE.match(updated)


def test_caption_is_alt_text_and_caption(article_page, seed):
    article = article_page.article
    assert article.photo_image.get_attribute("alt") == seed["article"]["caption"]
    assert norm(article.caption.inner_text()) == seed["article"]["caption"]


def test_body_paragraphs_verbatim_with_related_box(article_page, seed):
    article, want = article_page.article, seed["article"]
    assert [norm(p) for p in article.paragraphs.all_inner_texts()] == want["paragraphs"]
    related = article.related
    assert norm(related.locator(".related_title").inner_text()) == want["related"]["title"]
    assert norm(related.locator(".related_meta").inner_text()) == want["related"]["meta"]
    # The box sits right after the sixth paragraph.
    preceding = related.evaluate(
        "el => { let n = 0, s = el.previousElementSibling; while (s) { if (s.tagName === 'P') n++; s = s.previousElementSibling; } return n; }"
    )
    assert preceding == want["related"]["after_paragraph"]


def test_reporter_footer(article_page, seed):
    reporter = article_page.article.reporter
    email = reporter.locator("a.reporter_email")
    assert email.get_attribute("href") == "mailto:" + seed["article"]["reporter_email"]
    assert "Article List" in reporter.inner_text()
    assert "More articles by this reporter" in reporter.inner_text()


def test_share_bar_networks(article_page, seed):
    bar = article_page.share_bar
    for network in seed["article"]["share_networks"]:
        assert bar.network(network).count() == 1, f"share button {network} missing"
    assert bar.buttons.count() == len(seed["article"]["share_networks"])


def _check_ranked(widget, want):
    items = list(widget.items)
    assert [item.rank for item in items] == [str(i) for i in range(1, len(want["titles"]) + 1)]
    assert [item.title for item in items] == want["titles"]
    for number, item in enumerate(items, start=1):
        expected_tag = want["tags"].get(number)
        if expected_tag:
            assert norm(item.tag.inner_text()) == expected_tag, f"item {number} tag"
        else:
            assert item.tag.count() == 0, f"item {number} carries an unexpected tag"
        assert item.thumbnail.get_attribute("alt") == item.title


def test_top_ten(article_page, seed):
    assert norm(article_page.top_ten.heading.inner_text()) == "Top 10 Stories"
    _check_ranked(article_page.top_ten, seed["top_ten"])


def test_top_five(article_page, seed):
    assert norm(article_page.top_five.heading.inner_text()) == "Top 5 Entertainment News"
    _check_ranked(article_page.top_five, seed["top_five"])


def test_darkroom(article_page, seed):
    assert norm(article_page.darkroom.heading.inner_text()) == "DARKROOM"
    assert [item.title for item in article_page.darkroom.items] == seed["darkroom"]


def test_footer_imprint_and_groups(article_page, seed):
    footer = article_page.footer
    assert footer.imprint_lines == seed["footer"]["imprint"]
    groups = [{"name": g.title, "links": g.link_texts} for g in footer.groups]
    assert groups == seed["footer"]["groups"]
