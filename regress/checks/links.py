"""links: every link in the named components works.

Internal links (same origin as the site) are requested, HEAD then GET, and
must answer below 400 within ``max_redirects`` redirects; a ``#fragment`` must
exist on the target. External links are only syntax-checked unless their host
is allowed (settings ``links.allow_hosts`` plus the check's ``allow_hosts``).
Share links must carry the page's canonical URL (and its title, for networks
that take one); ``mailto`` links must parse; other schemes fail.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from pages.base import ShareFacts
from . import CheckKind, Problems, register
from ..engines.linkcheck import LinkChecker, origin_of, valid_hostname

# One call per component: every a[href] inside it, plus the element itself. The share
# bars are given as elements (the page objects know where they are).
_COLLECT_JS = """(els, [component, shareBars]) => {
  const seen = new Set(), out = [];
  const label = a => {
    const text = (a.innerText || a.textContent || '').replace(/\\s+/g, ' ').trim();
    if (text) return text;
    const img = a.querySelector('img[alt]');
    return a.getAttribute('aria-label') || a.getAttribute('title') || (img && img.alt) || '';
  };
  for (const el of els) {
    const anchors = el.matches('a[href]') ? [el] : [];
    anchors.push(...el.querySelectorAll('a[href]'));
    for (const a of anchors) {
      if (seen.has(a)) continue;
      seen.add(a);
      const raw = a.getAttribute('href');
      let href = typeof a.href === 'string' ? a.href : '';
      if (!href) { try { href = new URL(raw, document.baseURI).href; } catch (e) { href = raw; } }
      out.push({component, href, text: label(a), in_share_bar: shareBars.some(bar => bar.contains(a))});
    }
  }
  return out;
}"""

_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s]+$")


# --- share links (pure functions) ----------------------------------------------

def share_network(url: str, in_share_bar: bool = False) -> str | None:
    """The network a share URL posts to, or None if it is not a share link."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme == "mailto":
        return "mailto" if in_share_bar else None
    if scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    path = parts.path.rstrip("/").lower()

    def on(*domains: str) -> bool:
        return any(host == d or host.endswith("." + d) for d in domains)

    if on("facebook.com") and path in ("/sharer/sharer.php", "/sharer.php", "/share.php"):
        return "facebook"
    if on("twitter.com", "x.com") and path in ("/intent/tweet", "/share", "/intent/post"):
        return "twitter"
    if on("story.kakao.com") and path in ("/share", "/s/share"):
        return "kakaostory"
    if (on("whatsapp.com") and path in ("/send", "/send/")) or on("wa.me"):
        return "whatsapp"
    if on("reddit.com") and path == "/submit":
        return "reddit"
    return None


def _norm(text: str) -> str:
    return " ".join(text.split())


def _one(params: Mapping[str, list[str]], key: str) -> tuple[str | None, str | None]:
    values = params.get(key, [])
    if not values:
        return None, f"lacks the {key!r} parameter"
    if len(values) > 1:
        return None, f"gives {key!r} {len(values)} times"
    return values[0], None


def _mailto_parts(url: str) -> tuple[str, dict[str, list[str]]]:
    """Address part and query of a mailto URL. '+' stays '+' (RFC 6068)."""
    rest = url.split(":", 1)[1] if ":" in url else ""
    address, _, query = rest.partition("?")
    params: dict[str, list[str]] = {}
    for pair in query.split("&") if query else []:
        key, _, value = pair.partition("=")
        params.setdefault(unquote(key).lower(), []).append(unquote(value))
    return unquote(address), params


def _tokens(text: str) -> list[str]:
    return text.split()


