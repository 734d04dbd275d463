from __future__ import annotations

from collections.abc import Iterator

from signallint.catalogue import format_version
from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.module_names import Verdict, judge
from signallint.rules import Finding, Message, rule

UNKNOWN = Message("`{module}` has no signal `{name}`")
UNKNOWN_CLOSE_TO = Message("`{module}` has no signal `{name}`; did you mean `{suggestion}`?")
REMOVED = Message(
    "signal `{name}` was removed in Django {removed}; `{module}` does not have it in "
    "Django {target}"
)
NEW = Message(
    "signal `{name}` is new in Django {since}; `{module}` does not have it in Django {target}"
)


@rule(
    "SIG101",
    "unknown-signal",
    UNKNOWN,
    UNKNOWN_CLOSE_TO,
    REMOVED,
    NEW,
    raises=True,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds names imported from (or looked up on) a Django signals module that does not
    have them in the target Django version: misspellings such as `post_saved` or
    `pre_delte`, signals that were removed (`pre_syncdb`, removed in Django 1.9), and
    signals that do not exist yet in the target version (the task signals are new in
    Django 6.0).

    ## Why is this bad?
    `from django.db.models.signals import post_saved` raises `ImportError`, and
    `signals.post_saved` raises `AttributeError`, when the module is imported. If that
    module holds receivers that only production loads (a `signals.py` imported from
    `AppConfig.ready()`), the first to notice is the deployment.

    ## Example
    ```python
    from django.db.models.signals import post_saved
    ```

    Use instead:
    ```python
    from django.db.models.signals import post_save
    ```

    ## Options
    - `django-version`: which signals exist depends on the Django version.
    """
    for ref in facts.module_name_refs:
        judgement = judge(ref, context.version)
        if judgement.verdict is Verdict.NOT_IN_VERSION:
            spec = judgement.spec
            assert spec is not None
            target = format_version(context.version)
            if spec.until is not None and context.version >= spec.until:
                removed = format_version(spec.until)
                message = REMOVED.format(
                    name=ref.name, removed=removed, module=ref.module, target=target
                )
            else:
                assert spec.since is not None
                since = format_version(spec.since)
                message = NEW.format(name=ref.name, since=since, module=ref.module, target=target)
            yield Finding(ref.span, message)
        elif judgement.verdict is Verdict.UNKNOWN:
            if judgement.suggestion:
                message = UNKNOWN_CLOSE_TO.format(
                    module=ref.module, name=ref.name, suggestion=judgement.suggestion
                )
            else:
                message = UNKNOWN.format(module=ref.module, name=ref.name)
            yield Finding(ref.span, message)
