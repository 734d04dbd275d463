"""Orchestration: paths → files → facts → rules → diagnostics.

Rules run once every file's facts are known, because what a module does with a
project's own signal depends on other modules (where the signal is defined, what its
``send()`` calls pass).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from signallint.cache import FactsCache, wait_for_writes
from signallint.catalogue import format_version
from signallint.context import RuleContext
from signallint.diagnostics import Diagnostic
from signallint.discovery import discover, project_files, project_root
from signallint.facts import ProjectFacts, RuntimeApps, Span
from signallint.fixes import Fix
from signallint.layout import project_facts
from signallint.pipeline import Analysis, Item, analyse, given_item, read_item
from signallint.rules import Rule, Scope, all_rules, name_of
from signallint.scheduling import EarlyStart, Progress, analyse_items
from signallint.settings import Settings, rule_enabled
from signallint.suppression import NoqaLines, ignored_by_path, is_suppressed


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_seen: int = 0
    files_analysed: int = 0
    # Every file checked, in order (reporters such as JUnit list files without findings).
    files: list[str] = field(default_factory=list)
    # What ``--fix`` needs to re-check a fixed file: every file's facts, the other files
    # of the project that rules saw as context, and the project root.
    analyses: list[Analysis] = field(default_factory=list)
    others: list[Analysis] = field(default_factory=list)
    root: str | None = None


def enabled_rules(settings: Settings) -> tuple[Rule, ...]:
    select = settings.select + settings.extend_select
    return tuple(
        r
        for r in all_rules()
        if r.applies_to(settings.django_version)
        and (
            r.default_enabled
            or any(s == "ALL" or (s != "SIG" and r.code.startswith(s)) for s in select)
        )
        and rule_enabled(r.code, select, settings.ignore)
    )


@dataclass(frozen=True)
class Picture:
    """What the rules know of a project: every file's facts, and the context learnt from
    them (the project's signals, models, re-exports)."""

    project: ProjectFacts
    context: RuleContext


def picture_of(
    analyses: Iterable[Analysis],
    root: str | None,
    settings: Settings,
    runtime: RuntimeApps | None = None,
) -> Picture:
    """``runtime``: what a running Django knows of the apps (its system check)."""
    project = project_facts(tuple(a.facts for a in analyses), root, runtime)
    context = RuleContext.for_project(
        project, settings.django_version, settings.declared_signals, settings.side_effect_calls
    )
    return Picture(project, context)


def run_rules(
    analyses: Sequence[Analysis],
    settings: Settings,
    *,
    suppress: bool = True,
    others: Sequence[Analysis] = (),
    root: str | None = None,
    picture: Picture | None = None,
) -> list[Diagnostic]:
    """Every enabled rule over every file's facts, then ``# noqa`` and per-file ignores.

    ``suppress=False`` leaves suppression and problem selection to the caller (flake8).
    ``others`` are the other files of the project under ``root``: rules see their facts,
    but only ``analyses`` are reported on. ``picture``, when given, is the project's
    (``analyses`` and ``others`` among it), computed once for many calls.
    """
    if picture is None:
        picture = picture_of((*analyses, *others), root, settings)
    project, context = picture.project, picture.context
    rules = enabled_rules(settings)
    select = settings.select + settings.extend_select
    found: dict[tuple[str, str, int, int, str], Diagnostic] = {}

    def add(
        path: str, code: str, name: str, span: Span, message: str, fix: Fix | None = None
    ) -> None:
        found.setdefault(
            (path, code, span.line, span.col, message),
            Diagnostic(path, code, name, message, span, fix),
        )

    module_rules = [rule for rule in rules if rule.scope is Scope.MODULE]
    for analysis in analyses:
        facts = analysis.facts
        for problem in facts.problems:
            if not suppress or rule_enabled(problem.code, select, settings.ignore):
                add(facts.path, problem.code, name_of(problem.code), problem.span, problem.message)
        if analysis.text is None:
            continue  # not parsed: none of the facts module rules read
        for rule in module_rules:
            for finding in rule.check(facts, context):
                add(facts.path, rule.code, rule.name, finding.span, finding.message, finding.fix)
    reported = {analysis.facts.path for analysis in analyses}
    for rule in rules:
        if rule.scope is Scope.PROJECT:
            for finding in rule.check_project(project, context):
                if finding.path is not None and finding.path in reported:
                    add(finding.path, rule.code, rule.name, finding.span, finding.message)
    diagnostics = list(found.values())
    if suppress:
        texts = {a.facts.path: a.text for a in analyses if a.text is not None}
        diagnostics = unsuppressed(diagnostics, texts, settings)
    return sorted(diagnostics, key=Diagnostic.sort_key)


def problems_of(analyses: Sequence[Analysis], settings: Settings) -> list[Diagnostic]:
    """The files that could not be checked (SIG901 to SIG903), selected and suppressed
    as ``check`` reports them: what ``signallint map`` says about its files."""
    select = settings.select + settings.extend_select
    diagnostics = [
        Diagnostic(
            analysis.facts.path, problem.code, name_of(problem.code), problem.message, problem.span
        )
        for analysis in analyses
        for problem in analysis.facts.problems
        if rule_enabled(problem.code, select, settings.ignore)
    ]
    texts = {a.facts.path: a.text for a in analyses if a.text is not None}
    return sorted(unsuppressed(diagnostics, texts, settings), key=Diagnostic.sort_key)


def unsuppressed(
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


def check_paths(
    paths: Iterable[str],
    settings: Settings | None = None,
    progress: Progress | None = None,
    *,
    given: Mapping[str, bytes] | None = None,
) -> RunResult:
    """Check every Python file under ``paths``.

    When a project rule is enabled, the facts of every other file of the project (under
    ``settings.project_root``, else the nearest directory upwards from the first path
    with ``pyproject.toml``, ``setup.cfg`` or ``manage.py``) are collected as context:
    a partial list of files (pre-commit) still gets the whole project's picture, and
    only the files given are reported on.

    ``given`` holds the content of some of ``paths`` (standard input read as that file):
    it replaces what the file holds on disk, if it exists at all.
    """
    settings = settings or Settings()
    paths = list(paths)
    project = any(rule.scope is Scope.PROJECT for rule in enabled_rules(settings))
    analyses, others, root = gather(
        paths, settings, project=project, progress=progress, given=given or {}
    )
    diagnostics = run_rules(analyses, settings, others=others, root=root)
    wait_for_writes()  # the cache, written while the rules ran
    return RunResult(
        diagnostics=diagnostics,
        files_seen=len(analyses),
        files_analysed=sum(1 for a in analyses if a.text is not None),
        files=[a.facts.path for a in analyses],
        analyses=analyses,
        others=others,
        root=root,
    )


def gather(
    paths: Sequence[str],
    settings: Settings,
    *,
    project: bool,
    progress: Progress | None = None,
    given: Mapping[str, bytes] | None = None,
) -> tuple[list[Analysis], list[Analysis], str | None]:
    """Facts of the files under ``paths`` and, with ``project``, of the rest of their
    project (as context), with the project root. ``given`` holds the content of some of
    ``paths``, in place of the files'. The cache may still be being written when it
    returns: see ``wait_for_writes()``."""
    given = given or {}
    replaced = {os.path.realpath(path) for path in given}
    root = project_root(paths, settings) if project else None
    cache = None
    if settings.cache_dir is not None:
        scope = [root] if root is not None else sorted(paths)
        # Facts do not depend on the target today; keyed on it all the same, so that
        # a collector that comes to read it cannot serve another target's facts.
        salt = [format_version(settings.django_version)]
        salt += sorted(signal.name for signal in settings.declared_signals)
        cache = FactsCache(settings.cache_dir, [os.path.abspath(p) for p in scope], salt)
    jobs = settings.jobs or os.cpu_count() or 1
    early = EarlyStart(jobs, cache)
    try:
        items = []
        for path in paths:
            if path in given:
                items.append(given_item(path, given[path], project))
                early.read(items[-1])
        on_disk = [path for path in paths if path not in given]
        for path, problem in discover(on_disk, settings.excludes):
            if os.path.realpath(path) not in replaced:
                items.append(read_item(path, problem, project))
                early.read(items[-1])
        context_items = project_items(root, items, settings, early) if root is not None else []
        if root is None:
            for item in items:
                item.import_graph = False
    except BaseException:
        early.close()
        raise
    analyse_items([*items, *context_items], settings, cache, jobs, progress, early.workers)
    analyses = [item.analysis for item in items if item.analysis is not None]
    others = [item.analysis for item in context_items if item.analysis is not None]
    return analyses, others, root


def project_items(
    root: str, items: Sequence[Item], settings: Settings, early: EarlyStart
) -> list[Item]:
    """The files of the project under ``root`` that are not in ``items``."""
    context = []
    for path in project_files(root, [item.path for item in items], settings):
        item = read_item(path, None, True)
        if item.problem is None:
            context.append(item)
            early.read(item)
    return context
