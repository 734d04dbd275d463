from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from signallint.context import RuleContext
from signallint.facts import ConnectionStyle, ModuleFacts
from signallint.rules import Finding, Message, rule

BEFORE_COMMIT = Message(
    "receiver `{name}` of `{signal}` calls `{callee}` directly: inside a transaction it "
    "acts before the commit, and even if the transaction rolls back; call it through "
    "`transaction.on_commit()`"
)

# The model signals Django sends while saving or deleting, so possibly inside a
# transaction that may still roll back.
WRITE_SIGNALS = frozenset({"pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed"})


@rule("SIG216", "side-effect-before-commit", BEFORE_COMMIT, default_enabled=False)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a receiver of `pre_save`, `post_save`, `pre_delete`, `post_delete` or
    `m2m_changed` that sends e-mail, queues a task or calls an HTTP API directly
    (`send_mail()`, `task.delay()`, `task.apply_async()`, `requests.post()`…), instead
    of from `transaction.on_commit()`. Off by default: select `SIG216` to enable it.

    ## Why is this bad?
    Django sends these signals from `save()` and `delete()`, so inside whatever
    transaction the caller opened (`transaction.atomic()`, `ATOMIC_REQUESTS`, a view of
    the admin). The receiver's e-mail goes out, or its task is queued, before the rows
    are committed: a worker may look for a row that is not visible yet, and when the
    transaction rolls back the e-mail about an order that does not exist has still
    been sent. `transaction.on_commit(callback)` runs the callback after the commit,
    and never on rollback (in autocommit, at once). Many receivers run outside any
    transaction, which is why the rule is opt-in.

    ## Example
    ```python
    from django.core.mail import send_mail
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def welcome(sender, instance, created, **kwargs):
        if created:
            send_mail("Welcome", "Hello", "shop@example.com", ["new@example.com"])
    ```

    Use instead:
    ```python
    from django.core.mail import send_mail
    from django.db import transaction
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def welcome(sender, instance, created, **kwargs):
        if created:
            transaction.on_commit(
                lambda: send_mail("Welcome", "Hello", "shop@example.com", ["new@example.com"])
            )
    ```

    ## Options
    - `side-effect-calls`: the called names that count, as fnmatch patterns (default:
      Django's `send_mail`, `send_mass_mail`, `mail_admins` and `mail_managers`,
      `*.delay`, `*.apply_async`, `*.send_task`, `requests` and `httpx` requests,
      `urllib.request.urlopen`).

    ## Known problems
    Only calls in the receiver's own body count, not in the functions it calls. A
    name is matched as the code spells it after imports are followed
    (`from django.core.mail import send_mail` is `django.core.mail.send_mail`), so a
    task queued through a helper of another name is missed, and any `.delay()` counts.
    """
    seen = set()
    for connection in facts.connections:
        if connection.style not in (ConnectionStyle.CONNECT, ConnectionStyle.DECORATOR):
            continue
        function = connection.function
        if function is None or not function.calls:
            continue
        specs = context.signals_of(connection.signals)
        writes = [s for s in specs or () if s.model_signal and s.name in WRITE_SIGNALS]
        if not writes:
            continue
        for call in function.calls:
            if (function.span, call.span) in seen:
                continue
            if any(fnmatchcase(call.callee, p) for p in context.side_effect_calls):
                seen.add((function.span, call.span))
                message = BEFORE_COMMIT.format(
                    name=function.name, signal=writes[0].name, callee=call.callee
                )
                yield Finding(call.span, message)
