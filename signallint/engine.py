"""Orchestration: paths → files → facts → rules → diagnostics.

Each file goes through the cheapest test that can rule it out first: its bytes must
contain a needle of the prefilter before it is decoded, parsed and walked. Rules run once
every file's facts are known, because what a module does with a project's own signal
depends on other modules (where the signal is defined, what its ``send()`` calls pass).
"""

from __future__ import annotations

import fnmatch
import os
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from signallint import sources
from signallint.context import RuleContext
from signallint.diagnostics import Diagnostic
from signallint.facts import ModuleFacts, Problem, ProjectFacts, Span
from signallint.rules import Rule, Scope, all_rules, name_of
from signallint.settings import Settings, rule_enabled
from signallint.suppression import NoqaLines, ignored_by_path, is_suppressed


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_seen: int = 0
    files_analysed: int = 0
    # Every file checked, in order (reporters such as JUnit list files without findings).
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Analysis:
    """One file's facts, and its text when it was decoded (for ``# noqa``)."""

    facts: ModuleFacts
    text: str | None


def enabled_rules(settings: Settings) -> tuple[Rule, ...]:
    select = settings.select + settings.extend_select
    return tuple(
        r
        for r in all_rules()
        if r.applies_to(settings.django_version)
        and (r.default_enabled or any(s != "SIG" and r.code.startswith(s) for s in select))
        and rule_enabled(r.code, select, settings.ignore)
    )


def analyse(
    path: str,
    data: bytes,
    package: str | None = None,
    module_name: str | None = None,
    prefilter: bool = True,
) -> Analysis:
    """Facts for one file's bytes; problems (bad bytes, bad syntax) become facts too."""
    if prefilter and not sources.may_matter(data):
        return Analysis(ModuleFacts(path, module_name), None)
    decoded = sources.decode(data)
    if isinstance(decoded, Problem):
        return Analysis(ModuleFacts(path, module_name, problems=(decoded,)), None)
    module = sources.parse(decoded.text)
    if isinstance(module, Problem):
        return Analysis(ModuleFacts(path, module_name, problems=(module,)), decoded.text)
    from signallint.collect import collect

    try:
        facts = collect(path, module, package, module_name)
    except RecursionError:
        problem = Problem(sources.UNPARSABLE, "cannot analyse file: it is nested too deeply")
        facts = ModuleFacts(path, module_name, problems=(problem,))
    except Exception as error:  # a bug of ours must not stop the run: say so, go on
        facts = ModuleFacts(path, module_name, problems=(internal_error(error),))
    return done(facts, decoded.text)


def internal_error(error: Exception) -> Problem:
    where = ""
    if error.__traceback__ is not None:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f" at {os.path.basename(frame.filename)}:{frame.lineno}"
    reason = " ".join(str(error).split())[:120]
    return Problem(
        sources.INTERNAL_ERROR,
        f"internal error ({type(error).__name__}{where}: {reason}); please report it",
    )


def analyse_file(path: str, problem: Problem | None = None, *, project: bool = False) -> Analysis:
    if problem is None:
        data = sources.read_bytes(path)
        if not isinstance(data, Problem):
            return analyse(path, data, sources.package_of(path), sources.module_name_of(path))
        problem = data
    return Analysis(ModuleFacts(path, problems=(problem,)), None)


def run_rules(
    analyses: Sequence[Analysis], settings: Settings, *, suppress: bool = True
) -> list[Diagnostic]:
    """Every enabled rule over every file's facts, then ``# noqa`` and per-file ignores.

    ``suppress=False`` leaves suppression and problem selection to the caller (flake8).
    """
    project = ProjectFacts(tuple(analysis.facts for analysis in analyses))
    context = RuleContext.for_project(settings, project)
    rules = enabled_rules(settings)
    select = settings.select + settings.extend_select
    found: dict[tuple[str, str, int, int, str], Diagnostic] = {}

    def add(path: str, code: str, name: str, span: Span, message: str) -> None:
        found.setdefault(
            (path, code, span.line, span.col, message), Diagnostic(path, code, name, message, span)
        )

    for facts in project.modules:
        for problem in facts.problems:
            if not suppress or rule_enabled(problem.code, select, settings.ignore):
                add(facts.path, problem.code, name_of(problem.code), problem.span, problem.message)
        for rule in rules:
            if rule.scope is Scope.MODULE:
                for span, message in rule.check(facts, context):
                    add(facts.path, rule.code, rule.name, span, message)
    for rule in rules:
        if rule.scope is Scope.PROJECT:
            for path, span, message in rule.check_project(project, context):
                add(path, rule.code, rule.name, span, message)
    diagnostics = list(found.values())
    if suppress:
        texts = {a.facts.path: a.text for a in analyses if a.text is not None}
        diagnostics = _unsuppressed(diagnostics, texts, settings)
    return sorted(diagnostics, key=Diagnostic.sort_key)


