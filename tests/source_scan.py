"""Reading a package's source with ``ast``, for the tests that verify a catalogue against
the code that defines and sends the signals (Django's, and the third-party packages').

Independent of signallint's own collector on purpose: the catalogue is checked against
a second, simpler reading of the source.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

Function = ast.FunctionDef | ast.AsyncFunctionDef


def chain(expr: ast.expr) -> list[str] | None:
    """``a.b.c`` -> ["a", "b", "c"]; None for anything else."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name):
        parts.append(expr.id)
        return parts[::-1]
    return None


def signal_factory(value: ast.expr) -> str | None:
    """ "Signal" or "ModelSignal" when ``value`` calls one of them."""
    if not isinstance(value, ast.Call):
        return None
    called = chain(value.func)
    if called and called[-1] in ("Signal", "ModelSignal"):
        return called[-1]
    return None


@dataclass
class SourceModule:
    name: str
    path: Path
    text: str
    is_package: bool

    @cached_property
    def tree(self) -> ast.Module:
        return ast.parse(self.text, str(self.path))

    @cached_property
    def parents(self) -> dict[ast.AST, ast.AST]:
        found: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                found[child] = parent
        return found

    @cached_property
    def imports(self) -> dict[Function | None, dict[str, str]]:
        """Function (None: module level) -> local name -> the qualified name an import
        statement directly in that scope binds it to."""
        scopes: dict[Function | None, dict[str, str]] = {}
        package = self.name if self.is_package else self.name.rpartition(".")[0]
        for node in ast.walk(self.tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            bound = scopes.setdefault(self.enclosing_function(node), {})
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = parts[: len(parts) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    bound[alias.asname or alias.name] = f"{source}.{alias.name}"
            else:
                for alias in node.names:
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        bound[top] = top
        return scopes

    @cached_property
    def module_level_names(self) -> set[str]:
        names: set[str] = set()
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        return names

    def qualify(self, expr: ast.expr) -> str | None:
        """The qualified name ``expr`` refers to, through the imports in scope where it is."""
        parts = chain(expr)
        if parts is None:
            return None
        head, rest = parts[0], parts[1:]
        function = self.enclosing_function(expr)
        while function is not None:
            if head in self.imports.get(function, {}):
                return ".".join([self.imports[function][head], *rest])
            function = self.enclosing_function(function)
        if head in self.imports.get(None, {}):
            return ".".join([self.imports[None][head], *rest])
        if head in self.module_level_names:
            return ".".join([self.name, head, *rest])
        return None

    def module_import(self, name: str) -> str | None:
        """What ``from <this module> import name`` gets, when it is a module-level import."""
        return self.imports.get(None, {}).get(name)

    def enclosing_function(self, node: ast.AST) -> Function | None:
        current = self.parents.get(node)
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return current
            current = self.parents.get(current)
        return None

    def where(self, node: ast.expr | ast.stmt) -> str:
        return f"{self.name}:{node.lineno}"


class SourceTree:
    """The ``.py`` files of one installed top-level package, by dotted module name.

    ``skip`` receives a file's module path parts (``["django", "conf", "settings"]``)
    and leaves out what it returns True for (templates, tests)."""

    def __init__(self, root: Path, skip: Callable[[list[str]], bool]) -> None:
        self.modules: dict[str, SourceModule] = {}
        for path in sorted(root.rglob("*.py")):
            parts = list(path.relative_to(root.parent).with_suffix("").parts)
            if skip(parts):
                continue
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            name = ".".join(parts)
            self.modules[name] = SourceModule(name, path, path.read_text("utf-8"), is_package)

    def containing(self, *words: str) -> Iterator[SourceModule]:
        """Modules whose text contains one of ``words`` (parsing every file is slow)."""
        for module in self.modules.values():
            if any(word in module.text for word in words):
                yield module

    @cached_property
    def signal_definitions(self) -> dict[str, str]:
        """Qualified name -> "Signal" or "ModelSignal", for module-level assignments."""
        found: dict[str, str] = {}
        for module in self.containing("Signal("):
            for node in module.tree.body:
                if isinstance(node, ast.Assign):
                    targets, value = node.targets, node.value
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    targets, value = [node.target], node.value
                else:
                    continue
                factory = signal_factory(value)
                if factory is None:
                    continue
                for target in targets:
                    assert isinstance(target, ast.Name), ast.dump(target)
                    found[f"{module.name}.{target.id}"] = factory
        return found

    def canonical(self, qualified: str, depth: int = 0) -> str:
        """Follow imports until reaching the module that defines the name."""
        if qualified in self.signal_definitions or depth > 20:
            return qualified
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module_name = ".".join(parts[:cut])
            if module_name not in self.modules:
                continue
            rest = parts[cut:]
            if len(rest) > 1 and ".".join(parts[: cut + 1]) in self.modules:
                continue  # a submodule: look there
            target = self.modules[module_name].module_import(rest[0])
            if target is None:
                return qualified
            return self.canonical(".".join([target, *rest[1:]]), depth + 1)
        return qualified

    def calls_to(self, qualified_function: str) -> Iterator[tuple[SourceModule, ast.Call]]:
        for module in self.containing(qualified_function.rpartition(".")[2]):
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Call):
                    target = module.qualify(node.func)
                    if target is not None and self.canonical(target) == qualified_function:
                        yield module, node
