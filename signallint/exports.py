"""Names a module re-exports, followed to where they are defined.

``from shop.models import Product`` names ``shop.models.Product``; when ``shop/models/``
is a package whose ``__init__.py`` does ``from .products import Product`` (or
``from .products import *``), that is the class ``shop.models.products.Product``. The
collector records each name where it is written; this module maps every name bound by
a module-level ``from ... import`` (with ``as``) or taken by ``from ... import *`` to
the name it finally refers to, so that rules can look the original up.

``from module import *`` takes the module's literal ``__all__`` when it has one, else
its public names as far as the facts know them: the names it imports, and the signals,
models, AppConfig candidates and receiver functions it defines. A name bound in two
ways that lead to different places (``try: from .fast import x`` / ``except: from
.slow import x``, a star import and a definition of its own) is not followed: unknown.
"""

from __future__ import annotations

from collections.abc import Iterable

from signallint.facts import ModuleFacts, ProjectFacts


class _Module:
    __slots__ = ("bindings", "defined", "exports", "stars")

    def __init__(self) -> None:
        # Name -> the qualified names a ``from ... import`` binds it to.
        self.bindings: dict[str, set[str]] = {}
        self.stars: list[str] = []
        self.defined: set[str] = set()
        self.exports: tuple[str, ...] | None = None


class Exports:
    """The re-exports of a project's modules, and what each one resolves to."""

    def __init__(self, modules: Iterable[ModuleFacts]):
        # Read lazily: a resolution visits a few modules of thousands.
        self._facts: dict[str, list[ModuleFacts]] = {}
        for facts in modules:
            if facts.module is not None:
                self._facts.setdefault(facts.module, []).append(facts)
        self._modules: dict[str, _Module | None] = {}
        self._resolved: dict[str, str | None] = {}
        self._exported: dict[str, frozenset[str]] = {}

    def _module(self, name: str) -> _Module | None:
        if name not in self._modules:
            found = self._facts.get(name)
            module = None
            if found is not None:
                module = _Module()
                for facts in found:
                    self._add(module, name, facts)
            self._modules[name] = module
        return self._modules[name]

    @staticmethod
    def _add(module: _Module, name: str, facts: ModuleFacts) -> None:
        prefix = name + "."
        defined = [d.qualified_name for d in facts.signal_defs if d.qualified_name]
        defined += [c.qualified_name for c in facts.model_classes]
        for qualified in defined:
            if qualified.startswith(prefix) and "." not in qualified[len(prefix) :]:
                module.defined.add(qualified[len(prefix) :])
        for connection in facts.connections:
            function = connection.function
            if function is not None and function.class_name is None and not function.nested:
                module.defined.add(function.name)
        wiring = facts.wiring
        if wiring is None:
            return
        module.defined.update(c.name for c in wiring.classes)
        module.exports = wiring.exports
        for imported in wiring.imports:
            if not imported.is_from or imported.owner is not None:
                continue
            bound_as = dict(imported.renamed)
            for original in imported.names:
                if original == "*":
                    module.stars.append(imported.module)
                else:
                    bound = bound_as.get(original, original)
                    module.bindings.setdefault(bound, set()).add(f"{imported.module}.{original}")

    def aliases(self, names: Iterable[str]) -> dict[str, str]:
        """Those of ``names`` that a module binds by import (or star import) and that
        refer to a name elsewhere, with the name each refers to in the end."""
        found: dict[str, str] = {}
        for alias in names:
            target = self.resolve(alias)
            if target is not None and target != alias:
                found[alias] = target
        return found

    def resolve(self, qualified: str) -> str | None:
        """The name ``qualified`` refers to in the end; None when that is ambiguous."""
        if qualified not in self._resolved:
            self._resolved[qualified] = self._resolve(qualified, set())
        return self._resolved[qualified]

    def _resolve(self, qualified: str, visiting: set[str]) -> str | None:
        if qualified in self._resolved:
            return self._resolved[qualified]
        if qualified in visiting:
            return None  # an import cycle: whatever it is, not this way
        visiting.add(qualified)
        owner, _, name = qualified.rpartition(".")
        module = self._module(owner)
        if module is None:
            return qualified
        targets: set[str | None] = set()
        if name in module.defined:
            targets.add(qualified)
        for bound in module.bindings.get(name, ()):
            # ``from . import signals`` in ``shop/__init__.py`` binds shop.signals to itself.
            if bound != qualified:
                targets.add(self._resolve(bound, visiting))
        for star in module.stars:
            if name in self._exported_by(star, set()):
                targets.add(self._resolve(f"{star}.{name}", visiting))
        visiting.discard(qualified)
        if not targets:
            return qualified
        if len(targets) != 1:
            return None
        return targets.pop()

    def _exported_by(self, name: str, visiting: set[str]) -> frozenset[str]:
        """The names ``from name import *`` takes, as far as they are known."""
        if name in self._exported:
            return self._exported[name]
        module = self._module(name)
        if module is None or name in visiting:
            return frozenset()
        if module.exports is not None:
            exported = frozenset(module.exports)
        else:
            visiting.add(name)
            public = set(module.defined) | set(module.bindings)
            for star in module.stars:
                public |= self._exported_by(star, visiting)
            visiting.discard(name)
            exported = frozenset(n for n in public if not n.startswith("_"))
        self._exported[name] = exported
        return exported


def aliases_of(project: ProjectFacts) -> dict[str, str]:
    """The re-exported names the project's facts use (signals connected or sent,
    senders, receivers), each with the name it refers to."""
    return Exports(project.modules).aliases(_names_used(project.modules))


def _names_used(modules: Iterable[ModuleFacts]) -> set[str]:
    used: set[str] = set()
    for facts in modules:
        for connection in facts.connections:
            for use in connection.signals:
                used |= use.candidates
            if connection.sender is not None:
                used |= connection.sender.candidates
            used |= connection.receivers
        for call in facts.send_calls:
            used |= call.signal.candidates
        for model in facts.model_classes:
            for base in model.bases:
                used |= base
    return used
