"""The only place the plugin uses pytest's private or undocumented API, where no public one does the job.

``tests/self/test_private_api.py`` holds each name and signature used here against the
installed pytest, so the version that moves or changes one fails there, by name.

- junit.xml of a run that turns out to test a site: whether it does is known only after
  collection, long after junitxml's own ``pytest_configure`` decided (from ``--junitxml``)
  whether to write one; so pytest's junitxml is configured late, as that hook would have.
- A failed item's traced re-run: pytest's own run-test protocol once more (it sets the item's
  fixtures up anew), as pytest-rerunfailures does; no public API runs an item's phases.
- Whether ``--dist`` was given: xdist turns ``-n N`` into ``dist == "load"`` before any plugin
  sees the options, so only the command line as parsed before (``known_args_namespace``) says.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from _pytest import junitxml
from _pytest.runner import runtestprotocol


def start_junitxml(config: pytest.Config, path: Path) -> None:
    """Write junit.xml at ``path``, as ``--junitxml path`` would have, from now on (after session start)."""
    config.option.xmlpath = str(path)
    junitxml.pytest_configure(config)
    config.stash[junitxml.xml_key].pytest_sessionstart()


def run_phases(item: pytest.Item, nextitem: pytest.Item | None) -> list[pytest.TestReport]:
    """Run the item's setup, call and teardown; their reports, not yet logged. Called again for
    the same item, it runs with fresh fixture values (pytest's protocol resets the item's request)."""
    return runtestprotocol(item, nextitem=nextitem, log=False)


def dist_given(config: pytest.Config) -> bool:
    """Whether the command line (or addopts) chose xdist's distribution: ``--dist`` or ``-d``."""
    given = config.known_args_namespace
    return getattr(given, "dist", "no") != "no" or bool(getattr(given, "distload", False))
