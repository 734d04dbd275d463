from __future__ import annotations

import ast
from collections.abc import Hashable, Iterator

from signallint.context import RuleContext
from signallint.facts import Connection, ConnectionStyle, ModuleFacts, ProjectFacts, ReceiverKind
from signallint.project import picture_of
from signallint.rules import Finding, Message, project_rule
from signallint.rules.sig30x_shared import display, signals_connected

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
    with the same `dispatch_uid`: at module level anywhere in the project, or as
    statements of one function (an `AppConfig.ready()`, say), where the sender may
    also be a local bound once (`sender = apps.get_app_config("shop")`), a parameter
    (`self`), or `apps.get_app_config("shop")` spelled twice (the registry holds one
    instance per label).

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
    Only connections made at module level are compared with each other, and those made
    by the statements of one function's own body (not in a branch, loop, `try` or
    `with`) with each other; a connection in `ready()` is not compared with one at
    module level. Each side must be certain: the `dispatch_uid` is a literal, the
    signal resolves to one name, the sender resolves to one class (or is the same lazy
    `"app_label.Model"` string of a model signal, or absent on both, or in a function
    one of the objects above), and each receiver is a function whose qualified name is
    known (or a lambda or `partial`, always a new object). Names re-exported by a
    package (`from shop.handlers import on_paid` for `shop.handlers.payments.on_paid`)
    are compared as the names they refer to. Two `object()` calls are different
    senders, even though a temporary one's `id()` may be reused. When modules connect
    with the same key, which one Django keeps depends on import order; the later one in
    path order is reported.
    """
    picture = picture_of(project, context.version)
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


# (signal, sender, dispatch_uid): what Signal.connect() compares, by qualified name or value;
# the sender of a connection made in a function is qualified by that function.
DispatchKey = tuple[str, Hashable, Hashable]
Conflict = tuple[ModuleFacts, Connection, ModuleFacts, Connection, DispatchKey]


def dispatch_conflicts(project: ProjectFacts, context: RuleContext) -> Iterator[Conflict]:
    """Module-level connections of different receivers with one (signal, sender,
    dispatch_uid): each later one (in path and line order) with the first one."""
    first: dict[DispatchKey, tuple[ModuleFacts, Connection, frozenset[str]]] = {}
    for facts in sorted(project.modules, key=lambda m: m.path):
        for connection in sorted(facts.connections, key=lambda c: (c.span.line, c.span.col)):
            receivers = _receiver_identity(facts, connection, context)
            if receivers is None:
                continue
            # Module level runs once per process; a function's own statements run
            # together each time it is called, so only they are compared with each other.
            where = None if connection.at_module_level else (facts.path, connection.owner)
            for key in _dispatch_keys(connection, context, where):
                seen = first.setdefault(key, (facts, connection, receivers))
                if seen[1] is not connection and not seen[2] & receivers:
                    yield facts, connection, seen[0], seen[1], key


def _receiver_identity(
    facts: ModuleFacts, connection: Connection, context: RuleContext
) -> frozenset[str] | None:
    """What the receiver is, as qualified names; None when unknown."""
    if not (connection.at_module_level or connection.unconditional) or connection.style not in (
        ConnectionStyle.CONNECT,
        ConnectionStyle.DECORATOR,
    ):
        return None
    if connection.receiver_kind in (ReceiverKind.LAMBDA, ReceiverKind.PARTIAL):
        # A new object each time the expression runs: another one than any other line's.
        return frozenset({f"<{facts.path}:{connection.span.line}:{connection.span.col}>"})
    return frozenset(map(context.canonical, connection.receivers)) or None


def _dispatch_keys(
    connection: Connection, context: RuleContext, where: Hashable
) -> Iterator[DispatchKey]:
    argument = connection.dispatch_uid
    if argument is None:
        return
    try:
        uid = ast.literal_eval(argument.text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return
    if uid is None or not isinstance(uid, (str, int, bytes, tuple)):
        return
    for signal in signals_connected(connection, context):
        spec = context.signals.get(signal)
        sender = _sender_key(connection, context, spec.model_signal if spec else False)
        if sender is not None:
            yield context.canonical(signal), (where, sender), uid


def _sender_key(
    connection: Connection, context: RuleContext, model_signal: bool
) -> Hashable | None:
    sender = connection.sender
    if sender is None:
        return ("none",)
    if sender.literal is not None:
        app_label, dot, model = sender.literal.partition(".")
        # A model signal resolves "app_label.Model" to the class (the model part ignores
        # case); a plain signal compares string objects by id(), which is not knowable.
        return ("model", app_label, model.lower()) if model_signal and dot else None
    if len(sender.candidates) == 1:
        return ("name", context.canonical(next(iter(sender.candidates))))
    if sender.identity is not None:
        return ("object", sender.identity)
    return None
