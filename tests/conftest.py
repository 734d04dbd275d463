"""Shared pytest fixtures.

Keep this file light: it must not import Django at collection time, so that tests which
do not need Django neither pay for it nor depend on it. Tests that run real Django code
ask for the session-scoped ``django_env`` fixture (configuration lives in
``tests/django_env.py``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Django imports the test app as ``tests.catalogue_app``: make sure the project root is
# importable whatever pytest's import mode.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

# The command's cache lives in the user cache directory: keep the tests' runs (and the
# subprocesses they start) out of the real one.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="signallint-tests-cache-")


@pytest.fixture(scope="session")
def django_env() -> Iterator[None]:
    """Django configured (settings, setup, test environment, migrated in-memory DB)."""
    pytest.importorskip("django")
    from tests.django_env import configure_django

    configure_django()
    yield
