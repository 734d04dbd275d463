"""``path:line:col: CODE message``, one line per diagnostic, columns 1-based.

With ``show_source``, the offending line and a caret under the column follow each
diagnostic; with ``statistics``, counts per code (``count CODE name``) follow them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from signallint.diagnostics import Diagnostic
from signallint.reporters import ReportContext

_BOLD, _RED, _CYAN, _RESET = "\x1b[1m", "\x1b[31m", "\x1b[36m", "\x1b[0m"


def format_line(diagnostic: Diagnostic) -> str:
    return (
        f"{diagnostic.path}:{diagnostic.line}:{diagnostic.col + 1}: "
        f"{diagnostic.code} {diagnostic.message}"
    )


def _coloured_line(diagnostic: Diagnostic) -> str:
    return (
        f"{_BOLD}{diagnostic.path}{_RESET}:{diagnostic.line}:{diagnostic.col + 1}: "
        f"{_BOLD}{_RED}{diagnostic.code}{_RESET} {diagnostic.message}"
    )


def _source(diagnostic: Diagnostic, context: ReportContext) -> str:
    line = context.source_line(diagnostic.path, diagnostic.line)
    if line is None:
        return ""
    line = line.rstrip("\r\n")
    # Keep tabs so that the caret lines up under the column, as flake8 does.
    indent = "".join(c if c.isspace() else " " for c in line[: diagnostic.col])
    caret = f"{_CYAN}^{_RESET}" if context.color else "^"
    return f"{line}\n{indent}{caret}\n"


def statistics(diagnostics: Sequence[Diagnostic]) -> str:
    counts = Counter((d.code, d.name) for d in diagnostics)
    return "".join(f"{n:<5} {code} {name}\n" for (code, name), n in sorted(counts.items()))


def render(diagnostics: Sequence[Diagnostic], context: ReportContext | None = None) -> str:
    context = context or ReportContext()
    fmt = _coloured_line if context.color else format_line
    out = []
    for diagnostic in diagnostics:
        out.append(fmt(diagnostic) + "\n")
        if context.show_source:
            out.append(_source(diagnostic, context))
    if context.statistics:
        out.append(statistics(diagnostics))
    return "".join(out)
