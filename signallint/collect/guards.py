"""The ``x.save()`` statements of a receiver's body, each with the guards that reach it.

Control flow decides whether a save runs again in the signal it sends: an enclosing
``if`` (or its ``else``), an early ``return`` or ``raise`` before it, a loop, ``try`` or
``with`` around it. Conditions that read the receiver's ``created``, ``raw`` and
``update_fields`` (as parameters, or through ``**kwargs``) become ``GuardAtom``s a rule
can evaluate; any other condition, and anything that may or may not run or exit, is an
UNKNOWN atom.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

import libcst as cst

from signallint.facts import Guard, GuardAtom, GuardTest, SaveCall, Span

# The arguments a model signal passes that a guard may test, with the test its truth is.
_SIGNAL_ARGUMENTS = {
    "created": GuardTest.CREATED,
    "raw": GuardTest.RAW,
    "update_fields": GuardTest.UPDATE_FIELDS,
}
_NEGATION = {
    GuardTest.CREATED: GuardTest.NOT_CREATED,
    GuardTest.RAW: GuardTest.NOT_RAW,
    GuardTest.UPDATE_FIELDS: GuardTest.NO_UPDATE_FIELDS,
    GuardTest.FIELD_UPDATED: GuardTest.FIELD_NOT_UPDATED,
    GuardTest.UNKNOWN: GuardTest.UNKNOWN,
}
_NEGATION.update({negative: positive for positive, negative in list(_NEGATION.items())})
_UNKNOWN = GuardAtom(GuardTest.UNKNOWN)
_EMPTY_CALLS = frozenset({"set", "frozenset", "list", "tuple"})
_SPACES = re.compile(r"\s+")

# Where a save statement is positioned: the innermost statement holding it.
Locate = Callable[[cst.Call, cst.BaseStatement], Span]


def guarded_saves(function: cst.FunctionDef, locate: Locate) -> Iterator[SaveCall]:
    """The ``NAME.save(...)`` expression statements of ``function``'s body."""
    reader = _Conditions(function)
    yield from _Walk(reader, locate).block(function.body, function, ())


class _Walk:
    def __init__(self, conditions: _Conditions, locate: Locate):
        self.conditions = conditions
        self.locate = locate

    def block(
        self, block: cst.BaseSuite, owner: cst.BaseStatement, guards: tuple[Guard, ...]
    ) -> Iterator[SaveCall]:
        """The saves of a block of ``owner`` reached under ``guards``."""
        statements: Sequence[cst.CSTNode] = (
            block.body if isinstance(block, cst.IndentedBlock) else (block,)
        )
        for statement in statements:
            if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                anchor = statement if isinstance(statement, cst.SimpleStatementLine) else owner
                for small in statement.body:
                    if isinstance(small, (cst.Return, cst.Raise)):
                        return
                    save = _save_call(small)
                    if save is not None:
                        yield self._save(save, anchor, guards)
                continue
            if isinstance(statement, cst.If):
                yield from self._if(statement, guards)
                after = self._after_if(statement)
                if after is None:
                    return
                guards = (*guards, *after)
            elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                continue
            elif isinstance(statement, cst.BaseCompoundStatement):
                around = (*guards, self._unknown(statement))
                for inner in _blocks(statement):
                    yield from self.block(inner, statement, around)
                if _may_exit(statement):
                    guards = (*guards, self._unknown(statement))

    def _save(
        self, call: cst.Call, anchor: cst.BaseStatement, guards: tuple[Guard, ...]
    ) -> SaveCall:
        assert isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name)
        has_update_fields, fields = _update_fields(call)
        return SaveCall(
            call.func.value.value,
            self.locate(call, anchor),
            has_update_fields,
            fields,
            guards,
        )

    def _if(self, statement: cst.If, guards: tuple[Guard, ...]) -> Iterator[SaveCall]:
        text = f"if {self.conditions.text(statement.test)}"
        reached = (*guards, self._guard(text, statement.test, True))
        yield from self.block(statement.body, statement, reached)
        orelse = statement.orelse
        if orelse is None:
            return
        otherwise = (*guards, self._guard(f"else of {text}", statement.test, False))
        if isinstance(orelse, cst.If):
            yield from self._if(orelse, otherwise)
        else:
            yield from self.block(orelse.body, statement, otherwise)

    def _after_if(self, statement: cst.If) -> tuple[Guard, ...] | None:
        """What holds after an ``if`` (its ``elif``s and ``else``) for the code that
        follows it; None when every branch exits."""
        text = f"if {self.conditions.text(statement.test)}"
        orelse = statement.orelse
        rest: tuple[Guard, ...] | None
        if orelse is None:
            rest = ()
        elif isinstance(orelse, cst.If):
            rest = self._after_if(orelse)
        elif _always_exits(orelse.body):
            rest = None
        else:
            rest = (self._unknown(orelse),) if _may_exit(orelse) else ()
        if _always_exits(statement.body):
            if rest is None:
                return None
            return (self._guard(f"{text}: return", statement.test, False), *rest)
        if _may_exit(statement.body):
            return (self._unknown(statement),)
        if rest is None:
            return (self._guard(f"{text}: ... else: return", statement.test, True),)
        return () if not rest else (self._unknown(statement),)

    def _guard(self, text: str, test: cst.BaseExpression, holds: bool) -> Guard:
        return Guard(text, self.conditions.clauses(test, holds))

    def _unknown(self, statement: cst.CSTNode) -> Guard:
        keyword = type(statement).__name__.lower()
        return Guard(keyword, ((_UNKNOWN,),))


