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
