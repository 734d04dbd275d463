"""One pass over a parsed module that turns it into :class:`~signallint.facts.ModuleFacts`.

The pass records bindings (see :mod:`signallint.names`) and remembers the few nodes
that can matter: ``X.connect(...)``/``X.disconnect(...)`` calls, decorated functions,
``from M import N`` and ``M.N`` where M is a Django module the catalogue knows.
Only when something was found are names resolved and positions computed, so a file that
merely mentions "signal" costs a parse and one walk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from signallint import catalogue
from signallint.facts import (
    Argument,
    Connection,
    ConnectionStyle,
    FunctionFact,
    ModelClass,
    ModuleFacts,
    ModuleNameRef,
    Param,
    ParamKind,
    ReceiverKind,
    SaveCall,
    SendCall,
    Sender,
    SendMethod,
    SignalDef,
    SignalUse,
    Span,
)
from signallint.names import (
    BindingKind,
    Scope,
    ScopeBuilder,
    ScopeKind,
    absolute_module,
    dotted_name,
)

CONNECTION_METHODS = {"connect": ConnectionStyle.CONNECT, "disconnect": ConnectionStyle.DISCONNECT}
SEND_METHODS = {method.value: method for method in SendMethod}
SIGNAL_CLASSES = {
    "django.dispatch.Signal": False,
    "django.dispatch.dispatcher.Signal": False,
    "django.db.models.signals.ModelSignal": True,
}
RECEIVER_DECORATORS = frozenset(f"{module}.receiver" for module in catalogue.RECEIVER_MODULES)
PARTIAL_CALLABLES = frozenset({"functools.partial", "functools.partialmethod"})


@dataclass(slots=True)
class _FunctionSite:
    node: cst.FunctionDef | cst.Lambda
    qualname: str
    class_name: str | None
    nested: bool


class FactCollector(ScopeBuilder):
    def __init__(
        self,
        path: str,
        module: cst.Module,
        package: str | None = None,
        module_name: str | None = None,
    ):
        super().__init__(package, catalogue.module_has_name)
        self.path = path
        self.module_name = module_name
        self.module = module
        self._names_stack: list[str] = []
        self._functions: dict[cst.CSTNode, _FunctionSite] = {}
        self._calls: list[tuple[cst.Call, Scope]] = []
        self._decorated: list[tuple[cst.FunctionDef, Scope]] = []
        self._import_froms: list[tuple[cst.ImportFrom, str]] = []
        self._attributes: list[tuple[cst.Attribute, Scope]] = []
        self._sends: list[tuple[cst.Call, Scope]] = []
        self._signal_calls: list[tuple[cst.Call, Scope]] = []
        self._assigned_names: dict[cst.Call, str] = {}
        self._signal_targets: dict[cst.CSTNode, cst.Call] = {}
        self._classes: list[tuple[cst.ClassDef, str]] = []
        self._positions: Mapping[cst.CSTNode, CodeRange] = {}

    # -- the pass ---------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        enclosing = self.scope
        super().visit_FunctionDef(node)
        class_name = (
            dotted_name(enclosing.node.name)
            if enclosing.kind is ScopeKind.CLASS and isinstance(enclosing.node, cst.ClassDef)
            else None
        )
        self._functions[node] = _FunctionSite(
            node,
            ".".join([*self._names_stack, node.name.value]),
            class_name,
            enclosing.in_function,
        )
        if node.decorators:
            self._decorated.append((node, enclosing))
        self._names_stack.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._names_stack.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        super().visit_ClassDef(node)
        self._names_stack.append(node.name.value)
        self._classes.append((node, ".".join(self._names_stack)))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._names_stack.pop()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            if func.attr.value in CONNECTION_METHODS:
                self._calls.append((node, self.scope))
            elif func.attr.value in SEND_METHODS:
                self._sends.append((node, self.scope))
        callee = (
            func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
        )
        if callee in ("Signal", "ModelSignal"):
            self._signal_calls.append((node, self.scope))

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        if isinstance(node.value, cst.Call) and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                self._assigned_names[node.value] = target.value
                self._signal_targets[target] = node.value

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        base = self._import_from_base(node)
        if base is not None and base in catalogue.MODULE_NAMES:
            self._import_froms.append((node, base))

    def _import_from_base(self, node: cst.ImportFrom) -> str | None:
        return absolute_module(node.module, len(node.relative), self.package)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        root: cst.BaseExpression = node.value
        while isinstance(root, cst.Attribute):
            root = root.value
        if isinstance(root, cst.Name):
            self._attributes.append((node, self.scope))

    # -- facts ------------------------------------------------------------------

    def facts(self) -> ModuleFacts:
        return ModuleFacts(
            self.path,
            self.module_name,
            connections=tuple(self._connections()),
            module_name_refs=tuple(self._module_name_refs()),
            signal_defs=tuple(self._signal_defs()),
            send_calls=tuple(self._send_calls()),
            model_classes=tuple(self._model_classes()),
        )

    def _qualify(self, dotted: str) -> str:
        return f"{self.module_name}.{dotted}" if self.module_name else dotted

    def _signal_defs(self) -> list[SignalDef]:
        found = []
        for call, scope in self._signal_calls:
            model_signal = self._signal_class(call, scope)
            if model_signal is None:
                continue
            name = self._assigned_names.get(call)
            qualified = None
            if name is not None and scope.kind is ScopeKind.MODULE:
                qualified = self._qualify(name)
            elif name is not None and scope.kind is ScopeKind.CLASS and not scope.in_function:
                owner = scope.node
                assert isinstance(owner, cst.ClassDef)
                qualified = self._qualify(f"{self._class_path(owner)}.{name}")
            providing = next(
                (a for a in self._arguments(call.args) if a.keyword == "providing_args"), None
            )
            sent_locally = (
                name is not None
                and scope.in_function
                and any(
                    isinstance(send.func, cst.Attribute)
                    and isinstance(send.func.value, cst.Name)
                    and send.func.value.value == name
                    and _within(send_scope, scope)
                    for send, send_scope in self._sends
                )
            )
            found.append(
                SignalDef(
                    qualified,
                    model_signal,
                    scope.in_function,
                    providing,
                    self.span(call),
                    sent_locally,
                )
            )
        return found

    def _signal_class(self, call: cst.Call, scope: Scope) -> bool | None:
        """For a call of Django's Signal class: whether it is a ModelSignal; else None."""
        kinds = {
            SIGNAL_CLASSES[name]
            for name in self.resolve_expression(call.func, scope)
            if name in SIGNAL_CLASSES
        }
        return kinds.pop() if len(kinds) == 1 else None

    def _class_path(self, node: cst.ClassDef) -> str:
        return next(path for class_def, path in self._classes if class_def is node)

    def _send_calls(self) -> list[SendCall]:
        found = []
        for call, scope in self._sends:
            assert isinstance(call.func, cst.Attribute)
            [use] = self._signal_uses(call.func.value, scope, allow_lists=False)
            if not use.candidates:
                continue
            found.append(
                SendCall(
                    use,
                    SEND_METHODS[call.func.attr.value],
                    self._arguments(call.args),
                    self.span(call),
                )
            )
        return found

    def _model_classes(self) -> list[ModelClass]:
        found = []
        for node, path in self._classes:
            fields = _m2m_fields(node, self.module)
            if fields:
                found.append(ModelClass(self._qualify(path), fields, self.span(node.name)))
        return found

    def _ensure_positions(self) -> None:
        if not self._positions:
            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider)

    def span(self, node: cst.CSTNode) -> Span:
        self._ensure_positions()
        code_range = self._positions[node]
        return Span(
            code_range.start.line,
            code_range.start.column,
            code_range.end.line,
            code_range.end.column,
        )

    def _module_name_refs(self) -> list[ModuleNameRef]:
        refs: list[ModuleNameRef] = []
        for node, base in self._import_froms:
            assert not isinstance(node.names, cst.ImportStar)
            for alias in node.names:
                name = dotted_name(alias.name)
                if name is not None:
                    refs.append(ModuleNameRef(base, name, self.span(alias.name), via_import=True))
        for attribute, scope in self._attributes:
            root: cst.BaseExpression = attribute
            while isinstance(root, cst.Attribute):
                root = root.value
            if not isinstance(root, cst.Name) or root.value not in self.imported_names:
                continue
            for base in sorted(self.resolve_expression(attribute.value, scope)):
                if base in catalogue.MODULE_NAMES:
                    name = attribute.attr.value
                    refs.append(ModuleNameRef(base, name, self.span(attribute), via_import=False))
        return refs

    def _connections(self) -> list[Connection]:
        found: list[Connection] = []
        for function, scope in self._decorated:
            for index, decorator in enumerate(function.decorators):
                connection = self._decorator_connection(function, index, decorator, scope)
                if connection is not None:
                    found.append(connection)
        for call, scope in self._calls:
            connection = self._call_connection(call, scope)
            if connection is not None:
                found.append(connection)
        return found

    def _decorator_connection(
        self, function: cst.FunctionDef, index: int, decorator: cst.Decorator, scope: Scope
    ) -> Connection | None:
        expression = decorator.decorator
        site = self._functions[function]
        kind = ReceiverKind.METHOD if site.class_name else ReceiverKind.FUNCTION
        if isinstance(expression, cst.Attribute) and expression.attr.value == "connect":
            # ``@signal.connect``: Django's connect() returns None.
            signals = self._signal_uses(expression.value, scope, allow_lists=False)
            if not any(use.candidates for use in signals):
                return None
            style, sender = ConnectionStyle.CONNECT_DECORATOR, None
            arguments: tuple[Argument, ...] = ()
        elif isinstance(expression, cst.Call) and (
            self.resolve_expression(expression.func, scope) & RECEIVER_DECORATORS
        ):
            signal_arg = _argument(expression.args, 0, "signal")
            if signal_arg is None:
                return None
            signals = self._signal_uses(signal_arg.value, scope)
            style, arguments = ConnectionStyle.DECORATOR, self._arguments(expression.args)
            sender = self._sender(_keyword_argument(expression.args, "sender"), scope)
        else:
            return None
        return Connection(
            style=style,
            signals=signals,
            receiver_kind=kind,
            receiver_text=function.name.value,
            function=self._function_fact(site),
            bound=False,
            arguments=arguments,
            span=self.span(decorator),
            at_module_level=not scope.in_function,
            sender=sender,
            decorator_index=index,
            receiver_escapes=site.nested and self._name_escapes(function.name.value, scope, 1),
        )

    def _call_connection(self, call: cst.Call, scope: Scope) -> Connection | None:
        assert isinstance(call.func, cst.Attribute)
        signals = self._signal_uses(call.func.value, scope, allow_lists=False)
        if not any(use.candidates for use in signals):
            return None
        style = CONNECTION_METHODS[call.func.attr.value]
        receiver_arg = _argument(call.args, 0, "receiver")
        kind, function, bound, text = ReceiverKind.UNKNOWN, None, False, ""
        escapes = False
        if receiver_arg is not None:
            text = self.module.code_for_node(receiver_arg.value)
            kind, function, bound = self._receiver(receiver_arg.value, scope)
            if (
                function is not None
                and function.nested
                and isinstance(receiver_arg.value, cst.Name)
            ):
                escapes = self._name_escapes(receiver_arg.value.value, scope, 2)
        return Connection(
            style=style,
            signals=signals,
            receiver_kind=kind,
            receiver_text=text,
            function=function,
            bound=bound,
            arguments=self._arguments(call.args),
            span=self.span(call),
            at_module_level=not scope.in_function,
            sender=self._sender(_argument(call.args, 1, "sender"), scope),
            receiver_escapes=escapes,
        )

    def _name_escapes(self, name: str, scope: Scope, expected_uses: int) -> bool:
        """Whether ``name`` appears in its function more often than its def and connection.

        A closure that is stored, returned or passed anywhere else may outlive the call.
        """
        current: Scope | None = scope
        while current is not None and current.kind is not ScopeKind.FUNCTION:
            current = current.parent
        if current is None or current.node is None:
            return True
        code = self.module.code_for_node(current.node)
        return len(re.findall(rf"\b{re.escape(name)}\b", code)) > expected_uses

    def _sender(self, arg: cst.Arg | None, scope: Scope) -> Sender | None:
        if arg is None:
            return None
        value = arg.value
        literal = None
        if isinstance(value, cst.SimpleString):
            evaluated = value.evaluated_value
            literal = evaluated if isinstance(evaluated, str) else None
        return Sender(
            self.module.code_for_node(value),
            self.span(value),
            literal,
            self._class_names(value, scope),
        )

    def _class_names(self, expression: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """Qualified names of a class reference, the module's own classes included."""
        if isinstance(expression, cst.Name):
            binding = self.single_binding(expression.value, scope, (BindingKind.CLASS,))
            if binding is not None and isinstance(binding.node, cst.ClassDef):
                return frozenset({self._qualify(self._class_path(binding.node))})
        return self.resolve_expression(expression, scope)

    def _signal_uses(
        self, expression: cst.BaseExpression, scope: Scope, allow_lists: bool = True
    ) -> tuple[SignalUse, ...]:
        elements: Sequence[cst.BaseExpression]
        if allow_lists and isinstance(expression, (cst.List, cst.Tuple)):
            elements = [element.value for element in expression.elements]
        else:
            elements = [expression]
        return tuple(
            SignalUse(
                self._signal_names(element, scope),
                self.module.code_for_node(element),
                self.span(element),
            )
            for element in elements
        )

    def _signal_names(self, expression: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """Qualified names a signal expression may refer to, the module's own included."""
        if isinstance(expression, cst.Name):
            binding = self.single_binding(expression.value, scope, (BindingKind.OTHER,))
            call = (
                self._signal_targets.get(binding.node)
                if binding is not None and binding.node is not None
                else None
            )
            at_module_level = binding in self.module_scope.bindings.get(expression.value, [])
            if (
                call is not None
                and at_module_level
                and self._signal_class(call, self.module_scope) is not None
            ):
                return frozenset({self._qualify(expression.value)})
        if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name):
            binding = self.single_binding(expression.value.value, scope, (BindingKind.CLASS,))
            if binding is not None and isinstance(binding.node, cst.ClassDef):
                path = self._class_path(binding.node)
                return frozenset({self._qualify(f"{path}.{expression.attr.value}")})
        return self.resolve_expression(expression, scope)

    def _arguments(self, args: Sequence[cst.Arg]) -> tuple[Argument, ...]:
        return tuple(
            Argument(
                arg.keyword.value if arg.keyword is not None else (arg.star or None),
                self.module.code_for_node(arg.value),
                self.span(arg),
            )
            for arg in args
        )

    # -- receivers --------------------------------------------------------------

    def _receiver(
        self, expression: cst.BaseExpression, scope: Scope
    ) -> tuple[ReceiverKind, FunctionFact | None, bool]:
        if isinstance(expression, cst.Lambda):
            return ReceiverKind.LAMBDA, self._lambda_fact(expression, scope), False
        if isinstance(expression, cst.Name):
            binding = self.single_binding(
                expression.value, scope, (BindingKind.DEF, BindingKind.IMPORT)
            )
            if binding is None:
                return ReceiverKind.UNKNOWN, None, False
            if binding.kind is BindingKind.DEF:
                assert binding.node is not None
                return (
                    ReceiverKind.FUNCTION,
                    self._function_fact(self._functions[binding.node]),
                    False,
                )
            return ReceiverKind.FUNCTION, None, False
        if isinstance(expression, cst.Call):
            if self.resolve_expression(expression.func, scope) & PARTIAL_CALLABLES:
                return ReceiverKind.PARTIAL, None, False
            return ReceiverKind.UNKNOWN, None, False
        if isinstance(expression, cst.Attribute):
            return self._attribute_receiver(expression, scope)
        return ReceiverKind.UNKNOWN, None, False

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
            site = self._functions[method]
            bound = not _has_decorator(method, "staticmethod")
            return ReceiverKind.METHOD, self._function_fact(site, drop_first=bound), bound
        binding = self.single_binding(owner.value, scope, (BindingKind.CLASS,))
        if binding is not None and isinstance(binding.node, cst.ClassDef):
            method = _method_in(binding.node, method_name)
            if method is None:
                return ReceiverKind.METHOD, None, False
            site = self._functions[method]
            if _has_decorator(method, "staticmethod"):
                return ReceiverKind.METHOD, self._function_fact(site), False
            if _has_decorator(method, "classmethod"):
                return ReceiverKind.METHOD, self._function_fact(site, drop_first=True), True
            # A plain function reached through its class: not something we judge.
            return ReceiverKind.METHOD, None, False
        return ReceiverKind.UNKNOWN, None, False

    def _function_fact(self, site: _FunctionSite, drop_first: bool = False) -> FunctionFact:
        node = site.node
        assert isinstance(node, cst.FunctionDef)
        params = _params(node.params, self.span)
        if drop_first and params and params[0].kind is not ParamKind.VAR_POSITIONAL:
            params = params[1:]
        return FunctionFact(
            name=node.name.value,
            qualname=site.qualname,
            params=params,
            is_async=node.asynchronous is not None,
            class_name=site.class_name,
            nested=site.nested,
            decorators=tuple(self.module.code_for_node(d.decorator) for d in node.decorators),
            span=self.span(node.name),
            saves=tuple(self._saves(node)),
            disconnects="disconnect(" in self.module.code_for_node(node.body),
        )

    def _saves(self, node: cst.FunctionDef) -> Iterator[SaveCall]:
        body = node.body
        if not isinstance(body, cst.IndentedBlock):
            return
        for statement in body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                call = small.value if isinstance(small, cst.Expr) else None
                if (
                    isinstance(call, cst.Call)
                    and isinstance(call.func, cst.Attribute)
                    and call.func.attr.value == "save"
                    and isinstance(call.func.value, cst.Name)
                ):
                    yield SaveCall(
                        call.func.value.value,
                        self.span(call),
                        any(
                            a.keyword is not None and a.keyword.value == "update_fields"
                            for a in call.args
                        ),
                    )

    def _lambda_fact(self, node: cst.Lambda, scope: Scope) -> FunctionFact:
        return FunctionFact(
            name="<lambda>",
            qualname="<lambda>",
            params=_params(node.params, self.span),
            is_async=False,
            class_name=None,
            nested=scope.in_function,
            decorators=(),
            span=self.span(node),
        )


def _argument(args: Sequence[cst.Arg], position: int, keyword: str) -> cst.Arg | None:
    positional = [arg for arg in args if arg.keyword is None]
    if any(arg.star for arg in positional[: position + 1]):
        return None
    if len(positional) > position:
        return positional[position]
    for arg in args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    return None


def _keyword_argument(args: Sequence[cst.Arg], keyword: str) -> cst.Arg | None:
    return next((a for a in args if a.keyword is not None and a.keyword.value == keyword), None)


def _within(inner: Scope, outer: Scope) -> bool:
    current: Scope | None = inner
    while current is not None:
        if current is outer:
            return True
        current = current.parent
    return False


def _m2m_fields(node: cst.ClassDef, module: cst.Module) -> tuple[tuple[str, str | None], ...]:
    """``name = ...ManyToManyField(..., through=X)`` in a class body: (name, X as text)."""
    fields: list[tuple[str, str | None]] = []
    body = node.body
    if not isinstance(body, cst.IndentedBlock):
        return ()
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target, value = small.targets[0].target, small.value
            if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
                continue
            callee = dotted_name(value.func)
            if callee is None or callee.rsplit(".", 1)[-1] != "ManyToManyField":
                continue
            through = _keyword_argument(value.args, "through")
            through_text = None
            if through is not None:
                through_value = through.value
                if isinstance(through_value, cst.SimpleString):
                    evaluated = through_value.evaluated_value
                    through_text = evaluated if isinstance(evaluated, str) else None
                else:
                    through_text = module.code_for_node(through_value)
            fields.append((target.value, through_text))
    return tuple(fields)


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


def collect(
    path: str, module: cst.Module, package: str | None = None, module_name: str | None = None
) -> ModuleFacts:
    collector = FactCollector(path, module, package, module_name)
    module.visit(collector)
    return collector.facts()
