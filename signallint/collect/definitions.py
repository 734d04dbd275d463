"""The module's own defs and classes, by dotted path, as the walk meets them.

Shared by the signal and wiring visitors: where a node is (the def or class around
it), what a def is called in its module, and which of the module's classes a name
refers to (on top of the imports :class:`~signallint.names.ScopeBuilder` resolves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from signallint.names import BindingKind, Scope, ScopeBuilder, ScopeKind, dotted_name


@dataclass(slots=True)
class FunctionSite:
    node: cst.FunctionDef | cst.Lambda
    qualname: str
    class_name: str | None
    nested: bool


class Definitions:
    """Every def and class of a module with its dotted path in the module, and the
    scopes of ``scopes`` (valid for resolution once the walk is over)."""

    def __init__(self, scopes: ScopeBuilder, module_name: str | None):
        self.scopes = scopes
        self.module_name = module_name
        self.functions: dict[cst.CSTNode, FunctionSite] = {}
        self.classes: list[tuple[cst.ClassDef, str]] = []
        self._names_stack: list[str] = []

    # -- the walk -----------------------------------------------------------------

    def enter_function(self, node: cst.FunctionDef, enclosing: Scope) -> None:
        class_name = (
            dotted_name(enclosing.node.name)
            if enclosing.kind is ScopeKind.CLASS and isinstance(enclosing.node, cst.ClassDef)
            else None
        )
        self.functions[node] = FunctionSite(
            node,
            ".".join([*self._names_stack, node.name.value]),
            class_name,
            enclosing.in_function,
        )
        self._names_stack.append(node.name.value)

    def enter_class(self, node: cst.ClassDef) -> None:
        self._names_stack.append(node.name.value)
        self.classes.append((node, ".".join(self._names_stack)))

    def leave(self) -> None:
        self._names_stack.pop()

    def owner(self) -> str | None:
        """The dotted path of the def or class the walk is in; None at module level."""
        return ".".join(self._names_stack) or None

    # -- names (once the walk is over) --------------------------------------------

    def qualify(self, dotted: str) -> str:
        return f"{self.module_name}.{dotted}" if self.module_name else dotted

    def class_path(self, node: cst.ClassDef) -> str:
        return next(path for class_def, path in self.classes if class_def is node)

    def class_names(self, expression: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """Qualified names of a class reference, the module's own classes included."""
        if isinstance(expression, cst.Name):
            binding = self.scopes.single_binding(expression.value, scope, (BindingKind.CLASS,))
            if binding is not None and isinstance(binding.node, cst.ClassDef):
                return frozenset({self.qualify(self.class_path(binding.node))})
        return self.scopes.resolve_expression(expression, scope)

    def scope_owner(self, scope: Scope) -> str | None:
        """The dotted path of the function or class whose body is ``scope``."""
        current: Scope | None = scope
        while current is not None:
            node = current.node
            if isinstance(node, cst.FunctionDef) and node in self.functions:
                return self.functions[node].qualname
            if isinstance(node, cst.ClassDef):
                return self.class_path(node)
            current = current.parent
        return None


def argument(args: Sequence[cst.Arg], position: int, keyword: str) -> cst.Arg | None:
    """The argument at ``position`` or passed as ``keyword``; None when absent or when
    a ``*args`` before it hides where it is."""
    positional = [arg for arg in args if arg.keyword is None]
    if any(arg.star for arg in positional[: position + 1]):
        return None
    if len(positional) > position:
        return positional[position]
    for arg in args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    return None


def keyword_argument(args: Sequence[cst.Arg], keyword: str) -> cst.Arg | None:
    return next((a for a in args if a.keyword is not None and a.keyword.value == keyword), None)


def names_bound(target: cst.BaseExpression) -> list[str]:
    """The plain names an assignment target binds (``a``, ``a, (b, *c)``); attributes
    and subscripts bind none."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in names_bound(element.value)]
    if isinstance(target, cst.StarredElement):
        return names_bound(target.value)
    return []


def string_value(expression: cst.BaseExpression) -> str | None:
    """The text of a string literal (implicitly concatenated ones too); None for
    anything else, bytes and f-strings included."""
    if isinstance(expression, (cst.SimpleString, cst.ConcatenatedString)):
        value = expression.evaluated_value
        return value if isinstance(value, str) else None
    return None
