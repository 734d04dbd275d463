"""The flake8 plugin: a thin adapter from flake8's per-file call to the engine.

flake8 decides everything else: ``--select``/``--ignore``/``per-file-ignores``/``# noqa``.
So the plugin runs every module rule (default-off codes are added to flake8's default
ignore list) and applies no suppression of its own. Project rules are CLI-only.

A module rule may need other files (the project's models, signals, re-exports), so each
file is checked against the project as the ``signallint`` command sees it for the paths
flake8 was given: gathered once per process, through the engine and its facts cache,
when flake8 hands the plugin its options (before it forks its workers, which inherit it).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import tokenize
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from signallint import __version__, engine, pipeline, sources
from signallint.cache import default_directory, wait_for_writes
from signallint.catalogue import Version
from signallint.diagnostics import Diagnostic
from signallint.pipeline import Analysis
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
        cache_dir=base.cache_dir or default_directory(),
        # flake8's own workers may not start processes of their own.
        jobs=1 if multiprocessing.current_process().daemon else base.jobs,
    )


@dataclass(frozen=True)
class Project:
    """The files of a flake8 run as ``signallint PATHS`` sees them: every file under the
    paths and the rest of their project, by real path, and the picture the rules get."""

    paths: tuple[str, ...]
    analyses: Mapping[str, Analysis]
    root: str | None
    picture: engine.Picture

    @classmethod
    def gather(cls, paths: Sequence[str], settings: Settings) -> Project:
        checked, others, root = engine.gather(paths, settings, project=True)
        wait_for_writes()
        every = (*checked, *others)
        analyses = {os.path.realpath(a.facts.path): a for a in every}
        return cls(tuple(paths), analyses, root, engine.picture_of(every, root, settings))

    def check(self, path: str, data: bytes, settings: Settings) -> list[Diagnostic]:
        """``path``'s diagnostics, its content being ``data`` as read from disk."""
        known = self.analyses.get(os.path.realpath(path))
        if known is not None:
            return engine.run_rules([known], settings, suppress=False, picture=self.picture)
        # A file flake8 checks but signallint leaves out (its excludes): checked with the
        # project's picture, which learns its facts only when they can count.
        placed = os.path.isfile(path)
        analysis = pipeline.analyse(
            path,
            data,
            sources.package_of(path) if placed else None,
            sources.module_name_of(path) if placed else None,
            project=True,
            import_graph=self.root is not None,
        )
        picture = self.picture
        if analysis.text is not None:
            picture = engine.picture_of((*self.analyses.values(), analysis), self.root, settings)
        return engine.run_rules([analysis], settings, suppress=False, picture=picture)


def check_stdin(
    path: str, data: bytes, paths: Sequence[str], settings: Settings
) -> list[Diagnostic]:
    """Standard input's diagnostics, as ``signallint - --stdin-filename PATH`` reports
    them: ``data`` replaces the file ``path`` in its project."""
    given = [path, *(p for p in paths if p != "-")]
    checked, others, root = engine.gather(given, settings, project=True, given={path: data})
    wait_for_writes()
    mine = [a for a in checked if a.facts.path == path]
    rest = [a for a in checked if a.facts.path != path]
    return engine.run_rules(mine, settings, suppress=False, others=(*rest, *others), root=root)


class Plugin:
    name = "signallint"
    version = __version__
    settings = plugin_settings(Settings())
    # The paths flake8 checks, what it calls standard input, and their project.
    paths: tuple[str, ...] = (".",)
    stdin_name: str | None = None
    _project: Project | None = None

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
        cls.paths = tuple(getattr(options, "filenames", None) or ["."])
        if "-" in cls.paths:
            cls.stdin_name = getattr(options, "stdin_display_name", None) or "stdin"
        cls._project = None
        if any(p != "-" for p in cls.paths):
            cls.project()  # now, so that the workers flake8 forks inherit it

    @classmethod
    def project(cls) -> Project:
        if cls._project is None:
            cls._project = Project.gather([p for p in cls.paths if p != "-"], cls.settings)
        return cls._project

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        data = _as_bytes("".join(self.lines))
        if self.filename == self.stdin_name:
            diagnostics = check_stdin(self.filename, data, self.paths, self.settings)
        else:
            diagnostics = self.project().check(self.filename, data, self.settings)
        for diagnostic in diagnostics:
            text = f"{diagnostic.code} {diagnostic.message}"
            yield diagnostic.line, diagnostic.col, text, type(self)
