"""The collector's walk calls a visitor exactly as LibCST's own ``visit`` does."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import libcst as cst
import pytest

from signallint import walk as walk_module
from signallint.walk import walk

ROOT = Path(__file__).resolve().parent.parent


class Recorder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str, int]] = []

    def _record(self, event: str, node: cst.CSTNode) -> None:
        self.events.append((event, type(node).__name__, id(node)))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._record("visit", node)

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._record("visit body of", node)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._record("leave body of", node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._record("leave", original_node)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._record("visit", node)
        return not node.name.value.startswith("Skip")

    def visit_Call(self, node: cst.Call) -> None:
        self._record("visit", node)

    def visit_Name(self, node: cst.Name) -> None:
        self._record("visit", node)

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        self._record("visit body of", node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._record("visit", node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._record("visit", node)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self._record("leave", original_node)


SOURCES = sorted((ROOT / "tests" / "fixtures" / "rules").glob("*.py")) + sorted(
    (ROOT / "signallint").glob("*.py")
)
EXTRA = """
class SkipMe:
    def hidden(self): call()
@decorator(arg)
async def f(a, /, b: int = g(), *c, d=lambda x: x + h(), **e) -> r():
    return [y for y in k() if y], {z: w for z, w in m()}, (await n() async for q in o())
x = f"{p()!r:>{width()}}" ; del x
match command:
    case Point(x=0, y=s()) if guard(): pass
type Alias[T] = list[T]
"""


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_walk_matches_libcst_visit_on_real_files(path: Path) -> None:
    module = cst.parse_module(path.read_text())
    assert_same_events(module)


def test_walk_matches_libcst_visit_on_tricky_syntax() -> None:
    assert_same_events(cst.parse_module(EXTRA))


def assert_same_events(module: cst.Module) -> None:
    by_libcst, by_walk = Recorder(), Recorder()
    module.visit(by_libcst)
    walk(module, by_walk)
    assert by_walk.events == by_libcst.events
    assert by_walk.events


def node_types() -> list[type[cst.CSTNode]]:
    found: list[type[cst.CSTNode]] = []
    stack: list[type[cst.CSTNode]] = [cst.CSTNode]
    while stack:
        for subclass in stack.pop().__subclasses__():
            if subclass not in found:
                found.append(subclass)
                stack.append(subclass)
    return [t for t in found if not inspect.isabstract(t) and dataclasses.is_dataclass(t)]


def test_child_fields_are_those_libcsts_source_visits_in_order() -> None:
    """The walk reads each node type's child fields from the code of its
    ``_visit_and_replace_children``; its source names the same fields in the same order."""
    helper_call = re.compile(r"\bvisit_[a-z_]+\(\s*self,\s*\"(\w+)\"")
    types = node_types()
    assert len(types) > 200
    for node_type in types:
        source = inspect.getsource(node_type._visit_and_replace_children)
        expected = tuple(dict.fromkeys(helper_call.findall(source)))
        assert walk_module._child_fields(node_type) == expected, node_type.__name__
