from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ConnectionStyle, FunctionFact, ProjectFacts
from signallint.rules import Finding, Message, project_rule
from signallint.signatures import checked_receivers

NOT_ACCEPTED = Message(
    "`{signal}.{method}()` passes `{keyword}`, which receiver `{name}` ({where}) does not accept"
)


@project_rule(
    "SIG214",
    "send-keyword-not-accepted",
    NOT_ACCEPTED,
    raises=True,
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `send()` calls on a project's own signal that pass a keyword which one of its
    receivers, anywhere in the project, neither names nor takes through `**kwargs`.

    ## Why is this bad?
    Django passes every keyword given to `send()` on to every receiver. A receiver
    that does not accept one of them raises `TypeError`, and `send()` propagates it:
    the sending code fails, in whatever module sends. (The receiver itself is also
    reported by SIG001 for its missing `**kwargs`; this rule points at each `send()`
    that breaks.)

    ## Example
    ```python
    from django.dispatch import Signal, receiver

    order_paid = Signal()


    @receiver(order_paid)
    def on_paid(sender, order):
        ...


    def pay(order):
        order_paid.send(sender=None, order=order, amount=order.total)
    ```

    Use instead:
    ```python
    from django.dispatch import Signal, receiver

    order_paid = Signal()


    @receiver(order_paid)
    def on_paid(sender, order, **kwargs):
        ...


    def pay(order):
        order_paid.send(sender=None, order=order, amount=order.total)
    ```
    """
    receivers: dict[str, list[tuple[str, FunctionFact]]] = {}
    for module in project.modules:
        for connection, function, specs in checked_receivers(module.connections, context):
            if connection.style is ConnectionStyle.DISCONNECT or function.accepts_var_keyword:
                continue
            for spec in specs:
                receivers.setdefault(spec.qualified_name, []).append((module.path, function))
    for module in project.modules:
        for call in module.send_calls:
            sent = context.signal_of(call.signal)
            if sent is None or sent.qualified_name not in context.project_signals:
                continue
            for path, function in receivers.get(sent.qualified_name, []):
                accepted = {p.name for p in function.params}
                for keyword in sorted(call.keywords - {"sender"} - accepted):
                    yield Finding(
                        call.span,
                        NOT_ACCEPTED.format(
                            signal=call.signal.text,
                            method=call.method.value,
                            keyword=keyword,
                            name=function.name,
                            where=f"{path}:{function.span.line}",
                        ),
                        path=module.path,
                    )
