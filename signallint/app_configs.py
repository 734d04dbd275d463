"""Which AppConfig Django uses for each app package: ``AppConfig.create()``, read from
the classes of the project's ``apps`` modules.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING

from signallint.facts import ClassFact

if TYPE_CHECKING:
    from signallint.project import Picture

APP_CONFIG = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig"})
# Django's own AppConfig subclasses that set ``default`` (the others leave it unset).
_DJANGO_CONFIG_DEFAULTS = {"django.contrib.admin.apps.AdminConfig": True}
_DJANGO_CONFIG = re.compile(r"^django\.contrib\.[\w.]+\.apps\.\w+$")


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
    # The AppConfig subclasses it holds (each once); for SEVERAL_DEFAULTS, those that
    # set ``default = True``.
    candidates: tuple[ClassFact, ...]
    choice: Choice
    chosen: ClassFact | None = None
    # The app package is named in INSTALLED_APPS (so the choice above applies).
    listed: bool = False
    # INSTALLED_APPS names one of the candidates by its dotted path.
    class_listed: bool = False
    # The module's names for its candidates, as Django counts them: a class it holds
    # under two names (``Alias = ShopConfig``) is there twice. For SEVERAL_DEFAULTS,
    # those that set ``default = True``.
    names: tuple[tuple[str, ClassFact], ...] = ()
    # What discovery alone chose: ``chosen`` unless, before Django 4.1, the package's
    # ``default_app_config`` decided instead.
    discovered: ClassFact | None = None
    by_default_app_config: bool = False


class ConfigChooser:
    """The AppConfig subclasses of a project's app packages, and the one Django uses."""

    def __init__(self, picture: Picture):
        self._picture = picture
        # Classes by qualified name; None when several modules define one under the same
        # name (sites side by side in one repository), which makes it unknown.
        self.classes: dict[str, ClassFact | None] = {}
        for module in picture.modules:
            for fact in module.wiring.classes:
                known = self.classes.setdefault(fact.qualified_name, fact)
                if known is not None and known != fact:
                    self.classes[fact.qualified_name] = None

    def app_configs(self) -> Iterator[AppConfigs]:
        for directory, package in self._picture.app_dirs.items():
            index = self._picture.module_at(directory, "apps.py")
            if index is not None:
                yield self._choose(index, package)

    def _class(self, name: str, home: int) -> ClassFact | str | None:
        """The class ``name``: from module ``home`` when it defines it, else the one class
        of that name in the project; "ambiguous" when several modules define one."""
        for fact in self._picture.modules[home].wiring.classes:
            if fact.qualified_name == name:
                return fact
        if name in self.classes and self.classes[name] is None:
            return "ambiguous"
        return self.classes.get(name)

    def is_app_config(self, name: str, home: int) -> bool | None:
        """Whether the class ``name``, seen from module ``home``, is an AppConfig."""
        return self._config_status(name, home)

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
        found = self._discover(index, package)
        if self._picture.runtime is not None:
            return self._as_running(found)
        if found.choice is Choice.SEVERAL_DEFAULTS or not self._picture.honours_default_app_config:
            return found
        return self._follow_default_app_config(found)

    def _as_running(self, found: AppConfigs) -> AppConfigs:
        """``found`` with what the running Django did instead of what discovery guessed:
        whether INSTALLED_APPS names the package or a class, and which class it used."""
        runtime = self._picture.runtime
        assert runtime is not None
        directory = os.path.dirname(self._picture.modules[found.module].path)
        used = next(
            (u for u in runtime.configs if os.path.normpath(u.directory) == directory), None
        )
        if used is None:  # not installed: nothing of it runs
            return replace(found, listed=False, class_listed=False)
        listed = used.package in runtime.entries
        class_listed = not used.plain and used.config in runtime.entries
        if used.plain:
            return replace(
                found, choice=Choice.PLAIN, chosen=None, listed=listed, class_listed=class_listed
            )
        by_name = {f"{used.package}.apps.{name}": fact for name, fact in found.names}
        chosen = by_name.get(used.config) or next(
            (fact for fact in found.candidates if fact.qualified_name == used.config),
            None,
        )
        if chosen is None:
            known = self.classes.get(used.config)
            chosen = known if isinstance(known, ClassFact) else None
        choice = Choice.UNKNOWN if chosen is None else Choice.ONE
        return replace(
            found, choice=choice, chosen=chosen, listed=listed, class_listed=class_listed
        )

    def _follow_default_app_config(self, found: AppConfigs) -> AppConfigs:
        """Before Django 4.1 a package's ``default_app_config`` wins over discovery
        (which still runs, so several ``default = True`` still raise)."""
        init = self._package_init(found.module)
        setting = None if init is None else self._picture.modules[init].wiring.default_app_config
        if setting is None:
            return found
        named = setting.value
        by_name = {f"{found.package}.apps.{name}": fact for name, fact in found.names}
        chosen = by_name.get(named or "") or next(
            (fact for fact in found.candidates if fact.qualified_name == named), None
        )
        if chosen is None and named:
            known = self.classes.get(named)
            chosen = known if self._config_status(named, found.module) else None
        if chosen is None:
            return replace(found, choice=Choice.UNKNOWN, chosen=None, by_default_app_config=True)
        return replace(found, choice=Choice.ONE, chosen=chosen, by_default_app_config=True)

    def _discover(self, index: int, package: str) -> AppConfigs:
        """Django's automatic discovery in an ``apps`` module (3.2+)."""
        unknown = AppConfigs(index, package, (), Choice.UNKNOWN)
        named = self._named_configs(index)
        if named is None:
            return unknown
        classes = tuple(dict.fromkeys(fact for _, fact in named))
        defaults = {fact: self.default_of(fact.qualified_name, index) for fact in classes}
        if "unknown" in defaults.values():
            return replace(unknown, candidates=classes)
        names = self._package_names(index)
        # An entry that names several app packages (sites side by side in a repository,
        # each with its own "shop") cannot be told apart: not judged.
        listed = any(
            entry in names and len(self._picture.modules_named(entry)) == 1
            for entry in self._picture.installed_apps
        )
        class_paths = {fact.qualified_name for fact in classes} | {
            f"{package_name}.apps.{name}" for package_name in names for name, _ in named
        }
        class_listed = any(entry in class_paths for entry in self._picture.installed_apps)
        # Django counts names, not classes: a class under two names is two candidates.
        first = [(name, fact) for name, fact in named if defaults[fact] is not False]
        if len(first) == 1:
            chosen = first
        else:
            chosen = [(name, fact) for name, fact in first if defaults[fact] is True]
            if len(chosen) > 1:
                return AppConfigs(
                    index,
                    package,
                    tuple(dict.fromkeys(fact for _, fact in chosen)),
                    Choice.SEVERAL_DEFAULTS,
                    listed=listed,
                    class_listed=class_listed,
                    names=tuple(chosen),
                )
        if len(chosen) == 1:
            return AppConfigs(
                index,
                package,
                classes,
                Choice.ONE,
                chosen[0][1],
                listed,
                class_listed,
                named,
                discovered=chosen[0][1],
            )
        return AppConfigs(index, package, classes, Choice.PLAIN, None, listed, class_listed, named)

    def _named_configs(self, index: int) -> tuple[tuple[str, ClassFact], ...] | None:
        """The members of an ``apps`` module that are AppConfig subclasses, by name, as
        ``inspect.getmembers()`` lists them; None when some member may be one and it
        cannot be told which class it is."""
        members = self._picture.modules[index].wiring.members
        if members is None:
            return None  # a star import
        named = []
        for member in members:
            if member.target in APP_CONFIG:
                continue  # ``candidate is not cls``
            if member.target is None:
                return None
            status = self._config_status(member.target, index)
            if status is None or (status and member.conditional):
                return None
            if status:
                fact = self._class(member.target, index)
                if not isinstance(fact, ClassFact):
                    return None  # one of Django's own configs: rare, not judged
                named.append((member.name, fact))
        return tuple(named)

    def _package_init(self, apps_module: int) -> int | None:
        return self._picture.module_at(
            os.path.dirname(self._picture.modules[apps_module].path), "__init__.py"
        )

    def _package_names(self, apps_module: int) -> set[str]:
        """Every name the package holding an ``apps`` module may have."""
        init = self._package_init(apps_module)
        return self._picture.modules[init].names if init is not None else set()


def second_name(config: AppConfigs) -> tuple[str, ClassFact] | None:
    """A candidate the ``apps`` module holds under two names (``Alias = ShopConfig``):
    the other name, and the class."""
    first: dict[ClassFact, str] = {}
    for name, fact in config.names:
        if fact in first:
            return (first[fact] if name == fact.name else name), fact
        first[fact] = name
    return None
