"""Small helpers shared by the tests, and the rule-fixture harness.

A rule fixture marks each finding it expects with a comment at the end of the line::

    def no_kwargs(sender, instance):  # expect: SIG001:5 does not accept **kwargs

that is ``# expect: CODE:COLUMN FRAGMENT``: the rule code, the 1-based column (the ``col``
of ``path:line:col`` that ``signallint check`` prints, ``Diagnostic.col + 1``), and a piece
of text the diagnostic's message must contain. Several findings on one line take one
``# expect:`` each, one after the other on the same comment; a fragment therefore cannot
contain ``#``. A comment that looks like an expectation but does not follow this form (a
misspelt marker, no column, an unknown code...) is an error, not a silent no-op.
"""

from __future__ import annotations

import difflib
import io
import re
import textwrap
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from signallint import check_source
from signallint.catalogue import Version
from signallint.diagnostics import Diagnostic
from signallint.rules import all_rules
from signallint.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT_FORM = "# expect: CODE:COLUMN message fragment"
EXPECTATION = re.compile(
    r"#\s*expect:\s*(?P<code>[A-Z]+[0-9]+):(?P<column>[0-9]+)\s+(?P<fragment>\S.*?)\s*"
)
FIRST_WORD = re.compile(r"#\s*(?P<word>[A-Za-z_-]*)")
# `SIG001:5` in a comment without the marker is almost surely a broken expectation.
CODE_AND_COLUMN = re.compile(r"\b[A-Z]+[0-9]+:[0-9]+\b")


def diagnostics(
    source: str, *, version: Version | None = None, select: tuple[str, ...] = ("SIG",)
) -> list[Diagnostic]:
    settings = Settings(select=select)
    if version is not None:
        settings = settings.with_overrides(django_version=version)
    return check_source(textwrap.dedent(source), "example.py", settings)


def codes(source: str, **options: object) -> list[str]:
    return [d.code for d in diagnostics(source, **options)]  # type: ignore[arg-type]


@dataclass(frozen=True)
class Expectation:
    """One ``# expect:`` of a fixture: a finding that must be reported on ``line``."""

    line: int
    code: str
    column: int  # 1-based, as the text output prints it
    fragment: str

    def is_met_by(self, diagnostic: Diagnostic) -> bool:
        return (
            diagnostic.line == self.line
            and diagnostic.code == self.code
            and diagnostic.col + 1 == self.column
            and self.fragment in diagnostic.message
        )


class MalformedExpectation(ValueError):
    """A fixture comment meant as an expectation that cannot be read as one."""


@cache
def _rule_codes() -> frozenset[str]:
    return frozenset(rule.code for rule in all_rules())


def _looks_like_a_marker(comment: str) -> bool:
    first = FIRST_WORD.match(comment)
    word = first.group("word").lower() if first else ""
    return word.startswith("expect") or bool(
        difflib.get_close_matches(word, ["expect"], n=1, cutoff=0.7)
    )


def _expectation(line: int, comment: str) -> Expectation:
    match = EXPECTATION.fullmatch(comment)
    if match is None:
        raise MalformedExpectation(
            f"line {line}: cannot read {comment.strip()!r}; write {EXPECT_FORM!r}"
            " (one per finding, COLUMN 1-based as `signallint check` prints it)"
        )
    code, column = match.group("code"), int(match.group("column"))
    if code not in _rule_codes():
        raise MalformedExpectation(f"line {line}: {code} in {comment.strip()!r} is no rule code")
    if column < 1:
        raise MalformedExpectation(f"line {line}: columns are 1-based, got {comment.strip()!r}")
    return Expectation(line, code, column, match.group("fragment"))


def expectations_in(source: str) -> list[Expectation]:
    """Every ``# expect:`` of a fixture, in order; raises :class:`MalformedExpectation`."""
    found = []
    comments = (
        token
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    )
    for token in comments:
        line = token.start[0]
        for comment in re.split(r"(?=#)", token.string):
            if _looks_like_a_marker(comment):
                found.append(_expectation(line, comment))
            elif CODE_AND_COLUMN.search(comment):
                raise MalformedExpectation(
                    f"line {line}: {comment.strip()!r} names a code and column without"
                    f" the marker; write {EXPECT_FORM!r}"
                )
    return found


def expected_in(path: Path) -> list[tuple[int, str]]:
    """``(line, code)`` for every expectation in a fixture file."""
    return sorted((e.line, e.code) for e in expectations_in(path.read_text()))


def _describe(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.line}:{diagnostic.col + 1}: {diagnostic.code} {diagnostic.message}"


def _pairing(
    expectations: Sequence[Expectation], diagnostics: Sequence[Diagnostic]
) -> dict[int, int]:
    """The most expectations met by distinct diagnostics: diagnostic index -> expectation index.

    A plain first-come search could hand a loose fragment the diagnostic that a stricter
    one on the same line needs; augmenting paths (Kuhn) take it back.
    """
    owner: dict[int, int] = {}

    def claim(wanted: int, tried: set[int]) -> bool:
        for index, diagnostic in enumerate(diagnostics):
            if index in tried or not expectations[wanted].is_met_by(diagnostic):
                continue
            tried.add(index)
            if index not in owner or claim(owner[index], tried):
                owner[index] = wanted
                return True
        return False

    for wanted in range(len(expectations)):
        claim(wanted, set())
    return owner


def mismatches(expectations: Iterable[Expectation], diagnostics: Iterable[Diagnostic]) -> list[str]:
    """What differs between a fixture's expectations and what was reported, one line each.

    An unmet expectation and an unexpected finding of the same code on the same line are
    told as one near miss (wrong column, or a message without the fragment).
    """
    wanted, reported = list(expectations), list(diagnostics)
    owner = _pairing(wanted, reported)
    unmet = [e for index, e in enumerate(wanted) if index not in owner.values()]
    unexpected = [d for index, d in enumerate(reported) if index not in owner]
    problems: list[tuple[int, str]] = []
    for expectation in sorted(unmet, key=lambda e: (e.line, e.column, e.code)):
        near = next(
            (d for d in unexpected if (d.line, d.code) == (expectation.line, expectation.code)),
            None,
        )
        wish = f"{expectation.code}:{expectation.column} {expectation.fragment!r}"
        if near is None:
            problems.append((expectation.line, f"line {expectation.line}: {wish} not reported"))
            continue
        unexpected.remove(near)
        differences = []
        if near.col + 1 != expectation.column:
            differences.append(f"at column {near.col + 1}, not {expectation.column}")
        if expectation.fragment not in near.message:
            differences.append("without the fragment")
        problems.append(
            (
                expectation.line,
                f"line {expectation.line}: {wish} reported "
                f"{' and '.join(differences)}: {_describe(near)}",
            )
        )
    for diagnostic in unexpected:
        problems.append((diagnostic.line, f"not expected: {_describe(diagnostic)}"))
    return [text for _, text in sorted(problems)]
