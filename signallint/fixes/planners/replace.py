"""``Replace``: swap the text at a span, if it still reads as expected."""

from __future__ import annotations

from signallint.fixes import Replace
from signallint.fixes.code import Code, TextEdit
from signallint.fixes.planning import planner


@planner(Replace)
def replace(action: Replace, code: Code) -> tuple[TextEdit, ...] | None:
    start = code.offset(action.span.line, action.span.col)
    end = code.offset(action.span.end_line, action.span.end_col)
    if code.text[start:end] != action.old:
        return None
    return (TextEdit(start, end, action.new),)
