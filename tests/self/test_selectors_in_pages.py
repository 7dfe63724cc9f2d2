"""The template's selectors live only in ``pages/`` (docs/architecture.md, docs/dom-contract.md).

Every string literal of the regression suite (``tests/regression/*.py``) and of the engine
(``regress/**/*.py``) is scanned for a CSS class or id selector of the site's template: a
class or id the demo site's templates render, or one docs/dom-contract.md lists. Standard
HTML (``a[href]``, ``link[rel~=canonical]``, ``body``) is not the template's and may stay
where it is used; the component names scenarios use (``menu.logo``) are not selectors.
"""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path
from typing import NamedTuple

from pages.components import COMPONENTS

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("tests/regression/*.py", "regress/**/*.py")

_ATTRIBUTE = re.compile(r"""\b(?:class|id)\s*=\s*["']([^"']*)["']""")
_JINJA_STATEMENT = re.compile(r"\{%.*?%\}")
_NAME = re.compile(r"[A-Za-z_][\w-]*")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_QUOTED = re.compile(r'"[^"\n]*"')
# `.name` or `#name`, alone or after a tag name (`a.logo`), not inside a word, a path or an attribute chain.
_SELECTOR = re.compile(r"(?<![\w.\-/:)\]}@])(?:[a-z][a-z0-9]*)?[.#]([A-Za-z_][\w-]*)")
_FIELD = re.compile(r"\{[^{}]*\}")  # an f-string's replacement field: code, not text
_COMPONENT = re.compile(r"(?<![\w.#-])(?:" + "|".join(
    re.escape(name) for name in sorted(COMPONENTS, key=len, reverse=True)) + r")(?![\w-]|\.\w)")


class Vocabulary(NamedTuple):
    names: frozenset[str]  # classes and ids
    prefixes: frozenset[str]  # of names the template builds (`sns_{{ s.net }}`)

    def has(self, name: str) -> bool:
        return name in self.names or any(name.startswith(p) for p in self.prefixes)


def template_vocabulary() -> Vocabulary:
    names, prefixes = set(), set()
    for template in sorted((ROOT / "demo_site" / "templates").glob("*.html")):
        for value in _ATTRIBUTE.findall(template.read_text(encoding="utf-8")):
            for token in _JINJA_STATEMENT.sub(" ", value).split():
                if "{{" in token:
                    prefixes.update(filter(None, [token.split("{{")[0]]))
                elif _NAME.fullmatch(token):
                    names.add(token)
    doc = (ROOT / "docs" / "dom-contract.md").read_text(encoding="utf-8")
    for block in _FENCE.findall(doc):  # the DOM trees; their quoted texts are content, not hooks
        names.update(m.group(1) for m in _SELECTOR.finditer(_QUOTED.sub(" ", block)))
    return Vocabulary(frozenset(names), frozenset(prefixes))


def _strings(source: str):
    """(first line, text) of every string literal; an f-string without its replacement fields."""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            text = token.string
            prefix = text[:text.index(text.lstrip("rRbBuUfF")[0])]
            yield token.start[0], _FIELD.sub(" ", text) if "f" in prefix.lower() else text


def template_selectors(source: str, vocabulary: Vocabulary) -> list[tuple[int, str]]:
    """(line, selector) of each template class or id a Python source spells in a string."""
    found = []
    for first_line, text in _strings(source):
        text = _COMPONENT.sub(lambda m: " " * len(m.group()), text)
        for match in _SELECTOR.finditer(text):
            if vocabulary.has(match.group(1)):
                found.append((first_line + text.count("\n", 0, match.start()), match.group()))
    return found


def test_the_vocabulary_is_the_templates():
    vocabulary = template_vocabulary()
    for name in ("sub_nav_title", "reporter_email", "trending_item", "startts", "sns_area", "top10"):
        assert vocabulary.has(name), f"{name} is not in the template vocabulary"
    assert vocabulary.has("sns_facebook")  # built by the template: sns_{{ s.net }}
    for name in ("html", "querySelector", "fragment", "canonical"):
        assert not vocabulary.has(name), f"{name} is not a class or id of the template"


def test_the_scan_finds_selectors_and_only_selectors():
    vocabulary = template_vocabulary()
    source = '''
x = "#trending li.trending_item a"
y = f"{site.root} .related_title"
z = (".sub_nav_title",
     "a.reporter_email")
ok = ["menu.logo", "top_ten.items", "index.html", "a[href]", "link[rel~=canonical]", f"{node.tag!r}", "#gone"]
site.menu.logo
'''
    assert template_selectors(source, vocabulary) == [
        (2, "#trending"), (2, "li.trending_item"), (3, ".related_title"), (4, ".sub_nav_title"),
        (5, "a.reporter_email")]


def test_template_selectors_live_only_in_pages():
    vocabulary = template_vocabulary()
    found = []
    for pattern in SCANNED:
        for path in sorted(ROOT.glob(pattern)):
            for line, selector in template_selectors(path.read_text(encoding="utf-8"), vocabulary):
                found.append(f"{path.relative_to(ROOT)}:{line}: {selector}")
    assert not found, ("the template's selectors belong in pages/ (a locator or verb of the region "
                       "they are in):\n" + "\n".join(found))


def test_the_canonical_link_is_read_in_one_place():
    """``BasePage.canonical_url`` (pages/base.py) is the one read; everything else calls it."""
    selector = re.compile(r"""\[rel[~|^$*]?=\s*\\?["']?canonical""")
    places = [f"{path.relative_to(ROOT)}:{n}"
              for pattern in (*SCANNED, "pages/*.py") for path in sorted(ROOT.glob(pattern))
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
              if selector.search(line)]
    assert len(places) == 1 and places[0].startswith("pages/base.py:"), \
        f"the canonical link is read in {places}, expected once, in pages/base.py"