class _Conditions:
    """Turns a condition of a receiver's body into clauses of ``GuardAtom``s."""

    def __init__(self, function: cst.FunctionDef):
        self.module = cst.Module(body=())
        params = function.params
        named = [*params.posonly_params, *params.params, *params.kwonly_params]
        self.params = {p.name.value for p in named}
        star = params.star_kwarg
        self.kwargs = star.name.value if isinstance(star, cst.Param) else None
        self.function = function
        self._rebound: frozenset[str] | None = None

    def text(self, expression: cst.BaseExpression) -> str:
        return _SPACES.sub(" ", self.module.code_for_node(expression)).strip()

    def clauses(
        self, expression: cst.BaseExpression, holds: bool
    ) -> tuple[tuple[GuardAtom, ...], ...]:
        """What ``bool(expression) is holds`` requires: every clause, each an "or"."""
        if isinstance(expression, cst.UnaryOperation) and isinstance(expression.operator, cst.Not):
            return self.clauses(expression.expression, not holds)
        if isinstance(expression, cst.BooleanOperation):
            left = self.clauses(expression.left, holds)
            right = self.clauses(expression.right, holds)
            conjunction = isinstance(expression.operator, cst.And) == holds
            if conjunction:
                return (*left, *right)
            if len(left) == 1 and len(right) == 1:
                return ((*left[0], *right[0]),)
            return ((_UNKNOWN,),)
        atom = self._atom(expression)
        if not holds:
            atom = GuardAtom(_NEGATION[atom.test], atom.field, atom.none_safe)
        return ((atom,),)

    def _atom(self, expression: cst.BaseExpression) -> GuardAtom:
        argument = self._argument(expression)
        if argument is not None:
            return GuardAtom(_SIGNAL_ARGUMENTS[argument])
        if isinstance(expression, cst.Comparison) and len(expression.comparisons) == 1:
            return self._comparison(expression.left, expression.comparisons[0])
        return _UNKNOWN

    def _comparison(self, left: cst.BaseExpression, target: cst.ComparisonTarget) -> GuardAtom:
        operator, right = target.operator, target.comparator
        if isinstance(operator, (cst.In, cst.NotIn)) and isinstance(left, cst.SimpleString):
            field = left.evaluated_value
            reads, none_safe = self._update_fields_read(right)
            if reads and isinstance(field, str):
                test = GuardTest.FIELD_UPDATED
                if isinstance(operator, cst.NotIn):
                    test = GuardTest.FIELD_NOT_UPDATED
                return GuardAtom(test, field, none_safe)
            return _UNKNOWN
        argument = self._argument(left)
        if argument is None or not isinstance(right, cst.Name):
            return _UNKNOWN
        positive = isinstance(operator, (cst.Is, cst.Equal))
        if not positive and not isinstance(operator, (cst.IsNot, cst.NotEqual)):
            return _UNKNOWN
        if argument == "update_fields" and right.value == "None":
            # Django never sends an empty ``update_fields``: None is its only falsy value.
            test = GuardTest.NO_UPDATE_FIELDS if positive else GuardTest.UPDATE_FIELDS
            return GuardAtom(test)
        if argument != "update_fields" and right.value in ("True", "False"):
            test = _SIGNAL_ARGUMENTS[argument]
            return GuardAtom(test if positive == (right.value == "True") else _NEGATION[test])
        return _UNKNOWN

    def _update_fields_read(self, expression: cst.BaseExpression) -> tuple[bool, bool]:
        """Whether ``expression`` reads ``update_fields``, and whether as ``(... or ())``."""
        if self._argument(expression) == "update_fields":
            return True, False
        if (
            isinstance(expression, cst.BooleanOperation)
            and isinstance(expression.operator, cst.Or)
            and self._argument(expression.left) == "update_fields"
            and _is_empty_collection(expression.right)
        ):
            return True, True
        return False, False

    def _argument(self, expression: cst.BaseExpression) -> str | None:
        """The signal argument ``expression`` reads, unchanged since the call."""
        name: str | None = None
        if isinstance(expression, cst.Name) and expression.value in self.params:
            name = expression.value
        elif self.kwargs is not None:
            key = _kwargs_key(expression, self.kwargs)
            if key is not None and key not in self.params:
                name = key
                if self.kwargs in self._rebound_names():
                    return None
        if name not in _SIGNAL_ARGUMENTS or name in self._rebound_names():
            return None
        return name

    def _rebound_names(self) -> frozenset[str]:
        if self._rebound is None:
            finder = _Rebinding(self.kwargs)
            self.function.body.visit(finder)
            self._rebound = frozenset(finder.names)
        return self._rebound


