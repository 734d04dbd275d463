from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import Connection, ConnectionStyle, ModuleFacts, ReceiverKind
from signallint.rules import Finding, Message, rule

EVERY_CALL = Message(
    "`{owner}()` connects a new {receiver} with weak=False each time it runs: the signal "
    "keeps every one, and each runs once per earlier call; connect once in "
    "`AppConfig.ready()` or at module level, or pass a `dispatch_uid`"
)

# Methods that Django, its test runner or a class's users call many times in one
# process: a model's save()/delete(), a class-based view's handlers, a form or
# serializer hook, a test's setUp(), and every __init__().
RUNS_REPEATEDLY = frozenset(
    {
        "__init__",
        "save",
        "delete",
        "setUp",
        "get",
        "post",
        "put",
        "patch",
        "dispatch",
        "form_valid",
        "perform_create",
        "perform_update",
    }
)
_FRESH = {
    ReceiverKind.LAMBDA: "lambda",
    ReceiverKind.PARTIAL: "functools.partial object",
    ReceiverKind.TEMPORARY_BOUND_METHOD: "bound method of a new object",
}


def _fresh_receiver(connection: Connection) -> str | None:
    """What new callable the connection makes on every run, if it makes one."""
    if connection.receiver_kind in _FRESH:
        return _FRESH[connection.receiver_kind]
    function = connection.function
    if connection.receiver_kind is ReceiverKind.FUNCTION and function and function.nested:
        return f"nested function `{function.name}`"
    return None


@rule("SIG215", "receiver-connected-on-every-call", EVERY_CALL)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `signal.connect(receiver, weak=False)` without a `dispatch_uid` inside a
    method that runs many times in one process (a model's `save()` or `delete()`, a
    function-based view (a module-level function whose first parameter is `request`), a
    class-based view's `get()`/`post()`/`dispatch()`, `form_valid()`, a DRF
    `perform_create()`, a test's `setUp()`, any `__init__()`), where the receiver is a
    new object on every run: a `lambda`, a `functools.partial(...)`, a bound method of
    a new object, or a function defined in the method.

    ## Why is this bad?
    Django keeps one receiver per lookup key, and without a `dispatch_uid` the key is
    the receiver object's identity: every run connects one more receiver. With
    `weak=False` the signal holds each of them for the life of the process, so after
    the method has run ten times the signal runs the receiver ten times (and keeps
    everything it refers to alive). Tests pass (one call each) while a long-running
    web or worker process sends duplicate e-mails and writes duplicate rows.

    ## Example
    ```python
    from functools import partial

    from django.db import models
    from django.db.models.signals import post_save


    def notify(sender, instance, channel, **kwargs):
        print(channel, instance)


    class Order(models.Model):
        def save(self, *args, **kwargs):
            post_save.connect(partial(notify, channel="email"), sender=Order, weak=False)
            super().save(*args, **kwargs)
    ```

    Use instead:
    ```python
    from functools import partial

    from django.db import models
    from django.db.models.signals import post_save


    def notify(sender, instance, channel, **kwargs):
        print(channel, instance)


    class Order(models.Model):
        def save(self, *args, **kwargs):
            super().save(*args, **kwargs)


    post_save.connect(partial(notify, channel="email"), sender=Order, weak=False)
    ```

    ## Known problems
    Only the methods listed above count as running many times: a plain function
    view (`def checkout(request)`) or a helper called from one is not reported. A
    method of the same class that disconnects something (a `tearDown()` for a
    `setUp()`) silences the rule for that class. A receiver held by `self`
    (`self.on_save`) is not reported.
    """
    disconnecting = {
        connection.owner.rpartition(".")[0]
        for connection in facts.connections
        if connection.style is ConnectionStyle.DISCONNECT and connection.owner
    }
    for connection in facts.connections:
        if connection.style is not ConnectionStyle.CONNECT or connection.at_module_level:
            continue
        owner = connection.owner or ""
        holder, _, method = owner.rpartition(".")
        # A function-based view (``def checkout(request)``) runs once per request.
        view = not holder and connection.owner_parameter == "request"
        if (method not in RUNS_REPEATEDLY and not view) or holder in disconnecting:
            continue
        weak = connection.weak
        if weak is None or weak.text != "False" or connection.dispatch_uid:
            continue
        what = _fresh_receiver(connection)
        if what is None or context.signals_of(connection.signals) is None:
            continue
        yield Finding(connection.span, EVERY_CALL.format(owner=owner, receiver=what))
