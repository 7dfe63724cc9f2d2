"""The site's chrome as a reader sees it: what the chrome tests compare with the target's
reference (``baselines/<target>/chrome.yaml``), and what ``regress reference`` records.

The chrome is what a deployment ships and no news day changes: menus, sub-nav, member
links, the share networks, footer groups and imprint. A missing section is a regression
on any day, so it is compared exactly, on every target."""
from __future__ import annotations

from pages import ArticlePage


def norm(text: str) -> str:
    return " ".join(text.split())


def gnb(site: ArticlePage) -> list[str]:
    return [norm(t) for t in site.menu.gnb_links.all_text_contents()]


def member_links(site: ArticlePage) -> list[str]:
    return [norm(t) for t in site.menu.member_links.all_text_contents()]


def sub_nav(site: ArticlePage) -> dict:
    nav = site.menu.sub_nav
    return {"title": " ".join(norm(t) for t in nav.heading.all_text_contents()),
            "items": [norm(t) for t in nav.links.all_text_contents()],
            "current": norm(nav.current.text_content()) if nav.current.count() == 1 else None}


def overlay_sections(site: ArticlePage) -> list[dict]:
    """Read from the open overlay (the caller opens it)."""
    return [{"name": s.title, "subsections": s.subsections} for s in site.menu.overlay.sections]


def share_networks(site: ArticlePage) -> list[str]:
    bar = site.share_bar
    return [name for name in bar.NETWORKS if bar.network(name).count() == 1]


def footer(site: ArticlePage) -> dict:
    return {"imprint": site.footer.imprint_lines,
            "groups": [{"name": g.title, "links": g.link_texts} for g in site.footer.groups]}


# The first family of an element's computed font-family: the face the template asks for.
FIRST_FAMILY_JS = "el => getComputedStyle(el).fontFamily.split(',')[0].trim().replace(/^[\"']|[\"']$/g, '')"


def first_family(locator) -> str | None:
    return locator.first.evaluate(FIRST_FAMILY_JS) if locator.count() else None


def fonts(site: ArticlePage) -> dict:
    """The typefaces of the headline and of the body text."""
    return {"headline": first_family(site.article.headline), "body": first_family(site.article.paragraphs)}


def widgets(site: ArticlePage) -> dict:
    """Each widget's heading and how many stories it shows: the template's, not the day's."""
    return {
        "top_ten": {"heading": norm(site.top_ten.heading.text_content()), "count": site.top_ten.items.locator.count()},
        "top_five": {"heading": norm(site.top_five.heading.text_content()),
                     "count": site.top_five.items.locator.count()},
        "darkroom": {"heading": norm(site.darkroom.heading.text_content()),
                     "count": site.darkroom.items.locator.count()},
        "trending": {"count": site.trending.items.locator.count()},
    }


def reporter_email(site: ArticlePage) -> str | None:
    email = site.article.reporter_email
    return email.get_attribute("href") if email.count() else None


def reporter_domain(site: ArticlePage) -> str | None:
    """The newsroom's mail domain: reporters change, the domain is the site's."""
    email = reporter_email(site)
    return email.rsplit("@", 1)[1] if email and "@" in email else None


def record(site: ArticlePage) -> dict:
    """The whole chrome of an opened article page (opens and closes the all-menu overlay)."""
    chrome = {"gnb": gnb(site), "member_links": member_links(site), "sub_nav": sub_nav(site),
              "share_networks": share_networks(site), "footer": footer(site), "fonts": fonts(site),
              "widgets": widgets(site), "reporter_domain": reporter_domain(site)}
    site.menu.open_overlay()
    chrome["overlay_sections"] = overlay_sections(site)
    site.menu.close_overlay()
    return chrome
