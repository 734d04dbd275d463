from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.module_names import Verdict, judge
from signallint.rules import Finding, rule


@rule(
    "SIG102",
    "signal-from-wrong-module",
    "signal `{name}` is not in `{module}`; import it from `{home}`",
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a real Django signal imported from (or looked up on) a module that does not
    have it, such as `request_finished` from `django.db.models.signals`.

    ## Why is this bad?
    The import raises `ImportError` (or the attribute lookup `AttributeError`) when the
    module is imported, and modules that hold receivers are often imported only at
    start-up in production. The message says where the signal lives.

    ## Example
    ```python
    from django.db.models.signals import request_finished
    ```

    Use instead:
    ```python
    from django.core.signals import request_finished
    ```
    """
    for ref in facts.module_name_refs:
        judgement = judge(ref, context.version)
        if judgement.verdict is Verdict.WRONG_MODULE:
            assert judgement.spec is not None
            yield (
                ref.span,
                (
                    f"signal `{ref.name}` is not in `{ref.module}`; "
                    f"import it from `{judgement.spec.module}`"
                ),
            )
