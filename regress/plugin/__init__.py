"""The pytest plugin (entry point ``pytest11``: ``regress.plugin``).

Layered on pytest-playwright: it customises that plugin's fixtures
(``browser_type_launch_args``, ``browser_context_args``, ``context``) rather than
owning the browser lifecycle. Its parts, each a module of this package:

- :mod:`.options`: the ``regress`` option group; :mod:`.state`: typed state in the stash;
- :mod:`.site`: the site under test (settings, the demo site, reachability), and when the
  plugin turns itself on: only for a run that collects a scenario or asks for a page;
- :mod:`.fixtures`: browser, context and viewport fixtures, the settled pages visual items share;
- :mod:`.collect` and :mod:`.runner`: YAML scenarios as items, each run by its check kind;
- :mod:`.tracing`: Playwright traces (of failures, re-run once; or of every item);
- :mod:`.reporting`: the run record and report; :mod:`.shard`, :mod:`.remote`, :mod:`.safety`.
"""
from __future__ import annotations

import pytest

from ..model.scenario import ScenarioError, load_settings
from .options import Options, add_options
from .state import SESSION, SessionState

# Registered from pytest_configure, after every entry-point plugin: so their fixtures
# override pytest-playwright's whatever order the entry points were loaded in.
PARTS = ("site", "fixtures", "collect", "tracing", "reporting", "shard", "remote", "safety")


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    options = Options.of(config)
    try:
        settings = load_settings(options.site_settings)
    except ScenarioError as err:
        raise pytest.UsageError(str(err)) from None
    config.stash[SESSION] = SessionState(options=options, settings=settings)
    import importlib

    for part in PARTS:
        name = f"{__name__}.{part}"
        if not config.pluginmanager.has_plugin(name):
            config.pluginmanager.register(importlib.import_module(name), name)
