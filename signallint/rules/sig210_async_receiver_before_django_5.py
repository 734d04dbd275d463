from __future__ import annotations

from collections.abc import Iterator

from signallint.catalogue import format_version
from signallint.context import RuleContext
from signallint.facts import ConnectionStyle, ModuleFacts
from signallint.rules import Finding, Message, rule

NEVER_AWAITED = Message(
    "async receiver `{name}` is never awaited by send() in Django {version} (async "
    "receivers need Django 5.0); make it a plain function"
)


@rule(
    "SIG210",
    "async-receiver-before-django-5",
    NEVER_AWAITED,
    until=(5, 0),
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `async def` receivers when the target Django version is older than 5.0.

    ## Why is this bad?
    Before Django 5.0, `Signal.send()` calls every receiver synchronously: an `async
    def` receiver only creates a coroutine that is never awaited, so its body never
    runs (Python warns "coroutine ... was never awaited", if anyone looks). Django 5.0
    added async receiver support and `asend()`.

    ## Example
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    async def on_save(sender, instance, **kwargs):
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

    ## Options
    - `django-version`: applies below Django 5.0 only (set `django-version = "4.2"`).
    """
    for connection in facts.connections:
        function = connection.function
        if connection.style is ConnectionStyle.DISCONNECT or function is None:
            continue
        if function.is_async and context.signals_of(connection.signals) is not None:
            yield Finding(
                function.span,
                NEVER_AWAITED.format(name=function.name, version=format_version(context.version)),
            )
