"""Orchestration: paths → files → facts → rules → diagnostics.

Each file goes through the cheapest test that can rule it out first: its bytes must
contain a needle of the prefilter before it is decoded, parsed and walked. Rules run once
every file's facts are known, because what a module does with a project's own signal
depends on other modules (where the signal is defined, what its ``send()`` calls pass).
"""

from __future__ import annotations

import collections
import contextlib
import fnmatch
import functools
import gc
import heapq
import itertools
import os
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from signal import SIGKILL
from typing import Any, cast

from signallint import sources
from signallint.cache import Entry, FactsCache, digest_of, fork_is_safe, wait_for_writes
from signallint.catalogue import format_version
from signallint.context import RuleContext
from signallint.diagnostics import Diagnostic
from signallint.facts import ModuleFacts, Problem, Span
from signallint.fixes import Fix
from signallint.layout import project_facts
from signallint.prefilter import Prefilter
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
    # What ``--fix`` needs to re-check a fixed file: every file's facts, the other files
    # of the project that rules saw as context, and the project root.
    analyses: list[Analysis] = field(default_factory=list)
    others: list[Analysis] = field(default_factory=list)
    root: str | None = None


@dataclass(frozen=True)
class Analysis:
    """One file's facts, and its text when it was parsed (for ``# noqa``). A file
    without text was let go by the prefilter or could not be decoded: its facts hold
    nothing a module rule reads."""

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


@functools.cache
def default_prefilter() -> Prefilter:
    """The prefilter for a file checked on its own: every catalogued signal name."""
    from signallint import thirdparty

    return Prefilter(s.name for s in thirdparty.THIRD_PARTY_SIGNALS)


def prefilter_for(settings: Settings) -> Prefilter:
    if not settings.declared_signals:
        return default_prefilter()
    from signallint import thirdparty

    names = [s.name for s in (*thirdparty.THIRD_PARTY_SIGNALS, *settings.declared_signals)]
    return Prefilter(names)


def analyse(
    path: str,
    data: bytes,
    package: str | None = None,
    module_name: str | None = None,
    prefilter: bool = True,
    *,
    project: bool = False,
    import_graph: bool = True,
    parse: bool | None = None,
) -> Analysis:
    """Facts for one file's bytes; problems (bad bytes, bad syntax) become facts too.

    ``project=True`` adds what the whole-project analysis needs (``ModuleFacts.wiring``):
    files that matter for it are parsed too, the others only have their imports scanned
    (unless ``import_graph`` is False: a run without a project root never asks for them).
    ``parse`` overrides the prefilter's decision (``check_paths`` decides in rounds).
    """

    def done(facts: ModuleFacts, text: str | None) -> Analysis:
        if project:
            from signallint.project import add_scan

            facts = add_scan(facts, data, package, import_graph=import_graph)
        return Analysis(facts, text)

    if parse is None:
        parse = (
            not prefilter
            or default_prefilter().first_pass(data)
            or (project and sources.matters_for_wiring(path, data))
        )
    if parse:
        with _cycles_collected_after():
            return _parsed(path, data, package, module_name, done)
    # Not worth parsing, but bytes that do not decode are still worth a line.
    problem = sources.undecodable(data)
    return done(ModuleFacts(path, module_name, problems=(problem,) if problem else ()), None)


