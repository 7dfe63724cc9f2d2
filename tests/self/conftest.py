# Wiring only: a desktop tab for self-tests that read a page, and a private reports dir for the
# suite runs self-tests start, so they never rotate away the report of the run that is testing
# them. The catalog's place in the run and its table are catalog_plugin.py's.
import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_reports_dir(tmp_path_factory):
    os.environ["REGRESS_REPORTS_DIR"] = str(tmp_path_factory.mktemp("reports"))


@pytest.fixture
def desktop_page(browser):
    """One desktop-sized tab for a self-test (the suite's own ``page`` runs at every viewport)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
