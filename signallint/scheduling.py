"""Many files' facts at once: what the cache holds, the prefilter's two rounds, and
when the work goes to worker processes.

The first round parses the files that can matter on their own; the second, the files
that use what the first found the project defines. Both are parsed together from a
guess, settled once the first round's facts are known. Tasks go to the workers as soon
as they are known, the biggest first.
"""

from __future__ import annotations

import collections
import contextlib
import heapq
import itertools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from signallint import pipeline, sources
from signallint.cache import Entry, FactsCache, digest_of, fork_is_safe
from signallint.facts import ModuleFacts
from signallint.pipeline import Analysis, Item
from signallint.prefilter import Prefilter
from signallint.settings import Settings
from signallint.workers import ForkedWorkers, SpawnedWorkers, portable, run_batch

Progress = Callable[[int, int], None]


def analyse_items(
    items: Sequence[Item],
    settings: Settings,
    cache: FactsCache | None,
    jobs: int,
    progress: Progress | None = None,
    workers: ForkedWorkers | None = None,
) -> None:
    """Fill every item's analysis, parsing only what the prefilter lets through.

    First round: files that can matter on their own are parsed; of the others, what the
    whole-project analysis needs is kept. Second round: files that use a signal the
    first round found defined in the project, or declare a model used as an
    ``m2m_changed`` sender, are parsed too. What the cache holds for a file's bytes
    replaces both the verdict and the work.
    """
    screen = pipeline.prefilter_for(settings)
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


def _look_up(pending: Sequence[Item], cache: FactsCache) -> None:
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
        pending: Sequence[Item],
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
            declaring = _declaring(pending, screen, senders)
        return cls(signals, senders, using, declaring)

    def __contains__(self, item: Item) -> bool:
        return id(item) in self.using or id(item) in self.declaring


def _declaring(pending: Sequence[Item], screen: Prefilter, senders: frozenset[str]) -> set[int]:
    """The unscreened files that define (or name as intermediate) a class of
    ``senders``, or a base of such a class, its bases' bases and so on, as the text of
    every file spells them: whether a class is a model is known from its bases."""
    declaring: set[int] = set()
    demand, wanted = set(senders), frozenset(senders)
    while wanted:
        bases: set[str] = set()
        for item in pending:
            if item.relevant or screen.declares_m2m_sender(item.data, wanted):
                bases |= screen.bases_of(item.data, wanted)
                if not item.relevant:
                    declaring.add(id(item))
        wanted = frozenset(bases - demand)
        demand |= bases
    return declaring


def _guess_second_round(pending: Sequence[Item], screen: Prefilter) -> _SecondRound:
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
    pending: Sequence[Item], guessed: _SecondRound, screen: Prefilter
) -> list[Item]:
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
                item.analysis, item.parsed = pipeline.analyse_item(item, parse=False), False
    for item in second:
        known = item.cached.parsed if item.cached is not None else None
        if known is not None and not item.parsed:
            _use_known(item, known, parsed=True)
    return second


def _remember(pending: Sequence[Item], cache: FactsCache) -> None:
    for item in pending:
        assert item.analysis is not None
        before, facts = item.cached, item.analysis.facts
        parsed = facts if item.parsed else item.spare or (before.parsed if before else None)
        unparsed = (before.unparsed if before else None) if item.parsed else facts
        cache.put(os.path.abspath(item.path), Entry(item.digest, item.relevant, parsed, unparsed))


def _use_known(item: Item, facts: ModuleFacts, *, parsed: bool) -> None:
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
            sender = connection.sender
            if sender is None:
                continue
            if any(use.candidates == {M2M_CHANGED} for use in connection.signals):
                # ``Book``, ``Book.authors``, ``"library.Book"``, ``apps.get_model()``'s
                # ``"library.Book"``; not ``through`` of ``Book.authors.through``.
                names = {*sender.candidates, sender.literal or "", sender.model_reference or ""}
                for name in names:
                    senders.update(part for part in name.split(".")[-2:] if part[:1].isupper())
    return frozenset(signals), frozenset(senders)


M2M_CHANGED = "django.db.models.signals.m2m_changed"
# Below this much work (in bytes to parse; a file that is only scanned counts for a
# thirtieth of its size), starting workers costs more than it saves; above it, two
# workers already halve the time.
PARALLEL_THRESHOLD_BYTES = 200_000
SCAN_COST_DIVISOR = 30


