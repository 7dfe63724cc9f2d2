"""Check kinds: small handlers registered under a name with one signature.

A kind is one module in this package that calls :func:`register`, listed in
:data:`KIND_MODULES` (the registry loads exactly those, whatever was imported first). Its
``options`` describe the keys a scenario may give that check (validated at
collection time by :mod:`regress.model.scenario`); its ``run`` gets a
:class:`regress.checks.context.CheckContext` (nothing of pytest), does the work
and raises :class:`CheckFailure` with a message naming what broke. Kinds do not
import each other.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence


class CheckFailure(AssertionError):
    """A check found the site broken. The message is shown as-is in reports.

    ``checks`` names the assertions of the item that failed (``"count top_ten.items"``,
    ``"pdf page count"``), as the kind's :attr:`CheckKind.assertions` lists them: the run
    record keeps them, and the mutation catalog proves each assertion by them. Empty when
    the failure is not one assertion's (the page did not load)."""

    def __init__(self, message: str, checks: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.checks = tuple(dict.fromkeys(checks))


class Problems:
    """What one item's assertions found, each under the assertion's name; raised at once."""

    def __init__(self) -> None:
        self._found: list[tuple[str, str]] = []

    def add(self, check: str, text: str) -> None:
        self._found.append((check, text))

    def __len__(self) -> int:
        return len(self._found)

    def raise_if_any(self, heading: str = "") -> None:
        if self._found:
            lines = "\n".join(f"- {text}" for _, text in self._found)
            raise CheckFailure(f"{heading}\n{lines}" if heading else lines, [c for c, _ in self._found])


@dataclass(frozen=True)
class CheckKind:
    name: str
    run: Callable[["CheckContext", Mapping[str, Any]], None]  # noqa: F821 (regress.checks.context)
    options: Mapping[str, Any] = field(default_factory=dict)  # key -> regress.schema.Field
    description: str = ""
    # Kinds that change state on the site (log in, post...) are skipped on sensitive URLs.
    changes_state: bool = False
    # The assertions one item of this kind makes at a viewport, by the names its failures
    # carry (CheckFailure.checks); by default the item is one assertion named after the kind.
    assertions: Optional[Callable[[Mapping[str, Any], str], list[str]]] = None
    # Why a check does not run on a target (options, the scenario's settings, the Target), or None.
    skip_reason: Optional[Callable[[Mapping[str, Any], Mapping[str, Any], Any], Optional[str]]] = None
    # The reference files one item compares with (Scenario, Check, viewport, the target's baselines
    # folder, the browser's name): the stale-reference report, prune and the baselines digest
    # know them by this. None: the kind keeps no reference.
    references: Optional[Callable[[Any, Any, str, Path, str], Sequence[Path]]] = None

    def reference_files(self, scenario, check, viewport: str, root: Path, browser: str) -> list[Path]:
        return list(self.references(scenario, check, viewport, root, browser)) if self.references else []

    def files_for(self, scenario, check, viewport: str, root: Path, browsers: Sequence[str]) -> list[Path]:
        """The item's reference files for each browser the run captures with, each once."""
        return list(dict.fromkeys(path for browser in browsers
                                  for path in self.reference_files(scenario, check, viewport, root, browser)))

    def skipped_on(self, options: Mapping[str, Any], settings: Mapping[str, Any], target) -> Optional[str]:
        return self.skip_reason(options, settings, target) if self.skip_reason else None

    def assertions_of(self, options: Mapping[str, Any], viewport: str) -> list[str]:
        return list(self.assertions(options, viewport)) if self.assertions else [self.name]


# The kind modules, loaded once by kinds(): an explicit list, so the registry does not depend on
# which kind module some caller imported first. A new kind adds its module here.
KIND_MODULES = ("accessibility", "aria_snapshot", "font_controls", "layout", "links", "metadata", "page_health",
                "print_preview", "spacing", "styles", "visual")

_KINDS: dict[str, CheckKind] = {}


def register(kind: CheckKind) -> CheckKind:
    if kind.name in _KINDS:
        raise ValueError(f"check kind {kind.name!r} registered twice")
    _KINDS[kind.name] = kind
    return kind


def kinds() -> Mapping[str, CheckKind]:
    """All registered kinds: every module of KIND_MODULES imported (Python imports each once)."""
    for module in KIND_MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return dict(_KINDS)


def load_suite_scenarios(path, settings) -> list:
    """A scenario file loaded with the registered kinds and the page objects' component names."""
    from pages.components import COMPONENTS  # here, not at the top: it imports playwright
    from ..model.scenario import load_scenarios

    return load_scenarios(path, settings, kinds=kinds(), components=COMPONENTS)


def load_suite_scenario_files(paths, settings):
    """Several scenario files loaded as :func:`load_suite_scenarios` does, with scenario names unique
    across them: a :class:`regress.model.scenario.ScenarioSet` (``.all()`` raises the first error)."""
    from pages.components import COMPONENTS
    from ..model.scenario import load_scenario_set

    return load_scenario_set(paths, settings, kinds=kinds(), components=COMPONENTS)


def editor_schemas(settings) -> dict:
    """The JSON Schemas of scenario files and of settings files, for editors: file name -> text,
    from the registered kinds, the page objects' component names and ``settings``' viewports
    (:mod:`regress.model.editor_schema`; ``regress schema`` writes them)."""
    from pages.components import COMPONENTS
    from ..model import editor_schema

    return {
        editor_schema.SCENARIOS_FILE: editor_schema.render(
            editor_schema.scenario_file_schema(kinds(), COMPONENTS, settings.viewports)),
        editor_schema.SETTINGS_FILE: editor_schema.render(editor_schema.settings_file_schema(COMPONENTS)),
    }
