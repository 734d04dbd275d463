"""Every fixture under tests/fixtures/rules reports exactly what its comments expect.

A fixture is named after the rule it exercises (``SIG001_receiver_missing_kwargs.py``).
Each finding it must produce is written at the end of its line as

    ``# expect: CODE:COLUMN message fragment``

COLUMN is 1-based, the ``col`` of the ``path:line:col`` that ``signallint check`` prints
(``Diagnostic.col`` is 0-based, LibCST's convention, so COLUMN is ``Diagnostic.col + 1``);
the fragment is a piece of text the message must contain. Several findings on one line
take one ``# expect:`` each, on the same comment:
``# expect: SIG001:27 does not accept **kwargs # expect: SIG201:1 a lambda``. Code, line,
column and fragment must all match, and every other line must stay silent (for every rule,
not only the fixture's own). A comment that looks like an expectation but is malformed
fails the test, so that a typo cannot make a fixture expect nothing. A
``# django-version: X.Y`` line sets the target Django version (default: the newest).

Every module rule must have a fixture that expects it. The project rules are exercised by
the projects under tests/fixtures/projects (tests/test_project_rules.py): each must appear
in some project's ``expected.txt``, or, if it can fire within one file, in a rule fixture.

The parsing and the comparison live in tests/helpers.py (``expectations_in``,
``mismatches``); the tests at the end show that the comparison does catch what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from signallint import check_source
from signallint.catalogue import parse_version
from signallint.rules import Scope, all_rules
from signallint.settings import Settings
from tests.helpers import FIXTURES, MalformedExpectation, expectations_in, mismatches

RULE_FIXTURES = sorted((FIXTURES / "rules").glob("*.py"))
PROJECT_EXPECTATIONS = sorted((FIXTURES / "projects").glob("*/expected.txt"))
DJANGO_VERSION = re.compile(r"^# django-version: (\S+)$", re.MULTILINE)
EXTEND_SELECT = re.compile(r"^# extend-select: (\S+)$", re.MULTILINE)
# A line of `signallint check` output, as in a project fixture's expected.txt.
REPORTED_CODE = re.compile(r"^\S+:\d+:\d+: (?P<code>[A-Z]+\d+) ", re.MULTILINE)


def fixture_settings(source: str) -> Settings:
    """The settings a fixture asks for in its header: ``# django-version: X.Y`` and
    ``# extend-select: CODE`` (for a rule that is off by default)."""
    settings = Settings()
    version = DJANGO_VERSION.search(source)
    if version:
        settings = replace(settings, django_version=parse_version(version.group(1)))
    selected = EXTEND_SELECT.search(source)
    if selected:
        settings = replace(settings, extend_select=(selected.group(1),))
    return settings


def fixture_problems(source: str, path: str) -> list[str]:
    """How what ``source`` reports differs from what its comments expect."""
    settings = fixture_settings(source)
    return mismatches(expectations_in(source), check_source(source, path, settings))


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=[p.stem for p in RULE_FIXTURES])
def test_fixture_reports_exactly_what_it_expects(path: Path) -> None:
    problems = fixture_problems(path.read_text(), str(path))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=[p.stem for p in RULE_FIXTURES])
def test_fixture_exercises_its_own_rule(path: Path) -> None:
    assert own_code(path) in {e.code for e in expectations_in(path.read_text())}


def own_code(path: Path) -> str:
    return path.stem.split("_", 1)[0]


def fixture_codes() -> set[str]:
    """Codes that a rule fixture named after them expects."""
    return {
        own_code(path)
        for path in RULE_FIXTURES
        if own_code(path) in {e.code for e in expectations_in(path.read_text())}
    }


def test_every_module_rule_has_a_fixture() -> None:
    module_rules = {rule.code for rule in all_rules() if rule.scope is Scope.MODULE}
    without_fixture = sorted(module_rules - fixture_codes())
    assert without_fixture == [], "no tests/fixtures/rules/CODE_*.py expects these"


def test_every_project_rule_is_exercised_by_a_fixture() -> None:
    # A project rule shows in some project's expected.txt, or, when it can fire within a
    # single file (SIG214), in a rule fixture of its own.
    project_rules = {rule.code for rule in all_rules() if rule.scope is Scope.PROJECT}
    in_projects = {
        match.group("code")
        for path in PROJECT_EXPECTATIONS
        for match in REPORTED_CODE.finditer(path.read_text())
    }
    unexercised = sorted(project_rules - in_projects - fixture_codes())
    assert unexercised == [], "no project's expected.txt nor rule fixture has these"


