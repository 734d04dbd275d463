"""The worker processes that analyse files beside this one: forked where this process
may fork (they inherit the files and a warmed-up LibCST), spawned elsewhere (they are sent
each file's bytes). A batch a worker cannot do is done here instead.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import os
from collections.abc import Iterator, Sequence
from signal import SIGKILL
from typing import Any, cast

from signallint import pipeline
from signallint.pipeline import Analysis, Item

# The items of the run, for forked workers: they inherit them, so a task names items by
# their index and no file's bytes are ever sent to a worker.
_SHARED_ITEMS: Sequence[Item] = ()


Batch = Sequence[tuple["int | Item", bool]]

# Batches a worker may be sent before it answers the first: it never waits between two.
_BATCHES_AHEAD = 2


class ForkedWorkers:
    """Worker processes that inherit this one's memory: the files' bytes (a task names a
    file by its index) and LibCST. Importing and warming LibCST up costs as much as
    parsing a dozen files, so it is done once: the first worker does it, then forks the
    others.

    Each worker has a connection of its own and is sent up to ``_BATCHES_AHEAD`` batches
    at a time, so that it never waits for this process between two. A batch that fails
    in a worker, or whose worker dies, is analysed here instead, where an error surfaces
    as it would without workers."""

    AHEAD = _BATCHES_AHEAD

    def __init__(self, jobs: int, shared: Sequence[Item] = ()):
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

    def has_room(self, ahead: int = _BATCHES_AHEAD) -> bool:
        return any(len(sent) < ahead for sent in self._sent.values())

    def send(self, number: int, batch: Batch) -> bool:
        """Send batch ``number`` to the worker with the fewest batches to do; False when
        there is none left to send it to.

        ``send()`` blocks until the batch fits in the connection's buffer, and a worker
        reads nothing while it is blocked sending a batch's results, which this process
        reads only once it has sent. A batch of indices is a few bytes, so two of them
        always fit; a batch that carries files' bytes (``portable``) may not, and is sent
        only to a worker with nothing to do (``has_room(ahead=1)``), which is reading."""
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
            results: list[Analysis] | None = run_batch(batch)
        except Exception:
            results = None  # the parent analyses it again, and says what went wrong
        connection.send(results)


class SpawnedWorkers:
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
        answers = self._pool.map(run_batch, batches)  # submits them all
        for number, batch in enumerate(local, start=len(batches)):
            yield number, run_batch(batch)
        yield from enumerate(answers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def _prepare_worker() -> None:
    """Import LibCST and what parsing needs, and fill their caches, before the first
    task (and, for forked workers, before the first worker forks the others)."""
    pipeline.analyse("warm_up.py", _WARM_UP, "warm_up", "warm_up.module", project=True, parse=True)


# Reaches the parser, the cut, the collector's walk, positions and the wiring scan.
_WARM_UP = b"""\
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save)
def on_save(sender, instance, **kwargs):
    instance.save(update_fields=["seen"])


post_save.connect(on_save, sender="shop.Order", weak=False)
"""


def portable(item: Item) -> Item:
    """What a worker needs of an item it did not inherit."""
    return Item(
        item.path,
        None,
        item.data,
        item.package,
        item.module_name,
        item.project,
        item.import_graph,
    )


def run_batch(batch: Batch) -> list[Analysis]:
    return [
        pipeline.analyse_item(_SHARED_ITEMS[ref] if isinstance(ref, int) else ref, parse)
        for ref, parse in batch
    ]
