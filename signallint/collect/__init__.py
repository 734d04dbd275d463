"""One walk over a parsed module that turns it into :class:`~signallint.facts.ModuleFacts`.

The walk builds the module's scopes (:mod:`signallint.names`) and hands each node of
interest to small parts: the span locator (which statement it is in, which nodes may
need a position: :mod:`.spans`), the module's defs and classes (:mod:`.definitions`),
and the signal and wiring visitors (:mod:`.signals`, :mod:`.wiring`), which remember
the few nodes that can matter. Only when something was found are names resolved and
positions computed, so a file that merely mentions "signal" costs a parse and one walk.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from signallint import catalogue
from signallint.collect.definitions import Definitions
from signallint.collect.signals import SignalFacts
from signallint.collect.spans import SpanLocator
from signallint.collect.wiring import WiringFacts
from signallint.facts import ModuleFacts
from signallint.names import ScopeBuilder, absolute_module
from signallint.walk import walk


class FactCollector(ScopeBuilder):
    """The one walk: scopes are built here, every other part is fed from here."""

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
        self.spans = SpanLocator(module, source, parsed_source, line_map)
        self.definitions = Definitions(self, module_name)
        self.signals = SignalFacts(self.definitions, self.spans)
        self.wiring = WiringFacts(path, self.definitions, self.spans, source)
        # For the module and each def the walk is in: how many blocks that may not run
        # (``if``, loops, ``match`` cases, ``except`` handlers) hold the current node.
        self._conditional: list[int] = [0]
        # Compatibility blocks around the current node (see ``_is_compatibility``), one
        # flag per ``if`` and ``except`` handler the walk is in.
        self._compatibility: list[bool] = []

    # -- the walk -----------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        enclosing = self.scope
        super().visit_FunctionDef(node)
        self.spans.enter(node)
        self.spans.remember(node)
        self.definitions.enter_function(node, enclosing)
        self.signals.visit_FunctionDef(node, enclosing)
        self._conditional.append(0)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._conditional.pop()
        self.definitions.leave()
        self.spans.leave()

    # Blocks that may not run: what they hold is not unconditional.
    def _enter_block(self) -> None:
        self._conditional[-1] += 1

    def _leave_block(self, original_node: cst.CSTNode) -> None:
        self._conditional[-1] -= 1

    def visit_If(self, node: cst.If) -> None:
        self._enter_block()
        self._compatibility.append(_tests_a_version(node.test))

    def leave_If(self, original_node: cst.If) -> None:
        self._leave_block(original_node)
        self._compatibility.pop()

    def visit_While(self, node: cst.While) -> None:
        self._enter_block()

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        self._enter_block()

    def visit_For(self, node: cst.For) -> None:
        super().visit_For(node)
        self._enter_block()

    def visit_Try(self, node: cst.Try) -> None:
        # ``try: from m import old_name`` with an ``except ImportError:``: a probe for
        # a name some versions lack, whichever branch holds the old name.
        self._compatibility.append(any(_catches_a_missing_name(h.type) for h in node.handlers))

    def leave_Try(self, original_node: cst.Try) -> None:
        self._compatibility.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        super().visit_ExceptHandler(node)
        self._enter_block()
        self._compatibility.append(_catches_a_missing_name(node.type))

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self._leave_block(original_node)
        self._compatibility.pop()

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        super().visit_ExceptStarHandler(node)
        self._enter_block()

    leave_While = leave_MatchCase = leave_For = leave_ExceptStarHandler = _leave_block

    @property
    def _in_compatibility_block(self) -> bool:
        """Code for other versions: a ``try`` whose ``except ImportError:`` (or
        ``AttributeError``) catches a missing name, or a branch of an ``if`` on a
        version. What it names may well be missing from the target, and then the code
        does not run there."""
        return any(self._compatibility)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        super().visit_ClassDef(node)
        self.spans.enter(node)
        self.spans.remember(node)
        self.definitions.enter_class(node)
        self.wiring.visit_ClassDef(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.definitions.leave()
        self.spans.leave()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.spans.enter(node)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self.spans.leave()

    def visit_Call(self, node: cst.Call) -> None:
        self.signals.visit_Call(node)
        self.wiring.visit_Call(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if not self._in_compatibility_block:
            self.signals.visit_Attribute(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        self.signals.visit_Assign(node)
        self.wiring.visit_Assign(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        super().visit_AnnAssign(node)
        self.wiring.visit_AnnAssign(node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        super().visit_AugAssign(node)
        self.wiring.visit_AugAssign(node)

    def visit_Del(self, node: cst.Del) -> None:
        self.wiring.visit_Del(node)

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        self.wiring.visit_Import(node, unconditional=not self._conditional[-1])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        base = absolute_module(node.module, len(node.relative), self.package)
        self.signals.visit_ImportFrom(node, None if self._in_compatibility_block else base)
        self.wiring.visit_ImportFrom(node, base, unconditional=not self._conditional[-1])

    # -- facts --------------------------------------------------------------------

    def facts(self) -> ModuleFacts:
        return ModuleFacts(
            self.path,
            self.module_name,
            connections=tuple(self.signals.connections()),
            module_name_refs=tuple(self.signals.module_name_refs()),
            signal_defs=tuple(self.signals.signal_defs()),
            send_calls=tuple(self.signals.send_calls()),
            model_classes=tuple(self.signals.model_classes()),
            wiring=self.wiring.facts(),
        )


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
        lines = statement_lines[index] if statement_lines else None
        collector.spans.enter_top_level(statement, lines)
        walk(statement, collector)
    return collector.facts()


_MISSING_NAME_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError"})


def _catches_a_missing_name(caught: cst.BaseExpression | None) -> bool:
    """``except ImportError:`` and the like: the fallback of a name that may not exist."""
    if caught is None:
        return False
    names = caught.elements if isinstance(caught, cst.Tuple) else [caught]
    for element in names:
        value = element.value if isinstance(element, cst.Element) else element
        name = (
            value.attr.value
            if isinstance(value, cst.Attribute)
            else (value.value if isinstance(value, cst.Name) else None)
        )
        if name in _MISSING_NAME_ERRORS:
            return True
    return False


def _tests_a_version(test: cst.BaseExpression) -> bool:
    """An ``if`` on a version (``django.VERSION >= (5, 0)``, ``DJANGO_VERSION``,
    ``get_version()``): each branch is for some versions only."""
    pending: list[cst.CSTNode] = [test]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Name):
            if "VERSION" in node.value.upper():
                return True
        elif isinstance(node, cst.BaseExpression | cst.ComparisonTarget | cst.Arg):
            pending.extend(node.children)
    return False