@contextlib.contextmanager
def _cycles_collected_after() -> Iterator[None]:
    """A parse makes hundreds of thousands of objects and almost no reference cycles:
    the cycle collector, running over and over while it happens, costs a tenth of it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parsed(
    path: str,
    data: bytes,
    package: str | None,
    module_name: str | None,
    done: Callable[[ModuleFacts, str | None], Analysis],
) -> Analysis:
    decoded = sources.decode(data)
    if isinstance(decoded, Problem):
        return done(ModuleFacts(path, module_name, problems=(decoded,)), None)
    from signallint.slicing import Cut, cut

    relevant = cut(decoded.text, path, module_name)
    module = sources.parse(relevant.text, checked=relevant.checked)
    if isinstance(module, Problem) and relevant.text is not decoded.text:
        relevant = Cut(decoded.text)  # LibCST may reject what Python accepts: say what
        module = sources.parse(decoded.text)
    if isinstance(module, Problem):
        return done(ModuleFacts(path, module_name, problems=(module,)), decoded.text)
    from signallint.collect import collect

    try:
        facts = collect(
            path,
            module,
            package,
            module_name,
            decoded.text,
            parsed_source=relevant.text,
            statement_lines=relevant.statement_lines,
            line_map=relevant.line_map,
        )
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
            package, module_name = sources.package_of(path), sources.module_name_of(path)
            return analyse(path, data, package, module_name, project=project)
        problem = data
    return Analysis(ModuleFacts(path, problems=(problem,)), None)


def run_rules(
    analyses: Sequence[Analysis],
    settings: Settings,
    *,
    suppress: bool = True,
    others: Sequence[Analysis] = (),
    root: str | None = None,
) -> list[Diagnostic]:
    """Every enabled rule over every file's facts, then ``# noqa`` and per-file ignores.

    ``suppress=False`` leaves suppression and problem selection to the caller (flake8).
    ``others`` are the other files of the project under ``root``: rules see their facts,
    but only ``analyses`` are reported on.
    """
    project = project_facts(tuple(a.facts for a in (*analyses, *others)), root)
    context = RuleContext.for_project(project, settings.django_version, settings.declared_signals)
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


@dataclass
class _Item:
    """A file on its way to facts."""

    path: str
    problem: Problem | None
    data: bytes = b""
    package: str | None = None
    module_name: str | None = None
    project: bool = False
    # With ``project``: whether the run needs the import graph (it has a project root).
    import_graph: bool = True
    analysis: Analysis | None = None
    # The prefilter's first-round verdict, whether this run parsed the file, and what
    # the cache holds for its bytes.
    relevant: bool = False
    parsed: bool = False
    digest: bytes = b""
    cached: Entry | None = None
    # Facts of a parse whose result was not used (the second pass guessed wrong).
    spare: ModuleFacts | None = None


def _read(path: str, problem: Problem | None, project: bool) -> _Item:
    item = _Item(path, problem, project=project)
    if problem is None:
        data = sources.read_bytes(path)
        if isinstance(data, Problem):
            item.problem = data
        else:
            item.data = data
            item.package, item.module_name = sources.package_of(path), sources.module_name_of(path)
    if item.problem is not None:
        item.analysis = Analysis(ModuleFacts(path, problems=(item.problem,)), None)
    return item


def _analyse_item(item: _Item, parse: bool) -> Analysis:
    return analyse(
        item.path,
        item.data,
        item.package,
        item.module_name,
        project=item.project,
        import_graph=item.import_graph,
        parse=parse,
    )


Progress = Callable[[int, int], None]


def _analyse_items(
    items: Sequence[_Item],
    settings: Settings,
    cache: FactsCache | None,
    jobs: int,
    progress: Progress | None = None,
    workers: _ForkedWorkers | None = None,
) -> None:
    """Fill every item's analysis, parsing only what the prefilter lets through.

    First round: files that can matter on their own are parsed; of the others, what the
    whole-project analysis needs is kept. Second round: files that use a signal the
    first round found defined in the project, or declare a model used as an
    ``m2m_changed`` sender, are parsed too. What the cache holds for a file's bytes
    replaces both the verdict and the work.
    """
    screen = prefilter_for(settings)
    pending = [item for item in items if item.analysis is None]
    if cache is not None:
        _look_up(pending, cache)
    work = _Work(pending, jobs, progress, workers)
    if sum(len(item.data) for item in pending if item.cached is None) >= EARLY_START_BYTES:
        # Enough new files that parsing some will pay for workers: start them now, so
        # that they import LibCST while this process screens the files, and parse each
        # file that passes as soon as it has.
        work.start()
    try:
        for item in pending:
            if item.cached is None:
                item.relevant = screen.first_pass(item.data) or (
                    item.project and sources.matters_for_wiring(item.path, item.data)
                )
            if item.relevant and item.analysis is None:
                work.submit([(item, True)])
        guessed = _guess_second_round(pending, screen)
        unscreened = (item for item in pending if not item.relevant)
        work.submit(
            (item, item in guessed)
            for item in unscreened
            if item.analysis is None or (item in guessed and not item.parsed)
        )
        work.finish()
        second = _settle_second_round(pending, guessed, screen)
        work.submit((item, True) for item in second if not item.parsed)
        work.finish()
    finally:
        work.close()
    if cache is not None:
        _remember(pending, cache)
        cache.save((os.path.abspath(item.path) for item in items), meanwhile=True)


def _look_up(pending: Sequence[_Item], cache: FactsCache) -> None:
    """Take the verdict, and the facts when they are there, from the cache."""
    for item in pending:
        item.digest = digest_of(
            item.data,
            item.path,
            item.package or "",
            item.module_name or "",
            str(item.project),
            str(item.import_graph),
        )
        item.cached = cache.get(os.path.abspath(item.path), item.digest)
        if item.cached is not None:
            item.relevant = item.cached.relevant
            known = item.cached.parsed if item.relevant else item.cached.unparsed
            if known is not None:
                _use_known(item, known, parsed=item.relevant)


@dataclass
class _SecondRound:
    """Which files (by ``id``) use a signal of ``signals``, and which declare a model of
    ``senders``: the second pass's answer for that demand, kept so that the settled
    second round asks again only about a demand the guess did not foresee."""

    signals: frozenset[str] = frozenset()
    senders: frozenset[str] = frozenset()
    using: set[int] = field(default_factory=set)
    declaring: set[int] = field(default_factory=set)

    @classmethod
    def of(
        cls,
        pending: Sequence[_Item],
        screen: Prefilter,
        signals: frozenset[str],
        senders: frozenset[str],
        known: _SecondRound | None = None,
    ) -> _SecondRound:
        unscreened = [item for item in pending if not item.relevant]
        if known is not None and known.signals == signals:
            using = known.using
        else:
            using = {id(i) for i in unscreened if screen.uses_project_signal(i.data, signals)}
        if known is not None and known.senders == senders:
            declaring = known.declaring
        else:
            declaring = {id(i) for i in unscreened if screen.declares_m2m_sender(i.data, senders)}
        return cls(signals, senders, using, declaring)

    def __contains__(self, item: _Item) -> bool:
        return id(item) in self.using or id(item) in self.declaring


def _guess_second_round(pending: Sequence[_Item], screen: Prefilter) -> _SecondRound:
    """The files the second round will likely parse, guessed from the first round's text
    so that both rounds are parsed together (see ``_settle_second_round``). With
    everything cached there is nothing to start early: no guess."""
    signals: set[str] = set()
    senders: set[str] = set()
    if any(item.cached is None for item in pending):
        for item in pending:
            if item.relevant:
                defined, used = screen.demand_hint(item.data)
                signals |= defined
                senders |= used
    guessed = _SecondRound.of(pending, screen, frozenset(signals), frozenset(senders))
    for item in pending:
        if item in guessed and item.cached is not None and item.cached.parsed is not None:
            _use_known(item, item.cached.parsed, parsed=True)
    return guessed


def _settle_second_round(
    pending: Sequence[_Item], guessed: _SecondRound, screen: Prefilter
) -> list[_Item]:
    """The second round proper, from what the parsed first round defines: files parsed
    on a wrong guess go back to their unparsed facts; the files it wants are returned
    (those the guess missed are still to parse)."""
    project_signals, m2m_senders = _demand(
        item.analysis for item in pending if item.relevant and item.analysis
    )
    wanted = _SecondRound.of(pending, screen, project_signals, m2m_senders, known=guessed)
    second = [item for item in pending if item in wanted]
    for item in pending:
        if item in guessed and item not in wanted:
            assert item.analysis is not None
            item.spare = item.analysis.facts  # still its facts, for the cache
            known = item.cached.unparsed if item.cached is not None else None
            if known is not None:
                _use_known(item, known, parsed=False)
            else:
                item.analysis, item.parsed = _analyse_item(item, parse=False), False
    for item in second:
        known = item.cached.parsed if item.cached is not None else None
        if known is not None and not item.parsed:
            _use_known(item, known, parsed=True)
    return second


def _remember(pending: Sequence[_Item], cache: FactsCache) -> None:
    for item in pending:
        assert item.analysis is not None
        before, facts = item.cached, item.analysis.facts
        parsed = facts if item.parsed else item.spare or (before.parsed if before else None)
        unparsed = (before.unparsed if before else None) if item.parsed else facts
        cache.put(os.path.abspath(item.path), Entry(item.digest, item.relevant, parsed, unparsed))


def _use_known(item: _Item, facts: ModuleFacts, *, parsed: bool) -> None:
    text = None
    if parsed:
        # Decoded for the noqa comments, as a fresh parse would be.
        decoded = sources.decode(item.data)
        text = decoded.text if isinstance(decoded, sources.Decoded) else None
    item.analysis = Analysis(facts, text)
    item.parsed = parsed


def _demand(analyses: Iterable[Analysis]) -> tuple[frozenset[str], frozenset[str]]:
    """Names of the project's own signals, and of classes used as ``m2m_changed`` senders."""
    signals: set[str] = set()
    senders: set[str] = set()
    for analysis in analyses:
        facts = analysis.facts
        signals.update(
            d.qualified_name.rsplit(".", 1)[-1] for d in facts.signal_defs if d.qualified_name
        )
        for connection in facts.connections:
            if connection.sender is None or not connection.sender.candidates:
                continue
            if any(use.candidates == {M2M_CHANGED} for use in connection.signals):
                senders.update(name.rsplit(".", 1)[-1] for name in connection.sender.candidates)
    return frozenset(signals), frozenset(senders)


