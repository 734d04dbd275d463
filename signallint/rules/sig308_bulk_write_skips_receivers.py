from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import BulkWrite, ConnectionStyle, ModuleFacts, ProjectFacts
from signallint.project import Picture, picture_of
from signallint.rules import Finding, Message, project_rule
from signallint.rules.sig30x_shared import display

SKIPPED = Message(
    "`{call}()` saves `{model}` rows without calling `save()`: its {signals} receivers "
    "{receivers} do not run for them; save each instance, or do their work here too"
)

# What Django sends from Model.save() and never from QuerySet.update(), bulk_create()
# or bulk_update() (QuerySet.delete() does send pre_delete and post_delete per row).
SAVE_SIGNALS = frozenset({"pre_save", "post_save"})
_MODELS_SIGNALS = "django.db.models.signals"


@project_rule(
    "SIG308",
    "bulk-write-skips-receivers",
    SKIPPED,
    default_enabled=False,
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `Model.objects....update(...)`, `Model.objects.bulk_create(...)` and
    `Model.objects.bulk_update(...)` on a model that has `pre_save` or `post_save`
    receivers in the project (connected with that model as `sender`), and names them.
    Off by default: select `SIG308` to enable it.

    ## Why is this bad?
    Django sends `pre_save` and `post_save` from `Model.save()` only. `QuerySet.update()`
    writes the rows in one SQL statement, and `bulk_create()` and `bulk_update()` never
    call `save()`: the receivers that keep a denormalised total, a search index or an
    audit log in step with the model silently miss those rows. (`QuerySet.delete()`
    does send `pre_delete` and `post_delete` for every row, so it is not reported.)
    Bulk writes are often chosen on purpose, for speed, hence the rule is opt-in: it
    is the list of places to check when a receiver must see every change.

    ## Example
    ```python
    # shop/models.py
    from django.db import models
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    class Order(models.Model):
        paid = models.BooleanField(default=False)


    @receiver(post_save, sender=Order)
    def index_order(sender, instance, **kwargs):
        print("index", instance.pk)
    ```

    ```python
    # shop/views.py
    from shop.models import Order


    def mark_paid(ids):
        Order.objects.filter(pk__in=ids).update(paid=True)
    ```

    Use instead:
    ```python
    # shop/views.py
    from shop.models import Order


    def mark_paid(ids):
        for order in Order.objects.filter(pk__in=ids):
            order.paid = True
            order.save(update_fields=["paid"])
    ```

    ## Known problems
    Only chains that start at `Model.objects` or `Model._default_manager`, where
    `Model` is a name the module imports or defines, are seen (not a queryset held in
    a variable, a custom manager's name, or `self.model`). Only receivers connected
    with that exact model as `sender` count: a receiver of every model's saves is not
    named, nor one on a parent or proxy class. A method that a `QuerySet` or `Manager`
    subclass of the project overrides (`def bulk_create(...)` that sends the signals or
    does the receivers' work) is not reported for any model, since which model uses
    that class is not known. Test code is left alone: a test that
    bulk-creates rows sets up data and means to skip the receivers, and a receiver a
    test connects is not the project's.
    """
    picture = picture_of(project, context.version)
    receivers = _save_receivers(project, context, picture)
    if not receivers:
        return
    # Which model uses a custom QuerySet or Manager is not known: a method one of them
    # overrides may run the project's own code for any model.
    overridden = {
        method
        for facts in project.modules
        if facts.wiring is not None
        for method in facts.wiring.bulk_overrides
    }
    for facts in project.modules:
        if facts.wiring is None or picture.is_test_code(facts.path):
            continue
        for write in facts.wiring.bulk_writes:
            if write.method in overridden:
                continue
            model = _qualified_model(facts, write)
            if model is None:
                continue
            found = receivers.get(context.canonical(model))
            if not found:
                continue
            signals = sorted({signal for signal, _, _ in found})
            shown = [
                f"`{name}` ({display(picture, path)}:{line})" for _, name, (path, line) in found
            ]
            yield Finding(
                write.span,
                SKIPPED.format(
                    call=f"{write.model}.objects...{write.method}"
                    if write.method == "update"
                    else f"{write.model}.objects.{write.method}",
                    model=model.rsplit(".", 1)[-1],
                    signals="/".join(f"`{s}`" for s in signals),
                    receivers=", ".join(shown[:3]) + (", ..." if len(shown) > 3 else ""),
                ),
                path=facts.path,
            )


Receiver = tuple[str, str, tuple[str, int]]  # signal, name, (path, line)


def _save_receivers(
    project: ProjectFacts, context: RuleContext, picture: Picture
) -> dict[str, list[Receiver]]:
    """The pre_save/post_save receivers of the project (not of its tests), by the model
    they are connected to as sender."""
    found: dict[str, list[Receiver]] = {}
    for facts in project.modules:
        if picture.is_test_code(facts.path):
            continue
        for connection in facts.connections:
            if connection.style not in (ConnectionStyle.CONNECT, ConnectionStyle.DECORATOR):
                continue
            sender = connection.sender
            if sender is None or len(sender.candidates) != 1:
                continue
            model = context.canonical(next(iter(sender.candidates)))
            name = connection.function.name if connection.function else connection.receiver_text
            line = (connection.function or connection).span.line
            for spec in context.signals_of(connection.signals) or ():
                if spec.module == _MODELS_SIGNALS and spec.name in SAVE_SIGNALS:
                    entry = (spec.name, name, (facts.path, line))
                    if entry not in found.setdefault(model, []):
                        found[model].append(entry)
    return found


def _qualified_model(facts: ModuleFacts, write: BulkWrite) -> str | None:
    """The qualified name of the model a bulk write names, through the module's
    imports and its own classes."""
    head, dot, rest = write.model.partition(".")
    wiring = facts.wiring
    assert wiring is not None
    for imported in wiring.imports:
        if imported.owner is not None:
            continue
        if imported.is_from:
            renamed = dict((bound, original) for original, bound in imported.renamed)
            original = renamed.get(head, head if head in imported.names else None)
            if original is not None:
                return f"{imported.module}.{original}{dot}{rest}"
        elif write.model.startswith(imported.module + "."):
            return write.model
    own = {c.qualified_name for c in facts.model_classes}
    if facts.module and f"{facts.module}.{head}" in own:
        return f"{facts.module}.{write.model}"
    return None
