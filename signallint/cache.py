"""A persistent cache of per-file results, keyed by content and by the code that made them.

A warm run must cost little more than reading the files, so the cache keeps, for every
file of a run, everything that does not depend on other files: whether the prefilter's
first round lets it through, the facts of its parse, and the facts kept about it when it
is not parsed (the whole-project text scan, an undecodable-bytes problem). Each entry is
tied to a digest of the file's bytes and of what its facts name (its path, package and
module, whether project facts were asked for): an entry whose digest differs is stale.

All entries of one scope (a project root, or the paths given when there is none) live in
one file, loaded once and written once per run, only when something changed. Its name
covers the code that shapes facts (a digest of this package's own files, LibCST's version
and the Python version, see :func:`code_digest`), the target Django version and the
settings the prefilter depends on (declared signals): a new signallint, even one installed
under the same version number, never reads facts an older one wrote.

The cache directory may be chosen by the checked repository (``cache-dir``) or restored
from a shared CI cache, so nothing read from it is trusted:

- it is data only: MessagePack decoded by ``msgspec`` into the facts types, with every
  field's type validated. Nothing in it can name a class to build or code to run (a
  pickle could). Anything that does not decode is a miss, silently rebuilt;
- a cache file is read only when it is a regular file owned by the current user, not a
  symbolic link, and no larger than :data:`MAX_BYTES`; it is opened without following a
  link, so a link swapped in after the check is refused too;
- it is written to a new temporary file in the same directory (created exclusively, so a
  planted link is never followed) and renamed into place, which replaces a link at the
  cache path instead of writing through it. Concurrent runs never see half a file (the
  last writer wins, which only costs speed). A run writes it from a forked process while
  the rules run, and waits for that before it ends.

A cache can at worst hold wrong facts for a file whose bytes it knows, never run code:
a run on an untrusted change that restores a shared cache should pass ``--no-cache``.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from signallint.facts import ModuleFacts

if TYPE_CHECKING:
    import msgspec

# A scope's cache holds a few bytes per file and a few kB per parsed file (about 3 MB
# for 4,000 files of Django and four large packages): a file far larger is not ours.
MAX_BYTES = 256 * 1024 * 1024
SUFFIX = ".msgpack"


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


Entries = dict[str, Entry]


def digest_of(data: bytes, *context: str) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in context:
        hasher.update(part.encode("utf-8", "surrogatepass") + b"\0")
    hasher.update(data)
    return hasher.digest()


@functools.cache
def code_digest() -> str:
    """A digest of everything besides a file's bytes that shapes its facts: every file of
    this package (code and data, as installed), LibCST's version and the Python version.

    Read once per process (about 540 kB, a millisecond or two): a changed collector, a
    pre-commit hook installed from a new revision under the same version number, or a new
    LibCST each get a cache of their own."""
    hasher = hashlib.blake2b(digest_size=16)
    package = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(_package_files(package)):
        hasher.update(os.path.relpath(path, package).encode("utf-8", "surrogatepass") + b"\0")
        with contextlib.suppress(OSError), open(path, "rb") as handle:
            hasher.update(handle.read())
        hasher.update(b"\0")
    hasher.update(_libcst_version() + b"\0" + sys.version.encode())
    return hasher.hexdigest()


def _package_files(directory: str) -> Iterable[str]:
    for root, directories, files in os.walk(directory):
        directories[:] = [name for name in directories if name != "__pycache__"]
        yield from (os.path.join(root, name) for name in files if not name.endswith(".pyc"))


def _libcst_version() -> bytes:
    """LibCST's version file, found without importing LibCST (the parser's behaviour, and
    so the facts, may change with it)."""
    import importlib.util

    spec = importlib.util.find_spec("libcst")
    if spec is None or spec.origin is None:
        return b""
    try:
        with open(os.path.join(os.path.dirname(spec.origin), "_version.py"), "rb") as handle:
            return handle.read()
    except OSError:
        return b"unknown"


class FactsCache:
    def __init__(self, directory: str, scope: Iterable[str], salt: Iterable[str] = ()):
        self.directory = directory
        name = digest_of(b"", code_digest(), *scope, "|", *salt).hex()
        self.file = os.path.join(directory, f"{name}{SUFFIX}")
        self._entries = self._load()
        self._changed = False

    def __len__(self) -> int:
        return len(self._entries)

    def _load(self) -> Entries:
        data = read_untrusted(self.file, MAX_BYTES)
        if data is None:
            return {}
        import msgspec

        try:
            return _codec()[1].decode(data)
        except (msgspec.DecodeError, ValueError, TypeError, RecursionError):
            return {}  # corrupt, truncated, another layout or forged: rebuild, never trust

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

            _codec()

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

        encoder = _codec()[0]

        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            # mkstemp creates a new file (O_EXCL, mode 0600): it never opens a planted link.
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(encoder.encode(self._entries))
                # A rename replaces whatever is at the cache path, a link included,
                # without following it.
                os.replace(temporary, self.file)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass  # a cache that cannot be written only costs speed


@functools.cache
def _codec() -> tuple[msgspec.msgpack.Encoder, msgspec.msgpack.Decoder[Entries]]:
    """Made when a cache is first used: a run without one never imports msgspec."""
    import msgspec

    return msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder(Entries)


def read_untrusted(path: str, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, owned by
    the current user, and not a symbolic link; otherwise None.

    The file is opened without following a link (where the system can) and then checked
    through the open descriptor, so nothing swapped in between is read either; opening a
    FIFO or device does not block."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        if os.path.islink(path):  # where O_NOFOLLOW does not exist
            return None
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        if hasattr(os, "getuid") and status.st_uid != os.getuid():
            return None
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            data = handle.read(limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(descriptor)


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