M2M_CHANGED = "django.db.models.signals.m2m_changed"
# Below this much work (in bytes to parse; a file that is only scanned counts for a
# thirtieth of its size), starting workers costs more than it saves; above it, two
# workers already halve the time.
PARALLEL_THRESHOLD_BYTES = 200_000
SCAN_COST_DIVISOR = 30
# The items of the run, for forked workers: they inherit them, so a task names items by
# their index and no file's bytes are ever sent to a worker.
_SHARED_ITEMS: Sequence[_Item] = ()


class _Work:
    """Runs analyses, in worker processes once there is enough work to pay for them.

    Tasks are submitted as soon as they are known (a file to parse as soon as it is
    screened) and, once the workers are started, sent to one with room for it at every
    submission; ``finish`` waits until every task is done. The workers are started once
    per run and serve every round."""

    def __init__(
        self,
        items: Sequence[_Item],
        jobs: int,
        progress: Progress | None,
        workers: _ForkedWorkers | None = None,
    ):
        self.items = items
        self.jobs = jobs
        self.report = progress or (lambda done, total: None)
        self._index = {id(item): index for index, item in enumerate(items)}
        self._workers: _ForkedWorkers | _SpawnedWorkers | None = workers
        self._batches: dict[int, list[tuple[_Item, bool]]] = {}
        self._numbers = itertools.count()
        # Big files to parse first, each on its own, so that no worker is left with a
        # large one at the end; files only scanned in batches, to fill the gaps (and for
        # this process to take while the workers start). What costs less than sending
        # its facts back is done here, between answers.
        self._to_parse: list[tuple[int, int]] = []  # a heap of (-size, number)
        self._to_scan: collections.deque[int] = collections.deque()
        self._here: collections.deque[int] = collections.deque()
        self._submitted = self._done = 0

    def submit(self, tasks: Iterable[tuple[_Item, bool]]) -> None:
        """Analyse each item, parsing it when its flag says so, as soon as possible."""
        scans: list[tuple[_Item, bool]] = []
        light: list[tuple[_Item, bool]] = []
        for item, parse in tasks:
            self._submitted += 1
            if parse:
                number = self._add([(item, parse)])
                heapq.heappush(self._to_parse, (-len(item.data), number))
            elif _costly(item, parse):
                scans.append((item, parse))
                if len(scans) == _SCAN_BATCH:
                    self._to_scan.append(self._add(scans))
                    scans = []
            else:
                light.append((item, parse))
                if len(light) == _SCAN_BATCH:
                    self._here.append(self._add(light))
                    light = []
        if scans:
            self._to_scan.append(self._add(scans))
        if light:
            self._here.append(self._add(light))
        if isinstance(self._workers, _ForkedWorkers):
            self._exchange(self._workers, timeout=0)

    def _add(self, batch: list[tuple[_Item, bool]]) -> int:
        number = next(self._numbers)
        self._batches[number] = batch
        return number

    def finish(self) -> None:
        """Wait until every submitted task is done."""
        if self._workers is None and len(self._batches) > 1:
            cost = sum(
                len(item.data) if parse else len(item.data) // SCAN_COST_DIVISOR
                for batch in self._batches.values()
                for item, parse in batch
                if _costly(item, parse)
            )
            if cost >= PARALLEL_THRESHOLD_BYTES:
                self.start()
        workers = self._workers
        if isinstance(workers, _ForkedWorkers):
            self._finish_forked(workers)
        else:
            remote = [*(number for _, number in sorted(self._to_parse)), *self._to_scan]
            here = list(self._here)
            self._to_parse, self._to_scan, self._here = [], collections.deque(), collections.deque()
            if workers is None:
                for number in (*remote, *here):
                    self._take(number, None)
            else:
                numbers = [*remote, *here]
                batches = [self._references(number) for number in remote]
                local = [self._references(number) for number in here]
                for position, results in workers.run(batches, local):
                    self._take(numbers[position], results)
        self._submitted = self._done = 0

    def _finish_forked(self, workers: _ForkedWorkers) -> None:
        while self._batches:
            self._exchange(workers, timeout=0)
            if not workers.alive:
                # No worker left: the rest is done here.
                self._here.extend(number for _, number in sorted(self._to_parse))
                self._here.extend(self._to_scan)
                self._to_parse, self._to_scan = [], collections.deque()
            if self._here:
                self._take(self._here.popleft(), None)
            elif self._to_scan and not workers.warm:
                # Scan the last files here meanwhile (parsing here would import LibCST).
                self._take(self._to_scan.pop(), None)
            elif self._batches:
                self._exchange(workers, timeout=None)

    def _exchange(self, workers: _ForkedWorkers, timeout: float | None) -> None:
        """Send what waits to workers with room for it, then take their answers (waiting
        up to ``timeout`` for one)."""
        while workers.has_room() and (self._to_parse or self._to_scan):
            number = heapq.heappop(self._to_parse)[1] if self._to_parse else self._to_scan.popleft()
            if not workers.send(number, self._references(number)):
                self._here.append(number)
        for number, results in workers.answers(timeout):
            self._take(number, results)

    def _references(self, number: int) -> list[tuple[int | _Item, bool]]:
        """Batch ``number`` as sent to a worker."""
        batch = self._batches[number]
        if isinstance(self._workers, _ForkedWorkers) and self._workers.shared is self.items:
            return [(self._index[id(item)], parse) for item, parse in batch]
        return [(_portable(item), parse) for item, parse in batch]

    def _take(self, number: int, results: list[Analysis] | None) -> None:
        """Record a batch's analyses; without them (no worker, or it failed), do it here."""
        batch = self._batches.pop(number)
        if results is None:
            results = _run_batch(batch)
        for (item, parse), analysis in zip(batch, results, strict=True):
            item.analysis = analysis
            item.parsed = parse
        self._done += len(batch)
        self.report(self._done, self._submitted)

    def start(self) -> _ForkedWorkers | _SpawnedWorkers | None:
        """Start the workers (when there may be more than one), now rather than later."""
        if self.jobs < 2:
            return None
        if self._workers is None:
            if _can_fork():
                try:
                    self._workers = _ForkedWorkers(self.jobs, self.items)
                except OSError:  # no process or pipe to spare: the work is done here
                    self.jobs = 1
                    return None
            else:
                self._workers = _SpawnedWorkers(self.jobs)
        return self._workers

    def close(self) -> None:
        if self._workers is not None:
            self._workers.close()
            self._workers = None


