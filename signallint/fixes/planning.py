"""From a fix's action to text edits, worked out on a fresh parse of the file.

The action says what to change and where (spans the collector computed on the same
text); the planner finds the nodes at those spans and returns the smallest text edits
that make the change, so that everything else (formatting, comments, line endings)
stays byte for byte. Nodes are rendered with LibCST only where a list of names or
arguments changes shape. Whenever something is not exactly as expected, the planner
returns None: no fix is better than a wrong one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    Assignment,
    BaseAssignment,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from signallint.facts import Span
from signallint.fixes import (
    Action,
    AddKeywordArgument,
    AddVarKeyword,
    DropProvidingArgs,
    MoveImport,
    RenameImportedName,
    RenameParameter,
    Replace,
)
from signallint.names import dotted_name

_NEWLINE = re.compile(r"\r\n|\r|\n")
_KWARGS_NAMES = ("kwargs", "_kwargs", "extra_kwargs")


@dataclass(frozen=True, slots=True, order=True)
class TextEdit:
    """Replace ``text[start:end]`` with ``new`` (offsets into the decoded text)."""

    start: int
    end: int
    new: str


@dataclass(slots=True)
class _Statement:
    """A simple statement line, with the block it sits in and its index there."""

    line: cst.SimpleStatementLine
    block: Sequence[cst.BaseStatement]
    index: int


@dataclass(slots=True)
class _Structure:
    """What the planners look up by identity: statements, calls, names."""

    statements: list[_Statement] = field(default_factory=list)
    alias_import: dict[cst.ImportAlias, tuple[cst.ImportFrom, _Statement]] = field(
        default_factory=dict
    )
    arg_call: dict[cst.Arg, cst.Call] = field(default_factory=dict)
    function_named: dict[cst.Name, cst.FunctionDef] = field(default_factory=dict)


class _StructureVisitor(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = _Structure()

    def _block(self, body: Sequence[cst.BaseStatement]) -> None:
        for index, statement in enumerate(body):
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            entry = _Statement(statement, body, index)
            self.found.statements.append(entry)
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and isinstance(small.names, Sequence):
                    for alias in small.names:
                        self.found.alias_import[alias] = (small, entry)

    def visit_Module(self, node: cst.Module) -> None:
        self._block(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._block(node.body)

    def visit_Call(self, node: cst.Call) -> None:
        for arg in node.args:
            self.found.arg_call[arg] = node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.found.function_named[node.name] = node


class _NameCollector(cst.CSTVisitor):
    """Every ``Name`` that is a name in the code: not an attribute, not a keyword."""

    def __init__(self) -> None:
        self.names: list[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False


def names_in(node: cst.CSTNode) -> list[cst.Name]:
    collector = _NameCollector()
    node.visit(collector)
    return collector.names


class Planner:
    """Text edits for fix actions on one version of one file's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.module = cst.parse_module(text)
        self.newline = self.module.default_newline
        self._wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        positions = self._wrapper.resolve(PositionProvider)
        self._spans: dict[cst.CSTNode, Span] = {
            node: Span(r.start.line, r.start.column, r.end.line, r.end.column)
            for node, r in positions.items()
        }
        self._by_span: dict[Span, list[cst.CSTNode]] = {}
        for node, span in self._spans.items():
            self._by_span.setdefault(span, []).append(node)
        self._line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        self._structure: _Structure | None = None
        self._scope_map: Mapping[cst.CSTNode, Scope | None] | None = None

    # -- entry point ----------------------------------------------------------------

    def edits(self, action: Action) -> tuple[TextEdit, ...] | None:
        """The edits that carry out ``action``, or None when it cannot be done safely."""
        handlers: dict[type, Callable[[Action], tuple[TextEdit, ...] | None]] = {
            Replace: self._replace,
            AddVarKeyword: self._add_var_keyword,
            RenameParameter: self._rename_parameter,
            RenameImportedName: self._rename_imported_name,
            MoveImport: self._move_import,
            DropProvidingArgs: self._drop_providing_args,
            AddKeywordArgument: self._add_keyword_argument,
        }
        try:
            return handlers[type(action)](action)
        except Exception:  # a shape the planner did not foresee: no fix rather than a crash
            return None

    # -- positions --------------------------------------------------------------------

    def offset(self, line: int, col: int) -> int:
        return self._line_starts[line - 1] + col

    def _start(self, node: cst.CSTNode) -> int:
        span = self._spans[node]
        return self.offset(span.line, span.col)

    def _end(self, node: cst.CSTNode) -> int:
        span = self._spans[node]
        return self.offset(span.end_line, span.end_col)

    def _line_start(self, offset: int) -> int:
        return self._line_starts[bisect.bisect_right(self._line_starts, offset) - 1]

    def _indent_at(self, offset: int) -> str:
        start = self._line_start(offset)
        line = self.text[start:offset]
        return line[: len(line) - len(line.lstrip(" \t\f"))]

    def _at(self, span: Span, kind: type[cst.CSTNode]) -> cst.CSTNode | None:
        found = [n for n in self._by_span.get(span, ()) if isinstance(n, kind)]
        return found[0] if len(found) == 1 else None

    def _structure_of(self) -> _Structure:
        if self._structure is None:
            visitor = _StructureVisitor()
            self.module.visit(visitor)
            self._structure = visitor.found
        return self._structure

    def _code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def _replace_node(self, node: cst.CSTNode, new: cst.CSTNode) -> TextEdit | None:
        """Replace a node's text by the rendering of ``new``, if the node reads as rendered."""
        start, end = self._start(node), self._end(node)
        if self.text[start:end] != self._code(node):
            return None
        return TextEdit(start, end, self._code(new))

    def _element_end(self, element: cst.Param | cst.Arg | cst.ImportAlias) -> int | None:
        """Where an element of a comma-separated list ends, before its comma."""
        bare: cst.CSTNode
        if isinstance(element, cst.Param):
            bare = element.with_changes(
                comma=cst.MaybeSentinel.DEFAULT, whitespace_after_param=cst.SimpleWhitespace("")
            )
        elif isinstance(element, cst.Arg):
            bare = element.with_changes(
                comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace("")
            )
        else:
            bare = element.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        code = self._code(bare)
        start = self._start(element)
        if self.text[start : start + len(code)] != code:
            return None
        return start + len(code)

    def _skip_trivia(self, offset: int) -> int:
        """Skip whitespace, newlines, line continuations and comments (inside brackets)."""
        text = self.text
        while offset < len(text):
            char = text[offset]
            if char in " \t\f\r\n":
                offset += 1
            elif char == "\\" and text[offset + 1 : offset + 2] in ("\n", "\r"):
                offset += 2
            elif char == "#":
                while offset < len(text) and text[offset] not in "\r\n":
                    offset += 1
            else:
                break
        return offset

    def _append(self, last_start: int, last_end: int, item: str, closer: str) -> TextEdit | None:
        """Add ``item`` after the last element of a comma-separated list, in its style.

        Without a trailing comma: ``, item`` right after the element. With one, on a line
        of its own when the closing bracket has a line of its own (``item,`` indented like
        the last element), else `` item,`` after the comma.
        """
        position = self._skip_trivia(last_end)
        if self.text[position : position + 1] == closer:
            return TextEdit(last_end, last_end, f", {item}")
        if self.text[position : position + 1] != ",":
            return None
        after_comma = position + 1
        close = self._skip_trivia(after_comma)
        if self.text[close : close + 1] != closer:
            return None
        between = self.text[after_comma:close]
        line_start = self._line_start(close)
        if ("\n" in between or "\r" in between) and not self.text[line_start:close].strip():
            indent = self._indent_at(last_start)
            return TextEdit(line_start, line_start, f"{indent}{item},{self.newline}")
        return TextEdit(after_comma, after_comma, f" {item},")

    # -- actions ----------------------------------------------------------------------

    def _replace(self, action: Action) -> tuple[TextEdit, ...] | None:
        assert isinstance(action, Replace)
        start = self.offset(action.span.line, action.span.col)
        end = self.offset(action.span.end_line, action.span.end_col)
        if self.text[start:end] != action.old:
            return None
        return (TextEdit(start, end, action.new),)

    def _function_at(self, span: Span) -> cst.FunctionDef | cst.Lambda | None:
        for node in self._by_span.get(span, ()):
            if isinstance(node, cst.Lambda):
                return node
        name = self._at(span, cst.Name)
        if not isinstance(name, cst.Name):
            return None
        return self._structure_of().function_named.get(name)

    def _add_var_keyword(self, action: Action) -> tuple[TextEdit, ...] | None:
        assert isinstance(action, AddVarKeyword)
        function = self._function_at(action.function)
        if function is None:
            return None
        params = function.params
        if params.star_kwarg is not None:
            return None
        taken = {n.value for n in names_in(function.body)} | {
            p.name.value for p in _all_params(params)
        }
        name = next((n for n in _KWARGS_NAMES if n not in taken), None)
        if name is None:
            return None
        item = f"**{name}"
        if isinstance(function, cst.FunctionDef) and _fully_annotated(params):
            item += ": object"
        closer = ":" if isinstance(function, cst.Lambda) else ")"
        elements: list[cst.Param | cst.ParamSlash] = [*params.posonly_params]
        if isinstance(params.posonly_ind, cst.ParamSlash):
            elements.append(params.posonly_ind)
        elements += params.params
        if isinstance(params.star_arg, cst.Param):
            elements.append(params.star_arg)
        elements += params.kwonly_params
        if not elements:
            position = self._start(params)
            before = self.text[position - 1 : position]
            if isinstance(function, cst.Lambda):
                prefix = " " if before.isidentifier() else ""
            elif self.text[self._line_start(position) : position].rstrip(" \t").endswith("("):
                prefix = ""
            else:
                return None
            return (TextEdit(position, position, prefix + item),)
        last = elements[-1]
        start = self._start(last)
        if isinstance(last, cst.ParamSlash):
            if self.text[start : start + 1] != "/":
                return None
            end: int | None = start + 1
        else:
            end = self._element_end(last)
        if end is None:
            return None
        edit = self._append(start, end, item, closer)
        return (edit,) if edit is not None else None

    def _scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        # Scope analysis costs several parses: only renames need it.
        if self._scope_map is None:
            self._scope_map = self._wrapper.resolve(ScopeProvider)
        return self._scope_map

    def _rename_parameter(self, action: Action) -> tuple[TextEdit, ...] | None:
        assert isinstance(action, RenameParameter)
        function = self._function_at(action.function)
        if function is None:
            return None
        params = [p for p in _all_params(function.params) if p.name.value == action.old]
        if len(params) != 1:
            return None
        param = params[0]
        all_names = names_in(function)
        if any(n.value == action.new for n in all_names):
            return None  # the function already uses the new name
        inner: cst.CSTNode = function.body
        if isinstance(inner, cst.IndentedBlock | cst.SimpleStatementSuite):
            inner = inner.body[0]
        scope = self._scopes().get(inner)
        if scope is None:
            return None
        assignments = list(scope.assignments[action.old])
        if len(assignments) != 1 or _assigned_node(assignments[0]) is not param:
            return None  # rebound in the function: not a plain rename
        uses = [access.node for access in assignments[0].references]
        if not all(isinstance(u, cst.Name) and u.value == action.old for u in uses):
            return None  # e.g. a string annotation
        renamed: set[cst.CSTNode] = {param.name, *uses}
        mentioned = {n for n in all_names if n.value == action.old}
        if mentioned != renamed:
            return None  # a nested scope rebinds it, or ``nonlocal``: not ours to rename
        return tuple(sorted(TextEdit(self._start(n), self._end(n), action.new) for n in renamed))

    def _rename_imported_name(self, action: Action) -> tuple[TextEdit, ...] | None:
        assert isinstance(action, RenameImportedName)
        structure = self._structure_of()
        name = self._at(action.name, cst.Name)
        alias = next((a for a in structure.alias_import if a.name is name), None)
        if not isinstance(name, cst.Name) or alias is None or name.value != action.old:
            return None
        edit = TextEdit(self._start(name), self._end(name), action.new)
        if alias.asname is not None:
            return (edit,)  # the module uses its own alias: nothing else to rename
        scopes = {s for s in self._scopes().values() if s is not None}
        module_scope = self._scopes().get(self.module)
        if module_scope is None:
            return None
        assignments = list(module_scope.assignments[action.old])
        statement = structure.alias_import[alias][0]
        if len(assignments) != 1 or _assigned_node(assignments[0]) is not statement:
            return None
        if any(s.assignments[action.old] for s in scopes if s is not module_scope):
            return None  # some function binds the same name: its uses are not the import's
        if any(s.assignments[action.new] for s in scopes):
            return None
        all_names = names_in(self.module)
        if any(n.value == action.new for n in all_names):
            return None
        uses = [access.node for access in assignments[0].references]
        if not all(isinstance(u, cst.Name) and u.value == action.old for u in uses):
            return None
        renamed: set[cst.CSTNode] = {name, *uses}
        if {n for n in all_names if n.value == action.old} != renamed:
            return None
        return tuple(sorted(TextEdit(self._start(n), self._end(n), action.new) for n in renamed))

    def _move_import(self, action: Action) -> tuple[TextEdit, ...] | None:
        assert isinstance(action, MoveImport)
        structure = self._structure_of()
        name = self._at(action.name_span, cst.Name)
        alias = next((a for a in structure.alias_import if a.name is name), None)
        if alias is None:
            return None
        wrong, statement = structure.alias_import[alias]
        if wrong.relative or not isinstance(wrong.names, Sequence):
            return None
        moved = alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        target = self._merge_target(statement, action.module)
        edits: list[TextEdit] = []
        only_name = len(wrong.names) == 1
        if target is not None:
            target_import, _ = target
            assert isinstance(target_import.names, Sequence)
            if not any(_same_alias(a, moved) for a in target_import.names):
                merged = target_import.with_changes(
                    names=_appended(list(target_import.names), moved, target_import)
                )
                merge_edit = self._replace_node(target_import, merged)
                if merge_edit is None:
                    return None
                edits.append(merge_edit)
            removal = self._delete_line(statement) if only_name else self._without(wrong, alias)
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
                return (TextEdit(self._start(module), self._end(module), action.module),)
            removal = self._without(wrong, alias)
            if removal is None:
                return None
            line = f"from {action.module} import {self._code(moved)}"
            edits += [removal, self._line_after(statement, line)]
        return tuple(sorted(edits))

    def _merge_target(
        self, statement: _Statement, module: str
    ) -> tuple[cst.ImportFrom, _Statement] | None:
        """A ``from module import ...`` in the same block, separated only by imports."""
        for entry in self._structure_of().statements:
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

    def _delete_line(self, statement: _Statement) -> TextEdit | None:
        """Delete a one-statement line that carries no comment."""
        line = statement.line
        if len(line.body) != 1 or line.trailing_whitespace.comment is not None:
            return None
        if "#" in self._code(line.body[0]):
            return None
        start = self._start(line)
        if self.text[self._line_start(start) : start].strip():
            return None
        end = self._end(line)
        match = _NEWLINE.search(self.text, end)
        if match is None or self.text[end : match.start()].strip():
            return None
        return TextEdit(self._line_start(start), match.end(), "")

    def _without(self, statement: cst.ImportFrom, alias: cst.ImportAlias) -> TextEdit | None:
        """Remove one name from a ``from ... import`` that keeps others."""
        assert isinstance(statement.names, Sequence)
        if "#" in self._code(statement):
            return None
        names = list(statement.names)
        index = names.index(alias)
        del names[index]
        if index == len(names) and names:
            names[-1] = names[-1].with_changes(comma=alias.comma)
        return self._replace_node(statement, statement.with_changes(names=names))

    def _line_after(self, statement: _Statement, code: str) -> TextEdit:
        end = self._end(statement.line)
        indent = self._indent_at(self._start(statement.line))
        match = _NEWLINE.search(self.text, end)
        if match is None:
            return TextEdit(len(self.text), len(self.text), f"{self.newline}{indent}{code}")
        return TextEdit(match.end(), match.end(), f"{indent}{code}{self.newline}")

    def _drop_providing_args(self, action: Action) -> tuple[TextEdit, ...] | None:
        assert isinstance(action, DropProvidingArgs)
        arg = self._at(action.argument, cst.Arg)
        if not isinstance(arg, cst.Arg):
            return None
        call = self._structure_of().arg_call.get(arg)
        if call is None or arg.keyword is None or arg.keyword.value != "providing_args":
            return None
        names = _literal_strings(arg.value)
        if names is None or "#" in self._code(call):
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
        replaced = self._replace_node(call, new_call)
        if replaced is None:
            return None
        if not names:
            return (replaced,)
        comment = f"# providing_args: {', '.join(names)}"
        statement = self._statement_around(call)
        if statement is None:
            return None
        line = statement.line
        if line.trailing_whitespace.comment is None:
            end = self._end(line)
            return (replaced, TextEdit(end, end, f"  {comment}"))
        start = self._start(line)
        line_start = self._line_start(start)
        if self.text[line_start:start].strip():
            return None
        above = f"{self._indent_at(start)}{comment}{self.newline}"
        return (TextEdit(line_start, line_start, above), replaced)

    def _statement_around(self, node: cst.CSTNode) -> _Statement | None:
        start, end = self._start(node), self._end(node)
        around = [
            entry
            for entry in self._structure_of().statements
            if self._start(entry.line) <= start and end <= self._end(entry.line)
        ]
        return max(around, key=lambda e: self._start(e.line), default=None)

    def _add_keyword_argument(self, action: Action) -> tuple[TextEdit, ...] | None:
        assert isinstance(action, AddKeywordArgument)
        node = self._at(action.call, cst.Call)
        if node is None:
            decorator = self._at(action.call, cst.Decorator)
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
            return (TextEdit(self._start(value), self._end(value), action.value),)
        last = args[-1]
        end = self._element_end(last)
        if end is None:
            return None
        edit = self._append(self._start(last), end, f"{action.keyword}={action.value}", ")")
        return (edit,) if edit is not None else None


def _assigned_node(assignment: BaseAssignment) -> cst.CSTNode | None:
    return assignment.node if isinstance(assignment, Assignment) else None


def _all_params(params: cst.Parameters) -> Iterator[cst.Param]:
    yield from params.posonly_params
    yield from params.params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    yield from params.kwonly_params
    if params.star_kwarg is not None:
        yield params.star_kwarg


def _fully_annotated(params: cst.Parameters) -> bool:
    """Every parameter annotated (``self``/``cls`` first may be bare)."""
    found = list(_all_params(params))
    if found and found[0].annotation is None and found[0].name.value in ("self", "cls"):
        found = found[1:]
    return bool(found) and all(p.annotation is not None for p in found)


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
