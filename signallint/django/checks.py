"""The system check: signallint's diagnostics as Django check messages.

A thin shell over the engine, as the command line is. What only the running Django knows
replaces what the static analysis guesses: the settings module, INSTALLED_APPS, the
AppConfig each app got (so which ``ready()`` ran), and the Django version. The files are
still read as text, through the facts cache the command line uses, so a warm cache makes
the check cheap; nothing of the project is imported by it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from signallint.catalogue import Version
from signallint.diagnostics import Diagnostic
from signallint.facts import RuntimeApps, RuntimeConfig

# The message of a check that could not run: a warning, so that a bug of ours or a bad
# [tool.signallint] never stops ``runserver`` or ``migrate``.
FAILED = "signallint.W001"


def check_signals(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """The check Django runs: one message per diagnostic, for the given apps (all of the
    project's when none are given)."""
    from django.core import checks  # type: ignore[import-untyped]

    try:
        diagnostics = project_diagnostics()
    except Exception as error:  # a failing check must not stop runserver or migrate
        return [
            checks.Warning(f"signallint could not check the project: {_one_line(error)}", id=FAILED)
        ]
    if app_configs is not None:
        diagnostics = [d for d in diagnostics if _in_apps(d.path, app_configs)]
    version = running_version()
    return [as_check_message(d, version) for d in diagnostics]


def _one_line(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    from signallint.settings import ConfigError

    return text if isinstance(error, ConfigError) else f"{type(error).__name__}: {text}"


def _in_apps(path: str, app_configs: Iterable[Any]) -> bool:
    absolute = os.path.abspath(path)
    return any(absolute.startswith(os.path.abspath(c.path) + os.sep) for c in app_configs)


def as_check_message(diagnostic: Diagnostic, version: Version) -> Any:
    """``path:line:col: (signallint.SIGNNN) what; HINT: the fix``: an error when the code
    raises on Django ``version``, else a warning."""
    from django.core import checks

    from signallint.rules import rule_by_code

    text, hint = _split_fix(diagnostic.message)
    found = rule_by_code(diagnostic.code)
    level = checks.Error if found is not None and found.raises_on(version) else checks.Warning
    where = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.col + 1}"  # 1-based, as printed
    return level(text, hint=hint, obj=where, id=f"signallint.{diagnostic.code}")


def running_version() -> Version:
    """The release of the catalogue to check the running Django as."""
    import django  # type: ignore[import-untyped]

    from signallint.settings import nearest_known

    return nearest_known(tuple(django.VERSION[:2]))[0]


def _split_fix(message: str) -> tuple[str, str | None]:
    """The finding and its fix: messages end in ``; what to do``."""
    finding, separator, fix = message.rpartition("; ")
    return (finding, fix) if separator else (message, None)


def project_diagnostics() -> list[Diagnostic]:
    """Every diagnostic of the running project, as ``signallint ROOT`` reports it but
    with the running Django's registry and version."""
    from django.conf import settings as django_settings  # type: ignore[import-untyped]

    from signallint import engine
    from signallint.cache import default_directory, wait_for_writes
    from signallint.settings import load_settings

    root = project_root(django_settings)
    settings = load_settings(None, root)
    settings = replace(
        settings,
        django_version=running_version(),
        django_version_source="the running Django",
        django_version_warning="",
        project_root=root,
        cache_dir=settings.cache_dir or default_directory(),
    )
    checked, others, found_root = engine.gather([root], settings, project=True)
    wait_for_writes()
    picture = engine.picture_of((*checked, *others), found_root, settings, runtime_apps())
    return engine.run_rules(checked, settings, others=others, root=found_root, picture=picture)


def project_root(django_settings: Any) -> str:
    """``BASE_DIR`` when the settings have one, else the directory that holds the settings
    module's top package (where ``manage.py`` usually is), else the current directory;
    relative to the current directory when below it, as the command line shows paths."""
    base = getattr(django_settings, "BASE_DIR", None)
    if isinstance(base, (str, os.PathLike)):
        return _shown(os.fspath(base))
    module = getattr(django_settings, "SETTINGS_MODULE", None)
    if not isinstance(module, str):
        return "."
    top = sys.modules.get(module.split(".", 1)[0])
    where = getattr(top, "__file__", None)
    if isinstance(where, str):
        package = os.path.dirname(os.path.abspath(where))
        return _shown(package if top is sys.modules.get(module) else os.path.dirname(package))
    return "."


def _shown(directory: str) -> str:
    relative = os.path.relpath(os.path.abspath(directory))
    return directory if relative.startswith("..") else relative


def runtime_apps() -> RuntimeApps:
    """The app registry, as plain data."""
    from django.apps import AppConfig, apps  # type: ignore[import-untyped]
    from django.conf import settings as django_settings

    module = getattr(django_settings, "SETTINGS_MODULE", None)
    return RuntimeApps(
        settings_module=module if isinstance(module, str) else None,
        entries=tuple(e for e in django_settings.INSTALLED_APPS if isinstance(e, str)),
        configs=tuple(
            RuntimeConfig(
                package=config.name,
                directory=os.path.abspath(config.path),
                config=f"{type(config).__module__}.{type(config).__qualname__}",
                plain=type(config) is AppConfig,
            )
            for config in apps.get_app_configs()
        ),
    )