Batch = Sequence[tuple["int | _Item", bool]]


class _ForkedWorkers:
    """Worker processes that inherit this one's memory: the files' bytes (a task names a
    file by its index) and LibCST. Importing and warming LibCST up costs as much as
    parsing a dozen files, so it is done once: the first worker does it, then forks the
    others.

    Each worker has a connection of its own and is sent up to ``_BATCHES_AHEAD`` batches
    at a time, so that it never waits for this process between two. A batch that fails
    in a worker, or whose worker dies, is analysed here instead, where an error surfaces
    as it would without workers."""

    def __init__(self, jobs: int, shared: Sequence[_Item] = ()):
        from multiprocessing import Pipe

        global _SHARED_ITEMS
        # The items the workers inherit (a task names one by its index).
        self.shared = _SHARED_ITEMS = shared
        # Keep the workers' collector from touching what they inherit: every object it
        # visits is a page copied from this process.
        gc.freeze()
        pairs: list[tuple[Any, Any]] = []
        try:
            for _ in range(jobs):
                pairs.append(Pipe())
            self._pid = os.fork()
        except OSError:
            for pair in pairs:
                for end in pair:
                    end.close()
            self._forget()
            raise
        if self._pid == 0:
            code = 1
            try:
                for ours, _ in pairs:
                    ours.close()
                _serve_and_fork([theirs for _, theirs in pairs])
                code = 0
            finally:
                os._exit(code)
        for _, theirs in pairs:
            theirs.close()
        self._connections = [ours for ours, _ in pairs]
        # What each worker was sent and has not answered yet, oldest first.
        self._sent: dict[Any, collections.deque[int]] = {
            c: collections.deque() for c in self._connections
        }
        self._failed: list[int] = []
        self._warm = False

    @property
    def alive(self) -> bool:
        return bool(self._connections)

    @property
    def warm(self) -> bool:
        """False until a worker first answers: until then, it is importing LibCST."""
        return self._warm

    def has_room(self) -> bool:
        return any(len(sent) < _BATCHES_AHEAD for sent in self._sent.values())

    def send(self, number: int, batch: Batch) -> bool:
        """Send batch ``number`` to the worker with the fewest batches to do; False when
        there is none left to send it to."""
        while self._connections:
            connection = min(self._connections, key=lambda c: len(self._sent[c]))
            try:
                connection.send(batch)
            except OSError:
                self._lost(connection)
                continue
            self._sent[connection].append(number)
            return True
        return False

    def answers(self, timeout: float | None) -> Iterator[tuple[int, list[Analysis] | None]]:
        """``(number, analyses)`` for each batch done, waiting up to ``timeout`` for one;
        ``None`` for a batch that failed, or whose worker died."""
        from multiprocessing.connection import wait

        yield from ((number, None) for number in self._failed)
        self._failed = []
        busy = [connection for connection, sent in self._sent.items() if sent]
        if not busy:
            return
        for ready in wait(busy, timeout):
            connection = cast(Any, ready)
            try:
                results = connection.recv()
            except (EOFError, OSError):
                self._lost(connection)
                yield from ((number, None) for number in self._failed)
                self._failed = []
                continue
            self._warm = True
            yield self._sent[connection].popleft(), results

    def _lost(self, connection: Any) -> None:
        """A worker is gone: what it was sent is to be done here."""
        self._connections.remove(connection)
        self._failed.extend(self._sent.pop(connection))
        connection.close()

    def close(self) -> None:
        for connection in self._connections:
            with contextlib.suppress(OSError):
                connection.send(None)
            connection.close()
        self._connections = []
        if not self._warm:
            # Never asked anything (a run started early that had nothing to parse): it
            # may still be importing LibCST, which is not worth waiting for. Its own
            # workers, if it forked any, leave as their connections close.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)
        self._forget()

    @staticmethod
    def _forget() -> None:
        """Undo what starting the workers did to this process."""
        global _SHARED_ITEMS
        _SHARED_ITEMS = ()
        gc.unfreeze()


