"""Settings: the only place that reads ``[tool.signallint]`` and merges command-line overrides.

The core receives a frozen :class:`Settings` and never reads configuration itself.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from signallint import catalogue
from signallint.catalogue import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".env",
    "env",
    "__pypackages__",
    "build",
    "dist",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    ".eggs",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".signallint_cache",
)

OUTPUT_FORMATS = ("text", "json", "sarif", "github", "junit")


class ConfigError(Exception):
    """Unusable configuration: reported on one line, exit status 2."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("SIG",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    django_version: Version = catalogue.NEWEST_VERSION
    # Where ``django_version`` came from, for ``show-settings`` and the stderr notice.
    django_version_source: str = "default (newest supported)"
    output_format: str = "text"
    config_path: str | None = None
    project_root: str | None = None
    # Third-party or project signals declared in [tool.signallint.signals].
    declared_signals: tuple[catalogue.SignalSpec, ...] = ()
    # Where per-file facts are cached between runs (None: no cache), and how many
    # processes parse (None: one per core).
    cache_dir: str | None = None
    jobs: int | None = None

    @property
    def excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extend_exclude

    def with_overrides(self, **overrides: Any) -> Settings:
        given = {key: value for key, value in overrides.items() if value is not None}
        return replace(self, **given)


def known_code_prefix(prefix: str) -> bool:
    from signallint.rules import all_codes

    return prefix == "ALL" or any(code.startswith(prefix) for code in all_codes())


