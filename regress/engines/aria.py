"""Aria snapshots as trees: Playwright's YAML read into nodes, written back, and made into templates.

``locator.aria_snapshot()`` gives a component's accessibility tree as YAML (roles, names,
levels and states, link URLs as ``/url`` properties). :func:`parse` reads that text into
:class:`Node` trees (PyYAML's base loader: every scalar stays the string Playwright wrote);
:func:`render` writes a tree back in Playwright's own notation, which
``expect(locator).to_match_aria_snapshot`` reads as a template. In between, the trees are
plain values: :func:`without_urls` drops the link targets, :func:`find_runs` finds where one
tree (a part of the component) sits in another, and :func:`as_template` turns the names and
text of the given nodes into regular expressions, so a template matches them by role and
structure, not by their words.

No browser here: the check kind (``regress.checks.aria_snapshot``) takes the snapshots.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Iterable

import yaml

ANY = "/.+/"  # a name or text a template matches by pattern: anything, but not nothing
CONTAIN, DEEP_EQUAL = "contain", "deep-equal"  # Playwright's /children matching modes
MODES = (CONTAIN, "equal", DEEP_EQUAL)

Path = tuple[int, ...]  # a node's place: child indices from the top-level list


class AriaSyntaxError(ValueError):
    """Text that is not an aria snapshot (Playwright's notation)."""


@dataclass(frozen=True)
class Node:
    """One node of an accessibility tree as Playwright writes it.

    A text node has ``role == "text"`` and its ``text``; a role node has its accessible
    ``name`` ("" for none; a ``/pattern/`` when ``pattern`` is set), its ``attrs`` as written
    (``[level=1]``, ``[expanded]``), its ``props`` (``("url", "/path")``), either one inline
    ``text`` or ``children``, and in a template the ``mode`` its children are matched by."""
    role: str
    name: str = ""
    attrs: tuple[str, ...] = ()
    text: str | None = None
    props: tuple[tuple[str, str], ...] = ()
    children: tuple["Node", ...] = ()
    mode: str | None = None
    pattern: bool = False  # the name is a regular expression (/.../), not a string

    @property
    def is_text(self) -> bool:
        return self.role == "text"


# --- reading -------------------------------------------------------------------------------------

_KEY = re.compile(r'(?P<role>[A-Za-z]+)(?:\s+(?P<name>"(?:[^"\\]|\\.)*"|/(?:[^/\\]|\\.)+/))?'
                  r'(?P<attrs>(?:\s*\[[^\]]*\])*)\s*')
_ATTR = re.compile(r"\[[^\]]*\]")


def parse(text: str) -> list[Node]:
    """The top-level nodes of an aria snapshot; AriaSyntaxError saying what is wrong."""
    nodes, mode = parse_template(text)
    if mode is not None:
        raise AriaSyntaxError("/children at the top level: that is a template's, not a snapshot's")
    return nodes


def parse_template(text: str) -> tuple[list[Node], str | None]:
    """A template's top-level nodes and how they are matched (its top-level ``/children``, or None)."""
    try:
        doc = yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 (the base loader builds strings only)
    except yaml.YAMLError as err:
        raise AriaSyntaxError(f"not YAML: {str(err).splitlines()[0]}") from None
    if doc is None:
        return [], None
    if not isinstance(doc, list):
        raise AriaSyntaxError("an aria snapshot is a YAML sequence (lines starting with '- ')")
    children, props, mode = _items(doc)
    if props:
        raise AriaSyntaxError(f"property /{props[0][0]} outside a node")
    return list(children), mode


def _items(items: list) -> tuple[tuple[Node, ...], tuple[tuple[str, str], ...], str | None]:
    """A node's sequence of children: its child nodes, its properties and its /children mode."""
    children: list[Node] = []
    props: list[tuple[str, str]] = []
    mode = None
    for item in items:
        if isinstance(item, str):
            children.append(_key(item))
            continue
        if not isinstance(item, dict):
            raise AriaSyntaxError(f"a sequence item is a string or a mapping, not {item!r}")
        for key, value in item.items():
            if key == "text":
                children.append(Node("text", text=_string(value, key)))
            elif key == "/children":
                mode = _string(value, key)
                if mode not in MODES:
                    raise AriaSyntaxError(f"/children is one of {', '.join(MODES)}, not {mode!r}")
            elif key.startswith("/"):
                props.append((key[1:], _string(value, key)))
            else:
                children.append(_node(key, value))
    return tuple(children), tuple(props), mode


def _node(key: str, value) -> Node:
    node = _key(key)
    if isinstance(value, str):
        return replace(node, text=value)
    if not isinstance(value, list):
        raise AriaSyntaxError(f"{key}: a node's value is a text or a sequence")
    children, props, mode = _items(value)
    return replace(node, children=children, props=props, mode=mode)


def _key(key: str) -> Node:
    match = _KEY.fullmatch(key)
    if not match:
        raise AriaSyntaxError(f"{key!r} is not a node (role, then an optional \"name\" and [attributes])")
    name, pattern = match["name"] or "", False
    if name.startswith("/"):
        name, pattern = name, True
    elif name:
        name = json.loads(name)
    return Node(match["role"], name, tuple(_ATTR.findall(match["attrs"])), pattern=pattern)


def _string(value, key: str) -> str:
    if not isinstance(value, str):
        raise AriaSyntaxError(f"{key}: expected a text")
    return value


# --- writing -------------------------------------------------------------------------------------

def render(nodes: Iterable[Node], mode: str | None = None) -> str:
    """The nodes in Playwright's notation (a template when names are patterns or ``mode`` is set:
    how the top-level list is matched)."""
    lines = [f"- /children: {mode}"] if mode else []
    for node in nodes:
        _render(node, 0, lines)
    return "\n".join(lines)


def _render(node: Node, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    if node.is_text:
        lines.append(f"{pad}- text: {_value(node.text or '')}")
        return
    key = node.role
    if node.name:
        key += " " + (node.name if node.pattern else json.dumps(node.name, ensure_ascii=False))
    key = _key_text(" ".join([key, *node.attrs]))
    if node.text is None and not (node.props or node.children or node.mode):
        lines.append(f"{pad}- {key}")
    elif node.text is not None and not (node.props or node.mode):
        lines.append(f"{pad}- {key}: {_value(node.text)}")
    else:
        lines.append(f"{pad}- {key}:")
        inner = "  " * (depth + 1)
        if node.mode:
            lines.append(f"{inner}- /children: {node.mode}")
        lines += [f"{inner}- /{name}: {_value(value)}" for name, value in node.props]
        if node.text is not None:
            lines.append(f"{inner}- text: {_value(node.text)}")
        for child in node.children:
            _render(child, depth + 1, lines)


# Playwright's rule (yamlStringNeedsQuotes), plus anything Python would read as a number.
_NEEDS_QUOTES = (re.compile(r"^\s|\s$"), re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"), re.compile(r"^-"),
                 re.compile(r"[\n:](\s|$)"), re.compile(r"\s#"), re.compile(r"[\n\r]"),
                 re.compile(r"^[&*\],?!>|@\"'#%]"), re.compile(r"[{}`]"), re.compile(r"^\["),
                 re.compile(r"^[-+]?\.(inf|nan)$", re.I), re.compile(r"^[-+]?(0[xob][0-9a-f_]+|infinity)$", re.I))
_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def needs_quotes(text: str) -> bool:
    if not text or text.lower() in _WORDS or any(rx.search(text) for rx in _NEEDS_QUOTES):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def _value(text: str) -> str:
    if not needs_quotes(text):
        return text
    return '"' + re.sub(r'[\\"\x00-\x1f\x7f-\x9f]',
                        lambda m: _ESCAPES.get(m[0], f"\\x{ord(m[0]):02x}"), text) + '"'


def _key_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'" if needs_quotes(text) else text


# --- trees as values -------------------------------------------------------------------------------

def without_urls(nodes: Iterable[Node]) -> list[Node]:
    """The tree without its ``/url`` properties (link targets: the links kind's business)."""
    return [replace(n, props=tuple(p for p in n.props if p[0] != "url"), children=tuple(without_urls(n.children)))
            for n in nodes]


def find_runs(tree: list[Node], part: list[Node]) -> set[Path]:
    """The places of ``part``'s nodes wherever they stand in ``tree`` as consecutive siblings
    (at any depth); empty when ``part`` is empty or nowhere."""
    found: set[Path] = set()
    if not part:
        return found

    def visit(siblings: tuple[Node, ...] | list[Node], at: Path) -> None:
        for start in range(len(siblings) - len(part) + 1):
            if list(siblings[start:start + len(part)]) == list(part):
                found.update(at + (start + i,) for i in range(len(part)))
        for i, node in enumerate(siblings):
            visit(node.children, at + (i,))

    visit(tree, ())
    return found


def as_template(tree: list[Node], news: set[Path]) -> list[Node]:
    """The tree with the nodes at ``news`` (and all below them) matched by role and structure:
    each name and text becomes :data:`ANY`, and their children are matched as Playwright's
    ``contain`` (the template's nodes, in order; others may come between them). A name made of
    news above them is news too: one that holds a news node's name or text (a link named by the
    thumbnail it wraps, a figure by its caption) becomes :data:`ANY`; the rest stays as it is."""
    def walk(node: Node, at: Path, inside: bool) -> tuple[Node, list[str]]:
        inside = inside or at in news
        walked = [walk(child, at + (i,), inside) for i, child in enumerate(node.children)]
        children, words = tuple(n for n, _ in walked), [w for _, found in walked for w in found]
        if inside:
            return replace(node, name=ANY if node.name else "", pattern=bool(node.name),
                           text=None if node.text is None else ANY, children=children,
                           mode=CONTAIN if children else node.mode), words + [w for w in (node.name, node.text) if w]
        if node.name and not node.pattern and any(word in node.name for word in words):
            return replace(node, name=ANY, pattern=True, children=children), words
        return replace(node, children=children), words

    return [walk(node, (i,), False)[0] for i, node in enumerate(tree)]