def _serve_and_fork(connections: list[Any]) -> None:
    """In the first worker: import LibCST, fork a worker for each other connection, serve
    the first one, then wait for the workers it forked."""
    _prepare_worker()
    children = []
    for index, connection in enumerate(connections[1:], start=1):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                for other, unused in enumerate(connections):
                    if other != index:
                        unused.close()
                _serve(connection)
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
        connection.close()
    _serve(connections[0])
    for pid in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _serve(connection: Any) -> None:
    while True:
        try:
            batch = connection.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        try:
            results: list[Analysis] | None = _run_batch(batch)
        except Exception:
            results = None  # the parent analyses it again, and says what went wrong
        connection.send(results)


def _can_fork() -> bool:
    return fork_is_safe()


class _SpawnedWorkers:
    """Where processes cannot fork: a pool of fresh interpreters, sent each file's bytes."""

    def __init__(self, jobs: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_prepare_worker,
        )
        self._pool.submit(int)  # starts them: from now on they get ready

    def run(
        self, batches: Sequence[Batch], local: Sequence[Batch] = ()
    ) -> Iterator[tuple[int, list[Analysis]]]:
        assert self._pool is not None
        answers = self._pool.map(_run_batch, batches)  # submits them all
        for number, batch in enumerate(local, start=len(batches)):
            yield number, _run_batch(batch)
        yield from enumerate(answers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


_SCAN_BATCH = 64
_BATCHES_AHEAD = 2


def _costly(item: _Item, parse: bool) -> bool:
    """Whether analysing ``item`` is worth sending to a worker: a parse, or a scan of
    the imports. Screening alone costs less than sending its facts back."""
    return parse or (item.project and item.import_graph)


# With this many bytes to screen, some parsing is likely; workers started for nothing are
# stopped without being waited for, so a wrong guess costs a fork.
EARLY_START_BYTES = 500_000


def _prepare_worker() -> None:
    """Import LibCST and what parsing needs, and fill their caches, before the first
    task (and, for forked workers, before the first worker forks the others)."""
    analyse("warm_up.py", _WARM_UP, "warm_up", "warm_up.module", project=True, parse=True)


# Reaches the parser, the cut, the collector's walk, positions and the wiring scan.
_WARM_UP = b"""\
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save)
def on_save(sender, instance, **kwargs):
    instance.save(update_fields=["seen"])


post_save.connect(on_save, sender="shop.Order", weak=False)
"""


def _portable(item: _Item) -> _Item:
    """What a worker needs of an item it did not inherit."""
    return _Item(
        item.path,
        None,
        item.data,
        item.package,
        item.module_name,
        item.project,
        item.import_graph,
    )


def _run_batch(batch: Batch) -> list[Analysis]:
    return [
        _analyse_item(_SHARED_ITEMS[ref] if isinstance(ref, int) else ref, parse)
        for ref, parse in batch
    ]


def check_paths(
    paths: Iterable[str], settings: Settings | None = None, progress: Progress | None = None
) -> RunResult:
    """Check every Python file under ``paths``.

    When a project rule is enabled, the facts of every other file of the project (under
    ``settings.project_root``, else the nearest directory upwards from the first path
    with ``pyproject.toml``, ``setup.cfg`` or ``manage.py``) are collected as context:
    a partial list of files (pre-commit) still gets the whole project's picture, and
    only the files given are reported on.
    """
    settings = settings or Settings()
    paths = list(paths)
    project = any(rule.scope is Scope.PROJECT for rule in enabled_rules(settings))
    analyses, others, root = gather(paths, settings, project=project, progress=progress)
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
    paths: Sequence[str], settings: Settings, *, project: bool, progress: Progress | None = None
) -> tuple[list[Analysis], list[Analysis], str | None]:
    """Facts of the files under ``paths`` and, with ``project``, of the rest of their
    project (as context), with the project root. The cache may still be being written
    when it returns: see ``wait_for_writes()``."""
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
    early = _EarlyStart(jobs, cache)
    try:
        items = []
        for path, problem in discover(paths, settings.excludes):
            items.append(_read(path, problem, project))
            early.read(items[-1])
        context_items = project_items(root, items, settings, early) if root is not None else []
        if root is None:
            for item in items:
                item.import_graph = False
    except BaseException:
        early.close()
        raise
    _analyse_items([*items, *context_items], settings, cache, jobs, progress, early.workers)
    analyses = [item.analysis for item in items if item.analysis is not None]
    others = [item.analysis for item in context_items if item.analysis is not None]
    return analyses, others, root


