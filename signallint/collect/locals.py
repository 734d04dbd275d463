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
from collections.abc import Sequence

import libcst as cst

from signallint.names import Binding, BindingKind, Scope, ScopeKind, dotted_name
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
    return _position(node, function) is not None


def nothing_runs_after(node: cst.CSTNode, function: cst.CSTNode | None) -> bool:
    """Whether ``node``, a statement (or the expression of one) of ``function``'s own
    body, is followed there only by statements that cannot send a signal: other
    ``connect()`` calls and assignments of lambdas, ``partial(...)`` objects, names and
    literals. A value a local holds lives until the function returns: whatever runs
    before that may send the signal and reach it (a test connects, triggers, checks).
    """
    position = _position(node, function)
    if position is None:
        return False
    statements, index, small_index = position
    statement = statements[index]
    if isinstance(statement, cst.SimpleStatementLine) and not all(
        map(_quiet, statement.body[small_index + 1 :])
    ):
        return False
    return all(map(_quiet_statement, statements[index + 1 :]))


def _quiet_statement(statement: cst.BaseStatement) -> bool:
    """A statement that cannot send a signal: quiet small statements, or a ``def``
    whose decorators, if any, are ``@receiver(...)`` with inert arguments."""
    if isinstance(statement, cst.SimpleStatementLine):
        return all(map(_quiet, statement.body))
    if isinstance(statement, cst.FunctionDef):
        return all(
            isinstance(call := decorator.decorator, cst.Call)
            and (dotted_name(call.func) or "").rsplit(".", 1)[-1] == "receiver"
            and all(_inert(arg.value) for arg in call.args)
            for decorator in statement.decorators
        )
    return False


def _position(
    node: cst.CSTNode, function: cst.CSTNode | None
) -> tuple[Sequence[cst.BaseStatement], int, int] | None:
    """Where ``node`` stands in ``function``'s own body: the body's statements, the
    index of its statement and its index in that statement's small ones."""
    if not isinstance(function, cst.FunctionDef) or not isinstance(
        function.body, cst.IndentedBlock
    ):
        return None
    statements = function.body.body
    for index, statement in enumerate(statements):
        if statement is node:
            return statements, index, 0
        if isinstance(statement, cst.SimpleStatementLine):
            for small_index, small in enumerate(statement.body):
                if small is node or (isinstance(small, cst.Expr) and small.value is node):
                    return statements, index, small_index
    return None


def _quiet(statement: cst.BaseSmallStatement) -> bool:
    if isinstance(statement, cst.Pass):
        return True
    if isinstance(statement, cst.Return):
        return statement.value is None or _inert(statement.value)
    if isinstance(statement, cst.Expr):
        value = statement.value
        return isinstance(value, cst.SimpleString) or (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and value.func.attr.value == "connect"
            and all(_inert(arg.value) for arg in value.args)
        )
    if isinstance(statement, cst.Assign):
        return _inert(statement.value)
    return False


def _inert(value: cst.BaseExpression) -> bool:
    """An expression whose evaluation runs no code of the project's."""
    if isinstance(value, (cst.Name, cst.SimpleString, cst.Integer, cst.Lambda)):
        return True
    if isinstance(value, cst.Attribute):
        return _inert(value.value)
    if isinstance(value, cst.Call):
        name = dotted_name(value.func)
        return (
            name is not None
            and name.rsplit(".", 1)[-1] == "partial"
            and all(_inert(arg.value) for arg in value.args)
        )
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
