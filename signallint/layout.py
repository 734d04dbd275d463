"""Where a project's files sit, as only the file system tells: its root, and which of
its modules belong to a package distributed elsewhere. Also how test code is told apart
by its path.

Rules and the :class:`~signallint.project.Picture` never touch the disk: what they need
to know from it is found here, once, and kept in :class:`~signallint.facts.ProjectFacts`.
"""

from __future__ import annotations

import functools
import os
import re

from signallint.facts import ModuleFacts, ProjectFacts, RuntimeApps

# Files whose presence marks a project root, searched upwards from the first path.
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "manage.py")
INSTALLED_PACKAGE_DIRECTORIES = ("site-packages", "dist-packages")
# Directories holding a demo or test site of a distributed package, not a site of its own.
_NOT_A_SITE = re.compile(r"^(?:examples?|sandbox|demo\w*|docs?|tests?|test\w*)$")


def project_facts(
    modules: tuple[ModuleFacts, ...], root: str | None, runtime: RuntimeApps | None = None
) -> ProjectFacts:
    """The facts of a project's modules, with which of them are distributed (see
    :attr:`ProjectFacts.distributed`): a run without a root never asks. ``runtime``: the
    running Django's apps, when it is asked from inside."""
    distributed: frozenset[str] = frozenset()
    if root is not None:
        absolute_root = os.path.abspath(root)
        paths = (
            os.path.normpath(os.path.abspath(m.path))
            for m in modules
            if m.connections and m.wiring is not None
        )
        distributed = frozenset(p for p in paths if _distributed(p, absolute_root))
    return ProjectFacts(modules, root=root, distributed=distributed, runtime=runtime)


def find_project_root(start: str) -> str | None:
    """The nearest directory at or above ``start`` with a root marker, in ``start``'s
    style (relative when it is at or below the current directory)."""
    directory = os.path.abspath(start)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    while True:
        if any(os.path.isfile(os.path.join(directory, m)) for m in ROOT_MARKERS):
            return _styled(directory, start)
        if os.path.basename(directory) in INSTALLED_PACKAGE_DIRECTORIES:
            return None  # installed packages: not a project, whatever holds the environment
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _styled(directory: str, like: str) -> str:
    if os.path.isabs(like):
        return directory
    relative = os.path.relpath(directory)
    return directory if relative.startswith("..") else relative


def is_test_path(path: str) -> bool:
    """Test code: what a test runner imports (``test*.py``, ``tests/``, ``conftest.py``)."""
    parts = os.path.normpath(path).replace(os.sep, "/").split("/")
    stem = os.path.splitext(parts[-1])[0]
    if stem.startswith("test") or stem.endswith("_test") or stem == "conftest":
        return True
    return any(
        part in ("tests", "test", "testing") or part.startswith("test_") for part in parts[:-1]
    )


def _distributed(path: str, root: str) -> bool:
    """True for a module of a package that is installed elsewhere, whose users may
    import modules that its own code never does."""
    parts = path.split(os.sep)
    if "site-packages" in parts or "dist-packages" in parts:
        return True
    directory = os.path.dirname(path)
    while True:
        if _is_distribution(directory):
            return not _is_site(directory)
        parent = os.path.dirname(directory)
        if directory == root or parent == directory or not directory.startswith(root):
            return False
        directory = parent


@functools.lru_cache(maxsize=1024)
def _is_distribution(directory: str) -> bool:
    if os.path.isfile(os.path.join(directory, "setup.py")):
        return True
    for name, tables in (
        ("pyproject.toml", ("[build-system]", "[project]", "[tool.poetry]")),
        ("setup.cfg", ("[metadata]",)),
    ):
        try:
            with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if any(table in text for table in tables):
            return True
    return False


@functools.lru_cache(maxsize=1024)
def _is_site(directory: str) -> bool:
    """A directory whose code is a Django site: it, or a sub-directory that is not a
    demo or test project, holds ``manage.py``."""
    if os.path.isfile(os.path.join(directory, "manage.py")):
        return True
    try:
        entries = os.listdir(directory)
    except OSError:
        return False
    return any(
        not _NOT_A_SITE.match(entry) and os.path.isfile(os.path.join(directory, entry, "manage.py"))
        for entry in entries
    )
