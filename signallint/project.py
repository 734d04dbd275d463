"""The whole project's static picture: its Django apps, its settings, the import graph of
its modules, and which modules Django imports when it starts.

Receivers connect when the module that defines them is imported, and nothing imports a
module by magic: Django imports each installed app's package, its ``models`` and ``apps``
modules and runs ``AppConfig.ready()``; ``django.contrib.admin`` imports every app's
``admin`` module; the settings module and the root URLconf are imported by name. What
those import, and what that imports, is loaded too. A module with module-level receivers
that nothing reaches this way never has them connected.

The picture is built from facts only (see :class:`~signallint.facts.Wiring`), and every
doubt is resolved towards "reachable": an import seen in a string or a comment, an
import inside a function that may never run, a module named by any quoted dotted string,
a dynamic import whose name is only partly known (``f"{app}.signals"`` reaches every
``*.signals``). A verdict of "never imported" therefore holds for every way the project
can start. Where the picture is incomplete (no project root, no settings module, a
module of a distributed package that other projects may import), the verdict is
"unknown" and rules stay silent.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from signallint import import_names, imports_scan, sys_path
from signallint.app_configs import AppConfigs, Choice, ConfigChooser
from signallint.bulk_writes import scan_bulk_overrides, scan_bulk_writes
from signallint.catalogue import NEWEST_VERSION, Version
from signallint.facts import (
    ClassFact,
    DynamicImport,
    DynamicImportKind,
    ImportFact,
    ModuleFacts,
    ProjectFacts,
    Wiring,
)
from signallint.layout import is_test_path

# Files that start a Django site; their directory is on sys.path when they run.
LAUNCHERS = ("manage.py",)

# Django 4.1 stopped reading a package's ``default_app_config``.
DEFAULT_APP_CONFIG_REMOVED: Version = (4, 1)

# Modules that popular packages import from every installed app (their
# ``autodiscover_modules`` equivalents): a module of an app with one of these names is
# loaded at start-up whenever that package is installed.
AUTODISCOVERED = frozenset(
    {
        "admin",  # django.contrib.admin
        "tasks",  # Celery's autodiscover_tasks(), Huey, Dramatiq, django-q
        "wagtail_hooks",  # Wagtail
        "cms_plugins",  # django CMS
        "cms_toolbars",
        "cms_apps",
        "cms_menus",
        "cms_wizards",
        "cms_config",
        "translation",  # django-modeltranslation
        "search_indexes",  # django-haystack
        "rules",  # django-rules
        "dynamic_preferences_registry",  # django-dynamic-preferences
        "autocomplete_light_registry",  # django-autocomplete-light
        "jobs",  # django-extensions
    }
)
# Per-app directories Django itself imports: template tag libraries when the template
# engine starts, management commands when they run, migrations when they are loaded.
_APP_SUBPACKAGES = ("templatetags", "management", "migrations")
# Modules a Django site loads by convention whatever names them.
_CONVENTIONAL_ROOTS = frozenset({"settings", "urls", "wsgi", "asgi", "celery"})


# -- files and names ---------------------------------------------------------------


def add_scan(
    facts: ModuleFacts, data: bytes, package: str | None, *, import_graph: bool = True
) -> ModuleFacts:
    """``facts`` with what the text scanner reads from ``data``: for a module that was not
    parsed, its imports; for every module, the quoted dotted names and settings hints.
    Without ``import_graph`` (a run without a project root), only the settings hints."""
    scanned = imports_scan.scan(data, facts.module, import_graph=import_graph)
    bulk = scan_bulk_writes(data) if import_graph else ()
    overrides = scan_bulk_overrides(data) if import_graph else ()
    path_entries = sys_path.scan(data) if import_graph else ()
    if facts.wiring is None:
        # Not parsed (most files): made in one go, which costs half of two replace()s.
        imports = tuple(i for i in (_absolute(s, package) for s in scanned.imports) if i)
        dynamic = tuple(
            DynamicImport(
                DynamicImportKind(imports_scan.DYNAMIC_IMPORT_KINDS[d.callee]),
                d.names,
                None,
                scanned.hints,
            )
            for d in scanned.dynamic_imports
        )
        wiring = Wiring(
            scanned=True,
            imports=imports,
            strings=scanned.strings,
            dynamic_imports=dynamic,
            assigns_installed_apps=scanned.assigns_installed_apps,
            settings_modules=scanned.settings_modules,
            is_script=scanned.is_script,
            import_graph=import_graph,
            exports=scanned.exports,
            bulk_writes=bulk,
            bulk_overrides=overrides,
            sys_path=path_entries,
        )
    else:
        wiring = replace(
            facts.wiring,
            strings=scanned.strings,
            assigns_installed_apps=scanned.assigns_installed_apps,
            settings_modules=scanned.settings_modules,
            is_script=scanned.is_script,
            import_graph=import_graph,
            exports=scanned.exports,
            bulk_writes=bulk,
            bulk_overrides=overrides,
            sys_path=path_entries,
        )
    return replace(facts, wiring=wiring)


def _absolute(scanned: imports_scan.ScannedImport, package: str | None) -> ImportFact | None:
    module = scanned.module
    if scanned.level:
        if package is None:
            return None
        parts = package.split(".")
        if scanned.level - 1 > len(parts):
            return None
        base = parts[: len(parts) - (scanned.level - 1)]
        module = ".".join([*base, module] if module else base)
    if not module:
        return None
    return ImportFact(
        module,
        scanned.names,
        scanned.is_from,
        renamed=scanned.renamed,
        level=scanned.level,
        unconditional=scanned.top,
    )


# -- the picture -------------------------------------------------------------------


class Status(str, Enum):
    CONNECTED = "yes"  # the module is imported when Django starts
    NEVER = "no"  # nothing Django loads, not even tests, imports it
    TESTS_ONLY = "tests-only"  # only test code imports it
    TESTS = "test-code"  # the module is test code itself
    UNKNOWN = "unknown"  # the picture is incomplete


@dataclass(frozen=True)
class Verdict:
    status: Status
    # Why, in a few words (for "unknown", and for the map).
    reason: str = ""
    # For NEVER/TESTS_ONLY: paths of the modules that import this one.
    importers: tuple[str, ...] = ()
    # AppConfig classes whose methods import it, but which Django never uses.
    unused_configs: tuple[str, ...] = ()


@dataclass
class _Module:
    index: int
    facts: ModuleFacts
    wiring: Wiring
    path: str  # absolute, normalised
    names: set[str] = field(default_factory=set)


class Picture:
    """Apps, settings, import graph and reachability of one project's modules."""

    def __init__(self, project: ProjectFacts, version: Version = NEWEST_VERSION):
        # Before Django 4.1 a package's ``default_app_config`` picks its AppConfig.
        self.honours_default_app_config = version < DEFAULT_APP_CONFIG_REMOVED
        self.root = os.path.abspath(project.root) if project.root is not None else None
        self.distributed = project.distributed
        # A module whose imports were not read (facts without wiring, or collected for a
        # run without a root): anything may be imported, so no verdict can be "never".
        self.complete = all(
            facts.wiring is not None and facts.wiring.import_graph for facts in project.modules
        )
        self.modules: list[_Module] = []
        for facts in project.modules:
            if facts.wiring is not None:
                path = os.path.normpath(os.path.abspath(facts.path))
                self.modules.append(_Module(len(self.modules), facts, facts.wiring, path))
        self._by_path = {m.path: m.index for m in self.modules}
        self._sorted_paths = sorted(self._by_path)
        self._children_of: dict[str, list[int]] = {}
        for module in self.modules:
            parent = os.path.dirname(module.path)
            if os.path.basename(module.path) == "__init__.py":
                parent = os.path.dirname(parent)
            self._children_of.setdefault(parent, []).append(module.index)
        self._by_name: dict[str, list[int]] = {}
        self._match_cache: dict[str, list[int]] = {}
        self._launchers = sorted(
            os.path.dirname(m.path) for m in self.modules if os.path.basename(m.path) in LAUNCHERS
        )
        for module in self.modules:
            module.names.update(self._names_of(module))
            for name in sorted(module.names):
                self._by_name.setdefault(name, []).append(module.index)
        # Inside Django (its system check) the registry replaces the guesses below.
        self.runtime = project.runtime
        self.configs = ConfigChooser(self)
        self.settings = self._settings_modules()
        if self.runtime is not None:
            self.installed_apps = tuple(
                dict.fromkeys(
                    (*self.runtime.entries, *(used.package for used in self.runtime.configs))
                )
            )
        else:
            self.installed_apps = tuple(
                dict.fromkeys(
                    entry
                    for index in self.settings
                    if (apps := self.modules[index].wiring.installed_apps) is not None
                    for entry in apps.entries
                )
            )
        self.app_dirs = self._app_dirs()
        self.app_configs = {c.module: c for c in self.configs.app_configs()}
        # The AppConfigs Django never uses, by ``apps`` module: with no single candidate
        # all of them, and those ``default_app_config`` (before 4.1) did not name.
        self._unused_owners = {
            config.module: tuple(c.name for c in config.candidates if c is not config.chosen)
            for config in self.app_configs.values()
            if config.listed
            and not config.class_listed
            and (
                config.choice is Choice.PLAIN
                or (config.choice is Choice.ONE and config.by_default_app_config)
            )
        }
        self._edges: dict[int, set[int]] = {}

    # Reachability is the costly part, and a run without a project root never asks.
    @functools.cached_property
    def _all_roots(self) -> tuple[set[int], set[int]]:
        return self._roots()

    @functools.cached_property
    def reachable(self) -> set[int]:
        return self._walk(self._all_roots[0], set())

    @functools.cached_property
    def reachable_with_tests(self) -> set[int]:
        return self._walk(self._all_roots[1], set(self.reachable))

    @functools.cached_property
    def urlconfs(self) -> set[int]:
        """The ``urls`` modules: Django imports the root URLconf lazily, on the first
        request or when the system checks run (``check_url_config``), never in
        ``django.setup()``; the others are reached from it."""
        return {
            index
            for index in self._all_roots[0]
            if index not in self.settings
            and not self.modules[index].wiring.is_script
            and any(name.rsplit(".", 1)[-1] == "urls" for name in self.modules[index].names)
        }

    @functools.cached_property
    def reachable_at_setup(self) -> set[int]:
        """What every process that calls ``django.setup()`` imports: the start-up roots
        but the URLconfs. A quoted name of a URLconf (``ROOT_URLCONF = "mysite.urls"``)
        does not import it; an import statement or a dynamic import does."""
        urlconfs = self.urlconfs
        seen = set(self._all_roots[0] - urlconfs)
        queue = deque(sorted(seen))
        while queue:
            index = queue.popleft()
            targets = self.edges(index)
            if targets & urlconfs:
                module = self.modules[index]
                imported = set(self._compute_edges(module, strings=False))
                targets = targets - (urlconfs - imported)
            for target in targets:
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return seen

    @functools.cached_property
    def sites(self) -> list[import_names.Site]:
        """Each ``manage.py`` site in which some file can be imported under two names,
        with the names each module is imported under there (see ``import_names.py``)."""
        return import_names.sites(self)

    @functools.cached_property
    def _from_urlconfs(self) -> dict[int, int | None]:
        """Each module reached from the URLconfs, with the module that reaches it first,
        starting from those no other one includes (the root URLconf, usually)."""
        reached = self._walk(self.urlconfs, set())
        included = {t for i in reached for t in self.edges(i)} & self.urlconfs
        first: dict[int, int | None] = {}
        for seeds in (self.urlconfs - included, self.urlconfs):
            queue = deque(i for i in sorted(seeds) if i not in first)
            first.update(dict.fromkeys(queue))
            while queue:
                index = queue.popleft()
                for target in sorted(self.edges(index)):
                    if target not in first:
                        first[target] = index
                        queue.append(target)
        return first

    def urlconf_chain(self, path: str) -> tuple[str, ...] | None:
        """For a module Django imports at start-up only once a URLconf is loaded, the
        paths from that URLconf to it; None when ``django.setup()`` imports it, or when
        the verdict is not "connected" (unknown included)."""
        if self.verdict(path).status is not Status.CONNECTED:
            return None
        index = self._by_path[os.path.normpath(os.path.abspath(path))]
        if index in self.reachable_at_setup or index not in self._from_urlconfs:
            return None
        chain = [index]
        while (before := self._from_urlconfs[chain[-1]]) is not None:
            chain.append(before)
        return tuple(self.modules[i].facts.path for i in reversed(chain))

    # -- names -------------------------------------------------------------------

    def _names_of(self, module: _Module) -> Iterator[str]:
        """Every dotted name the module may be imported under.

        Its name from the ``__init__.py`` chain, its path relative to the project root
        and to each launcher's directory (namespace packages, sys.path set to the
        root), and every suffix of two or more components (sys.path tweaks such as
        adding ``apps/``): more names only make more imports match.
        """
        if module.facts.module:
            yield module.facts.module
        bases = [self.root] if self.root else []
        bases += [d for d in self._launchers if module.path.startswith(d + os.sep)]
        for base in bases:
            assert base is not None
            if not module.path.startswith(base + os.sep):
                continue
            parts = os.path.relpath(module.path, base).split(os.sep)
            parts[-1] = os.path.splitext(parts[-1])[0]
            if parts[-1] == "__init__":
                parts.pop()
            for start in range(len(parts)):
                suffix = parts[start:]
                if (start == 0 or len(suffix) >= 2) and all(p.isidentifier() for p in suffix):
                    yield ".".join(suffix)

    def is_test_code(self, path: str) -> bool:
        """Test code (``tests/``, ``test_*.py``, ``conftest.py``), relative to the root."""
        absolute = os.path.normpath(os.path.abspath(path))
        return is_test_path(os.path.relpath(absolute, self.root) if self.root else absolute)

    def index_of(self, path: str) -> int | None:
        return self._by_path.get(os.path.normpath(os.path.abspath(path)))

    def modules_named(self, name: str) -> list[int]:
        return self._by_name.get(name, [])

    def _prefixes_named(self, name: str) -> Iterator[int]:
        """The modules a dotted name and each of its prefixes name (``a``, ``a.b``, ...)."""
        parts = name.split(".")
        for end in range(1, len(parts) + 1):
            yield from self.modules_named(".".join(parts[:end]))

    @functools.cached_property
    def _all_names(self) -> Sequence[str]:
        return sorted(self._by_name)

    @functools.cached_property
    def _names_by_last(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for name in self._by_name:
            found.setdefault(name.rsplit(".", 1)[-1], []).append(name)
        return found

    def _matching(self, pattern: str) -> list[int]:
        """Modules whose name matches ``pattern`` (``*`` matches any text, dots too)."""
        if "*" not in pattern:
            return self.modules_named(pattern)
        if pattern in self._match_cache:
            return self._match_cache[pattern]
        head, tail = pattern.split("*", 1)[0], pattern.rsplit("*", 1)[-1]
        names: Iterable[str]
        if "." in tail and tail.rsplit(".", 1)[1]:
            names = self._names_by_last.get(tail.rsplit(".", 1)[1], [])
        elif head:
            start = bisect.bisect_left(self._all_names, head)
            end = bisect.bisect_left(self._all_names, head + "\U0010ffff")
            names = self._all_names[start:end]
        else:
            names = self._all_names
        regex = re.compile("^" + ".*".join(map(re.escape, pattern.split("*"))) + "$")
        found = [index for name in names if regex.match(name) for index in self._by_name[name]]
        self._match_cache[pattern] = found
        return found

    def _children(self, directory: str) -> list[int]:
        """Modules directly in a package directory (``x.py`` and ``x/__init__.py``)."""
        return self._children_of.get(directory, [])

    def _under(self, directory: str) -> Iterator[int]:
        """Every module below ``directory``."""
        prefix = directory + os.sep
        start = bisect.bisect_left(self._sorted_paths, prefix)
        for path in self._sorted_paths[start:]:
            if not path.startswith(prefix):
                return
            yield self._by_path[path]

    def module_at(self, *parts: str) -> int | None:
        return self._by_path.get(os.path.join(*parts))

    def _package_dir(self, module: _Module) -> str:
        return os.path.dirname(module.path)

    def _parents(self, module: _Module) -> Iterator[int]:
        """The ``__init__`` modules of the packages that hold ``module``."""
        directory = os.path.dirname(module.path)
        if os.path.basename(module.path) == "__init__.py":
            directory = os.path.dirname(directory)
        while True:
            found = self.module_at(directory, "__init__.py")
            if found is None:
                return
            yield found
            parent = os.path.dirname(directory)
            if parent == directory:
                return
            directory = parent

    # -- settings and apps ---------------------------------------------------------

    def _settings_modules(self) -> list[int]:
        named = {
            index
            for module in self.modules
            for name in module.wiring.settings_modules
            for index in self.modules_named(name)
        }
        if self.runtime is not None and self.runtime.settings_module:
            named.update(self.modules_named(self.runtime.settings_module))
        return sorted(named | {m.index for m in self.modules if m.wiring.assigns_installed_apps})

    def _app_dirs(self) -> dict[str, str]:
        """Directories of app packages (with ``__init__.py``), with the name each has in
        INSTALLED_APPS terms. Every package that looks like an app counts as installed:
        that can only make more modules reachable."""
        dirs: dict[str, str] = {}

        def add(directory: str) -> None:
            init = self.module_at(directory, "__init__.py")
            if init is None or directory in dirs:
                return
            names = sorted(self.modules[init].names, key=lambda n: (-n.count("."), n))
            canonical = self.modules[init].facts.module
            dirs[directory] = canonical or (names[0] if names else os.path.basename(directory))

        for module in self.modules:
            base = os.path.basename(module.path)
            directory = os.path.dirname(module.path)
            if base in ("apps.py", "models.py"):
                add(directory)
            elif base == "__init__.py" and os.path.basename(directory) in (
                "models",
                "migrations",
                "templatetags",
            ):
                add(os.path.dirname(directory))
        for entry in self.installed_apps:
            for index in self._prefixes_named(entry):
                module = self.modules[index]
                if os.path.basename(module.path) == "__init__.py":
                    add(os.path.dirname(module.path))
        for config in self.configs.classes.values():
            if config is not None and config.app_name:
                for index in self.modules_named(config.app_name):
                    if os.path.basename(self.modules[index].path) == "__init__.py":
                        add(os.path.dirname(self.modules[index].path))
        return dirs

    def app_dir_of(self, path: str) -> str | None:
        """The directory of the innermost app package holding ``path``."""
        directory = os.path.dirname(os.path.normpath(os.path.abspath(path)))
        while True:
            if directory in self.app_dirs:
                return directory
            parent = os.path.dirname(directory)
            if parent == directory or (self.root and not parent.startswith(self.root)):
                return None
            directory = parent

    def app_configs_of(self, package_init: str) -> AppConfigs | None:
        """The AppConfigs of the package whose ``__init__.py`` is ``package_init``."""
        directory = os.path.dirname(os.path.normpath(os.path.abspath(package_init)))
        index = self.module_at(directory, "apps.py")
        return self.app_configs.get(index) if index is not None else None

    def config_for(self, path: str) -> ClassFact | None:
        """The AppConfig Django uses for the app holding ``path``, when known."""
        directory = self.app_dir_of(path)
        index = self.module_at(directory, "apps.py") if directory else None
        config = self.app_configs.get(index) if index is not None else None
        return config.chosen if config is not None else None

    # -- reachability --------------------------------------------------------------

    def _roots(self) -> tuple[set[int], set[int]]:
        roots: set[int] = set(self.settings)
        tests: set[int] = set()
        for module in self.modules:
            directory = os.path.dirname(module.path)
            last = {name.rsplit(".", 1)[-1] for name in module.names}
            if self.is_test_code(module.path):
                tests.add(module.index)
            elif (
                module.wiring.is_script
                or self.module_at(directory, "__init__.py") is None
                or last & _CONVENTIONAL_ROOTS
            ):
                roots.add(module.index)
        for directory in self.app_dirs:
            for name in ("__init__", "apps", "models", *AUTODISCOVERED):
                for found in (
                    self.module_at(directory, f"{name}.py"),
                    self.module_at(directory, name, "__init__.py"),
                ):
                    if found is not None:
                        roots.add(found)
            for sub in _APP_SUBPACKAGES:
                roots.update(self._under(os.path.join(directory, sub)))
        return roots, tests

    def _walk(self, start: Iterable[int], seen: set[int]) -> set[int]:
        queue = deque(i for i in start if i not in seen)
        seen.update(queue)
        while queue:
            for target in self.edges(queue.popleft()):
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return seen

    def edges(self, index: int) -> set[int]:
        """The modules that importing module ``index`` imports."""
        if index not in self._edges:
            self._edges[index] = set(self._compute_edges(self.modules[index]))
            self._edges[index].discard(index)
        return self._edges[index]

    def _compute_edges(self, module: _Module, strings: bool = True) -> Iterator[int]:
        yield from self._parents(module)
        unused = self._unused_owners.get(module.index, ())
        for imported in module.wiring.imports:
            if imported.owner and imported.owner.split(".", 1)[0] in unused:
                continue  # in a method of an AppConfig Django never uses
            yield from self._import_targets(imported)
        for string in module.wiring.strings if strings else ():
            yield from self._prefixes_named(string)
        for dynamic in module.wiring.dynamic_imports:
            if dynamic.owner and dynamic.owner.split(".", 1)[0] in unused:
                continue
            for name in dynamic.names:
                if dynamic.kind.value == "autodiscover":
                    yield from self._autodiscovered(name)
                elif not name.replace("*", "").replace(".", ""):
                    # Nothing literal is known about the name: the modules under the
                    # caller's package, and any named by a string literal of its module.
                    yield from self._under(self._package_dir(module))
                    for hint in dynamic.hints:
                        yield from self.modules_named(hint)
                        yield from self._matching(f"*.{hint}")
                else:
                    yield from self._matching(name)
                    if dynamic.kind.value == "string" and "." in name:
                        yield from self._matching(name.rsplit(".", 1)[0])

    def _import_targets(self, imported: ImportFact) -> Iterator[int]:
        yield from self._prefixes_named(imported.module)
        if not imported.is_from:
            return
        for name in imported.names:
            if name == "*":
                for index in self.modules_named(imported.module):
                    module = self.modules[index]
                    if os.path.basename(module.path) == "__init__.py":
                        yield from self._children(os.path.dirname(module.path))
            else:
                yield from self.modules_named(f"{imported.module}.{name}")

    def _autodiscovered(self, name: str) -> Iterator[int]:
        for directory in self.app_dirs:
            if not name.replace("*", "").replace(".", ""):
                yield from self._children(directory)
            elif "*" in name:
                yield from self._matching(f"{self.app_dirs[directory]}.{name}")
            else:
                for found in (
                    self.module_at(directory, *name.split(".")[:-1], name.split(".")[-1] + ".py"),
                    self.module_at(directory, *name.split("."), "__init__.py"),
                ):
                    if found is not None:
                        yield found

    # -- verdicts ------------------------------------------------------------------

    def verdict(self, path: str) -> Verdict:
        """Whether the module at ``path`` is imported when Django starts."""
        index = self._by_path.get(os.path.normpath(os.path.abspath(path)))
        if self.root is None:
            return Verdict(Status.UNKNOWN, "no project root")
        if index is None:
            return Verdict(Status.UNKNOWN, "not part of the project")
        if not self.complete:
            return Verdict(Status.UNKNOWN, "some modules could not be read")
        module = self.modules[index]
        if self.is_test_code(module.path):
            return Verdict(Status.TESTS, "test code")
        if not self.settings:
            return Verdict(Status.UNKNOWN, "no settings module found")
        if module.path in self.distributed:
            return Verdict(Status.UNKNOWN, "part of a distributed package: its users may import it")
        if index in self.reachable:
            return Verdict(Status.CONNECTED)
        importers = tuple(
            sorted(
                self.modules[i].facts.path
                for i in range(len(self.modules))
                if i != index and index in self.edges(i)
            )
        )
        unused = tuple(
            sorted(
                f"{self.app_configs[apps].package}.apps.{name}"
                for apps, names in self._unused_owners.items()
                for imported in self.modules[apps].wiring.imports
                if imported.owner
                and (name := imported.owner.split(".", 1)[0]) in names
                and index in set(self._import_targets(imported))
            )
        )
        if index in self.reachable_with_tests:
            return Verdict(Status.TESTS_ONLY, "only tests import it", importers, unused)
        return Verdict(Status.NEVER, "nothing Django loads imports it", importers, unused)


_LAST: tuple[ProjectFacts, bool, Picture] | None = None


def picture_of(project: ProjectFacts, version: Version) -> Picture:
    """The picture of ``project`` on Django ``version``, built once per set of facts."""
    global _LAST
    honours = version < DEFAULT_APP_CONFIG_REMOVED
    if _LAST is None or _LAST[0] is not project or _LAST[1] != honours:
        _LAST = (project, honours, Picture(project, version))
    return _LAST[2]
