"""The document head as a crawler or a share preview reads it: title, meta, Open Graph, links, JSON-LD.

Standard HTML and Open Graph only (no selector of the template): one round trip reads it all,
URLs resolved as the browser resolves them (``link.href``), meta contents as written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from playwright.sync_api import Page

# Every <meta> keyed by its name or property, lower-cased (a key may repeat: og:image twice).
_HEAD_JS = """() => {
  const meta = {};
  for (const m of document.querySelectorAll('meta[name], meta[property]')) {
    const key = (m.getAttribute('property') || m.getAttribute('name')).trim().toLowerCase();
    (meta[key] = meta[key] || []).push(m.getAttribute('content') ?? '');
  }
  const link = rel => { const l = document.querySelector(`link[rel~="${rel}" i]`); return l ? l.href : null; };
  const titles = document.querySelectorAll('head title');
  return {
    title: titles.length ? titles[0].textContent : null,
    meta,
    canonical: link('canonical'),
    favicon: link('icon'),
    json_ld: Array.from(document.querySelectorAll('script[type="application/ld+json" i]'), s => s.textContent),
    url: document.URL,
  };
}"""


@dataclass(frozen=True)
class PageHead:
    """What the head of the loaded page says, as written (``None``: the element is absent)."""

    url: str  # the document's own address
    title: str | None  # <title>'s text
    meta: Mapping[str, tuple[str, ...]]  # meta name or property (lower case) -> each content, in order
    canonical: str | None  # <link rel=canonical>, resolved
    favicon: str | None  # <link rel=icon>, resolved; None when the page names none
    json_ld: tuple[str, ...]  # the text of each <script type=application/ld+json>, in order
    headers: Mapping[str, str] = field(default_factory=dict)  # the page response's headers, lower-case names

    def first(self, key: str) -> str | None:
        """The first content of a meta name or property (``description``, ``og:url``), None without one."""
        values = self.meta.get(key.lower())
        return values[0] if values else None

    def all(self, key: str) -> tuple[str, ...]:
        return tuple(self.meta.get(key.lower(), ()))


def read_head(page: Page, headers: Mapping[str, str] | None = None) -> PageHead:
    raw = page.evaluate(_HEAD_JS)
    return PageHead(url=raw["url"], title=raw["title"],
                    meta={key: tuple(values) for key, values in raw["meta"].items()},
                    canonical=raw["canonical"], favicon=raw["favicon"], json_ld=tuple(raw["json_ld"]),
                    headers=dict(headers or {}))
