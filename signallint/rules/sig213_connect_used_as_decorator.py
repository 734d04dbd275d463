from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ConnectionStyle, ModuleFacts
from signallint.rules import Finding, Message, rule

CONNECT_AS_DECORATOR = Message(
    "`@{signal}.connect` returns None, so the function is garbage-collected and never "
    "called; use `@receiver({signal})`"
)


@rule(
    "SIG213",
    "connect-used-as-decorator",
    CONNECT_AS_DECORATOR,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a Django signal's `connect` used as a decorator: `@post_save.connect`.

    ## Why is this bad?
    Django's `Signal.connect()` returns `None`. The decorated name becomes `None`, and
    the function's only remaining reference is the signal's weak one, so it is garbage
    collected and never called. (Some other libraries' signals, such as Celery's,
    return the function; they are not reported.)

    ## Example
    ```python
    from django.db.models.signals import post_save


    @post_save.connect
    def on_save(sender, instance, **kwargs):
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
    for connection in facts.connections:
        if connection.style is not ConnectionStyle.CONNECT_DECORATOR:
            continue
        if context.signals_of(connection.signals) is None:
            continue
        [use] = connection.signals
        yield Finding(
            connection.span,
            CONNECT_AS_DECORATOR.format(signal=use.text),
        )
