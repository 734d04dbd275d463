"""``AddVarKeyword``: add ``**kwargs`` to a function's or a lambda's parameters."""

from __future__ import annotations

import libcst as cst

from signallint.fixes import AddVarKeyword
from signallint.fixes.code import Code, TextEdit, all_params, names_in
from signallint.fixes.planning import planner

_KWARGS_NAMES = ("kwargs", "_kwargs", "extra_kwargs")


@planner(AddVarKeyword)
def add_var_keyword(action: AddVarKeyword, code: Code) -> tuple[TextEdit, ...] | None:
    function = code.function_at(action.function)
    if function is None:
        return None
    params = function.params
    if params.star_kwarg is not None:
        return None
    taken = {n.value for n in names_in(function.body)} | {p.name.value for p in all_params(params)}
    name = next((n for n in _KWARGS_NAMES if n not in taken), None)
    if name is None:
        return None
    item = f"**{name}"
    if isinstance(function, cst.FunctionDef) and _fully_annotated(params):
        item += ": object"
    closer = ":" if isinstance(function, cst.Lambda) else ")"
    elements: list[cst.Param | cst.ParamSlash] = [*params.posonly_params]
    if isinstance(params.posonly_ind, cst.ParamSlash):
        elements.append(params.posonly_ind)
    elements += params.params
    if isinstance(params.star_arg, cst.Param):
        elements.append(params.star_arg)
    elements += params.kwonly_params
    if not elements:
        position = code.start(params)
        before = code.text[position - 1 : position]
        if isinstance(function, cst.Lambda):
            prefix = " " if before.isidentifier() else ""
        elif code.text[code.line_start(position) : position].rstrip(" \t").endswith("("):
            prefix = ""
        else:
            return None
        return (TextEdit(position, position, prefix + item),)
    last = elements[-1]
    start = code.start(last)
    if isinstance(last, cst.ParamSlash):
        if code.text[start : start + 1] != "/":
            return None
        end: int | None = start + 1
    else:
        end = code.element_end(last)
    if end is None:
        return None
    edit = code.append(start, end, item, closer)
    return (edit,) if edit is not None else None


def _fully_annotated(params: cst.Parameters) -> bool:
    """Every parameter annotated (``self``/``cls`` first may be bare)."""
    found = list(all_params(params))
    if found and found[0].annotation is None and found[0].name.value in ("self", "cls"):
        found = found[1:]
    return bool(found) and all(p.annotation is not None for p in found)
