"""The pytest plugin (entry point ``pytest11``: ``regress.plugin``).

Layered on pytest-playwright: it customises that plugin's fixtures
(``base_url``, ``browser_type_launch_args``, ``browser_context_args``, ``context``,
``output_path``) rather than owning the browser lifecycle or rewriting its options. Its parts, each a module of this package:

- :mod:`.options`: the ``regress`` option group; :mod:`.state`: typed state in the stash;
- :mod:`.site`: the site under test (settings, the demo site, reachability), and when the
  plugin turns itself on: only for a run that collects a scenario or asks for a page;
- :mod:`.fixtures`: browser, context and viewport fixtures, the settled pages visual items share;
- :mod:`.collect` and :mod:`.runner`: YAML scenarios as items, each run by its check kind;
- :mod:`.tracing`: Playwright traces (of failures, re-run once; or of every item);
- :mod:`.reporting`: the run record and report; :mod:`.shard`, :mod:`.remote`, :mod:`.safety`;
- :mod:`.missing`: references a run lacks, looked up before any page opens and said once.
"""
from __future__ import annotations

import datetime

import pytest

from ..model.scenario import ScenarioError, Target, load_settings
from .options import Options, add_options
from .state import SESSION, SessionState

# Registered from pytest_configure, after every entry-point plugin: so their fixtures
# override pytest-playwright's whatever order the entry points were loaded in.
PARTS = ("site", "fixtures", "collect", "tracing", "reporting", "shard", "remote", "safety", "missing")


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def _target(config: pytest.Config, options: Options, settings) -> Target:
    """--target NAME; without it `live` when --base-url is given, else `demo`."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and workerinput.get("regress_target"):
        name = workerinput["regress_target"]
    else:
        name = options.target or ("live" if config.getoption("--base-url", None) else "demo")
    try:
        return settings.target(name)
    except KeyError as err:
        raise pytest.UsageError(f"--target: {err.args[0]} (targets are declared in {settings.path})") from None


def _base_url(config: pytest.Config, target: Target) -> str | None:
    """The controller's site for a worker; else --base-url, else the target's own URL (None: the demo's,
    once it is started)."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and workerinput.get("regress_base_url"):
        return workerinput["regress_base_url"]
    return config.getoption("--base-url", None) or target.base_url


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    options = Options.of(config)
    try:
        settings = load_settings(options.site_settings)
    except ScenarioError as err:
        raise pytest.UsageError(str(err)) from None
    target = _target(config, options, settings)
    config.stash[SESSION] = SessionState(options=options, settings=settings, target=target,
                                         base_url=_base_url(config, target),
                                         started=datetime.datetime.now(datetime.timezone.utc))
    import importlib

    for part in PARTS:
        name = f"{__name__}.{part}"
        if not config.pluginmanager.has_plugin(name):
            config.pluginmanager.register(importlib.import_module(name), name)
