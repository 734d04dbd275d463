"""One vocabulary: the words that make a file matter are declared in signallint/vocabulary.py
and nowhere else.

A word the screening (prefilter, slicing, sources, imports_scan) does not look for is a
fact the collector never sees. These tests fail when the collector learns a spelling the
vocabulary lacks, when a fact of the fixtures or the example project stands on no word of
its kind, when a catalogued signal's name does not make its connections matter, and when
a module spells one of the vocabulary's words itself instead of taking it from there.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from signallint import (
    catalogue,
    collect,
    discovery,
    imports_scan,
    pipeline,
    prefilter,
    slicing,
    sources,
    thirdparty,
    vocabulary,
)
from signallint.collect import signals as collected_signals
from signallint.collect import wiring as collected_wiring
from signallint.facts import ModuleFacts, Span

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "signallint"
SCREENING = (prefilter, slicing, sources, imports_scan)


def test_the_collector_recognises_no_spelling_the_vocabulary_lacks() -> None:
    assert set(collected_signals.CONNECTION_METHODS) == set(vocabulary.CONNECT_METHODS)
    assert set(collected_signals.SEND_METHODS) == set(vocabulary.SEND_METHODS)
    assert {name.rsplit(".", 1)[1] for name in collected_signals.SIGNAL_CLASSES} == set(
        vocabulary.SIGNAL_CLASSES
    )
    assert {name.rsplit(".", 1)[1] for name in collected_signals.RECEIVER_DECORATORS} == {
        vocabulary.RECEIVER
    }
    assert all(
        name.startswith(vocabulary.DISPATCH_PACKAGE)
        for name in collected_signals.RECEIVER_DECORATORS
    )
    assert collected_wiring.DYNAMIC_IMPORTS is vocabulary.DYNAMIC_IMPORTS
    assert collected_wiring.DYNAMIC_IMPORT_SPELLINGS is vocabulary.DYNAMIC_IMPORT_SPELLINGS
    assert imports_scan.DYNAMIC_IMPORT_KINDS is vocabulary.DYNAMIC_IMPORT_SPELLINGS


def test_every_watched_module_is_djangos() -> None:
    assert all(
        name.split(".", 1)[0] == vocabulary.WATCHED_PACKAGE for name in catalogue.MODULE_NAMES
    )


KNOWN_SIGNALS = sorted(
    {spec.name for spec in (*catalogue.SIGNALS, *thirdparty.THIRD_PARTY_SIGNALS)}
)


@pytest.mark.parametrize("name", KNOWN_SIGNALS)
def test_every_catalogued_signal_makes_its_connections_matter(name: str) -> None:
    screen = pipeline.default_prefilter()
    assert screen.first_pass(f"@receiver({name})\ndef on_event(**kwargs): ...\n".encode())
    assert screen.first_pass(f"{name}.connect(on_event)\n".encode())
    assert screen.first_pass(f"{name}.disconnect(on_event)\n".encode())


@pytest.mark.parametrize(
    "spec",
    [spec for spec in catalogue.SIGNALS if spec.module in catalogue.MODULE_NAMES],
    ids=lambda spec: spec.qualified_name,
)
def test_a_name_a_signal_module_lacks_makes_its_import_matter(
    spec: catalogue.SignalSpec,
) -> None:
    wrong = f"from {spec.module} import {spec.name}_misspelt\n"
    assert pipeline.default_prefilter().first_pass(wrong.encode())


# -- Every fact stands on a word of its kind ---------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of fact: how to find its spans in ModuleFacts, and the words it needs."""

    name: str
    words: tuple[str, ...]

    def pattern(self, aliases: Iterable[str]) -> re.Pattern[str]:
        return re.compile(r"\b(?:" + "|".join(map(re.escape, (*self.words, *aliases))) + r")\b")


# Where one of these kinds of fact stands, one of its words is spelled (or an alias an
# import gives one of them).
MODULE_KINDS = (
    Kind("connections", (vocabulary.RECEIVER, *vocabulary.CONNECT_METHODS)),
    Kind("signal_defs", vocabulary.SIGNAL_CLASSES),
    Kind("send_calls", vocabulary.SEND_METHODS),
    Kind(
        "module_name_refs",
        (
            vocabulary.WATCHED_PACKAGE,
            *vocabulary.WATCHED_MODULE_SUFFIXES,
            *vocabulary.SIGNAL_CLASSES,
            vocabulary.RECEIVER,
        ),
    ),
    Kind("model_classes", (vocabulary.M2M_FIELD, vocabulary.CLASS_KEYWORD)),
)
# Fields of ModuleFacts that hold no fact made from the text, or hold facts that their
# own test below looks at.
NOT_FROM_WORDS = {"path", "module", "package", "problems", "wiring"}


