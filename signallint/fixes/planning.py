"""From a fix's action to text edits, worked out on a fresh parse of the file.

The action says what to change and where (spans the collector computed on the same
text); its planner finds the nodes at those spans and returns the smallest text edits
that make the change, so that everything else (formatting, comments, line endings)
stays byte for byte. Nodes are rendered with LibCST only where a list of names or
arguments changes shape. Whenever something is not exactly as expected, a planner
returns None: no fix is better than a wrong one.

Each action type of :mod:`signallint.fixes` has one planner: a function registered with
:func:`planner` in its own module under ``signallint/fixes/planners/``, listed in
``PLANNER_MODULES``. What planners share (positions, lookups, list editing) is
:class:`signallint.fixes.code.Code`.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from signallint.fixes import Action
from signallint.fixes.code import Code, TextEdit

Edits = tuple[TextEdit, ...]
ActionType = TypeVar("ActionType", bound=Action)
# A planner: the edits that carry out an action on the code, or None.
Plan = Callable[[ActionType, Code], Edits | None]

# Listed by hand so that ``grep`` finds every planner; a test checks that every action
# type has one.
PLANNER_MODULES = (
    "add_keyword_argument",
    "add_var_keyword",
    "drop_providing_args",
    "move_import",
    "rename_imported_name",
    "rename_parameter",
    "replace",
)

_REGISTRY: dict[type[Any], Plan[Any]] = {}


def planner(action_type: type[ActionType]) -> Callable[[Plan[ActionType]], Plan[ActionType]]:
    """Register the function that plans the edits of ``action_type``'s actions."""

    def register(function: Plan[ActionType]) -> Plan[ActionType]:
        if action_type in _REGISTRY:
            raise ValueError(f"a second planner for {action_type.__name__}")
        _REGISTRY[action_type] = function
        return function

    return register


@functools.cache
def all_planners() -> Mapping[type[Any], Plan[Any]]:
    """Every planner, by the action type it plans."""
    for module in PLANNER_MODULES:
        importlib.import_module(f"signallint.fixes.planners.{module}")
    return dict(_REGISTRY)


class Planner:
    """Text edits for fix actions on one version of one file's text."""

    def __init__(self, text: str) -> None:
        self.code = Code(text)

    def edits(self, action: Action) -> Edits | None:
        """The edits that carry out ``action``, or None when it cannot be done safely."""
        plan = all_planners().get(type(action))
        if plan is None:
            return None
        try:
            return plan(action, self.code)
        except Exception:  # a shape the planner did not foresee: no fix rather than a crash
            return None
