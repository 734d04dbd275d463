"""What every rule may consult besides the facts: settings and the signal catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from signallint import catalogue
from signallint.catalogue import SignalSpec, Version
from signallint.facts import ProjectFacts, SignalUse
from signallint.settings import Settings


@dataclass(frozen=True)
class RuleContext:
    settings: Settings
    # Every importable qualified name of every signal that exists in the target version.
    signals: Mapping[str, SignalSpec]

    @classmethod
    def for_project(cls, settings: Settings, project: ProjectFacts) -> RuleContext:
        return cls(settings, catalogue.signals_by_qualified_name(settings.django_version))

    @property
    def version(self) -> Version:
        return self.settings.django_version

    def signal_of(self, use: SignalUse) -> SignalSpec | None:
        """The one signal ``use`` refers to, or None when unknown or ambiguous."""
        specs = {self.signals.get(name) for name in use.candidates}
        if len(specs) != 1:
            return None
        return specs.pop()
