"""Deliberate defects ("mutations") the demo site can serve, to prove the suite catches them.

A mutation is applied by ``DemoSite(mutation="name")`` or ``python -m demo_site --mutation name``.
Hooks (all optional):

* ``extra_css``  -- CSS appended to every HTML page in ``<style id="kt-mutation-css">`` (end of head)
* ``extra_js``   -- JS served as ``/static/js/mutation.js`` and loaded (defer) right after site.js,
                    so it runs after site.js has initialised the page
* ``transform``  -- ``callable(data) -> data`` applied once to a deep copy of the site data
                    (``{"site": site.yaml, "articles": [...]}``) before anything is rendered
* ``response_filter`` -- ``callable(path, content_type, body: bytes) -> bytes`` applied to every
                    response body (HTML, CSS, JS, images...) before it is sent

``expected_kinds`` names the check kinds that must fail when the mutation is active, e.g.
``{"font_controls"}``. Kinds used so far: content, font_controls, share, layout, links,
overlay, trending, print, visual, clock, performance, third_party.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass(frozen=True)
class Mutation:
    name: str
    description: str
    expected_kinds: frozenset = field(default_factory=frozenset)
    extra_css: str = ""
    extra_js: str = ""
    transform: Optional[Callable[[dict], dict]] = None
    response_filter: Optional[Callable[[str, str, bytes], bytes]] = None

    def __post_init__(self):
        object.__setattr__(self, "expected_kinds", frozenset(self.expected_kinds))

    def apply_data(self, data: dict) -> dict:
        return self.transform(data) if self.transform else data

    def filter_response(self, path: str, content_type: str, body: bytes) -> bytes:
        return self.response_filter(path, content_type, body) if self.response_filter else body


REGISTRY: dict[str, Mutation] = {}


def register(m: Mutation) -> Mutation:
    if m.name in REGISTRY:
        raise ValueError(f"duplicate mutation {m.name!r}")
    REGISTRY[m.name] = m
    return m


class UnknownMutation(KeyError):
    def __str__(self):
        return (f"unknown mutation {self.args[0]!r}; valid names: "
                + ", ".join(sorted(REGISTRY)))


def get(name: Optional[str]) -> Optional[Mutation]:
    if not name:
        return None
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownMutation(name) from None


def names() -> list[str]:
    return sorted(REGISTRY)


# -- transforms ------------------------------------------------------------
def _drop_last_top10(data: dict) -> dict:
    data["site"]["top10"] = list(data["site"]["top10"])[:9]
    return data


def _share_without_url(data: dict) -> dict:
    for s in data["site"]["share"]:
        t = s["template"]
        t = t.replace("u={U}", "u=").replace("url={U}", "url=").replace("%20{U}", "").replace("body={U}", "body=")
        s["template"] = t.replace("{U}", "")
    return data


# -- examples --------------------------------------------------------------
register(Mutation(
    name="font-up-noop",
    description="The Font Size Up button does nothing (its click is swallowed).",
    expected_kinds={"font_controls"},
    extra_js=(
        "document.addEventListener('click', function (e) {\n"
        "  if (e.target.closest && e.target.closest('.btn_font_up')) { e.stopImmediatePropagation(); e.preventDefault(); }\n"
        "}, true);\n"
    ),
))

register(Mutation(
    name="top10-item-missing",
    description="The Top 10 Stories widget lists only nine items (the 10th is dropped from the data).",
    expected_kinds={"content"},
    transform=_drop_last_top10,
))

register(Mutation(
    name="share-no-url",
    description="Share links are rendered without the article URL (templates lose their {U}).",
    expected_kinds={"share"},
    transform=_share_without_url,
))
