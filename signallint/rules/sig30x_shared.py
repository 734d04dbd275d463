"""What the whole-project rules (SIG301 to SIG305) and the signal map share: which
connections a module makes when it is imported, and how their messages name files, say
who imports a module and where to import it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import Enum

from signallint.app_configs import Choice, second_name
from signallint.context import RuleContext
from signallint.facts import Connection, ConnectionStyle, ModuleFacts, ProjectFacts, Span
from signallint.layout import is_test_path
from signallint.project import Picture, Status, Verdict


def display(picture: Picture, path: str) -> str:
    """``path`` relative to the project root, with ``/``: how messages name files."""
    absolute = os.path.normpath(os.path.abspath(path))
    if picture.root and absolute.startswith(picture.root + os.sep):
        return os.path.relpath(absolute, picture.root).replace(os.sep, "/")
    return os.path.normpath(path).replace(os.sep, "/")


def where_to_import(picture: Picture, path: str, verdict: Verdict | None = None) -> str:
    """How to get the module at ``path`` imported: the ready() of its app's config."""
    if verdict is not None and verdict.unused_configs:
        unused = verdict.unused_configs[0]
        chosen = _chosen_by_default_app_config(picture, unused)
        if chosen is not None:
            return f"name `{unused}` in `default_app_config`, or import it in `{chosen}.ready()`"
        for configs in picture.app_configs.values():
            alias = second_name(configs)
            if alias is not None and unused == f"{configs.package}.apps.{alias[1].name}":
                return f"delete `{alias[0]}`, a second name for `{alias[1].name}`"
        return f"set `default = True` on `{unused.rsplit('.', 1)[1]}`"
    config = picture.config_for(path)
    if config is not None:
        return f"import it in `{config.name}.ready()`"
    if picture.app_dir_of(path) is not None:
        return "import it in the `ready()` method of its app's AppConfig"
    return "import it in an `AppConfig.ready()`"


def _chosen_by_default_app_config(picture: Picture, unused: str) -> str | None:
    """The config that ``default_app_config`` picks instead of ``unused``
    (``pkg.apps.Name``), before Django 4.1; None when discovery decided."""
    for configs in picture.app_configs.values():
        if (
            configs.by_default_app_config
            and configs.chosen is not None
            and unused.rsplit(".", 1)[1] in {c.name for c in configs.candidates}
            and unused.startswith(f"{configs.package}.apps.")
        ):
            return configs.chosen.name
    return None


def signals_connected(connection: Connection, context: RuleContext) -> list[str]:
    """The qualified names of the signals a connection connects to.

    Known signals (Django's, declared in settings, the project's own ``Signal()``s), and
    a name that is not known only when it plainly is a signal: connected with
    ``@receiver``, or imported from a module called ``signals`` or ``dispatch``. Any
    ``x.connect(...)`` is collected as a possible connection; ``sqlite3.connect("db")``
    is not one.
    """
    found = []
    for use in connection.signals:
        spec = context.signal_of(use, meant=False)  # the names as the code spells them
        if spec is not None:
            found.append(f"{spec.module}.{spec.name}")
        elif len(use.candidates) == 1:
            name = next(iter(use.candidates))
            modules = name.split(".")[:-1]
            if connection.style is ConnectionStyle.DECORATOR or any(
                part.endswith("signals") or part == "dispatch" for part in modules
            ):
                found.append(name)
    return found


def module_level_connections(
    project: ProjectFacts, context: RuleContext
) -> Iterator[tuple[ModuleFacts, Connection]]:
    """Signal connections that happen when their module is imported (module level or a
    class body)."""
    for facts in project.modules:
        for connection in facts.connections:
            if (
                connection.at_module_level
                and connection.style is not ConnectionStyle.DISCONNECT
                and signals_connected(connection, context)
            ):
                yield facts, connection


def why_not_imported(picture: Picture, path: str, verdict: Verdict) -> str:
    """The middle of a SIG301/SIG302 message: who imports the module, if anyone."""
    shown = display(picture, path)
    if verdict.unused_configs:
        config = verdict.unused_configs[0].rsplit(".", 1)[1]
        chosen = _chosen_by_default_app_config(picture, verdict.unused_configs[0])
        if chosen is not None:
            return (
                f"only `{config}` imports `{shown}`, and Django uses `{chosen}`, which "
                "`default_app_config` names"
            )
        return f"only `{config}` imports `{shown}`, and Django does not use `{config}` (see SIG303)"
    importers = [display(picture, p) for p in verdict.importers]
    if verdict.status is Status.TESTS_ONLY:
        tests = [p for p in importers if is_test_path(p)] or importers
        return f"only tests import `{shown}` (`{tests[0]}`{', ...' if len(tests) > 1 else ''})"
    if not importers:
        return f"nothing imports `{shown}`"
    listed = ", ".join(f"`{p}`" for p in importers[:2]) + (", ..." if len(importers) > 2 else "")
    return f"`{shown}` is imported only by {listed}, which Django never loads either"


