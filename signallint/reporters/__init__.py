"""Reporters turn sorted diagnostics into text. They are pure: diagnostics in, str out."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from signallint.diagnostics import Diagnostic
from signallint.reporters import json_format, text

Reporter = Callable[[Sequence[Diagnostic]], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_format.render,
}
