"""Which Django the project declares: the one home for reading dependency declarations.

Walking up from the start directory to the project root (the first directory holding
``.git`` or one of :data:`ROOT_MARKERS`):

1. a lock file (``uv.lock``, ``poetry.lock``, ``Pipfile.lock``, in that order, nearest
   directory first) that locks Django wins with the locked version;
2. else the nearest directory that declares Django decides, reading its places in the
   order of :data:`MAIN_PLACES` then :data:`OPTIONAL_PLACES` (main dependencies before
   optional and development ones) and stopping at the first place that declares a
   version. Every declaration of Django in that place counts (markers for different
   Pythons, base and dev requirement files): the oldest wins.

A range targets the *oldest* Django feature release it allows, because version-dependent
rules must hold on every version the project supports. The version is returned as
declared (``Django==2.2`` gives 2.2); fitting it to the catalogue is the caller's job.

Nothing here runs project code: ``setup.py`` is read with :mod:`ast`. A file that cannot
be read, decoded or parsed declares nothing (unknown means silent).
"""

from __future__ import annotations

import ast
import configparser
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FeatureRelease = tuple[int, int]

# Lock files of large projects run to a few megabytes; anything far beyond is not one.
MAX_FILE_BYTES = 16 * 1024 * 1024
# Requirement files reached through -r/-c includes, at most (a guard, not a limit anyone meets).
MAX_REQUIREMENT_FILES = 200

LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock")
# Where installed packages live: the walk up from a package checked in place (a
# virtualenv's site-packages inside a project, say) stops before it.
INSTALLED_PACKAGES = frozenset({"site-packages", "dist-packages"})
ROOT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", *LOCK_FILES)


# How every DeclaredDjango.source begins.
SOURCE_PREFIXES = ("detected from ", "locked at ")


@dataclass(frozen=True)
class DeclaredDjango:
    """The Django feature release a project declares, and a sentence saying where."""

    version: FeatureRelease
    source: str


@dataclass(frozen=True)
class _Declaration:
    version: FeatureRelease
    text: str
    path: str


def detect(start: str) -> DeclaredDjango | None:
    """The Django version the project around ``start`` (a file or directory) declares."""
    directories = list(_project_directories(start))
    for directory in directories:
        locked = _locked_in(directory)
        if locked is not None:
            return locked
    for directory in directories:
        declared = _declared_in(directory)
        if declared is not None:
            return declared
    return None


def _project_directories(start: str) -> Iterator[str]:
    directory = os.path.abspath(start)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    while True:
        if os.path.basename(directory) in INSTALLED_PACKAGES:
            return  # an installed package declares nothing for the project around it
        yield directory
        if any(os.path.exists(os.path.join(directory, marker)) for marker in ROOT_MARKERS):
            return
        parent = os.path.dirname(directory)
        if parent == directory:
            return
        directory = parent


# -- feature releases from specifiers ----------------------------------------------------


def oldest_feature_release(specifiers: SpecifierSet) -> FeatureRelease | None:
    """The oldest Django feature release (major, minor) with a version ``specifiers`` allows;
    with no lower bound, the newest release signallint knows that it allows.

    Pre-releases count (``==6.1a1`` gives 6.1). None when the set allows nothing, or
    allows everything (no specifier: no version is declared).
    """
    if not len(specifiers):
        return None
    if not any(s.operator in _LOWER_BOUNDS for s in specifiers):
        # ``Django<5.0`` alone: its oldest allowed release (1.0) means nothing; pip
        # installs the newest it allows, which is what the project runs.
        from signallint.catalogue import SUPPORTED_VERSIONS

        for version in sorted(SUPPORTED_VERSIONS, reverse=True):
            if any(
                specifiers.contains(probe, prereleases=True) for probe in _series_start(*version)
            ):
                return version
    for probe in _probes(specifiers):
        if specifiers.contains(probe, prereleases=True):
            return _feature_release(probe)
    return None


# Operators that bound a version from below (or pin it).
_LOWER_BOUNDS = frozenset({">", ">=", "==", "~=", "==="})


def _feature_release(version: Version) -> FeatureRelease:
    release = (*version.release, 0)
    return release[0], release[1]