def _unsuppressed(
    diagnostics: Iterable[Diagnostic], texts: Mapping[str, str], settings: Settings
) -> list[Diagnostic]:
    noqa: dict[str, NoqaLines] = {}
    kept = []
    for diagnostic in diagnostics:
        if ignored_by_path(diagnostic.code, diagnostic.path, settings.per_file_ignores):
            continue
        text = texts.get(diagnostic.path)
        if text is not None:
            lines = noqa.setdefault(diagnostic.path, NoqaLines(text))
            if is_suppressed(diagnostic.code, lines.text_for(diagnostic.line)):
                continue
        kept.append(diagnostic)
    return kept


def check_source(
    source: str | bytes,
    path: str = "<string>",
    settings: Settings | None = None,
    *,
    package: str | None = None,
) -> list[Diagnostic]:
    """Check one module's source. ``package`` places it for relative imports."""
    settings = settings or Settings()
    data = source.encode("utf-8") if isinstance(source, str) else source
    module_name = None
    if package is not None:
        stem = os.path.splitext(os.path.basename(path))[0]
        module_name = package if stem == "__init__" else f"{package}.{stem}"
    return run_rules([analyse(path, data, package, module_name)], settings)


def check_paths(paths: Iterable[str], settings: Settings | None = None) -> RunResult:
    """Check every Python file under ``paths``."""
    settings = settings or Settings()
    analyses = [analyse_file(path, problem) for path, problem in discover(paths, settings.excludes)]
    return RunResult(
        diagnostics=run_rules(analyses, settings),
        files_seen=len(analyses),
        files_analysed=sum(1 for a in analyses if a.text is not None),
        files=[a.facts.path for a in analyses],
    )


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    name = os.path.basename(path)
    normalized = path.replace(os.sep, "/").removeprefix("./")
    return any(
        fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(normalized, pattern.rstrip("/"))
        for pattern in patterns
    )


def _inside(path: str, root: str) -> bool:
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def discover(paths: Iterable[str], excludes: Sequence[str]) -> Iterator[tuple[str, Problem | None]]:
    """Python files under ``paths`` in a stable order; a path that cannot be listed or
    does not exist comes with a problem instead."""
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        path = os.path.normpath(given)
        if os.path.isdir(path):
            yield from _walk(path, excludes, seen_dirs, os.path.realpath(path))
        elif os.path.lexists(path) and not os.path.exists(path):
            yield path, Problem(sources.UNREADABLE, "cannot read file: broken symbolic link")
        elif not os.path.exists(path):
            yield path, Problem(sources.UNREADABLE, "cannot read file: no such file or directory")
        else:
            yield path, None  # named explicitly: checked even if excluded or not *.py


def _walk(
    directory: str, excludes: Sequence[str], seen_dirs: set[tuple[int, int]], root: str
) -> Iterator[tuple[str, Problem | None]]:
    try:
        info = os.stat(directory)
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            return  # a symbolic link loop, or the same tree named twice
        seen_dirs.add(key)
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield (
            directory,
            Problem(sources.UNREADABLE, f"cannot list directory: {error.strerror or error}"),
        )
        return
    for entry in entries:
        child = entry.path if directory != "." else entry.name
        if _excluded(child, excludes):
            continue
        if entry.is_symlink() and os.path.exists(entry.path) and not _inside(entry.path, root):
            continue  # a link out of the tree we were given: not ours to check
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(child, excludes, seen_dirs, root)
        elif entry.name.endswith(".py"):
            if entry.is_symlink() and not os.path.exists(entry.path):
                yield child, Problem(sources.UNREADABLE, "cannot read file: broken symbolic link")
            else:
                yield child, None
