"""A persistent cache of per-file facts, keyed by content.

An entry holds the facts of one parsed file. Its key covers everything the facts depend
on: signallint's version, the Python version (pickles), the path and the package it is
in (facts name both), and the file's bytes. Settings do not enter the key because facts
do not depend on them: rules run afresh on every run.

Entries are written to a temporary file in the same directory and renamed into place,
so concurrent runs never see half an entry. An entry that cannot be read back (corrupt,
truncated, from another version) is ignored and recomputed, never trusted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile

from signallint import __version__
from signallint.facts import ModuleFacts


def default_directory() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "signallint")


class FactsCache:
    def __init__(self, directory: str):
        self.directory = directory

    @staticmethod
    def key(path: str, package: str | None, module: str | None, data: bytes) -> str:
        digest = hashlib.sha256()
        for part in (__version__, sys.version, path, package or "", module or ""):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _file(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key)

    def get(self, key: str) -> ModuleFacts | None:
        try:
            with open(self._file(key), "rb") as handle:
                facts = pickle.load(handle)
        except Exception:  # missing, corrupt or incompatible: recompute, never trust
            return None
        if not isinstance(facts, ModuleFacts):
            return None
        return facts

    def put(self, key: str, facts: ModuleFacts) -> None:
        target = self._file(key)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(facts, stream, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, target)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass  # a cache that cannot be written only costs speed
