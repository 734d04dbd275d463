from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ConnectionStyle, ModuleFacts
from signallint.rules import Finding, Message, rule

RECURSION = Message(
    "`instance.save()` in post_save receiver `{name}` sends post_save again: infinite "
    "recursion; guard it or use `update_fields` behind a check, or `QuerySet.update()`"
)

POST_SAVE = "django.db.models.signals.post_save"


@rule(
    "SIG211",
    "post-save-recursion",
    RECURSION,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a `post_save` receiver that calls `instance.save()` unconditionally: directly
    in its body (not under an `if`, loop, `try` or `with`), without `update_fields`,
    and without disconnecting anything first.

    ## Why is this bad?
    Saving the instance sends `post_save` for the same sender again, which calls the
    same receiver, which saves again: `RecursionError` on the first save.

    ## Example
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def add_slug(sender, instance, **kwargs):
        instance.slug = str(instance.pk)
        instance.save()
    ```

    Use instead:
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def add_slug(sender, instance, created, **kwargs):
        if created:
            instance.slug = str(instance.pk)
            instance.save(update_fields=["slug"])
    ```

    ## Known problems
    Only `instance.save()` on the receiver's own `instance` parameter is seen; a guard
    anywhere around the call (any `if`) silences the rule.
    """
    for connection in facts.connections:
        function = connection.function
        if (
            connection.style is ConnectionStyle.DISCONNECT
            or function is None
            or function.disconnects
            or not any(p.name == "instance" for p in function.params)
        ):
            continue
        if not any(use.candidates == {POST_SAVE} for use in connection.signals):
            continue
        for save in function.saves:
            if save.target == "instance" and not save.has_update_fields:
                yield Finding(
                    save.span,
                    RECURSION.format(name=function.name),
                )
