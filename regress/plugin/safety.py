"""What runs where. State-changing tests (marked ``changes_state``) are skipped on the hosts
listed in ``site.sensitive_hosts``: a regression run must never log in or post on
production. Tests marked ``pinned_only(reason)`` compare with the seed's stories and clock,
so they run on the pinned demo only; on a live target they are skipped and say why."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

import pytest

from ..browser.chromium import host_of
from ..run.record import ItemNotes
from .state import notes_of, session_state


@dataclass(frozen=True)
class LeftOut:
    """A target's rules leave an item out: decided at collection (a check's ``rules``, a kind's
    ``skip_reason``) or at setup (``pinned_only``). The item is skipped with ``reason``, and its
    record carries the reason as ``left_out`` (what the terminal's list and the catalog read)."""
    rules: str  # the target's rules ("live")
    reason: str  # as the user reads it

    def mark(self, item: pytest.Item) -> None:
        """At collection: skip the item, and say in its notes why."""
        notes_of(item).left_out = self.reason
        item.add_marker(pytest.mark.skip(reason=self.reason))

    def skip(self, item: pytest.Item) -> NoReturn:
        """At setup: the same, at once."""
        notes_of(item).left_out = self.reason
        pytest.skip(self.reason)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "changes_state: test changes state on the site (skipped on sensitive URLs)")
    config.addinivalue_line("markers", "pinned_only(reason): compares with the seed's content or clock; "
                                       "skipped on live targets")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    state = session_state(item.config)
    pinned_only = item.get_closest_marker("pinned_only")
    if pinned_only is not None and not state.target.pinned:
        why = pinned_only.kwargs.get("reason") or (pinned_only.args[0] if pinned_only.args else "")
        LeftOut(state.target.rules, f"on {state.target.rules} targets this is not checked: {why}").skip(item)
    if item.get_closest_marker("changes_state") is None:
        return
    host = host_of(state.base_url)
    sensitive = {h.lower() for h in state.settings.site.get("sensitive_hosts", [])}
    if host and host[0].lower() in sensitive:
        pytest.skip(f"changes state on the site; {host[0]} is listed in site.sensitive_hosts")


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """Every item a live target leaves out, with why (also in the report, as skipped with its reason)."""
    skipped = []
    for report in terminalreporter.stats.get("skipped", []):
        notes = ItemNotes.read(report.user_properties)
        if notes is not None and notes.left_out:
            skipped.append((report.nodeid, notes.left_out))
    if skipped:
        terminalreporter.section(f"left out on target {session_state(config).target.name} (live rules)")
        for nodeid, reason in skipped:
            terminalreporter.line(f"{nodeid}: {reason}")
