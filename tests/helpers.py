"""Small helpers shared by the tests."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from signallint import check_source
from signallint.catalogue import Version
from signallint.diagnostics import Diagnostic
from signallint.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def diagnostics(
    source: str, *, version: Version | None = None, select: tuple[str, ...] = ("SIG",)
) -> list[Diagnostic]:
    settings = Settings(select=select)
    if version is not None:
        settings = settings.with_overrides(django_version=version)
    return check_source(textwrap.dedent(source), "example.py", settings)


def codes(source: str, **options: object) -> list[str]:
    return [d.code for d in diagnostics(source, **options)]  # type: ignore[arg-type]


def expected_in(path: Path) -> list[tuple[int, str]]:
    """``(line, code)`` for every ``# expect: CODE[, CODE]`` comment in a fixture file."""
    found = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found += [(number, code.strip()) for code in match.group("codes").split(",")]
    return sorted(found)