class _Rebinding(cst.CSTVisitor):
    """Names the body binds again (and ``**kwargs`` changed in place)."""

    def __init__(self, kwargs: str | None):
        self.kwargs = kwargs
        self.names: set[str] = set()

    def _bind(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            self.names.add(target.value.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        if isinstance(node.name, cst.BaseExpression):
            self._bind(node.name)

    def visit_Del(self, node: cst.Del) -> None:
        self._bind(node.target)

    def visit_Global(self, node: cst.Global) -> None:
        self.names.update(item.name.value for item in node.names)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # ``kwargs.pop(...)``, ``kwargs.update(...)``: only ``get`` leaves it as sent.
        if (
            isinstance(node.value, cst.Name)
            and node.value.value == self.kwargs
            and node.attr.value != "get"
        ):
            self.names.add(node.value.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _kwargs_key(expression: cst.BaseExpression, kwargs: str) -> str | None:
    """``KEY`` of ``kwargs.get("KEY")`` (no default or a falsy one) or ``kwargs["KEY"]``."""
    if isinstance(expression, cst.Subscript):
        owner, elements = expression.value, expression.slice
        if not (isinstance(owner, cst.Name) and owner.value == kwargs and len(elements) == 1):
            return None
        index = elements[0].slice
        key = index.value if isinstance(index, cst.Index) else None
    elif isinstance(expression, cst.Call):
        func = expression.func
        if not (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == kwargs
            and func.attr.value == "get"
            and 1 <= len(expression.args) <= 2
            and all(a.keyword is None and not a.star for a in expression.args)
        ):
            return None
        if len(expression.args) == 2 and not _is_falsy_constant(expression.args[1].value):
            return None
        key = expression.args[0].value
    else:
        return None
    if isinstance(key, cst.SimpleString) and isinstance(key.evaluated_value, str):
        return key.evaluated_value
    return None


def _is_falsy_constant(expression: cst.BaseExpression) -> bool:
    if isinstance(expression, cst.Name):
        return expression.value in ("None", "False")
    return _is_empty_collection(expression)


def _is_empty_collection(expression: cst.BaseExpression) -> bool:
    if isinstance(expression, (cst.Tuple, cst.List, cst.Dict)):
        return not expression.elements
    if isinstance(expression, cst.Call) and not expression.args:
        return isinstance(expression.func, cst.Name) and expression.func.value in _EMPTY_CALLS
    return False


def _save_call(small: cst.BaseSmallStatement) -> cst.Call | None:
    call = small.value if isinstance(small, cst.Expr) else None
    if (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "save"
        and isinstance(call.func.value, cst.Name)
    ):
        return call
    return None


def _update_fields(call: cst.Call) -> tuple[bool, tuple[str, ...] | None]:
    """Whether the call passes ``update_fields`` (or may), and its literal fields."""
    for argument in call.args:
        if argument.star == "**":
            return True, None
        if argument.keyword is None or argument.keyword.value != "update_fields":
            continue
        value = argument.value
        if isinstance(value, cst.Name) and value.value == "None":
            return False, None
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            fields = [
                element.value.evaluated_value
                for element in value.elements
                if isinstance(element, cst.Element) and isinstance(element.value, cst.SimpleString)
            ]
            if len(fields) == len(value.elements) and all(isinstance(f, str) for f in fields):
                return True, tuple(str(f) for f in fields)
        return True, None
    return False, None


def _blocks(statement: cst.BaseCompoundStatement) -> Iterator[cst.BaseSuite]:
    """Every block of a compound statement other than ``if``."""
    yield statement.body
    for handler in getattr(statement, "handlers", ()):
        yield handler.body
    for case in getattr(statement, "cases", ()):
        yield case.body
    orelse = getattr(statement, "orelse", None)
    if orelse is not None:
        yield orelse.body
    finalbody = getattr(statement, "finalbody", None)
    if finalbody is not None:
        yield finalbody.body


def _always_exits(block: cst.BaseSuite) -> bool:
    """The block ends in ``return`` or ``raise`` (or an ``if`` each branch of which does)."""
    if isinstance(block, cst.SimpleStatementSuite):
        return any(isinstance(small, (cst.Return, cst.Raise)) for small in block.body)
    assert isinstance(block, cst.IndentedBlock)
    for statement in block.body:
        if isinstance(statement, cst.SimpleStatementLine):
            if any(isinstance(small, (cst.Return, cst.Raise)) for small in statement.body):
                return True
        elif isinstance(statement, cst.If) and _if_always_exits(statement):
            return True
    return False


def _if_always_exits(statement: cst.If) -> bool:
    orelse = statement.orelse
    if orelse is None or not _always_exits(statement.body):
        return False
    if isinstance(orelse, cst.If):
        return _if_always_exits(orelse)
    return _always_exits(orelse.body)


class _ExitFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Return(self, node: cst.Return) -> None:
        self.found = True

    def visit_Raise(self, node: cst.Raise) -> None:
        self.found = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _may_exit(node: cst.CSTNode) -> bool:
    """``return`` or ``raise`` somewhere in ``node`` (not in a def nested in it)."""
    finder = _ExitFinder()
    node.visit(finder)
    return finder.found
