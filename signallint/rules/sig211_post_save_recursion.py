from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import Enum

from signallint.context import RuleContext
from signallint.facts import ConnectionStyle, Guard, GuardAtom, GuardTest, ModuleFacts, SaveCall
from signallint.rules import Finding, Message, rule

RECURSION = Message(
    "`instance.save()` in post_save receiver `{name}` sends post_save again: infinite "
    "recursion; guard it or use `update_fields` behind a check, or `QuerySet.update()`"
)
RECURSION_WITH_UPDATE_FIELDS = Message(
    "`instance.save(update_fields=...)` in post_save receiver `{name}` sends post_save "
    "again, with those update_fields: infinite recursion; return early when "
    "`update_fields` names them, or use `QuerySet.update()`"
)
RECURSION_PAST_GUARD = Message(
    "`{call}` in post_save receiver `{name}` sends post_save again and {guards} let "
    "it through (the nested save has created=False, raw=False, update_fields={fields}): "
    "infinite recursion; test `created` or `update_fields` instead"
)

POST_SAVE = "django.db.models.signals.post_save"


class _Value(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"
    RAISES = "raises"  # ``"x" in update_fields`` when it is None: TypeError


@rule(
    "SIG211",
    "post-save-recursion",
    RECURSION,
    RECURSION_WITH_UPDATE_FIELDS,
    RECURSION_PAST_GUARD,
    raises=True,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `instance.save()` in a `post_save` receiver that runs again in the `post_save`
    that save sends: with no guard, or only with guards the nested save passes. The
    nested save has `created=False`, `raw=False` and `update_fields=None` (or the fields
    it names), so `if created:` and `if not created: return` stop it, and so does
    `if update_fields: return` (or `if "slug" in update_fields: return`) before
    `save(update_fields=["slug"])`; `if not created:`, `if not raw:`,
    `if kwargs.get("raw"): return`, or a check of `update_fields` that the nested save's
    fields pass, do not. Guards are the enclosing `if`s and `else`s and the early
    `return`s and `raise`s before the save; they read `created`, `raw` and
    `update_fields` as parameters or through `kwargs.get(...)`/`kwargs[...]`.

    ## Why is this bad?
    Saving the instance sends `post_save` for the same sender again, which calls the
    same receiver, which saves again: `RecursionError` on the first save that gets there.
    `update_fields` does not change that: Django sends `post_save` for every save that
    writes a field (only `update_fields=[]` writes and sends nothing).

    ## Example
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def add_slug(sender, instance, **kwargs):
        instance.slug = str(instance.pk)
        instance.save()
    ```

    Use instead:
    ```python
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def add_slug(sender, instance, created, **kwargs):
        if created:
            instance.slug = str(instance.pk)
            instance.save(update_fields=["slug"])
    ```

    ## Known problems
    Only `instance.save()` on the receiver's own `instance` parameter is seen. Any
    condition it cannot read (`if instance.slug:`, a flag on the instance), a save in a
    loop, `try` or `with` (which may mute signals), a `return` or `raise` it cannot place,
    `update_fields` that is not a literal, and any `disconnect()` in the receiver leave
    the save unreported.
    """
    for connection in facts.connections:
        function = connection.function
        if (
            connection.style is ConnectionStyle.DISCONNECT
            or function is None
            or function.disconnects
            or not any(p.name == "instance" for p in function.params)
        ):
            continue
        if not any(use.candidates == {POST_SAVE} for use in connection.signals):
            continue
        for save in function.saves:
            if save.target != "instance":
                continue
            fields = _nested_update_fields(save)
            if fields is None or not all(_holds(g, fields) for g in save.guards):
                continue
            if save.guards:
                message = RECURSION_PAST_GUARD.format(
                    call="instance.save(update_fields=...)" if fields else "instance.save()",
                    name=function.name,
                    guards=", ".join(f"`{g.text}`" for g in save.guards),
                    fields="{" + ", ".join(map(repr, sorted(fields))) + "}" if fields else "None",
                )
            elif fields:
                message = RECURSION_WITH_UPDATE_FIELDS.format(name=function.name)
            else:
                message = RECURSION.format(name=function.name)
            yield Finding(save.span, message)


def _nested_update_fields(save: SaveCall) -> frozenset[str] | None:
    """The ``update_fields`` post_save gets from the save (empty: None), or None when
    unknown or when the save sends no signal (Django skips ``update_fields=[]``)."""
    if not save.has_update_fields:
        return frozenset()
    if not save.update_fields:
        return None
    return frozenset(save.update_fields)


def _holds(guard: Guard, fields: frozenset[str]) -> bool:
    """Whether the nested save (created=False, raw=False, ``fields``) passes the guard."""
    return _all(_any(_atom(atom, fields) for atom in clause) for clause in guard.clauses) is (
        _Value.TRUE
    )


def _atom(atom: GuardAtom, fields: frozenset[str]) -> _Value:
    test = atom.test
    if test in (GuardTest.NOT_CREATED, GuardTest.NOT_RAW):
        return _Value.TRUE
    if test in (GuardTest.CREATED, GuardTest.RAW):
        return _Value.FALSE
    if test is GuardTest.UPDATE_FIELDS:
        return _Value.TRUE if fields else _Value.FALSE
    if test is GuardTest.NO_UPDATE_FIELDS:
        return _Value.FALSE if fields else _Value.TRUE
    if test in (GuardTest.FIELD_UPDATED, GuardTest.FIELD_NOT_UPDATED):
        if not fields and not atom.none_safe:
            return _Value.RAISES
        updated = atom.field in fields
        return _Value.TRUE if updated == (test is GuardTest.FIELD_UPDATED) else _Value.FALSE
    return _Value.UNKNOWN


def _any(values: Iterable[_Value]) -> _Value:
    """``a or b or ...`` evaluated left to right."""
    return _fold(values, stop=_Value.TRUE, go_on=_Value.FALSE)


def _all(values: Iterable[_Value]) -> _Value:
    """``a and b and ...`` evaluated left to right."""
    return _fold(values, stop=_Value.FALSE, go_on=_Value.TRUE)


def _fold(values: Iterable[_Value], stop: _Value, go_on: _Value) -> _Value:
    unknown = False
    for value in values:
        if value is stop:
            # An unknown condition evaluated first may have decided, or raised.
            return _Value.UNKNOWN if unknown else stop
        if value is _Value.UNKNOWN:
            unknown = True
        elif value is _Value.RAISES:
            # Raised, or never evaluated if an earlier unknown value decided it.
            return _Value.UNKNOWN if unknown else _Value.RAISES
    return _Value.UNKNOWN if unknown else go_on
