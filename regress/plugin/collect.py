"""YAML scenarios collected into ordinary pytest items.

One item per scenario × check × viewport, id
``article.yaml::article::font_controls[mobile]``, marked with its check kind.
Schema errors are collection errors naming file, line and key.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ..checks import CheckFailure, kinds
from ..model.scenario import ScenarioError, is_scenario_file, scenario_files
from .runner import run_scenario_check
from .safety import LeftOut
from .state import session_state


# A test that asks for any of these uses the site under test.
SITE_FIXTURES = frozenset({"page", "base_url", "browser", "context"})


def uses_the_site(item: pytest.Item) -> bool:
    """A scenario item, or a test that asks for a page: what turns the plugin on."""
    return isinstance(item, ScenarioItem) or bool(SITE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collect_file(file_path: Path, parent):
    if is_scenario_file(file_path, session_state(parent.config).options.scenarios):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def pytest_collect_directory(path: Path, parent):
    # `pytest tests` runs the scenarios too: they join the regression suite's directory.
    if path.resolve() == session_state(parent.config).options.paths.regression_suite.resolve():
        return RegressionDir.from_parent(parent, path=path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        try:
            scenarios = session_state(self.config).scenarios().of(self.path)
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
                kind = registry[check.kind]
                if kind.changes_state:
                    item.add_marker(pytest.mark.changes_state)
                left_out = self._left_out(kind, check)
                if left_out is not None:
                    left_out.mark(item)
                yield item

    def _left_out(self, kind, check) -> LeftOut | None:
        target = session_state(self.config).target
        why = left_out_reason(kind, check, self.scenario, target)
        return LeftOut(target.rules, why) if why else None


def left_out_reason(kind, check, scenario, target) -> str | None:
    """Whether the target's rules leave the check out: its declared rules, or its kind's skip_reason."""
    why = kind.skipped_on(check.options, scenario.settings, target)
    if target.rules not in check.rules:
        why = (f"on {target.rules} targets this check does not run: it is declared for the "
               f"{'/'.join(check.rules)} rules (it compares the seed's story)")
    return why


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
        for path in scenario_files(session_state(self.config).options.scenarios):
            yield ScenarioFile.from_parent(self, path=path)
