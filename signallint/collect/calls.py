"""The calls a receiver's body makes directly, by the name they call.

"Directly" means while the receiver runs: calls in a nested ``def``, ``lambda`` or
class, and in the arguments of ``transaction.on_commit(...)``, run later (or never) and
are left out. A callee is named by what its first name is bound to (an import of the
function's own body, else of the module), then the rest of its dotted text:
``send_mail`` imported from ``django.core.mail`` is ``django.core.mail.send_mail``,
``notify.delay`` stays ``notify.delay`` unless ``notify`` is imported. A method called
on an object made in the same expression is named after its class:
``EmailMessage(...).send()`` is ``django.core.mail.EmailMessage().send``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from signallint.facts import CallFact, Span
from signallint.names import absolute_module, dotted_name

# How a call is positioned: the innermost statement holding it.
Locate = Callable[[cst.Call, cst.BaseStatement], Span]
# The qualified name an unqualified name of the module is bound to by an import, if any.
ResolveModuleName = Callable[[str], str | None]


class _DirectCalls(cst.CSTVisitor):
    def __init__(self, package: str | None) -> None:
        self.package = package
        self.calls: list[tuple[str, cst.Call, cst.BaseStatement]] = []
        self.imported: dict[str, str] = {}
        self._statements: list[cst.BaseStatement] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.BaseStatement):
            self._statements.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, cst.BaseStatement):
            self._statements.pop()
        super().on_leave(original_node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.imported[alias.asname.name.value] = name
            else:
                head = name.split(".", 1)[0]
                self.imported[head] = head

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = absolute_module(node.module, len(node.relative), self.package)
        if module is None:
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            bound = alias.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            self.imported[bound] = f"{module}.{alias.name.value}"

    def visit_Call(self, node: cst.Call) -> bool:
        name = dotted_name(node.func)
        func = node.func
        if (
            name is None
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Call)
            and (made := dotted_name(func.value.func)) is not None
        ):
            # ``EmailMessage(...).send()``: named after the class it is made from.
            name = f"{made}().{func.attr.value}"
        if name is None:
            return True
        if name.rsplit(".", 1)[-1] == "on_commit":
            return False  # what it is given runs after the transaction commits
        if self._statements:
            self.calls.append((name, node, self._statements[-1]))
        return True


def direct_calls(
    function: cst.FunctionDef,
    package: str | None,
    resolve: ResolveModuleName,
    locate: Locate,
) -> Iterator[CallFact]:
    """The calls ``function``'s body makes while it runs, each named and positioned."""
    visitor = _DirectCalls(package)
    function.body.visit(visitor)
    for name, call, statement in visitor.calls:
        head, dot, rest = name.partition(".")
        bound = visitor.imported.get(head) or resolve(head)
        callee = f"{bound}{dot}{rest}" if bound else name
        yield CallFact(callee, locate(call, statement))