def share_problems(url: str, canonical: str, titles: Iterable[str], network: str | None = None) -> list[str]:
    """What is wrong with one share link: it must carry ``canonical`` exactly
    (after decoding) and, where the network takes one, one of ``titles``."""
    network = network or share_network(url, in_share_bar=url.lower().startswith("mailto:"))
    titles = [_norm(t) for t in titles if t and _norm(t)]
    problems: list[str] = []

    def need_url(value: str | None, err: str | None, where: str, token: bool = False) -> None:
        if err:
            problems.append(f"share URL {err} (the canonical URL {canonical})")
        elif not (canonical in _tokens(value) if token else value == canonical):
            got = f"has {value!r}" if value else "it is empty"
            problems.append(f"share URL lacks canonical URL {canonical} in {where} ({got})")

    def need_title(value: str | None, err: str | None, where: str) -> None:
        if err:
            problems.append(f"share URL {err} (the page title)")
        elif titles and not any(t in _norm(value) for t in titles):
            problems.append(f"share URL lacks the title {titles[0]!r} in {where} (has {value!r})")

    if network == "mailto":
        address, params = _mailto_parts(url)
        if address and not all(_ADDRESS.match(a.strip()) for a in address.split(",")):
            problems.append(f"mailto address {address!r} does not parse")
        subject, err = _one(params, "subject")
        need_title(subject, err, "subject")
        body, err = _one(params, "body")
        need_url(body, err, "body", token=True)
        return problems
    if network is None:
        return ["not a known share URL"]
    params = parse_qs(urlsplit(url).query, keep_blank_values=True)
    if network == "facebook":
        need_url(*_one(params, "u"), "u")
    elif network == "kakaostory":
        need_url(*_one(params, "url"), "url")
    elif network == "twitter":
        need_url(*_one(params, "url"), "url")
        need_title(*_one(params, "text"), "text")
    elif network == "reddit":
        need_url(*_one(params, "url"), "url")
        need_title(*_one(params, "title"), "title")
    elif network == "whatsapp":
        text, err = _one(params, "text")
        need_url(text, err, "text", token=True)
        if not err:
            need_title(text, None, "text")
    return problems


def mailto_problems(url: str) -> list[str]:
    """A plain (non-share) mailto link: one or more ``local@domain`` addresses."""
    address, _ = _mailto_parts(url)
    if not address.strip():
        return ["mailto link has no address"]
    problems = []
    for addr in address.split(","):
        addr = addr.strip()
        if not _ADDRESS.match(addr):
            problems.append(f"mailto address {addr!r} does not parse")
        elif not valid_hostname(addr.rsplit("@", 1)[1]) or "." not in addr.rsplit("@", 1)[1]:
            problems.append(f"mailto address {addr!r} has an invalid domain")
    return problems


class LinkKind(StrEnum):
    """How a link is checked."""
    INTERNAL = "internal"  # same origin as the site: requested
    EXTERNAL = "external"  # requested if its host is allowed, else syntax-checked
    SHARE = "share"  # decoded: must carry the canonical URL (and title)
    MAILTO = "mailto"  # must parse
    TEL = "tel"  # must parse
    SKIP = "skip"  # a share mailto: link when share links are not checked
    OTHER = "other"  # another scheme (javascript:...): not allowed

    @property
    def fetched(self) -> bool:
        return self in (LinkKind.INTERNAL, LinkKind.EXTERNAL)


