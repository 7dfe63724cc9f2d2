"""The plugin's state, typed, in pytest's stash: one :class:`SessionState` per run, notes per item."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..checks import load_suite_scenario_files
from ..model.scenario import ScenarioSet, Settings, Target, scenario_files
from ..run.record import ItemNotes
from ..run.references import Needs
from .options import Options


@dataclass
class SessionState:
    options: Options
    settings: Settings
    target: Target
    started: datetime.datetime  # the run's start: live targets freeze the captures' clock here
    # The site under test, what the base_url fixture gives: --base-url, else the target's own URL,
    # else (once the run is activated) the demo site this process started; a worker gets the controller's.
    base_url: str | None = None
    # Set once the run turns out to test a site (a scenario or a test that asks for a page):
    latest: Path | None = None  # this run's reports/latest
    demo_site: Any = None  # the demo site this process started, if any
    baselines_written: list[str] = field(default_factory=list)
    collect_errors: list[tuple[str, str]] = field(default_factory=list)  # (node id, message)
    shard: tuple[int, int] | None = None
    needs: Needs | None = None  # the reference files the collected items compare with (plugin/missing.py)
    said_missing: bool = False  # the controller looked at them once
    _scenarios: ScenarioSet | None = field(default=None, repr=False)

    def scenarios(self) -> ScenarioSet:
        """The --scenarios folder's files, loaded once for the whole run: what every collection route
        and the unused-baselines report read, so scenario names are unique across the files."""
        if self._scenarios is None:
            self._scenarios = load_suite_scenario_files(scenario_files(self.options.scenarios), self.settings)
        return self._scenarios

    @property
    def baselines_dir(self) -> Path:
        """This target's baselines: baselines/<target>/ (a staging reference never mixes with the demo's)."""
        return self.options.baselines_dir / self.target.name

    @property
    def news_day(self) -> int:
        return self.options.news_day or 1

    def describe(self, base_url: str | None) -> str:
        """What the terminal header and the report say of the target and its rules."""
        where = f"at {base_url}" if base_url else f"the bundled demo site, news day {self.news_day}"
        return f"target {self.target.name} ({self.target.rules} rules), {where}"


SESSION = pytest.StashKey[SessionState]()
NOTES = pytest.StashKey[ItemNotes]()  # on an item: what it adds to the run record


def session_state(config: pytest.Config) -> SessionState:
    return config.stash[SESSION]


def notes_of(item: pytest.Item) -> ItemNotes:
    """The item's notes, made on first use."""
    notes = item.stash.get(NOTES, None)
    if notes is None:
        notes = item.stash[NOTES] = ItemNotes()
    return notes
