"""regress.browser.rendered: the one definition of what the reader sees, in the real Chromium.

Each hiding rule counts the element missing, with a reason naming the rule and the element that
sets it; the layout kind's measure() (counts, visible) agrees; what a reader can still get to (a
partly clipped element, a scroll container's content, a carousel's slides) is counted.
Also the images a reader scrolled to (a lazy placeholder is broken) and the painted font size."""
import re

import pytest

from pages.article import Article
from regress.browser.capture import broken_images, scroll_to_and_load
from regress.browser.geometry import measure
from regress.browser.rendered import Rendered, hidden_reasons, rendered, rendered_texts
from regress.checks.font_controls import BodyText

BOX = "width: 200px; height: 100px"

# (case, page holding the element #t, the reason it is hidden: a regex, or None when it is rendered)
CASES = [
    ("plain", f'<p id=t style="{BOX}">text</p>', None),
    ("display none", f'<p id=t style="{BOX}; display: none">text</p>', r"^display: none on p#t$"),
    ("ancestor display none", f'<div id=outer style="display: none"><div><p id=t style="{BOX}">x</p></div></div>',
     r"^display: none on div#outer$"),
    ("visibility hidden", f'<p id=t class="a b" style="{BOX}; visibility: hidden">x</p>', r"^visibility: hidden on p#t\.a\.b$"),
    ("inherited visibility", f'<section style="visibility: hidden"><p id=t style="{BOX}">x</p></section>',
     r"^visibility: hidden on section$"),
    ("visible inside hidden", f'<section style="visibility: hidden"><p id=t style="{BOX}; visibility: visible">x</p></section>',
     None),
    ("opacity 0", f'<p id=t style="{BOX}; opacity: 0">x</p>', r"^opacity 0 on p#t$"),
    ("ancestor opacity 0", f'<div id=fade style="opacity: 0"><p id=t style="{BOX}">x</p></div>', r"^opacity 0 on div#fade$"),
    ("faint but there", f'<div style="opacity: 0.5"><p id=t style="{BOX}; opacity: 0.5">x</p></div>', None),
    ("zero size", '<div id=t style="width: 0; height: 0; overflow: hidden">x</div>', r"^zero size \(0×0 px\)$"),
    ("zero height", '<div id=t style="width: 200px; height: 0; overflow: hidden">x</div>', r"^zero size \(200×0 px\)$"),
    ("clipped by overflow hidden", f'<div id=box style="height: 50px; overflow: hidden"><div style="height: 60px"></div>'
                                   f'<p id=t style="{BOX}; margin: 0">x</p></div>',
     r"^clipped by div#box \(overflow: hidden; it lies outside that box\)$"),
    ("clipped by overflow clip on y", f'<div id=box style="height: 50px; overflow-y: clip"><div style="height: 60px"></div>'
                                      f'<p id=t style="{BOX}; margin: 0">x</p></div>', r"^clipped by div#box \(overflow: hidden on y"),
    ("partly clipped", f'<div style="height: 50px; overflow: hidden"><p id=t style="{BOX}; margin: 0">x</p></div>', None),
    ("in a scroll container", f'<div style="height: 50px; overflow: auto"><div style="height: 60px"></div>'
                              f'<p id=t style="{BOX}">x</p></div>', None),
    ("a carousel's next slide", '<style>@keyframes slide { to { transform: translateX(-200px) } }</style>'
                                '<div style="width: 200px; overflow: hidden"><ul style="display: flex; margin: 0; padding: 0;'
                                ' animation: slide 5s 60s infinite"><li style="flex: 0 0 200px; height: 50px">1</li>'
                                '<li id=t style="flex: 0 0 200px; height: 50px">2</li></ul></div>', None),
    ("clip-path inset 50%", f'<p id=t style="{BOX}; clip-path: inset(50%)">x</p>', r"^clip-path: inset\(50%\) on p#t$"),
    ("ancestor clip-path circle 0", f'<div id=c style="clip-path: circle(0)"><p id=t style="{BOX}">x</p></div>',
     r"^clip-path: circle\(0"),
    ("clip-path rounding", f'<p id=t style="{BOX}; clip-path: inset(0 round 8px)">x</p>', None),
    ("clip rect 0 (visually hidden)", f'<p id=t style="{BOX}; position: absolute; clip: rect(0 0 0 0)">x</p>', r"^clip: rect\("),
    ("scaled to nothing", f'<p id=t style="{BOX}; transform: scale(0)">x</p>', r"^zero size"),
]


@pytest.mark.parametrize("html, why", [pytest.param(html, why, id=case) for case, html, why in CASES])
def test_each_hiding_rule_counts_the_element_missing_and_says_why(page, html, why):
    page.set_content(html)
    target = page.locator("#t")
    reasons = hidden_reasons(target)
    measured = measure(target)  # the layout kind's count and visible
    if why is None:
        assert reasons == [None]
        assert (measured.count, measured.visible_count) == (1, 1) and measured.box is not None
    else:
        assert len(reasons) == 1 and reasons[0] and re.search(why, reasons[0]), reasons
        assert (measured.count, measured.visible_count, measured.box) == (1, 0, None)
        assert measured.rendered.hidden == {1: reasons[0]}


