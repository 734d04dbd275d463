from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ModuleFacts, ParamKind
from signallint.rules import Finding, Message, rule
from signallint.signatures import checked_receivers, misplaced_sender_param, passed_names

POSITIONAL_ONLY = Message(
    "receiver `{name}` takes `{param}` positional-only, but Django passes every argument "
    "by keyword; remove the `/`"
)
SENDER_MISNAMED = Message(
    "first parameter `{param}` of receiver `{name}` never receives the sender: Django "
    "passes it as `sender=`; rename it to `sender`"
)


@rule(
    "SIG003",
    "receiver-positional-parameter",
    POSITIONAL_ONLY,
    SENDER_MISNAMED,
    raises=True,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds receivers that expect an argument positionally: a positional-only parameter
    (before `/`), or a required first parameter with another name than `sender` that
    its author meant to receive the sender.

    ## Why is this bad?
    Django never passes anything positionally to a receiver: it calls
    `receiver(signal=self, sender=sender, **named)` (`django/dispatch/dispatcher.py`).
    A positional-only parameter without a default therefore makes every `send()` raise
    `TypeError`; one with a default silently never gets the value. A first parameter
    named `model` or `cls` does not receive the sender either: Django passes it as
    `sender=`, so the call fails with `TypeError` as soon as the signal is sent.

    ## Example
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(model, instance, **kwargs):
        ...
    ```

    Use instead:
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance, **kwargs):
        ...
    ```
    """
    for _connection, function, specs in checked_receivers(facts.connections, context):
        passed = frozenset().union(*(passed_names(spec, context) for spec in specs))
        for param in function.params:
            if param.kind is ParamKind.POSITIONAL_ONLY and (param.required or param.name in passed):
                yield Finding(
                    param.span,
                    POSITIONAL_ONLY.format(name=function.name, param=param.name),
                )
        misplaced = misplaced_sender_param(function, specs, context)
        if misplaced is not None:
            yield Finding(
                misplaced.span,
                SENDER_MISNAMED.format(name=function.name, param=misplaced.name),
            )
