"""The directories a module puts on ``sys.path`` when it runs, read from its text.

A project that adds a directory to ``sys.path`` (``sys.path.insert(0, str(BASE_DIR /
"apps"))`` in settings, ``sys.path.append(...)`` in ``manage.py`` or ``wsgi.py``) makes
the packages below it importable under a second, shorter name. Which directory it adds
is nearly always computed from ``__file__``, so it can be known without running
anything: this module evaluates the few path expressions projects write, with ``ast``,
in the module's own body (and an ``if __name__ == "__main__":`` block), following
module-level names assigned before the call (``BASE_DIR = Path(__file__).parent``).
Anything else it meets (a name imported from another module, an environment variable,
``os.getcwd()``) makes that entry unknown, and an unknown entry is left out.

Results are relative to the module's own directory, ``/``-separated (``..``,
``../apps``), so that facts stay true wherever the project is checked out; an absolute
string literal stays absolute.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass

# The calls without which a module cannot add to sys.path: other files are not parsed.
MARKERS = (b"sys.path", b"addsitedir")
_CHANGE = re.compile(rb"sys\.path\s*(?:\.\s*(?:insert|append|extend)\s*\(|\+=)|addsitedir\s*\(")


@dataclass(frozen=True)
class _File:
    """``__file__``: the module itself."""


@dataclass(frozen=True)
class _Directory:
    """A directory: absolute, or relative to the module's own directory (``..``)."""

    path: str

    def joined(self, *parts: str) -> _Directory:
        return _Directory(posixpath.normpath(posixpath.join(self.path, *parts)))

    def parent(self) -> _Directory:
        if posixpath.isabs(self.path):
            return _Directory(posixpath.dirname(self.path))
        return self.joined("..")


_Value = _File | _Directory | str
_HERE = _Directory(".")
_IDENTITY_CALLS = frozenset(
    {"abspath", "realpath", "normpath", "Path", "PurePath", "PosixPath", "str", "fspath"}
)
_IDENTITY_METHODS = frozenset({"resolve", "absolute", "expanduser"})


def scan(data: bytes) -> tuple[str, ...]:
    """The directories ``data`` adds to ``sys.path`` at module level, when known."""
    if not any(marker in data for marker in MARKERS) or _CHANGE.search(data) is None:
        return ()
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return ()
    reader = _Reader()
    reader.run(tree.body)
    return tuple(dict.fromkeys(reader.added))


class _Reader:
    def __init__(self) -> None:
        self.names: dict[str, _Value] = {}
        self.added: list[str] = []

    def run(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, ast.Assign):
                value = self.value(statement.value)
                for target in statement.targets:
                    self.bind(target, value)
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                self.bind(statement.target, self.value(statement.value))
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                self.call(statement.value)
            elif isinstance(statement, ast.AugAssign):
                if _is_sys_path(statement.target) and isinstance(statement.op, ast.Add):
                    self.add_all(statement.value)
                elif isinstance(statement.target, ast.Name):
                    self.names.pop(statement.target.id, None)
            elif isinstance(statement, (ast.With, ast.Try)) or (
                isinstance(statement, ast.If) and _is_main_guard(statement.test)
            ):
                self.run(statement.body)
            else:
                # A def, class or block that may rebind names: forget what it binds.
                for node in ast.walk(statement):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        self.names.pop(node.id, None)

    def bind(self, target: ast.expr, value: _Value | None) -> None:
        if isinstance(target, ast.Name):
            if value is None:
                self.names.pop(target.id, None)
            else:
                self.names[target.id] = value
        else:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    self.names.pop(node.id, None)

    def call(self, call: ast.Call) -> None:
        function = call.func
        if not isinstance(function, ast.Attribute):
            return
        if _is_sys_path(function.value):
            if function.attr == "insert" and len(call.args) == 2:
                self.add(call.args[1])
            elif function.attr == "append" and len(call.args) == 1:
                self.add(call.args[0])
            elif function.attr == "extend" and len(call.args) == 1:
                self.add_all(call.args[0])
        elif function.attr == "addsitedir" and len(call.args) >= 1:
            self.add(call.args[0])

    def add_all(self, node: ast.expr) -> None:
        if isinstance(node, (ast.List, ast.Tuple)):
            for element in node.elts:
                self.add(element)

    def add(self, node: ast.expr) -> None:
        value = self.value(node)
        if isinstance(value, str) and posixpath.isabs(value):
            value = _Directory(posixpath.normpath(value))
        if isinstance(value, _Directory):
            self.added.append(value.path)

    def value(self, node: ast.expr) -> _Value | None:
        """What an expression is, when it is a path this module can know."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return _File()
            return self.names.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left, right = self.value(node.left), self.value(node.right)
            return _join(left, [right])
        if isinstance(node, ast.Attribute):
            if node.attr == "parent":
                return _parent(self.value(node.value))
            if node.attr in ("pardir", "curdir") and _dotted(node.value) in ("os", "os.path"):
                return ".." if node.attr == "pardir" else "."
            return None
        if isinstance(node, ast.Subscript):
            # ``Path(__file__).parents[1]``
            base = node.value
            if (
                isinstance(base, ast.Attribute)
                and base.attr == "parents"
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, int)
                and not isinstance(node.slice.value, bool)
                and node.slice.value >= 0
            ):
                value = self.value(base.value)
                for _ in range(node.slice.value + 1):
                    value = _parent(value)
                return value
            return None
        if isinstance(node, ast.Call):
            return self.call_value(node)
        return None

    def call_value(self, call: ast.Call) -> _Value | None:
        function = call.func
        name = (
            function.attr
            if isinstance(function, ast.Attribute)
            else function.id
            if isinstance(function, ast.Name)
            else None
        )
        arguments = [self.value(argument) for argument in call.args]
        if call.keywords and name not in _IDENTITY_METHODS:
            return None
        if isinstance(function, ast.Attribute) and name in _IDENTITY_METHODS and not call.args:
            return self.value(function.value)
        if name in _IDENTITY_CALLS and len(arguments) == 1:
            return arguments[0]
        if name == "dirname" and len(arguments) == 1:
            return _parent(arguments[0])
        if name == "join" and arguments:
            return _join(arguments[0], arguments[1:])
        if name == "joinpath" and isinstance(function, ast.Attribute):
            return _join(self.value(function.value), arguments)
        return None


def _join(base: _Value | None, parts: list[_Value | None]) -> _Value | None:
    if isinstance(base, str) and posixpath.isabs(base):
        base = _Directory(posixpath.normpath(base))
    if not isinstance(base, _Directory) or not all(isinstance(p, str) for p in parts):
        return None
    texts = [p for p in parts if isinstance(p, str)]
    if any(posixpath.isabs(text) or "\\" in text for text in texts):
        return None
    return base.joined(*texts)


def _parent(value: _Value | None) -> _Value | None:
    if isinstance(value, str) and posixpath.isabs(value):
        value = _Directory(posixpath.normpath(value))
    if isinstance(value, _File):
        return _HERE
    if isinstance(value, _Directory):
        return value.parent()
    return None


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _is_sys_path(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )
