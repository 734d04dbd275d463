"""Write ``signallint/django_modules.py`` from Django's own wheels, read with ast.

Usage::

    pip download 'django==3.2.*' --no-deps --only-binary=:all: --python-version 3.12 -d DIR
    ...  (the same for every catalogue.SUPPORTED_VERSIONS, 3.2 to 6.1)
    python -m tests.make_django_modules DIR

Nothing in the wheels is imported. For each supported version (the newest wheel of its
series found in DIR) it records:

* every module of the ``django`` package (a ``.py`` file in a directory chain of regular
  packages, as ``pkgutil`` finds them);
* for every catalogued signal name, ``receiver`` and ``Signal``: the modules from which
  ``from MODULE import NAME`` works, i.e. the modules that bind the name at module level
  (an import, a definition, an assignment; under ``if``/``try``/``with`` too, except in
  ``if TYPE_CHECKING:``) or get it from a star import (``__all__`` respected);
* the modules with a module-level ``__getattr__``, which may provide any name.

``tests/test_catalogue_django.py`` proves the result against the installed Django.
"""

from __future__ import annotations

import ast
import re
import sys
import textwrap
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from signallint import catalogue
from signallint.catalogue import SUPPORTED_VERSIONS, Version, format_version

TARGET = Path(__file__).resolve().parent.parent / "signallint" / "django_modules.py"
TRY_STATEMENTS = (ast.Try, getattr(ast, "TryStar", ast.Try))
WATCHED = frozenset({spec.name for spec in catalogue.SIGNALS} | {"receiver", "Signal"})


class ModuleSource:
    def __init__(self, name: str, is_package: bool, tree: ast.Module):
        self.name = name
        self.is_package = is_package
        self.package = name if is_package else name.rpartition(".")[0]
        self.bound: set[str] = set()  # watched names bound here
        self.star_sources: list[str] = []
        self.exports: frozenset[str] | None = None  # a literal ``__all__``
        self.open = False  # a module-level ``__getattr__``
        self._read(tree.body)

    def _absolute(self, node: ast.ImportFrom) -> str | None:
        if not node.level:
            return node.module
        parts = self.package.split(".")
        if node.level - 1 > len(parts):
            return None
        base = parts[: len(parts) - (node.level - 1)]
        return ".".join([*base, node.module] if node.module else base)

    def _bind(self, name: str) -> None:
        if name in WATCHED:
            self.bound.add(name)

    def _bind_target(self, target: ast.expr) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                self._bind(node.id)

    def _read(self, body: Iterable[ast.stmt]) -> None:
        for statement in body:
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    self._bind(alias.asname or alias.name.split(".")[0])
            elif isinstance(statement, ast.ImportFrom):
                for alias in statement.names:
                    if alias.name == "*":
                        source = self._absolute(statement)
                        if source is not None:
                            self.star_sources.append(source)
                    else:
                        self._bind(alias.asname or alias.name)
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._bind(statement.name)
                if statement.name == "__getattr__":
                    self.open = True
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    self._bind_target(target)
                    if isinstance(target, ast.Name) and target.id == "__all__":
                        self.exports = _literal_names(statement.value)
            elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
                if isinstance(statement, ast.AugAssign) or statement.value is not None:
                    self._bind_target(statement.target)
                if isinstance(statement.target, ast.Name) and statement.target.id == "__all__":
                    self.exports = None  # built up: take every name
            elif isinstance(statement, ast.If):
                if not _is_type_checking(statement.test):
                    self._read(statement.body)
                self._read(statement.orelse)
            elif isinstance(statement, (ast.For, ast.AsyncFor)):
                self._bind_target(statement.target)
                self._read(statement.body)
                self._read(statement.orelse)
            elif isinstance(statement, ast.While):
                self._read(statement.body)
                self._read(statement.orelse)
            elif isinstance(statement, (ast.With, ast.AsyncWith)):
                for item in statement.items:
                    if item.optional_vars is not None:
                        self._bind_target(item.optional_vars)
                self._read(statement.body)
            elif isinstance(statement, TRY_STATEMENTS):
                self._read(statement.body)
                for handler in statement.handlers:
                    if handler.name:
                        self._bind(handler.name)
                    self._read(handler.body)
                self._read(statement.orelse)
                self._read(statement.finalbody)
            elif isinstance(statement, ast.Match):
                for case in statement.cases:
                    self._read(case.body)
            # ``:=`` at module level and ``global`` in functions: Django uses neither
            # for these names (the test against the installed Django would notice).


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _literal_names(value: ast.expr) -> frozenset[str] | None:
    if isinstance(value, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
    ):
        return frozenset(e.value for e in value.elts)  # type: ignore[attr-defined]
    return None


