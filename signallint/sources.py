"""Source files: reading bytes, the cheap prefilter, decoding, parsing, module names."""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import os
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from signallint import vocabulary
from signallint.facts import Problem, Span

if TYPE_CHECKING:
    import libcst as cst

UNREADABLE = "SIG901"
UNPARSABLE = "SIG902"
INTERNAL_ERROR = "SIG903"


# The whole-project analysis parses these files too: settings (INSTALLED_APPS),
# ``default_app_config`` and classes that may be AppConfigs. Every other file only has
# its imports read by signallint.imports_scan, without parsing.
_INSTALLED_APPS_WORD = vocabulary.INSTALLED_APPS.encode()
_DEFAULT_APP_CONFIG_WORD = vocabulary.DEFAULT_APP_CONFIG.encode()
_CONFIG_SUFFIX = vocabulary.APP_CONFIG_SUFFIX.encode()
_INSTALLED_APPS = re.compile(
    rb"^[ \t]*" + _INSTALLED_APPS_WORD + rb"[ \t]*(?:\+=|=|:|\.)", re.MULTILINE
)
_DEFAULT_APP_CONFIG = re.compile(rb"^" + _DEFAULT_APP_CONFIG_WORD + rb"\b", re.MULTILINE)
# From the literal ``class``: a pattern that starts with ``\b`` is tried at every position.
_CONFIG_CLASS = re.compile(
    vocabulary.CLASS_KEYWORD.encode() + rb"[ \t]+\w+[ \t]*\([^)]*" + _CONFIG_SUFFIX + rb"\b"
)


def matters_for_wiring(path: str, data: bytes) -> bool:
    """True for files the whole-project analysis must parse (``apps.py`` and the like)."""
    if vocabulary.is_apps_module(os.path.basename(path)):
        return True
    if _INSTALLED_APPS_WORD in data and _INSTALLED_APPS.search(data):
        return True
    if _DEFAULT_APP_CONFIG_WORD in data and _DEFAULT_APP_CONFIG.search(data):
        return True
    if _CONFIG_SUFFIX in data:
        for match in _CONFIG_CLASS.finditer(data):
            before = data[max(match.start() - 1, 0) : match.start()]
            if not before or not (before.isalnum() or before == b"_"):
                return True
    return False


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


