"""``RenameImportedName``: rename a name in its ``from ... import`` and where it is used."""

from __future__ import annotations

import libcst as cst

from signallint.fixes import RenameImportedName
from signallint.fixes.code import Code, TextEdit, assigned_node, names_in
from signallint.fixes.planning import planner


@planner(RenameImportedName)
def rename_imported_name(action: RenameImportedName, code: Code) -> tuple[TextEdit, ...] | None:
    structure = code.structure()
    name = code.at(action.name, cst.Name)
    alias = next((a for a in structure.alias_import if a.name is name), None)
    if not isinstance(name, cst.Name) or alias is None or name.value != action.old:
        return None
    edit = TextEdit(code.start(name), code.end(name), action.new)
    if alias.asname is not None:
        return (edit,)  # the module uses its own alias: nothing else to rename
    scopes = {s for s in code.scopes().values() if s is not None}
    module_scope = code.scopes().get(code.module)
    if module_scope is None:
        return None
    assignments = list(module_scope.assignments[action.old])
    statement = structure.alias_import[alias][0]
    if len(assignments) != 1 or assigned_node(assignments[0]) is not statement:
        return None
    if any(s.assignments[action.old] for s in scopes if s is not module_scope):
        return None  # some function binds the same name: its uses are not the import's
    if any(s.assignments[action.new] for s in scopes):
        return None
    all_names = names_in(code.module)
    if any(n.value == action.new for n in all_names):
        return None
    uses = [access.node for access in assignments[0].references]
    if not all(isinstance(u, cst.Name) and u.value == action.old for u in uses):
        return None
    renamed: set[cst.CSTNode] = {name, *uses}
    if {n for n in all_names if n.value == action.old} != renamed:
        return None
    return tuple(sorted(TextEdit(code.start(n), code.end(n), action.new) for n in renamed))