def _codes(where: str, value: object) -> tuple[str, ...]:
    """A list of rule codes or prefixes; ``where`` names the key (and its file)."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        example = ' such as ["SIG001"]' if isinstance(value, str) else ""
        raise ConfigError(f"{where} must be a list of rule codes{example}")
    return _known_codes(where, [item.strip().upper() for item in value])


def _known_codes(where: str, codes: list[str]) -> tuple[str, ...]:
    for code in codes:
        if not known_code_prefix(code):
            raise ConfigError(f"{where} names an unknown rule code: {code}")
    return tuple(codes)


def _strings(where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        example = ' such as ["legacy/"]' if isinstance(value, str) else ""
        raise ConfigError(f"{where} must be a list of strings{example}")
    return tuple(value)


def parse_codes(option: str, text: str | None) -> tuple[str, ...] | None:
    """A comma-separated code list from the command line (``--select SIG001,SIG1``).
    Naming no code at all is a mistake (``--select ""`` would turn every rule off)."""
    if text is None:
        return None
    codes = [part.upper() for part in text.replace(",", " ").split()]
    if not codes:
        raise ConfigError(f"`{option}` names no rule code (give codes such as SIG001,SIG2)")
    return _known_codes(f"`{option}`", codes)


def parse_django_version(text: str, origin: str) -> Version:
    try:
        version = catalogue.parse_version(text)
    except ValueError as error:
        raise ConfigError(f"{origin}: {error}") from None
    return version


KNOWN_KEYS = frozenset(
    {
        "select",
        "extend-select",
        "ignore",
        "per-file-ignores",
        "exclude",
        "extend-exclude",
        "django-version",
        "output-format",
        "signals",
        "cache-dir",
    }
)
SIGNAL_KEYS = frozenset({"kwargs", "optional-kwargs", "sender", "model-signal"})


def _declared_signals(origin: str, value: object) -> tuple[catalogue.SignalSpec, ...]:
    """``"pkg.module.name" = { kwargs = [...], optional-kwargs = [...], sender = "...",
    model-signal = false }`` entries of [tool.signallint.signals]."""
    if not isinstance(value, dict):
        raise ConfigError(
            f"{origin}: `signals` must be a table of qualified name = {{ kwargs = [...] }}"
        )
    specs = []
    for qualified, declaration in value.items():
        where = f"{origin}: signal `{qualified}`"
        module, _, name = qualified.rpartition(".")
        if not module or not all(part.isidentifier() for part in qualified.split(".")):
            raise ConfigError(
                f"{where}: the key must be a dotted path such as `myapp.signals.order_paid`"
            )
        if not isinstance(declaration, dict):
            raise ConfigError(f'{where}: must be a table such as {{ kwargs = ["order"] }}')
        unknown = sorted(set(declaration) - SIGNAL_KEYS)
        if unknown:
            raise ConfigError(f"{where}: unknown key `{unknown[0]}`")
        if "kwargs" not in declaration:
            raise ConfigError(f"{where}: `kwargs` is required (a list of keyword names)")
        always = _identifiers(f"{where}: `kwargs`", declaration["kwargs"])
        sometimes = _identifiers(
            f"{where}: `optional-kwargs`", declaration.get("optional-kwargs", [])
        )
        sender = declaration.get("sender", "")
        model_signal = declaration.get("model-signal", False)
        if not isinstance(sender, str) or not isinstance(model_signal, bool):
            raise ConfigError(f"{where}: `sender` must be a string and `model-signal` a boolean")
        kwargs = tuple(catalogue.Kwarg(k) for k in always) + tuple(
            catalogue.Kwarg(k, always=False) for k in sometimes
        )
        specs.append(
            catalogue.SignalSpec(
                name=name,
                module=module,
                kwargs=kwargs,
                sender=sender or "declared in [tool.signallint.signals]",
                model_signal=model_signal,
                note="declared in [tool.signallint.signals]",
            )
        )
    return tuple(specs)


def _identifiers(where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, str) and v.isidentifier() for v in value
    ):
        raise ConfigError(f"{where} must be a list of keyword names")
    return tuple(value)


def settings_from_table(table: Mapping[str, Any], config_path: str | None = None) -> Settings:
    """Build settings from a ``[tool.signallint]`` table; raise ConfigError on bad input."""
    origin = config_path or "[tool.signallint]"
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{origin}: unknown key `{unknown[0]}` in [tool.signallint]")
    settings = Settings(config_path=config_path)
    if config_path is not None:
        settings = replace(settings, project_root=os.path.dirname(config_path))
    changes: dict[str, Any] = {}

    def key(name: str) -> str:
        return f"{origin}: `{name}`"

    if "select" in table:
        changes["select"] = _codes(key("select"), table["select"])
    if "extend-select" in table:
        changes["extend_select"] = _codes(key("extend-select"), table["extend-select"])
    if "ignore" in table:
        changes["ignore"] = _codes(key("ignore"), table["ignore"])
    if "exclude" in table:
        changes["exclude"] = _strings(key("exclude"), table["exclude"])
    if "extend-exclude" in table:
        changes["extend_exclude"] = _strings(key("extend-exclude"), table["extend-exclude"])
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            raise ConfigError(f"{origin}: `per-file-ignores` must be a table of pattern = [codes]")
        changes["per_file_ignores"] = tuple(
            (pattern, _codes(key(f"per-file-ignores.{pattern}"), codes))
            for pattern, codes in value.items()
        )
    if "django-version" in table:
        value = table["django-version"]
        if not isinstance(value, str):
            raise ConfigError(f'{origin}: `django-version` must be a string such as "5.2"')
        changes["django_version"] = parse_django_version(value, origin)
        changes["django_version_source"] = f"django-version in {origin}"
    if "cache-dir" in table:
        value = table["cache-dir"]
        if not isinstance(value, str):
            raise ConfigError(f"{origin}: `cache-dir` must be a path (a string)")
        base = os.path.dirname(config_path) if config_path else "."
        changes["cache_dir"] = os.path.join(base, os.path.expanduser(value))
    if "signals" in table:
        changes["declared_signals"] = _declared_signals(origin, table["signals"])
    if "output-format" in table:
        value = table["output-format"]
        if value not in OUTPUT_FORMATS:
            raise ConfigError(
                f"{origin}: `output-format` must be one of {', '.join(OUTPUT_FORMATS)}"
            )
        changes["output_format"] = value
    return replace(settings, **changes)


def find_config(start: str) -> str | None:
    """The nearest ``pyproject.toml`` at or above ``start`` with a [tool.signallint] table."""
    directory = os.path.abspath(start)
    if os.path.isfile(directory):
        directory = os.path.dirname(directory)
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate) and "signallint" in _read_tool_tables(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _read_tool_tables(path: str) -> Mapping[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: cannot read: {_not_utf8(path)}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    tool = data.get("tool", {})
    return tool if isinstance(tool, dict) else {}


def _not_utf8(path: str) -> str:
    """Why a TOML file did not decode: TOML is UTF-8 only, and Windows PowerShell's
    ``>`` writes UTF-16."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(2)
    except OSError:
        start = b""
    if start in (b"\xff\xfe", b"\xfe\xff"):
        return "it is UTF-16, and TOML must be UTF-8; save it as UTF-8"
    return "it is not UTF-8 text, and TOML must be UTF-8; save it as UTF-8"


