from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ModuleFacts
from signallint.module_names import Verdict, judge
from signallint.rules import Finding, rule


@rule(
    "SIG103",
    "bad-receiver-import",
    "`{module}` has no `{name}`; import `receiver` from `django.dispatch`",
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a misspelled `receiver` (`reciver`, `reciever`) imported from
    `django.dispatch`, and `receiver` imported from a module that does not have it
    (such as `django.db.models.signals`).

    ## Why is this bad?
    The import raises `ImportError` when the module is imported, so none of its
    receivers is ever connected. `receiver` lives in `django.dispatch` (and
    `django.dispatch.dispatcher`, which defines it).

    ## Example
    ```python
    from django.dispatch import reciever
    ```

    Use instead:
    ```python
    from django.dispatch import receiver
    ```
    """
    for ref in facts.module_name_refs:
        if judge(ref, context.version).verdict is Verdict.BAD_RECEIVER:
            yield (
                ref.span,
                (f"`{ref.module}` has no `{ref.name}`; import `receiver` from `django.dispatch`"),
            )
