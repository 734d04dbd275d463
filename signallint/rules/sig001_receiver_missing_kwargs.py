from __future__ import annotations

from collections.abc import Iterator

from signallint import fixes
from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.rules import Finding, Fix, Message, rule
from signallint.signatures import checked_receivers

MISSING_KWARGS = Message(
    "receiver `{name}` does not accept **kwargs; add **kwargs to its parameters"
)


@rule(
    "SIG001",
    "receiver-missing-kwargs",
    MISSING_KWARGS,
    fix=Fix.SAFE,
    raises=True,
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

    ## Fix safety
    The fix is safe: it appends `**kwargs` to the parameters (after the last one, keeping
    trailing commas, comments and annotations; `**kwargs: object` when every other
    parameter is annotated). Django never calls a receiver positionally, so a new
    catch-all keyword parameter changes no call that works today; it only lets `send()`
    succeed. When `kwargs` is already a name in the function, `_kwargs` is used instead.

    ## References
    - `django/dispatch/dispatcher.py`: `Signal.connect()` and `Signal.send()`
    """
    for connection, function, _specs in checked_receivers(facts.connections, context):
        if not function.accepts_var_keyword:
            name = function.name if function.name != "<lambda>" else connection.receiver_text
            yield Finding(
                function.span,
                MISSING_KWARGS.format(name=name),
                fixes.safe(fixes.AddVarKeyword(function.span), "add **kwargs"),
            )
