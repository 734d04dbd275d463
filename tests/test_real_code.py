"""signallint on real code: Django's own source must come out clean (no false positives)."""

from __future__ import annotations

from pathlib import Path

import pytest

from signallint import check_paths
from signallint.settings import Settings


def test_django_source_tree_has_no_findings() -> None:
    django = pytest.importorskip("django")
    root = Path(django.__file__).parent
    result = check_paths([str(root)], Settings())
    assert result.files_seen > 500
    assert result.files_analysed > 50  # parsed and walked, not skipped by the prefilter
    assert [f"{d.path}:{d.line} {d.code} {d.message}" for d in result.diagnostics] == []
