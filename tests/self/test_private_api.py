"""The private pytest API the plugin relies on, all in regress.plugin.private_api, held against the
installed pytest: a pytest that moves or changes one of these names fails here, by name."""
from __future__ import annotations

import inspect
import xml.etree.ElementTree as ET

import pytest
from _pytest import junitxml, runner

from regress.plugin.private_api import dist_given


def _parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_names_and_signatures_it_uses():
    assert _parameters(junitxml.pytest_configure) == ["config"]
    assert isinstance(junitxml.xml_key, pytest.StashKey)
    assert _parameters(junitxml.LogXML.pytest_sessionstart) == ["self"]
    assert _parameters(runner.runtestprotocol) == ["item", "log", "nextitem"]


def test_junitxml_started_late_writes_the_run(pytester):
    """As the report does once a run is activated (after collection): junit.xml of every item."""
    pytester.makeconftest("""
        from regress.plugin.private_api import start_junitxml

        def pytest_collection_finish(session):
            start_junitxml(session.config, session.config.rootpath / "late" / "junit.xml")
    """)
    pytester.makepyfile(test_two="def test_passes():\n    pass\n\ndef test_fails():\n    assert False\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    suite = ET.parse(pytester.path / "late" / "junit.xml").getroot().find("testsuite")
    assert {case.get("name") for case in suite.iter("testcase")} == {"test_passes", "test_fails"}
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")


def test_an_item_runs_again_with_fresh_fixtures(pytester):
    """As a failed item's traced re-run does: the phases twice, the fixture set up anew the second time."""
    pytester.makeconftest("""
        import pytest
        from regress.plugin.private_api import run_phases

        SETUPS = []

        @pytest.fixture
        def counted():
            SETUPS.append(len(SETUPS) + 1)
            return SETUPS[-1]

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_protocol(item, nextitem):
            item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
            reports = run_phases(item, nextitem) + run_phases(item, nextitem)
            for report in reports:
                item.ihook.pytest_runtest_logreport(report=report)
            item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
            return True
    """)
    pytester.makepyfile(test_again="def test_sees(counted):\n    print('value', counted)\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=2)
    assert [word for line in result.stdout.lines for word in line.split("value ")[1:]] == ["1", "2"]


@pytest.mark.parametrize("args, given", [(["-n", "2"], False), (["-n", "2", "--dist", "loadfile"], True),
                                         (["--dist", "load"], True), (["-d", "--tx", "popen"], True), ([], False)])
def test_whether_dist_was_given_is_read_from_the_command_line(pytester, args, given):
    assert dist_given(pytester.parseconfig(*args)) is given
