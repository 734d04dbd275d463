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
from dataclasses import dataclass, field
from typing import Any, cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from signallint import catalogue
from signallint.facts import (
    Argument,
    ClassFact,
    Connection,
    ConnectionSite,
    ConnectionStyle,
    DefaultAppConfig,
    DynamicImport,
    DynamicImportKind,
    FunctionFact,
    ImportFact,
    InstalledApps,
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
    Wiring,
)
from signallint.names import (
    BindingKind,
    Scope,
    ScopeBuilder,
    ScopeKind,
    absolute_module,
    dotted_name,
)
from signallint.vocabulary import DYNAMIC_IMPORT_SPELLINGS, DYNAMIC_IMPORTS
from signallint.walk import walk

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


@dataclass(frozen=True, slots=True)
class _PlacedStatement:
    """Positions computed for one statement alone, and how to move them into the file."""

    positions: Mapping[cst.CSTNode, CodeRange]
    line_shift: int
    column_shifts: list[int]

    def span(self, code_range: CodeRange) -> Span:
        start, end = code_range.start, code_range.end
        return Span(
            start.line + self.line_shift,
            start.column + self._column_shift(start.line),
            end.line + self.line_shift,
            end.column + self._column_shift(end.line),
        )

    def _column_shift(self, line: int) -> int:
        return self.column_shifts[line - 1] if line <= len(self.column_shifts) else 0


