"""Which files a run checks: the Python files under the paths given, less the excluded
ones, and the project they belong to (its root, and its other files).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from signallint import sources
from signallint.facts import Problem
from signallint.settings import Settings


def discover(paths: Iterable[str], excludes: Sequence[str]) -> Iterator[tuple[str, Problem | None]]:
    """Python files under ``paths`` in a stable order; a path that cannot be listed or
    does not exist comes with a problem instead."""
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        path = os.path.normpath(given)
        if os.path.isdir(path):
            yield from _walk(path, excludes, seen_dirs, os.path.realpath(path))
        elif os.path.lexists(path) and not os.path.exists(path):
            yield path, Problem(sources.UNREADABLE, "cannot read file: broken symbolic link")
        elif not os.path.exists(path):
            yield path, Problem(sources.UNREADABLE, "cannot read file: no such file or directory")
        else:
            yield path, None  # named explicitly: checked even if excluded or not *.py


def _walk(
    directory: str, excludes: Sequence[str], seen_dirs: set[tuple[int, int]], root: str
) -> Iterator[tuple[str, Problem | None]]:
    try:
        info = os.stat(directory)
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            return  # a symbolic link loop, or the same tree named twice
        seen_dirs.add(key)
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield (
            directory,
            Problem(sources.UNREADABLE, f"cannot list directory: {error.strerror or error}"),
        )
        return
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir and not entry.name.endswith(".py"):
            continue
        child = entry.path if directory != "." else entry.name
        if _excluded(entry.name, child, excludes):
            continue
        if entry.is_symlink() and os.path.exists(entry.path) and not _inside(entry.path, root):
            continue  # a link out of the tree we were given: not ours to check
        if is_dir:
            yield from _walk(child, excludes, seen_dirs, root)
        elif entry.name.endswith(".py"):
            if entry.is_symlink() and not os.path.exists(entry.path):
                yield child, Problem(sources.UNREADABLE, "cannot read file: broken symbolic link")
            else:
                yield child, None


def _excluded(name: str, path: str, patterns: Sequence[str]) -> bool:
    """Whether the file or directory ``name``, or its whole ``path``, matches a pattern."""
    by_name, by_path = _exclusion_matchers(tuple(patterns))
    if by_name(name) is not None:
        return True
    return by_path is not None and by_path(path.replace(os.sep, "/").removeprefix("./")) is not None


Matcher = Callable[[str], "re.Match[str] | None"]


@functools.cache
def _exclusion_matchers(patterns: tuple[str, ...]) -> tuple[Matcher, Matcher | None]:
    """A matcher for names, and one for whole paths unless no pattern needs it: a name
    (``build``) or a ``*`` and a name's end (``*.egg-info``) matches a path only where
    it matches the path's last name, and every directory above was checked by name."""
    if not patterns:
        return (lambda text: None), None
    cleaned = [pattern.rstrip("/") for pattern in patterns]
    matcher = re.compile("|".join(fnmatch.translate(pattern) for pattern in cleaned)).match
    by_name_only = all(
        "/" not in pattern and not any(c in pattern.lstrip("*") for c in "*?[")
        for pattern in cleaned
    )
    return matcher, None if by_name_only else matcher


def _inside(path: str, root: str) -> bool:
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def project_root(paths: Sequence[str], settings: Settings) -> str | None:
    """The root of the project ``paths`` belong to, or None."""
    from signallint.layout import find_project_root

    return settings.project_root or find_project_root(paths[0] if paths else ".")


def project_files(root: str, checked: Sequence[str], settings: Settings) -> Iterator[str]:
    """The Python files of the project under ``root`` that are not among ``checked``."""
    from signallint.layout import INSTALLED_PACKAGE_DIRECTORIES

    seen = {os.path.realpath(path) for path in checked}
    # Hidden directories and installed packages are not the project's code: no module
    # there can be imported by a dotted name that is the project's.
    excludes = (*settings.excludes, ".*", *INSTALLED_PACKAGE_DIRECTORIES)
    for path, problem in discover([root], excludes):
        if problem is None and os.path.realpath(path) not in seen:
            yield path
