"""Check kinds: small handlers registered under a name with one signature.

A kind is one module in this package that calls :func:`register`. Its
``options`` describe the keys a scenario may give that check (validated at
collection time by :mod:`regress.scenario`); its ``run`` does the work and
raises :class:`CheckFailure` with a message naming what broke.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping


class CheckFailure(AssertionError):
    """A check found the site broken. The message is shown as-is in reports."""


@dataclass(frozen=True)
class CheckKind:
    name: str
    run: Callable[["CheckContext", Mapping[str, Any]], None]  # noqa: F821 (defined in regress.runner)
    options: Mapping[str, Any] = field(default_factory=dict)  # key -> regress.schema.Field
    description: str = ""
    # Kinds that change state on the site (log in, post...) are skipped on sensitive URLs.
    changes_state: bool = False


_KINDS: dict[str, CheckKind] = {}


def register(kind: CheckKind) -> CheckKind:
    if kind.name in _KINDS:
        raise ValueError(f"check kind {kind.name!r} registered twice")
    _KINDS[kind.name] = kind
    return kind


def kinds() -> Mapping[str, CheckKind]:
    """All registered kinds, importing every module of this package once."""
    if not _KINDS:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(_KINDS)
