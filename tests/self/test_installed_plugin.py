"""The plugin works outside this repository, installed as a package.

In a temporary directory with no conftest: a throwaway venv (``--system-site-packages``,
the project's dependencies reached through a ``.pth`` line, since the system Python has
none of them), this project installed into it non-editable from a copy of its sources
(``--no-index --no-deps --no-build-isolation``: no network), one scenario file, and no
site settings of its own, so the package's generic defaults are all (they name no site and
none of its components). The demo site is started by the installed ``regress serve`` and
passed with ``--base-url``; the plugin comes in through its ``pytest11`` entry point. A layout
check passes and a broken one fails; a check that needs the site's components, which the
generic settings do not list, is one collection error saying where to list them.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "regress", "pages", "demo_site")  # not config/: the package has its own settings
ARTICLE = "/www/nation/2022/06/120_330924.html"
SCENARIO = f"""scenarios:
  - name: installed
    page: {ARTICLE}
    viewports: [desktop]
    checks:
      - kind: layout
        name: top_ten
        visible: [share_bar, top_ten.items]
        count: {{top_ten.items: COUNT}}
"""


def _run(cmd, cwd: Path, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "PYTHON")) and k not in ("VIRTUAL_ENV",)}
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The throwaway venv's bin folder, with this project installed non-editable."""
    tmp = tmp_path_factory.mktemp("installed")
    source = tmp / "source"
    for name in SOURCES:
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, target)
    venv = tmp / "venv"
    # No pip of its own: the one of the venv running this test (through the .pth below) installs
    # into it, with that venv's setuptools, so nothing is downloaded.
    made = _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv], cwd=tmp)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        cwd=tmp).stdout.strip())
    # the dependencies (pytest, playwright...) of the venv running this test, after the throwaway's own
    (purelib / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    done = _run([python, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-build-isolation",
                 source], cwd=tmp, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return venv / "bin"


@pytest.fixture(scope="module")
def demo_url(installed, tmp_path_factory):
    proc = subprocess.Popen([str(installed / "regress"), "serve", "--port", "0"],
                            cwd=tmp_path_factory.mktemp("serve"), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        assert match, line + proc.stdout.read(2000) if proc.poll() is not None else line
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(10)


def _project(tmp_path: Path, count: int, scenario: str = SCENARIO) -> Path:
    project = tmp_path / "project"
    (project / "scenarios").mkdir(parents=True)
    (project / "scenarios" / "installed.yaml").write_text(scenario.replace("COUNT", str(count)), encoding="utf-8")
    return project


def _pytest(installed: Path, project: Path, url: str) -> subprocess.CompletedProcess:
    return _run([installed / "python", "-m", "pytest", "-p", "no:cacheprovider", "-q", "--scenarios", "scenarios",
                 "--base-url", url, "--target", "demo", "--reports-dir", "reports", "scenarios"], cwd=project)


def test_the_installed_package_is_not_this_checkout(installed, tmp_path):
    where = _run([installed / "python", "-c", "import regress, regress.model.project as p; "
                  "print(regress.__file__); print(p.PACKAGE_SETTINGS.read_text().splitlines()[1][:40])"], cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    module, settings = where.stdout.splitlines()[0], where.stdout.splitlines()[1]
    assert str(installed.parent) in module and str(ROOT) not in module, module
    # the package's data: a file, not a link (its second line: the first names its schema)
    assert settings.startswith("# Site settings"), settings


def test_a_layout_check_passes_outside_the_repository(installed, demo_url, tmp_path):
    project = _project(tmp_path, 10)
    assert not (project / "conftest.py").exists() and not (project / "config").exists()
    done = _pytest(installed, project, demo_url)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"\b1 passed\b", done.stdout), done.stdout[-2000:]
    assert (project / "reports" / "latest" / "run.json").is_file()


def test_a_broken_layout_check_fails_outside_the_repository(installed, demo_url, tmp_path):
    done = _pytest(installed, _project(tmp_path, 11), demo_url)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    assert "top_ten.items: 10 found, expected 11" in done.stdout, done.stdout[-3000:]


def test_a_check_needing_components_the_generic_settings_lack_is_one_error(installed, demo_url, tmp_path):
    scenario = SCENARIO.replace("      - kind: layout\n", "      - kind: print_preview\n      - kind: layout\n", 1)
    done = _pytest(installed, _project(tmp_path, 10, scenario), demo_url)
    out = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.INTERRUPTED and "Traceback" not in out, out[-3000:]
    errors = [line for line in out.splitlines() if line.startswith("ERROR ")]
    assert len(errors) == 1, out[-3000:]
    assert re.search(r"installed\.yaml:6: scenarios\[0\]\.checks\[0\]: a print_preview check needs the "
                     r"components it looks at: the site settings list none under print_preview\.hidden", out), out[-3000:]
