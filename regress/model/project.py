"""Where a project's files are: the one definition of the root and of every default path.

The root is the project being tested, not this package: pytest's rootdir for the
plugin, the current directory for the command line. So the defaults stay right
when the package is installed (site-packages is nobody's project).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The package's generic site settings: what a project's config/site.yaml is laid over
# (regress.model.scenario.load_settings), and all there is when a project has none.
PACKAGE_SETTINGS = Path(__file__).resolve().parent / "site.yaml"
REPORTS_ENV = "REGRESS_REPORTS_DIR"  # a private reports folder (self-tests, soak runs)


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    @classmethod
    def here(cls) -> "ProjectPaths":
        return cls(Path.cwd())

    @property
    def settings(self) -> Path:
        own = self.root / "config" / "site.yaml"
        return own if own.is_file() else PACKAGE_SETTINGS

    @property
    def scenarios(self) -> Path:
        return self.root / "config" / "scenarios"

    @property
    def schemas(self) -> Path:
        """config/schema: the JSON Schemas editors check the YAML files with (`regress schema`)."""
        return self.root / "config" / "schema"

    @property
    def baselines(self) -> Path:
        return self.root / "baselines"

    @property
    def reports(self) -> Path:
        return Path(os.environ.get(REPORTS_ENV) or self.root / "reports")

    @property
    def regression_suite(self) -> Path:
        """tests/regression: the Python tests the scenario files join (`pytest tests` runs both)."""
        return self.root / "tests" / "regression"

    def shown(self, path: Path) -> str:
        """A path as the user reads it: relative to the project root when it is inside."""
        return shown_path(path, self.root)


def shown_path(path: str | os.PathLike, base: str | os.PathLike | None) -> str:
    """A path as the user reads it: relative to ``base`` when it is inside, else as given.

    The one rule of every message that names a file. ``base`` is the project root for the
    files the engine makes (baselines, reports), or the invocation folder for files the user
    named (``Path.cwd()``: a scenario or settings file given on the command line). Compared
    as written first (a link inside ``base`` stays as the user reads it), then resolved."""
    if base is None:
        return str(path)
    for candidate, root in ((Path(os.path.abspath(path)), Path(os.path.abspath(base))),
                            (Path(path).resolve(), Path(base).resolve())):
        try:
            return str(candidate.relative_to(root))
        except ValueError:
            pass
    return str(path)
