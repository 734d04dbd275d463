"""What ``from MODULE import NAME`` (or ``MODULE.NAME``) means for a Django module the
catalogue knows completely: shared by the import rules."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum

from signallint import catalogue
from signallint.catalogue import SignalSpec, Version
from signallint.facts import ModuleNameRef


class Verdict(Enum):
    FINE = "fine"
    BAD_RECEIVER = "bad-receiver"
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
    if catalogue.module_has_name(ref.module, ref.name):
        return FINE
    if ref.name == "receiver" or (
        ref.module in catalogue.RECEIVER_MODULES and looks_like_receiver(ref.name)
    ):
        return Judgement(Verdict.BAD_RECEIVER)
    elsewhere = [spec for spec in catalogue.find_signals_named(ref.name) if spec.exists_in(version)]
    if elsewhere:
        return Judgement(Verdict.WRONG_MODULE, spec=elsewhere[0])
    suggestion = _suggest(ref.module, ref.name, version)
    if suggestion is None and not is_signal_module(ref.module):
        return FINE  # a big module whose other names are not our business
    return Judgement(Verdict.UNKNOWN, suggestion=suggestion)


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
