"""A JSON array, one object per diagnostic; lines and columns are 1-based.

Schema (stable): ``path``, ``line``, ``column``, ``end_line``, ``end_column``, ``code``,
``name``, ``message``, ``severity`` (always ``"error"``) and ``fix`` (whether the rule
has a fix: ``"none"``, ``"safe"`` or ``"unsafe"``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from signallint.diagnostics import Diagnostic
from signallint.reporters import ReportContext
from signallint.rules import rule_by_code


def as_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "path": diagnostic.path,
        "line": diagnostic.line,
        "column": diagnostic.col + 1,
        "end_line": diagnostic.span.end_line,
        "end_column": diagnostic.span.end_col + 1,
        "code": diagnostic.code,
        "name": diagnostic.name,
        "message": diagnostic.message,
        "severity": "error",
        "fix": fix_of(diagnostic.code),
    }


def fix_of(code: str) -> str:
    """A rule's fix availability; problems (SIG9xx) have none."""
    found = rule_by_code(code)
    return found.fix.value if found is not None else "none"


def render(diagnostics: Sequence[Diagnostic], context: ReportContext | None = None) -> str:
    return json.dumps([as_dict(d) for d in diagnostics], indent=2) + "\n"
