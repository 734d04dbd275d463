"""``DropProvidingArgs``: remove ``providing_args=`` from a ``Signal()`` call, keeping
the names it listed as a comment."""

from __future__ import annotations

import libcst as cst

from signallint.fixes import DropProvidingArgs
from signallint.fixes.code import Code, Statement, TextEdit
from signallint.fixes.planning import planner


@planner(DropProvidingArgs)
def drop_providing_args(action: DropProvidingArgs, code: Code) -> tuple[TextEdit, ...] | None:
    arg = code.at(action.argument, cst.Arg)
    if not isinstance(arg, cst.Arg):
        return None
    call = code.structure().arg_call.get(arg)
    if call is None or arg.keyword is None or arg.keyword.value != "providing_args":
        return None
    names = _literal_strings(arg.value)
    if names is None or "#" in code.rendered(call):
        return None
    args = list(call.args)
    index = args.index(arg)
    del args[index]
    new_call = call.with_changes(args=args)
    if not args:
        new_call = new_call.with_changes(whitespace_before_args=cst.SimpleWhitespace(""))
    elif index == len(args):
        args[-1] = args[-1].with_changes(comma=arg.comma)
        new_call = new_call.with_changes(args=args)
    replaced = code.replace_node(call, new_call)
    if replaced is None:
        return None
    if not names:
        return (replaced,)
    comment = f"# providing_args: {', '.join(names)}"
    statement = _statement_around(code, call)
    if statement is None:
        return None
    line = statement.line
    if line.trailing_whitespace.comment is None:
        end = code.end(line)
        return (replaced, TextEdit(end, end, f"  {comment}"))
    start = code.start(line)
    line_start = code.line_start(start)
    if code.text[line_start:start].strip():
        return None
    above = f"{code.indent_at(start)}{comment}{code.newline}"
    return (TextEdit(line_start, line_start, above), replaced)


def _statement_around(code: Code, node: cst.CSTNode) -> Statement | None:
    start, end = code.start(node), code.end(node)
    around = [
        entry
        for entry in code.structure().statements
        if code.start(entry.line) <= start and end <= code.end(entry.line)
    ]
    return max(around, key=lambda e: code.start(e.line), default=None)


def _literal_strings(value: cst.BaseExpression) -> list[str] | None:
    if not isinstance(value, cst.List | cst.Tuple | cst.Set):
        return None
    found = []
    for element in value.elements:
        item = element.value
        if not isinstance(item, cst.SimpleString) or isinstance(element, cst.StarredElement):
            return None
        evaluated = item.evaluated_value
        if not isinstance(evaluated, str):
            return None
        found.append(evaluated)
    return found
