"""print_preview: the print view opens, hides chrome under print media, prints a sane PDF."""
from __future__ import annotations

import io
import unicodedata

from pages import ArticlePage
from . import CheckFailure, CheckKind, Problems, register

# window.print() is recorded, not run: a real dialog would block headless Chromium.
RECORD_PRINT_JS = "window.__printCalls = 0; window.print = () => { window.__printCalls += 1; };"


# The sub-checks of one item, by the names its failures carry.
OPENS = "the print view opens"
CALLS_PRINT = "the print view calls window.print()"
PDF_PAGES = "PDF page count"
PDF_HEADLINE = "PDF text has the headline"
PDF_PARAGRAPHS = "PDF text has every paragraph"
SAME_STORY = "the article page and the print view show the same paragraphs"
LABELS = ("print view", "article page")


def hides(label: str) -> str:
    return f"{label} hides the chrome under print media"


def shows(label: str) -> str:
    return f"{label} shows the article under print media"


def assertions(options, viewport: str) -> list[str]:
    names = [OPENS] + ([CALLS_PRINT] if options.get("require_print_call", True) else [])
    for label in LABELS:
        names += [hides(label), shows(label)]
    return names + [SAME_STORY, PDF_PAGES, PDF_HEADLINE, PDF_PARAGRAPHS]


def run(ctx, options) -> None:
    ctx.page.context.add_init_script(RECORD_PRINT_JS)
    site = ctx.open()
    headline = " ".join(site.article.headline.text_content().split())
    # Two templates render one story: whatever the day's story is, they must agree on it.
    paragraphs = _paragraphs(site)
    view = site.article.open_print_view()
    if view is ctx.page and view.url == ctx.url:
        raise CheckFailure("Print Preview opened nothing: no popup and no navigation", [OPENS])
    view.wait_for_function("() => document.fonts.ready.then(() => true)")
    problems = Problems()
    in_view = _paragraphs(ArticlePage(view, ctx.base_url))
    if len(in_view) != len(paragraphs):
        problems.add(SAME_STORY, f"the article page shows {len(paragraphs)} paragraphs, its print view "
                                 f"{len(in_view)}: one of the two templates loses text")
    if options.get("require_print_call", True):
        calls = view.evaluate("() => window.__printCalls || 0")
        if calls < 1:
            problems.add(CALLS_PRINT, f"the print view ({view.url}) never called window.print()")
    # Readers print the print view, and also the article itself with Ctrl+P: both must print clean.
    for label, printed_page in zip(LABELS, (view, ctx.page)):
        printed_page.emulate_media(media="print")
        printed = ArticlePage(printed_page, ctx.base_url)
        # What is chrome and what is the story is the site's: its settings name them, or the check.
        for name in options.get("hidden") or ctx.settings["print_preview"]["hidden"]:
            if ctx.locate(printed, name).filter(visible=True).count():
                problems.add(hides(label), f"{label}: {name} is visible under print media; the print stylesheet must hide it")
        for name in options.get("shown") or ctx.settings["print_preview"]["shown"]:
            if not ctx.locate(printed, name).filter(visible=True).count():
                problems.add(shows(label), f"{label}: {name} is not shown under print media")
    low, high = options.get("pdf_pages") or ctx.settings["print_preview"]["pdf_pages"]
    pages, text = _pdf_pages_and_text(view.pdf(print_background=False))
    if not low <= pages <= high:
        problems.add(PDF_PAGES, f"the PDF has {pages} pages, expected {low}..{high}")
    flat = _squash(text)
    if _squash(headline) not in flat:
        problems.add(PDF_HEADLINE, f"the PDF text lacks the headline {headline!r}")
    # The printout is the whole story: every paragraph of the article page, whatever they are today.
    missing = [(n, p) for n, p in enumerate(paragraphs, start=1) if _squash(p) not in flat]
    if missing:
        shown = ", ".join(f"{n} {p[:40]!r}..." for n, p in missing[:3]) + (", ..." if len(missing) > 3 else "")
        problems.add(PDF_PARAGRAPHS, f"the PDF text lacks paragraph{'s' if len(missing) > 1 else ''} "
                                     f"{_numbers([n for n, _ in missing])} of {len(paragraphs)} of the article "
                                     f"page: {shown}")
    problems.raise_if_any()


def _numbers(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> ``1-3, 7``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _paragraphs(site: ArticlePage) -> list[str]:
    return [" ".join(t.split()) for t in site.article.paragraphs.all_text_contents()]


def _pdf_pages_and_text(pdf: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages)


def _squash(text: str) -> str:
    """Compare text without whitespace, in one Unicode form: PDF extraction breaks lines,
    hyphenates freely and may give ligatures as one character (NFKC makes "ﬁ" "fi" again)."""
    return "".join(unicodedata.normalize("NFKC", text).replace("\u00ad", "").split())


def _options():
    from ..model.schema import ComponentList, CountRange, Field

    return {
        "pdf_pages": CountRange(doc="page count range of the PDF; default print_preview.pdf_pages"),
        "hidden": ComponentList(min=1, doc="components hidden under print media; default print_preview.hidden"),
        "shown": ComponentList(min=1, doc="components shown under print media; default print_preview.shown"),
        "require_print_call": Field(bool, default=True, doc="the print view must call window.print()"),
    }


register(CheckKind(name="print_preview", run=run, options=_options(), description=__doc__,
                   assertions=assertions))
