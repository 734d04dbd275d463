"""What the whole-project rules (SIG301 to SIG305) and the signal map share: which
connections a module makes when it is imported, and how their messages name files, say
who imports a module and where to import it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from signallint.app_configs import second_name
from signallint.context import RuleContext
from signallint.facts import Connection, ConnectionStyle, ModuleFacts, ProjectFacts
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
        return f"only `{config}` imports `{shown}`, and Django does not use `{config}` (see SIG303)"
    importers = [display(picture, p) for p in verdict.importers]
    if verdict.status is Status.TESTS_ONLY:
        tests = [p for p in importers if is_test_path(p)] or importers
        return f"only tests import `{shown}` (`{tests[0]}`{', ...' if len(tests) > 1 else ''})"
    if not importers:
        return f"nothing imports `{shown}`"
    listed = ", ".join(f"`{p}`" for p in importers[:2]) + (", ..." if len(importers) > 2 else "")
    return f"`{shown}` is imported only by {listed}, which Django never loads either"
