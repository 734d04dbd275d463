from __future__ import annotations

import difflib
from collections.abc import Iterator

from signallint import catalogue, fixes
from signallint.context import RuleContext
from signallint.facts import ModuleFacts, ModuleNameRef, Span
from signallint.module_names import Verdict, judge
from signallint.rules import Finding, Fix, Message, rule

BAD_RECEIVER = Message("`{module}` has no `{name}`; import `receiver` from `django.dispatch`")
BAD_SIGNAL_CLASS = Message("`{module}` has no `Signal`; import `Signal` from `django.dispatch`")


@rule(
    "SIG103",
    "bad-receiver-import",
    BAD_RECEIVER,
    BAD_SIGNAL_CLASS,
    fix=Fix.SAFE,
    raises=True,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a misspelled `receiver` (`reciver`, `reciever`) imported from
    `django.dispatch`, and `receiver` or `Signal` imported from a Django module that
    does not have it in the target Django version (such as `django.db.models.signals`
    for `receiver`, `django.db.models` for `Signal`, or `django.dispatch.signals`,
    which does not exist). Modules that import them for their own use provide them
    too (`from django.test.signals import receiver` works) and are not reported.

    ## Why is this bad?
    The import raises `ImportError` when the module is imported, so none of its
    receivers is ever connected. `receiver` and `Signal` live in `django.dispatch` (and
    `django.dispatch.dispatcher`, which defines them).

    ## Example
    ```python
    from django.dispatch import reciever
    ```

    Use instead:
    ```python
    from django.dispatch import receiver
    ```

    ## Fix safety
    The fix is safe. A misspelled name is replaced by `receiver` only when `receiver` is
    the one name of `django.dispatch` close to it, and its uses in the module (the
    decorators) are renamed only when the import is the name's sole binding and
    `receiver` is not already a name there. Replacing a guessed name would make a fix
    unsafe in general, but not here: the import raises `ImportError`, so the module
    has no behaviour to preserve, and a near-`receiver` imported from Django's
    dispatch module can mean nothing else. A `receiver` imported from the wrong module
    is imported from `django.dispatch` instead (merged into an existing
    `from django.dispatch import ...` line when there is one), and so is a `Signal`
    imported from the wrong module.
    """
    for ref in facts.module_name_refs:
        verdict = judge(ref, context.version).verdict
        if verdict is Verdict.BAD_RECEIVER:
            yield Finding(
                ref.span,
                BAD_RECEIVER.format(module=ref.module, name=ref.name),
                _repair(ref),
            )
        elif verdict is Verdict.BAD_SIGNAL_CLASS:
            yield Finding(ref.span, BAD_SIGNAL_CLASS.format(module=ref.module), _move_signal(ref))


def _move_signal(ref: ModuleNameRef) -> fixes.Fix | None:
    if not ref.via_import:
        return None
    action = fixes.MoveImport(ref.span, "Signal", "django.dispatch")
    return fixes.safe(action, "import `Signal` from `django.dispatch`")


def _repair(ref: ModuleNameRef) -> fixes.Fix | None:
    if ref.name == "receiver":
        if not ref.via_import:
            return None  # ``signals.receiver``: the right module is not imported here
        action = fixes.MoveImport(ref.span, "receiver", "django.dispatch")
        return fixes.safe(action, "import `receiver` from `django.dispatch`")
    names = sorted(catalogue.MODULE_NAMES.get(ref.module, frozenset()) | {"receiver"})
    if difflib.get_close_matches(ref.name, names, n=len(names), cutoff=0.75) != ["receiver"]:
        return None
    title = f"replace `{ref.name}` with `receiver`"
    if ref.via_import:
        return fixes.safe(fixes.RenameImportedName(ref.span, ref.name, "receiver"), title)
    # ``dispatch.reciver``: the attribute's name ends the span.
    span = ref.span
    if span.line != span.end_line:
        return None
    name = Span(span.end_line, span.end_col - len(ref.name), span.end_line, span.end_col)
    return fixes.safe(fixes.Replace(name, ref.name, "receiver"), title)
