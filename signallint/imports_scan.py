"""A cheap text scanner for what a module imports, for files that are never parsed.

The whole-project analysis needs every module's imports, but most files do not pass the
byte prefilter and parsing them with LibCST would cost more than everything else. This
scanner works on the raw bytes with a few regular expressions. It is built to
*over-approximate*: an ``import`` spelled inside a string or a comment is taken as an
import (that can only make a module look reachable, which keeps the analysis silent),
while a real import statement must never be missed. It handles:

* ``import a.b as c, d`` and ``from x import y`` at the start of a line, after ``;`` and
  after ``:`` (``if TYPE_CHECKING: import x``, ``try: from . import signals``);
* parenthesised name lists over several lines, with comments inside;
* backslash continuations anywhere in the statement;
* relative imports (``from . import x``, ``from ..a import b``, ``from.a import b``);
* any whitespace Python allows between the dots of a dotted name.

It also collects every quoted dotted name (``"shop.signals"``, ``'shop.apps.ShopConfig'``)
because Django and many libraries import modules named by strings (``INSTALLED_APPS``,
``ROOT_URLCONF``, ``import_string``, ``include("shop.urls")``), and notes whether the file
assigns ``INSTALLED_APPS`` (a settings module) and whether it is a script
(``if __name__ == "__main__"``). Tests compare the scanner with LibCST on Django's own
source tree: it must find every import LibCST finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signallint import vocabulary
from signallint.facts import DynamicImportKind

_NAME = rb"[A-Za-z_\x80-\xff][\w\x80-\xff]*"
_DOTTED = _NAME + rb"(?:[ \t\f]*\.[ \t\f]*" + _NAME + rb")*"

_STATEMENT = re.compile(
    rb"[ \t\f]*(?:"
    # from <relative or absolute module> import <names>
    rb"from(?=[ \t\f.])[ \t\f]*(?P<source>\.[. \t\f]*(?:" + _DOTTED + rb")?|" + _DOTTED + rb")"
    rb"[ \t\f]*import(?![\w\x80-\xff])[ \t\f]*"
    rb"(?:\((?P<group>(?:[^)#]|#[^\n]*)*)\)|(?P<names>[^\n;#]*))"
    # import <modules>
    rb"|import[ \t\f]+(?P<modules>[^\n;#]*)"
    rb")",
    re.MULTILINE,
)
_COMMENT = re.compile(rb"#[^\n]*")
_AS = re.compile(rb"[ \t\f]as(?:[ \t\f]|$)")
# A quoted name with at least one dot. String prefixes are not checked: a bytes or
# f-string literal that happens to spell a module name only adds a possible import.
_QUOTED_DOTTED = re.compile(rb"""(['"])(""" + _NAME + rb"""(?:\.""" + _NAME + rb""")+)\1""")
_IMPORT_WORD = re.compile(rb"import")
_SEPARATORS = frozenset(b";:")
_INSTALLED_APPS_WORD = vocabulary.INSTALLED_APPS.encode()
_INSTALLED_APPS = re.compile(
    rb"^[ \t]*" + _INSTALLED_APPS_WORD + rb"[ \t]*(?:\+=|=|:)", re.MULTILINE
)
_ALL_WORD = b"__all__"
# ``__all__ = [...]`` or ``(...)`` at the start of a line, holding only string literals.
_ALL_LITERAL = re.compile(
    rb"^__all__[ \t]*(?::[^=\n]*)?=[ \t]*(?:\[(?P<list>[^\]]*)\]|\((?P<tuple>[^)]*)\))"
    rb"[ \t]*(?:#[^\n]*)?$",
    re.MULTILINE,
)
_ALL_ITEM = re.compile(rb"""\s*(['"])(\w+)\1\s*""")
_MAIN_GUARD = re.compile(rb"""__name__[ \t]*==[ \t]*['"]__main__['"]""")
_SETTINGS_VARIABLE = vocabulary.SETTINGS_MODULE_VARIABLE.encode()
_SETTINGS_MODULE = re.compile(
    _SETTINGS_VARIABLE + rb"""['"]?[ \t]*[,:=][ \t]*['"](?P<name>""" + _DOTTED + rb""")['"]"""
)


# Callables that import a module named at runtime, as the text spells them, and what
# the name they are called with means.
DYNAMIC_IMPORT_KINDS = vocabulary.DYNAMIC_IMPORT_SPELLINGS
_DYNAMIC_CALL = re.compile(
    rb"(?<![\w.])(?:[\w.]*\.)?(?P<callee>"
    + b"|".join(name.encode() for name in DYNAMIC_IMPORT_KINDS)
    + rb")[ \t]*\("
)
_DYNAMIC_NAMES = tuple(name.encode() for name in DYNAMIC_IMPORT_KINDS)
_STRING = re.compile(
    rb"(?P<prefix>[rRbBuUfF]{0,2})(?P<quote>'{3}|\"{3}|'|\")"
    rb"(?P<body>(?:\\.|(?!(?P=quote)).)*?)(?P=quote)",
    re.DOTALL,
)
_QUOTED_IDENTIFIER = re.compile(rb"""['"]([A-Za-z_][A-Za-z0-9_]*)['"]""")
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[a-zA-Z%]")
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True, slots=True)
class ScannedDynamicImport:
    """A call such as ``import_module(f"{app}.signals")``: what it is called, and the
    names it may import as patterns (``*`` for text known only at runtime)."""

    callee: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScannedImport:
    """One imported module as written: ``level`` leading dots, the dotted ``module`` after
    them (may be empty for ``from . import x``), and for ``from`` imports the names."""

    level: int
    module: str
    names: tuple[str, ...] = ()
    is_from: bool = False
    # ``from x import y as z``: (``y``, ``z``) for each renamed name.
    renamed: tuple[tuple[str, str], ...] = ()
    # The statement starts a line at column 0 outside a triple-quoted string: it stands
    # in the module's own body, so it runs whenever the module does.
    top: bool = False

    @property
    def star(self) -> bool:
        return "*" in self.names


@dataclass(frozen=True, slots=True)
class Scanned:
    imports: tuple[ScannedImport, ...]
    # Every quoted dotted name, such as "shop.signals" or "shop.apps.ShopConfig".
    strings: tuple[str, ...]
    assigns_installed_apps: bool
    is_script: bool
    # Values given to DJANGO_SETTINGS_MODULE (os.environ.setdefault and the like).
    settings_modules: tuple[str, ...]
    dynamic_imports: tuple[ScannedDynamicImport, ...] = ()
    # Identifier-like string literals ("signals"), when some dynamic import's name is
    # not known at all: one of them may be the module it imports.
    hints: tuple[str, ...] = ()
    # A literal ``__all__`` (see :func:`scan_exports`).
    exports: tuple[str, ...] | None = None


def _text(raw: bytes) -> str:
    return re.sub(r"[ \t\f]+", "", raw.decode("utf-8", "replace"))


def _normalise(data: bytes) -> bytes:
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if b"\\\n" in data:
        data = data.replace(b"\\\n", b" ")
    return data


def scan_imports(data: bytes) -> tuple[ScannedImport, ...]:
    """Every import statement in ``data`` (and, harmlessly, import-like text in strings)."""
    found: list[ScannedImport] = []
    data = _normalise(data)
    # Trying the statement pattern at every position is slow: only lines that contain
    # the word ``import`` can hold an import statement, so it is tried at their starts.
    done_until = -1
    # Triple quotes before ``counted_to``, to tell a statement from a docstring's text.
    counted_to, triple_quotes = 0, [0, 0]
    for word in _IMPORT_WORD.finditer(data):
        if word.start() < done_until:
            continue
        line_start = data.rfind(b"\n", 0, word.start()) + 1
        line_end = data.find(b"\n", word.end())
        line_end = len(data) if line_end < 0 else line_end
        done_until = line_end
        # A statement starts at the start of the line, or after a ``;`` or ``:``.
        starts = [line_start]
        line = data[line_start:line_end]
        if b";" in line or b":" in line:
            starts += [line_start + i + 1 for i, c in enumerate(line) if c in _SEPARATORS]
        for start in starts:
            match = _STATEMENT.match(data, start)
            if match is not None:
                top = start == line_start and data[start : start + 1] in (b"f", b"i")
                if top:
                    for index, quotes in enumerate((b'"""', b"'''")):
                        triple_quotes[index] += data.count(quotes, counted_to, start)
                    counted_to = start
                    top = not (triple_quotes[0] % 2 or triple_quotes[1] % 2)
                found += _imports_of(match, top)
                done_until = max(done_until, match.end())
    return tuple(found)


def _imports_of(match: re.Match[bytes], top: bool = False) -> list[ScannedImport]:
    source = match.group("source")
    if source is not None:
        written = _text(source)
        module = written.lstrip(".")
        level = len(written) - len(module)
        raw_names = match.group("group")
        if raw_names is not None:
            raw_names = _COMMENT.sub(b"", raw_names)
        else:
            raw_names = match.group("names") or b""
        parts = raw_names.split(b",")
        names = tuple(
            name
            for name in (_first_word(part) for part in parts)
            if name and (name == "*" or name.isidentifier())
        )
        renamed: tuple[tuple[str, str], ...] = ()
        if _AS.search(raw_names) is not None:
            renamed = tuple(pair for pair in map(_renaming, parts) if pair is not None)
        return [ScannedImport(level, module, names, is_from=True, renamed=renamed, top=top)]
    found = []
    for part in (match.group("modules") or b"").split(b","):
        # ``a . b as c``: the module is everything before ``as``.
        module = _text(_AS.split(part, 1)[0])
        if module and all(piece.isidentifier() for piece in module.split(".")):
            found.append(ScannedImport(0, module, top=top))
    return found


def _renaming(part: bytes) -> tuple[str, str] | None:
    """(``y``, ``z``) for a name list's ``y as z``."""
    words = part.split()
    if len(words) == 3 and words[1] == b"as":
        name, alias = (word.decode("utf-8", "replace") for word in (words[0], words[2]))
        if name.isidentifier() and alias.isidentifier():
            return name, alias
    return None


def _first_word(part: bytes) -> str:
    words = part.split()
    return words[0].decode("utf-8", "replace") if words else ""


def scan_dynamic_imports(data: bytes, module: str | None) -> tuple[ScannedDynamicImport, ...]:
    """Calls that import a module named at runtime, with the name as a pattern.

    The first argument is read as written: string literals (plain or f-strings, with
    ``%`` and ``.format`` fields) joined by ``+`` to names give a pattern (``*.signals``
    for ``app + ".signals"``); ``__name__`` is the module's own name; anything else is
    ``*``. Relative names (``".signals"``) match any package.
    """
    found = []
    for call in _DYNAMIC_CALL.finditer(data):
        callee = call.group("callee").decode()
        argument = _first_argument(data, call.end())
        if DYNAMIC_IMPORT_KINDS[callee] is DynamicImportKind.AUTODISCOVER:
            names = tuple(_pattern(part, module) for part in _split_arguments(argument))
        elif DYNAMIC_IMPORT_KINDS[callee] is DynamicImportKind.FILE:
            names = ("*",)
        else:
            names = (_pattern(argument, module),)
        found.append(ScannedDynamicImport(callee, names or ("*",)))
    return tuple(found)


def _first_argument(data: bytes, start: int) -> bytes:
    """The text of a call's arguments (up to its closing parenthesis), at most 2000 bytes."""
    depth, position, end = 0, start, min(len(data), start + 2000)
    while position < end:
        string = _STRING.match(data, position)
        if string is not None and string.group("body") is not None and string.end() > position:
            position = string.end()
            continue
        char = data[position : position + 1]
        if char in b"([{":
            depth += 1
        elif char in b")]}":
            if depth == 0:
                return data[start:position]
            depth -= 1
        position += 1
    return data[start:end]


def _split_arguments(text: bytes) -> list[bytes]:
    parts, depth, current, position = [], 0, bytearray(), 0
    while position < len(text):
        string = _STRING.match(text, position)
        if string is not None and string.end() > position:
            current += string.group(0)
            position = string.end()
            continue
        char = text[position : position + 1]
        if char in b"([{":
            depth += 1
        elif char in b")]}":
            depth -= 1
        if char == b"," and depth == 0:
            parts.append(bytes(current))
            current = bytearray()
        else:
            current += char
        position += 1
    parts.append(bytes(current))
    return [part for part in parts if part.strip() and b"=" not in part.split(b"(")[0]]


def _pattern(argument: bytes, module: str | None) -> str:
    """A module-name pattern from an argument's text (see scan_dynamic_imports)."""
    first = _split_arguments(argument)
    text = first[0].strip() if first else b""
    pieces: list[str] = []
    position = 0
    while position < len(text):
        if text[position : position + 1].isspace() or text[position : position + 1] == b"+":
            position += 1
            continue
        if text[position : position + 1] == b"#":
            end = text.find(b"\n", position)
            position = len(text) if end < 0 else end
            continue
        string = _STRING.match(text, position)
        if string is not None and string.end() > position and string.group("quote"):
            body = string.group("body").decode("utf-8", "replace")
            prefix = string.group("prefix").lower()
            if b"b" in prefix:
                return "*"
            if b"f" in prefix:
                body = _FORMAT_FIELD.sub(
                    lambda f: module or "*" if f.group(0).strip("{} ") == "__name__" else "*",
                    body,
                )
            position = string.end()
            rest = text[position:].lstrip()
            if rest.startswith(b"%"):
                body, position = _PERCENT_FIELD.sub("*", body), len(text)
            elif rest.startswith(b".format"):
                body, position = _FORMAT_FIELD.sub("*", body), len(text)
            pieces.append(body)
            continue
        name = re.match(rb"[A-Za-z_][\w.]*", text[position:])
        if name is None:
            return "*"  # an expression we do not read: the name is unknown
        pieces.append(module or "*" if name.group(0) == b"__name__" else "*")
        position += name.end()
    pattern = re.sub(r"\*+", "*", "".join(pieces)) or "*"
    return "*" + pattern if pattern.startswith(".") else pattern


def scan_exports(data: bytes) -> tuple[str, ...] | None:
    """The names of ``__all__`` when the module assigns it once, at the start of a line, a
    list or tuple of string literals, and names it nowhere else (no ``+=``, ``append``);
    otherwise None."""
    if _ALL_WORD not in data or data.count(_ALL_WORD) != 1:
        return None
    match = _ALL_LITERAL.search(_normalise(data))
    if match is None:
        return None
    body = match.group("list") if match.group("list") is not None else match.group("tuple")
    items = _COMMENT.sub(b"", body).split(b",")
    if not items[-1].strip():
        items.pop()  # a trailing comma
    names = []
    for item in items:
        literal = _ALL_ITEM.fullmatch(item)
        if literal is None:
            return None
        names.append(literal.group(2).decode("utf-8", "replace"))
    return tuple(names)


def scan(data: bytes, module: str | None = None, *, import_graph: bool = True) -> Scanned:
    """What the project analysis reads from a module's text. Without ``import_graph``,
    only what finds settings modules: the rest (imports, strings, dynamic imports, the
    script guard) is what tells which modules Django imports, which a run without a
    project root never asks, and reading it is most of the cost."""
    settings_modules: tuple[str, ...] = ()
    if _SETTINGS_VARIABLE in data:
        settings_modules = tuple(
            sorted({_text(m.group("name")) for m in _SETTINGS_MODULE.finditer(data)})
        )
    assigns_installed_apps = (
        _INSTALLED_APPS_WORD in data and _INSTALLED_APPS.search(data) is not None
    )
    if not import_graph:
        return Scanned((), (), assigns_installed_apps, False, settings_modules)
    dynamic: tuple[ScannedDynamicImport, ...] = ()
    hints: tuple[str, ...] = ()
    if any(name in data for name in _DYNAMIC_NAMES) and _DYNAMIC_CALL.search(data) is not None:
        dynamic = scan_dynamic_imports(data, module)
        if any(not n.replace("*", "").replace(".", "") for d in dynamic for n in d.names):
            hints = tuple(sorted({h.decode() for h in _QUOTED_IDENTIFIER.findall(data)}))
    return Scanned(
        imports=scan_imports(data),
        strings=tuple(
            sorted({name.decode("utf-8", "replace") for _, name in _QUOTED_DOTTED.findall(data)})
        ),
        assigns_installed_apps=assigns_installed_apps,
        is_script=b"__main__" in data and _MAIN_GUARD.search(data) is not None,
        settings_modules=settings_modules,
        dynamic_imports=dynamic,
        hints=hints,
        exports=scan_exports(data),
    )
