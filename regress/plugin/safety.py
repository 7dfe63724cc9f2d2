"""State-changing tests (marked ``changes_state``) are skipped on the hosts listed in
``site.sensitive_hosts``: a regression run must never log in or post on production."""
from __future__ import annotations

import pytest

from ..browser.chromium import host_of
from .state import session_state


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("changes_state") is None:
        return
    host = host_of(item.config.option.base_url)
    sensitive = {h.lower() for h in session_state(item.config).settings.site.get("sensitive_hosts", [])}
    if host and host[0].lower() in sensitive:
        pytest.skip(f"changes state on the site; {host[0]} is listed in site.sensitive_hosts")