# The harness itself: the comparison must catch each kind of difference.

RECEIVER = """\
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save)
def on_save(sender, instance):{comment}
    pass
"""


def problems_with(comment: str) -> list[str]:
    return fixture_problems(RECEIVER.format(comment=comment), "example.py")


def test_the_right_expectation_passes() -> None:
    assert problems_with("  # expect: SIG001:5 receiver `on_save` does not accept") == []


MESSAGE = "receiver `on_save` does not accept **kwargs; add **kwargs to its parameters"


def test_a_wrong_column_is_reported() -> None:
    assert problems_with("  # expect: SIG001:1 receiver `on_save` does not accept") == [
        "line 6: SIG001:1 'receiver `on_save` does not accept' reported at column 5, "
        f"not 1: 6:5: SIG001 {MESSAGE}"
    ]


def test_a_wrong_fragment_is_reported() -> None:
    assert problems_with("  # expect: SIG001:5 receiver `on_delete`") == [
        "line 6: SIG001:5 'receiver `on_delete`' reported without the fragment: "
        f"6:5: SIG001 {MESSAGE}"
    ]


def test_a_wrong_column_and_fragment_are_reported_together() -> None:
    assert problems_with("  # expect: SIG001:6 receiver `on_delete`") == [
        "line 6: SIG001:6 'receiver `on_delete`' reported at column 5, not 6 and without the "
        f"fragment: 6:5: SIG001 {MESSAGE}"
    ]


def test_a_wrong_code_is_reported() -> None:
    problems = problems_with("  # expect: SIG002:5 receiver `on_save`")
    assert problems == [
        "line 6: SIG002:5 'receiver `on_save`' not reported",
        f"not expected: 6:5: SIG001 {MESSAGE}",
    ]


def test_a_finding_without_expectation_is_reported() -> None:
    assert problems_with("") == [f"not expected: 6:5: SIG001 {MESSAGE}"]


def test_an_expectation_on_a_silent_line_is_reported() -> None:
    source = RECEIVER.format(comment="  # expect: SIG001:5 does not accept").replace(
        "pass", "pass  # expect: SIG001:5 does not accept"
    )
    assert fixture_problems(source, "example.py") == [
        "line 7: SIG001:5 'does not accept' not reported"
    ]


def test_one_finding_meets_one_expectation_only() -> None:
    [problem] = problems_with(
        "  # expect: SIG001:5 does not accept # expect: SIG001:5 does not accept"
    )
    assert problem == "line 6: SIG001:5 'does not accept' not reported"


def test_several_expectations_on_one_line() -> None:
    source = (
        "from django.db.models import signals\n"
        "signals.post_init.connect(lambda sender, instance: None)"
        "  # expect: SIG001:27 does not accept **kwargs"
        "  # expect: SIG201:1 a lambda connected with weak=True\n"
    )
    assert [(e.code, e.column) for e in expectations_in(source)] == [
        ("SIG001", 27),
        ("SIG201", 1),
    ]
    assert fixture_problems(source, "example.py") == []
    only_one = source.replace("  # expect: SIG201:1 a lambda connected with weak=True", "")
    [problem] = fixture_problems(only_one, "example.py")
    assert problem.startswith("not expected: 2:1: SIG201 a lambda connected")


@pytest.mark.parametrize(
    "comment",
    [
        pytest.param("# expect: SIG001", id="old-form"),
        pytest.param("# expect: SIG001, SIG201", id="old-form-list"),
        pytest.param("# expect: SIG001:5", id="no-fragment"),
        pytest.param("# expect: SIG001 does not accept", id="no-column"),
        pytest.param("# expect: SIG001:0 does not accept", id="column-0"),
        pytest.param("# expect: SIG01:5 does not accept", id="unknown-code"),
        pytest.param("# expect SIG001:5 does not accept", id="no-colon"),
        pytest.param("# expcet: SIG001:5 does not accept", id="misspelt-marker"),
        pytest.param("# Expect: SIG001:5 does not accept", id="capital"),
        pytest.param("# SIG001:5 does not accept", id="no-marker"),
        pytest.param("# expect: SIG001:5 does not accept # expect: SIG201", id="second-malformed"),
    ],
)
def test_a_malformed_expectation_is_an_error(comment: str) -> None:
    with pytest.raises(MalformedExpectation, match=r"^line 6: "):
        expectations_in(RECEIVER.format(comment=f"  {comment}"))


def test_comments_that_are_not_expectations_are_left_alone() -> None:
    source = RECEIVER.format(comment="  # the report is on the def (SIG001), see below")
    assert expectations_in(source) == []
