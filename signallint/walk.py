"""A read-only walk over a LibCST tree that calls a visitor's methods.

``CSTNode.visit`` rebuilds every node it passes through, even for a read-only
``CSTVisitor`` (LibCST's own comment: "TODO: provide traversal where children are not
replaced"), and visits every whitespace and punctuation node. Walking a module that way
cost the collector more than parsing it. This walk calls the same methods
(``visit_X``, ``visit_X_attr``, ``leave_X_attr``, ``leave_X``) in the same lexical
order, rebuilds nothing, and does not descend into whitespace and punctuation, which
hold nothing a visitor of ours looks at.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import libcst as cst

_SKIPPED: tuple[type[cst.CSTNode], ...] = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
    cst.Comma,
    cst.Dot,
    cst.Colon,
    cst.Semicolon,
    cst.AssignEqual,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
    cst.ImportStar,
)

Method = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class _Handlers:
    visit: Method | None
    leave: Method | None
    fields: tuple[tuple[str, Method | None, Method | None], ...]
    skip: bool


_CACHE: dict[tuple[type[Any], type[cst.CSTNode]], _Handlers] = {}
_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _child_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """The node type's child fields in lexical order. LibCST's
    ``_visit_and_replace_children`` passes each child field's name, in that order, to its
    ``visit_*`` helpers, so they are the string constants of its code that name fields,
    in order of first use (a test checks them against its source for every node type)."""
    fields = _FIELDS.get(node_type)
    if fields is None:
        names = set(getattr(node_type, "__dataclass_fields__", ()))
        found: dict[str, None] = {}
        codes = [node_type._visit_and_replace_children.__code__]
        while codes:
            for constant in codes.pop(0).co_consts:
                if isinstance(constant, str) and constant in names:
                    found.setdefault(constant)
                elif isinstance(constant, types.CodeType):
                    codes.append(constant)
        fields = _FIELDS[node_type] = tuple(found)
    return fields


def _own(visitor_type: type[Any], name: str) -> Method | None:
    """The visitor's method ``name`` unless it is CSTVisitor's do-nothing default."""
    method = getattr(visitor_type, name, None)
    if method is None or method is getattr(cst.CSTVisitor, name, None):
        return None
    return method  # type: ignore[no-any-return]


def _handlers(visitor_type: type[Any], node_type: type[cst.CSTNode]) -> _Handlers:
    key = (visitor_type, node_type)
    found = _CACHE.get(key)
    if found is None:
        name = node_type.__name__
        visit, leave = _own(visitor_type, f"visit_{name}"), _own(visitor_type, f"leave_{name}")
        fields = tuple(
            (
                field,
                _own(visitor_type, f"visit_{name}_{field}"),
                _own(visitor_type, f"leave_{name}_{field}"),
            )
            for field in _child_fields(node_type)
        )
        skip = issubclass(node_type, _SKIPPED) and visit is None and leave is None
        found = _Handlers(visit, leave, fields, skip)
        _CACHE[key] = found
    return found


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """Visit ``node`` and its descendants like ``node.visit(visitor)`` would."""
    handlers = _handlers(type(visitor), type(node))
    if handlers.skip:
        return
    if handlers.visit is None or handlers.visit(visitor, node) is not False:
        for field, visit_field, leave_field in handlers.fields:
            if visit_field is not None:
                visit_field(visitor, node)
            value = getattr(node, field)
            if isinstance(value, cst.CSTNode):
                walk(value, visitor)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, cst.CSTNode):
                        walk(item, visitor)
            if leave_field is not None:
                leave_field(visitor, node)
    if handlers.leave is not None:
        handlers.leave(visitor, node)