def decode(data: bytes) -> Decoded | Problem:
    """Decode as Python does: BOM, then a PEP 263 coding cookie, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "invalid or missing encoding declaration" not in str(error.msg):
            return Problem(UNREADABLE, f"cannot decode file: {error.msg}")
        encoding = "utf-8"  # undecodable bytes in the first two lines: find them below
    try:
        return Decoded(data.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError) as error:
        if isinstance(error, UnicodeDecodeError):
            line = data[: error.start].count(b"\n") + 1
            reason = f"invalid {encoding} bytes ({error.reason})"
        else:
            line, reason = 1, f"unknown encoding {encoding!r}"
        return Problem(UNREADABLE, f"cannot decode file: {reason}", Span(line, 0, line, 0))


def undecodable(data: bytes) -> Problem | None:
    """The decoding problem of a file, checked cheaply: most files are plain UTF-8."""
    try:
        data.decode("utf-8")
        if not data.startswith(b"\xef\xbb\xbf") and b"coding" not in data[:400]:
            return None
    except UnicodeDecodeError:
        pass
    decoded = decode(data)
    return decoded if isinstance(decoded, Problem) else None


def parse(text: str, *, checked: bool = False) -> cst.Module | Problem:
    """LibCST's module for ``text``, or the problem that keeps it from being parsed.

    ``checked``: Python's own parser accepted the text (or the source it was cut from).
    LibCST's nodes then skip their validation, which re-checks, node by node, what its
    parser has just checked: a fifth of the parse (its authors note that validating in
    the visitor instead "would allow us to avoid validating the tree when parsing")."""
    import libcst as cst

    null = text.find("\0")
    if null != -1:
        line = text.count("\n", 0, null) + 1
        at = Span(line, 0, line, 0)
        return Problem(UNPARSABLE, "syntax error: source contains a null byte", at)
    try:
        with _nodes_unvalidated() if checked else contextlib.nullcontext():
            return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        python = None if checked else _python_syntax_error(text)  # checked: it accepted
        line, column, detail = python or _where(error)
        return Problem(UNPARSABLE, f"syntax error: {detail}", Span(line, column, line, column))
    except RecursionError:
        return Problem(UNPARSABLE, "cannot parse file: it is nested too deeply")


@contextlib.contextmanager
def _nodes_unvalidated() -> Iterator[None]:
    """LibCST nodes made meanwhile skip ``_validate()``, when all their ``__post_init__``
    does is call it (else nothing changes)."""
    import libcst as cst

    hook = cst.CSTNode.__dict__.get("__post_init__")
    if hook is None or not _only_validates(hook):
        yield
        return
    cst.CSTNode.__post_init__ = _unchecked  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        cst.CSTNode.__post_init__ = hook  # type: ignore[method-assign]


def _unchecked(node: object) -> None:
    pass


@functools.cache
def _only_validates(hook: Callable[..., None]) -> bool:
    """Whether ``hook`` (``CSTNode.__post_init__``) only calls ``self._validate()``, and
    no node class has a ``__post_init__`` of its own."""
    import libcst as cst

    code = getattr(hook, "__code__", None)
    if code is None or code.co_names != ("_validate",):
        return False
    pending, seen = [cst.CSTNode], set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        if cls is not cst.CSTNode and "__post_init__" in cls.__dict__:
            return False
        pending.extend(cls.__subclasses__())
    return True


def _python_syntax_error(text: str) -> tuple[int, int, str] | None:
    """Where and why the running Python rejects ``text``: its messages (``'(' was never
    closed``, at the ``(``) say more than LibCST's. Asked only once LibCST has failed,
    so a file that parses is compiled no more than before. None when Python accepts
    the text (LibCST's grammar is then the narrower one) or cannot say."""
    try:
        compile(text, "<unknown>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        if not error.msg or error.lineno is None:
            return None
        line = max(error.lineno, 1)
        column = max((error.offset or 1) - 1, 0)
        return line, column, " ".join(error.msg.split())
    except (ValueError, RecursionError, MemoryError):
        return None  # a null byte (handled before), nesting too deep: LibCST's word
    return None


_NATIVE_PARSER_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


def _where(error: cst.ParserSyntaxError) -> tuple[int, int, str]:
    """Line, 0-based column and a short reason.

    The native parser names two places: ``raw_line`` and, in its message, the farthest
    point it reached, which can be the end of the file. The earlier one is where a
    reader should look."""
    message = " ".join(str(error.message).split())
    raw = (max(error.raw_line, 1), max(error.raw_column, 0))
    match = _NATIVE_PARSER_ERROR.search(message)
    if match is None:
        return (*raw, message)
    detail = match.group(3)
    if detail.startswith("expected one of") and len(detail) > 60:
        detail = "unexpected token"
    reached = (max(int(match.group(1)), 1), int(match.group(2)))
    return (*min(raw, reached), detail)


# Beyond this a file is generated data, not code anyone wires signals in: parsing it
# would take minutes.
MAX_FILE_BYTES = 10 * 1024 * 1024


def read_bytes(path: str) -> bytes | Problem:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return Problem(UNREADABLE, f"cannot read file: {error.strerror or error}")
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return Problem(UNREADABLE, f"file not checked: larger than {limit} MB")
    return data


@functools.lru_cache(maxsize=4096)
def _package_of_directory(directory: str) -> str | None:
    """The dotted package a directory is, or None when it is not a package."""
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        return None
    parent, name = os.path.split(directory)
    if not name.isidentifier():
        return None
    above = _package_of_directory(parent) if parent and parent != directory else None
    return f"{above}.{name}" if above else name


def package_of(path: str) -> str | None:
    """The package a module file belongs to (for relative imports), or None."""
    return _package_of_directory(os.path.dirname(os.path.abspath(path)))


def module_name_of(path: str) -> str | None:
    """The dotted module name of a file inside a package tree, or None."""
    package = package_of(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    if package is None:
        return stem if stem.isidentifier() else None
    return package if stem == "__init__" else f"{package}.{stem}"
