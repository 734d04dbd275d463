from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.rules import Finding, rule
from signallint.signatures import checked_receivers


@rule(
    "SIG001",
    "receiver-missing-kwargs",
    "receiver `{name}` does not accept **kwargs; add **kwargs to its parameters",
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds receivers of Django signals whose signature has no `**kwargs` parameter.

    ## Why is this bad?
    Django calls every receiver as `receiver(signal=..., sender=..., **named)`, and
    signals may send new keywords in any release. `Signal.connect()` rejects a
    receiver without `**kwargs` with `ValueError("Signal receivers must accept keyword
    arguments (**kwargs).")`, but only when settings are configured and `DEBUG` is true.
    With `DEBUG = False` (production, and the test runner's default) the connection is
    accepted and every `send()` raises `TypeError` instead.

    ## Example
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance, created):
        ...
    ```

    Use instead:
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance, created, **kwargs):
        ...
    ```

    ## References
    - `django/dispatch/dispatcher.py`: `Signal.connect()` and `Signal.send()`
    """
    for connection, function, _specs in checked_receivers(facts.connections, context):
        if not function.accepts_var_keyword:
            name = function.name if function.name != "<lambda>" else connection.receiver_text
            yield (
                function.span,
                (f"receiver `{name}` does not accept **kwargs; add **kwargs to its parameters"),
            )