def _probes(specifiers: SpecifierSet) -> list[Version]:
    """Versions among which the oldest allowed one's feature release is always found,
    oldest first.

    The oldest allowed version is the start of a feature release (its first alpha, or
    the release itself), a version a specifier names, or the one right after it (for
    ``>`` and ``!=``; successors of successive exclusions are probed the same way).
    """
    from packaging.version import InvalidVersion, Version

    named = []
    for specifier in specifiers:
        try:
            named.append(Version(specifier.version.removesuffix(".*")))
        except InvalidVersion:
            continue  # ``===`` with a string that is no PEP 440 version
    probes: set[Version] = set(named)
    for version in named:
        major, minor, micro = (*version.release, 0, 0)[:3]
        probes.add(Version(f"{major}.{minor}.{micro + 1}"))
        probes.update(_series_start(major, minor))
    newest_major = max((v.release[0] for v in named), default=0)
    for major, minor in _django_feature_releases(newest_major + 1):
        probes.update(_series_start(major, minor))
    return sorted(probes)


def _series_start(major: int, minor: int) -> tuple[Version, Version]:
    from packaging.version import Version

    return Version(f"{major}.{minor}a1"), Version(f"{major}.{minor}")


def _django_feature_releases(last_major: int) -> Iterator[FeatureRelease]:
    # 1.0 to 1.11, then three feature releases per major (X.0, X.1, X.2) since 2.0.
    yield from ((1, minor) for minor in range(12))
    for major in range(2, max(last_major, 7) + 1):
        yield from ((major, minor) for minor in range(3))


def _django_requirement(text: str) -> Requirement | None:
    if "django" not in text.lower():
        return None  # most lines: no need to parse (or to import packaging at all)
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    return requirement if _is_django(requirement.name) else None


def _is_django(name: str) -> bool:
    # PEP 503 normalisation folds case and runs of "-_."; "django" has no separator, so
    # a name normalises to it exactly when it folds to it.
    return name.lower() == "django"


def requirement_version(text: str) -> FeatureRelease | None:
    """The oldest feature release a PEP 508 requirement on Django allows; None for another
    package, a requirement without a version, or text that is no requirement."""
    requirement = _django_requirement(text)
    return None if requirement is None else oldest_feature_release(requirement.specifier)


def _declaration(text: str, path: str) -> _Declaration | None:
    version = requirement_version(text)
    return None if version is None else _Declaration(version, text.strip(), path)


def _oldest(declarations: Iterable[_Declaration | None]) -> _Declaration | None:
    found = [d for d in declarations if d is not None]
    return min(found, key=lambda d: d.version) if found else None


# -- reading files -------------------------------------------------------------------------