class FactCollector(ScopeBuilder):
    def __init__(
        self,
        path: str,
        module: cst.Module,
        package: str | None = None,
        module_name: str | None = None,
        source: str | None = None,
        parsed_source: str | None = None,
        line_map: Sequence[int] | None = None,
    ):
        super().__init__(package, catalogue.module_has_name)
        self.path = path
        self.module_name = module_name
        self.module = module
        self._source = source
        # The text the module was parsed from: the source, or the source with the
        # statements that cannot matter left out (see signallint.slicing).
        self._parsed_source = parsed_source if parsed_source is not None else source
        # For each line of the parsed text, the line of the source it is.
        self._line_map = line_map
        # The top-level statement being visited, the lines it may stand on, and the
        # innermost statement each remembered node is in, with its top-level statement:
        # positions are computed for those statements only (see ``span``).
        self.statement: cst.CSTNode = module
        self.statement_lines: tuple[int, int] | None = None
        self._statement_of: dict[cst.CSTNode, cst.CSTNode] = {}
        # For each such statement: the defs and classes around it, innermost first,
        # then its top-level statement, and the lines that one may stand on.
        self._context_of: dict[
            cst.CSTNode, tuple[tuple[cst.CSTNode, ...], tuple[int, int] | None]
        ] = {}
        self._anchor: cst.CSTNode = module
        self._statement_positions: dict[tuple[cst.CSTNode, bool], _PlacedStatement | None] = {}
        self._lines: list[str] | None = None
        self._statements: list[cst.CSTNode] = []
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
        self._positions: Mapping[cst.CSTNode, CodeRange] | None = None
        self._wiring = _WiringState()

    # -- the pass ---------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        enclosing = self.scope
        super().visit_FunctionDef(node)
        class_name = (
            dotted_name(enclosing.node.name)
            if enclosing.kind is ScopeKind.CLASS and isinstance(enclosing.node, cst.ClassDef)
            else None
        )
        self._statements.append(node)
        self._remember(node, node)
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
        self._statements.pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._statements.append(node)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self._statements.pop()

    def _remember(self, node: cst.CSTNode, statement: cst.CSTNode) -> None:
        """``node`` may need a position: it will be computed in ``statement``."""
        self._statement_of[node] = statement
        if statement not in self._context_of:
            # A def or class is positioned by its header first; a node of its body (in
            # the header of a ``for`` or ``with``) needs the whole of it.
            around: list[cst.CSTNode] = [
                outer
                for outer in reversed(self._statements)
                if isinstance(outer, (cst.FunctionDef, cst.ClassDef))
            ]
            if self.statement is not statement and self.statement not in around:
                around.append(self.statement)
            self._context_of[statement] = (tuple(around), self.statement_lines)

    def _innermost_statement(self) -> cst.CSTNode:
        return self._statements[-1] if self._statements else self.statement

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        super().visit_ClassDef(node)
        self._statements.append(node)
        self._remember(node, node)
        self._names_stack.append(node.name.value)
        self._classes.append((node, ".".join(self._names_stack)))
        self._wiring_class(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._names_stack.pop()
        self._statements.pop()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            if func.attr.value in CONNECTION_METHODS:
                self._calls.append((node, self.scope))
                self._remember(node, self._innermost_statement())
            elif func.attr.value in SEND_METHODS:
                self._sends.append((node, self.scope))
                self._remember(node, self._innermost_statement())
        callee = (
            func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
        )
        if callee in ("Signal", "ModelSignal"):
            self._signal_calls.append((node, self.scope))
            self._remember(node, self._innermost_statement())
        self._wiring_call(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        if isinstance(node.value, cst.Call) and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                self._assigned_names[node.value] = target.value
                self._signal_targets[target] = node.value
        self._wiring_assign(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        base = self._import_from_base(node)
        if base is not None and base in catalogue.MODULE_NAMES:
            self._import_froms.append((node, base))
            self._remember(node, self._innermost_statement())
        self._wiring_import_from(node)

    def _import_from_base(self, node: cst.ImportFrom) -> str | None:
        return absolute_module(node.module, len(node.relative), self.package)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        root: cst.BaseExpression = node.value
        while isinstance(root, cst.Attribute):
            root = root.value
        if isinstance(root, cst.Name):
            self._attributes.append((node, self.scope))
            self._remember(node, self._innermost_statement())

    # -- facts ------------------------------------------------------------------

    def facts(self) -> ModuleFacts:
        connections = tuple(self._connections())
        return ModuleFacts(
            self.path,
            self.module_name,
            connections=connections,
            module_name_refs=tuple(self._module_name_refs()),
            signal_defs=tuple(self._signal_defs()),
            send_calls=tuple(self._send_calls()),
            model_classes=tuple(self._model_classes()),
            wiring=self._wiring_facts(connections),
        )

    def _qualify(self, dotted: str) -> str:
        return f"{self.module_name}.{dotted}" if self.module_name else dotted

    def _signal_defs(self) -> list[SignalDef]:
        found = []
        for call, scope in self._signal_calls:
            self._at(call)
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
            self._at(call)
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
            self._at(node)
            fields = _m2m_fields(node, self.module)
            if fields:
                found.append(ModelClass(self._qualify(path), fields, self.span(node.name)))
        return found

    def _at(self, anchor: cst.CSTNode) -> cst.CSTNode:
        """Spans computed from now on are in ``anchor``'s top-level statement.

        Returns the previous statement, for callers that must restore it."""
        previous, self._anchor = self._anchor, self._statement_of.get(anchor, self.module)
        return previous

    def span(self, node: cst.CSTNode) -> Span:
        """The position of ``node``.

        Resolving positions for a whole module costs several times its parse, and most
        modules need a handful. So positions are resolved for the innermost statement
        that holds the node (a simple statement, a ``def`` or a ``class``), wrapped in a
        module of its own, then moved to where that statement's text stands in the
        source, looked for among the lines of its top-level statement. When the text
        stands there several times, the def or class around it is positioned whole,
        then the next one out; the whole module only when nothing can be placed.
        """
        around, lines = self._context_of.get(self._anchor, ((), None))
        placed = self._placed(self._anchor, lines)
        code_range = placed.positions.get(node) if placed is not None else None
        for outer in around:
            if code_range is not None:
                break
            placed = self._placed(outer, lines, whole=True)
            code_range = placed.positions.get(node) if placed is not None else None
        if placed is None or code_range is None:
            if self._positions is None:
                wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
                self._positions = wrapper.resolve(PositionProvider)
            code_range = self._positions[node]
            start, end = code_range.start, code_range.end
            return self._in_source(Span(start.line, start.column, end.line, end.column))
        return self._in_source(placed.span(code_range))

    def _in_source(self, span: Span) -> Span:
        """A span of the parsed text as a span of the source."""
        if self._line_map is None:
            return span
        return Span(
            self._source_line(span.line), span.col, self._source_line(span.end_line), span.end_col
        )

    def _source_line(self, line: int) -> int:
        lines = self._line_map
        assert lines is not None
        if line <= len(lines):
            return lines[line - 1]
        return lines[-1] + line - len(lines) if lines else line

    def _placed(
        self, statement: cst.CSTNode, lines: tuple[int, int] | None, whole: bool = False
    ) -> _PlacedStatement | None:
        if statement is self.module or self._parsed_source is None:
            return None
        key = (statement, whole)
        if key not in self._statement_positions:
            self._statement_positions[key] = self._place(statement, lines, whole)
        return self._statement_positions[key]

    def _place(
        self, statement: cst.CSTNode, lines: tuple[int, int] | None, whole: bool
    ) -> _PlacedStatement | None:
        assert isinstance(statement, cst.BaseStatement)
        header_only = (
            not whole
            and isinstance(statement, (cst.FunctionDef, cst.ClassDef))
            and isinstance(statement.body, cst.IndentedBlock)
        )
        if header_only:
            # Facts anchored on a def or class need its header (decorators, name,
            # parameters, bases), never its body: position a stand-in with a one-line
            # body, built from the very same header nodes.
            assert isinstance(statement, (cst.FunctionDef, cst.ClassDef))
            assert isinstance(statement.body, cst.IndentedBlock)
            stub_body = statement.body.with_changes(body=[_ELLIPSIS_LINE])
            statement = statement.with_changes(body=stub_body)
        # Blank and comment lines above a statement are its own in LibCST; leaving them
        # out makes its first line one that can only match where the statement starts.
        statement = statement.with_changes(leading_lines=())
        code, positions = _code_and_positions(statement, self.module)
        code_lines = _LINE_BREAK.split(code)
        if code_lines and code_lines[-1] == "":
            code_lines.pop()
        if header_only:
            code_lines.pop()  # the stand-in body
        source_lines = self._source_lines()
        low, high = lines if lines is not None else (1, len(source_lines))
        first = _unique_placement(source_lines, code_lines, low - 1, high)
        if first is None:
            return None
        # A nested statement's code lacks its enclosing blocks' indentation: each of its
        # lines is a suffix of the source line, and the difference is the column shift.
        column_shifts = [
            len(source_lines[first + i]) - len(code_line) for i, code_line in enumerate(code_lines)
        ]
        return _PlacedStatement(positions, first, column_shifts)

    def _source_lines(self) -> list[str]:
        if self._lines is None:
            assert self._parsed_source is not None
            self._lines = _LINE_BREAK.split(self._parsed_source)
        return self._lines

    def _module_name_refs(self) -> list[ModuleNameRef]:
        refs: list[ModuleNameRef] = []
        for node, base in self._import_froms:
            self._at(node)
            assert not isinstance(node.names, cst.ImportStar)
            for alias in node.names:
                name = dotted_name(alias.name)
                if name is not None:
                    refs.append(ModuleNameRef(base, name, self.span(alias.name), via_import=True))
        for attribute, scope in self._attributes:
            self._at(attribute)
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
            self._at(function)
            for index, decorator in enumerate(function.decorators):
                connection = self._decorator_connection(function, index, decorator, scope)
                if connection is not None:
                    found.append(connection)
        for call, scope in self._calls:
            self._at(call)
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
        previous = self._at(node)
        try:
            return self._function_fact_here(site, node, drop_first)
        finally:
            self._anchor = previous

    def _function_fact_here(
        self, site: _FunctionSite, node: cst.FunctionDef, drop_first: bool
    ) -> FunctionFact:
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
                    self._anchor = statement
                    if node in self._context_of:
                        around, lines = self._context_of[node]
                        self._context_of.setdefault(statement, ((node, *around), lines))
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

    # -- wiring: what Django imports (for signallint.project) -----------------------
    #
    # Kept apart from the signal facts above. Every import with the function or class
    # that holds it, calls that import modules named at runtime, the classes that may
    # be AppConfigs, INSTALLED_APPS and default_app_config in settings and app modules,
    # and where each connection happens.

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        owner = self._wiring_owner()
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is not None:
                self._wiring.imports.append(ImportFact(name, owner=owner))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        super().visit_AnnAssign(node)
        if (
            node.value is not None
            and self.scope.kind is ScopeKind.MODULE
            and isinstance(node.target, cst.Name)
        ):
            self._wiring_remember(node.target.value, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        super().visit_AugAssign(node)
        if self.scope.kind is ScopeKind.MODULE and isinstance(node.target, cst.Name):
            if isinstance(node.operator, cst.AddAssign):
                self._wiring_remember(node.target.value, node.value)
            else:
                self._wiring.opaque.add(node.target.value)

    def _wiring_owner(self) -> str | None:
        return ".".join(self._names_stack) or None

    def _wiring_remember(self, name: str, value: cst.BaseExpression) -> None:
        self._wiring.assigned.setdefault(name, []).append(value)
        self._remember(value, self.statement)

    def _wiring_import_from(self, node: cst.ImportFrom) -> None:
        base = self._import_from_base(node)
        if base is None:
            return  # a relative import that cannot be placed
        names: tuple[str, ...] = ("*",)
        if not isinstance(node.names, cst.ImportStar):
            names = tuple(name for name in map(dotted_name, (a.name for a in node.names)) if name)
        self._wiring.imports.append(ImportFact(base, names, True, self._wiring_owner()))

    def _wiring_class(self, node: cst.ClassDef) -> None:
        if self.scope.kind is ScopeKind.MODULE:
            self._wiring.classes.append((node, self.statement is not node))

    def _wiring_assign(self, node: cst.Assign) -> None:
        if self.scope.kind is not ScopeKind.MODULE:
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._wiring_remember(target.target.value, node.value)
            else:
                for name in _target_names(target.target):
                    self._wiring.opaque.add(name)

    def _wiring_call(self, node: cst.Call) -> None:
        func = node.func
        spelled = (
            func.attr.value
            if isinstance(func, cst.Attribute)
            else func.value
            if isinstance(func, cst.Name)
            else None
        )
        if spelled in DYNAMIC_IMPORT_SPELLINGS:
            self._wiring.dynamic.append((node, self.scope, self._wiring_owner()))
        elif (
            spelled in LIST_METHODS
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and self.scope.kind is ScopeKind.MODULE
        ):
            self._wiring.list_calls.setdefault(func.value.value, []).append(node)

    def _wiring_facts(self, connections: Sequence[Connection]) -> Wiring:
        return Wiring(
            imports=tuple(self._wiring.imports),
            dynamic_imports=tuple(self._dynamic_imports()),
            classes=tuple(self._class_facts()),
            installed_apps=self._installed_apps(),
            default_app_config=self._default_app_config(),
            connection_sites=tuple(self._connection_sites(connections)),
        )

    def _dynamic_imports(self) -> list[DynamicImport]:
        found = []
        for call, scope, owner in self._wiring.dynamic:
            kind = self._dynamic_kind(call, scope)
            positional = [arg for arg in call.args if arg.keyword is None]
            names: list[str]
            if kind is DynamicImportKind.FILE:
                names = ["*"]
            elif kind is DynamicImportKind.AUTODISCOVER:
                names = [
                    "*" if arg.star else self._name_pattern(arg.value, scope) for arg in positional
                ]
            else:
                first = (
                    _argument(call.args, 0, "name")
                    or _keyword_argument(call.args, "dotted_path")
                    or _keyword_argument(call.args, "mod_name")
                )
                names = [
                    "*" if first is None or first.star else self._name_pattern(first.value, scope)
                ]
                if kind is DynamicImportKind.MODULE:
                    package = _argument(call.args, 1, "package")
                    names = [self._place_relative(name, package, scope) for name in names]
                    if _argument(call.args, 3, "fromlist") is not None:
                        # ``__import__(name, fromlist=[...])`` also imports submodules.
                        names += [f"{name}.*" for name in names]
            hints: tuple[str, ...] = ()
            if any(_opaque(name) for name in names):
                text = self._source if self._source is not None else self.module.code
                hints = tuple(sorted(set(_QUOTED_IDENTIFIER.findall(text))))
            found.append(DynamicImport(kind, tuple(names), owner, hints))
        return found

    def _dynamic_kind(self, call: cst.Call, scope: Scope) -> DynamicImportKind:
        for name in self.resolve_expression(call.func, scope):
            if name in DYNAMIC_IMPORTS:
                return DYNAMIC_IMPORTS[name]
        # Not resolved to one of the known callables (a wrapper, an alias we cannot
        # follow): go by the spelling. That only ever adds possible imports, which can
        # keep a module from being reported but never make one reported.
        func = call.func
        spelled = func.attr.value if isinstance(func, cst.Attribute) else dotted_name(func)
        return DYNAMIC_IMPORT_SPELLINGS[spelled or ""]

    def _name_pattern(self, expression: cst.BaseExpression, scope: Scope) -> str:
        """A module name as a pattern: literal text, ``*`` for what is known at runtime only."""
        literal = _string_value(expression)
        if literal is not None:
            return literal
        pattern = "*"
        if isinstance(expression, cst.Name):
            if expression.value == "__name__" and self.module_name:
                pattern = self.module_name
            elif expression.value == "__package__" and self.package:
                pattern = self.package
        elif isinstance(expression, cst.FormattedString):
            pattern = "".join(
                part.value
                if isinstance(part, cst.FormattedStringText)
                else self._name_pattern(part.expression, scope)
                if isinstance(part, cst.FormattedStringExpression)
                else "*"
                for part in expression.parts
            )
        elif isinstance(expression, cst.BinaryOperation):
            if isinstance(expression.operator, cst.Add):
                pattern = self._name_pattern(expression.left, scope) + self._name_pattern(
                    expression.right, scope
                )
            elif isinstance(expression.operator, cst.Modulo):
                template = _string_value(expression.left)
                if template is not None:
                    pattern = _PERCENT_FIELD.sub("*", template)
        elif isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute):
            template = _string_value(expression.func.value)
            method = expression.func.attr.value
            if template is not None and method == "format":
                pattern = _FORMAT_FIELD.sub("*", template)
            elif (
                template is not None
                and method == "join"
                and len(expression.args) == 1
                and isinstance(expression.args[0].value, (cst.List, cst.Tuple))
            ):
                pattern = template.join(
                    "*"
                    if isinstance(element, cst.StarredElement)
                    else self._name_pattern(element.value, scope)
                    for element in expression.args[0].value.elements
                )
        return re.sub(r"\*+", "*", pattern)

    def _place_relative(self, name: str, package: cst.Arg | None, scope: Scope) -> str:
        """``import_module(".signals", package=...)``: the absolute pattern."""
        if not name.startswith("."):
            return name
        rest = name.lstrip(".")
        level = len(name) - len(rest)
        base = self._name_pattern(package.value, scope) if package is not None else "*"
        if "*" not in base:
            parts = base.split(".")
            base = ".".join(parts[: len(parts) - (level - 1)]) if level - 1 < len(parts) else "*"
        return f"{base}.{rest}" if rest else base

    def _class_facts(self) -> list[ClassFact]:
        stem = self.path.replace("\\", "/").rsplit("/", 1)[-1]
        in_apps_module = stem == "apps.py" or (self.module_name or "").endswith(".apps")
        found = []
        for node, conditional in self._wiring.classes:
            bases = [arg.value for arg in node.bases if arg.keyword is None]
            if not in_apps_module and not any(
                (dotted_name(base) or "").endswith("Config") for base in bases
            ):
                continue
            default: bool | None = None
            default_unknown = False
            strings: dict[str, str | None] = {}
            methods = []
            body = node.body
            statements = body.body if isinstance(body, (cst.IndentedBlock,)) else [body]
            for statement in statements:
                if isinstance(statement, cst.FunctionDef):
                    methods.append(statement.name.value)
                    continue
                smalls = (
                    statement.body
                    if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite))
                    else ()
                )
                if not smalls and re.search(
                    r"\bdefault\s*[:=]", self.module.code_for_node(statement)
                ):
                    default_unknown = True  # assigned under if/try/for in the class body
                for small in smalls:
                    assigned = _simple_assignment(small)
                    if assigned is None:
                        continue
                    name, value = assigned
                    if name == "default":
                        if isinstance(value, cst.Name) and value.value in ("True", "False"):
                            default, default_unknown = value.value == "True", False
                        else:
                            default_unknown = True
                    elif name in ("name", "label"):
                        strings[name] = _string_value(value)
            self._at(node)
            found.append(
                ClassFact(
                    name=node.name.value,
                    qualified_name=self._qualify(node.name.value),
                    bases=tuple(self._class_names(base, self.module_scope) for base in bases),
                    default=default,
                    default_unknown=default_unknown,
                    app_name=strings.get("name"),
                    label=strings.get("label"),
                    methods=tuple(methods),
                    conditional=conditional,
                    span=self.span(node.name),
                )
            )
        return found

    def _installed_apps(self) -> InstalledApps | None:
        name = "INSTALLED_APPS"
        if name not in self._wiring.assigned and name not in self._wiring.list_calls:
            return None
        entries: list[str] = []
        complete = self._strings_of_name(name, entries, set())
        for call in self._wiring.list_calls.get(name, []):
            assert isinstance(call.func, cst.Attribute)
            method = call.func.attr.value
            values = [arg.value for arg in call.args if arg.keyword is None]
            if method in ("append", "insert") and values:
                value = _string_value(values[-1])
                if value is None:
                    complete = False
                else:
                    entries.append(value)
            elif method == "extend" and len(values) == 1:
                complete = self._strings_of(values[0], entries, {name}) and complete
            elif method not in ("remove", "pop", "index", "count"):
                complete = False
        return InstalledApps(tuple(dict.fromkeys(entries)), complete)

    def _strings_of_name(self, name: str, entries: list[str], seen: set[str]) -> bool:
        if name in seen:
            return True  # ``X = X + [...]``: X's other values are read anyway
        values = self._wiring.assigned.get(name)
        if not values or name in self._wiring.opaque:
            return False  # imported, or bound in a way we cannot follow
        seen = seen | {name}
        complete = True
        for value in values:
            complete = self._strings_of(value, entries, seen) and complete
        return complete

    def _strings_of(self, value: cst.BaseExpression, entries: list[str], seen: set[str]) -> bool:
        """Collect the strings a list expression holds; False if some part is unknown."""
        literal = _string_value(value)
        if literal is not None:
            entries.append(literal)
            return True
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            complete = True
            for element in value.elements:
                complete = self._strings_of(element.value, entries, seen) and complete
            return complete
        if isinstance(value, cst.Name):
            return self._strings_of_name(value.value, entries, seen)
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
            left = self._strings_of(value.left, entries, seen)
            return self._strings_of(value.right, entries, seen) and left
        if (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Name)
            and value.func.value in ("list", "tuple")
            and len(value.args) == 1
        ):
            return self._strings_of(value.args[0].value, entries, seen)
        return False

    def _default_app_config(self) -> DefaultAppConfig | None:
        values = self._wiring.assigned.get("default_app_config")
        if not values:
            return None
        value = values[-1]
        self._at(value)
        return DefaultAppConfig(_string_value(value), self.span(value))

    def _connection_sites(self, connections: Sequence[Connection]) -> list[ConnectionSite]:
        if not connections:
            return []
        wanted = {connection.span for connection in connections}
        sites = []
        for function, scope in self._decorated:
            receivers = frozenset({self._qualify(self._functions[function].qualname)})
            for decorator in function.decorators:
                expression = decorator.decorator
                if not (
                    isinstance(expression, cst.Attribute) and expression.attr.value == "connect"
                ) and not (
                    isinstance(expression, cst.Call)
                    and self.resolve_expression(expression.func, scope) & RECEIVER_DECORATORS
                ):
                    continue  # not a connection: no need to place it
                self._at(function)
                span = self.span(decorator)
                if span in wanted:
                    sites.append(ConnectionSite(span, self._scope_owner(scope), receivers))
        for call, scope in self._calls:
            assert isinstance(call.func, cst.Attribute)
            if not self._signal_names(call.func.value, scope):
                continue
            self._at(call)
            span = self.span(call)
            if span not in wanted:
                continue
            argument = _argument(call.args, 0, "receiver")
            names = frozenset[str]()
            if argument is not None:
                names = self._receiver_names(argument.value, scope)
            sites.append(ConnectionSite(span, self._scope_owner(scope), names))
        return sites

    def _scope_owner(self, scope: Scope) -> str | None:
        """The dotted path of the function or class whose body is ``scope``."""
        current: Scope | None = scope
        while current is not None:
            node = current.node
            if isinstance(node, cst.FunctionDef) and node in self._functions:
                return self._functions[node].qualname
            if isinstance(node, cst.ClassDef):
                return self._class_path(node)
            current = current.parent
        return None

    def _receiver_names(self, expression: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """Qualified names a receiver expression may be (functions and imports)."""
        if isinstance(expression, cst.Name):
            binding = self.single_binding(
                expression.value, scope, (BindingKind.DEF, BindingKind.IMPORT)
            )
            if binding is None:
                return frozenset()
            if binding.kind is BindingKind.DEF and binding.node in self._functions:
                return frozenset({self._qualify(self._functions[binding.node].qualname)})
            if binding.kind is BindingKind.IMPORT and binding.qualified_name:
                return frozenset({binding.qualified_name})
            return frozenset()
        if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name):
            owners = self._class_names(expression.value, scope)
            return frozenset(f"{owner}.{expression.attr.value}" for owner in owners)
        return frozenset()


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


