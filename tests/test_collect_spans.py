"""The span locator gives a node its position in the source, whatever was asked before.

Its fast way (the statement that holds the node, positioned alone and placed among the
source's lines) must agree with the slow way (the whole parsed module positioned, its
lines mapped back through the cut) for every node, asked for in any order.
"""

from __future__ import annotations

import random
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from signallint import sources
from signallint.collect import FactCollector
from signallint.facts import Span
from signallint.slicing import cut
from signallint.walk import walk

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "tests" / "fixtures" / "rules").glob("*.py")) + sorted(
    (ROOT / "examples").rglob("*.py")
)


class _Asked(cst.CSTVisitor):
    """Nodes a fact may need the position of, each with the node to ask it ``within``."""

    def __init__(self) -> None:
        self.found: list[tuple[cst.CSTNode, cst.CSTNode | None]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.found += [(node, None), (node.name, node)]
        self.found += [(param, node) for param in node.params.params]
        self.found += [(decorator, node) for decorator in node.decorators]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.found += [(node, None), (node.name, node)]

    def visit_Call(self, node: cst.Call) -> None:
        self.found += [(node, None), *((arg, node) for arg in node.args)]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_span_is_the_nodes_position_in_the_source(path: Path) -> None:
    text = path.read_text()
    relevant = cut(text, str(path), "shop.module")
    module = sources.parse(relevant.text)
    assert not isinstance(module, sources.Problem), module
    collector = FactCollector(
        str(path), module, "shop", "shop.module", text, relevant.text, relevant.line_map
    )
    lines = relevant.statement_lines
    for index, statement in enumerate(module.body):
        collector.spans.enter_top_level(statement, lines[index] if lines else None)
        walk(statement, collector)
    asked = _Asked()
    module.visit(asked)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    line_map = relevant.line_map or range(1, len(relevant.text.splitlines()) + 2)

    def expected(node: cst.CSTNode) -> Span:
        start, end = positions[node].start, positions[node].end
        return Span(line_map[start.line - 1], start.column, line_map[end.line - 1], end.column)

    random.Random(path.name).shuffle(asked.found)
    for node, within in asked.found:
        assert collector.spans.span(node, within) == expected(node)