class AppConfigLine(str, Enum):
    """What a package's ``default_app_config`` line does on the target version."""

    # It names the config Django uses anyway (or INSTALLED_APPS names a class, which
    # Django then uses without reading the line): removing it changes nothing.
    REDUNDANT = "redundant"
    # Django 4.1+ ignores it and uses another config than the one it names:
    ELSEWHERE = "elsewhere"  # the named class is not in the ``apps`` module
    NOT_CHOSEN = "not-chosen"  # discovery picks another subclass
    PLAIN = "plain"  # discovery finds no single subclass: a plain AppConfig
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AppConfigLineJudgement:
    effect: AppConfigLine
    name: str = ""  # the class the line names
    value: str = ""  # the whole dotted path
    apps: str = ""  # the app's ``apps`` module, as messages show it
    chosen: str = ""  # the class Django uses instead
    app: str = ""  # the package, as INSTALLED_APPS names it


def default_app_config_lines(
    picture: Picture, project: ProjectFacts
) -> Iterator[tuple[ModuleFacts, Span, AppConfigLineJudgement]]:
    """Every ``default_app_config = "..."`` of a package's ``__init__.py``: its module,
    where it stands, and what it does on the picture's target."""
    for facts in project.modules:
        wiring = facts.wiring
        if wiring is None or wiring.default_app_config is None:
            continue
        if os.path.basename(facts.path) == "__init__.py":
            setting = wiring.default_app_config
            yield facts, setting.span, judge_default_app_config(picture, facts, setting.value)


def judge_default_app_config(
    picture: Picture, facts: ModuleFacts, value: str | None
) -> AppConfigLineJudgement:
    """What the ``default_app_config = value`` line of the ``__init__.py`` at
    ``facts.path`` does, given the AppConfig Django picks for its package."""
    unknown = AppConfigLineJudgement(AppConfigLine.UNKNOWN)
    if not value or "." not in value:
        return unknown
    if value in picture.installed_apps:
        return AppConfigLineJudgement(AppConfigLine.REDUNDANT)
    config = picture.app_configs_of(facts.path)
    module, _, name = value.rpartition(".")
    if config is None:
        return _without_apps_module(picture, facts, value)
    if not config.listed or config.class_listed:
        return unknown
    found = AppConfigLineJudgement(
        AppConfigLine.UNKNOWN,
        name=name,
        value=value,
        apps=display(picture, picture.modules[config.module].facts.path),
        app=config.package,
    )
    if config.by_default_app_config:  # Django before 4.1 follows the line
        same = config.choice is Choice.ONE and config.discovered == config.chosen
        return replace(found, effect=AppConfigLine.REDUNDANT if same else AppConfigLine.UNKNOWN)
    if config.module not in picture.modules_named(module):
        if not picture.modules_named(module):
            # A module the project does not have (an app's old name, another package):
            # what it holds, and whether it was meant for this app, is unknown.
            return unknown
        return replace(found, effect=AppConfigLine.ELSEWHERE)
    if config.choice is Choice.PLAIN and any(n == name for n, _ in config.names):
        return replace(found, effect=AppConfigLine.PLAIN)
    if config.choice is Choice.ONE and config.chosen is not None:
        if config.chosen.name != name:
            return replace(found, effect=AppConfigLine.NOT_CHOSEN, chosen=config.chosen.name)
        return replace(found, effect=AppConfigLine.REDUNDANT)
    return found


def _without_apps_module(
    picture: Picture, facts: ModuleFacts, value: str
) -> AppConfigLineJudgement:
    """An app package with no ``apps`` module: from Django 4.1 it gets a plain
    AppConfig, so a config class the line names elsewhere in the project is unused."""
    directory = os.path.dirname(os.path.normpath(os.path.abspath(facts.path)))
    init = picture.module_at(directory, "__init__.py")
    if init is None or picture.honours_default_app_config:
        return AppConfigLineJudgement(AppConfigLine.UNKNOWN)
    names = picture.modules[init].names
    listed = [
        entry
        for entry in picture.installed_apps
        if entry in names and len(picture.modules_named(entry)) == 1
    ]
    named = picture.configs.classes.get(value)
    if not listed or named is None or picture.configs.is_app_config(value, init) is not True:
        return AppConfigLineJudgement(AppConfigLine.UNKNOWN)
    return AppConfigLineJudgement(
        AppConfigLine.ELSEWHERE,
        name=named.name,
        value=value,
        apps=display(picture, os.path.join(directory, "apps.py")),
        app=listed[0],
    )
