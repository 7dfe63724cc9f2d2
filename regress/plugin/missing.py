"""Missing references, said once: the one place that looks up, before any page opens, the
reference files the selected items compare with (:class:`regress.run.references.Needs`).

- None of them recorded, and the target's baselines folder holds no reference at all (a
  first run against a new deployment): one usage error saying so and giving
  ``regress reference --target NAME``; nothing starts.
- The captures recorded for another platform only (``-<browser>-<platform>`` in their
  names; ``REGRESS_PLATFORM`` sets this machine's): one usage error naming that platform,
  and the way to render there (``regress remote server`` on such a host, ``--browser-server``).
- Some missing: the run goes on. Those items fail (saving what they found, for review) and
  are not re-run with tracing (:mod:`.tracing` reads their notes); the terminal summary and
  ``summary.md`` list them once, with the command that records them.

A run that writes references (``--update-baselines``, ``regress reference``) is told nothing.
Under xdist the controller, which collects nothing, decides from the node ids the workers
collected, before any item is scheduled: scenario items only (a Python test's ``reference``
marker is seen by the workers, which still note and list it).
"""
from __future__ import annotations

import re

import pytest

from ..checks import kinds
from ..model.scenario import ScenarioError
from ..run.references import Needs
from .collect import left_out_reason
from .reporting import REPORT_PLUGIN, browser_names, record_command_of
from .state import notes_of, session_state

MARKER = "reference"
_SCENARIO_ID = re.compile(r"^(?P<file>.+\.ya?ml)::(?P<scenario>[^:]+)::(?P<check>[^:\[]+)\[(?P<viewport>[^\]]+)\]$")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(name): the test compares with NAME in the target's baselines "
                                       "folder (recorded by `regress reference`)")


def note(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every process, once collected: what the items compare with, and in each item's notes what it lacks
    (nothing when the run writes the missing ones)."""
    state = session_state(config)
    if state.options.update_baselines:
        return
    state.needs = needs = _needs_of_items(config, items)
    lacking = needs.missing
    for item in items:
        if item.nodeid in lacking:
            notes_of(item).missing = [state.options.paths.shown(path) for path in lacking[item.nodeid]]


def say_once(config: pytest.Config, needs: Needs | None = None) -> None:
    """The controller, before anything starts: a usage error when the run cannot compare at all."""
    state = session_state(config)
    needs = needs if needs is not None else state.needs
    if needs is None or state.options.update_baselines or state.said_missing or state.collect_errors:
        return  # (a file that did not collect is the error to read first)
    state.said_missing = True
    command, shown = record_command_of(config), state.options.paths.shown
    if needs.none_recorded():
        raise pytest.UsageError(needs.no_references_message(state.target.name, command, shown))
    platforms = needs.recorded_elsewhere()
    if platforms:
        raise pytest.UsageError(needs.other_platform_message(platforms, command, shown))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids) -> None:
    """xdist's controller: the first worker's collection, before any item is scheduled."""
    say_once(node.config, _needs_of_ids(node.config, ids))


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    plugin = config.pluginmanager.get_plugin(REPORT_PLUGIN)
    lacking = [entry for entry in plugin.items.values() if entry.missing] if plugin is not None else []
    if not lacking:
        return
    terminalreporter.section(f"references missing ({len(lacking)} items)")
    for entry in lacking:
        terminalreporter.line(f"{entry.nodeid}: {', '.join(entry.missing)}")
    terminalreporter.line(f"record them with `{record_command_of(config)}`")


def _needs_of_items(config: pytest.Config, items: list[pytest.Item]) -> Needs:
    """Each item's reference files: its kind's (a scenario item) and its ``reference`` marks. Items the
    rules leave out (skip-marked at collection) compare with nothing."""
    state = session_state(config)
    root, registry, browsers = state.baselines_dir, kinds(), browser_names(config)
    by_item = {}
    for item in items:
        if item.get_closest_marker("skip") is not None:
            continue
        check = getattr(item, "check", None)
        files = registry[check.kind].files_for(item.scenario, check, item.viewport, root, browsers) \
            if check is not None else []
        files += [root / name for mark in item.iter_markers(MARKER) for name in mark.args]
        if files:
            by_item[item.nodeid] = tuple(dict.fromkeys(files))
    return Needs(root, by_item)


def _needs_of_ids(config: pytest.Config, ids) -> Needs:
    """The scenario items' reference files, from their node ids (``file::scenario::check[viewport]``)."""
    state = session_state(config)
    root, registry, browsers = state.baselines_dir, kinds(), browser_names(config)
    by_item = {}
    for nodeid in ids:
        found = _scenario_check(config, nodeid)
        if found is None:
            continue
        scenario, check, viewport = found
        kind = registry[check.kind]
        if left_out_reason(kind, check, scenario, state.target) is None:
            files = kind.files_for(scenario, check, viewport, root, browsers)
            if files:
                by_item[nodeid] = tuple(files)
    return Needs(root, by_item)


def _scenario_check(config: pytest.Config, nodeid: str):
    """(scenario, check, viewport) of a scenario item's node id, or None."""
    match = _SCENARIO_ID.match(nodeid)
    if match is None:
        return None
    try:
        scenarios = session_state(config).scenarios().of(config.rootpath / match["file"])
    except ScenarioError:
        return None
    for scenario in scenarios:
        if scenario.name == match["scenario"]:
            for check in scenario.checks:
                if check.name == match["check"] and match["viewport"] in check.viewports:
                    return scenario, check, match["viewport"]
    return None
