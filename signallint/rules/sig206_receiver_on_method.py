from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ConnectionStyle, ModuleFacts, ReceiverKind
from signallint.rules import Finding, Message, rule

ON_METHOD = Message(
    "@receiver on method `{name}`: `{first}` is never passed, Django calls receivers by "
    "keyword; use a module-level function"
)
ABOVE_METHOD_DECORATOR = Message(
    "@receiver is above @{decorator} on `{name}`: it is given a {decorator} object, not a "
    "function; swap the two decorators"
)

METHOD_DECORATORS = ("staticmethod", "classmethod")


@rule(
    "SIG206",
    "receiver-on-method",
    ON_METHOD,
    ABOVE_METHOD_DECORATOR,
    raises=True,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `@receiver(...)` on a function defined in a class body: a plain method, or
    one whose `@staticmethod`/`@classmethod` sits below `@receiver`.

    ## Why is this bad?
    `@receiver` runs while the class body executes and connects the bare function.
    Django then calls it by keyword with `signal`, `sender` and the signal's keywords,
    so `self` (or `cls`) is never passed and every `send()` raises `TypeError`. With
    `@staticmethod` or `@classmethod` *below* `@receiver`, `@receiver` is handed a
    descriptor instead of a function and the class fails to import.

    ## Example
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    class Notifier:
        @receiver(post_save)
        def on_save(self, sender, instance, **kwargs):
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
        function = connection.function
        if (
            connection.style is not ConnectionStyle.DECORATOR
            or connection.receiver_kind is not ReceiverKind.METHOD
            or function is None
            or context.signals_of(connection.signals) is None
        ):
            continue
        index = connection.decorator_index
        below = [d for d in function.decorators[index + 1 :] if d in METHOD_DECORATORS]
        above = [d for d in function.decorators[:index] if d in METHOD_DECORATORS]
        if below:
            yield Finding(
                connection.span,
                ABOVE_METHOD_DECORATOR.format(decorator=below[0], name=function.name),
            )
        elif not above or above[-1] == "classmethod":
            first = "cls" if above else "self"
            yield Finding(
                connection.span,
                ON_METHOD.format(name=function.name, first=first),
            )