def project_root(paths: Sequence[str], settings: Settings) -> str | None:
    """The root of the project ``paths`` belong to, or None."""
    from signallint.layout import find_project_root

    return settings.project_root or find_project_root(paths[0] if paths else ".")


def project_items(
    root: str, items: Sequence[_Item], settings: Settings, early: _EarlyStart
) -> list[_Item]:
    """The files of the project under ``root`` that are not in ``items``."""
    from signallint.layout import INSTALLED_PACKAGE_DIRECTORIES

    seen = {os.path.realpath(item.path) for item in items}
    # Hidden directories and installed packages are not the project's code: no module
    # there can be imported by a dotted name that is the project's.
    excludes = (*settings.excludes, ".*", *INSTALLED_PACKAGE_DIRECTORIES)
    context = []
    for path, problem in discover([root], excludes):
        if problem is None and os.path.realpath(path) not in seen:
            item = _read(path, problem, True)
            if item.problem is None:
                context.append(item)
                early.read(item)
    return context


class _EarlyStart:
    """Starts the workers while the files are still being read, once they hold enough
    bytes that parsing some is likely: the first worker then imports LibCST
    while this process reads and screens. Not when a cache may already hold the facts
    (most runs with a cache are warm). Workers started this way have not inherited the
    files, so they are sent each file's bytes."""

    def __init__(self, jobs: int, cache: FactsCache | None):
        self.workers: _ForkedWorkers | None = None
        self._allowed = jobs > 1 and _can_fork() and (cache is None or not len(cache))
        self._jobs = jobs
        self._bytes = 0

    def read(self, item: _Item) -> None:
        if not self._allowed:
            return
        self._bytes += len(item.data)
        if self._bytes >= EARLY_START_BYTES:
            self._allowed = False
            with contextlib.suppress(OSError):  # no process or pipe to spare: later, or never
                self.workers = _ForkedWorkers(self._jobs)

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()
            self.workers = None


