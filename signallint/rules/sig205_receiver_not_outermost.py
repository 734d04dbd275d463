from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ConnectionStyle, FunctionFact, ModuleFacts, ReceiverKind
from signallint.rules import Finding, Message, rule

NOT_OUTERMOST = Message(
    "@receiver is below @{decorator}: the signal calls the undecorated function; "
    "put @receiver on top"
)

# Wrapping the connected function in these keeps it callable as it was connected.
HARMLESS_OUTER = frozenset({"staticmethod"})


@rule(
    "SIG205",
    "receiver-not-outermost",
    NOT_OUTERMOST,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `@receiver(...)` with another decorator above it (other `@receiver`s
    excepted).

    ## Why is this bad?
    Decorators apply bottom-up: `@receiver` connects the function it is given, and the
    decorators above it wrap that function afterwards. The signal calls the unwrapped
    function, so whatever the outer decorator adds (a transaction, logging, a retry, a
    feature flag) silently never happens for signal calls.

    ## Example
    ```python
    from django.db import transaction
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @transaction.atomic
    @receiver(post_save)
    def on_save(sender, instance, **kwargs):
        ...
    ```

    Use instead:
    ```python
    from django.db import transaction
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    @transaction.atomic
    def on_save(sender, instance, **kwargs):
        ...
    ```
    """
    # A def's own receivers, told apart from another def of the same name by its fact
    # (which holds where it stands).
    receiver_indices: dict[FunctionFact, set[int]] = {}
    decorated = [
        c
        for c in facts.connections
        if c.style is ConnectionStyle.DECORATOR
        and c.function is not None
        and c.receiver_kind is not ReceiverKind.METHOD  # methods: SIG206
    ]
    for connection in decorated:
        assert connection.function is not None
        receiver_indices.setdefault(connection.function, set()).add(connection.decorator_index)
    for connection in decorated:
        function = connection.function
        assert function is not None
        indices = receiver_indices[function]
        outer = [
            function.decorators[i]
            for i in range(connection.decorator_index)
            if i not in indices and function.decorators[i] not in HARMLESS_OUTER
        ]
        if outer and context.signals_of(connection.signals) is not None:
            yield Finding(
                connection.span,
                NOT_OUTERMOST.format(decorator=outer[-1]),
            )