def read_wheel(path: Path) -> tuple[set[str], dict[str, set[str]], set[str]]:
    """(modules, watched name -> providing modules, open modules) of one wheel."""
    with zipfile.ZipFile(path) as wheel:
        files = {n for n in wheel.namelist() if n.startswith("django/") and n.endswith(".py")}
        packages = {n.rpartition("/")[0] for n in files if n.endswith("/__init__.py")}
        sources: dict[str, ModuleSource] = {}
        for name in sorted(files):
            directory, _, file_name = name.rpartition("/")
            if not _in_packages(directory, packages) or "." in file_name[:-3]:
                continue
            is_package = file_name == "__init__.py"
            dotted = directory.replace("/", ".")
            if not is_package:
                dotted += "." + file_name[:-3]
            tree = ast.parse(wheel.read(name), name)
            sources[dotted] = ModuleSource(dotted, is_package, tree)
    provided = {name: set(module.bound) for name, module in sources.items()}
    changed = True
    while changed:  # star imports, to a fixed point
        changed = False
        for name, module in sources.items():
            for star in module.star_sources:
                if star not in sources:
                    continue
                exported = provided[star]
                if sources[star].exports is not None:
                    exported = exported & sources[star].exports  # type: ignore[operator]
                if not exported <= provided[name]:
                    provided[name] |= exported
                    changed = True
    providers: dict[str, set[str]] = {name: set() for name in WATCHED}
    for module_name, names in provided.items():
        for name in names:
            providers[name].add(module_name)
    return set(sources), providers, {n for n, m in sources.items() if m.open}


def _in_packages(directory: str, packages: set[str]) -> bool:
    parts = directory.split("/")
    return all("/".join(parts[: i + 1]) in packages for i in range(len(parts)))


def newest_wheels(directory: Path) -> dict[Version, Path]:
    found: dict[Version, tuple[tuple[int, ...], Path]] = {}
    for path in directory.glob("*.whl"):
        match = re.match(r"[Dd]jango-(\d+)\.(\d+)(?:\.(\d+))?-", path.name)
        if match is None:
            continue
        release = tuple(int(part or 0) for part in match.groups())
        version = (release[0], release[1])
        if version in SUPPORTED_VERSIONS and (version not in found or found[version][0] < release):
            found[version] = (release, path)
    missing = [format_version(v) for v in SUPPORTED_VERSIONS if v not in found]
    if missing:
        raise SystemExit(f"no wheel in {directory} for Django {', '.join(missing)}")
    return {version: path for version, (_, path) in found.items()}


def ranges(versions: set[Version]) -> str:
    """``""`` for every supported version, else ``[4.2:5.1,6.0:]`` (half-open ranges)."""
    if versions == set(SUPPORTED_VERSIONS):
        return ""
    parts = []
    run: list[Version] = []
    for version in (*SUPPORTED_VERSIONS, None):
        if version is not None and version in versions:
            run.append(version)
            continue
        if run:
            first = SUPPORTED_VERSIONS.index(run[0])
            last = SUPPORTED_VERSIONS.index(run[-1])
            since = "" if first == 0 else format_version(run[0])
            until = (
                ""
                if last == len(SUPPORTED_VERSIONS) - 1
                else format_version(SUPPORTED_VERSIONS[last + 1])
            )
            parts.append(f"{since}:{until}")
            run = []
    return "[" + ",".join(parts) + "]"


def _lines(entries: dict[str, set[Version]], width: int = 92) -> Iterator[str]:
    """``parent: child child[5.0:]`` lines, wrapped; parents sorted."""
    by_parent: dict[str, list[str]] = {}
    for module, versions in sorted(entries.items()):
        parent, _, child = module.rpartition(".")
        by_parent.setdefault(parent, []).append(child + ranges(versions))
    for parent, children in sorted(by_parent.items()):
        line = f"{parent}:"
        for child in children:
            if len(line) + len(child) + 1 > width:
                yield line
                line = f"{parent}:"
            line += f" {child}"
        yield line


def render(wheels: dict[Version, Path]) -> str:
    modules: dict[str, set[Version]] = {}
    providers: dict[str, dict[str, set[Version]]] = {name: {} for name in sorted(WATCHED)}
    open_modules: dict[str, set[Version]] = {}
    for version, path in sorted(wheels.items()):
        found, provided, opened = read_wheel(path)
        for module in found:
            modules.setdefault(module, set()).add(version)
        for name, where in provided.items():
            for module in where:
                providers[name].setdefault(module, set()).add(version)
        for module in opened:
            open_modules.setdefault(module, set()).add(version)
    releases = ", ".join(path.name.split("-")[1] for _, path in sorted(wheels.items()))
    out = [
        '"""Which modules Django has, and which of them provide each signal name,',
        "``receiver`` and ``Signal``, per supported version.",
        "",
        "Generated by ``python -m tests.make_django_modules DIR`` from the wheels of Django",
        *textwrap.wrap(f"{releases}, read with ast, never imported; do not edit by hand.", 92),
        "",
        "A line ``parent: child child[5.0:]`` lists modules ``parent.child`` (``: django`` is",
        "the package itself); ``[since:until]`` gives the versions (half-open ranges, as in",
        "catalogue.py) when not every supported version has it.",
        '"""',
        "",
        'MODULES = """',
        *_lines(modules),
        '"""',
        "",
        "# ``from MODULE import NAME`` works: MODULE binds NAME at module level (or by a star",
        "# import). Keyed by NAME, then lines as in MODULES.",
        "PROVIDERS = {",
    ]
    for name, where in providers.items():
        if not where:
            out.append(f'    "{name}": "",')
            continue
        out.append(f'    "{name}": """')
        out.extend(f"        {line}" for line in _lines(where, 84))
        out.append('    """,')
    out += [
        "}",
        "",
        "# Modules with a module-level ``__getattr__``: any name may import from them.",
        'OPEN_MODULES = """',
        *_lines(open_modules),
        '"""',
        "",
    ]
    return "\n".join(out)


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit(__doc__)
    TARGET.write_text(render(newest_wheels(Path(argv[0]))))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main(sys.argv[1:])