def _read_text(path: str) -> str | None:
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as handle:
            data = handle.read()
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _read_toml(path: str) -> dict[str, Any] | None:
    text = _read_text(path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


def _table(data: object, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


# -- lock files ------------------------------------------------------------------------------


def _locked_in(directory: str) -> DeclaredDjango | None:
    for name in LOCK_FILES:
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            continue
        versions = _pipfile_locked(path) if name == "Pipfile.lock" else _toml_locked(path)
        if versions:
            oldest = min(versions)
            return DeclaredDjango(_feature_release(oldest), f"locked at {oldest} in {path}")
    return None


# Lock files run to megabytes and only Django's entries matter: those are found by the
# line the lock tools write, cut out at their ``[[package]]`` headers and parsed alone.
_PACKAGE_HEADER = "[[package]]"
_DJANGO_NAME = '\nname = "django"\n'


def _toml_locked(path: str) -> list[Version]:
    """Django's versions among the ``[[package]]`` entries of uv.lock or poetry.lock
    (more than one where the resolution forks on markers)."""
    text = _read_text(path)
    if text is None:
        return []
    texts = []
    # Folded to find "Django" as older lock files wrote it; versions do not mind the case.
    text = text.lower()
    found = text.find(_DJANGO_NAME)
    while found >= 0:
        start = text.rfind(_PACKAGE_HEADER, 0, found)
        end = text.find("\n" + _PACKAGE_HEADER, found + len(_DJANGO_NAME))
        found = text.find(_DJANGO_NAME, found + len(_DJANGO_NAME))
        if start < 0:
            continue
        try:
            entry = tomllib.loads(text[start : len(text) if end < 0 else end])
        except (tomllib.TOMLDecodeError, RecursionError):
            continue
        packages = entry.get("package")
        package = packages[0] if isinstance(packages, list) and packages else None
        if isinstance(package, dict) and _is_django(str(package.get("name"))):
            texts.append(package.get("version"))
    return _versions(texts)


def _pipfile_locked(path: str) -> list[Version]:
    text = _read_text(path)
    try:
        data = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return []
    for section in ("default", "develop"):
        for name, entry in _table(data, section).items():
            if _is_django(name) and isinstance(entry, dict):
                pinned = entry.get("version")
                if isinstance(pinned, str) and pinned.startswith("=="):
                    versions = _versions((pinned.removeprefix("=="),))
                    if versions:
                        return versions
    return []


def _versions(texts: Iterable[object]) -> list[Version]:
    from packaging.version import InvalidVersion, Version

    found = []
    for text in texts:
        if isinstance(text, str):
            try:
                found.append(Version(text))
            except InvalidVersion:
                continue
    return found


# -- declarations, place by place -----------------------------------------------------------


def _declared_in(directory: str) -> DeclaredDjango | None:
    files = _Files(directory)
    for place in (*MAIN_PLACES, *OPTIONAL_PLACES):
        found = place(files)
        if found is not None:
            return DeclaredDjango(found.version, f"detected from {found.text!r} in {found.path}")
    return None


class _Files:
    """One directory's declaration files, each read at most once."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._toml: dict[str, dict[str, Any] | None] = {}

    def path(self, name: str) -> str:
        return os.path.join(self.directory, name)

    def toml(self, name: str) -> dict[str, Any] | None:
        if name not in self._toml:
            path = self.path(name)
            self._toml[name] = _read_toml(path) if os.path.isfile(path) else None
        return self._toml[name]

    @cached_property
    def setup_cfg(self) -> configparser.RawConfigParser | None:
        return _read_setup_cfg(self.path("setup.cfg"))

    @cached_property
    def setup_py(self) -> ast.Module | None:
        return _read_setup_py(self.path("setup.py"))


Place = Callable[[_Files], _Declaration | None]


def _pep621_dependencies(files: _Files) -> _Declaration | None:
    path = files.path("pyproject.toml")
    lines = _strings(_table(files.toml("pyproject.toml"), "project").get("dependencies"))
    return _oldest(_declaration(line, path) for line in lines)


def _pep621_optional(files: _Files) -> _Declaration | None:
    path = files.path("pyproject.toml")
    data = files.toml("pyproject.toml")
    extras = _table(data, "project", "optional-dependencies").values()
    # Dependency groups (PEP 735) also hold {include-group = "..."} tables: skipped.
    groups = _table(data, "dependency-groups").values()
    return _oldest(
        _declaration(line, path) for lines in (*extras, *groups) for line in _strings(lines)
    )


def _poetry_main(files: _Files) -> _Declaration | None:
    poetry = _table(files.toml("pyproject.toml"), "tool", "poetry")
    return _poetry_declaration(_table(poetry, "dependencies"), files.path("pyproject.toml"))


def _poetry_groups(files: _Files) -> _Declaration | None:
    poetry = _table(files.toml("pyproject.toml"), "tool", "poetry")
    tables = [_table(group, "dependencies") for group in _table(poetry, "group").values()]
    tables.append(_table(poetry, "dev-dependencies"))
    path = files.path("pyproject.toml")
    return _oldest(_poetry_declaration(table, path) for table in tables)


def _poetry_declaration(dependencies: dict[str, Any], path: str) -> _Declaration | None:
    """``django = "^4.2"``, ``{ version = "^4.2", extras = [...] }`` or a list of such tables."""
    found = []
    for name, value in dependencies.items():
        if not _is_django(name):
            continue
        for entry in value if isinstance(value, list) else [value]:
            constraint = entry.get("version") if isinstance(entry, dict) else entry
            if not isinstance(constraint, str):
                continue
            version = _oldest_of_alternatives(poetry_specifiers(constraint))
            if version is not None:
                found.append(_Declaration(version, f'{name} = "{constraint.strip()}"', path))
    return _oldest(found)


_POETRY_CONSTRAINT = re.compile(r"(\^|~=|~|==|!=|>=|<=|>|<|=)?\s*([0-9][0-9A-Za-z.*+!-]*)")


def poetry_specifiers(constraint: str) -> list[SpecifierSet] | None:
    """Poetry's version constraint as PEP 440 specifier sets, one per ``||`` alternative.

    ``^4.2`` is ``>=4.2,<5.0``; ``~4.2`` is ``>=4.2,<4.3``; ``4.2.*`` and a bare ``4.2`` are
    ``==``; comparisons are PEP 440 already. None when the text is not such a constraint.
    ``*`` gives an empty set (any version).
    """
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    alternatives = []
    for alternative in constraint.split("||"):
        parts = []
        rest = alternative.replace(",", " ").strip()
        while rest and rest != "*":
            match = _POETRY_CONSTRAINT.match(rest)
            if match is None:
                return None
            operator, version = match.group(1) or "==", match.group(2)
            parts.extend(_poetry_part(operator, version))
            rest = rest[match.end() :].strip()
        try:
            alternatives.append(SpecifierSet(",".join(parts)))
        except InvalidSpecifier:
            return None
    return alternatives


def _poetry_part(operator: str, version: str) -> list[str]:
    if operator not in ("^", "~"):
        return [f"{'==' if operator == '=' else operator}{version}"]
    numbers = [int(n) if n.isdigit() else 0 for n in version.split(".")[:3]]
    if operator == "~":
        # ~1 allows 1.x; ~1.2 and ~1.2.3 allow 1.2.x.
        index = 0 if len(numbers) == 1 else 1
    else:
        # The leftmost non-zero part may not change (^0.2.3 allows 0.2.x).
        index = next((i for i, n in enumerate(numbers) if n), len(numbers) - 1)
    upper = [*numbers[:index], numbers[index] + 1]
    return [f">={version}", "<" + ".".join(map(str, upper))]


def _oldest_of_alternatives(alternatives: list[SpecifierSet] | None) -> FeatureRelease | None:
    versions = [oldest_feature_release(s) for s in alternatives or []]
    known = [v for v in versions if v is not None]
    # Any alternative that allows every version declares none.
    if not known or len(known) < len(versions):
        return None
    return min(known)


def _read_setup_cfg(path: str) -> configparser.RawConfigParser | None:
    text = _read_text(path) if os.path.isfile(path) else None
    if text is None:
        return None
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, path)
    except configparser.Error:
        return None
    return parser


def _setup_cfg_lines(value: str) -> list[str]:
    """One requirement per line, or separated by ``;`` on a single line (as setuptools
    splits them)."""
    value = value.strip()
    if value.startswith("file:"):
        return []  # names other files; setuptools reads them, we do not guess
    lines = value.splitlines() if "\n" in value else value.split(";")
    return [_strip_comment(line) for line in lines]


def _setup_cfg_main(files: _Files) -> _Declaration | None:
    parser = files.setup_cfg
    if parser is None or not parser.has_option("options", "install_requires"):
        return None
    lines = _setup_cfg_lines(parser.get("options", "install_requires"))
    return _oldest(_declaration(line, files.path("setup.cfg")) for line in lines)


def _setup_cfg_extras(files: _Files) -> _Declaration | None:
    parser = files.setup_cfg
    if parser is None or not parser.has_section("options.extras_require"):
        return None
    path = files.path("setup.cfg")
    return _oldest(
        _declaration(line, path)
        for _, value in parser.items("options.extras_require")
        for line in _setup_cfg_lines(value)
    )


def _read_setup_py(path: str) -> ast.Module | None:
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as handle:
            return ast.parse(handle.read(), path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _setup_keyword(module: ast.Module, keyword: str) -> Any:
    """The literal value of ``keyword`` in a ``setup(...)`` call, else None."""
    for node in ast.walk(module):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        if name != "setup":
            continue
        for argument in node.keywords:
            if argument.arg == keyword:
                value: ast.expr | None = argument.value
                if isinstance(value, ast.Name):
                    value = _only_binding(module, value.id)
                if value is None:
                    return None
                try:
                    return ast.literal_eval(value)
                except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                    return None
    return None


def _only_binding(module: ast.Module, name: str) -> ast.expr | None:
    """The value of ``NAME = ...`` in the module's own body (``REQUIREMENTS = [...]``,
    then ``install_requires=REQUIREMENTS``), when that is the name's only binding and
    nothing changes it in place (``.append()``, ``+=``); else None."""
    found: ast.expr | None = None
    bindings = 0
    for node in ast.walk(module):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            bindings += 1
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == name
            and node.attr in ("append", "extend", "insert", "remove", "pop", "clear", "update")
        ):
            return None
    for statement in module.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id == name
        ):
            found = statement.value
    return found if bindings == 1 else None


def _setup_py_main(files: _Files) -> _Declaration | None:
    module = files.setup_py
    value = _setup_keyword(module, "install_requires") if module else None
    lines = _literal_lines(value)
    return _oldest(_declaration(line, files.path("setup.py")) for line in lines)


def _setup_py_extras(files: _Files) -> _Declaration | None:
    module = files.setup_py
    value = _setup_keyword(module, "extras_require") if module else None
    groups = value.values() if isinstance(value, dict) else ()
    path = files.path("setup.py")
    return _oldest(_declaration(line, path) for group in groups for line in _literal_lines(group))


def _literal_lines(value: object) -> list[str]:
    """Requirements given as a string (one a line) or a list or tuple of strings."""
    if isinstance(value, str):
        return value.splitlines()
    return _strings(list(value)) if isinstance(value, list | tuple) else []


def _pipfile(section: str) -> Place:
    def read(files: _Files) -> _Declaration | None:
        path = files.path("Pipfile")
        found: list[_Declaration] = []
        for name, value in _table(files.toml("Pipfile"), section).items():
            if not _is_django(name):
                continue
            specifier = value.get("version") if isinstance(value, dict) else value
            if not isinstance(specifier, str) or specifier.strip() == "*":
                continue
            from packaging.specifiers import InvalidSpecifier, SpecifierSet

            try:
                version = oldest_feature_release(SpecifierSet(specifier))
            except InvalidSpecifier:
                continue
            if version is not None:
                found.append(_Declaration(version, f'{name} = "{specifier.strip()}"', path))
        return _oldest(found)

    return read


# -- requirement files ------------------------------------------------------------------------


def requirement_files(directory: str) -> list[str]:
    """``requirements*.txt`` in the directory, then ``requirements/*.txt``, each sorted."""
    found: list[str] = []
    nested = os.path.join(directory, "requirements")
    for folder, wanted in ((directory, "requirements"), (nested, "")):
        try:
            names = sorted(
                entry.name
                for entry in os.scandir(folder)
                if entry.name.startswith(wanted) and entry.name.endswith(".txt") and entry.is_file()
            )
        except OSError:
            continue
        found.extend(os.path.join(folder, name) for name in names)
    return found


def _requirements(files: _Files) -> _Declaration | None:
    seen: set[str] = set()
    return _oldest(
        declaration
        for path in requirement_files(files.directory)
        for declaration in _requirement_file(path, seen)
    )


_INCLUDE_OPTIONS = ("-r", "--requirement", "-c", "--constraint")


def _requirement_file(path: str, seen: set[str]) -> Iterator[_Declaration]:
    """Django declarations in a pip requirements file and the files it includes."""
    key = os.path.realpath(path)
    if key in seen or len(seen) >= MAX_REQUIREMENT_FILES:
        return
    seen.add(key)
    text = _read_text(path)
    if text is None:
        return
    for line in _logical_lines(text):
        include = _included_file(line)
        if include is not None:
            if "://" not in include:
                yield from _requirement_file(os.path.join(os.path.dirname(path), include), seen)
            continue
        if line.startswith("-"):
            continue  # -e, --index-url and other options
        # Per-requirement options (--hash=...) follow the requirement.
        requirement = _strip_comment(line).split(" --", 1)[0].split("\t--", 1)[0]
        declaration = _declaration(requirement, path)
        if declaration is not None:
            yield declaration


def _logical_lines(text: str) -> Iterator[str]:
    pending = ""
    for raw in text.splitlines():
        if raw.endswith("\\"):
            pending += raw[:-1]
            continue
        line = (pending + raw).strip()
        pending = ""
        if line and not line.startswith("#"):
            yield line


def _included_file(line: str) -> str | None:
    for option in _INCLUDE_OPTIONS:
        if line.startswith(option):
            rest = line[len(option) :]
            if option.startswith("--") and rest[:1] not in ("=", " ", "\t"):
                continue
            target = _strip_comment(rest.lstrip("= \t")).strip()
            return target or None
    return None


def _strip_comment(line: str) -> str:
    """The line without a ``#`` comment that follows whitespace (as pip reads it)."""
    for index, character in enumerate(line):
        if character == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index].strip()
    return line.strip()


MAIN_PLACES: tuple[Place, ...] = (
    _pep621_dependencies,
    _poetry_main,
    _setup_cfg_main,
    _setup_py_main,
    _pipfile("packages"),
    _requirements,
)
OPTIONAL_PLACES: tuple[Place, ...] = (
    _pep621_optional,
    _poetry_groups,
    _setup_cfg_extras,
    _setup_py_extras,
    _pipfile("dev-packages"),
)