class _PositionSink:
    """Where LibCST's position-recording code generator writes (as its provider)."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


def _code_and_positions(
    statement: cst.BaseStatement, module: cst.Module
) -> tuple[str, Mapping[cst.CSTNode, CodeRange]]:
    """A statement's code and its nodes' positions in it, from one code generation.

    ``PositionProvider`` through a ``MetadataWrapper`` generates the code of a module
    made of the statement, after a visitor pass of its own, and ``code_for_node`` would
    generate it again: driving the provider's code generator directly does it once.
    If LibCST's internals ever change shape, the public way still works."""
    try:
        from libcst.metadata.position_provider import PositionProvidingCodegenState

        sink = _PositionSink()
        state = PositionProvidingCodegenState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            provider=cast(Any, sink),
        )
        statement._codegen(state)
        return "".join(state.tokens), sink._computed
    except Exception:
        alone = module.with_changes(body=[statement], header=[], footer=[])
        positions = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
        return module.code_for_node(statement), positions


def _unique_placement(
    source_lines: list[str], code_lines: list[str], start: int = 0, stop: int | None = None
) -> int | None:
    """The one source line (an index from ``start`` to ``stop``) where ``code_lines``
    stand, each line after nothing but indentation; None when they stand nowhere there or
    in several places."""
    if not code_lines:
        return None
    stop = len(source_lines) if stop is None else min(stop, len(source_lines))
    head, found = code_lines[0], None
    for index in range(max(start, 0), stop - len(code_lines) + 1):
        if not _ends_indented(source_lines[index], head):
            continue
        if all(
            _ends_indented(source_lines[index + i], code_line)
            for i, code_line in enumerate(code_lines)
        ):
            if found is not None:
                return None
            found = index
    return found


