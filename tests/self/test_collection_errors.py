"""A bad scenario file is ONE collection error naming its file, line and key, without a traceback.

Each case writes one bad YAML into a fresh scenarios directory and collects it
(``--collect-only``, so no browser starts) in a pytest subprocess.
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "site.yaml"


def scenario(checks: str, *, name: str = "article", viewports: str = "") -> str:
    head = f"defaults:\n  viewports: {viewports}\n" if viewports else ""
    return head + textwrap.dedent(f"""\
        scenarios:
          - name: {name}
            page: /www/nation/2022/06/120_330924.html
            checks:
        """) + textwrap.indent(textwrap.dedent(checks), "      ")


# id -> (YAML text, line the error must name, texts the message must contain: key path first)
CASES = {
    "syntax_error": (
        scenario("""\
            - kind: layout
              visible: [article.headline, article.byline
              hidden: [menu.overlay]
            """),
        7, ["invalid YAML"],
    ),
    "unknown_key": (
        scenario("""\
            - kind: layout
              visble: [article.headline]
            """),
        6, ["scenarios[0].checks[0].visble", "unknown key", "visible"],
    ),
    "wrong_type": (
        scenario("""\
            - kind: layout
              visible: [article.headline]
              count: {top_ten.items: ten}
            """),
        7, ["scenarios[0].checks[0].count['top_ten.items']", "'ten'"],
    ),
    "unknown_component": (
        scenario("""\
            - kind: layout
              visible: [article.headlin]
            """),
        6, ["scenarios[0].checks[0].visible[0]", "unknown component 'article.headlin'", "article.headline"],
    ),
    "unknown_check_kind": (
        scenario("""\
            - kind: layuot
            """),
        5, ["scenarios[0].checks[0].kind", "unknown check kind 'layuot'", "layout"],
    ),
    "bad_viewport": (
        scenario("""\
            - kind: layout
              visible: [article.headline]
              viewports: [desktop, watch]
            """),
        7, ["scenarios[0].checks[0].viewports[1]", "unknown viewport 'watch'"],
    ),
    "empty_scenario": (
        scenario("[]\n").replace("checks:\n      []", "checks: []"),
        4, ["scenarios[0].checks", "empty"],
    ),
    "name_leaves_baselines": (
        scenario("""\
            - kind: layout
              visible: [article.headline]
            """, name="../../etc"),
        2, ["scenarios[0].name", "'../../etc'"],
    ),
}


@pytest.fixture(scope="module")
def site_url():
    from demo_site import DemoSite

    with DemoSite(port=0, font_delay=0) as site:
        yield site.url


@pytest.mark.parametrize("case", list(CASES))
def test_bad_scenario_is_one_located_collection_error(case, pytester, site_url):
    text, line, needles = CASES[case]
    scenarios = pytester.mkdir("scenarios")
    bad = scenarios / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider",
        "--scenarios", str(scenarios), "--site-settings", str(SETTINGS),
        "--base-url", site_url, "--target", "demo", "--collect-only", str(scenarios),
    )
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out, out
    assert result.ret == pytest.ExitCode.INTERRUPTED, out
    assert re.search(r"\b1 error\b", out) and not re.search(r"\b[2-9]\d* errors\b", out), out
    errors = [ln for ln in out.splitlines() if ln.startswith("ERROR ")]
    assert len(errors) == 1, out
    where = f"bad.yaml:{line}"
    located = [ln for ln in out.splitlines() if where in ln and not ln.startswith("ERROR ")]
    assert located, f"no message names {where}:\n{out}"
    message = "\n".join(located)
    for needle in needles:
        assert needle in message, f"{needle!r} missing from the error message:\n{out}"


# --- scenario names name the baseline folders: unique across the files of --scenarios -------------

ARTICLE = scenario("""\
    - kind: layout
      visible: [article.headline]
    """)
# zz.yaml: another page under a name the article's file already took (its baselines would be shared)
TAKEN = "# the section page\n" + scenario("""\
    - kind: layout
      visible: [article.headline]
    """).replace("/www/nation/2022/06/120_330924.html", "/www/nation/")


def _two_files_one_name(pytester) -> Path:
    scenarios = pytester.mkdir("scenarios")
    (scenarios / "article.yaml").write_text(ARTICLE, encoding="utf-8")
    (scenarios / "zz.yaml").write_text(TAKEN, encoding="utf-8")
    return scenarios


@pytest.mark.parametrize("given", ["folder", "file"])
def test_scenario_name_taken_by_another_file_is_one_error_naming_both(given, pytester, site_url):
    """Collected from the folder, or zz.yaml given on the command line: one error, on zz.yaml,
    naming both files and lines; the first file's scenario still collects."""
    scenarios = _two_files_one_name(pytester)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--scenarios", str(scenarios), "--site-settings", str(SETTINGS),
        "--base-url", site_url, "--target", "demo", "--collect-only", "-q",
        str(scenarios if given == "folder" else scenarios / "zz.yaml"))
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out, out
    assert result.ret == pytest.ExitCode.INTERRUPTED, out
    errors = [ln for ln in out.splitlines() if ln.startswith("ERROR ")]
    assert len(errors) == 1, out
    assert re.search(r"zz\.yaml:3: name: duplicate scenario name 'article' \(also at \S*article\.yaml:2\)", out), out
    collected = [ln for ln in out.splitlines() if "::article::" in ln]
    assert collected == (["article.yaml::article::layout[desktop]", "article.yaml::article::layout[tablet]",
                          "article.yaml::article::layout[mobile]"] if given == "folder" else []), out


def test_prune_leaves_baselines_alone_when_scenario_names_clash(pytester, site_url):
    """--prune-baselines reads the same session-level load: with a clash it removes nothing."""
    scenarios = _two_files_one_name(pytester)
    stale = pytester.path / "baselines" / "demo" / "gone" / "page-desktop-chromium-linux.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"not compared: only its name matters")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--scenarios", str(scenarios), "--site-settings", str(SETTINGS),
        "--baselines-dir", str(pytester.path / "baselines"), "--base-url", site_url, "--target", "demo",
        "--collect-only", "-q", "--prune-baselines", str(scenarios))
    out = result.stdout.str() + result.stderr.str()
    assert "duplicate scenario name 'article'" in out, out
    assert stale.is_file(), out
