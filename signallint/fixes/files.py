"""A fixed file on disk: the file before and after its fixes, its diff, and writing it.

Writing is atomic (a temporary file in the same directory, then a rename) and refuses a
file that changed on disk since it was read.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import stat
import tempfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileFix:
    """One file's text before and after its fixes, and the bytes it was read as."""

    path: str
    encoding: str
    original: bytes
    original_text: str
    text: str
    # Fixes applied (each may have fixed several reported problems, or revealed ones).
    applied: int

    @property
    def data(self) -> bytes:
        return self.text.encode(self.encoding)

    @property
    def changed(self) -> bool:
        return self.text != self.original_text


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of one file, as ``diff -u`` prints it (line endings kept)."""
    old, new = _LINES.findall(before), _LINES.findall(after)
    lines = []
    for line in difflib.unified_diff(old, new, fromfile=path, tofile=path):
        lines.append(line)
        if not line.endswith(("\n", "\r")):
            lines.append("\n\\ No newline at end of file\n")
    return "".join(lines)


def write(file_fix: FileFix) -> str | None:
    """Replace the file with its fixed bytes, atomically; a one-line error, or None.

    The file keeps its permissions (and stays a symbolic link's target); nothing is
    written when it changed on disk since it was read.
    """
    target = os.path.realpath(file_fix.path)
    directory = os.path.dirname(target)
    try:
        with open(target, "rb") as handle:
            if handle.read() != file_fix.original:
                return f"{file_fix.path}: not fixed: the file changed while it was being fixed"
        mode = stat.S_IMODE(os.stat(target).st_mode)
        descriptor, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".signallint"
        )
    except OSError as error:
        return f"{file_fix.path}: not fixed: {error.strerror or error}"
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(file_fix.data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return f"{file_fix.path}: not fixed: {error.strerror or error}"
    return None
