"""What ``from MODULE import NAME`` (or ``MODULE.NAME``) means for a Django module the
catalogue knows completely, or for a signal name, ``receiver`` or ``Signal`` imported
from any Django module: shared by the import rules."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from signallint import catalogue, django_modules, vocabulary
from signallint.catalogue import SignalSpec, Version, in_range, parse_version
from signallint.facts import ModuleNameRef

# Versions as django_modules.py lists them: half-open ``(since, until)`` ranges.
Ranges = tuple[tuple[Version | None, Version | None], ...]
_EVERY_VERSION: Ranges = ((None, None),)


class Verdict(Enum):
    FINE = "fine"
    BAD_RECEIVER = "bad-receiver"
    BAD_SIGNAL_CLASS = "bad-signal-class"
    WRONG_MODULE = "wrong-module"
    NOT_IN_VERSION = "not-in-version"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    # The signal that exists elsewhere (WRONG_MODULE) or in other versions (NOT_IN_VERSION).
    spec: SignalSpec | None = None
    suggestion: str | None = None


FINE = Judgement(Verdict.FINE)


def is_signal_module(module: str) -> bool:
    """Modules whose whole purpose is signals: any unknown name there is a mistake."""
    return module.endswith(".signals") or module in catalogue.RECEIVER_MODULES


def looks_like_receiver(name: str) -> bool:
    return name != "receiver" and (
        difflib.SequenceMatcher(None, name.lower(), "receiver").ratio() >= 0.75
    )


def is_django_module(module: str) -> bool:
    package = vocabulary.WATCHED_PACKAGE
    return module == package or module.startswith(f"{package}.")


def is_checked(module: str, name: str) -> bool:
    """Whether the import rules judge ``from module import name``."""
    return module in catalogue.MODULE_NAMES or (
        name in vocabulary.IMPORT_CHECKED_NAMES and is_django_module(module)
    )


def judge(ref: ModuleNameRef, version: Version) -> Judgement:
    here = [
        spec
        for spec in catalogue.find_signals_named(ref.name)
        if ref.module == spec.module or ref.module in spec.reexported_from
    ]
    if here:
        if any(spec.exists_in(version) for spec in here):
            return FINE
        return Judgement(Verdict.NOT_IN_VERSION, spec=here[0])
    checked_name = ref.name in vocabulary.IMPORT_CHECKED_NAMES and is_django_module(ref.module)
    if checked_name:
        if provides(ref.module, ref.name, version):
            return FINE
    elif catalogue.module_has_name(ref.module, ref.name):
        return FINE
    if ref.name == "receiver" or (
        ref.module in catalogue.RECEIVER_MODULES and looks_like_receiver(ref.name)
    ):
        return Judgement(Verdict.BAD_RECEIVER)
    if ref.name == vocabulary.SIGNAL_CLASS:
        return Judgement(Verdict.BAD_SIGNAL_CLASS)
    elsewhere = [spec for spec in catalogue.find_signals_named(ref.name) if spec.exists_in(version)]
    if elsewhere:
        return Judgement(Verdict.WRONG_MODULE, spec=elsewhere[0])
    suggestion = _suggest(ref.module, ref.name, version)
    if suggestion is None and not checked_name and not is_signal_module(ref.module):
        return FINE  # a big module whose other names are not our business
    return Judgement(Verdict.UNKNOWN, suggestion=suggestion)


def meant_signal(qualified_name: str, version: Version) -> SignalSpec | None:
    """The built-in signal a wrong import (``django.db.models.signals.user_logged_out``)
    clearly means: a Django module that does not provide the name in ``version``, and
    exactly one catalogued signal of that name, which exists in ``version``."""
    module, _, name = qualified_name.rpartition(".")
    if name not in vocabulary.DJANGO_SIGNAL_NAMES or not is_django_module(module):
        return None
    specs = catalogue.find_signals_named(name)
    if len(specs) != 1 or not specs[0].exists_in(version) or provides(module, name, version):
        return None
    return specs[0]


# -- Django's modules, per version (signallint/django_modules.py) -----------------------


def module_exists(module: str, version: Version) -> bool:
    """Whether Django ``version`` has ``module`` (a ``.py`` file of its package tree)."""
    return _in(_modules().get(module), version)


def provides(module: str, name: str, version: Version) -> bool:
    """Whether ``from module import name`` works in Django ``version``, for a name of
    vocabulary.IMPORT_CHECKED_NAMES (a module with ``__getattr__`` may provide any)."""
    if _in(_open_modules().get(module), version):
        return True
    return _in(_providers(name).get(module), version)


def _in(ranges: Ranges | None, version: Version) -> bool:
    return ranges is not None and any(in_range(version, *r) for r in ranges)


@functools.cache
def _modules() -> Mapping[str, Ranges]:
    return _parse(django_modules.MODULES)


@functools.cache
def _open_modules() -> Mapping[str, Ranges]:
    return _parse(django_modules.OPEN_MODULES)


@functools.cache
def _providers(name: str) -> Mapping[str, Ranges]:
    return _parse(django_modules.PROVIDERS.get(name, ""))


def _parse(text: str) -> dict[str, Ranges]:
    """``parent: child child[5.0:6.1]`` lines into ``{"parent.child": ranges}``."""
    table: dict[str, Ranges] = {}
    for line in text.splitlines():
        parent, _, children = line.strip().partition(":")
        for child in children.split():
            name, _, versions = child.partition("[")
            module = f"{parent}.{name}" if parent else name
            table[module] = (
                tuple(_range(part) for part in versions.rstrip("]").split(","))
                if versions
                else _EVERY_VERSION
            )
    return table


def _range(text: str) -> tuple[Version | None, Version | None]:
    since, _, until = text.partition(":")
    return (parse_version(since) if since else None, parse_version(until) if until else None)


def _suggest(module: str, name: str, version: Version) -> str | None:
    signal_names = sorted(
        {
            spec.name
            for spec in catalogue.SIGNALS
            if spec.exists_in(version) and (module == spec.module or module in spec.reexported_from)
        }
    )
    if module in catalogue.RECEIVER_MODULES:
        signal_names += ["Signal", "receiver"]
    matches = difflib.get_close_matches(name, signal_names, n=1, cutoff=0.7)
    return matches[0] if matches else None
