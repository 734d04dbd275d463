"""Human-readable views of the rules and the catalogue (``explain``, ``rules``, ``signals``)."""

from __future__ import annotations

import inspect
import json

from signallint import catalogue
from signallint.catalogue import Version, format_version
from signallint.rules import PROBLEM_CODES, PROBLEM_DOCS, Rule, Scope, all_rules


def render_rule(rule: Rule) -> str:
    header = f"{rule.code} ({rule.name})"
    facts = [
        f"Fix: {'not available' if rule.fix.value == 'none' else rule.fix.value}",
        f"Enabled by default: {'yes' if rule.default_enabled else 'no'}",
        f"Django versions: {rule.versions_text}",
    ]
    return "\n".join([header, "=" * len(header), "", *facts, "", rule.doc, ""])


def render_problem(code: str) -> str:
    """``explain`` for SIG901 to SIG903: not rules, but codes with the same selection."""
    name, summary = PROBLEM_CODES[code]
    header = f"{code} ({name})"
    facts = ["Fix: not available", "Enabled by default: yes", "Django versions: all"]
    doc = inspect.cleandoc(PROBLEM_DOCS[code])
    return "\n".join([header, "=" * len(header), "", *facts, "", summary, "", doc, ""])


def _rule_rows() -> list[dict[str, str]]:
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "fix": r.fix.value,
            "default": "yes" if r.default_enabled else "no",
            "scope": r.scope.value,
            "summary": r.summary,
        }
        for r in all_rules()
    ]
    rows += [
        {
            "code": code,
            "name": name,
            "fix": "none",
            "default": "yes",
            "scope": Scope.MODULE.value,
            "summary": summary,
        }
        for code, (name, summary) in PROBLEM_CODES.items()
    ]
    return rows


def rules_text() -> str:
    """One rule a line: code, name, fix (``safe``, ``unsafe`` or ``-``), ``project``
    for the rules that read the whole project (``signallint`` only, not flake8), and
    what it reports."""
    lines = [f"{'Code':<6}  {'Name':<40} {'Fix':<6} {'Scope':<7} Message"]
    for row in _rule_rows():
        fix = "-" if row["fix"] == "none" else row["fix"]
        scope = "project" if row["scope"] == Scope.PROJECT.value else "-"
        lines.append(f"{row['code']}  {row['name']:<40} {fix:<6} {scope:<7} {row['summary']}")
    return "\n".join(lines) + "\n"


def rules_json() -> str:
    return json.dumps(_rule_rows(), indent=2) + "\n"


def rules_markdown() -> str:
    lines = ["| Code | Name | Fix | Message |", "|---|---|---|---|"]
    for row in _rule_rows():
        summary = row["summary"].replace("|", "\\|")
        lines.append(f"| {row['code']} | `{row['name']}` | {row['fix']} | {summary} |")
    return "\n".join(lines) + "\n"


def _signal_rows(version: Version) -> list[dict[str, object]]:
    return [
        {
            "name": spec.name,
            "module": spec.module,
            "reexported_from": list(spec.reexported_from),
            "kwargs": sorted(spec.always_sent(version)),
            "optional_kwargs": sorted(spec.sometimes_sent(version)),
            "model_signal": spec.model_signal,
            "sender": spec.sender,
            "note": spec.note,
        }
        for spec in sorted(catalogue.SIGNALS, key=lambda s: (s.module, s.name))
        if spec.exists_in(version)
    ]


def signals_json(version: Version) -> str:
    return json.dumps(_signal_rows(version), indent=2) + "\n"


def signals_text(version: Version) -> str:
    lines = [f"Django {format_version(version)} built-in signals", ""]
    for row in _signal_rows(version):
        kind = "ModelSignal" if row["model_signal"] else "Signal"
        lines.append(f"{row['module']}.{row['name']}  ({kind})")
        lines.append(f"    sender:  {row['sender']}")
        lines.append(f"    sends:   {', '.join(row['kwargs']) or '(nothing but sender)'}")  # type: ignore[arg-type]
        if row["optional_kwargs"]:
            lines.append(f"    on some paths: {', '.join(row['optional_kwargs'])}")  # type: ignore[arg-type]
        if row["reexported_from"]:
            lines.append(f"    also importable from: {', '.join(row['reexported_from'])}")  # type: ignore[arg-type]
        if row["note"]:
            lines.append(f"    note:    {row['note']}")
        lines.append("")
    return "\n".join(lines)