def test_every_kind_of_fact_has_words() -> None:
    """A new kind of fact needs a section of the vocabulary, and a Kind here."""
    fields = set(ModuleFacts.__dataclass_fields__)
    assert fields - NOT_FROM_WORDS == {kind.name for kind in MODULE_KINDS}


@dataclass
class Source:
    path: str
    data: bytes
    text: str
    tree: ast.Module
    facts: ModuleFacts

    def lines_of(self, span: Span) -> str:
        """The lines of ``span``, and of the innermost statement around its first line
        (a multi-line import, a class with its body)."""
        lines = self.text.splitlines()
        first, last = span.line, span.end_line
        around = [
            node
            for node in ast.walk(self.tree)
            if isinstance(node, ast.stmt) and node.lineno <= span.line <= (node.end_lineno or 0)
        ]
        if around:
            innermost = min(around, key=lambda node: (node.end_lineno or 0) - node.lineno)
            first, last = min(first, innermost.lineno), max(last, innermost.end_lineno or 0)
        return "\n".join(lines[first - 1 : last])

    def aliases(self, words: Iterable[str]) -> set[str]:
        """What imports call one of ``words`` (``receiver as on``, ``signals as s``)."""
        wanted = set(words)
        return {
            alias.asname
            for node in ast.walk(self.tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
            if alias.asname and alias.name.rsplit(".", 1)[-1] in wanted
        }


def fixture_sources() -> Iterator[Source]:
    trees = [ROOT / "tests" / "fixtures", ROOT / "examples"]
    for path, problem in discovery.discover([str(tree) for tree in trees], ()):
        if problem:
            continue
        data = Path(path).read_bytes()
        text = data.decode("utf-8")
        module = sources.parse(text)
        assert not isinstance(module, sources.Problem), path
        module_name = sources.module_name_of(path)
        facts = collect.collect(path, module, sources.package_of(path), module_name, text)
        yield Source(path, data, text, ast.parse(text), facts)


@pytest.fixture(scope="module")
def fixtures() -> list[Source]:
    return list(fixture_sources())


def test_every_fact_of_the_fixtures_stands_on_a_word_of_its_kind(fixtures: list[Source]) -> None:
    checked = 0
    for source in fixtures:
        for kind in MODULE_KINDS:
            pattern = kind.pattern(source.aliases(kind.words))
            for fact in getattr(source.facts, kind.name):
                where = f"{source.path}:{fact.span.line} ({kind.name})"
                assert pattern.search(source.lines_of(fact.span)), where
                checked += 1
    assert checked > 300


def test_every_file_with_facts_passes_the_screening(fixtures: list[Source]) -> None:
    """Files with facts are parsed: on the first pass, or on the second, which knows the
    signals the project defines and the models with m2m fields; files with wiring facts
    are parsed for the whole-project analysis, or scanned."""
    defined = frozenset(
        d.qualified_name.rsplit(".", 1)[-1]
        for source in fixtures
        for d in source.facts.signal_defs
        if d.qualified_name
    )
    models = frozenset(
        m.qualified_name.rsplit(".", 1)[-1] for s in fixtures for m in s.facts.model_classes
    )
    screen = pipeline.default_prefilter()
    for source in fixtures:
        data = source.data
        if any(getattr(source.facts, kind.name) for kind in MODULE_KINDS):
            assert screen.first_pass(data) or screen.second_pass(data, defined, models), source.path
        wiring = source.facts.wiring
        assert wiring is not None
        if wiring.classes or wiring.installed_apps or wiring.default_app_config:
            assert sources.matters_for_wiring(source.path, data), source.path
        parsed = screen.first_pass(data) or sources.matters_for_wiring(source.path, data)
        if wiring.dynamic_imports and not parsed:
            scanned = imports_scan.scan(data, sources.module_name_of(source.path))
            assert len(scanned.dynamic_imports) >= len(wiring.dynamic_imports), source.path


def test_every_wiring_fact_of_the_fixtures_stands_on_a_word_of_its_kind(
    fixtures: list[Source],
) -> None:
    callees = re.compile(
        r"\b(?:" + "|".join(map(re.escape, vocabulary.DYNAMIC_IMPORT_SPELLINGS)) + r")\b"
    )
    seen = {"classes": 0, "default_app_config": 0, "dynamic_imports": 0}
    for source in fixtures:
        wiring = source.facts.wiring
        assert wiring is not None
        name = Path(source.path).name
        for config in wiring.classes:
            seen["classes"] += 1
            assert vocabulary.is_apps_module(name, source.facts.module) or (
                vocabulary.APP_CONFIG_SUFFIX in source.lines_of(config.span)
            ), source.path
        if wiring.default_app_config is not None:
            seen["default_app_config"] += 1
            lines = source.lines_of(wiring.default_app_config.span)
            assert vocabulary.DEFAULT_APP_CONFIG in lines, source.path
        if wiring.installed_apps is not None:
            assert vocabulary.INSTALLED_APPS in source.text, source.path
        if wiring.dynamic_imports:
            seen["dynamic_imports"] += 1
            assert callees.search(source.text), source.path
    assert all(seen.values()), seen


# -- Only the vocabulary spells its words ------------------------------------------------


def string_literals(path: Path) -> Iterator[tuple[int, str]]:
    """Every str or bytes constant of a module but its docstrings, with its line."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docstrings:
            if isinstance(node.value, bytes):
                yield node.lineno, node.value.decode("latin-1")
            elif isinstance(node.value, str):
                yield node.lineno, node.value


def spelled(paths: Iterable[Path], words: Iterable[str]) -> list[str]:
    pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, words)) + r")\b")
    return [
        f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
        for path in paths
        for line, text in string_literals(path)
        if pattern.search(text)
    ]


def test_only_the_vocabulary_spells_the_dynamic_import_callees() -> None:
    # catalogue.MODULE_NAMES lists what Django's modules hold, ``import_string`` among
    # them: a name to import, not a callee to look for.
    exempt = {PACKAGE / "vocabulary.py", PACKAGE / "catalogue.py"}
    modules = [path for path in sorted(PACKAGE.rglob("*.py")) if path not in exempt]
    assert spelled(modules, vocabulary.DYNAMIC_IMPORT_SPELLINGS) == []


def vocabulary_words() -> set[str]:
    """Every word the vocabulary declares: its names, and the parts of its dotted names
    (the modules of the qualified callees aside: their spellings are declared too)."""
    found: set[str] = set()
    for name, value in vars(vocabulary).items():
        if not name.isupper():
            continue
        if isinstance(value, str):
            found.update(part for part in value.split(".") if part.isidentifier())
        elif isinstance(value, (tuple, frozenset, dict)):
            found.update(item for item in value if isinstance(item, str) and item.isidentifier())
    return found - {"py"}  # the extension of ``apps.py``


def test_the_screening_takes_every_word_from_the_vocabulary() -> None:
    words = vocabulary_words()
    assert {"receiver", "import_module", "INSTALLED_APPS", "post_save", "django"} <= words
    paths = [Path(module.__file__ or "") for module in SCREENING]
    assert spelled(paths, words) == []


def test_the_words_are_what_the_screening_finds() -> None:
    seed = "\n".join(
        (
            *vocabulary.DYNAMIC_IMPORT_SPELLINGS,
            *vocabulary.CONNECT_METHODS,
            *vocabulary.SIGNAL_CLASSES,
            vocabulary.RECEIVER,
            vocabulary.M2M_FIELD,
        )
    )
    lines = seed.splitlines()
    assert all(slicing._SEED.search(line) for line in lines), lines
    assert all(any(literal in line for literal in slicing._SEED_LITERALS) for line in lines)
    for method in vocabulary.SEND_METHODS:
        assert slicing._SEED.search(f"paid.{method}(sender=None)")
        assert prefilter._uses_or_sends(f"paid.{method}(sender=None)".encode())


def test_covering_keeps_the_words_that_hold_no_other() -> None:
    assert vocabulary.covering(["send", "asend", "send_robust", "connect"]) == ("send", "connect")
    assert vocabulary.covering([".send", ".asend"]) == (".send", ".asend")
    assert vocabulary.covering([]) == ()
