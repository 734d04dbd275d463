from __future__ import annotations

from collections.abc import Iterator

from signallint import fixes
from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.rules import Finding, Fix, Message, rule

M2M_CHANGED = "django.db.models.signals.m2m_changed"
MODEL_SENDER = Message(
    "`m2m_changed` is sent with the intermediate model, never `{model}`; "
    "use `{model}.{field}.through`"
)
MODEL_SENDER_OF_FIELDS = Message(
    "`m2m_changed` is sent with the intermediate model, never `{model}`; use {throughs}"
)


@rule(
    "SIG204",
    "m2m-changed-model-sender",
    MODEL_SENDER,
    MODEL_SENDER_OF_FIELDS,
    fix=Fix.UNSAFE,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `m2m_changed` receivers whose `sender=` is a model that declares a
    `ManyToManyField` (`Pizza`), instead of that field's intermediate model
    (`Pizza.toppings.through`).

    ## Why is this bad?
    Django sends `m2m_changed` with the intermediate ("through") model as sender. The
    model that declares the field is never the sender, so the receiver silently never
    runs for that relation.

    ## Example
    ```python
    from django.db import models
    from django.db.models.signals import m2m_changed
    from django.dispatch import receiver


    class Pizza(models.Model):
        toppings = models.ManyToManyField("Topping")


    @receiver(m2m_changed, sender=Pizza)
    def toppings_changed(sender, instance, action, **kwargs):
        ...
    ```

    Use instead:
    ```python
    from django.db import models
    from django.db.models.signals import m2m_changed
    from django.dispatch import receiver


    class Pizza(models.Model):
        toppings = models.ManyToManyField("Topping")


    @receiver(m2m_changed, sender=Pizza.toppings.through)
    def toppings_changed(sender, instance, action, **kwargs):
        ...
    ```

    ## Fix safety
    When the model declares exactly one `ManyToManyField`, the fix replaces the sender
    with that field's intermediate model (`sender=Pizza` → `sender=Pizza.toppings.through`).
    It is unsafe: the receiver, which never ran, starts running, and the relation is a
    guess (another model's `ManyToManyField` to this one is a relation too).

    ## Known problems
    Only models of the checked project are recognised, and a model that some
    `ManyToManyField(through=...)` names as its intermediate model is never reported.
    A model a package re-exports under another name (`from .products import Product as
    Item`) is recognised only when its own module is read for another reason.
    """
    through_names = {
        through.rsplit(".", 1)[-1]
        for model in context.model_classes.values()
        for _, through in model.m2m_fields
        if through
    }
    for connection in facts.connections:
        sender = connection.sender
        if sender is None or not sender.candidates:
            continue
        if not any(use.candidates == {M2M_CHANGED} for use in connection.signals):
            continue
        models = [context.model_classes.get(name) for name in sender.candidates]
        if len(models) != 1 or models[0] is None:
            continue
        model = models[0]
        short = model.qualified_name.rsplit(".", 1)[-1]
        if short in through_names:
            continue
        fields = [name for name, _ in model.m2m_fields]
        message = (
            MODEL_SENDER.format(model=sender.text, field=fields[0])
            if len(fields) == 1
            else MODEL_SENDER_OF_FIELDS.format(
                model=sender.text,
                throughs=" or ".join(f"`{sender.text}.{f}.through`" for f in fields),
            )
        )
        fix = None
        if len(fields) == 1:
            through = f"{sender.text}.{fields[0]}.through"
            fix = fixes.unsafe(fixes.Replace(sender.span, sender.text, through), f"use `{through}`")
        yield Finding(
            sender.span,
            message,
            fix,
        )
