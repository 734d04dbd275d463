"""A persistent cache of per-file results, keyed by content.

A warm run must cost little more than reading the files, so the cache keeps, for every
file of a run, everything that does not depend on other files: whether the prefilter's
first round lets it through, the facts of its parse, and the facts kept about it when it
is not parsed (the whole-project text scan, an undecodable-bytes problem). Each entry is
tied to a digest of the file's bytes and of what its facts name (its path, package and
module, whether project facts were asked for): an entry whose digest differs is stale.

All entries of one scope (a project root, or the paths given when there is none) live in
one file, loaded once and written once per run, only when something changed. Its name
covers signallint's version, the Python version (pickles) and the settings the prefilter
depends on (declared signals). Settings do not otherwise enter it because facts do not
depend on them: rules run afresh on every run.

The file is written to a temporary file in the same directory and renamed into place, so
concurrent runs never see half of it (the last writer wins, which only costs speed); a
run writes it from a forked process while the rules run, and waits for that before it
ends. A
file that cannot be read back (corrupt, truncated, from another version) is ignored and
rebuilt, never trusted.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from signallint import __version__
from signallint.facts import ModuleFacts


def default_directory() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "signallint")


@dataclass(frozen=True, slots=True)
class Entry:
    """What one file's bytes gave: ``relevant`` is the prefilter's first-round verdict;
    ``parsed`` its facts once parsed, ``unparsed`` its facts once judged not worth it."""

    digest: bytes
    relevant: bool
    parsed: ModuleFacts | None = None
    unparsed: ModuleFacts | None = None


def digest_of(data: bytes, *context: str) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in context:
        hasher.update(part.encode("utf-8", "surrogatepass") + b"\0")
    hasher.update(data)
    return hasher.digest()


class FactsCache:
    def __init__(self, directory: str, scope: Iterable[str], salt: Iterable[str] = ()):
        self.directory = directory
        name = digest_of(b"", __version__, sys.version, *scope, "|", *salt).hex()
        self.file = os.path.join(directory, f"{name}.pickle")
        self._entries = self._load()
        self._changed = False

    def __len__(self) -> int:
        return len(self._entries)

    def _load(self) -> dict[str, Entry]:
        try:
            with open(self.file, "rb") as handle:
                entries = pickle.load(handle)
        except Exception:  # missing, corrupt or incompatible: rebuild, never trust
            return {}
        if not isinstance(entries, dict) or not all(
            isinstance(path, str) and isinstance(entry, Entry) for path, entry in entries.items()
        ):
            return {}
        return entries

    def get(self, path: str, digest: bytes) -> Entry | None:
        entry = self._entries.get(path)
        return entry if entry is not None and entry.digest == digest else None

    def put(self, path: str, entry: Entry) -> None:
        if self._entries.get(path) != entry:
            self._entries[path] = entry
            self._changed = True

    def save(self, seen: Iterable[str], *, meanwhile: bool = False) -> None:
        """Write the entries back if they changed, dropping those of files that are gone
        (``seen`` are the files of this run; others are kept while they exist).

        ``meanwhile``: write them from a forked process while this one goes on (with the
        rules); ``wait_for_writes()`` waits for it, as every run does before it ends."""
        seen = set(seen)
        gone = [path for path in self._entries if path not in seen and not os.path.exists(path)]
        for path in gone:
            del self._entries[path]
        if not (self._changed or gone):
            return
        self._changed = False
        if meanwhile and fork_is_safe():
            import tempfile  # noqa: F401  (for the child's _write)

            try:
                pid = os.fork()
            except OSError:
                pid = -1  # no process to spare: written here
            if pid == 0:
                try:
                    gc.disable()  # a short life: collecting would only copy pages
                    self._write()
                finally:
                    os._exit(0)
            if pid > 0:
                _writers.append(pid)
                return
        self._write()

    def _write(self) -> None:
        import tempfile  # imported before any fork (see save): the child imports nothing

        try:
            os.makedirs(self.directory, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(self._entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.file)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass  # a cache that cannot be written only costs speed


def fork_is_safe() -> bool:
    """Whether this process can fork and runs one thread: a process forked from several
    may inherit a lock another thread held, and wait for it forever."""
    threading = sys.modules.get("threading")
    return hasattr(os, "fork") and (threading is None or threading.active_count() == 1)


# Processes writing a cache (see FactsCache.save).
_writers: list[int] = []


def wait_for_writes() -> None:
    """Wait until every cache being written is."""
    while _writers:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(_writers.pop(), 0)
