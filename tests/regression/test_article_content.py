"""The content contract of the article page, as in the seed, at every viewport."""
import re

DATE_RE = re.compile(r"^(Posted|Updated) : \d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def norm(text: str) -> str:
    return " ".join(text.split())


def test_headline_dates_byline(article_page, seed):
    article, want = article_page.article, seed["article"]
    assert norm(article.category.text_content()) == want["category"]
    assert norm(article.headline.text_content()) == want["headline"]
    assert norm(article.sub_headline.text_content()) == want["sub_headline"]
    assert norm(article.byline.text_content()) == want["byline"]
    posted, updated = norm(article.posted.text_content()), norm(article.updated.text_content())
    assert (posted, updated) == (want["posted"], want["updated"])
    assert DATE_RE.match(posted) and DATE_RE.match(updated)


def test_caption_is_alt_text_and_caption(article_page, seed):
    article = article_page.article
    assert article.photo_image.get_attribute("alt") == seed["article"]["caption"]
    assert norm(article.caption.text_content()) == seed["article"]["caption"]


def test_body_paragraphs_verbatim_with_related_box(article_page, seed):
    article, want = article_page.article, seed["article"]
    assert [norm(p) for p in article.paragraphs.all_text_contents()] == want["paragraphs"]
    related = article.related
    assert norm(related.locator(".related_title").text_content()) == want["related"]["title"]
    assert norm(related.locator(".related_meta").text_content()) == want["related"]["meta"]
    # The box sits right after the sixth paragraph.
    preceding = related.evaluate(
        "el => { let n = 0, s = el.previousElementSibling; while (s) { if (s.tagName === 'P') n++; s = s.previousElementSibling; } return n; }"
    )
    assert preceding == want["related"]["after_paragraph"]


def test_reporter_footer(article_page, seed):
    reporter = article_page.article.reporter
    email = reporter.locator("a.reporter_email")
    assert email.get_attribute("href") == "mailto:" + seed["article"]["reporter_email"]
    assert "Article List" in reporter.text_content()
    assert "More articles by this reporter" in reporter.text_content()


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
            assert norm(item.tag.text_content()) == expected_tag, f"item {number} tag"
        else:
            assert item.tag.count() == 0, f"item {number} carries an unexpected tag"
        # The thumbnail's alt is the headline, with its tag in brackets as in the seed.
        prefix = f"[{expected_tag}] " if expected_tag else ""
        assert item.thumbnail.get_attribute("alt") == prefix + item.title


def test_top_ten(article_page, seed):
    assert norm(article_page.top_ten.heading.text_content()) == "Top 10 Stories"
    _check_ranked(article_page.top_ten, seed["top_ten"])


def test_top_five(article_page, seed):
    assert norm(article_page.top_five.heading.text_content()) == "Top 5 Entertainment News"
    _check_ranked(article_page.top_five, seed["top_five"])


def test_darkroom(article_page, seed):
    assert norm(article_page.darkroom.heading.text_content()) == "DARKROOM"
    assert [item.title for item in article_page.darkroom.items] == seed["darkroom"]


def test_footer_imprint_and_groups(article_page, seed):
    footer = article_page.footer
    assert footer.imprint_lines == seed["footer"]["imprint"]
    groups = [{"name": g.title, "links": g.link_texts} for g in footer.groups]
    assert groups == seed["footer"]["groups"]
