"""Local names of a function: what a name bound once holds, and how often the function
spells a name.

A value connected through a local (``cb = partial(f, x=1); sig.connect(cb)``) lives as
long as something refers to it. Whether anything does is decided conservatively: the
function's body must bind the name exactly once, by an assignment among its own
statements (not in a branch or a loop), and spell it nowhere but there and in the
connection. Any other mention (stored, returned, passed on, captured by a nested
function, deleted...) may keep it alive. Names are counted as syntax, so a comment or a
string that mentions one changes nothing.
"""

from __future__ import annotations

from collections import Counter

import libcst as cst

from signallint.names import Binding, BindingKind, Scope, ScopeKind
from signallint.walk import walk


class LocalNames:
    """Remembers single-target assignments during the walk; answers once it is over."""

    def __init__(self) -> None:
        self._assignments: dict[cst.CSTNode, cst.Assign] = {}
        self._spellings: dict[cst.CSTNode, Counter[str]] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._assignments[node.targets[0].target] = node

    def value(self, name: str, scope: Scope) -> cst.BaseExpression | None:
        """What ``name`` holds where ``scope`` is a function's body that binds it once, by
        an assignment that is a statement of that body itself; else None."""
        binding = _single_local_binding(name, scope)
        if binding is None or binding.node is None:
            return None
        assignment = self._assignments.get(binding.node)
        if assignment is None or not is_body_statement(assignment, scope.node):
            return None
        return assignment.value

    def is_parameter(self, name: str, scope: Scope) -> bool:
        """Whether ``name`` is a parameter of the function whose body ``scope`` is, bound
        nowhere else in it."""
        binding = _single_local_binding(name, scope)
        return binding is not None and isinstance(binding.node, cst.Param)

    def spellings(self, name: str, scope: Scope) -> int | None:
        """How often the innermost function around ``scope`` spells ``name`` as a name
        (its own name and nested functions included; attribute names and keywords of a
        call are not names); None outside functions."""
        current: Scope | None = scope
        while current is not None and current.kind is not ScopeKind.FUNCTION:
            current = current.parent
        if current is None or current.node is None:
            return None
        counts = self._spellings.get(current.node)
        if counts is None:
            counter = _NameCounter()
            walk(current.node, counter)
            counts = self._spellings[current.node] = counter.counts
        return counts[name]


def is_body_statement(node: cst.CSTNode, function: cst.CSTNode | None) -> bool:
    """Whether ``node`` is a statement (or the expression of a small one) standing
    directly in ``function``'s body: it runs whenever the function does, once."""
    if not isinstance(function, cst.FunctionDef):
        return False
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return False
    for statement in body.body:
        if statement is node:
            return True
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if small is node or (isinstance(small, cst.Expr) and small.value is node):
                    return True
    return False


def _single_local_binding(name: str, scope: Scope) -> Binding | None:
    if scope.kind is not ScopeKind.FUNCTION or not isinstance(scope.node, cst.FunctionDef):
        return None
    if name in scope.global_names or name in scope.nonlocal_names:
        return None
    bindings = scope.bindings.get(name)
    if bindings is None or len(bindings) != 1 or bindings[0].kind is not BindingKind.OTHER:
        return None
    return bindings[0]


class _NameCounter(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()
        self._not_names: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._not_names.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._not_names.add(id(node.keyword))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._not_names:
            self.counts[node.value] += 1
