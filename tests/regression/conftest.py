# Wiring for the regression suite's Python tests: the seed's news (pinned rules), the target's
# chrome reference (every target), and an opened article.
from pathlib import Path

import pytest
import yaml

import chrome as chrome_reader
from pages import ArticlePage
from regress.browser.chromium import apply_timeouts
from regress.run.baselines import write_atomic
from regress.run.references import UpdateMode, Verdict, decide

CHROME_FILE = "chrome.yaml"


def pytest_configure(config):
    config.addinivalue_line("markers", "chrome: compares the site's chrome with the target's reference "
                                       "(recorded by `regress reference`)")


def pytest_collection_modifyitems(items):
    """A chrome test compares with the target's chrome reference: the plugin looks the file up before
    the run (a target with none says so once, not in every chrome test)."""
    for item in items:
        if item.get_closest_marker("chrome") is not None:
            item.add_marker(pytest.mark.reference(CHROME_FILE))


@pytest.fixture(scope="session")
def seed():
    """The news of the seed's day: what the pinned rules compare exactly."""
    return yaml.safe_load((Path(__file__).with_name("seed_content.yaml")).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def _chrome_file(browser, base_url, site_settings, regress_target, target_baselines_dir, update_baselines):
    """(the target's chrome reference, the line saying it was written or None). The update
    policy is the one every reference follows (regress.run.references.decide); comparing is
    each chrome test's own, part by part, so an existing reference is only read unless the
    update mode may replace it."""
    path, mode = target_baselines_dir / CHROME_FILE, UpdateMode.of(update_baselines)
    expected = path.read_text(encoding="utf-8") if path.is_file() else None
    if expected is not None and mode in (UpdateMode.COMPARE, UpdateMode.MISSING):
        return yaml.safe_load(expected), []
    if expected is None and decide(mode, False, None) is Verdict.FAIL_MISSING:
        pytest.fail(f"no chrome reference {path} for target {regress_target.name}: record it with "
                    f"`regress reference --target {regress_target.name}`", pytrace=False)
    recorded = _record_chrome(browser, base_url, site_settings)
    text = yaml.safe_dump(recorded, allow_unicode=True, sort_keys=False, width=120)
    verdict = decide(mode, expected is not None, None if expected is None else text == expected)
    if not verdict.writes:
        return recorded, []
    write_atomic(path, text.encode("utf-8"))
    return recorded, [f"{verdict.value} {path}"]


def _record_chrome(browser, base_url, site_settings) -> dict:
    """The site's chrome as chrome.py reads it, at the first viewport."""
    device = next(iter(site_settings.devices.values()))
    context = browser.new_context(**device.context_args(), locale="en-US", timezone_id="Asia/Seoul")
    apply_timeouts(context)
    try:
        return chrome_reader.record(ArticlePage(context.new_page(), base_url).open(site_settings.site["article_path"]))
    finally:
        context.close()


@pytest.fixture
def chrome_reference(_chrome_file, note_baseline_written):
    """The target's chrome reference, ``baselines/<target>/chrome.yaml``. With --update-baselines
    (`regress reference --target NAME`) a missing one is recorded from the site, at the first
    viewport; ``changed``/``all`` record it again."""
    reference, written = _chrome_file
    while written:  # said once, by the first test that used it
        note_baseline_written(written.pop())
    return reference


@pytest.fixture
def article_page(page, base_url, site_settings) -> ArticlePage:
    return ArticlePage(page, base_url).open(site_settings.site["article_path"])
