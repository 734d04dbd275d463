"""A JSON array, one object per diagnostic; lines and columns are 1-based.

Schema (stable): ``path``, ``line``, ``column``, ``end_line``, ``end_column``, ``code``,
``name``, ``message``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from signallint.diagnostics import Diagnostic


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
    }


def render(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([as_dict(d) for d in diagnostics], indent=2) + "\n"