def test_counts_and_texts_are_of_rendered_elements_only(page):
    page.set_content("<ul><li>one</li><li style='display: none'>two</li><li>  three\n  lines </li>"
                     "<li style='visibility: hidden'>four</li></ul>")
    items = page.locator("li")
    seen = rendered(items)
    assert (seen.count, seen.rendered_count, sorted(seen.hidden)) == (4, 2, [2, 4])
    assert rendered_texts(items) == ["one", "three lines"]
    assert measure(items).visible_count == 2


def test_hidden_runs_are_described_together():
    seen = Rendered(22, {n: "clipped by div#startts" for n in range(4, 23)} | {1: "display: none on p"})
    assert seen.describe_hidden("paragraph") == "paragraph 1 (display: none on p); paragraph 4-22 (clipped by div#startts)"


# -- images: what a reader who scrolled to one sees ------------------------------------------

GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
SVG = "data:image/svg+xml," + "%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='3'/%3E"
SPACER = '<div style="height: 3000px"></div>'
# A working lazy loader: swaps data-src in when the image comes into view.
LAZY_LOADER = """<script>
new IntersectionObserver((entries, io) => entries.forEach(e => {
  if (e.isIntersecting) { e.target.src = e.target.dataset.src; io.unobserve(e.target); }
})).observe(document.querySelector('img'));
</script>"""


@pytest.mark.parametrize("html, why", [
    pytest.param(f'{SPACER}<img src="{SVG}" width=40 height=30>', None, id="plain image"),
    pytest.param(f'{SPACER}<img src="{GIF}" data-src="{SVG}" width=40 height=30>{LAZY_LOADER}', None,
                 id="lazy image swapped in"),
    pytest.param(f'{SPACER}<img src="{GIF}" data-src="/thumb.svg" width=40 height=30>',
                 r"^shows data:image/gif;base64,R0lGODlh\.\.\. while its data-src is /thumb\.svg: a placeholder",
                 id="placeholder never swapped"),
    pytest.param(f'{SPACER}<img data-src="/thumb.svg" width=40 height=30>',
                 r"^has no src, only data-src /thumb\.svg: the lazy loader never swapped it in", id="data-src only"),
    pytest.param(f'{SPACER}<img src="data:image/png;base64,AAAA" width=40 height=30>', r"did not load", id="undecodable"),
])
def test_an_image_scrolled_to_shows_its_own_src(page, html, why):
    page.set_content(html)
    problems = scroll_to_and_load(page.locator("img"))
    broken = broken_images(page.locator("html"))  # page_health's and visual's reading
    if why is None:
        assert problems == [None] and broken == []
    else:
        assert len(problems) == 1 and problems[0] and re.search(why, problems[0]), problems
        assert broken == [problems[0]]


def test_a_hidden_lazy_image_is_not_judged_it_never_scrolls_into_view(page):
    page.set_content(f'<div style="display: none"><img src="{GIF}" data-src="/menu.svg"></div>')
    assert broken_images(page.locator("html")) == []


# -- the font size the reader gets --------------------------------------------------------------

def _article(paragraph_style: str = "", body_style: str = "font-size: 20px") -> str:
    return (f'<div id="article"><div id="startts" style="{body_style}">'
            + "".join(f'<p style="{paragraph_style}">paragraph {n}</p>' for n in range(1, 4)) + "</div></div>")


@pytest.mark.parametrize("html, sizes, container, described", [
    pytest.param(_article(), (20, 20, 20), 20, "20px", id="paragraphs follow the container"),
    pytest.param(_article("font-size: 18px"), (18, 18, 18), 20, "18px", id="fixed px paragraphs"),
    pytest.param(_article(body_style="font-size: 20px; transform: scale(0.5)"), (10, 10, 10), 20, "10px",
                 id="a transform paints them smaller"),
    pytest.param(_article().replace('<p style="">paragraph 3', '<p style="font-size: 16px">paragraph 3'),
                 (20, 20, 16), 20, "20px (paragraphs 1-2 at 20px, 3 at 16px)", id="one paragraph restyled"),
])
def test_the_font_check_reads_every_paragraph_as_painted(page, html, sizes, container, described):
    page.set_content(html)
    body = BodyText.read(Article(page))
    assert (body.paragraphs, body.container, str(body)) == (sizes, container, described)
    assert body.at(container) == all(s == container for s in sizes)
    assert bool(body.container_note()) == (not body.at(container))


def test_no_paragraph_to_read_is_a_clear_error(page):
    page.set_content('<div id="article"><div id="startts" style="font-size: 18px">no paragraphs</div></div>')
    with pytest.raises(ValueError, match=r"^article\.paragraphs: font-size None is not a px value \(no paragraph"):
        Article(page).paragraph_font_px()
