"""What a connection's ``sender=`` is: its text, the classes it may name, and what makes
two senders one object at run time (a local bound once, ``apps.get_app_config("x")``,
``apps.get_model(...)``), for SIG204 and SIG305."""

from __future__ import annotations

import libcst as cst

from signallint import vocabulary
from signallint.collect.definitions import Definitions, string_value
from signallint.collect.locals import LocalNames
from signallint.collect.spans import SpanLocator
from signallint.facts import Sender
from signallint.names import BindingKind, Scope, ScopeKind

GET_APP_CONFIG = "django.apps.apps.get_app_config"
# Django's AppConfig, whose ``get_model("Model")`` looks in its own app.
APP_CONFIG_CLASSES = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig"})


class Senders:
    """Makes the ``Sender`` of a connection once the walk is over."""

    def __init__(
        self,
        definitions: Definitions,
        spans: SpanLocator,
        local_names: LocalNames,
        signal_targets: dict[cst.CSTNode, cst.Call],
    ):
        self.definitions = definitions
        self.scopes = definitions.scopes
        self.spans = spans
        self.module = spans.module
        self.local_names = local_names
        # Names assigned a call's result (filled by the walk): ``x = apps.get_model(...)``.
        self._signal_targets = signal_targets

    def sender(self, arg: cst.Arg | None, scope: Scope, within: cst.CSTNode) -> Sender | None:
        if arg is None:
            return None
        value = arg.value
        literal = None
        if isinstance(value, cst.SimpleString):
            evaluated = value.evaluated_value
            literal = evaluated if isinstance(evaluated, str) else None
        candidates = self.definitions.class_names(value, scope)
        if not candidates and isinstance(value, cst.Attribute):
            # ``Book.authors`` of a class of this module: that class's attribute.
            owners = self.definitions.class_names(value.value, scope)
            candidates = frozenset(f"{owner}.{value.attr.value}" for owner in owners)
        return Sender(
            self.module.code_for_node(value),
            self.spans.span(value, within),
            literal,
            candidates,
            identity=self._sender_identity(value, scope),
            model_reference=(
                self._model_reference(value, scope) if isinstance(value, cst.Name) else None
            ),
        )

    def _sender_identity(self, value: cst.BaseExpression, scope: Scope) -> str | None:
        """What makes two senders one object at run time (see ``Sender.identity``)."""
        if isinstance(value, cst.Name):
            local = self.local_names.value(value.value, scope)
            if local is not None:
                return self._app_config(local, scope) or f"local:{value.value}"
            if self.local_names.is_parameter(value.value, scope):
                return f"local:{value.value}"
            return None
        return self._app_config(value, scope)

    def _app_config(self, value: cst.BaseExpression, scope: Scope) -> str | None:
        """``app-config:LABEL`` for ``apps.get_app_config("LABEL")``: the registry
        holds one AppConfig instance per label."""
        if not isinstance(value, cst.Call) or len(value.args) != 1:
            return None
        label = value.args[0]
        if label.keyword is not None or label.star or not isinstance(label.value, cst.SimpleString):
            return None
        evaluated = label.value.evaluated_value
        if not isinstance(evaluated, str):
            return None
        if GET_APP_CONFIG not in self.scopes.resolve_expression(value.func, scope):
            return None
        return f"app-config:{evaluated}"

    def _model_reference(self, name: cst.Name, scope: Scope) -> str | None:
        """``"app_label.Model"`` for a name bound once to ``apps.get_model("app_label",
        "Model")`` (or ``("app_label.Model")``), or to ``self.get_model("Model")`` in a
        method of an AppConfig whose label its body spells."""
        binding = self.scopes.single_binding(name.value, scope, (BindingKind.OTHER,))
        call = self._signal_targets.get(binding.node) if binding and binding.node else None
        if call is None or not isinstance(call.func, cst.Attribute):
            return None
        if call.func.attr.value != vocabulary.GET_MODEL:
            return None
        strings = [text for text in (string_value(arg.value) for arg in call.args) if text]
        if len(strings) != len(call.args) or any(arg.keyword or arg.star for arg in call.args):
            return None
        owner = call.func.value
        if isinstance(owner, cst.Name) and owner.value == "self":
            label = self._config_label(scope)
            if label is None or len(strings) != 1 or "." in strings[0]:
                return None
            return f"{label}.{strings[0]}"
        if len(strings) == 2:
            return ".".join(strings)
        if len(strings) == 1 and strings[0].count(".") == 1:
            return strings[0]
        return None

    def _config_label(self, scope: Scope) -> str | None:
        """The label of the AppConfig whose method ``scope`` is: its ``label``, or the
        last part of its ``name``, as its body assigns them."""
        current: Scope | None = scope
        while current is not None and current.kind is not ScopeKind.CLASS:
            current = current.parent
        if current is None or not isinstance(current.node, cst.ClassDef):
            return None
        node = current.node
        bases = set().union(
            *(self.definitions.class_names(b.value, self.scopes.module_scope) for b in node.bases)
        )
        if not bases & APP_CONFIG_CLASSES or not isinstance(node.body, cst.IndentedBlock):
            return None
        assigned: dict[str, str | None] = {}
        for statement in node.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                ):
                    assigned[small.targets[0].target.value] = string_value(small.value)
        if "label" in assigned:
            return assigned["label"]
        name = assigned.get("name")
        return name.rsplit(".", 1)[-1] if name else None
