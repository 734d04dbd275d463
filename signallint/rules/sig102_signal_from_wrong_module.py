from __future__ import annotations

from collections.abc import Iterator

from signallint import catalogue, fixes
from signallint.context import RuleContext
from signallint.facts import ModuleFacts, ModuleNameRef
from signallint.module_names import Verdict, judge
from signallint.rules import Finding, Fix, Message, rule

WRONG_MODULE = Message("signal `{name}` is not in `{module}`; import it from `{home}`")


@rule(
    "SIG102",
    "signal-from-wrong-module",
    WRONG_MODULE,
    fix=Fix.SAFE,
    raises=True,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a real Django signal imported from (or looked up on) a module that does not
    have it, such as `request_finished` from `django.db.models.signals`. Any Django
    module is judged, by what it provides in the target Django version:
    `user_logged_in` from `django.contrib.auth.models`, `pre_migrate` from
    `django.core.management.signals` (no such module), `setting_changed` from
    `django.tasks.signals` before Django 6.0.

    ## Why is this bad?
    The import raises `ImportError` (or the attribute lookup `AttributeError`) when the
    module is imported, and modules that hold receivers are often imported only at
    start-up in production. The message says where the signal lives. Its receivers are
    still checked against that signal (SIG001, SIG002, ...), as they will run once the
    import is fixed.

    ## Example
    ```python
    from django.db.models.signals import request_finished
    ```

    Use instead:
    ```python
    from django.core.signals import request_finished
    ```

    ## Fix safety
    The fix is safe: it imports the name from the one module that defines it, merged
    into an existing `from that.module import ...` line when there is one (else the
    wrong module is replaced in place, or a new line added below). The import fails
    today, so no working code changes meaning, and the name bound is the same. It is
    not offered for `module.name` attribute lookups, for a name that several Django
    modules define, or when removing the name from its line would delete a comment.

    ## Known problems
    A Django module that imports a signal for its own use provides it too
    (`from django.db.models.base import post_save` works): such imports are not
    reported, although the next release may drop them. Attribute lookups
    (`models.post_save`) are judged only on the signal modules themselves.
    """
    for ref in facts.module_name_refs:
        judgement = judge(ref, context.version)
        if judgement.verdict is Verdict.WRONG_MODULE:
            assert judgement.spec is not None
            yield Finding(
                ref.span,
                WRONG_MODULE.format(name=ref.name, module=ref.module, home=judgement.spec.module),
                _move(ref, context),
            )


def _move(ref: ModuleNameRef, context: RuleContext) -> fixes.Fix | None:
    homes = {
        spec.module
        for spec in catalogue.find_signals_named(ref.name)
        if spec.exists_in(context.version)
    }
    if not ref.via_import or len(homes) != 1:
        return None
    [home] = homes
    return fixes.safe(fixes.MoveImport(ref.span, ref.name, home), f"import it from `{home}`")
