from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.rules import Finding, Message, rule

CREATED_IN_FUNCTION = Message(
    "a Signal() created and sent inside a function can have no receivers; "
    "define it once at module level"
)


@rule(
    "SIG212",
    "signal-created-in-function",
    CREATED_IN_FUNCTION,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a `Signal()` created inside a function or method and sent from there.

    ## Why is this bad?
    Every call creates a new signal object that nothing else can reach, so nobody can
    have connected a receiver to it: the `send()` does nothing. Signals belong at module
    level (or on a class), created once at import time.

    ## Example
    ```python
    from django.dispatch import Signal


    def pay(order):
        order_paid = Signal()
        order_paid.send(sender=type(order), order=order)
    ```

    Use instead:
    ```python
    from django.dispatch import Signal

    order_paid = Signal()


    def pay(order):
        order_paid.send(sender=type(order), order=order)
    ```

    ## Known problems
    Only reported when the signal is sent from the function that created it under the
    name it was assigned to; a factory that returns a new signal is fine.
    """
    for definition in facts.signal_defs:
        if definition.in_function and definition.sent_locally:
            yield Finding(
                definition.span,
                CREATED_IN_FUNCTION.format(),
            )
