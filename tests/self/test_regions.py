"""pages.region: lookups that cost the fewest round trips and keep Playwright's waiting."""
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pages.region import Region, RegionList, evaluate_one

TEXT = "el => el.textContent"


class Spy:
    """A locator that notes which path evaluate_one took."""

    def __init__(self, locator):
        self.locator, self.calls = locator, []

    def evaluate_all(self, expression):
        self.calls.append("evaluate_all")
        return self.locator.evaluate_all(expression)

    def evaluate(self, expression):
        self.calls.append("evaluate")
        return self.locator.evaluate(expression)


@pytest.mark.parametrize("html, selector, want, path", [
    ("<p id=a>one</p>", "#a", "one", ["evaluate_all"]),                     # there now: one round trip
    ("<p id=a>one</p>", "#a >> nth=0", "one", ["evaluate_all"]),
    ("<p class=x>one</p><p class=x>two</p>", ".x >> nth=1", "two", ["evaluate_all"]),
])
def test_evaluate_one_takes_one_round_trip_when_the_element_is_there(page, html, selector, want, path):
    page.set_content(html)
    spy = Spy(page.locator(selector))
    assert evaluate_one(spy, TEXT) == want
    assert spy.calls == path


def test_evaluate_one_waits_like_playwright_for_an_element_still_to_come(page):
    page.set_content("<div id=box></div>")

    class ArrivesAfterTheFirstLook(Spy):
        """The element is added only once the first look has found nothing (no race with a timer)."""

        def evaluate_all(self, expression):
            found = super().evaluate_all(expression)
            page.evaluate("() => setTimeout(() => { document.getElementById('box').innerHTML = "
                          "'<p id=late>late</p>' }, 50)")
            return found

    spy = ArrivesAfterTheFirstLook(page.locator("#late"))
    assert evaluate_one(spy, TEXT) == "late"
    assert spy.calls == ["evaluate_all", "evaluate"]


def test_evaluate_one_times_out_like_playwright_when_nothing_matches(page):
    page.set_content("<p>nothing here</p>")
    page.set_default_timeout(300)
    with pytest.raises(PlaywrightTimeout):
        evaluate_one(page.locator("#missing"), TEXT)


def test_evaluate_one_keeps_playwright_strictness_for_several_matches(page):
    page.set_content("<p class=x>one</p><p class=x>two</p>")
    with pytest.raises(PlaywrightError, match="strict mode violation"):
        evaluate_one(page.locator(".x"), TEXT)


def test_region_list_walks_every_item_in_order(page):
    page.set_content("<ul>" + "".join(f"<li><b>{i}</b></li>" for i in range(5)) + "</ul>")
    items = RegionList(Region, page, page.locator("li"))
    assert len(items) == 5
    assert [item.find("b").text_content() for item in items] == [str(i) for i in range(5)]
    assert items[-1].find("b").text_content() == "4"
    with pytest.raises(IndexError):
        items[5]


TRENDING = """<div id=trending><ol class=trending_list>
<li class=trending_item data-rank=1><a href=/a>First <span class=tag>VIDEO</span></a></li>
<li class=trending_item data-rank=2><a href=/b>Second</a></li>
<li class=trending_item data-rank=x><a href=/c>Third</a></li>
<li class=trending_item><span>no link</span></li>
</ol></div>"""


def test_trending_whole_list_reads_agree_with_the_items_and_show_defects(page):
    from pages.widgets import Trending

    page.set_content(TRENDING)
    trending = Trending(page)
    titles = trending.titles()
    assert titles == ["First", "Second", "Third", None]  # tag left out; an item without a link reads None
    assert titles[:3] == [item.title for item in list(trending.items)[:3]]
    ranks = trending.ranks()
    assert ranks[:2] == [1, 2] and all(r != r for r in ranks[2:])  # NaN: never equal to a rank


def test_a_region_without_a_selector_of_its_own_must_be_given_its_root(page):
    from pages.widgets import TrendingItem

    page.set_content("<p>x</p>")
    with pytest.raises(TypeError, match="TrendingItem has no root_selector: give it its root locator"):
        TrendingItem(page)
    assert TrendingItem(page, page.locator("p")).root.text_content() == "x"


# Each nested region has a twin outside its parent: only the one inside counts.
NESTED = """<header id=header><nav id=sub_nav><strong class=sub_nav_title>National</strong></nav></header>
<nav id=sub_nav><strong class=sub_nav_title>Elsewhere</strong></nav>
<article id=article><ul class=sns_area><li><a class=sns_facebook href=/f>f</a></li></ul>
  <div id=copy_toast>Link copied</div></article>
<ul class=sns_area><li><a class=sns_twitter href=/t>t</a></li></ul>
<aside id=sidebar><section id=top10><h2>Top 10 Stories</h2></section></aside>
<section id=top10><h2>Another</h2></section>"""


def test_nested_regions_look_only_inside_their_parent(page):
    from pages import ArticlePage

    page.set_content(NESTED)
    site = ArticlePage(page)
    assert site.menu.sub_nav.heading.all_text_contents() == ["National"]
    assert site.menu.sub_nav.parent.root_selector == "#header"
    bar = site.share_bar
    assert bar.buttons.count() == 1 and bar.network("facebook").count() == 1 and bar.network("twitter").count() == 0
    assert bar.copy_toast.text_content() == "Link copied"  # the article's, beside the bar
    assert site.top_ten.heading.all_text_contents() == ["Top 10 Stories"]
    assert site.sidebar.root.count() == 1


@pytest.mark.parametrize("head, want", [
    ('<link rel="canonical" href="/www/a.html">', "http://example.test/www/a.html"),  # resolved, as a browser does
    ('<link rel="alternate canonical" href="http://other.test/b.html">', "http://other.test/b.html"),
    ('<link rel="alternate" href="/c.html">', None),
])
def test_the_canonical_url_is_one_read_for_the_share_facts_too(page, head, want):
    from pages import ArticlePage

    page.set_content(f'<html><head><base href="http://example.test/">{head}'
                     '<meta property="og:title" content="A story"></head>'
                     '<body><article id=article><div class=view_headline><h1> The  story </h1></div></article></body></html>')
    site = ArticlePage(page)
    assert site.canonical_url == want
    facts = site.share_facts()
    assert (facts.canonical, facts.titles) == (want, ["A story", "The story"])


def test_trending_waits_for_a_new_first_title_and_says_whether_it_came(page):
    from pages.widgets import Trending

    page.set_content(TRENDING)
    trending = Trending(page)
    assert trending.wait_for_new_first_title("First", timeout_ms=300) is False  # the tag is not the title
    page.evaluate("() => setTimeout(() => { document.querySelector('li a').textContent = 'Later'; }, 100)")
    assert trending.wait_for_new_first_title("First", timeout_ms=3000) is True
    assert trending.titles()[0] == "Later"
