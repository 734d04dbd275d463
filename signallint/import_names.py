"""The names under which a Django process imports each project module.

Python keys its modules by name, not by file: a file reachable from two ``sys.path``
entries (``mysite/apps/billing/signals.py`` as ``billing.signals`` once settings adds
``mysite/apps`` to ``sys.path``, and as ``mysite.apps.billing.signals`` from the
project's directory) runs once for each name it is imported under, and everything it
does at import time happens twice: its receivers are new functions each time, so they
are connected, and run, twice. A relative import follows the name of the module that
holds it, so one import under the second name spreads it to what that module imports.

This module follows a process the way Python and Django run it, for each site (a
``manage.py`` that names its settings module): ``sys.path`` is the launcher's directory
plus the directories the project adds (see :mod:`signallint.sys_path`); Django imports
the settings, each installed app's package, ``apps`` and ``models`` modules, the
``admin`` modules when the admin autodiscovers them, runs ``ready()``, and the web
process imports the root URLconf and what it includes. Each module that runs imports
what the statements of its own body import. Unlike the reachability of
:mod:`signallint.project`, every doubt leaves a name out: an import inside a function,
an ``if`` or an ``except`` handler, a name two ``sys.path`` entries could both provide,
a dynamic import. What it finds is therefore imported that way whenever the site runs.

Only sites with two nested ``sys.path`` entries can import a file under two names; the
others cost nothing.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from signallint.facts import ImportFact

if TYPE_CHECKING:
    from signallint.project import Picture

# ``django.contrib.admin``'s AdminConfig imports every app's ``admin`` module in ready().
_ADMIN = "django.contrib.admin"


@dataclass(frozen=True)
class Origin:
    """Who imports a module under a name: the path of the importing module, or None
    when Django imports it itself (an INSTALLED_APPS entry)."""

    by: str | None
    how: str  # "import", "INSTALLED_APPS", "ready()", "admin autodiscovery", "URLconf"
    # Imported only once the URLconf is: by the web process (and the system checks),
    # not by ``django.setup()`` alone.
    through_urlconf: bool = False


@dataclass
class Site:
    """One way the project runs: a launcher, its ``sys.path`` and what it imports."""

    launcher: str
    settings: str
    roots: tuple[str, ...]
    # Module index → the names it is imported under, in the order they were reached.
    names: dict[int, dict[str, Origin]] = field(default_factory=dict)
    # (module index, name) pairs whose import fails loudly at runtime: they import a
    # module that defines models under a name outside every installed app (Django
    # raises RuntimeError), so nothing they connect stays connected silently.
    failing: set[tuple[int, str]] = field(default_factory=set)
    # The installed apps' packages, by the names Django imports them under.
    installed: list[str] = field(default_factory=list)

    def names_of(self, index: int) -> list[tuple[str, Origin]]:
        """The names module ``index`` is imported under (those that fail left out),
        a name inside an installed app's package first: the one Django uses."""
        found = [
            (name, origin)
            for name, origin in self.names.get(index, {}).items()
            if (index, name) not in self.failing
        ]
        return sorted(found, key=lambda item: not self.in_app(item[0]))

    def in_app(self, name: str) -> bool:
        return any(name == p or name.startswith(p + ".") for p in self.installed)


def sites(picture: Picture) -> list[Site]:
    """The sites of the project in which some file can have two names."""
    found = []
    for index, module in enumerate(picture.modules):
        if os.path.basename(module.path) != "manage.py":
            continue
        if picture.root and picture.is_test_code(module.path):
            continue
        settings = module.wiring.settings_modules[:1] or _only_settings(picture, module.path)
        if settings:
            site = _Simulation(picture, index, settings[0]).run()
            if site is not None:
                found.append(site)
    return found


def _only_settings(picture: Picture, launcher: str) -> tuple[str, ...]:
    """A launcher that does not name its settings module (the environment does): the
    one settings module below its directory, when there is exactly one."""
    directory = os.path.dirname(launcher)
    below = [
        os.path.relpath(picture.modules[index].path, directory)
        for index in picture.settings
        if picture.modules[index].path.startswith(directory + os.sep)
    ]
    if len(below) != 1:
        return ()
    parts = os.path.splitext(below[0])[0].split(os.sep)
    if parts[-1] == "__init__":
        parts.pop()
    return (".".join(parts),) if parts and all(p.isidentifier() for p in parts) else ()


def _nested(roots: Iterable[str]) -> bool:
    ordered = sorted(set(roots))
    return any(
        later.startswith(earlier.rstrip(os.sep) + os.sep)
        for position, earlier in enumerate(ordered)
        for later in ordered[position + 1 :]
    )