def load_settings(config_path: str | None = None, start: str = ".") -> Settings:
    """Settings from an explicit config file, or from the nearest pyproject.toml.

    Without a configured ``django-version``, the project's declared Django requirement
    decides (see :func:`detect_django_version`), else the newest supported version.
    """
    path = config_path or find_config(start)
    settings = Settings()
    if path is not None:
        table = _read_tool_tables(path).get("signallint", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.signallint] must be a table")
        settings = settings_from_table(table, os.path.abspath(path))
        if "django-version" in table:
            return settings
    detected = detect_django_version(os.path.dirname(path) if path else start)
    if detected is not None:
        version, origin = detected
        settings = replace(settings, django_version=version, django_version_source=origin)
    return settings


_REQUIREMENT = re.compile(
    r"^\s*django\s*(?:\[[^\]]*\])?\s*(?P<specifiers>[<>=!~][^;#]*)", re.IGNORECASE
)
_SPECIFIER = re.compile(r"(?P<op>~=|==|>=|<=|!=|>|<)\s*(?P<version>[0-9][0-9.*]*)")


def lowest_django_version(requirement: str) -> Version | None:
    """The oldest supported Django a requirement such as ``Django>=4.2,<6`` allows.

    None when the line is not a Django requirement with a version specifier (a bare
    ``django`` installs the newest release). Version-dependent rules must hold
    for every version a project supports, so the lowest one is the target.
    """
    match = _REQUIREMENT.match(requirement)
    if match is None:
        return None
    lowest, highest = catalogue.SUPPORTED_VERSIONS[0], catalogue.SUPPORTED_VERSIONS[-1]
    candidates = list(catalogue.SUPPORTED_VERSIONS)
    for spec in _SPECIFIER.finditer(match.group("specifiers") or ""):
        op, text = spec.group("op"), spec.group("version").rstrip(".*")
        parts = [int(p) for p in text.split(".") if p.isdigit()]
        if not parts:
            continue
        bound = (parts[0], parts[1] if len(parts) > 1 else 0)
        if op in ("==", "~="):
            candidates = (
                [v for v in candidates if v >= bound]
                if op == "~="
                else [v for v in candidates if v == bound]
            )
        elif op in (">=", ">"):
            candidates = [v for v in candidates if v >= bound]
        elif op == "<":
            exact = len(parts) <= 2 or all(p == 0 for p in parts[2:])
            candidates = [v for v in candidates if v < bound or (not exact and v == bound)]
        elif op == "<=":
            candidates = [v for v in candidates if v <= bound]
    if not candidates:
        # A requirement outside what the catalogue covers: the nearest version we know.
        bounds = [m.group("op") for m in _SPECIFIER.finditer(match.group("specifiers") or "")]
        return highest if any(op in (">=", ">", "~=", "==") for op in bounds) else lowest
    return candidates[0]


def detect_django_version(start: str) -> tuple[Version, str] | None:
    """The target version from the nearest project's declared Django requirement:
    ``[project].dependencies`` in pyproject.toml, else ``requirements*.txt``."""
    directory = os.path.abspath(start)
    if os.path.isfile(directory):
        directory = os.path.dirname(directory)
    while True:
        found = _requirement_in(directory)
        if found is not None:
            return found
        if any(
            os.path.exists(os.path.join(directory, marker)) for marker in (".git", "pyproject.toml")
        ):
            return None  # the project's root: nothing declared
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _requirement_in(directory: str) -> tuple[Version, str] | None:
    pyproject = os.path.join(directory, "pyproject.toml")
    if os.path.isfile(pyproject):
        try:
            with open(pyproject, "rb") as handle:
                project = tomllib.load(handle).get("project", {})
        except (OSError, tomllib.TOMLDecodeError):
            project = {}
        dependencies = project.get("dependencies", []) if isinstance(project, dict) else []
        for line in dependencies if isinstance(dependencies, list) else []:
            version = lowest_django_version(line) if isinstance(line, str) else None
            if version is not None:
                return version, f"detected from {line.strip()!r} in {pyproject}"
    try:
        names = sorted(
            n for n in os.listdir(directory) if n.startswith("requirements") and n.endswith(".txt")
        )
    except OSError:
        return None
    for name in names:
        path = os.path.join(directory, name)
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = handle.readlines()
        except OSError:
            continue
        for line in lines:
            version = lowest_django_version(line)
            if version is not None:
                return version, f"detected from {line.strip()!r} in {path}"
    return None


def rule_enabled(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """The most specific matching prefix decides; on a tie, ignore wins."""

    def best(prefixes: Iterable[str]) -> int:
        lengths = [
            0 if p == "ALL" else len(p) for p in prefixes if p == "ALL" or code.startswith(p)
        ]
        return max(lengths, default=-1)

    chosen = best(select)
    return chosen >= 0 and chosen > best(ignore)
