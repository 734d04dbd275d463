"""The flake8 plugin: a thin adapter from flake8's per-file call to the engine.

flake8 decides everything else: ``--select``/``--ignore``/``per-file-ignores``/``# noqa``.
So the plugin runs every module rule (default-off codes are added to flake8's default
ignore list) and applies no suppression of its own. Project rules are CLI-only.
"""

from __future__ import annotations

import argparse
import io
import os
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from signallint import __version__, engine, pipeline, sources
from signallint.catalogue import Version
from signallint.rules import Scope, all_rules
from signallint.settings import ConfigError, Settings, known_django_version, load_settings


def _django_version(text: str) -> Version:
    try:
        return known_django_version(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _as_bytes(text: str) -> bytes:
    """flake8 hands over decoded lines; encode them back as the file declares."""
    data = text.encode("utf-8", "surrogatepass")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data if encoding.startswith("utf-8") else text.encode(encoding, "replace")
    except (SyntaxError, LookupError):
        return data


def plugin_settings(base: Settings, version: Version | None = None) -> Settings:
    """Every module rule, default-off ones too: flake8's selection decides what is shown."""
    rules = all_rules()
    return replace(
        base,
        select=("SIG",),
        extend_select=tuple(r.code for r in rules if not r.default_enabled),
        ignore=tuple(r.code for r in rules if r.scope is Scope.PROJECT),
        per_file_ignores=(),
        django_version=version or base.django_version,
    )


class Plugin:
    name = "signallint"
    version = __version__
    settings = plugin_settings(Settings())

    def __init__(self, tree: object, filename: str, lines: Sequence[str]) -> None:
        # ``tree`` is accepted only so that flake8 runs the plugin once per file.
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--signallint-django-version",
            type=_django_version,
            metavar="X.Y",
            parse_from_config=True,
            help="Django version the project runs (default: django-version in "
            "[tool.signallint] of pyproject.toml, else the newest supported).",
        )
        manager.extend_default_ignore([r.code for r in all_rules() if not r.default_enabled])

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        # [tool.signallint] in pyproject.toml, if any, gives the defaults (flake8 cannot).
        try:
            base = load_settings(None, ".")
        except ConfigError as error:
            raise SystemExit(f"flake8: signallint: {error}") from None
        cls.settings = plugin_settings(base, options.signallint_django_version)

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        path = self.filename
        placed = os.path.isfile(path)
        package = sources.package_of(path) if placed else None
        module_name = sources.module_name_of(path) if placed else None
        data = _as_bytes("".join(self.lines))
        analysis = pipeline.analyse(path, data, package, module_name)
        for diagnostic in engine.run_rules([analysis], self.settings, suppress=False):
            text = f"{diagnostic.code} {diagnostic.message}"
            yield diagnostic.line, diagnostic.col, text, type(self)
