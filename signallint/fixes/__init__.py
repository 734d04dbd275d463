"""Fixes as plain data: what a rule proposes to change, and how safe that is.

A rule attaches a :class:`Fix` to a finding when the repair is unambiguous. The fix says
*what* to do and *where* (spans from the facts, so it stays picklable and cheap): the
concrete text edits are worked out by the action's planner
(:mod:`signallint.fixes.planning`) from a fresh parse of the file, and only when
``--fix`` or ``--diff`` asks for them. Checking without fixing pays for nothing but these
small records. A new kind of action is a dataclass here, added to ``Action``, and its
planner module under ``signallint/fixes/planners/``.

Applicability follows ruff: a *safe* fix keeps the meaning the code evidently has (it
repairs code that cannot work as written, and deletes no comment); an *unsafe* fix may
change what running code does, and is applied only with ``--unsafe-fixes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from signallint.facts import Span


class Applicability(str, Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Replace:
    """Replace the text at ``span`` (which must currently read ``old``) with ``new``."""

    span: Span
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class AddVarKeyword:
    """Add ``**kwargs`` to the parameters of the function named at ``function``
    (the ``def``'s name) or of the lambda at ``function``."""

    function: Span


@dataclass(frozen=True, slots=True)
class RenameParameter:
    """Rename parameter ``old`` of the function named at ``function``, and its uses."""

    function: Span
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class RenameImportedName:
    """``from MODULE import old`` → ``from MODULE import new``; the uses of ``old`` that
    the import binds are renamed too (``name`` is the imported name's span)."""

    name: Span
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class MoveImport:
    """Import ``name`` (at span ``name_span`` in a ``from ... import``) from ``module``
    instead, merged into an existing ``from module import ...`` when there is one."""

    name_span: Span
    name: str
    module: str


@dataclass(frozen=True, slots=True)
class DropProvidingArgs:
    """Remove the ``providing_args=`` argument at ``argument`` from its ``Signal()``
    call, keeping the names it listed as a comment."""

    argument: Span


@dataclass(frozen=True, slots=True)
class AddKeywordArgument:
    """Pass ``keyword=value`` to the call at ``call`` (a call, or a decorator that is
    a call), or set an existing literal ``keyword=True`` (or its positional slot) to it."""

    call: Span
    keyword: str
    value: str
    # The argument's position when it may be passed positionally (``connect``'s
    # ``weak`` is the third), else None.
    position: int | None = None


Action = (
    Replace
    | AddVarKeyword
    | RenameParameter
    | RenameImportedName
    | MoveImport
    | DropProvidingArgs
    | AddKeywordArgument
)


@dataclass(frozen=True, slots=True)
class Fix:
    """A proposed repair: one action and whether it is safe to apply unasked."""

    applicability: Applicability
    action: Action
    # What the fix does, in a few words ("add **kwargs").
    title: str

    @property
    def safe(self) -> bool:
        return self.applicability is Applicability.SAFE


def safe(action: Action, title: str) -> Fix:
    return Fix(Applicability.SAFE, action, title)


def unsafe(action: Action, title: str) -> Fix:
    return Fix(Applicability.UNSAFE, action, title)
