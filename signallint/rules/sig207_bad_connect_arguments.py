from __future__ import annotations

import difflib
from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ConnectionStyle, ModuleFacts
from signallint.rules import Finding, Message, rule

# (accepted keywords, most positional arguments) of each call, Django 4.2 to 6.1.
SIGNATURES = {
    ConnectionStyle.CONNECT: (("receiver", "sender", "weak", "dispatch_uid"), 4, "connect()"),
    ConnectionStyle.DISCONNECT: (("receiver", "sender", "dispatch_uid"), 3, "disconnect()"),
    ConnectionStyle.DECORATOR: (("signal", "sender", "weak", "dispatch_uid"), 1, "@receiver()"),
}
UNEXPECTED_KEYWORD = Message("{call} got an unexpected keyword argument `{keyword}`")
UNEXPECTED_KEYWORD_CLOSE_TO = Message(
    "{call} got an unexpected keyword argument `{keyword}`; did you mean `{suggestion}`?"
)
TOO_MANY_POSITIONAL = Message(
    "{call} takes at most {count} positional arguments; pass it by keyword (`sender=`)"
)
SENDER_POSITIONAL = Message(
    "{call} takes at most {count} positional argument; pass the sender by keyword (`sender=`)"
)


@rule(
    "SIG207",
    "bad-connect-arguments",
    UNEXPECTED_KEYWORD,
    UNEXPECTED_KEYWORD_CLOSE_TO,
    TOO_MANY_POSITIONAL,
    SENDER_POSITIONAL,
    raises=True,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds arguments that `Signal.connect()`, `Signal.disconnect()` and `@receiver()`
    do not accept: unknown keywords (`model=`, `senders=`, `dispatch_id=`), `weak=`
    on `disconnect()`, and a sender passed positionally to `@receiver()`.

    ## Why is this bad?
    `connect(receiver, sender=None, weak=True, dispatch_uid=None)` raises `TypeError`
    for any other keyword, and `@receiver(signal, **kwargs)` forwards its keywords to
    `connect()`; `@receiver(post_save, Order)` raises `TypeError` because `receiver()`
    takes one positional argument. The error happens when the module is imported.

    ## Example
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save, model="shop.Order")
    def on_save(sender, instance, **kwargs):
        ...
    ```

    Use instead:
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save, sender="shop.Order")
    def on_save(sender, instance, **kwargs):
        ...
    ```
    """
    for connection in facts.connections:
        if connection.style not in SIGNATURES or context.signals_of(connection.signals) is None:
            continue
        if any(a.keyword in ("*", "**") for a in connection.arguments):
            continue
        accepted, most_positional, call = SIGNATURES[connection.style]
        positional = [a for a in connection.arguments if a.keyword is None]
        if len(positional) > most_positional:
            extra = positional[most_positional]
            too_many = (
                SENDER_POSITIONAL
                if connection.style is ConnectionStyle.DECORATOR
                else TOO_MANY_POSITIONAL
            )
            yield Finding(extra.span, too_many.format(call=call, count=most_positional))
        for argument in connection.arguments:
            if argument.keyword is None or argument.keyword in accepted:
                continue
            close = difflib.get_close_matches(argument.keyword, accepted, n=1, cutoff=0.6)
            message = (
                UNEXPECTED_KEYWORD_CLOSE_TO.format(
                    call=call, keyword=argument.keyword, suggestion=close[0]
                )
                if close
                else UNEXPECTED_KEYWORD.format(call=call, keyword=argument.keyword)
            )
            yield Finding(argument.span, message)
