from __future__ import annotations

from collections.abc import Iterator

from signallint import fixes
from signallint.catalogue import format_version
from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.rules import Finding, Fix, Message, rule

PROVIDING_ARGS = Message(
    "`providing_args` was removed in Django 4.0: Signal() raises TypeError; "
    "remove it and document the keywords in a comment"
)
DEPRECATED = Message(
    "`providing_args` is deprecated and does nothing in Django {version}; from Django 4.0 "
    "Signal() raises TypeError: remove it and document the keywords in a comment"
)
# The first release whose Signal() rejects the argument.
REMOVED = (4, 0)


@rule(
    "SIG209",
    "signal-providing-args",
    PROVIDING_ARGS,
    DEPRECATED,
    fix=Fix.SAFE,
    raises=(4, 0),
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `Signal(providing_args=[...])` (Django's `Signal` or `ModelSignal`, not
    other libraries' classes of the same name).

    ## Why is this bad?
    The argument was purely documentational, deprecated in Django 3.1 and removed in
    4.0: `Signal(providing_args=...)` now raises `TypeError` when the module defining
    the signal is imported. On Django 3.2 it still only emits a `DeprecationWarning`
    (hidden by default) and is discarded; the rule then says so, and that upgrading to
    4.0 or later breaks the import.

    ## Example
    ```python
    from django.dispatch import Signal

    order_paid = Signal(providing_args=["order", "amount"])
    ```

    Use instead:
    ```python
    from django.dispatch import Signal

    # Sends: order, amount.
    order_paid = Signal()
    ```

    ## Fix safety
    The fix is safe: it removes the argument and keeps what it documented as a comment
    on the call's line (`order_paid = Signal()  # providing_args: order, amount`, or a
    comment line above when the line already has one). The argument never did anything
    but document, and from Django 4.0 it makes `Signal()` raise. It is offered only
    when the value is a literal list, tuple or set of strings and deletes no comment.

    ## Options
    - `django-version`: from Django 4.0 the argument raises; before, it is a deprecation.
    """
    removed = context.version >= REMOVED
    for definition in facts.signal_defs:
        if definition.providing_args is not None:
            argument = definition.providing_args
            action = fixes.DropProvidingArgs(argument.span)
            yield Finding(
                argument.span,
                PROVIDING_ARGS.format()
                if removed
                else DEPRECATED.format(version=format_version(context.version)),
                fixes.safe(action, "remove providing_args, keep it as a comment"),
            )
