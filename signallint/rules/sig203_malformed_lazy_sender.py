from __future__ import annotations

import re
from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.rules import Finding, Message, rule

LAZY_MODEL_REFERENCE = re.compile(r"[^.\s]+\.[^.\s]+")
MALFORMED = Message(
    'lazy sender {text} is not of the form "app_label.ModelName"; connect() raises ValueError'
)


@rule(
    "SIG203",
    "malformed-lazy-sender",
    MALFORMED,
    raises=True,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a string `sender=` on a model signal that is not exactly
    `"app_label.ModelName"`: `"Order"`, `"shop.models.Order"`.

    ## Why is this bad?
    Model signals resolve a string sender with `make_model_tuple()`, which raises
    `ValueError("Invalid model reference ...")` when the string does not split into
    exactly an app label and a model name. The error happens at `connect()`, that is
    when the module holding the receiver is imported, often only at start-up in
    production.

    ## Example
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save, sender="shop.models.Order")
    def on_order_saved(sender, instance, **kwargs):
        ...
    ```

    Use instead:
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save, sender="shop.Order")
    def on_order_saved(sender, instance, **kwargs):
        ...
    ```
    """
    for connection in facts.connections:
        sender = connection.sender
        if sender is None or sender.literal is None:
            continue
        specs = context.signals_of(connection.signals)
        if specs is None or not any(spec.model_signal for spec in specs):
            continue
        if not LAZY_MODEL_REFERENCE.fullmatch(sender.literal):
            yield Finding(
                sender.span,
                MALFORMED.format(text=sender.text),
            )
