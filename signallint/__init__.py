"""signallint: a static linter for Django signals.

The public API is small::

    from signallint import check_source, check_paths, Settings

    diagnostics = check_source(source_text, "app/signals.py")
    result = check_paths(["src/"], Settings(django_version=(5, 2)))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Diagnostic", "Settings", "__version__", "check_paths", "check_source"]

if TYPE_CHECKING:
    from signallint.diagnostics import Diagnostic
    from signallint.engine import check_paths, check_source
    from signallint.settings import Settings


def __getattr__(name: str) -> Any:
    # Imported lazily so that ``signallint --version`` and files the prefilter rejects
    # never pay for LibCST.
    if name in ("check_paths", "check_source"):
        from signallint import engine

        return getattr(engine, name)
    if name == "Diagnostic":
        from signallint.diagnostics import Diagnostic

        return Diagnostic
    if name == "Settings":
        from signallint.settings import Settings

        return Settings
    raise AttributeError(name)
