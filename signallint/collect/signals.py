"""Signal facts: connections, signal definitions, sends, names read from Django's
modules, and models with many-to-many fields.

During the walk only the few nodes that can matter are remembered (``connect`` and
``disconnect`` calls, decorated functions, ``Signal()`` calls, sends, ``from M import N``
and ``M.N`` where M is a Django module the catalogue knows); names are resolved and
positions computed afterwards, and only for those.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from signallint import catalogue, vocabulary
from signallint.collect.definitions import Definitions, argument, keyword_argument
from signallint.collect.locals import LocalNames, is_body_statement, nothing_runs_after
from signallint.collect.receivers import Receivers
from signallint.collect.senders import Senders
from signallint.collect.spans import SpanLocator
from signallint.facts import (
    Argument,
    Connection,
    ConnectionStyle,
    ModelClass,
    ModuleNameRef,
    ReceiverKind,
    SendCall,
    SendMethod,
    SignalDef,
    SignalUse,
)
from signallint.module_names import is_checked, is_django_module
from signallint.names import BindingKind, Scope, ScopeKind, dotted_name

# The spellings come from signallint.vocabulary, which the screening builds on too.
CONNECTION_METHODS = {word: ConnectionStyle(word) for word in vocabulary.CONNECT_METHODS}
SEND_METHODS = {word: SendMethod(word) for word in vocabulary.SEND_METHODS}
# Where each signal class is defined, and whether it makes model signals.
SIGNAL_CLASSES = {
    f"{vocabulary.DISPATCH_PACKAGE}.{vocabulary.SIGNAL_CLASS}": False,
    f"{vocabulary.DISPATCH_PACKAGE}.dispatcher.{vocabulary.SIGNAL_CLASS}": False,
    f"django.db.models.signals.{vocabulary.MODEL_SIGNAL_CLASS}": True,
}
RECEIVER_DECORATORS = frozenset(
    f"{module}.{vocabulary.RECEIVER}" for module in catalogue.RECEIVER_MODULES
)


class SignalFacts:
    """Remembers what may be a signal fact during the walk; makes the facts after it."""

    def __init__(self, definitions: Definitions, spans: SpanLocator):
        self.definitions = definitions
        self.scopes = definitions.scopes
        self.spans = spans
        self.module = spans.module
        self.local_names = LocalNames()
        self.receivers = Receivers(definitions, spans, self.local_names)
        self._calls: list[tuple[cst.Call, Scope]] = []
        self._decorated: list[tuple[cst.FunctionDef, Scope]] = []
        self._import_froms: list[tuple[cst.ImportFrom, str]] = []
        self._attributes: list[tuple[cst.Attribute, Scope]] = []
        self._sends: list[tuple[cst.Call, Scope]] = []
        self._signal_calls: list[tuple[cst.Call, Scope]] = []
        self._assigned_names: dict[cst.Call, str] = {}
        self._signal_targets: dict[cst.CSTNode, cst.Call] = {}
        self.senders = Senders(definitions, spans, self.local_names, self._signal_targets)

    # -- the walk -----------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef, enclosing: Scope) -> None:
        if node.decorators:
            self._decorated.append((node, enclosing))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            if func.attr.value in CONNECTION_METHODS:
                self._calls.append((node, self.scopes.scope))
                self.spans.remember(node)
            elif func.attr.value in SEND_METHODS:
                self._sends.append((node, self.scopes.scope))
                self.spans.remember(node)
        callee = (
            func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
        )
        if callee in ("Signal", "ModelSignal"):
            self._signal_calls.append((node, self.scopes.scope))
            self.spans.remember(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.local_names.visit_Assign(node)
        if isinstance(node.value, cst.Call) and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                self._assigned_names[node.value] = target.value
                self._signal_targets[target] = node.value

    def visit_ImportFrom(self, node: cst.ImportFrom, base: str | None) -> None:
        if base is None or isinstance(node.names, cst.ImportStar):
            return
        if base in catalogue.MODULE_NAMES or (
            is_django_module(base)
            and any(
                dotted_name(alias.name) in vocabulary.IMPORT_CHECKED_NAMES for alias in node.names
            )
        ):
            self._import_froms.append((node, base))
            self.spans.remember(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        root: cst.BaseExpression = node.value
        while isinstance(root, cst.Attribute):
            root = root.value
        if isinstance(root, cst.Name):
            self._attributes.append((node, self.scopes.scope))
            self.spans.remember(node)

    # -- facts --------------------------------------------------------------------

    def connections(self) -> list[Connection]:
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

    def signal_defs(self) -> list[SignalDef]:
        found = []
        for call, scope in self._signal_calls:
            model_signal = self._signal_class(call, scope)
            if model_signal is None:
                continue
            name = self._assigned_names.get(call)
            qualified = None
            if name is not None and scope.kind is ScopeKind.MODULE:
                qualified = self.definitions.qualify(name)
            elif name is not None and scope.kind is ScopeKind.CLASS and not scope.in_function:
                owner = scope.node
                assert isinstance(owner, cst.ClassDef)
                path = self.definitions.class_path(owner)
                qualified = self.definitions.qualify(f"{path}.{name}")
            providing = next(
                (a for a in self._arguments(call.args, call) if a.keyword == "providing_args"),
                None,
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
                    self.spans.span(call),
                    sent_locally,
                )
            )
        return found

    def _signal_class(self, call: cst.Call, scope: Scope) -> bool | None:
        """For a call of Django's Signal class: whether it is a ModelSignal; else None."""
        kinds = {
            SIGNAL_CLASSES[name]
            for name in self.scopes.resolve_expression(call.func, scope)
            if name in SIGNAL_CLASSES
        }
        return kinds.pop() if len(kinds) == 1 else None

    def send_calls(self) -> list[SendCall]:
        found = []
        for call, scope in self._sends:
            assert isinstance(call.func, cst.Attribute)
            [use] = self._signal_uses(call.func.value, scope, call, allow_lists=False)
            if not use.candidates:
                continue
            found.append(
                SendCall(
                    use,
                    SEND_METHODS[call.func.attr.value],
                    self._arguments(call.args, call),
                    self.spans.span(call),
                )
            )
        return found

    def model_classes(self) -> list[ModelClass]:
        found = []
        for node, path in self.definitions.classes:
            fields, intermediates = _m2m_fields(node, self.module)
            if not fields and not node.bases:
                continue
            bases = tuple(
                self.definitions.class_names(base.value, self.scopes.module_scope)
                for base in node.bases
                if base.keyword is None and not base.star
            )
            found.append(
                ModelClass(
                    self.definitions.qualify(path),
                    fields,
                    self.spans.span(node.name, node),
                    bases,
                    _abstract(node),
                    intermediates,
                )
            )
        return found

    def module_name_refs(self) -> list[ModuleNameRef]:
        refs: list[ModuleNameRef] = []
        for node, base in self._import_froms:
            assert not isinstance(node.names, cst.ImportStar)
            for alias in node.names:
                name = dotted_name(alias.name)
                if name is not None and is_checked(base, name):
                    span = self.spans.span(alias.name, node)
                    refs.append(ModuleNameRef(base, name, span, via_import=True))
        for attribute, scope in self._attributes:
            root: cst.BaseExpression = attribute
            while isinstance(root, cst.Attribute):
                root = root.value
            if not isinstance(root, cst.Name) or root.value not in self.scopes.imported_names:
                continue
            for base in sorted(self.scopes.resolve_expression(attribute.value, scope)):
                if base in catalogue.MODULE_NAMES:
                    name = attribute.attr.value
                    span = self.spans.span(attribute)
                    refs.append(ModuleNameRef(base, name, span, via_import=False))
        return refs

    # -- connections --------------------------------------------------------------

    def _decorator_connection(
        self, function: cst.FunctionDef, index: int, decorator: cst.Decorator, scope: Scope
    ) -> Connection | None:
        expression = decorator.decorator
        site = self.definitions.functions[function]
        kind = ReceiverKind.METHOD if site.class_name else ReceiverKind.FUNCTION
        if isinstance(expression, cst.Attribute) and expression.attr.value == "connect":
            # ``@signal.connect``: Django's connect() returns None.
            signals = self._signal_uses(expression.value, scope, function, allow_lists=False)
            if not any(use.candidates for use in signals):
                return None
            style, sender = ConnectionStyle.CONNECT_DECORATOR, None
            arguments: tuple[Argument, ...] = ()
        elif isinstance(expression, cst.Call) and (
            self.scopes.resolve_expression(expression.func, scope) & RECEIVER_DECORATORS
        ):
            signal_arg = argument(expression.args, 0, "signal")
            if signal_arg is None:
                return None
            signals = self._signal_uses(signal_arg.value, scope, function)
            style = ConnectionStyle.DECORATOR
            arguments = self._arguments(expression.args, function)
            sender_arg = keyword_argument(expression.args, "sender")
            sender = self.senders.sender(sender_arg, scope, function)
        else:
            return None
        return Connection(
            style=style,
            signals=signals,
            receiver_kind=kind,
            receiver_text=function.name.value,
            function=self.receivers.function_fact(site),
            bound=False,
            arguments=arguments,
            span=self.spans.span(decorator, function),
            at_module_level=not scope.in_function,
            sender=sender,
            unconditional=is_body_statement(function, scope.node),
            decorator_index=index,
            # A nested def lives while its function runs: what runs after the def may
            # send the signal to it (a test connects, triggers, checks).
            receiver_escapes=site.nested
            and (
                self._name_escapes(function.name.value, scope, 1)
                or not nothing_runs_after(function, scope.node)
            ),
            owner=self.definitions.scope_owner(scope),
            receivers=frozenset({self.definitions.qualify(site.qualname)}),
        )

    def _call_connection(self, call: cst.Call, scope: Scope) -> Connection | None:
        assert isinstance(call.func, cst.Attribute)
        signals = self._signal_uses(call.func.value, scope, call, allow_lists=False)
        if not any(use.candidates for use in signals):
            return None
        style = CONNECTION_METHODS[call.func.attr.value]
        receiver_arg = argument(call.args, 0, "receiver")
        kind, function, bound, text = ReceiverKind.UNKNOWN, None, False, ""
        escapes = False
        receivers = frozenset[str]()
        if receiver_arg is not None:
            text = self.module.code_for_node(receiver_arg.value)
            kind, function, bound = self.receivers.receiver(receiver_arg.value, scope, call)
            if (
                function is not None
                and function.nested
                and isinstance(receiver_arg.value, cst.Name)
            ):
                escapes = self._name_escapes(
                    receiver_arg.value.value, scope, 2
                ) or not nothing_runs_after(call, scope.node)
            elif kind is ReceiverKind.UNKNOWN:
                local = self.receivers.local_receiver(receiver_arg.value, scope)
                if local is not None:
                    kind, name = local
                    bound = kind is ReceiverKind.TEMPORARY_BOUND_METHOD
                    # Bound by its assignment, read by this connection: nothing else;
                    # and dead before anything could send the signal.
                    escapes = self._name_escapes(name, scope, 2) or not nothing_runs_after(
                        call, scope.node
                    )
            receivers = self.receivers.receiver_names(receiver_arg.value, scope)
        return Connection(
            style=style,
            signals=signals,
            receiver_kind=kind,
            receiver_text=text,
            function=function,
            bound=bound,
            arguments=self._arguments(call.args, call),
            span=self.spans.span(call),
            at_module_level=not scope.in_function,
            sender=self.senders.sender(argument(call.args, 1, "sender"), scope, call),
            unconditional=is_body_statement(call, scope.node),
            receiver_escapes=escapes,
            owner=self.definitions.scope_owner(scope),
            receivers=receivers,
            owner_parameter=_first_parameter(scope.node),
        )

    def _name_escapes(self, name: str, scope: Scope, expected_uses: int) -> bool:
        """Whether ``name`` is spelled in its function more often than by its binding and
        its connection: a value stored, returned or passed anywhere else may outlive
        the call."""
        spellings = self.local_names.spellings(name, scope)
        return spellings is None or spellings > expected_uses

    def _signal_uses(
        self,
        expression: cst.BaseExpression,
        scope: Scope,
        within: cst.CSTNode,
        allow_lists: bool = True,
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
                self.spans.span(element, within),
            )
            for element in elements
        )

    def _signal_names(self, expression: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """Qualified names a signal expression may refer to, the module's own included."""
        if isinstance(expression, cst.Name):
            binding = self.scopes.single_binding(expression.value, scope, (BindingKind.OTHER,))
            call = (
                self._signal_targets.get(binding.node)
                if binding is not None and binding.node is not None
                else None
            )
            module_scope = self.scopes.module_scope
            at_module_level = binding in module_scope.bindings.get(expression.value, [])
            if (
                call is not None
                and at_module_level
                and self._signal_class(call, module_scope) is not None
            ):
                return frozenset({self.definitions.qualify(expression.value)})
        if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name):
            binding = self.scopes.single_binding(
                expression.value.value, scope, (BindingKind.CLASS,)
            )
            if binding is not None and isinstance(binding.node, cst.ClassDef):
                path = self.definitions.class_path(binding.node)
                return frozenset({self.definitions.qualify(f"{path}.{expression.attr.value}")})
        return self.scopes.resolve_expression(expression, scope)

    def _arguments(self, args: Sequence[cst.Arg], within: cst.CSTNode) -> tuple[Argument, ...]:
        return tuple(
            Argument(
                arg.keyword.value if arg.keyword is not None else (arg.star or None),
                self.module.code_for_node(arg.value),
                self.spans.span(arg, within),
            )
            for arg in args
        )


