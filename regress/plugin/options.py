"""The ``regress`` option group: every option of the plugin, declared here and read through
:class:`Options` (paths resolved against the project root)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from demo_site.content import NEWS_DAYS  # the days the bundled demo site serves

from ..model.project import ProjectPaths
from ..run.references import UpdateMode

# The update modes a user names: every mode of the policy but comparing (no option).
UPDATE_MODES = tuple(mode.value for mode in UpdateMode if mode is not UpdateMode.COMPARE)
RETRACE_MODES = ("rerun", "off")


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("regress", "news-site regression suite")
    group.addoption("--target", default=None, metavar="NAME",
                    help="a target of the site settings: demo (pinned rules; the default) or a live one "
                         "(live rules; --base-url alone means `live`)")
    group.addoption("--news-day", default=None, type=int, choices=NEWS_DAYS,
                    help="the bundled demo site's news day (2: other stories, corrections; 3: day 2 with a "
                         "longer story; 4: day 2 with a shorter story under a taller photo); not with --base-url")
    group.addoption("--site-settings", default=None, metavar="YAML",
                    help="site settings file (default: config/site.yaml, else the package's own)")
    group.addoption("--scenarios", default=None, metavar="DIR",
                    help="scenario folder, collected with tests/regression (default: config/scenarios)")
    group.addoption("--baselines-dir", default=None, metavar="DIR",
                    help="visual baselines folder (default: baselines/)")
    group.addoption("--reports-dir", default=None, metavar="DIR",
                    help="where run outputs go: DIR/latest is this run (default: $REGRESS_REPORTS_DIR or reports/)")
    group.addoption("--update-baselines", default=None, choices=UPDATE_MODES,
                    help="write visual baselines: missing ones, changed ones, or all")
    group.addoption("--prune-baselines", action="store_true",
                    help="delete baselines that no scenario uses any more")
    group.addoption("--mutation", default=None, metavar="NAME",
                    help="serve the demo site with a seeded regression (`regress serve --list-mutations` "
                         "lists them); not with --base-url")
    group.addoption("--trace-failures", default="rerun", choices=RETRACE_MODES,
                    help="rerun: run each failed item once more with a Playwright trace (default); "
                         "off: no traces unless --tracing asks for them")
    group.addoption("--shard", default=None, metavar="i/n",
                    help="run only shard i of n (1-based): a deterministic, even split of the selected "
                         "items; merge the shards' reports with `regress merge`")
    group.addoption("--browser-server", default=None, metavar="WS_URL",
                    help="connect to a Playwright browser server (playwright launch-server) at ws://... "
                         "instead of launching a browser; the server's own flags apply")
    group.addoption("--cdp-endpoint", default=None, metavar="URL",
                    help="attach to a Chromium started with --remote-debugging-port (http://host:port "
                         "or its ws://.../devtools/browser/... URL); its own flags apply")


@dataclass(frozen=True)
class Options:
    """The options as the plugin uses them."""
    paths: ProjectPaths
    target: str | None
    news_day: int | None
    site_settings: Path
    scenarios: Path
    baselines_dir: Path
    reports_dir: Path
    update_baselines: str | None
    prune_baselines: bool
    mutation: str | None
    trace_failures: str
    shard: str | None
    browser_server: str | None
    cdp_endpoint: str | None

    @classmethod
    def of(cls, config: pytest.Config) -> "Options":
        paths = ProjectPaths(config.rootpath)

        def path(option: str, default: Path) -> Path:
            """Absolute: a relative path given on the command line is the invocation folder's."""
            given = config.getoption(option)
            return Path(config.invocation_params.dir, given) if given else default

        return cls(
            paths=paths,
            target=config.getoption("--target"),
            news_day=config.getoption("--news-day"),
            site_settings=path("--site-settings", paths.settings),
            scenarios=path("--scenarios", paths.scenarios),
            baselines_dir=path("--baselines-dir", paths.baselines),
            reports_dir=path("--reports-dir", paths.reports),
            update_baselines=config.getoption("--update-baselines"),
            prune_baselines=bool(config.getoption("--prune-baselines")),
            mutation=config.getoption("--mutation"),
            trace_failures=config.getoption("--trace-failures"),
            shard=config.getoption("--shard"),
            browser_server=config.getoption("--browser-server"),
            cdp_endpoint=config.getoption("--cdp-endpoint"),
        )

    @property
    def own_scenarios(self) -> bool:
        """The project's own scenario folder (its committed baselines are then this run's business)."""
        return self.scenarios.resolve() == self.paths.scenarios.resolve()
