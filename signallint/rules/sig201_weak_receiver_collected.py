from __future__ import annotations

from collections.abc import Iterator

from signallint import fixes
from signallint.context import RuleContext
from signallint.facts import Connection, ConnectionStyle, ModuleFacts, ReceiverKind
from signallint.rules import Finding, Fix, Message, rule

WEAK_RECEIVER = Message(
    "{receiver} connected with weak=True is garbage-collected and never called; "
    "pass weak=False or connect a module-level function"
)

_WHAT = {
    ReceiverKind.LAMBDA: "a lambda",
    ReceiverKind.PARTIAL: "a functools.partial object",
    ReceiverKind.TEMPORARY_BOUND_METHOD: "a bound method of a temporary object",
}


def weakly_held_receiver(connection: Connection) -> str | None:
    """What kind of short-lived receiver this connection holds weakly, if any."""
    weak = connection.weak
    if weak is not None and weak.text != "True":
        return None  # weak=False keeps it alive (and anything else we cannot judge)
    if connection.receiver_kind in _WHAT:
        if connection.receiver_escapes:
            return None  # held by a local that is used elsewhere too: it may live on
        local = _local_name(connection)
        what = _WHAT[connection.receiver_kind]
        return what if local is None else f"{what} (local `{local}`, used nowhere else)"
    function = connection.function
    if (
        connection.receiver_kind is ReceiverKind.FUNCTION
        and function is not None
        and function.nested
        and not connection.receiver_escapes
    ):
        return f"the nested function `{function.name}`"
    return None


def collected_receiver(connection: Connection, context: RuleContext) -> str | None:
    """What short-lived receiver a connection to a known signal holds weakly (so the
    garbage collector takes it at once), if any: what SIG201 reports, and what the
    signal map shows as collected."""
    if connection.style not in (ConnectionStyle.CONNECT, ConnectionStyle.DECORATOR):
        return None
    what = weakly_held_receiver(connection)
    if what is None or context.signals_of(connection.signals) is None:
        return None
    return what


def _local_name(connection: Connection) -> str | None:
    """The local name that holds the receiver (``cb``, or ``handler`` of
    ``handler.on_save``), when the connection passes one."""
    text = connection.receiver_text
    if connection.receiver_kind is ReceiverKind.TEMPORARY_BOUND_METHOD:
        text = text.rpartition(".")[0]
    return text if text.isidentifier() else None


@rule(
    "SIG201",
    "weak-receiver-collected",
    WEAK_RECEIVER,
    fix=Fix.UNSAFE,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds receivers that nothing but the signal refers to, connected with the default
    `weak=True`: a `lambda`, a `functools.partial(...)`, a bound method of a temporary
    object (`Handler().on_save`), or a function defined inside another function that is
    not stored anywhere else. Inside a function it follows a local name too: a lambda,
    a `partial(...)` or a new instance (`handler = Handler()`, connected as
    `handler.on_save`) assigned to a local that nothing but the connection reads dies
    when the function returns, when nothing that could send the signal runs between
    the connection and the return.

    ## Why is this bad?
    By default a signal keeps only a weak reference to its receivers
    (`django/dispatch/dispatcher.py`). An object nothing else refers to is garbage
    collected at once, and the receiver silently disappears. Worse, with `DEBUG = True`
    Django's signature check caches the function (an `lru_cache` holding a strong
    reference), so the receiver *works under runserver* and dies in production and in
    the test runner (`DEBUG = False`).

    ## Example
    ```python
    from django.db.models.signals import post_save

    post_save.connect(lambda sender, **kwargs: print(sender))
    ```

    Use instead:
    ```python
    from django.db.models.signals import post_save


    def log_save(sender, **kwargs):
        print(sender)


    post_save.connect(log_save)
    ```

    ## Fix safety
    The fix passes `weak=False` (or turns a literal `weak=True` into `weak=False`). It
    is unsafe because it changes what runs: the receiver, dead until now in production,
    starts being called, and a connection made each time a function runs (a closure
    connected in a view, say) now accumulates receivers that are never released; give
    such connections a `dispatch_uid` or move the receiver to module level. It is not
    offered when the call passes `**options`.

    ## Known problems
    A nested function or a local is reported only when its name appears nowhere else
    in its enclosing function (where it could be stored, returned, passed on or
    captured), and a local only when the function assigns it exactly once, in a
    statement of its own body (not in a branch or a loop, not `global` or
    `nonlocal`); and either only when the statements after the connection, in the
    function's own body, are other `connect()` calls, assignments of lambdas,
    `partial(...)`, names and literals, `def`s (at most decorated with `@receiver`) and
    a `return` of a name: both live while their function runs, so a function that
    connects, then sends, saves or runs any other code (a test that checks the
    receiver ran) uses the receiver while it is alive. A local instance counts as new
    when it is made by calling a class of the module or a CapWords name; a class whose constructor
    stores the instance somewhere keeps it alive and would be reported wrongly. A
    `weak=` argument other than a literal `True` silences the rule.
    """
    for connection in facts.connections:
        what = collected_receiver(connection, context)
        if what is None:
            continue
        span = connection.span
        if connection.function is not None and connection.style is ConnectionStyle.DECORATOR:
            span = connection.function.span
        position = 2 if connection.style is ConnectionStyle.CONNECT else None
        action = fixes.AddKeywordArgument(connection.span, "weak", "False", position)
        yield Finding(
            span,
            WEAK_RECEIVER.format(receiver=what),
            fixes.unsafe(action, "pass weak=False"),
        )
