"""YAML scenarios collected into ordinary pytest items.

One item per scenario × check × viewport, id
``article.yaml::article::font_controls[mobile]``, marked with its check kind.
Schema errors are collection errors naming file, line and key.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .checks import CheckFailure, kinds
from .scenario import ScenarioError, load_scenarios


def is_scenario_file(path: Path, scenarios_dir: Path) -> bool:
    return path.suffix in (".yaml", ".yml") and path.resolve().parent == scenarios_dir.resolve()


class ScenarioFile(pytest.File):
    def collect(self):
        from .plugin import SETTINGS_KEY

        try:
            scenarios = load_scenarios(self.path, self.config.stash[SETTINGS_KEY])
        except ScenarioError as err:
            raise self.CollectError(str(err)) from None
        for scenario in scenarios:
            yield ScenarioNode.from_parent(self, name=scenario.name, scenario=scenario)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, self.CollectError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class ScenarioNode(pytest.Collector):
    """One scenario of a file: its checks × viewports, so ``file::scenario::check[viewport]``
    is a real node id that can be passed back on the command line."""

    def __init__(self, *, scenario, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario

    def collect(self):
        from .runner import run_scenario_check

        registry = kinds()
        for check in self.scenario.checks:
            for viewport in check.viewports:
                item = ScenarioItem.from_parent(
                    self,
                    name=f"{check.name}[{viewport}]",
                    callobj=run_scenario_check,
                    scenario=self.scenario,
                    check=check,
                    viewport=viewport,
                )
                item.add_marker(getattr(pytest.mark, check.kind))
                if registry[check.kind].changes_state:
                    item.add_marker(pytest.mark.changes_state)
                yield item


class ScenarioItem(pytest.Function):
    """A pytest Function whose body is the check runner, so fixtures work as usual."""

    def __init__(self, *, scenario, check, viewport, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario
        self.check = check
        self.viewport = viewport

    def reportinfo(self):
        return self.path, self.check.line - 1 if self.check.line else None, f"{self.scenario.name}::{self.check.name}[{self.viewport}]"

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CheckFailure):
            where = f"{self.path.name}:{self.check.line}" if self.check.line else self.path.name
            return (
                f"{self.check.kind} check '{self.check.name}' of scenario '{self.scenario.name}' "
                f"at {self.viewport} ({where}) failed on {self.scenario.page}:\n{excinfo.value}"
            )
        return super().repr_failure(excinfo)


class RegressionDir(pytest.Dir):
    """tests/regression plus the scenario files of config/scenarios."""

    def collect(self):
        yield from super().collect()
        scenarios_dir = Path(self.config.getoption("--scenarios"))
        for path in sorted(scenarios_dir.glob("*.y*ml")):
            if is_scenario_file(path, scenarios_dir):
                yield ScenarioFile.from_parent(self, path=path)