def classify(url: str, base_origin: tuple[str, str, int], in_share_bar: bool = False) -> LinkKind:
    """Every kind but SKIP, which only :func:`kind_of` gives."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if share_network(url, in_share_bar):
        return LinkKind.SHARE
    if scheme == "mailto":
        return LinkKind.MAILTO
    if scheme == "tel":
        return LinkKind.TEL
    if scheme in ("http", "https"):
        try:
            return LinkKind.INTERNAL if origin_of(url) == base_origin else LinkKind.EXTERNAL
        except ValueError:
            return LinkKind.EXTERNAL  # malformed port etc.: the syntax check reports it
    return LinkKind.OTHER


@dataclass(frozen=True)
class Link:
    """One link found in a named component."""
    component: str
    href: str  # as the browser resolves it
    text: str  # what a reader sees: its text, else its label or image alt
    in_share_bar: bool

    @classmethod
    def of(cls, found: Mapping[str, Any]) -> "Link":
        return cls(found["component"], found["href"], found["text"], bool(found["in_share_bar"]))


def kind_of(link: Link, base_origin: tuple[str, str, int], check_share: bool) -> LinkKind:
    kind = classify(link.href, base_origin, link.in_share_bar)
    if kind is LinkKind.SHARE and not check_share:
        # Not decoded: a share URL is then just an external link (mailto: skipped).
        return LinkKind.EXTERNAL if link.href.lower().startswith("http") else LinkKind.SKIP
    return kind


# --- the kind -------------------------------------------------------------------

def run(ctx, options: Mapping[str, Any]) -> None:
    settings = ctx.settings["links"]
    components = options["components"]
    problems = Problems()
    site = ctx.open()
    page_url = ctx.page.url
    links = _collect(ctx, site, components, problems)
    base_origin = origin_of(ctx.base_url)
    kinds = [kind_of(link, base_origin, options["check_share"]) for link in links]
    # absent max_redirects: the settings' links.max_redirects
    checker = LinkChecker.for_site(settings, ctx.base_url, options["allow_hosts"], options.get("max_redirects"))
    results = checker.check_many([link.href for link, kind in zip(links, kinds) if kind.fetched])
    facts = site.share_facts() if options["check_share"] else None
    found_in: dict[tuple[str, str, str], list[str]] = {}
    for link, kind in zip(links, kinds):
        for what in _link_problems(link, kind, results, facts):
            # A link inside two named components (share_bar within article) is reported once.
            found_in.setdefault((link.href, link.text, what), []).append(link.component)
    _report(problems, found_in)
    problems.raise_if_any(f"{len(problems)} link problem(s) among {len(links)} link(s) in "
                          f"{', '.join(components)} on {page_url}:")


def _collect(ctx, site, components: list[str], problems: Problems) -> list[Link]:
    """Every link of each named component, in order; a component unknown or without links is a problem."""
    share_bars = site.share_bar.root.element_handles()
    links: list[Link] = []
    for name in components:
        try:
            found = ctx.locate(site, name).evaluate_all(_COLLECT_JS, [name, share_bars])
        except KeyError:
            problems.add(component_check(name), f"[{name}] unknown component")
            continue
        if not found:
            problems.add(component_check(name), f"[{name}] has no links (the component is missing or lost its links)")
        links.extend(Link.of(f) for f in found)
    return links


def _link_problems(link: Link, kind: LinkKind, results: Mapping[str, Any], facts: ShareFacts | None) -> list[str]:
    """What is wrong with one link, by its kind (``facts`` None: share links are not checked)."""
    href = link.href
    if kind.fetched:
        res = results[href]
        return [] if res.ok else [res.error or f"status {res.status}"]
    if kind is LinkKind.SHARE:
        if facts is None:
            return []
        if not facts.canonical:
            return ["page has no <link rel=canonical> to compare the share URL with"]
        return share_problems(href, facts.canonical, facts.titles, share_network(href, link.in_share_bar))
    if kind is LinkKind.MAILTO:
        return mailto_problems(href)
    if kind is LinkKind.SKIP:
        return []
    if kind is LinkKind.TEL:
        return [] if re.fullmatch(r"tel:\+?[0-9()./\- ]{3,}", unquote(href), re.I) else ["tel link does not parse"]
    scheme = href.split(":", 1)[0] if ":" in href else "(none)"
    return [f"{scheme}: links are not allowed (use a real URL or a button)"]


def _report(problems: Problems, found_in: Mapping[tuple[str, str, str], list[str]]) -> None:
    """Each problem once, under the first component it was found in."""
    for (href, text, what), where in found_in.items():
        where = list(dict.fromkeys(where))
        also = f" (also in {', '.join(where[1:])})" if len(where) > 1 else ""
        problems.add(component_check(where[0]), f"[{where[0]}] {_quote(text)} {href}: {what}{also}")


def component_check(name: str) -> str:
    """The links of each named component are one assertion: ``links share_bar``."""
    return f"links {name}"


def assertions(options, viewport: str) -> list[str]:
    return [component_check(name) for name in options.get("components") or []]


def _quote(text: str) -> str:
    text = text or "(no text)"
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _options():
    from ..model.schema import ComponentList, Field, ListOf

    def host_check(value: str) -> str | None:
        m = re.fullmatch(r"(\*\.|\.)?(\[[0-9a-fA-F:.]+\]|[^:/\s\[\]]+)(:\d{1,5})?", value.strip())
        if not m or not valid_hostname(m.group(2).strip("[]")):
            return f"{value!r} is not a host name (give 'example.com', 'example.com:8080' or '*.example.com')"
        return None

    return {
        "components": ComponentList(required=True, min=1,
                                    doc="components whose links (a[href], the component itself included) are checked"),
        "max_redirects": Field(int, min=0, max=20,
                               doc="redirect hops allowed per link (default: links.max_redirects in the settings)"),
        "check_share": Field(bool, default=True,
                             doc="decode share links and require the canonical URL (and title)"),
        "allow_hosts": ListOf(Field(str, check=host_check), default=[],
                              doc="external hosts that may be requested, added to links.allow_hosts"),
    }


register(CheckKind(name="links", run=run, options=_options(), description=__doc__, assertions=assertions))
