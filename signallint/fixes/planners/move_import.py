"""``MoveImport``: import a name from another module, merged into an existing
``from that.module import ...`` nearby when there is one."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from signallint.fixes import MoveImport
from signallint.fixes.code import NEWLINE, Code, Statement, TextEdit
from signallint.fixes.planning import planner
from signallint.names import dotted_name


@planner(MoveImport)
def move_import(action: MoveImport, code: Code) -> tuple[TextEdit, ...] | None:
    structure = code.structure()
    name = code.at(action.name_span, cst.Name)
    alias = next((a for a in structure.alias_import if a.name is name), None)
    if alias is None:
        return None
    wrong, statement = structure.alias_import[alias]
    if wrong.relative or not isinstance(wrong.names, Sequence):
        return None
    moved = alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    target = _merge_target(code, statement, action.module)
    edits: list[TextEdit] = []
    only_name = len(wrong.names) == 1
    if target is not None:
        target_import, _ = target
        assert isinstance(target_import.names, Sequence)
        if not any(_same_alias(a, moved) for a in target_import.names):
            merged = target_import.with_changes(
                names=_appended(list(target_import.names), moved, target_import)
            )
            merge_edit = code.replace_node(target_import, merged)
            if merge_edit is None:
                return None
            edits.append(merge_edit)
        removal = _delete_line(code, statement) if only_name else _without(code, wrong, alias)
        if removal is None:
            if not only_name:
                return None
            target = None  # cannot delete the line: rewrite it in place instead
            edits = []
        else:
            edits.append(removal)
    if target is None:
        if only_name:
            module = wrong.module
            if module is None:
                return None
            return (TextEdit(code.start(module), code.end(module), action.module),)
        removal = _without(code, wrong, alias)
        if removal is None:
            return None
        line = f"from {action.module} import {code.rendered(moved)}"
        edits += [removal, _line_after(code, statement, line)]
    return tuple(sorted(edits))


def _merge_target(
    code: Code, statement: Statement, module: str
) -> tuple[cst.ImportFrom, Statement] | None:
    """A ``from module import ...`` in the same block, separated only by imports."""
    for entry in code.structure().statements:
        if entry.block is not statement.block or entry is statement:
            continue
        small = entry.line.body
        if len(small) != 1 or not isinstance(small[0], cst.ImportFrom):
            continue
        candidate = small[0]
        if (
            candidate.relative
            or isinstance(candidate.names, cst.ImportStar)
            or candidate.module is None
            or dotted_name(candidate.module) != module
        ):
            continue
        low, high = sorted((entry.index, statement.index))
        between = statement.block[low + 1 : high]
        if all(_is_import_line(s) for s in between):
            return candidate, entry
    return None


def _delete_line(code: Code, statement: Statement) -> TextEdit | None:
    """Delete a one-statement line that carries no comment."""
    line = statement.line
    if len(line.body) != 1 or line.trailing_whitespace.comment is not None:
        return None
    if "#" in code.rendered(line.body[0]):
        return None
    start = code.start(line)
    if code.text[code.line_start(start) : start].strip():
        return None
    end = code.end(line)
    match = NEWLINE.search(code.text, end)
    if match is None or code.text[end : match.start()].strip():
        return None
    return TextEdit(code.line_start(start), match.end(), "")


def _without(code: Code, statement: cst.ImportFrom, alias: cst.ImportAlias) -> TextEdit | None:
    """Remove one name from a ``from ... import`` that keeps others."""
    assert isinstance(statement.names, Sequence)
    if "#" in code.rendered(statement):
        return None
    names = list(statement.names)
    index = names.index(alias)
    del names[index]
    if index == len(names) and names:
        names[-1] = names[-1].with_changes(comma=alias.comma)
    return code.replace_node(statement, statement.with_changes(names=names))


def _line_after(code: Code, statement: Statement, line: str) -> TextEdit:
    end = code.end(statement.line)
    indent = code.indent_at(code.start(statement.line))
    match = NEWLINE.search(code.text, end)
    if match is None:
        return TextEdit(len(code.text), len(code.text), f"{code.newline}{indent}{line}")
    return TextEdit(match.end(), match.end(), f"{indent}{line}{code.newline}")


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body
    )


def _same_alias(a: cst.ImportAlias, b: cst.ImportAlias) -> bool:
    return a.evaluated_name == b.evaluated_name and a.evaluated_alias == b.evaluated_alias


def _plain_comma(comma: cst.Comma) -> cst.Comma:
    """The same separator, without any comment it carried."""
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        after = cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(),
            empty_lines=(),
            indent=after.indent,
            last_line=after.last_line,
        )
    return comma.with_changes(whitespace_after=after)


def _appended(
    names: list[cst.ImportAlias], moved: cst.ImportAlias, statement: cst.ImportFrom
) -> list[cst.ImportAlias]:
    """``names`` with ``moved`` added last, separated as the others are."""
    last = names[-1]
    separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if len(names) >= 2 and isinstance(names[-2].comma, cst.Comma):
        separator = _plain_comma(names[-2].comma)
    elif isinstance(last.comma, cst.Comma) and statement.lpar is not None:
        opening = statement.lpar.whitespace_after
        if isinstance(opening, cst.ParenthesizedWhitespace):
            separator = _plain_comma(cst.Comma(whitespace_after=opening))
    if isinstance(last.comma, cst.Comma):
        moved = moved.with_changes(comma=last.comma)
    return [*names[:-1], last.with_changes(comma=separator), moved]
