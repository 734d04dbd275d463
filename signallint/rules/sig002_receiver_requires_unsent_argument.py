from __future__ import annotations

import difflib
from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ModuleFacts, ParamKind
from signallint.rules import Finding, rule
from signallint.signatures import checked_receivers, misplaced_sender_param, passed_names


@rule(
    "SIG002",
    "receiver-requires-unsent-argument",
    "receiver `{name}` requires `{param}`, which `{signal}` never sends",
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
                label = f"`{spec.name}`"
                if param.name in spec.sometimes_sent(context.version):
                    yield (
                        param.span,
                        (
                            f"receiver `{function.name}` requires `{param.name}`, which {label} "
                            f"sends only on some paths; give it a default (`{param.name}=None`)"
                        ),
                    )
                    continue
                suggestion = _closest(param.name, passed_names(spec, context))
                hint = (
                    f"did you mean `{suggestion}`?"
                    if suggestion
                    else "give it a default or remove it"
                )
                yield (
                    param.span,
                    (
                        f"receiver `{function.name}` requires `{param.name}`, "
                        f"which {label} never sends; {hint}"
                    ),
                )


def _closest(name: str, candidates: frozenset[str]) -> str | None:
    matches = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.75)
    return matches[0] if matches else None
