"""What every rule may consult besides the facts: the target Django version and every
known signal.

Known signals are Django's built-ins (for the target version), widely used packages'
signals (``signallint/thirdparty.py``), the signals users declare in
``[tool.signallint.signals]``, and the project's own ``Signal()``s, whose keywords are
learnt from the ``send()`` calls seen across the project.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from signallint import catalogue, exports, module_names, thirdparty
from signallint.catalogue import Kwarg, SignalSpec, Version
from signallint.facts import ModelClass, ProjectFacts, SendCall, SignalDef, SignalUse


@dataclass(frozen=True)
class RuleContext:
    # The Django version the project runs on.
    version: Version
    # Every qualified name of every signal known in the target version.
    signals: Mapping[str, SignalSpec]
    # The project's models (classes with a model among their bases, see
    # ``model_closure``), by qualified name.
    model_classes: Mapping[str, ModelClass] = field(default_factory=dict)
    # The last part of every name a ``through=`` of the project gives (its intermediate
    # models, whether or not they are known as models).
    intermediates: frozenset[str] = frozenset()
    # Qualified names of the project's own signals (defined by a ``Signal()`` we saw).
    project_signals: frozenset[str] = frozenset()
    # The signals declared in ``[tool.signallint.signals]``.
    declared_signals: tuple[SignalSpec, ...] = ()
    # What counts as a side effect outside the database (SIG216): fnmatch patterns.
    side_effect_calls: tuple[str, ...] = catalogue.SIDE_EFFECT_CALLS
    # Names the project's modules re-export (``shop.models.Product``), each with the name
    # it refers to (``shop.models.products.Product``); see :mod:`signallint.exports`.
    aliases: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def for_project(
        cls,
        project: ProjectFacts,
        version: Version,
        declared_signals: tuple[SignalSpec, ...],
        side_effect_calls: tuple[str, ...] = catalogue.SIDE_EFFECT_CALLS,
    ) -> RuleContext:
        builtin = catalogue.signals_by_qualified_name(version)
        signals: dict[str, SignalSpec] = dict(builtin)
        signals.update(thirdparty.third_party_by_qualified_name())
        for alias, original in thirdparty.DJANGO_SIGNALS_REEXPORTED.items():
            if original in builtin:
                signals[alias] = builtin[original]
        for spec in declared_signals:
            signals[spec.qualified_name] = spec
        aliases = exports.aliases_of(project)
        defs = [d for m in project.modules for d in m.signal_defs if d.qualified_name]
        sends = [s for m in project.modules for s in m.send_calls]
        for definition in defs:
            assert definition.qualified_name is not None
            signals.setdefault(definition.qualified_name, learn_signal(definition, sends, aliases))
        classes = [c for m in project.modules for c in m.model_classes]
        intermediates = frozenset(t.rsplit(".", 1)[-1] for c in classes for t in c.intermediates)
        models = model_closure(classes, aliases)
        own = frozenset(d.qualified_name for d in defs if d.qualified_name)
        # A re-exported name is looked up as the one it refers to; a name that is also
        # defined where it is written keeps its own meaning.
        for alias, original in aliases.items():
            if original in signals:
                signals.setdefault(alias, signals[original])
            if original in models:
                models.setdefault(alias, models[original])
        return cls(
            version,
            signals,
            models,
            intermediates,
            project_signals=own,
            declared_signals=declared_signals,
            aliases=aliases,
            side_effect_calls=side_effect_calls,
        )

    def canonical(self, name: str) -> str:
        """The name a re-exported ``name`` refers to in the end (``name`` itself when it
        is no re-export, or one we cannot follow)."""
        return self.aliases.get(name, name)

    def signal_of(self, use: SignalUse, *, meant: bool = True) -> SignalSpec | None:
        """The one signal ``use`` refers to, or None when unknown or ambiguous.

        With ``meant``, a built-in signal imported from a Django module that lacks it
        counts as that signal (SIG102 reports the import; the receivers are checked as
        they will run once it is fixed); without, only what the names really are.
        """
        specs = {
            self.signals.get(name)
            or (module_names.meant_signal(name, self.version) if meant else None)
            for name in use.candidates
        }
        if len(specs) != 1:
            return None
        return specs.pop()

    def signals_of(self, uses: Sequence[SignalUse]) -> list[SignalSpec] | None:
        """The signals of every use, or None unless each one is known."""
        specs = [self.signal_of(use) for use in uses]
        if not specs or any(spec is None for spec in specs):
            return None
        return [spec for spec in specs if spec is not None]


DJANGO_MODELS = frozenset({"django.db.models.Model", "django.db.models.base.Model"})


def model_closure(
    classes: Iterable[ModelClass], aliases: Mapping[str, str] | None = None
) -> dict[str, ModelClass]:
    """The classes that are models, by qualified name: those that declare a
    ``ManyToManyField``, and those with a base that is Django's ``Model`` or such a class
    (abstract bases and mixins included: one base that is a model makes the class one).
    A base is that class only when it can be nothing else; a base a package re-exports
    is the class it refers to (``aliases``)."""
    aliases = aliases or {}
    by_name = {c.qualified_name: c for c in classes}
    models: dict[str, ModelClass] = {}
    known = set(DJANGO_MODELS)
    changed = True
    while changed:
        changed = False
        for name, model in by_name.items():
            if name in models:
                continue
            bases = (frozenset(aliases.get(b, b) for b in base) for base in model.bases)
            if model.m2m_fields or any(base and base <= known for base in bases):
                models[name] = model
                known.add(name)
                changed = True
    return models


def learn_signal(
    definition: SignalDef, sends: list[SendCall], aliases: Mapping[str, str] | None = None
) -> SignalSpec:
    """A project signal's spec: the keywords its ``send()`` calls pass.

    A keyword every call passes is always sent, one that only some pass is sometimes
    sent. When a call passes ``**data``, or no call is seen, the keywords are not known.
    A call through a re-exported name (``aliases``) is a call of the signal it names.
    """
    assert definition.qualified_name is not None
    module, _, name = definition.qualified_name.rpartition(".")
    own = [s for s in sends if _signal_sent(s, aliases or {}) == definition.qualified_name]
    keyword_sets = [s.keywords - {"sender"} for s in own]
    always = frozenset.intersection(*keyword_sets) if keyword_sets else frozenset()
    every = frozenset().union(*keyword_sets)
    kwargs = tuple(Kwarg(k) for k in sorted(always)) + tuple(
        Kwarg(k, always=False) for k in sorted(every - always)
    )
    return SignalSpec(
        name=name,
        module=module,
        kwargs=kwargs,
        sender="whatever its send() calls pass",
        model_signal=definition.model_signal,
        note="defined in this project",
        kwargs_known=bool(own) and not any(s.passes_mapping for s in own),
    )


def _signal_sent(send: SendCall, aliases: Mapping[str, str]) -> str | None:
    """The one qualified name of the signal ``send`` sends, through re-exports."""
    if len(send.signal.candidates) != 1:
        return None
    (name,) = send.signal.candidates
    return aliases.get(name, name)