class _Work:
    """Runs analyses, in worker processes once there is enough work to pay for them.

    Tasks are submitted as soon as they are known (a file to parse as soon as it is
    screened) and, once the workers are started, sent to one with room for it at every
    submission; ``finish`` waits until every task is done. The workers are started once
    per run and serve every round."""

    def __init__(
        self,
        items: Sequence[Item],
        jobs: int,
        progress: Progress | None,
        workers: ForkedWorkers | None = None,
    ):
        self.items = items
        self.jobs = jobs
        self.report = progress or (lambda done, total: None)
        self._index = {id(item): index for index, item in enumerate(items)}
        self._workers: ForkedWorkers | SpawnedWorkers | None = workers
        self._batches: dict[int, list[tuple[Item, bool]]] = {}
        self._numbers = itertools.count()
        # Big files to parse first, each on its own, so that no worker is left with a
        # large one at the end; files only scanned in batches, to fill the gaps (and for
        # this process to take while the workers start). What costs less than sending
        # its facts back is done here, between answers.
        self._to_parse: list[tuple[int, int]] = []  # a heap of (-size, number)
        self._to_scan: collections.deque[int] = collections.deque()
        self._here: collections.deque[int] = collections.deque()
        self._submitted = self._done = 0

    def submit(self, tasks: Iterable[tuple[Item, bool]]) -> None:
        """Analyse each item, parsing it when its flag says so, as soon as possible."""
        scans: list[tuple[Item, bool]] = []
        light: list[tuple[Item, bool]] = []
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
        if isinstance(self._workers, ForkedWorkers):
            self._exchange(self._workers, timeout=0)

    def _add(self, batch: list[tuple[Item, bool]]) -> int:
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
        if isinstance(workers, ForkedWorkers):
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

    def _finish_forked(self, workers: ForkedWorkers) -> None:
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

    def _exchange(self, workers: ForkedWorkers, timeout: float | None) -> None:
        """Send what waits to workers with room for it, then take their answers (waiting
        up to ``timeout`` for one)."""
        # Batches that carry files' bytes go one at a time (see ForkedWorkers.send).
        ahead = workers.AHEAD if workers.shared is self.items else 1
        while workers.has_room(ahead) and (self._to_parse or self._to_scan):
            number = heapq.heappop(self._to_parse)[1] if self._to_parse else self._to_scan.popleft()
            if not workers.send(number, self._references(number)):
                self._here.append(number)
        for number, results in workers.answers(timeout):
            self._take(number, results)

    def _references(self, number: int) -> list[tuple[int | Item, bool]]:
        """Batch ``number`` as sent to a worker."""
        batch = self._batches[number]
        if isinstance(self._workers, ForkedWorkers) and self._workers.shared is self.items:
            return [(self._index[id(item)], parse) for item, parse in batch]
        return [(portable(item), parse) for item, parse in batch]

    def _take(self, number: int, results: list[Analysis] | None) -> None:
        """Record a batch's analyses; without them (no worker, or it failed), do it here."""
        batch = self._batches.pop(number)
        if results is None:
            results = run_batch(batch)
        for (item, parse), analysis in zip(batch, results, strict=True):
            item.analysis = analysis
            item.parsed = parse
        self._done += len(batch)
        self.report(self._done, self._submitted)

    def start(self) -> None:
        """Start the workers (when there may be more than one), now rather than later."""
        if self.jobs < 2:
            return
        if self._workers is None:
            if fork_is_safe():
                try:
                    self._workers = ForkedWorkers(self.jobs, self.items)
                except OSError:  # no process or pipe to spare: the work is done here
                    self.jobs = 1
            else:
                self._workers = SpawnedWorkers(self.jobs)

    def close(self) -> None:
        if self._workers is not None:
            self._workers.close()
            self._workers = None


_SCAN_BATCH = 64


def _costly(item: Item, parse: bool) -> bool:
    """Whether analysing ``item`` is worth sending to a worker: a parse, or a scan of
    the imports. Screening alone costs less than sending its facts back."""
    return parse or (item.project and item.import_graph)


# With this many bytes to screen, some parsing is likely; workers started for nothing are
# stopped without being waited for, so a wrong guess costs a fork.
EARLY_START_BYTES = 500_000


class EarlyStart:
    """Starts the workers while the files are still being read, once they hold enough
    bytes that parsing some is likely: the first worker then imports LibCST
    while this process reads and screens. Not when a cache may already hold the facts
    (most runs with a cache are warm). Workers started this way have not inherited the
    files, so they are sent each file's bytes."""

    def __init__(self, jobs: int, cache: FactsCache | None):
        self.workers: ForkedWorkers | None = None
        self._allowed = jobs > 1 and fork_is_safe() and (cache is None or not len(cache))
        self._jobs = jobs
        self._bytes = 0

    def read(self, item: Item) -> None:
        if not self._allowed:
            return
        self._bytes += len(item.data)
        if self._bytes >= EARLY_START_BYTES:
            self._allowed = False
            with contextlib.suppress(OSError):  # no process or pipe to spare: later, or never
                self.workers = ForkedWorkers(self._jobs)

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()
            self.workers = None
