"""What every rule may consult besides the facts: the target Django version and every
known signal.

Known signals are Django's built-ins (for the target version), widely used packages'
signals (``signallint/thirdparty.py``), the signals users declare in
``[tool.signallint.signals]``, and the project's own ``Signal()``s, whose keywords are
learnt from the ``send()`` calls seen across the project.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from signallint import catalogue, module_names, thirdparty
from signallint.catalogue import Kwarg, SignalSpec, Version
from signallint.facts import ModelClass, ProjectFacts, SendCall, SignalDef, SignalUse


@dataclass(frozen=True)
class RuleContext:
    # The Django version the project runs on.
    version: Version
    # Every qualified name of every signal known in the target version.
    signals: Mapping[str, SignalSpec]
    # The project's classes with ManyToManyFields, by qualified name.
    model_classes: Mapping[str, ModelClass] = field(default_factory=dict)
    # Qualified names of the project's own signals (defined by a ``Signal()`` we saw).
    project_signals: frozenset[str] = frozenset()
    # The signals declared in ``[tool.signallint.signals]``.
    declared_signals: tuple[SignalSpec, ...] = ()

    @classmethod
    def for_project(
        cls, project: ProjectFacts, version: Version, declared_signals: tuple[SignalSpec, ...]
    ) -> RuleContext:
        builtin = catalogue.signals_by_qualified_name(version)
        signals: dict[str, SignalSpec] = dict(builtin)
        signals.update(thirdparty.third_party_by_qualified_name())
        for alias, original in thirdparty.DJANGO_SIGNALS_REEXPORTED.items():
            if original in builtin:
                signals[alias] = builtin[original]
        for spec in declared_signals:
            signals[spec.qualified_name] = spec
        defs = [d for m in project.modules for d in m.signal_defs if d.qualified_name]
        sends = [s for m in project.modules for s in m.send_calls]
        for definition in defs:
            assert definition.qualified_name is not None
            signals.setdefault(definition.qualified_name, learn_signal(definition, sends))
        models = {c.qualified_name: c for m in project.modules for c in m.model_classes}
        own = frozenset(d.qualified_name for d in defs if d.qualified_name)
        return cls(version, signals, models, own, declared_signals)

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


def learn_signal(definition: SignalDef, sends: list[SendCall]) -> SignalSpec:
    """A project signal's spec: the keywords its ``send()`` calls pass.

    A keyword every call passes is always sent, one that only some pass is sometimes
    sent. When a call passes ``**data``, or no call is seen, the keywords are not known.
    """
    assert definition.qualified_name is not None
    module, _, name = definition.qualified_name.rpartition(".")
    own = [s for s in sends if s.signal.candidates == {definition.qualified_name}]
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
