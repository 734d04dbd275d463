"""Reporters turn sorted diagnostics into text. They are pure: diagnostics and a small
:class:`ReportContext` in, str out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from signallint.diagnostics import Diagnostic


@dataclass(frozen=True)
class ReportContext:
    """What some reporters need besides the diagnostics; the CLI fills it in."""

    # Every file that was checked, in order (JUnit: files without findings pass).
    files: Sequence[str] = ()
    # Source lines of the files with diagnostics (``--show-source``), by path.
    lines: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # The absolute directory relative paths start from (SARIF's ``%SRCROOT%``).
    root: str = "."
    show_source: bool = False
    statistics: bool = False
    color: bool = False

    def source_line(self, path: str, line: int) -> str | None:
        lines = self.lines.get(path, ())
        return lines[line - 1] if 0 < line <= len(lines) else None


Reporter = Callable[[Sequence[Diagnostic], ReportContext], str]


def _reporters() -> dict[str, Reporter]:
    from signallint.reporters import github, json_format, junit, sarif, text

    return {
        "text": text.render,
        "json": json_format.render,
        "sarif": sarif.render,
        "github": github.render,
        "junit": junit.render,
    }


REPORTERS: dict[str, Reporter] = _reporters()
