"""Runs one scenario check: builds its pytest-free context and hands it to the kind."""
from __future__ import annotations

import pytest

from ..checks import kinds
from ..checks.context import CheckContext
from ..run.artifacts import item_artifacts_dir
from .state import notes_of, session_state


def run_scenario_check(request: pytest.FixtureRequest, browser, base_url: str, browser_context_args,
                       settled_pages) -> None:
    item = request.node
    state = session_state(request.config)
    ctx = CheckContext(
        base_url=base_url,
        scenario=item.scenario,
        check=item.check,
        viewport=item.viewport,
        settings=item.scenario.settings,
        artifacts_dir=item_artifacts_dir(state.latest, item.nodeid),
        baselines_dir=state.baselines_dir,
        project_root=state.options.paths.root,
        target=state.target,
        run_started=state.started,
        update_baselines=state.options.update_baselines,
        notes=notes_of(item),
        new_page=lambda: request.getfixturevalue("page"),
        settled_page=lambda clock: settled_pages.get(item, base_url, item.scenario.page, item.viewport, clock,
                                                     browser_context_args),
        browser_name=browser.browser_type.name,
    )
    failed = True
    try:
        kinds()[item.check.kind].run(ctx, item.check.options)
        failed = False
    finally:
        settled_pages.item_done(item, failed)
