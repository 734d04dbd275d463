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

from signallint import imports_scan
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

APP_CONFIG = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig"})
# Django's own AppConfig subclasses that set ``default`` (the others leave it unset).
_DJANGO_CONFIG_DEFAULTS = {"django.contrib.admin.apps.AdminConfig": True}
_DJANGO_CONFIG = re.compile(r"^django\.contrib\.[\w.]+\.apps\.\w+$")


# -- files and names ---------------------------------------------------------------


def add_scan(
    facts: ModuleFacts, data: bytes, package: str | None, *, import_graph: bool = True
) -> ModuleFacts:
    """``facts`` with what the text scanner reads from ``data``: for a module that was not
    parsed, its imports; for every module, the quoted dotted names and settings hints.
    Without ``import_graph`` (a run without a project root), only the settings hints."""
    scanned = imports_scan.scan(data, facts.module, import_graph=import_graph)
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
        )
    else:
        wiring = replace(
            facts.wiring,
            strings=scanned.strings,
            assigns_installed_apps=scanned.assigns_installed_apps,
            settings_modules=scanned.settings_modules,
            is_script=scanned.is_script,
            import_graph=import_graph,
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
    return ImportFact(module, scanned.names, scanned.is_from)


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


class Choice(str, Enum):
    """Which AppConfig Django uses for an app package named in INSTALLED_APPS."""

    ONE = "one"
    PLAIN = "plain"  # several candidates and no default: the base AppConfig
    SEVERAL_DEFAULTS = "several-defaults"  # RuntimeError at start-up
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AppConfigs:
    """The AppConfig subclasses of one ``apps`` module and the one Django picks."""

    module: int
    package: str  # the app package, as INSTALLED_APPS would name it
    candidates: tuple[ClassFact, ...]
    choice: Choice
    chosen: ClassFact | None = None
    # The app package is named in INSTALLED_APPS (so the choice above applies).
    listed: bool = False
    # INSTALLED_APPS names one of the candidates by its dotted path.
    class_listed: bool = False


@dataclass
class _Module:
    index: int
    facts: ModuleFacts
    wiring: Wiring
    path: str  # absolute, normalised
    names: set[str] = field(default_factory=set)


class Picture:
    """Apps, settings, import graph and reachability of one project's modules."""

    def __init__(self, project: ProjectFacts):
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
        # Classes by qualified name; None when several modules define one under the same
        # name (sites side by side in one repository), which makes it unknown.
        self._classes: dict[str, ClassFact | None] = {}
        for module in self.modules:
            for fact in module.wiring.classes:
                known = self._classes.setdefault(fact.qualified_name, fact)
                if known is not None and known != fact:
                    self._classes[fact.qualified_name] = None
        self.settings = self._settings_modules()
        self.installed_apps = tuple(
            dict.fromkeys(
                entry
                for index in self.settings
                if (apps := self.modules[index].wiring.installed_apps) is not None
                for entry in apps.entries
            )
        )
        self.app_dirs = self._app_dirs()
        self.app_configs = {c.module: c for c in self._app_configs()}
        self._unused_owners = {
            config.module: tuple(c.name for c in config.candidates)
            for config in self.app_configs.values()
            if config.listed and config.choice is Choice.PLAIN and not config.class_listed
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

    def _file(self, *parts: str) -> int | None:
        return self._by_path.get(os.path.join(*parts))

    def _package_dir(self, module: _Module) -> str:
        return os.path.dirname(module.path)

    def _parents(self, module: _Module) -> Iterator[int]:
        """The ``__init__`` modules of the packages that hold ``module``."""
        directory = os.path.dirname(module.path)
        if os.path.basename(module.path) == "__init__.py":
            directory = os.path.dirname(directory)
        while True:
            found = self._file(directory, "__init__.py")
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
        return sorted(named | {m.index for m in self.modules if m.wiring.assigns_installed_apps})

    def _app_dirs(self) -> dict[str, str]:
        """Directories of app packages (with ``__init__.py``), with the name each has in
        INSTALLED_APPS terms. Every package that looks like an app counts as installed:
        that can only make more modules reachable."""
        dirs: dict[str, str] = {}

        def add(directory: str) -> None:
            init = self._file(directory, "__init__.py")
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
        for config in self._classes.values():
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

    def _app_configs(self) -> Iterator[AppConfigs]:
        for directory, package in self.app_dirs.items():
            index = self._file(directory, "apps.py")
            if index is not None:
                yield self._choose(index, package)

    def _class(self, name: str, home: int) -> ClassFact | str | None:
        """The class ``name``: from module ``home`` when it defines it, else the one class
        of that name in the project; "ambiguous" when several modules define one."""
        for fact in self.modules[home].wiring.classes:
            if fact.qualified_name == name:
                return fact
        if name in self._classes and self._classes[name] is None:
            return "ambiguous"
        return self._classes.get(name)

    def _config_status(
        self, name: str, home: int, seen: frozenset[str] = frozenset()
    ) -> bool | None:
        """Whether the class ``name`` is an AppConfig subclass; None when unknown."""
        if name in APP_CONFIG or _DJANGO_CONFIG.match(name):
            return True
        known = self._class(name, home)
        if known == "ambiguous" or name in seen:
            return None
        if not isinstance(known, ClassFact):
            # An outside class: judged by its name (third-party configs end in Config).
            return None if name.rsplit(".", 1)[-1].endswith("Config") else False
        statuses = [self._bases_status(bases, home, seen | {name}) for bases in known.bases]
        if any(s is True for s in statuses):
            return True
        return None if any(s is None for s in statuses) else False

    def _bases_status(
        self, candidates: frozenset[str], home: int, seen: frozenset[str]
    ) -> bool | None:
        if not candidates:
            return None
        statuses = {self._config_status(c, home, seen) for c in candidates}
        return statuses.pop() if len(statuses) == 1 else None

    def default_of(
        self, name: str, home: int, seen: frozenset[str] = frozenset()
    ) -> bool | str | None:
        """``getattr(cls, "default")``: True, False, None (unset) or "unknown"."""
        if name in _DJANGO_CONFIG_DEFAULTS:
            return _DJANGO_CONFIG_DEFAULTS[name]
        if name in APP_CONFIG or _DJANGO_CONFIG.match(name):
            return None
        known = self._class(name, home)
        if not isinstance(known, ClassFact) or name in seen or known.default_unknown:
            return "unknown"
        if known.default is not None:
            return known.default
        for bases in known.bases:  # the first base that sets it wins (single inheritance)
            if len(bases) != 1:
                return "unknown"
            inherited = self.default_of(next(iter(bases)), home, seen | {name})
            if inherited is not None:
                return inherited
        return None

    def _choose(self, index: int, package: str) -> AppConfigs:
        """Django's ``AppConfig.create()`` for an app package: which subclass it uses."""
        module = self.modules[index]
        unknown = AppConfigs(index, package, (), Choice.UNKNOWN)
        candidates: dict[str, ClassFact] = {}
        for fact in module.wiring.classes:
            status = self._config_status(fact.qualified_name, index)
            if status is None or (status and fact.conditional):
                return unknown
            if status:
                candidates[fact.qualified_name] = fact
        for imported in module.wiring.imports:
            if imported.owner is not None or not imported.is_from:
                continue
            for name in imported.names:
                if name == "*":
                    return unknown
                qualified = f"{imported.module}.{name}"
                if qualified in APP_CONFIG:
                    continue
                status = self._config_status(qualified, index)
                if status is None:
                    return unknown
                imported_class = self._class(qualified, index)
                if status and isinstance(imported_class, ClassFact):
                    candidates[qualified] = imported_class
                elif status:
                    return unknown  # a Django config imported here: rare, not judged
        names = self._package_names(index)
        # An entry that names several app packages (sites side by side in a repository,
        # each with its own "shop") cannot be told apart: not judged.
        listed = any(
            entry in names and len(self.modules_named(entry)) == 1 for entry in self.installed_apps
        )
        class_listed = any(
            entry == qualified or entry in {f"{name}.apps.{fact.name}" for name in names}
            for entry in self.installed_apps
            for qualified, fact in candidates.items()
        )
        defaults = {q: self.default_of(q, index) for q in candidates}
        if "unknown" in defaults.values():
            return replace(unknown, candidates=tuple(candidates.values()))
        first = [q for q in candidates if defaults[q] is not False]
        chosen: list[str]
        if len(first) == 1:
            chosen = first
        else:
            chosen = [q for q in first if defaults[q] is True]
            if len(chosen) > 1:
                return AppConfigs(
                    index,
                    package,
                    tuple(candidates[q] for q in chosen),
                    Choice.SEVERAL_DEFAULTS,
                    listed=listed,
                    class_listed=class_listed,
                )
        facts = tuple(candidates.values())
        if len(chosen) == 1:
            return AppConfigs(
                index, package, facts, Choice.ONE, candidates[chosen[0]], listed, class_listed
            )
        return AppConfigs(index, package, facts, Choice.PLAIN, None, listed, class_listed)

    def _package_names(self, apps_module: int) -> set[str]:
        """Every name the package holding an ``apps`` module may have."""
        init = self._file(os.path.dirname(self.modules[apps_module].path), "__init__.py")
        return self.modules[init].names if init is not None else set()

    def app_configs_of(self, package_init: str) -> AppConfigs | None:
        """The AppConfigs of the package whose ``__init__.py`` is ``package_init``."""
        directory = os.path.dirname(os.path.normpath(os.path.abspath(package_init)))
        index = self._file(directory, "apps.py")
        return self.app_configs.get(index) if index is not None else None

    def config_for(self, path: str) -> ClassFact | None:
        """The AppConfig Django uses for the app holding ``path``, when known."""
        directory = self.app_dir_of(path)
        index = self._file(directory, "apps.py") if directory else None
        config = self.app_configs.get(index) if index is not None else None
        return config.chosen if config is not None else None

    # -- reachability --------------------------------------------------------------

    def _roots(self) -> tuple[set[int], set[int]]:
        roots: set[int] = set(self.settings)
        tests: set[int] = set()
        for module in self.modules:
            directory = os.path.dirname(module.path)
            last = {name.rsplit(".", 1)[-1] for name in module.names}
            if is_test_path(os.path.relpath(module.path, self.root or "/")):
                tests.add(module.index)
            elif (
                module.wiring.is_script
                or self._file(directory, "__init__.py") is None
                or last & _CONVENTIONAL_ROOTS
            ):
                roots.add(module.index)
        for directory in self.app_dirs:
            for name in ("__init__", "apps", "models", *AUTODISCOVERED):
                for found in (
                    self._file(directory, f"{name}.py"),
                    self._file(directory, name, "__init__.py"),
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

    def _compute_edges(self, module: _Module) -> Iterator[int]:
        yield from self._parents(module)
        unused = self._unused_owners.get(module.index, ())
        for imported in module.wiring.imports:
            if imported.owner and imported.owner.split(".", 1)[0] in unused:
                continue  # in a method of an AppConfig Django never uses
            yield from self._import_targets(imported)
        for string in module.wiring.strings:
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
                    self._file(directory, *name.split(".")[:-1], name.split(".")[-1] + ".py"),
                    self._file(directory, *name.split("."), "__init__.py"),
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
        if is_test_path(os.path.relpath(module.path, self.root)):
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


_LAST: tuple[ProjectFacts, Picture] | None = None


def picture_of(project: ProjectFacts) -> Picture:
    """The picture of ``project``, built once per set of facts."""
    global _LAST
    if _LAST is None or _LAST[0] is not project:
        _LAST = (project, Picture(project))
    return _LAST[1]