def _ends_indented(line: str, text: str) -> bool:
    return line.endswith(text) and not line[: len(line) - len(text)].strip(" \t\f")


_ELLIPSIS_LINE = cst.SimpleStatementLine([cst.Expr(cst.Ellipsis())])
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# -- wiring helpers --------------------------------------------------------------

LIST_METHODS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "sort"})
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[a-zA-Z%]")
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_QUOTED_IDENTIFIER = re.compile(r"""['"]([A-Za-z_][A-Za-z0-9_]*)['"]""")


@dataclass
class _WiringState:
    imports: list[ImportFact] = field(default_factory=list)
    dynamic: list[tuple[cst.Call, Scope, str | None]] = field(default_factory=list)
    classes: list[tuple[cst.ClassDef, bool]] = field(default_factory=list)
    # Module-level names and every value assigned to them (``=``, ``:``, ``+=``).
    assigned: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    # Module-level names also bound in ways we cannot follow (unpacking, ``-=``).
    opaque: set[str] = field(default_factory=set)
    # ``NAME.append(...)`` and friends at module level.
    list_calls: dict[str, list[cst.Call]] = field(default_factory=dict)


def _opaque(pattern: str) -> bool:
    """True when a pattern has no literal name part at all (``*``, ``*.*``)."""
    return not pattern.replace("*", "").replace(".", "")


