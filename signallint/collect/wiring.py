"""Wiring facts: what Django imports (for :mod:`signallint.project`).

Every import with the function or class that holds it, calls that import modules named
at runtime, the classes that may be AppConfigs, and INSTALLED_APPS and
default_app_config in settings and app modules.
"""

from __future__ import annotations

import re

import libcst as cst

from signallint.collect.definitions import (
    Definitions,
    argument,
    keyword_argument,
    names_bound,
    string_value,
)
from signallint.collect.members import Members
from signallint.collect.spans import SpanLocator
from signallint.facts import (
    ClassFact,
    DefaultAppConfig,
    DynamicImport,
    DynamicImportKind,
    ImportFact,
    InstalledApps,
    Wiring,
)
from signallint.names import Scope, ScopeKind, dotted_name
from signallint.vocabulary import DYNAMIC_IMPORT_SPELLINGS, DYNAMIC_IMPORTS, is_apps_module

LIST_METHODS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "sort"})
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[a-zA-Z%]")
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_QUOTED_IDENTIFIER = re.compile(r"""['"]([A-Za-z_][A-Za-z0-9_]*)['"]""")


class WiringFacts:
    """Remembers what may be a wiring fact during the walk; makes the facts after it."""

    def __init__(self, path: str, definitions: Definitions, spans: SpanLocator, source: str | None):
        self.path = path
        self.definitions = definitions
        self.scopes = definitions.scopes
        self.module_name = definitions.module_name
        self.spans = spans
        self.module = spans.module
        self._source = source
        self._imports: list[ImportFact] = []
        self._dynamic: list[tuple[cst.Call, Scope, str | None]] = []
        self._classes: list[cst.ClassDef] = []
        stem = path.replace("\\", "/").rsplit("/", 1)[-1]
        self._in_apps_module = is_apps_module(stem, self.module_name)
        self._members = Members(definitions, spans) if self._in_apps_module else None
        # Module-level names and every value assigned to them (``=``, ``:``, ``+=``).
        self._assigned: dict[str, list[cst.BaseExpression]] = {}
        # Module-level names also bound in ways we cannot follow (unpacking, ``-=``).
        self._opaque: set[str] = set()
        # ``NAME.append(...)`` and friends at module level.
        self._list_calls: dict[str, list[cst.Call]] = {}

    # -- the walk -----------------------------------------------------------------

    def visit_Import(self, node: cst.Import, unconditional: bool = False) -> None:
        owner = self.definitions.owner()
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is not None:
                self._imports.append(ImportFact(name, owner=owner, unconditional=unconditional))
        if self._members is not None:
            self._members.visit_Import(node)

    def visit_ImportFrom(
        self, node: cst.ImportFrom, base: str | None, unconditional: bool = False
    ) -> None:
        if self._members is not None:
            self._members.visit_ImportFrom(node, base)
        if base is None:
            return  # a relative import that cannot be placed
        names: tuple[str, ...] = ("*",)
        renamed: list[tuple[str, str]] = []
        if not isinstance(node.names, cst.ImportStar):
            names = tuple(name for name in map(dotted_name, (a.name for a in node.names)) if name)
            for alias in node.names:
                bound = alias.evaluated_alias
                if bound is not None and isinstance(alias.name, cst.Name):
                    renamed.append((alias.name.value, bound))
        owner = self.definitions.owner()
        self._imports.append(
            ImportFact(
                base,
                names,
                True,
                owner,
                tuple(renamed),
                level=len(node.relative),
                unconditional=unconditional,
            )
        )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.scopes.scope.kind is ScopeKind.MODULE:
            self._classes.append(node)
        if self._members is not None:
            self._members.visit_ClassDef(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._members is not None:
            self._members.visit_Assign(node)
        if self.scopes.scope.kind is not ScopeKind.MODULE:
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._remember(target.target.value, node.value)
            else:
                for name in names_bound(target.target):
                    self._opaque.add(name)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self._members is not None:
            self._members.visit_AnnAssign(node)
        if (
            node.value is not None
            and self.scopes.scope.kind is ScopeKind.MODULE
            and isinstance(node.target, cst.Name)
        ):
            self._remember(node.target.value, node.value)

    def visit_Del(self, node: cst.Del) -> None:
        if self._members is not None:
            self._members.visit_Del(node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self.scopes.scope.kind is ScopeKind.MODULE and isinstance(node.target, cst.Name):
            if isinstance(node.operator, cst.AddAssign):
                self._remember(node.target.value, node.value)
            else:
                self._opaque.add(node.target.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        spelled = (
            func.attr.value
            if isinstance(func, cst.Attribute)
            else func.value
            if isinstance(func, cst.Name)
            else None
        )
        if spelled in DYNAMIC_IMPORT_SPELLINGS:
            self._dynamic.append((node, self.scopes.scope, self.definitions.owner()))
        elif (
            spelled in LIST_METHODS
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and self.scopes.scope.kind is ScopeKind.MODULE
        ):
            self._list_calls.setdefault(func.value.value, []).append(node)

    def _remember(self, name: str, value: cst.BaseExpression) -> None:
        self._assigned.setdefault(name, []).append(value)
        self.spans.remember_in_top_level(value)

    # -- facts --------------------------------------------------------------------

    def facts(self) -> Wiring:
        return Wiring(
            imports=tuple(self._imports),
            dynamic_imports=tuple(self._dynamic_imports()),
            classes=tuple(self._class_facts()),
            members=self._members.facts() if self._members is not None else None,
            installed_apps=self._installed_apps(),
            default_app_config=self._default_app_config(),
        )

    def _dynamic_imports(self) -> list[DynamicImport]:
        found = []
        for call, scope, owner in self._dynamic:
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
                    argument(call.args, 0, "name")
                    or keyword_argument(call.args, "dotted_path")
                    or keyword_argument(call.args, "mod_name")
                )
                names = [
                    "*" if first is None or first.star else self._name_pattern(first.value, scope)
                ]
                if kind is DynamicImportKind.MODULE:
                    package = argument(call.args, 1, "package")
                    names = [self._place_relative(name, package, scope) for name in names]
                    if argument(call.args, 3, "fromlist") is not None:
                        # ``__import__(name, fromlist=[...])`` also imports submodules.
                        names += [f"{name}.*" for name in names]
            hints: tuple[str, ...] = ()
            if any(_opaque(name) for name in names):
                text = self._source if self._source is not None else self.module.code
                hints = tuple(sorted(set(_QUOTED_IDENTIFIER.findall(text))))
            found.append(DynamicImport(kind, tuple(names), owner, hints))
        return found

    def _dynamic_kind(self, call: cst.Call, scope: Scope) -> DynamicImportKind:
        for name in self.scopes.resolve_expression(call.func, scope):
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
        literal = string_value(expression)
        if literal is not None:
            return literal
        pattern = "*"
        if isinstance(expression, cst.Name):
            if expression.value == "__name__" and self.module_name:
                pattern = self.module_name
            elif expression.value == "__package__" and self.scopes.package:
                pattern = self.scopes.package
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
                template = string_value(expression.left)
                if template is not None:
                    pattern = _PERCENT_FIELD.sub("*", template)
        elif isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute):
            template = string_value(expression.func.value)
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
        found = []
        for node in self._classes:
            bases = [arg.value for arg in node.bases if arg.keyword is None]
            if not self._in_apps_module and not any(
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
                        strings[name] = string_value(value)
            module_scope = self.scopes.module_scope
            found.append(
                ClassFact(
                    name=node.name.value,
                    qualified_name=self.definitions.qualify(node.name.value),
                    bases=tuple(self.definitions.class_names(b, module_scope) for b in bases),
                    default=default,
                    default_unknown=default_unknown,
                    app_name=strings.get("name"),
                    label=strings.get("label"),
                    methods=tuple(methods),
                    span=self.spans.span(node.name, node),
                )
            )
        return found

    def _installed_apps(self) -> InstalledApps | None:
        name = "INSTALLED_APPS"
        if name not in self._assigned and name not in self._list_calls:
            return None
        entries: list[str] = []
        complete = self._strings_of_name(name, entries, set())
        for call in self._list_calls.get(name, []):
            assert isinstance(call.func, cst.Attribute)
            method = call.func.attr.value
            values = [arg.value for arg in call.args if arg.keyword is None]
            if method in ("append", "insert") and values:
                value = string_value(values[-1])
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
        values = self._assigned.get(name)
        if not values or name in self._opaque:
            return False  # imported, or bound in a way we cannot follow
        seen = seen | {name}
        complete = True
        for value in values:
            complete = self._strings_of(value, entries, seen) and complete
        return complete

    def _strings_of(self, value: cst.BaseExpression, entries: list[str], seen: set[str]) -> bool:
        """Collect the strings a list expression holds; False if some part is unknown."""
        literal = string_value(value)
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
        values = self._assigned.get("default_app_config")
        if not values:
            return None
        value = values[-1]
        return DefaultAppConfig(
            string_value(value) or self._with_module_name(value), self.spans.span(value)
        )

    def _with_module_name(self, value: cst.BaseExpression) -> str | None:
        """``__name__ + ".apps.ShopConfig"`` or ``f"{__name__}.ShopConfig"``, with the
        module's own name for ``__name__`` (a package's, in its ``__init__.py``)."""
        if self.module_name is None:
            return None
        if (
            isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, cst.Add)
            and isinstance(value.left, cst.Name)
            and value.left.value == "__name__"
        ):
            rest = string_value(value.right)
            return self.module_name + rest if rest is not None else None
        if isinstance(value, cst.FormattedString):
            parts = []
            for part in value.parts:
                if isinstance(part, cst.FormattedStringText):
                    parts.append(part.value)
                elif (
                    isinstance(part, cst.FormattedStringExpression)
                    and isinstance(part.expression, cst.Name)
                    and part.expression.value == "__name__"
                    and part.conversion is None
                    and part.format_spec is None
                ):
                    parts.append(self.module_name)
                else:
                    return None
            return "".join(parts)
        return None


def _opaque(pattern: str) -> bool:
    """True when a pattern has no literal name part at all (``*``, ``*.*``)."""
    return not pattern.replace("*", "").replace(".", "")


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
