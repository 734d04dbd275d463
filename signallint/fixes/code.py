"""One version of one file's text, parsed, with what every planner looks up in it.

Spans from the facts name nodes by position; :class:`Code` finds the nodes at them, maps
nodes back to offsets in the text, and holds the text helpers several planners share
(the end of a list element, adding one to a list in its style, replacing a node by its
rendering). Whatever is dearer than a parse (the file's statements, its scopes) is
worked out on first use.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
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

NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True, order=True)
class TextEdit:
    """Replace ``text[start:end]`` with ``new`` (offsets into the decoded text)."""

    start: int
    end: int
    new: str


@dataclass(slots=True)
class Statement:
    """A simple statement line, with the block it sits in and its index there."""

    line: cst.SimpleStatementLine
    block: Sequence[cst.BaseStatement]
    index: int


@dataclass(slots=True)
class Structure:
    """What the planners look up by identity: statements, calls, names."""

    statements: list[Statement] = field(default_factory=list)
    alias_import: dict[cst.ImportAlias, tuple[cst.ImportFrom, Statement]] = field(
        default_factory=dict
    )
    arg_call: dict[cst.Arg, cst.Call] = field(default_factory=dict)
    function_named: dict[cst.Name, cst.FunctionDef] = field(default_factory=dict)


class _StructureVisitor(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = Structure()

    def _block(self, body: Sequence[cst.BaseStatement]) -> None:
        for index, statement in enumerate(body):
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            entry = Statement(statement, body, index)
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


class Code:
    """One version of one file's text and its parse, looked up by the planners."""

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
        self._line_starts = [0, *(m.end() for m in NEWLINE.finditer(text))]
        self._structure: Structure | None = None
        self._scope_map: Mapping[cst.CSTNode, Scope | None] | None = None

    # -- positions --------------------------------------------------------------------

    def offset(self, line: int, col: int) -> int:
        return self._line_starts[line - 1] + col

    def start(self, node: cst.CSTNode) -> int:
        span = self._spans[node]
        return self.offset(span.line, span.col)

    def end(self, node: cst.CSTNode) -> int:
        span = self._spans[node]
        return self.offset(span.end_line, span.end_col)

    def line_start(self, offset: int) -> int:
        return self._line_starts[bisect.bisect_right(self._line_starts, offset) - 1]

    def indent_at(self, offset: int) -> str:
        start = self.line_start(offset)
        line = self.text[start:offset]
        return line[: len(line) - len(line.lstrip(" \t\f"))]

    # -- lookups ----------------------------------------------------------------------

    def at(self, span: Span, kind: type[cst.CSTNode]) -> cst.CSTNode | None:
        found = [n for n in self._by_span.get(span, ()) if isinstance(n, kind)]
        return found[0] if len(found) == 1 else None

    def structure(self) -> Structure:
        if self._structure is None:
            visitor = _StructureVisitor()
            self.module.visit(visitor)
            self._structure = visitor.found
        return self._structure

    def function_at(self, span: Span) -> cst.FunctionDef | cst.Lambda | None:
        for node in self._by_span.get(span, ()):
            if isinstance(node, cst.Lambda):
                return node
        name = self.at(span, cst.Name)
        if not isinstance(name, cst.Name):
            return None
        return self.structure().function_named.get(name)

    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        # Scope analysis costs several parses: only renames need it.
        if self._scope_map is None:
            self._scope_map = self._wrapper.resolve(ScopeProvider)
        return self._scope_map

    # -- text helpers -----------------------------------------------------------------

    def rendered(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def replace_node(self, node: cst.CSTNode, new: cst.CSTNode) -> TextEdit | None:
        """Replace a node's text by the rendering of ``new``, if the node reads as rendered."""
        start, end = self.start(node), self.end(node)
        if self.text[start:end] != self.rendered(node):
            return None
        return TextEdit(start, end, self.rendered(new))

    def element_end(self, element: cst.Param | cst.Arg | cst.ImportAlias) -> int | None:
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
        code = self.rendered(bare)
        start = self.start(element)
        if self.text[start : start + len(code)] != code:
            return None
        return start + len(code)

    def skip_trivia(self, offset: int) -> int:
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

    def append(self, last_start: int, last_end: int, item: str, closer: str) -> TextEdit | None:
        """Add ``item`` after the last element of a comma-separated list, in its style.

        Without a trailing comma: ``, item`` right after the element. With one, on a line
        of its own when the closing bracket has a line of its own (``item,`` indented like
        the last element), else `` item,`` after the comma.
        """
        position = self.skip_trivia(last_end)
        if self.text[position : position + 1] == closer:
            return TextEdit(last_end, last_end, f", {item}")
        if self.text[position : position + 1] != ",":
            return None
        after_comma = position + 1
        close = self.skip_trivia(after_comma)
        if self.text[close : close + 1] != closer:
            return None
        between = self.text[after_comma:close]
        line_start = self.line_start(close)
        if ("\n" in between or "\r" in between) and not self.text[line_start:close].strip():
            indent = self.indent_at(last_start)
            return TextEdit(line_start, line_start, f"{indent}{item},{self.newline}")
        return TextEdit(after_comma, after_comma, f" {item},")


def assigned_node(assignment: BaseAssignment) -> cst.CSTNode | None:
    return assignment.node if isinstance(assignment, Assignment) else None


def all_params(params: cst.Parameters) -> Iterator[cst.Param]:
    yield from params.posonly_params
    yield from params.params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    yield from params.kwonly_params
    if params.star_kwarg is not None:
        yield params.star_kwarg