def _string_value(expression: cst.BaseExpression) -> str | None:
    if isinstance(expression, (cst.SimpleString, cst.ConcatenatedString)):
        value = expression.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _simple_assignment(
    small: cst.BaseSmallStatement,
) -> tuple[str, cst.BaseExpression] | None:
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, small.value
    if (
        isinstance(small, cst.AnnAssign)
        and isinstance(small.target, cst.Name)
        and small.value is not None
    ):
        return small.target.value, small.value
    return None


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in _target_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


def collect(
    path: str,
    module: cst.Module,
    package: str | None = None,
    module_name: str | None = None,
    source: str | None = None,
    *,
    parsed_source: str | None = None,
    statement_lines: Sequence[tuple[int, int]] | None = None,
    line_map: Sequence[int] | None = None,
) -> ModuleFacts:
    """Facts of one parsed module. ``source`` (the text it was parsed from, or the
    original of ``parsed_source`` when that was parsed) lets positions be computed for
    the few statements that need them; ``statement_lines`` (the lines each top-level
    statement may stand on) narrows where they are looked for; ``line_map`` gives the
    source line of each line of ``parsed_source``."""
    collector = FactCollector(path, module, package, module_name, source, parsed_source, line_map)
    if statement_lines is not None and len(statement_lines) != len(module.body):
        statement_lines = None
    for index, statement in enumerate(module.body):
        collector.statement = statement
        collector.statement_lines = statement_lines[index] if statement_lines else None
        walk(statement, collector)
    return collector.facts()
