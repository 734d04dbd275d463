"""``# noqa`` comments, read exactly as flake8 reads them, and per-file ignores."""

from __future__ import annotations

import fnmatch
import io
import re
import tokenize
from collections.abc import Iterable, Sequence

# flake8's own pattern (flake8/defaults.py), so both tools agree on every comment.
NOQA_INLINE = re.compile(
    r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?",
    re.IGNORECASE,
)
_CODE_SEPARATOR = re.compile(r"[,\s]+")


class NoqaLines:
    """Maps a line number to the text flake8 searches for ``# noqa``: the physical line,
    or every line of a token that spans several (a triple-quoted string)."""

    def __init__(self, text: str):
        self._lines = text.splitlines(keepends=True)
        self._mapping: dict[int, str] | None = None

    def text_for(self, line: int) -> str:
        if self._mapping is None:
            self._mapping = self._build()
        found = self._mapping.get(line)
        if found is not None:
            return found
        return self._lines[line - 1] if 0 < line <= len(self._lines) else ""

    def _build(self) -> dict[int, str]:
        mapping: dict[int, str] = {}
        source = "".join(self._lines)
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        except (tokenize.TokenError, SyntaxError, IndentationError):
            return mapping
        first, last = len(self._lines) + 2, -1
        for token in tokens:
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first = min(first, token.start[0])
            last = max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(self._lines[first - 1 : last])
                for number in range(first, last + 1):
                    mapping[number] = joined
                first, last = len(self._lines) + 2, -1
        return mapping


def is_suppressed(code: str, line_text: str) -> bool:
    match = NOQA_INLINE.search(line_text)
    if match is None:
        return False
    codes_text = match.group("codes")
    if codes_text is None:
        return True
    codes = tuple(part for part in _CODE_SEPARATOR.split(codes_text) if part)
    return code in codes or code.startswith(codes)


def ignored_by_path(
    code: str, path: str, per_file_ignores: Sequence[tuple[str, Iterable[str]]]
) -> bool:
    normalized = path.replace("\\", "/")
    for pattern, codes in per_file_ignores:
        if _path_matches(normalized, pattern) and any(code.startswith(c) for c in codes):
            return True
    return False


def _path_matches(path: str, pattern: str) -> bool:
    pattern = pattern.replace("\\", "/").removeprefix("./")
    path = path.removeprefix("./")
    if fnmatch.fnmatch(path, pattern):
        return True
    # A pattern without a slash matches the file name anywhere, like flake8's.
    return "/" not in pattern and fnmatch.fnmatch(path.rsplit("/", 1)[-1], pattern)
