"""``RenameParameter``: rename a function's parameter and its uses in the function."""

from __future__ import annotations

import libcst as cst

from signallint.fixes import RenameParameter
from signallint.fixes.code import Code, TextEdit, all_params, assigned_node, names_in
from signallint.fixes.planning import planner


@planner(RenameParameter)
def rename_parameter(action: RenameParameter, code: Code) -> tuple[TextEdit, ...] | None:
    function = code.function_at(action.function)
    if function is None:
        return None
    params = [p for p in all_params(function.params) if p.name.value == action.old]
    if len(params) != 1:
        return None
    param = params[0]
    all_names = names_in(function)
    if any(n.value == action.new for n in all_names):
        return None  # the function already uses the new name
    inner: cst.CSTNode = function.body
    if isinstance(inner, cst.IndentedBlock | cst.SimpleStatementSuite):
        inner = inner.body[0]
    scope = code.scopes().get(inner)
    if scope is None:
        return None
    assignments = list(scope.assignments[action.old])
    if len(assignments) != 1 or assigned_node(assignments[0]) is not param:
        return None  # rebound in the function: not a plain rename
    uses = [access.node for access in assignments[0].references]
    if not all(isinstance(u, cst.Name) and u.value == action.old for u in uses):
        return None  # e.g. a string annotation
    renamed: set[cst.CSTNode] = {param.name, *uses}
    mentioned = {n for n in all_names if n.value == action.old}
    if mentioned != renamed:
        return None  # a nested scope rebinds it, or ``nonlocal``: not ours to rename
    return tuple(sorted(TextEdit(code.start(n), code.end(n), action.new) for n in renamed))
