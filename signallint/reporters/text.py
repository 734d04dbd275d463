"""``path:line:col: CODE message``, one line per diagnostic, columns 1-based."""

from __future__ import annotations

from collections.abc import Sequence

from signallint.diagnostics import Diagnostic


def format_line(diagnostic: Diagnostic) -> str:
    return (
        f"{diagnostic.path}:{diagnostic.line}:{diagnostic.col + 1}: "
        f"{diagnostic.code} {diagnostic.message}"
    )


def render(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(format_line(d) + "\n" for d in diagnostics)
