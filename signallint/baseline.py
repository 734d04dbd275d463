"""Baselines: record today's findings once, then report only the new ones.

A finding is keyed on its file, its code and the text of the line it is reported on with
runs of whitespace collapsed, never on its line number: a baseline survives edits that
move code around. Each key has a count, so of three identical findings where two were
recorded, one is reported.

The file is JSON, written with a stable ordering::

    {
      "signallint-baseline": 1,
      "entries": [
        {"path": "app/signals.py", "code": "SIG001",
         "source": "def on_save(sender, instance):", "count": 1}
      ]
    }

``path`` is relative to the directory that holds the baseline file, with ``/``.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from signallint import sources
from signallint.diagnostics import Diagnostic
from signallint.facts import Problem

FORMAT_KEY = "signallint-baseline"
FORMAT_VERSION = 1

Key = tuple[str, str, str]  # path, code, normalised source line
_NEWLINE = re.compile(r"\r\n|\r|\n")


class BaselineError(Exception):
    """A baseline that cannot be read or written: a usage error (exit 2)."""


def split_lines(text: str) -> list[str]:
    """Lines as Python numbers them (``str.splitlines`` also splits on form feeds)."""
    return _NEWLINE.split(text)


def read_lines(paths: Iterable[str], known: Mapping[str, str]) -> dict[str, list[str]]:
    """Source lines of ``paths``; ``known`` holds texts already in memory (stdin)."""
    lines: dict[str, list[str]] = {}
    for path in paths:
        if path in lines:
            continue
        text = known.get(path)
        if text is None:
            data = sources.read_bytes(path)
            decoded = sources.decode(data) if not isinstance(data, Problem) else data
            text = decoded.text if isinstance(decoded, sources.Decoded) else ""
        lines[path] = split_lines(text)
    return lines


def normalise(line: str) -> str:
    return " ".join(line.split())


@dataclass(frozen=True)
class Baseline:
    directory: str  # absolute; entry paths are relative to it
    counts: Mapping[Key, int]

    def key(self, diagnostic: Diagnostic, lines: Mapping[str, Sequence[str]]) -> Key:
        path = diagnostic.path
        if path != "-":
            path = os.path.relpath(os.path.abspath(path), self.directory).replace(os.sep, "/")
        text = lines.get(diagnostic.path, ())
        line = text[diagnostic.line - 1] if 0 < diagnostic.line <= len(text) else ""
        return path, diagnostic.code, normalise(line)

    @classmethod
    def of(
        cls, file: str, diagnostics: Iterable[Diagnostic], lines: Mapping[str, Sequence[str]]
    ) -> Baseline:
        empty = cls(os.path.dirname(os.path.abspath(file)), {})
        return cls(empty.directory, Counter(empty.key(d, lines) for d in diagnostics))

    def dumps(self) -> str:
        entries = [
            {"path": path, "code": code, "source": source, "count": count}
            for (path, code, source), count in sorted(self.counts.items())
        ]
        return json.dumps({FORMAT_KEY: FORMAT_VERSION, "entries": entries}, indent=2) + "\n"

    def write(self, file: str) -> None:
        try:
            with open(file, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(self.dumps())
        except OSError as error:
            reason = error.strerror or error
            raise BaselineError(f"cannot write baseline {file}: {reason}") from None

    @classmethod
    def load(cls, file: str) -> Baseline:
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as error:
            raise BaselineError(f"cannot read baseline {file}: {error.strerror or error}") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise BaselineError(f"baseline {file} is not valid JSON: {error}") from None
        counts: Counter[Key] = Counter()
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, list) or data.get(FORMAT_KEY) != FORMAT_VERSION:
            raise BaselineError(f"baseline {file} is not a signallint baseline (version 1)")
        for entry in entries:
            if not _valid_entry(entry):
                raise BaselineError(f"baseline {file} has an invalid entry: {json.dumps(entry)}")
            counts[(entry["path"], entry["code"], entry["source"])] += entry["count"]
        return cls(os.path.dirname(os.path.abspath(file)), counts)

    def new(
        self, diagnostics: Iterable[Diagnostic], lines: Mapping[str, Sequence[str]]
    ) -> tuple[list[Diagnostic], int]:
        """The diagnostics the baseline does not account for, and how many it did."""
        remaining = Counter(self.counts)
        kept, matched = [], 0
        for diagnostic in diagnostics:
            key = self.key(diagnostic, lines)
            if remaining[key] > 0:
                remaining[key] -= 1
                matched += 1
            else:
                kept.append(diagnostic)
        return kept, matched


def _valid_entry(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(k), str) for k in ("path", "code", "source"))
        and isinstance(entry.get("count"), int)
        and not isinstance(entry.get("count"), bool)
        and entry["count"] > 0
    )