def _within(inner: Scope, outer: Scope) -> bool:
    current: Scope | None = inner
    while current is not None:
        if current is outer:
            return True
        current = current.parent
    return False


def _m2m_fields(
    node: cst.ClassDef, module: cst.Module
) -> tuple[tuple[tuple[str, str | None], ...], tuple[str, ...]]:
    """``name = ...ManyToManyField(..., through=X)`` in a class body: (name, X as text);
    and the text of every ``through=`` of a call assigned there (``TaggableManager``'s)."""
    fields: list[tuple[str, str | None]] = []
    intermediates: list[str] = []
    body = node.body
    if not isinstance(body, cst.IndentedBlock):
        return (), ()
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target, value = small.targets[0].target, small.value
            if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
                continue
            through = keyword_argument(value.args, vocabulary.THROUGH)
            through_text = None
            if through is not None:
                through_value = through.value
                if isinstance(through_value, cst.SimpleString):
                    evaluated = through_value.evaluated_value
                    through_text = evaluated if isinstance(evaluated, str) else None
                else:
                    through_text = module.code_for_node(through_value)
                if through_text is not None:
                    intermediates.append(through_text)
            callee = dotted_name(value.func)
            if callee is None or callee.rsplit(".", 1)[-1] != vocabulary.M2M_FIELD:
                continue
            fields.append((target.value, through_text))
    return tuple(fields), tuple(intermediates)


def _abstract(node: cst.ClassDef) -> bool:
    """Whether the class body holds ``class Meta: abstract = True``."""
    body = node.body
    if not isinstance(body, cst.IndentedBlock):
        return False
    for statement in body.body:
        if not isinstance(statement, cst.ClassDef) or statement.name.value != "Meta":
            continue
        meta = statement.body
        lines = meta.body if isinstance(meta, cst.IndentedBlock) else [meta]
        for line in lines:
            if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                continue
            for small in line.body:
                if (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                    and small.targets[0].target.value == vocabulary.ABSTRACT
                    and isinstance(small.value, cst.Name)
                    and small.value.value == "True"
                ):
                    return True
    return False


def _first_parameter(node: cst.CSTNode | None) -> str | None:
    if not isinstance(node, cst.FunctionDef):
        return None
    params = [*node.params.posonly_params, *node.params.params]
    return params[0].name.value if params else None
