"""axe-core in the page, offline: the script the ``axe-playwright-python`` package ships, its
version and rules, and one scan whose failing elements are named by the components they sit in.

The script is the package's own ``axe.min.js`` (pinned in ``pyproject.toml``), evaluated in
the page: never fetched, never a ``<script>`` element added to the document. Its version, tags
and rule ids are read from the file itself, so a scenario's tags and rule names are checked
when scenarios load, without a browser (``tests/self/test_accessibility.py`` holds them to
``axe.getRules()`` in Chromium).

A scan changes nothing a reader or a later capture sees: axe reads the DOM and computed styles,
scroll positions are restored (``restoreScroll``), and the marks that name components are a
JavaScript array, removed after the scan.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Mapping, Sequence

from playwright.sync_api import Page

PACKAGE = "axe-playwright-python"
HTML_CHARS = 160  # a failing element's markup is cut to this in results
IMPACTS = ("minor", "moderate", "serious", "critical")  # axe's impact levels, lowest first


@functools.cache
def script() -> str:
    """axe.min.js as the package ships it."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


@functools.cache
def version() -> str:
    """The axe-core version of the shipped script, from its licence header (``/*! axe v4.12.1``)."""
    found = re.match(r"/\*! axe v(\d+\.\d+\.\d+\S*)", script())
    if not found:
        raise RuntimeError(f"the axe.min.js of {PACKAGE} does not start with its version header")
    return found.group(1)


@functools.cache
def rules() -> Mapping[str, tuple[str, ...]]:
    """Every rule of the shipped axe-core: its id -> its tags, read from the script's rule table."""
    table = {m.group(1): tuple(re.findall(r'"([^"]+)"', m.group(2)))
             for m in re.finditer(r'\{id:"([a-z0-9-]+)",[^{}]{0,600}?tags:\[([^\]]*)\]', script())}
    if not table:
        raise RuntimeError(f"no rule table found in the axe.min.js of {PACKAGE}")
    return table


def tags() -> list[str]:
    """Every tag some rule of the shipped axe-core has (wcag2a, wcag21aa, best-practice, ...)."""
    return sorted({tag for names in rules().values() for tag in names})


@dataclass(frozen=True)
class Node:
    """One failing element: axe's selector for it (positional: for a reader, never compared), its
    markup shortened, what axe says is wrong, and the component it sits in."""
    target: str
    html: str
    summary: str
    component: str
    impact: str


@dataclass(frozen=True)
class Violation:
    """One rule that failed, with its failing elements."""
    rule: str
    impact: str
    help: str
    help_url: str
    nodes: tuple[Node, ...]


# The script is a UMD module: with an AMD loader or CommonJS on the page it would register there
# instead of on window, so those names are hidden from it. Evaluated as an expression, as
# Playwright evaluates any script, so a page's own script policy does not apply to it.
_LOADED_JS = "() => window.axe ? window.axe.version : null"
_WRAPPED = "(function (define, module, exports) {{\n{source}\n}}).call(window);\nwindow.axe ? window.axe.version : null"

# Each element of the named components, remembered in order; its index names it in the scan.
MARK_JS = """el => {
  const marks = (window.__regressAxeMarks = window.__regressAxeMarks || []);
  let i = marks.indexOf(el);
  if (i < 0) { i = marks.length; marks.push(el); }
  return i;
}"""

# The scan: the marked elements of the scope (or the document), then each failing element named by
# the nearest marked element at or above it (owners: mark index -> component name).
_SCAN_JS = """async ([scope, owners, fallback, options, htmlChars]) => {
  const marks = window.__regressAxeMarks || [];
  delete window.__regressAxeMarks;
  const index = new Map(marks.map((el, i) => [el, i]));
  const context = scope === null ? document : {include: scope.map(i => marks[i])};
  const result = await window.axe.run(context, {...options, elementRef: true, resultTypes: ['violations'],
                                                restoreScroll: true});
  const ownerOf = el => {
    for (let e = el; e; e = e.parentElement || (e.getRootNode && e.getRootNode().host) || null) {
      const i = index.get(e);
      if (i !== undefined && owners[i]) return owners[i];
    }
    return fallback;
  };
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact || 'minor', help: v.help, help_url: v.helpUrl,
    nodes: v.nodes.map(n => ({
      target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' >> '),
      html: n.html.replace(/\\s+/g, ' ').slice(0, htmlChars),
      summary: (n.failureSummary || '').replace(/\\s+/g, ' ').trim(),
      component: n.element ? ownerOf(n.element) : fallback,
      impact: n.impact || v.impact || 'minor',
    })),
  }));
}"""


class AxeNotLoaded(RuntimeError):
    """The page would not run the shipped script."""


def inject(page: Page) -> str:
    """axe-core loaded into the page's document (once per document); its version as the page reports it."""
    loaded = page.evaluate(_LOADED_JS)
    if loaded != version():
        loaded = page.evaluate(_wrapped())
    if loaded != version():
        raise AxeNotLoaded(f"axe-core {version()} did not load in the page (window.axe.version is {loaded!r})")
    return loaded


@functools.cache
def _wrapped() -> str:
    return _WRAPPED.format(source=script())


def scan(page: Page, scope: Sequence[int] | None, owners: Mapping[int, str], fallback: str,
         run_options: Mapping[str, Any]) -> list[Violation]:
    """axe.run over the marked elements ``scope`` (None: the document), after :data:`MARK_JS` marked
    the components; each failing element named by ``owners`` (mark index -> component)."""
    found = page.evaluate(_SCAN_JS, [list(scope) if scope is not None else None,
                                     {str(i): name for i, name in owners.items()}, fallback,
                                     dict(run_options), HTML_CHARS])
    return [Violation(v["rule"], v["impact"], v["help"], v["help_url"], tuple(Node(**n) for n in v["nodes"]))
            for v in found]


def run_options(tags: Sequence[str], disabled: Sequence[str] = ()) -> dict:
    """axe.run's options: only the rules of these tags, less the disabled ones."""
    options: dict[str, Any] = {"runOnly": {"type": "tag", "values": list(tags)}}
    if disabled:
        options["rules"] = {rule: {"enabled": False} for rule in disabled}
    return options
