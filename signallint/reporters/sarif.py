"""SARIF 2.1.0, as GitHub code scanning reads it.

One run; ``tool.driver.rules`` lists every rule and problem code (so ``ruleIndex`` is
stable whatever was found). Locations are relative to ``%SRCROOT%`` (the context's root)
when the file is under it, else absolute ``file:`` URIs. Regions are 1-based, and
``endColumn`` is the column after the last character, as SARIF defines it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from signallint import __version__
from signallint.diagnostics import Diagnostic
from signallint.reporters import ReportContext
from signallint.rules import PROBLEM_CODES, all_rules

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"


def _section(doc: str, heading: str) -> str:
    """The text of a ``## heading`` section of a rule's documentation, one paragraph."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", doc, re.M | re.S)
    return " ".join(match.group(1).split()) if match else ""


def rule_descriptors() -> list[dict[str, Any]]:
    descriptors = []
    for rule in all_rules():
        short = _section(rule.doc, "What it does") or rule.summary
        descriptors.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": short},
                "fullDescription": {"text": _section(rule.doc, "Why is this bad?") or short},
                "help": {"text": rule.doc, "markdown": rule.doc},
                "defaultConfiguration": {"level": "error", "enabled": rule.default_enabled},
                "properties": {"tags": ["django", "signals"], "fix": rule.fix.value},
            }
        )
    for code, (name, summary) in PROBLEM_CODES.items():
        descriptors.append(
            {
                "id": code,
                "name": name,
                "shortDescription": {"text": summary},
                "fullDescription": {"text": summary},
                "help": {"text": summary},
                "defaultConfiguration": {"level": "error"},
            }
        )
    return descriptors


def _artifact(path: str, root: str) -> dict[str, str]:
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive
        relative = os.pardir
    if relative.split(os.sep)[0] == os.pardir:
        return {"uri": Path(absolute).as_uri()}
    return {"uri": quote(relative.replace(os.sep, "/")), "uriBaseId": SRCROOT}


def _result(diagnostic: Diagnostic, index: int, root: str) -> dict[str, Any]:
    span = diagnostic.span
    return {
        "ruleId": diagnostic.code,
        "ruleIndex": index,
        "level": "error",
        "message": {"text": diagnostic.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(diagnostic.path, root),
                    "region": {
                        "startLine": span.line,
                        "startColumn": span.col + 1,
                        "endLine": span.end_line,
                        "endColumn": span.end_col + 1,
                    },
                }
            }
        ],
    }


def render(diagnostics: Sequence[Diagnostic], context: ReportContext | None = None) -> str:
    context = context or ReportContext()
    root = os.path.abspath(context.root)
    rules = rule_descriptors()
    index = {descriptor["id"]: i for i, descriptor in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "signallint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path(root).as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index[d.code], root) for d in diagnostics],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
