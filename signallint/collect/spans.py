"""Where nodes stand in the source, computed only for the statements that need them.

The walk tells the locator which statement it is in and which nodes may need a
position; ``span`` then gives a node's position, asked for by itself or with the
remembered node that holds it. The module may have been parsed from a cut of the
source (see :mod:`signallint.slicing`): positions are moved back to the source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from signallint.facts import Span


@dataclass(frozen=True, slots=True)
class _PlacedStatement:
    """Positions computed for one statement alone, and how to move them into the file."""

    positions: Mapping[cst.CSTNode, CodeRange]
    line_shift: int
    column_shifts: list[int]

    def span(self, code_range: CodeRange) -> Span:
        start, end = code_range.start, code_range.end
        return Span(
            start.line + self.line_shift,
            start.column + self._column_shift(start.line),
            end.line + self.line_shift,
            end.column + self._column_shift(end.line),
        )

    def _column_shift(self, line: int) -> int:
        return self.column_shifts[line - 1] if line <= len(self.column_shifts) else 0


class SpanLocator:
    """Positions of a module's nodes in the source it was parsed from (or cut from).

    During the walk: ``enter_top_level`` for each statement of the module, ``enter`` and
    ``leave`` for the statements inside it, ``remember`` for each node that may need a
    position. Afterwards, ``span(node)`` for a remembered node, ``span(node, within)``
    for a node inside the remembered node ``within``; any other node still gets its
    position, only at the cost of positioning the whole module.
    """

    def __init__(
        self,
        module: cst.Module,
        source: str | None = None,
        parsed_source: str | None = None,
        line_map: Sequence[int] | None = None,
    ):
        self.module = module
        # The text the module was parsed from: the source, or the source with the
        # statements that cannot matter left out (see signallint.slicing).
        self._parsed_source = parsed_source if parsed_source is not None else source
        # For each line of the parsed text, the line of the source it is.
        self._line_map = line_map
        # The top-level statement being visited, the lines it may stand on, and the
        # innermost statement each remembered node is in, with its top-level statement:
        # positions are computed for those statements only (see ``span``).
        self.top_level: cst.CSTNode = module
        self.top_level_lines: tuple[int, int] | None = None
        self._statement_of: dict[cst.CSTNode, cst.CSTNode] = {}
        # For each such statement: the defs and classes around it, innermost first,
        # then its top-level statement, and the lines that one may stand on.
        self._context_of: dict[
            cst.CSTNode, tuple[tuple[cst.CSTNode, ...], tuple[int, int] | None]
        ] = {}
        self._statement_positions: dict[tuple[cst.CSTNode, bool], _PlacedStatement | None] = {}
        self._lines: list[str] | None = None
        self._statements: list[cst.CSTNode] = []
        self._positions: Mapping[cst.CSTNode, CodeRange] | None = None

    # -- the walk -----------------------------------------------------------------

    def enter_top_level(self, statement: cst.CSTNode, lines: tuple[int, int] | None) -> None:
        self.top_level = statement
        self.top_level_lines = lines

    def enter(self, statement: cst.CSTNode) -> None:
        """The walk is now in ``statement`` (a simple statement line, a def or a class)."""
        self._statements.append(statement)

    def leave(self) -> None:
        self._statements.pop()

    @property
    def in_module_body(self) -> bool:
        """Whether the statement the walk is in is one of the module's own (not one in
        the block of an ``if``, ``try``, ``with`` or ``for``)."""
        return bool(self._statements) and self._statements[-1] is self.top_level

    def remember(self, node: cst.CSTNode) -> None:
        """``node`` may need a position: it will be computed in the innermost statement."""
        self._remember(node, self._statements[-1] if self._statements else self.top_level)

    def remember_in_top_level(self, node: cst.CSTNode) -> None:
        """``node`` may need a position: it will be computed in the top-level statement."""
        self._remember(node, self.top_level)

    def _remember(self, node: cst.CSTNode, statement: cst.CSTNode) -> None:
        self._statement_of[node] = statement
        if statement not in self._context_of:
            # A def or class is positioned by its header first; a node of its body (in
            # the header of a ``for`` or ``with``) needs the whole of it.
            around: list[cst.CSTNode] = [
                outer
                for outer in reversed(self._statements)
                if isinstance(outer, (cst.FunctionDef, cst.ClassDef))
            ]
            if self.top_level is not statement and self.top_level not in around:
                around.append(self.top_level)
            self._context_of[statement] = (tuple(around), self.top_level_lines)

    def remember_in_body(self, statement: cst.BaseStatement, function: cst.FunctionDef) -> None:
        """``statement``, in the body of the remembered ``function`` (at any depth), may
        be ``within`` for ``span``: it is positioned alone, then in the def around it."""
        self._statement_of.setdefault(statement, statement)
        if function in self._context_of:
            around, lines = self._context_of[function]
            self._context_of.setdefault(statement, ((function, *around), lines))

    # -- positions ----------------------------------------------------------------

    def span(self, node: cst.CSTNode, within: cst.CSTNode | None = None) -> Span:
        """The position of ``node``, which is ``within`` or inside it (``within`` a
        remembered node; when None, ``node`` is one).

        Resolving positions for a whole module costs several times its parse, and most
        modules need a handful. So positions are resolved for the innermost statement
        that holds the node (a simple statement, a ``def`` or a ``class``), wrapped in a
        module of its own, then moved to where that statement's text stands in the
        source, looked for among the lines of its top-level statement. When the text
        stands there several times, the def or class around it is positioned whole,
        then the next one out; the whole module only when nothing can be placed.
        """
        anchor = self._statement_of.get(node if within is None else within, self.module)
        around, lines = self._context_of.get(anchor, ((), None))
        placed = self._placed(anchor, lines)
        code_range = placed.positions.get(node) if placed is not None else None
        for outer in around:
            if code_range is not None:
                break
            placed = self._placed(outer, lines, whole=True)
            code_range = placed.positions.get(node) if placed is not None else None
        if placed is None or code_range is None:
            if self._positions is None:
                wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
                self._positions = wrapper.resolve(PositionProvider)
            code_range = self._positions[node]
            start, end = code_range.start, code_range.end
            return self._in_source(Span(start.line, start.column, end.line, end.column))
        return self._in_source(placed.span(code_range))

    def _in_source(self, span: Span) -> Span:
        """A span of the parsed text as a span of the source."""
        if self._line_map is None:
            return span
        return Span(
            self._source_line(span.line), span.col, self._source_line(span.end_line), span.end_col
        )

    def _source_line(self, line: int) -> int:
        lines = self._line_map
        assert lines is not None
        if line <= len(lines):
            return lines[line - 1]
        return lines[-1] + line - len(lines) if lines else line

    def _placed(
        self, statement: cst.CSTNode, lines: tuple[int, int] | None, whole: bool = False
    ) -> _PlacedStatement | None:
        if statement is self.module or self._parsed_source is None:
            return None
        key = (statement, whole)
        if key not in self._statement_positions:
            self._statement_positions[key] = self._place(statement, lines, whole)
        return self._statement_positions[key]

    def _place(
        self, statement: cst.CSTNode, lines: tuple[int, int] | None, whole: bool
    ) -> _PlacedStatement | None:
        assert isinstance(statement, cst.BaseStatement)
        header_only = (
            not whole
            and isinstance(statement, (cst.FunctionDef, cst.ClassDef))
            and isinstance(statement.body, cst.IndentedBlock)
        )
        if header_only:
            # Facts anchored on a def or class need its header (decorators, name,
            # parameters, bases), never its body: position a stand-in with a one-line
            # body, built from the very same header nodes.
            assert isinstance(statement, (cst.FunctionDef, cst.ClassDef))
            assert isinstance(statement.body, cst.IndentedBlock)
            stub_body = statement.body.with_changes(body=[_ELLIPSIS_LINE])
            statement = statement.with_changes(body=stub_body)
        # Blank and comment lines above a statement are its own in LibCST; leaving them
        # out makes its first line one that can only match where the statement starts.
        statement = statement.with_changes(leading_lines=())
        code, positions = _code_and_positions(statement, self.module)
        code_lines = _LINE_BREAK.split(code)
        if code_lines and code_lines[-1] == "":
            code_lines.pop()
        if header_only:
            code_lines.pop()  # the stand-in body
        source_lines = self._source_lines()
        low, high = lines if lines is not None else (1, len(source_lines))
        first = _unique_placement(source_lines, code_lines, low - 1, high)
        if first is None:
            return None
        # A nested statement's code lacks its enclosing blocks' indentation: each of its
        # lines is a suffix of the source line, and the difference is the column shift.
        column_shifts = [
            len(source_lines[first + i]) - len(code_line) for i, code_line in enumerate(code_lines)
        ]
        return _PlacedStatement(positions, first, column_shifts)

    def _source_lines(self) -> list[str]:
        if self._lines is None:
            assert self._parsed_source is not None
            self._lines = _LINE_BREAK.split(self._parsed_source)
        return self._lines


class _PositionSink:
    """Where LibCST's position-recording code generator writes (as its provider)."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