class _Simulation:
    def __init__(self, picture: Picture, launcher: int, settings: str):
        self.picture = picture
        self.launcher = launcher
        module = picture.modules[launcher]
        self.settings_name = settings
        self.base_roots = (os.path.dirname(module.path), *self._entries(launcher))
        # The web process's own launchers (wsgi.py, asgi.py) naming the same settings.
        for other in picture.modules:
            if (
                os.path.splitext(os.path.basename(other.path))[0] in ("wsgi", "asgi")
                and self.settings_name in other.wiring.settings_modules
            ):
                self.base_roots += self._entries(other.index)
        self._directories: set[str] | None = None

    def _entries(self, index: int) -> tuple[str, ...]:
        module = self.picture.modules[index]
        directory = os.path.dirname(module.path)
        return tuple(
            os.path.normpath(entry if entry.startswith("/") else os.path.join(directory, entry))
            for entry in module.wiring.sys_path
        )

    def run(self) -> Site | None:
        # Every entry any module adds: if none nests in another, no file has two names.
        everywhere = {
            entry for m in self.picture.modules for entry in self._entries(m.index)
        } | set(self.base_roots)
        if not _nested(everywhere):
            return None
        roots = tuple(dict.fromkeys(self.base_roots))
        for _ in range(3):  # modules that run may add entries: run again with them
            site = self._run(roots)
            added = tuple(
                dict.fromkeys((*roots, *(e for index in site.names for e in self._entries(index))))
            )
            if added == roots:
                return site if _nested(roots) else None
            roots = added
        return None

    # -- the file system, as the project's modules show it ---------------------------

    @property
    def directories(self) -> set[str]:
        if self._directories is None:
            found: set[str] = set()
            for module in self.picture.modules:
                directory = os.path.dirname(module.path)
                while directory not in found and os.path.dirname(directory) != directory:
                    found.add(directory)
                    directory = os.path.dirname(directory)
            self._directories = found
        return self._directories

    def resolve(self, roots: tuple[str, ...], name: str) -> int | None:
        """The module ``import name`` runs, when exactly one ``sys.path`` entry holds
        the top-level package or module (a name two entries hold depends on their
        order and on what is installed: unknown)."""
        parts = name.split(".")
        if not all(part.isidentifier() for part in parts) or parts[0] in sys.stdlib_module_names:
            return None
        homes = [
            root
            for root in roots
            if os.path.join(root, parts[0]) in self.directories
            or self.picture.module_at(root, parts[0] + ".py") is not None
        ]
        if len(homes) != 1:
            return None
        package = self.picture.module_at(homes[0], *parts, "__init__.py")
        if package is not None:
            return package
        *directory, last = parts
        return self.picture.module_at(homes[0], *directory, last + ".py")

    # -- the process --------------------------------------------------------------

    def _run(self, roots: tuple[str, ...]) -> Site:
        picture = self.picture
        self.roots = roots
        self.site = site = Site(picture.modules[self.launcher].path, self.settings_name, roots)
        self.queue: deque[tuple[int, str]] = deque()
        self.through_urlconf = False

        self.add(self.settings_name, Origin(None, "DJANGO_SETTINGS_MODULE"))
        self.drain()
        settings = sorted(self._settings_modules())
        entries = [
            entry
            for index in settings
            if (listed := picture.modules[index].wiring.installed_apps) is not None
            for entry in listed.entries
        ]
        listed_by = Origin(
            picture.modules[settings[0]].path if settings else None, "INSTALLED_APPS"
        )
        apps = [app for app in map(self._app, entries) if app is not None]
        site.installed.extend(app.package for app in apps)
        for app in apps:
            self.add(app.package, listed_by)
            if app.config_module is not None:
                self.add(app.config_module, listed_by)
            if self.resolve(roots, f"{app.package}.models") is not None:
                self.add(f"{app.package}.models", listed_by)
        self.drain()
        for app in apps:
            index = self.resolve(roots, app.config_module) if app.config_module else None
            if index is not None and app.config is not None:
                assert app.config_module is not None
                origin = Origin(picture.modules[index].path, "ready()")
                for imported in picture.modules[index].wiring.imports:
                    if imported.unconditional and imported.owner == f"{app.config}.ready":
                        self._follow(imported, index, app.config_module, origin)
            if _ADMIN in entries and self.resolve(roots, f"{app.package}.admin") is not None:
                self.add(f"{app.package}.admin", Origin(None, "admin autodiscovery"))
        self.drain()
        # The web process: the URLconfs the settings name, and those they include.
        self.through_urlconf = True
        read: set[int] = set()
        while True:
            readers = [
                index
                for index in list(site.names)
                if index not in read and (index in settings or self._is_urlconf(index))
            ]
            if not readers:
                break
            read.update(readers)
            for index in readers:
                for string in picture.modules[index].wiring.strings:
                    target = self.resolve(roots, string)
                    if target is not None and self._is_urlconf(target):
                        self.add(string, Origin(picture.modules[index].path, "URLconf"))
            self.drain()
        return site

    def add(self, name: str, origin: Origin, importer: tuple[int, str] | None = None) -> bool:
        """Import ``name``, its packages first; False when it cannot be found or fails."""
        parts = name.split(".")
        target = None
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            target = self.resolve(self.roots, prefix)
            if target is None:
                continue
            if self._defines_models(target) and not self.site.in_app(prefix):
                # Django raises RuntimeError: loud, not a silent second connection.
                if importer is not None:
                    self.site.failing.add(importer)
                return False
            names = self.site.names.setdefault(target, {})
            if prefix not in names:
                names[prefix] = replace(origin, through_urlconf=self.through_urlconf)
                self.queue.append((target, prefix))
        return target is not None

    def drain(self) -> None:
        while self.queue:
            index, name = self.queue.popleft()
            module = self.picture.modules[index]
            origin = Origin(module.path, "import")
            for imported in module.wiring.imports:
                if imported.unconditional and imported.owner is None:
                    self._follow(imported, index, name, origin)

    def _follow(self, imported: ImportFact, index: int, name: str, origin: Origin) -> None:
        target = self._target(imported, index, name)
        if target is None:
            return
        importer = (index, name)
        if not self.add(target, origin, importer) or not imported.is_from:
            return
        for member in imported.names:
            submodule = f"{target}.{member}"
            if member != "*" and self.resolve(self.roots, submodule) is not None:
                self.add(submodule, origin, importer)

    def _settings_modules(self) -> set[int]:
        return {
            index
            for index in self.site.names
            if self.picture.modules[index].wiring.installed_apps is not None
        }

    def _app(self, entry: str) -> _App | None:
        """What Django imports for an INSTALLED_APPS entry (``AppConfig.create()``)."""
        index = self.resolve(self.roots, entry)
        picture = self.picture
        if index is not None and os.path.basename(picture.modules[index].path) == "__init__.py":
            config_module = f"{entry}.apps"
            apps_index = self.resolve(self.roots, config_module)
            if apps_index is None:
                return _App(entry, None, None)
            configs = picture.app_configs.get(apps_index)
            chosen = configs.chosen if configs is not None else None
            if chosen is None:
                return _App(entry, config_module, None)
            return _App(chosen.app_name or entry, config_module, chosen.name)
        module, _, name = entry.rpartition(".")
        index = self.resolve(self.roots, module) if module else None
        if index is None:
            return None
        classes = [c for c in picture.modules[index].wiring.classes if c.name == name]
        if len(classes) != 1 or classes[0].app_name is None:
            return None
        return _App(classes[0].app_name, module, name)

    def _is_urlconf(self, index: int) -> bool:
        return os.path.basename(self.picture.modules[index].path) == "urls.py"

    def _defines_models(self, index: int) -> bool:
        module = self.picture.modules[index]
        if "models" in (
            os.path.splitext(os.path.basename(module.path))[0],
            os.path.basename(os.path.dirname(module.path)),
        ):
            return True
        return any(not model.abstract for model in module.facts.model_classes)

    def _target(self, imported: ImportFact, index: int, name: str) -> str | None:
        """The absolute module name of ``imported`` in the module ``index`` imported as
        ``name``: a relative import is placed with that name's package."""
        if not imported.level:
            return imported.module
        facts = self.picture.modules[index].facts
        is_package = os.path.basename(facts.path) == "__init__.py"
        if facts.module is None:
            return None
        written = _relative_part(facts.module, is_package, imported)
        if written is None:
            return None
        package = name if is_package else name.rpartition(".")[0]
        parts = package.split(".") if package else []
        if imported.level - 1 >= len(parts):
            return None
        base = parts[: len(parts) - (imported.level - 1)]
        return ".".join([*base, written] if written else base)


def _relative_part(canonical: str, is_package: bool, imported: ImportFact) -> str | None:
    """What a relative import spells after its dots (``x.y`` in ``from ..x.y import
    z``), recovered from the absolute name the facts place it at."""
    package = canonical if is_package else canonical.rpartition(".")[0]
    parts = package.split(".") if package else []
    if imported.level - 1 > len(parts):
        return None
    base = ".".join(parts[: len(parts) - (imported.level - 1)])
    if imported.module == base:
        return ""
    if base and imported.module.startswith(base + "."):
        return imported.module[len(base) + 1 :]
    if not base:
        return imported.module
    return None


@dataclass(frozen=True)
class _App:
    package: str  # the app's name: Django imports it and its ``models``
    config_module: str | None  # the module holding its AppConfig
    config: str | None  # the AppConfig class Django uses, when known
