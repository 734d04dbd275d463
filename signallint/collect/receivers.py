"""What a connected receiver is: its kind, its definition when the module shows it, and
the qualified names it may be."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from signallint.collect.calls import direct_calls
from signallint.collect.definitions import Definitions, FunctionSite
from signallint.collect.guards import guarded_saves
from signallint.collect.locals import LocalNames
from signallint.collect.spans import SpanLocator
from signallint.facts import (
    CallFact,
    FunctionFact,
    Param,
    ParamKind,
    ReceiverKind,
    SaveCall,
    Span,
)
from signallint.names import BindingKind, Scope, ScopeKind, dotted_name

PARTIAL_CALLABLES = frozenset({"functools.partial", "functools.partialmethod"})


class Receivers:
    """Reads receiver expressions once the walk is over."""

    def __init__(self, definitions: Definitions, spans: SpanLocator, local_names: LocalNames):
        self.definitions = definitions
        self.local_names = local_names
        self.scopes = definitions.scopes
        self.spans = spans
        self.module = spans.module

    def receiver(
        self, expression: cst.BaseExpression, scope: Scope, within: cst.CSTNode
    ) -> tuple[ReceiverKind, FunctionFact | None, bool]:
        """The receiver's kind, its definition, and whether it is bound; ``expression``
        is inside the remembered node ``within``."""
        if isinstance(expression, cst.Lambda):
            return ReceiverKind.LAMBDA, self._lambda_fact(expression, scope, within), False
        if isinstance(expression, cst.Name):
            binding = self.scopes.single_binding(
                expression.value, scope, (BindingKind.DEF, BindingKind.IMPORT)
            )
            if binding is None:
                return ReceiverKind.UNKNOWN, None, False
            if binding.kind is BindingKind.DEF:
                assert binding.node is not None
                return (
                    ReceiverKind.FUNCTION,
                    self.function_fact(self.definitions.functions[binding.node]),
                    False,
                )
            return ReceiverKind.FUNCTION, None, False
        if isinstance(expression, cst.Call):
            if self.scopes.resolve_expression(expression.func, scope) & PARTIAL_CALLABLES:
                return ReceiverKind.PARTIAL, None, False
            return ReceiverKind.UNKNOWN, None, False
        if isinstance(expression, cst.Attribute):
            return self._attribute_receiver(expression, scope)
        return ReceiverKind.UNKNOWN, None, False

    def local_receiver(
        self, expression: cst.BaseExpression, scope: Scope
    ) -> tuple[ReceiverKind, str] | None:
        """For a receiver held by a local name the function binds once, to a new object
        (``cb = partial(...)``, ``cb = lambda ...``; ``handler = Handler()`` for
        ``handler.on_save``): its kind and that name."""
        if isinstance(expression, cst.Name):
            value = self.local_names.value(expression.value, scope)
            if isinstance(value, cst.Lambda):
                return ReceiverKind.LAMBDA, expression.value
            if isinstance(value, cst.Call) and (
                self.scopes.resolve_expression(value.func, scope) & PARTIAL_CALLABLES
            ):
                return ReceiverKind.PARTIAL, expression.value
            return None
        if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name):
            owner = expression.value.value
            value = self.local_names.value(owner, scope)
            if isinstance(value, cst.Call) and self._is_class(value.func, scope):
                return ReceiverKind.TEMPORARY_BOUND_METHOD, owner
        return None

    def _is_class(self, expression: cst.BaseExpression, scope: Scope) -> bool:
        """Whether ``expression`` names a class: one of the module's, or a CapWords name."""
        if isinstance(expression, cst.Name) and self.scopes.single_binding(
            expression.value, scope, (BindingKind.CLASS,)
        ):
            return True
        name = dotted_name(expression)
        last = name.rsplit(".", 1)[-1] if name else ""
        return last[:1].isupper() and not last.isupper()

    def _attribute_receiver(
        self, expression: cst.Attribute, scope: Scope
    ) -> tuple[ReceiverKind, FunctionFact | None, bool]:
        owner = expression.value
        if isinstance(owner, cst.Call):
            return ReceiverKind.TEMPORARY_BOUND_METHOD, None, True
        if not isinstance(owner, cst.Name):
            return ReceiverKind.UNKNOWN, None, False
        method_name = expression.attr.value
        method_owner = _enclosing_method_owner(scope)
        if method_owner is not None and owner.value == method_owner[1]:
            # ``self.on_save`` inside a method of the class that defines ``on_save``.
            method = _method_in(method_owner[0], method_name)
            if method is None:
                return ReceiverKind.METHOD, None, True
            site = self.definitions.functions[method]
            bound = not _has_decorator(method, "staticmethod")
            return ReceiverKind.METHOD, self.function_fact(site, drop_first=bound), bound
        binding = self.scopes.single_binding(owner.value, scope, (BindingKind.CLASS,))
        if binding is not None and isinstance(binding.node, cst.ClassDef):
            method = _method_in(binding.node, method_name)
            if method is None:
                return ReceiverKind.METHOD, None, False
            site = self.definitions.functions[method]
            if _has_decorator(method, "staticmethod"):
                return ReceiverKind.METHOD, self.function_fact(site), False
            if _has_decorator(method, "classmethod"):
                return ReceiverKind.METHOD, self.function_fact(site, drop_first=True), True
            # A plain function reached through its class: not something we judge.
            return ReceiverKind.METHOD, None, False
        return ReceiverKind.UNKNOWN, None, False

    def function_fact(self, site: FunctionSite, drop_first: bool = False) -> FunctionFact:
        node = site.node
        assert isinstance(node, cst.FunctionDef)
        params = _params(node.params, lambda param: self.spans.span(param, node))
        if drop_first and params and params[0].kind is not ParamKind.VAR_POSITIONAL:
            params = params[1:]
        body = self.module.code_for_node(node.body)
        return FunctionFact(
            name=node.name.value,
            qualname=site.qualname,
            params=params,
            is_async=node.asynchronous is not None,
            class_name=site.class_name,
            nested=site.nested,
            decorators=tuple(self.module.code_for_node(d.decorator) for d in node.decorators),
            span=self.spans.span(node.name, node),
            saves=self._saves(node, body),
            disconnects="disconnect(" in body,
            calls=self._calls(node),
        )

    def _calls(self, node: cst.FunctionDef) -> tuple[CallFact, ...]:
        def locate(call: cst.Call, statement: cst.BaseStatement) -> Span:
            self.spans.remember_in_body(statement, node)
            return self.spans.span(call, statement)

        def resolve(name: str) -> str | None:
            found = self.scopes.resolve_name(name, self.scopes.module_scope)
            return next(iter(found)) if len(found) == 1 else None

        return tuple(direct_calls(node, self.scopes.package, resolve, locate))

    def _saves(self, node: cst.FunctionDef, body: str) -> tuple[SaveCall, ...]:
        if "save(" not in body:
            return ()

        def locate(call: cst.Call, statement: cst.BaseStatement) -> Span:
            self.spans.remember_in_body(statement, node)
            return self.spans.span(call, statement)

        return tuple(guarded_saves(node, locate))

    def _lambda_fact(self, node: cst.Lambda, scope: Scope, within: cst.CSTNode) -> FunctionFact:
        return FunctionFact(
            name="<lambda>",
            qualname="<lambda>",
            params=_params(node.params, lambda param: self.spans.span(param, within)),
            is_async=False,
            class_name=None,
            nested=scope.in_function,
            decorators=(),
            span=self.spans.span(node, within),
        )

    def receiver_names(self, expression: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """Qualified names a receiver expression may be (functions and imports)."""
        if isinstance(expression, cst.Name):
            binding = self.scopes.single_binding(
                expression.value, scope, (BindingKind.DEF, BindingKind.IMPORT)
            )
            if binding is None:
                return frozenset()
            if binding.kind is BindingKind.DEF and binding.node in self.definitions.functions:
                qualname = self.definitions.functions[binding.node].qualname
                return frozenset({self.definitions.qualify(qualname)})
            if binding.kind is BindingKind.IMPORT and binding.qualified_name:
                return frozenset({binding.qualified_name})
            return frozenset()
        if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name):
            owners = self.definitions.class_names(expression.value, scope)
            return frozenset(f"{owner}.{expression.attr.value}" for owner in owners)
        return frozenset()


