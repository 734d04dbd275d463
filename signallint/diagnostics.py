"""What a check reports: one finding at one place in one file."""

from __future__ import annotations

from dataclasses import dataclass

from signallint.facts import Span
from signallint.fixes import Fix


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding. Lines are 1-based and columns 0-based (LibCST's convention);
    reporters convert columns for display."""

    path: str
    code: str
    name: str
    message: str
    span: Span
    # A repair the rule proposes (applied by ``--fix``), when it is unambiguous.
    fix: Fix | None = None

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def col(self) -> int:
        return self.span.col

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.col, self.code, self.message)
