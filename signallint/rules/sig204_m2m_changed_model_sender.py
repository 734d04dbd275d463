from __future__ import annotations

from collections.abc import Iterator

from signallint import fixes
from signallint.context import RuleContext
from signallint.facts import ModelClass, ModuleFacts, Span
from signallint.rules import Finding, Fix, Message, rule

M2M_CHANGED = "django.db.models.signals.m2m_changed"
# A lazy ``"app_label.Model"`` names a model of the app whose package holds this module.
MODELS_MODULE = "models"
MODEL_SENDER = Message(
    "`m2m_changed` is sent with the intermediate model, never `{model}`; "
    "use `{model}.{field}.through`"
)
MODEL_SENDER_OF_FIELDS = Message(
    "`m2m_changed` is sent with the intermediate model, never `{model}`; use {throughs}"
)
NOT_INTERMEDIATE = Message(
    "`m2m_changed` is sent with an intermediate model, never `{model}`, which is none: "
    "this connection never fires; use `<Model>.<field>.through`"
)
FIELD_SENDER = Message(
    "`m2m_changed` is sent with the intermediate model, never the field `{text}`; use `{through}`"
)
LAZY_SENDER = Message(
    "`m2m_changed` is sent with an intermediate model, never the model {text} names, "
    "which is none: this connection never fires; use `<Model>.<field>.through`"
)