def _code_and_positions(
    statement: cst.BaseStatement, module: cst.Module
) -> tuple[str, Mapping[cst.CSTNode, CodeRange]]:
    """A statement's code and its nodes' positions in it, from one code generation.

    ``PositionProvider`` through a ``MetadataWrapper`` generates the code of a module
    made of the statement, after a visitor pass of its own, and ``code_for_node`` would
    generate it again: driving the provider's code generator directly does it once.
    If LibCST's internals ever change shape, the public way still works."""
    try:
        from libcst.metadata.position_provider import PositionProvidingCodegenState

        sink = _PositionSink()
        state = PositionProvidingCodegenState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            provider=cast(Any, sink),
        )
        statement._codegen(state)
        return "".join(state.tokens), sink._computed
    except Exception:
        alone = module.with_changes(body=[statement], header=[], footer=[])
        positions = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
        return module.code_for_node(statement), positions


def _unique_placement(
    source_lines: list[str], code_lines: list[str], start: int = 0, stop: int | None = None
) -> int | None:
    """The one source line (an index from ``start`` to ``stop``) where ``code_lines``
    stand, each line after nothing but indentation; None when they stand nowhere there or
    in several places."""
    if not code_lines:
        return None
    stop = len(source_lines) if stop is None else min(stop, len(source_lines))
    head, found = code_lines[0], None
    for index in range(max(start, 0), stop - len(code_lines) + 1):
        if not _ends_indented(source_lines[index], head):
            continue
        if all(
            _ends_indented(source_lines[index + i], code_line)
            for i, code_line in enumerate(code_lines)
        ):
            if found is not None:
                return None
            found = index
    return found


def _ends_indented(line: str, text: str) -> bool:
    return line.endswith(text) and not line[: len(line) - len(text)].strip(" \t\f")


_ELLIPSIS_LINE = cst.SimpleStatementLine([cst.Expr(cst.Ellipsis())])
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
