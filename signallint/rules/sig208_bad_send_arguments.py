from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.rules import Finding, Message, rule

EXTRA_POSITIONAL = Message(
    "`{method}()` takes the sender as its only positional argument; pass `{argument}` by keyword"
)
NO_SENDER = Message("`{method}()` needs a sender: pass `sender=` (it may be None)")
SIGNAL_KEYWORD = Message(
    "`{method}()` passes `signal=`, which Django already passes to every receiver "
    "(TypeError); rename it"
)


@rule(
    "SIG208",
    "bad-send-arguments",
    EXTRA_POSITIONAL,
    NO_SENDER,
    SIGNAL_KEYWORD,
    raises=True,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `send()`, `send_robust()`, `asend()` and `asend_robust()` calls on a known
    signal with a positional argument besides the sender, without any sender, or with
    `signal=`.

    ## Why is this bad?
    `Signal.send(sender, **named)` takes exactly one positional argument: a second one
    raises `TypeError`, and so does a missing sender. `signal=` collides with the
    `signal` keyword Django passes to every receiver ("got multiple values for keyword
    argument 'signal'"). These calls fail only when the code that sends runs.

    ## Example
    ```python
    from django.dispatch import Signal

    order_paid = Signal()


    def pay(order):
        order_paid.send(order, order.total)
    ```

    Use instead:
    ```python
    from django.dispatch import Signal

    order_paid = Signal()


    def pay(order):
        order_paid.send(sender=type(order), order=order, total=order.total)
    ```
    """
    for call in facts.send_calls:
        if context.signal_of(call.signal) is None:
            continue
        if any(a.keyword == "*" for a in call.arguments):
            continue
        method = call.method.value
        positional = [a for a in call.arguments if a.keyword is None]
        if len(positional) > 1:
            yield Finding(
                positional[1].span,
                EXTRA_POSITIONAL.format(method=method, argument=positional[1].text),
            )
        has_sender = positional or any(a.keyword in ("sender", "**") for a in call.arguments)
        if not has_sender:
            yield Finding(call.span, NO_SENDER.format(method=method))
        for argument in call.arguments:
            if argument.keyword == "signal":
                yield Finding(
                    argument.span,
                    SIGNAL_KEYWORD.format(method=method),
                )
