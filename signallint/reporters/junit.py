"""JUnit XML: one ``testcase`` per checked file, one ``failure`` per diagnostic.

``failures`` counts the files (test cases) with at least one diagnostic.

Files without findings are passing test cases, so CI dashboards show what was checked.
Characters XML 1.0 cannot carry (control characters, lone surrogates) become U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from signallint.diagnostics import Diagnostic
from signallint.reporters import ReportContext
from signallint.reporters.text import format_line

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(diagnostics: Sequence[Diagnostic], context: ReportContext | None = None) -> str:
    context = context or ReportContext()
    by_path: dict[str, list[Diagnostic]] = {path: [] for path in context.files}
    for diagnostic in diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    counts = {
        "tests": str(len(by_path)),
        "failures": str(sum(1 for found in by_path.values() if found)),
        "errors": "0",
        "skipped": "0",
    }
    suites = ET.Element("testsuites", {"name": "signallint", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "signallint", **counts})
    for path, found in by_path.items():
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": "signallint", "name": _clean(path), "file": _clean(path)},
        )
        for diagnostic in found:
            failure = ET.SubElement(
                case,
                "failure",
                {
                    "type": diagnostic.code,
                    "message": _clean(f"{diagnostic.code} {diagnostic.message}"),
                },
            )
            failure.text = _clean(format_line(diagnostic))
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