@rule(
    "SIG204",
    "m2m-changed-model-sender",
    MODEL_SENDER,
    MODEL_SENDER_OF_FIELDS,
    NOT_INTERMEDIATE,
    FIELD_SENDER,
    LAZY_SENDER,
    fix=Fix.UNSAFE,
)
def check(facts: ModuleFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `m2m_changed` receivers whose `sender=` is never an intermediate model: a
    model of the project that no `ManyToManyField(through=...)` names (`Pizza`, whether
    or not it declares a `ManyToManyField`; a model through its abstract bases and
    mixins too), the field itself (`Pizza.toppings`), a lazy `"app_label.Model"`
    string naming such a model, or a local assigned such a model by
    `apps.get_model("app_label", "Model")` or, in an AppConfig, `self.get_model("Model")`;
    instead of the field's intermediate model (`Pizza.toppings.through`).

    ## Why is this bad?
    Django sends `m2m_changed` with the intermediate ("through") model as sender. The
    model that declares the field, any other model that is no intermediate one, and
    the field's descriptor are never the sender (a lazy string is resolved to its
    model, which changes nothing), so the receiver silently never runs.

    ## Example
    ```python
    from django.db import models
    from django.db.models.signals import m2m_changed
    from django.dispatch import receiver


    class Pizza(models.Model):
        toppings = models.ManyToManyField("Topping")


    @receiver(m2m_changed, sender=Pizza)
    def toppings_changed(sender, instance, action, **kwargs):
        ...
    ```

    Use instead:
    ```python
    from django.db import models
    from django.db.models.signals import m2m_changed
    from django.dispatch import receiver


    class Pizza(models.Model):
        toppings = models.ManyToManyField("Topping")


    @receiver(m2m_changed, sender=Pizza.toppings.through)
    def toppings_changed(sender, instance, action, **kwargs):
        ...
    ```

    ## Fix safety
    When the model declares exactly one `ManyToManyField`, the fix replaces the sender
    with that field's intermediate model (`sender=Pizza` → `sender=Pizza.toppings.through`);
    for the field itself it appends `.through`. It is unsafe: the receiver, which never
    ran, starts running, and the relation is a guess (another model's `ManyToManyField`
    to this one is a relation too).

    ## Known problems
    Only models of the checked project are recognised (one file alone: the models it
    defines): a class is a model when one of its bases is Django's `Model` or such a
    class, resolved by qualified name; a base that cannot be resolved leaves it unknown.
    A model is taken for an intermediate one when any `through=` of the project names a
    class of the same name, and is then never reported. The app label of a lazy string
    is taken as the last part of the package that holds the `models` module; a label
    that matches no model stays silent. A project that sends `m2m_changed` itself with
    another sender is not recognised. A model a package re-exports under another name
    (`from .products import Product as Item`) is recognised only when its own module is
    read for another reason.
    """
    for connection in facts.connections:
        sender = connection.sender
        if sender is None:
            continue
        if not any(use.candidates == {M2M_CHANGED} for use in connection.signals):
            continue
        if sender.literal is not None:
            model = _lazy_model(sender.literal, context)
            if model is not None:
                yield Finding(sender.span, LAZY_SENDER.format(text=sender.text))
            continue
        if sender.model_reference is not None:
            model = _lazy_model(sender.model_reference, context)
            finding = model and _model_sender(model, sender.text, sender.span, context)
            if finding:
                yield finding
            continue
        if len(sender.candidates) != 1:
            continue
        [name] = sender.candidates
        model = context.model_classes.get(name)
        if model is not None:
            finding = _model_sender(model, sender.text, sender.span, context)
            if finding is not None:
                yield finding
            continue
        owner, _, attribute = name.rpartition(".")
        model = context.model_classes.get(owner)
        if model is not None and attribute in _m2m_field_names(model, context):
            through = f"{sender.text}.through"
            yield Finding(
                sender.span,
                FIELD_SENDER.format(text=sender.text, through=through),
                fixes.unsafe(fixes.Replace(sender.span, sender.text, through), f"use `{through}`"),
            )


def _is_intermediate(model: ModelClass, context: RuleContext) -> bool:
    return model.qualified_name.rsplit(".", 1)[-1] in context.intermediates


def _model_sender(model: ModelClass, text: str, span: Span, context: RuleContext) -> Finding | None:
    if _is_intermediate(model, context):
        return None
    fields = [] if model.abstract else [name for name, _ in model.m2m_fields]
    if not fields:
        return Finding(span, NOT_INTERMEDIATE.format(model=text))
    if len(fields) > 1:
        throughs = " or ".join(f"`{text}.{f}.through`" for f in fields)
        return Finding(span, MODEL_SENDER_OF_FIELDS.format(model=text, throughs=throughs))
    through = f"{text}.{fields[0]}.through"
    fix = fixes.unsafe(fixes.Replace(span, text, through), f"use `{through}`")
    return Finding(span, MODEL_SENDER.format(model=text, field=fields[0]), fix)


def _m2m_field_names(model: ModelClass, context: RuleContext) -> set[str]:
    """The ``ManyToManyField``s of a model and of the models among its bases."""
    names: set[str] = set()
    seen: set[str] = set()
    pending = [model]
    while pending:
        current = pending.pop()
        if current.qualified_name in seen:
            continue
        seen.add(current.qualified_name)
        names.update(name for name, _ in current.m2m_fields)
        for base in current.bases:
            if len(base) == 1:
                [base_name] = base
                base_model = context.model_classes.get(base_name)
                if base_model is not None:
                    pending.append(base_model)
    return names


def _lazy_model(literal: str, context: RuleContext) -> ModelClass | None:
    """The concrete model, no intermediate one, that ``"app_label.Model"`` names: the
    label taken as the last part of the package that holds the ``models`` module.
    None when unknown, ambiguous or an intermediate model."""
    label, dot, model_name = literal.partition(".")
    if not dot or not label or not model_name or "." in model_name:
        return None
    # By the model's own name: a re-exported model is there under its aliases too.
    found: dict[str, ModelClass] = {}
    for qualified, model in context.model_classes.items():
        parts = qualified.split(".")
        if parts[-1].lower() != model_name.lower() or MODELS_MODULE not in parts[:-1]:
            continue
        app = parts[: len(parts) - 1 - parts[-2::-1].index(MODELS_MODULE) - 1]
        if app and app[-1] == label:
            found[model.qualified_name] = model
    if len(found) != 1:
        return None
    [model] = found.values()
    if model.abstract or model.qualified_name.rsplit(".", 1)[-1].lower() in {
        name.lower() for name in context.intermediates
    }:
        return None
    return model
