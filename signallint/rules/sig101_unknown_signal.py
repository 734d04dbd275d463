from __future__ import annotations

from collections.abc import Iterator

from signallint.catalogue import format_version
from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.module_names import Verdict, judge
from signallint.rules import Finding, rule


@rule(
    "SIG101",
    "unknown-signal",
    "`{module}` has no signal `{name}`",
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
            if spec.until is not None and context.version >= spec.until:
                when = f"was removed in Django {format_version(spec.until)}"
            else:
                assert spec.since is not None
                when = f"is new in Django {format_version(spec.since)}"
            target = format_version(context.version)
            yield Finding(
                ref.span,
                (f"signal `{ref.name}` {when}; `{ref.module}` does not have it in Django {target}"),
            )
        elif judgement.verdict is Verdict.UNKNOWN:
            hint = f"; did you mean `{judgement.suggestion}`?" if judgement.suggestion else ""
            yield Finding(ref.span, f"`{ref.module}` has no signal `{ref.name}`{hint}")