def _params(parameters: cst.Parameters, span: Callable[[cst.CSTNode], Span]) -> tuple[Param, ...]:
    params: list[Param] = []

    def add(param: cst.Param, kind: ParamKind) -> None:
        params.append(Param(param.name.value, kind, param.default is not None, span(param)))

    for param in parameters.posonly_params:
        add(param, ParamKind.POSITIONAL_ONLY)
    for param in parameters.params:
        add(param, ParamKind.POSITIONAL_OR_KEYWORD)
    if isinstance(parameters.star_arg, cst.Param):
        add(parameters.star_arg, ParamKind.VAR_POSITIONAL)
    for param in parameters.kwonly_params:
        add(param, ParamKind.KEYWORD_ONLY)
    if parameters.star_kwarg is not None:
        add(parameters.star_kwarg, ParamKind.VAR_KEYWORD)
    return tuple(params)


def _enclosing_method_owner(scope: Scope) -> tuple[cst.ClassDef, str] | None:
    """For code inside a method: the class, and the name of the method's first parameter."""
    current: Scope | None = scope
    while current is not None and current.kind is not ScopeKind.FUNCTION:
        current = current.parent
    if current is None or current.parent is None or current.parent.kind is not ScopeKind.CLASS:
        return None
    method, owner = current.node, current.parent.node
    if not isinstance(method, cst.FunctionDef) or not isinstance(owner, cst.ClassDef):
        return None
    positional = [*method.params.posonly_params, *method.params.params]
    if not positional or _has_decorator(method, "staticmethod"):
        return None
    return owner, positional[0].name.value


def _method_in(class_def: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    found = None
    body = class_def.body
    if not isinstance(body, cst.IndentedBlock):
        return None
    for statement in body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            if found is not None:
                return None  # defined twice (e.g. property setter): ambiguous
            found = statement
    return found


def _has_decorator(function: cst.FunctionDef, name: str) -> bool:
    return any(dotted_name(d.decorator) == name for d in function.decorators)
