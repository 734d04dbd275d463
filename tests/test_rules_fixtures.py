"""Every fixture under tests/fixtures/rules reports exactly what its comments expect.

A fixture is named after the rule it exercises; its bad lines end in ``# expect: CODE``
and every other line must stay silent (for every rule, not only its own). A
``# django-version: X.Y`` line sets the target Django version (default: the newest).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from signallint import check_source
from signallint.catalogue import parse_version
from signallint.settings import Settings
from tests.helpers import FIXTURES, expected_in

RULE_FIXTURES = sorted((FIXTURES / "rules").glob("*.py"))


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=[p.stem for p in RULE_FIXTURES])
def test_fixture_reports_exactly_what_it_expects(path: Path) -> None:
    settings = Settings()
    version = re.search(r"^# django-version: (\S+)$", path.read_text(), re.MULTILINE)
    if version:
        settings = Settings(django_version=parse_version(version.group(1)))
    diagnostics = check_source(path.read_bytes(), str(path), settings)
    found = sorted((d.line, d.code) for d in diagnostics)
    assert found == expected_in(path)


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=[p.stem for p in RULE_FIXTURES])
def test_fixture_exercises_its_own_rule(path: Path) -> None:
    code = path.stem.split("_", 1)[0]
    assert code in {c for _, c in expected_in(path)}
