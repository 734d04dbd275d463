from __future__ import annotations

import difflib
from collections.abc import Iterator

from signallint import fixes
from signallint.catalogue import SignalSpec
from signallint.context import RuleContext
from signallint.facts import FunctionFact, ModuleFacts, Param, ParamKind
from signallint.rules import Finding, Fix, Message, rule
from signallint.signatures import checked_receivers, misplaced_sender_param, passed_names

NEVER_SENT = Message(
    "receiver `{name}` requires `{param}`, which `{signal}` never sends; "
    "give it a default or remove it"
)
NEVER_SENT_CLOSE_TO = Message(
    "receiver `{name}` requires `{param}`, which `{signal}` never sends; "
    "did you mean `{suggestion}`?"
)
SOMETIMES_SENT = Message(
    "receiver `{name}` requires `{param}`, which `{signal}` sends only on some paths; "
    "give it a default (`{param}=None`)"
)


@rule(
    "SIG002",
    "receiver-requires-unsent-argument",
    NEVER_SENT,
    NEVER_SENT_CLOSE_TO,
    SOMETIMES_SENT,
    fix=Fix.UNSAFE,
    raises=True,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds receiver parameters without a default whose name the signal never passes,
    or passes only on some code paths.

    ## Why is this bad?
    Django calls receivers by keyword only: `receiver(signal=..., sender=..., **named)`
    (`django/dispatch/dispatcher.py`), where `named` is what the signal's `send()` call
    sites pass. A required parameter with any other name is never filled, so the first
    real `send()` raises `TypeError`, often only in production. Nothing complains when
    the receiver is connected. Examples: `created` on `pre_save` (only `post_save` sends
    it), `user` on `user_login_failed` (it sends `credentials` and `request`), or a
    typo such as `instnace`.

    Some keywords are sent only on some paths (`request_started` sends `environ` under
    WSGI and `scope` under ASGI; `post_migrate` sends `plan` only from `migrate`): a
    receiver that requires one of them breaks on the other paths.

    `signallint signals` lists what each built-in signal sends in the target Django
    version.

    ## Example
    ```python
    from django.db.models.signals import pre_save
    from django.dispatch import receiver


    @receiver(pre_save)
    def on_pre_save(sender, instance, created, **kwargs):
        ...
    ```

    Use instead:
    ```python
    from django.db.models.signals import pre_save
    from django.dispatch import receiver


    @receiver(pre_save)
    def on_pre_save(sender, instance, **kwargs):
        ...
    ```

    ## Fix safety
    When exactly one keyword that every connected signal always sends is close to the
    parameter's name (`instnace` → `instance`), the fix renames the parameter and its
    uses in the function. It is unsafe: the name is a guess, and code that calls the
    function directly with the old keyword (`on_save(instnace=obj)`) would break. It is
    not offered when the function already uses the new name, or uses the old one in a
    way that cannot be renamed with certainty (a string annotation, `nonlocal`, a
    nested scope that rebinds it).

    ## Options
    - `django-version`: which keywords each signal sends depends on the Django version.
    """
    for _connection, function, specs in checked_receivers(facts.connections, context):
        sender_slot = misplaced_sender_param(function, specs, context)
        for param in function.params:
            if not param.required or param.kind is ParamKind.POSITIONAL_ONLY:
                continue  # positional-only parameters have a rule of their own
            if param is sender_slot or param.name in ("signal", "sender"):
                continue
            for spec in specs:
                if not spec.kwargs_known:
                    continue
                always = spec.always_sent(context.version)
                if param.name in always:
                    continue
                if param.name in spec.sometimes_sent(context.version):
                    yield Finding(
                        param.span,
                        SOMETIMES_SENT.format(
                            name=function.name, param=param.name, signal=spec.name
                        ),
                    )
                    continue
                suggestion = _closest(param.name, passed_names(spec, context))
                message = (
                    NEVER_SENT_CLOSE_TO.format(
                        name=function.name,
                        param=param.name,
                        signal=spec.name,
                        suggestion=suggestion,
                    )
                    if suggestion
                    else NEVER_SENT.format(name=function.name, param=param.name, signal=spec.name)
                )
                yield Finding(
                    param.span,
                    message,
                    _rename(function, param, specs, context),
                )


def _rename(
    function: FunctionFact, param: Param, specs: list[SignalSpec], context: RuleContext
) -> fixes.Fix | None:
    """Rename a misspelled parameter when exactly one keyword every signal sends is close."""
    if not all(spec.kwargs_known for spec in specs):
        return None
    always = frozenset.intersection(*(spec.always_sent(context.version) for spec in specs))
    passed = sorted(frozenset().union(*(passed_names(spec, context) for spec in specs)))
    close = difflib.get_close_matches(param.name, passed, n=len(passed), cutoff=0.75)
    if len(close) != 1 or close[0] not in always:
        return None
    if any(p.name == close[0] for p in function.params):
        return None
    action = fixes.RenameParameter(function.span, param.name, close[0])
    return fixes.unsafe(action, f"rename `{param.name}` to `{close[0]}`")


def _closest(name: str, candidates: frozenset[str]) -> str | None:
    matches = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.75)
    return matches[0] if matches else None
