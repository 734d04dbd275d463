"""GitHub Actions workflow commands: one ``::error`` annotation per diagnostic.

``::error file=PATH,line=L,endLine=L,col=C,endColumn=C,title=CODE name::message``, with
1-based lines and columns (``endColumn`` is the last character). Values are escaped as
GitHub's toolkit does: ``%``, CR and LF everywhere, and ``:`` and ``,`` in properties.
"""

from __future__ import annotations

from collections.abc import Sequence

from signallint.diagnostics import Diagnostic
from signallint.reporters import ReportContext


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_command(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    properties = {
        "file": diagnostic.path,
        "line": str(span.line),
        "endLine": str(span.end_line),
        "col": str(span.col + 1),
        "endColumn": str(max(span.end_col, span.col + 1)),
        "title": f"{diagnostic.code} {diagnostic.name}",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::error {joined}::{escape_data(diagnostic.message)}"


def render(diagnostics: Sequence[Diagnostic], context: ReportContext | None = None) -> str:
    return "".join(format_command(d) + "\n" for d in diagnostics)
