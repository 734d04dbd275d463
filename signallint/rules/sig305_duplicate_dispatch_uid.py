from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ProjectFacts
from signallint.project import dispatch_conflicts, display, picture_of
from signallint.rules import Finding, Message, project_rule

DUPLICATE_UID = Message(
    "receiver `{name}` reuses dispatch_uid {uid} of `{other}` ({where}) for `{signal}` and "
    "the same sender: Django connects whichever comes first and silently ignores the "
    "other; give each receiver its own dispatch_uid"
)


@project_rule(
    "SIG305",
    "duplicate-dispatch-uid",
    DUPLICATE_UID,
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds two different receivers connected to the same signal, for the same sender,
    with the same `dispatch_uid`, anywhere in the project.

    ## Why is this bad?
    `Signal.connect()` identifies a connection by `(dispatch_uid, id(sender))` when a
    `dispatch_uid` is given (by `(id(receiver), id(sender))` otherwise), and silently
    skips a connection whose key is already there (`django/dispatch/dispatcher.py`).
    So the receiver connected second never runs. A `dispatch_uid` is meant to stop the
    *same* receiver from being connected twice; copied to another receiver, it
    disconnects that one for good.

    ## Example
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save, sender="shop.Order", dispatch_uid="order-saved")
    def notify_warehouse(sender, instance, **kwargs):
        ...


    @receiver(post_save, sender="shop.Order", dispatch_uid="order-saved")
    def send_receipt(sender, instance, **kwargs):
        ...
    ```

    Use instead:
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save, sender="shop.Order", dispatch_uid="order-saved-warehouse")
    def notify_warehouse(sender, instance, **kwargs):
        ...


    @receiver(post_save, sender="shop.Order", dispatch_uid="order-saved-receipt")
    def send_receipt(sender, instance, **kwargs):
        ...
    ```

    ## Known problems
    Only connections made at module level are compared, and only when each side is
    certain: the `dispatch_uid` is a literal, the signal resolves to one name, the
    sender resolves to one class (or is the same lazy `"app_label.Model"` string of a
    model signal, or absent on both), and each receiver is a function whose qualified
    name is known (or a lambda or `partial`, always a new object). When modules connect
    with the same key, which one Django keeps depends on import order; the later one in
    path order is reported.
    """
    picture = picture_of(project)
    for conflict in dispatch_conflicts(project, context):
        facts, connection, first_facts, first, key = conflict
        yield Finding(
            connection.span,
            DUPLICATE_UID.format(
                name=connection.receiver_text,
                uid=repr(key[2]),
                other=first.receiver_text,
                where=f"{display(picture, first_facts.path)}:{first.span.line}",
                signal=key[0].rsplit(".", 1)[-1],
            ),
            path=facts.path,
        )
