"""The names an ``apps`` module holds once it is imported, for :mod:`.wiring`.

``AppConfig.create()`` picks an app's config among ``inspect.getmembers()`` of its
``apps`` module: whatever the module's namespace holds at the end, by name. So the
names are followed in the order the module binds them: a class it defines, a name it
imports, another name for one of those (``Alias = ShopConfig`` is a second member for
the same class), and a name deleted with ``del`` is gone. What is bound inside an
``if``/``try``/``with``/``for`` block may or may not be there at runtime.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from signallint.collect.definitions import Definitions, names_bound
from signallint.collect.spans import SpanLocator
from signallint.facts import Member
from signallint.names import ScopeKind, dotted_name


@dataclass(frozen=True, slots=True)
class _Bound:
    target: str | None  # qualified name; None when unknown
    conditional: bool
    module: bool = False  # ``import x``: a module, never a class


class Members:
    """Follows the module-level bindings of an ``apps`` module during the walk."""

    def __init__(self, definitions: Definitions, spans: SpanLocator):
        self.definitions = definitions
        self.scopes = definitions.scopes
        self.spans = spans
        self._bound: dict[str, _Bound] = {}
        self._star = False

    def _at_module_level(self) -> bool:
        return self.scopes.scope.kind is ScopeKind.MODULE

    def _bind(self, name: str, bound: _Bound | None) -> None:
        """``name`` is now ``bound`` (None: something that is not a class)."""
        if not self.spans.in_module_body:
            before = self._bound.get(name)
            if before is None and bound is None:
                return
            # Either may be there at runtime: as a member, only what it may be.
            bound = bound or before
            assert bound is not None
            bound = _Bound(bound.target, True, bound.module)
        self._bound.pop(name, None)
        if bound is not None:
            self._bound[name] = bound

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self._at_module_level():
            name = node.name.value
            self._bind(name, _Bound(self.definitions.qualify(name), False))

    def visit_Import(self, node: cst.Import) -> None:
        if not self._at_module_level():
            return
        for alias in node.names:
            module = dotted_name(alias.name)
            if module is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bind(alias.asname.name.value, _Bound(module, False, module=True))
            else:
                top = module.split(".", 1)[0]
                self._bind(top, _Bound(top, False, module=True))

    def visit_ImportFrom(self, node: cst.ImportFrom, base: str | None) -> None:
        if not self._at_module_level():
            return
        if isinstance(node.names, cst.ImportStar):
            self._star = True
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            bound = alias.name.value if isinstance(alias.name, cst.Name) else name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            self._bind(bound, _Bound(f"{base}.{name}" if base else None, False))

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._at_module_level():
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._bind(target.target.value, self._value(node.value))
            else:
                for name in names_bound(target.target):
                    self._bind(name, None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and self._at_module_level() and isinstance(node.target, cst.Name):
            self._bind(node.target.value, self._value(node.value))

    def visit_Del(self, node: cst.Del) -> None:
        if not self._at_module_level():
            return
        for name in names_bound(node.target):
            if self.spans.in_module_body:
                self._bound.pop(name, None)
            elif name in self._bound:
                before = self._bound[name]
                self._bound[name] = _Bound(before.target, True, before.module)

    def _value(self, value: cst.BaseExpression) -> _Bound | None:
        """What a name assigned ``value`` is bound to, when it may be a class."""
        if isinstance(value, cst.Name):
            return self._bound.get(value.value)
        if isinstance(value, cst.Attribute):
            dotted = dotted_name(value)
            head = self._bound.get(dotted.split(".", 1)[0]) if dotted else None
            if dotted is None or head is None:
                return None
            target = head.target and f"{head.target}.{dotted.split('.', 1)[1]}"
            return _Bound(target, head.conditional)
        if isinstance(value, (cst.IfExp, cst.BooleanOperation)) and any(
            self._value(part) is not None for part in _operands(value)
        ):
            return _Bound(None, True)
        return None

    def facts(self) -> tuple[Member, ...] | None:
        if self._star:
            return None
        return tuple(
            Member(name, bound.target, bound.conditional)
            for name, bound in self._bound.items()
            if not bound.module
        )


def _operands(value: cst.IfExp | cst.BooleanOperation) -> tuple[cst.BaseExpression, ...]:
    if isinstance(value, cst.IfExp):
        return value.body, value.orelse
    return value.left, value.right
