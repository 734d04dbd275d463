from __future__ import annotations

import difflib
from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ConnectionStyle, ModuleFacts
from signallint.rules import Finding, rule

# (accepted keywords, most positional arguments) of each call, Django 4.2 to 6.1.
SIGNATURES = {
    ConnectionStyle.CONNECT: (("receiver", "sender", "weak", "dispatch_uid"), 4, "connect()"),
    ConnectionStyle.DISCONNECT: (("receiver", "sender", "dispatch_uid"), 3, "disconnect()"),
    ConnectionStyle.DECORATOR: (("signal", "sender", "weak", "dispatch_uid"), 1, "@receiver()"),
}


@rule(
    "SIG207",
    "bad-connect-arguments",
    "{call} got an unexpected keyword argument `{keyword}`",
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
            what = "the sender" if connection.style is ConnectionStyle.DECORATOR else "it"
            yield Finding(
                extra.span,
                (
                    f"{call} takes at most {most_positional} positional argument"
                    f"{'s' if most_positional > 1 else ''}; pass {what} by keyword (`sender=`)"
                ),
            )
        for argument in connection.arguments:
            if argument.keyword is None or argument.keyword in accepted:
                continue
            close = difflib.get_close_matches(argument.keyword, accepted, n=1, cutoff=0.6)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            yield Finding(
                argument.span,
                (f"{call} got an unexpected keyword argument `{argument.keyword}`{hint}"),
            )
