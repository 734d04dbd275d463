"""Orchestration: paths → files → facts → rules → diagnostics.

Each file goes through the cheapest test that can rule it out first: its bytes must
contain a needle of the prefilter before it is decoded, parsed and walked.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from signallint import sources
from signallint.context import RuleContext
from signallint.diagnostics import Diagnostic
from signallint.facts import ModuleFacts, Problem
from signallint.rules import Rule, all_rules, name_of
from signallint.settings import Settings, rule_enabled
from signallint.suppression import NoqaLines, ignored_by_path, is_suppressed


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_seen: int = 0
    files_analysed: int = 0


@dataclass(frozen=True)
class _Analysis:
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


def analyse(path: str, data: bytes, package: str | None, prefilter: bool = True) -> _Analysis:
    """Facts for one file's bytes; problems (bad bytes, bad syntax) become facts too."""
    if prefilter and not sources.may_matter(data):
        return _Analysis(ModuleFacts(path), None)
    decoded = sources.decode(data)
    if isinstance(decoded, Problem):
        return _Analysis(ModuleFacts(path, problems=(decoded,)), None)
    module = sources.parse(decoded.text)
    if isinstance(module, Problem):
        return _Analysis(ModuleFacts(path, problems=(module,)), decoded.text)
    from signallint.collect import collect

    try:
        facts = collect(path, module, package)
    except RecursionError:
        problem = Problem(sources.UNPARSABLE, "cannot analyse file: it is nested too deeply")
        facts = ModuleFacts(path, problems=(problem,))
    return _Analysis(facts, decoded.text)


def diagnose(analysis: _Analysis, rules: Sequence[Rule], context: RuleContext) -> list[Diagnostic]:
    facts = analysis.facts
    found: dict[tuple[str, int, int, str], Diagnostic] = {}
    settings = context.settings

    def keep(code: str) -> bool:
        return rule_enabled(code, settings.select + settings.extend_select, settings.ignore)

    for problem in facts.problems:
        if keep(problem.code):
            diagnostic = Diagnostic(
                facts.path, problem.code, name_of(problem.code), problem.message, problem.span
            )
            found[(diagnostic.code, diagnostic.line, diagnostic.col, diagnostic.message)] = (
                diagnostic
            )
    for rule in rules:
        for span, message in rule.check(facts, context):
            diagnostic = Diagnostic(facts.path, rule.code, rule.name, message, span)
            found.setdefault((rule.code, span.line, span.col, message), diagnostic)
    if not found:
        return []
    noqa = NoqaLines(analysis.text) if analysis.text is not None else None
    kept = []
    for diagnostic in found.values():
        if ignored_by_path(diagnostic.code, diagnostic.path, settings.per_file_ignores):
            continue
        if noqa is not None and is_suppressed(diagnostic.code, noqa.text_for(diagnostic.line)):
            continue
        kept.append(diagnostic)
    return sorted(kept, key=Diagnostic.sort_key)


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
    context = RuleContext.for_settings(settings)
    return diagnose(analyse(path, data, package), enabled_rules(settings), context)


def check_paths(paths: Iterable[str], settings: Settings | None = None) -> RunResult:
    """Check every Python file under ``paths``."""
    settings = settings or Settings()
    context = RuleContext.for_settings(settings)
    rules = enabled_rules(settings)
    result = RunResult()
    for path, problem in discover(paths, settings.excludes):
        result.files_seen += 1
        if problem is not None:
            analysis = _Analysis(ModuleFacts(path, problems=(problem,)), None)
        else:
            data = sources.read_bytes(path)
            if isinstance(data, Problem):
                analysis = _Analysis(ModuleFacts(path, problems=(data,)), None)
            else:
                analysis = analyse(path, data, sources.package_of(path))
        if analysis.text is not None:
            result.files_analysed += 1
        result.diagnostics.extend(diagnose(analysis, rules, context))
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    name = os.path.basename(path)
    normalized = path.replace(os.sep, "/").removeprefix("./")
    return any(
        fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(normalized, pattern.rstrip("/"))
        for pattern in patterns
    )


def discover(paths: Iterable[str], excludes: Sequence[str]) -> Iterator[tuple[str, Problem | None]]:
    """Python files under ``paths`` in a stable order; a path that cannot be listed or
    does not exist comes with a problem instead."""
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        path = os.path.normpath(given)
        if os.path.isdir(path):
            yield from _walk(path, excludes, seen_dirs)
        elif os.path.lexists(path) and not os.path.exists(path):
            yield path, Problem(sources.UNREADABLE, "cannot read file: broken symbolic link")
        elif not os.path.exists(path):
            yield path, Problem(sources.UNREADABLE, "cannot read file: no such file or directory")
        else:
            yield path, None  # named explicitly: checked even if excluded or not *.py


def _walk(
    directory: str, excludes: Sequence[str], seen_dirs: set[tuple[int, int]]
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
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(child, excludes, seen_dirs)
        elif entry.name.endswith(".py"):
            if entry.is_symlink() and not os.path.exists(entry.path):
                yield child, Problem(sources.UNREADABLE, "cannot read file: broken symbolic link")
            else:
                yield child, None
