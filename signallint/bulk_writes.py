"""Bulk writes in a module's text: ``Model.objects....update()``, ``bulk_create()`` and
``bulk_update()``, which save rows without calling ``save()``, so without sending
``pre_save`` or ``post_save``.

Read from the text of every module of a project (most are never parsed): a chain counts
from ``Name.objects`` (or ``Name._default_manager``, the name not itself an attribute of
something else), through any ``.method(...)`` links, to its end, and is a bulk write
when its last call is one of those methods. ``QuerySet.delete()`` is not one: it sends
``pre_delete``/``post_delete`` for every row. Strings and comments inside the chain's
arguments are skipped, so a parenthesis in them does not end a call early.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from signallint.facts import BulkWrite, Span

BULK_METHODS = frozenset({b"update", b"bulk_create", b"bulk_update"})
_HAS_METHOD = re.compile(rb"\.\s*(?:update|bulk_create|bulk_update)\s*\(")
_MANAGER = re.compile(rb"\.(?:objects|_default_manager)\b")
_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")
_CLOSING = frozenset(b")]")
_DOTTED = re.compile(rb"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_TOKEN = re.compile(
    rb"""
    (?P<string>[rRbBuUfF]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"
        |'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
    |(?P<comment>\#[^\n]*)
    |(?P<name>[A-Za-z_]\w*)
    |(?P<space>\s+)
    |(?P<op>.)
    """,
    re.VERBOSE,
)
# How far a chain is followed from its manager (a call's arguments included).
_REACH = 8000
# ``class X(...QuerySet...):`` or ``(...Manager...)``, and a bulk method defined below one.
_MANAGER_CLASS = re.compile(rb"^([ \t]*)class[ \t]+\w+[ \t]*\(([^)]*(?:QuerySet|Manager)[^)]*)\)")
_BULK_DEF = re.compile(rb"^([ \t]+)(?:async[ \t]+)?def[ \t]+(update|bulk_create|bulk_update)\b")
_LINE_INDENT = re.compile(rb"^([ \t]*)\S", re.MULTILINE)


def scan_bulk_writes(data: bytes) -> tuple[BulkWrite, ...]:
    if b"objects" not in data and b"_default_manager" not in data:
        return ()
    if (b"update" not in data and b"bulk_" not in data) or _HAS_METHOD.search(data) is None:
        return ()
    return tuple(_writes(data))


def scan_bulk_overrides(data: bytes) -> tuple[str, ...]:
    """The bulk methods that a ``QuerySet`` or ``Manager`` subclass of the module
    defines: a write through it runs the project's code, which may send the signals or
    do the receivers' work itself."""
    if (b"QuerySet" not in data and b"Manager" not in data) or (
        b"def update" not in data and b"def bulk_" not in data
    ):
        return ()
    found: list[str] = []
    class_indent: int | None = None
    for line in data.splitlines():
        indent = _LINE_INDENT.match(line)
        if indent is None or line.lstrip().startswith(b"#"):
            continue  # blank lines and comments end no block
        width = len(indent.group(1).expandtabs())
        if class_indent is not None and width <= class_indent:
            class_indent = None
        header = _MANAGER_CLASS.match(line)
        if header is not None:
            class_indent = len(header.group(1).expandtabs())
            continue
        method = _BULK_DEF.match(line)
        if class_indent is not None and method is not None:
            name = method.group(2).decode("ascii")
            if name not in found:
                found.append(name)
    return tuple(found)


def _writes(data: bytes) -> Iterator[BulkWrite]:
    for manager in _MANAGER.finditer(data):
        start = manager.start()
        while start and data[start - 1] in _NAME_BYTES:
            start -= 1
        model = data[start : manager.start()]
        if not _DOTTED.fullmatch(model) or (start and data[start - 1] in _CLOSING):
            continue  # not a dotted name, or an attribute of a call's or index's result
        if not model.rsplit(b".", 1)[-1][:1].isupper():
            continue  # a model class is CapWords; ``self.objects`` is not one
        end = _bulk_call_end(data, manager.end())
        if end is None:
            continue
        method, stop = end
        yield BulkWrite(
            model.decode("ascii"),
            method.decode("ascii"),
            Span(*_position(data, start), *_position(data, stop)),
        )


def _bulk_call_end(data: bytes, start: int) -> tuple[bytes, int] | None:
    """Follow ``.name(...)`` links from ``start``: the bulk method the chain's last call
    is, and where that call ends."""
    tokens = _TOKEN.finditer(data, start, min(len(data), start + _REACH))
    last: tuple[bytes, int] | None = None
    expect = "dot"
    method = b""
    depth = 0
    for token in tokens:
        kind, text = token.lastgroup, token.group()
        if kind in ("space", "comment"):
            continue
        if depth:
            if text in (b"(", b"[", b"{"):
                depth += 1
            elif text in (b")", b"]", b"}"):
                depth -= 1
                if depth == 0:
                    last = (method, token.end()) if method in BULK_METHODS else None
                    expect = "dot"
            continue
        if expect == "dot":
            if text != b".":
                return last
            expect = "name"
        elif expect == "name":
            if kind != "name":
                return None
            method, last, expect = text, None, "call"
        elif text == b"(":
            depth = 1
        elif text == b".":
            expect = "name"  # an attribute, not a call: the chain goes on
        else:
            return last
    return last


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start
