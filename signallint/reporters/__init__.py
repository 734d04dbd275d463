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


# Output format → module: only the one asked for is imported (some take milliseconds).
REPORTER_MODULES = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
}


def reporter(output_format: str) -> Reporter:
    import importlib

    module = importlib.import_module(f"signallint.reporters.{REPORTER_MODULES[output_format]}")
    render: Reporter = module.render
    return render
