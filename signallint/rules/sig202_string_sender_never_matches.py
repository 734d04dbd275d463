from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.rules import Finding, Message, rule

STRING_SENDER = Message(
    "`{signal}` is not a model signal: the string sender {text} never matches; "
    "pass the sender object itself"
)


@rule(
    "SIG202",
    "string-sender-never-matches",
    STRING_SENDER,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a string `sender=` on a signal that is not a `ModelSignal`
    (`request_started`, `user_logged_in`, `pre_migrate`, the project's own `Signal()`s).

    ## Why is this bad?
    Only model signals (`pre_init`, `post_init`, `pre_save`, `post_save`, `pre_delete`,
    `post_delete`, `m2m_changed`) turn a lazy `"app_label.ModelName"` string into the
    model class. Every other signal compares senders by identity (`id()`), so a string
    sender is accepted without complaint and never matches anything: the receiver never
    runs. Even `user_login_failed`, which Django sends with the string
    `"django.contrib.auth"`, never matches that string written in another module: it is
    another object. (CPython shares identifier-like string constants such as `"axes"`,
    so a signal documented to send such a string, like django-axes' `user_locked_out`,
    is not reported for it.)

    ## Example
    ```python
    from django.contrib.auth.signals import user_logged_in
    from django.dispatch import receiver


    @receiver(user_logged_in, sender="auth.User")
    def on_login(sender, user, **kwargs):
        ...
    ```

    Use instead:
    ```python
    from django.contrib.auth.models import User
    from django.contrib.auth.signals import user_logged_in
    from django.dispatch import receiver


    @receiver(user_logged_in, sender=User)
    def on_login(sender, user, **kwargs):
        ...
    ```
    """
    for connection in facts.connections:
        sender = connection.sender
        if sender is None or sender.literal is None:
            continue
        specs = context.signals_of(connection.signals)
        if specs is None:
            continue
        for spec in specs:
            if spec.model_signal or _may_be_the_same_object(sender.literal, spec.sender):
                continue
            yield Finding(
                sender.span,
                STRING_SENDER.format(signal=spec.name, text=sender.text),
            )


def _may_be_the_same_object(literal: str, sender: str) -> bool:
    """True when the signal sends this very string and CPython interns it (identifier-like
    string constants are shared between modules), so identity can hold."""
    return literal.isidentifier() and f"'{literal}'" in sender
