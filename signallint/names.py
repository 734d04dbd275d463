"""Name resolution: which fully qualified names an expression may refer to.

LibCST's ``QualifiedNameProvider`` answers this, but resolving it costs about ten times
the parse of a module. We need far less: import bindings, Python's scoping rules
(function scopes see module names, class bodies are not enclosing scopes, ``global`` and
``nonlocal``), and whether a name is shadowed by anything that is not an import. So the
:class:`ScopeBuilder` records bindings during the one visitor pass the collector makes
anyway, and resolution happens afterwards, flow-insensitively, like the runtime sees a
module once it has finished importing.

Resolution returns a frozenset of candidates. A name bound in its scope only by imports
resolves to every imported target (conditional imports give several). A name that the
scope also binds any other way (assignment, ``def``, parameter, loop target, ...) resolves
to nothing: we cannot tell statically what it holds, and precision beats recall.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

import libcst as cst


class ScopeKind(str, Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    COMPREHENSION = "comprehension"


class BindingKind(str, Enum):
    IMPORT = "import"
    DEF = "def"
    CLASS = "class"
    OTHER = "other"


@dataclass(slots=True)
class Binding:
    kind: BindingKind
    # For imports: the fully qualified name the binding refers to.
    qualified_name: str | None = None
    node: cst.CSTNode | None = None
    # For defs and classes: the scope their body opens.
    scope: Scope | None = None


@dataclass(eq=False, slots=True)
class Scope:
    kind: ScopeKind
    parent: Scope | None
    node: cst.CSTNode | None = None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    nonlocal_names: set[str] = field(default_factory=set)
    star_imports: list[str] = field(default_factory=list)

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    @property
    def module_scope(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    @property
    def in_function(self) -> bool:
        """True when code in this scope runs only when some function is called."""
        scope: Scope | None = self
        while scope is not None:
            if scope.kind is ScopeKind.FUNCTION:
                return True
            scope = scope.parent
        return False


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def absolute_module(
    module: cst.Attribute | cst.Name | None, level: int, package: str | None
) -> str | None:
    """The absolute module an ``ImportFrom`` reads from, or None if unknowable."""
    name = dotted_name(module) if module is not None else None
    if level == 0:
        return name
    if package is None:
        return None
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if name:
        base.append(name)
    return ".".join(base) or None


# Decides whether a module the catalogue knows has a name; None when unknown.
ModuleNameOracle = Callable[[str, str], "bool | None"]


def _no_oracle(module: str, name: str) -> bool | None:
    return None


class ScopeBuilder(cst.CSTVisitor):
    """A visitor that records every binding in every scope of a module.

    Subclasses extend it (calling ``super()``) to collect what they need, reading
    ``self.scope`` for the scope of the node being visited.
    """

    def __init__(self, package: str | None = None, has_name: ModuleNameOracle = _no_oracle):
        super().__init__()
        self.package = package
        self._has_name = has_name
        self.module_scope = Scope(ScopeKind.MODULE, None)
        self.scope = self.module_scope
        self._pending: dict[cst.CSTNode, Scope] = {}
        # Every name any import binds, anywhere: a cheap filter for attribute chains.
        self.imported_names: set[str] = set()

    # -- scopes -----------------------------------------------------------------

    def _open(self, node: cst.CSTNode, kind: ScopeKind) -> Scope:
        scope = Scope(kind, self.scope, node)
        self._pending[node] = scope
        return scope

    def _enter(self, node: cst.CSTNode) -> None:
        self.scope = self._pending.pop(node)

    def _leave(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = self._open(node, ScopeKind.FUNCTION)
        self.scope.bind(node.name.value, Binding(BindingKind.DEF, node=node, scope=scope))
        self._bind_parameters(scope, node.params)

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._enter(node)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._leave()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._bind_parameters(self._open(node, ScopeKind.FUNCTION), node.params)

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        self._enter(node)

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        self._leave()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        scope = self._open(node, ScopeKind.CLASS)
        self.scope.bind(node.name.value, Binding(BindingKind.CLASS, node=node, scope=scope))

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._enter(node)

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._leave()

    def _enter_comprehension(self, node: cst.CSTNode) -> None:
        self.scope = Scope(ScopeKind.COMPREHENSION, self.scope, node)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._enter_comprehension(node)

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._leave()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._enter_comprehension(node)

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._leave()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._enter_comprehension(node)

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._leave()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._enter_comprehension(node)

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._leave()

    def _bind_parameters(self, scope: Scope, params: cst.Parameters) -> None:
        every: list[cst.Param] = [*params.posonly_params, *params.params, *params.kwonly_params]
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                every.append(extra)
        for param in every:
            scope.bind(param.name.value, Binding(BindingKind.OTHER, node=param))

    # -- imports ----------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bind_import(alias.asname.name.value, full, alias)
            else:
                # ``import a.b.c`` binds ``a``; ``a.b.c.x`` resolves through attributes.
                head = full.split(".", 1)[0]
                self._bind_import(head, head, alias)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        base = absolute_module(node.module, len(node.relative), self.package)
        if isinstance(node.names, cst.ImportStar):
            if base is not None:
                self.scope.star_imports.append(base)
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            bound = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            if base is None:
                # A relative import we cannot place: it is still a binding that shadows.
                self.scope.bind(bound, Binding(BindingKind.OTHER, node=alias))
            else:
                self._bind_import(bound, f"{base}.{name}", alias)

    def _bind_import(self, bound: str, qualified_name: str, node: cst.CSTNode) -> None:
        self.imported_names.add(bound)
        self.scope.bind(bound, Binding(BindingKind.IMPORT, qualified_name, node))

    # -- other bindings ---------------------------------------------------------

    def _bind_target(self, target: cst.BaseExpression, scope: Scope | None = None) -> None:
        scope = scope or self.scope
        if isinstance(target, cst.Name):
            name = target.value
            if name in scope.global_names:
                scope = scope.module_scope
            elif name in scope.nonlocal_names:
                return  # the enclosing function's own binding already makes it opaque
            scope.bind(name, Binding(BindingKind.OTHER, node=target))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, scope)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, scope)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_target(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        # ``:=`` binds in the nearest enclosing non-comprehension scope.
        scope = self.scope
        while scope.kind is ScopeKind.COMPREHENSION and scope.parent is not None:
            scope = scope.parent
        self._bind_target(node.target, scope)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bind_target(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._bind_target(node.name)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self._bind_target(node.rest)

    def visit_Global(self, node: cst.Global) -> None:
        self.scope.global_names.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.scope.nonlocal_names.update(item.name.value for item in node.names)

    # -- resolution (valid once the pass is over) -------------------------------

    def lookup(self, name: str, scope: Scope) -> list[Binding] | None:
        """The bindings ``name`` refers to from ``scope``, or None if unbound."""
        current: Scope | None = scope
        starting = True
        while current is not None:
            if name in current.global_names and current.parent is not None:
                current = current.module_scope
                starting = False
                continue
            skip = (current.kind is ScopeKind.CLASS and not starting) or (
                name in current.nonlocal_names
            )
            if not skip and name in current.bindings:
                return current.bindings[name]
            starting = False
            current = current.parent
        return None

    def resolve_name(self, name: str, scope: Scope) -> frozenset[str]:
        bindings = self.lookup(name, scope)
        if bindings is None:
            return self._from_star_imports(name)
        if all(b.kind is BindingKind.IMPORT for b in bindings):
            return frozenset(b.qualified_name for b in bindings if b.qualified_name)
        return frozenset()

    def _from_star_imports(self, name: str) -> frozenset[str]:
        found = set()
        for module in self.module_scope.star_imports:
            if self._has_name(module, name) is not False:
                found.add(f"{module}.{name}")
        return frozenset(found)

    def resolve_expression(self, expression: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """Every fully qualified name ``expression`` may evaluate to."""
        if isinstance(expression, cst.Name):
            return self.resolve_name(expression.value, scope)
        if isinstance(expression, cst.Attribute):
            bases = self.resolve_expression(expression.value, scope)
            return frozenset(f"{base}.{expression.attr.value}" for base in bases)
        return frozenset()

    def single_binding(
        self, name: str, scope: Scope, kinds: Sequence[BindingKind]
    ) -> Binding | None:
        """The one binding of ``name`` if it is unique and of one of ``kinds``."""
        bindings = self.lookup(name, scope)
        if bindings is None or len(bindings) != 1 or bindings[0].kind not in kinds:
            return None
        return bindings[0]