def _excluded(name: str, path: str, patterns: Sequence[str]) -> bool:
    """Whether the file or directory ``name``, or its whole ``path``, matches a pattern."""
    by_name, by_path = _exclusion_matchers(tuple(patterns))
    if by_name(name) is not None:
        return True
    return by_path is not None and by_path(path.replace(os.sep, "/").removeprefix("./")) is not None


Matcher = Callable[[str], "re.Match[str] | None"]


@functools.cache
def _exclusion_matchers(patterns: tuple[str, ...]) -> tuple[Matcher, Matcher | None]:
    """A matcher for names, and one for whole paths unless no pattern needs it: a name
    (``build``) or a ``*`` and a name's end (``*.egg-info``) matches a path only where
    it matches the path's last name, and every directory above was checked by name."""
    if not patterns:
        return (lambda text: None), None
    cleaned = [pattern.rstrip("/") for pattern in patterns]
    matcher = re.compile("|".join(fnmatch.translate(pattern) for pattern in cleaned)).match
    by_name_only = all(
        "/" not in pattern and not any(c in pattern.lstrip("*") for c in "*?[")
        for pattern in cleaned
    )
    return matcher, None if by_name_only else matcher


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
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir and not entry.name.endswith(".py"):
            continue
        child = entry.path if directory != "." else entry.name
        if _excluded(entry.name, child, excludes):
            continue
        if entry.is_symlink() and os.path.exists(entry.path) and not _inside(entry.path, root):
            continue  # a link out of the tree we were given: not ours to check
        if is_dir:
            yield from _walk(child, excludes, seen_dirs, root)
        elif entry.name.endswith(".py"):
            if entry.is_symlink() and not os.path.exists(entry.path):
                yield child, Problem(sources.UNREADABLE, "cannot read file: broken symbolic link")
            else:
                yield child, None
