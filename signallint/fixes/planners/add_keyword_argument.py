"""``AddKeywordArgument``: pass ``keyword=value`` to a call, or turn an existing literal
``keyword=True`` (or its positional slot) into it."""

from __future__ import annotations

import libcst as cst

from signallint.fixes import AddKeywordArgument
from signallint.fixes.code import Code, TextEdit
from signallint.fixes.planning import planner


@planner(AddKeywordArgument)
def add_keyword_argument(action: AddKeywordArgument, code: Code) -> tuple[TextEdit, ...] | None:
    node = code.at(action.call, cst.Call)
    if node is None:
        decorator = code.at(action.call, cst.Decorator)
        if isinstance(decorator, cst.Decorator):
            node = decorator.decorator
    if not isinstance(node, cst.Call):
        return None
    args = node.args
    if any(a.star for a in args) or not args:
        return None
    existing = next(
        (a for a in args if a.keyword is not None and a.keyword.value == action.keyword),
        None,
    )
    positional = [a for a in args if a.keyword is None]
    if existing is None and action.position is not None and len(positional) > action.position:
        existing = positional[action.position]
    if existing is not None:
        value = existing.value
        if not (isinstance(value, cst.Name) and value.value == "True"):
            return None
        return (TextEdit(code.start(value), code.end(value), action.value),)
    last = args[-1]
    end = code.element_end(last)
    if end is None:
        return None
    edit = code.append(code.start(last), end, f"{action.keyword}={action.value}", ")")
    return (edit,) if edit is not None else None
