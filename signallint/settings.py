"""Settings: the only place that reads ``[tool.signallint]`` and merges command-line overrides.

The core receives a frozen :class:`Settings` and never reads configuration itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from signallint import catalogue, django_target
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
    # Why the target differs from the Django the project declares (outside the
    # catalogue), said once on stderr; "" when it does not.
    django_version_warning: str = ""
    output_format: str = "text"
    config_path: str | None = None
    project_root: str | None = None
    # Third-party or project signals declared in [tool.signallint.signals].
    declared_signals: tuple[catalogue.SignalSpec, ...] = ()
    # What SIG216 counts as a side effect: patterns of called names (fnmatch).
    side_effect_calls: tuple[str, ...] = catalogue.SIDE_EFFECT_CALLS
    # Where per-file facts are cached between runs (None: no cache), and how many
    # processes parse (None: one per core).
    cache_dir: str | None = None
    jobs: int | None = None

    @property
    def config_or_declaration(self) -> bool:
        """Whether the target comes from the project (its config or its requirements)."""
        return self.django_version_source != Settings.django_version_source

    @property
    def django_version_detected(self) -> bool:
        """Whether the target came from the Django the project locks or declares."""
        return self.django_version_source.startswith(django_target.SOURCE_PREFIXES)

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


def known_django_version(text: str) -> Version:
    """A target named by the user: one of the releases the catalogue knows, or ValueError."""
    version = catalogue.parse_version(text)
    if version not in catalogue.SUPPORTED_VERSIONS:
        raise ValueError(f"signallint knows Django {known_versions()}, not {text.strip()}")
    return version


def parse_django_version(text: str, origin: str) -> Version:
    try:
        return known_django_version(text)
    except ValueError as error:
        raise ConfigError(f"{origin}: {error}") from None


def known_versions() -> str:
    return ", ".join(catalogue.format_version(v) for v in catalogue.SUPPORTED_VERSIONS)


def nearest_known(version: Version) -> tuple[Version, str]:
    """The catalogue's release to check a declared ``version`` as, and why it differs
    ("" when it is known): the oldest or newest known, or the known release below."""
    known = catalogue.SUPPORTED_VERSIONS
    shown = catalogue.format_version
    if version in known:
        return version, ""
    if version < known[0]:
        return known[0], (
            f"Django {shown(version)} is older than the oldest Django signallint knows: "
            f"checking as {shown(known[0])}"
        )
    if version > known[-1]:
        return known[-1], (
            f"Django {shown(version)} is newer than the newest Django signallint knows: "
            f"checking as {shown(known[-1])}"
        )
    below = max(v for v in known if v < version)
    return below, (
        f"Django {shown(version)} is not a release signallint knows: checking as {shown(below)}"
    )


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
        "side-effect-calls",
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
    if "side-effect-calls" in table:
        changes["side_effect_calls"] = _strings(
            key("side-effect-calls"), table["side-effect-calls"]
        )
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

    Without a configured ``django-version``, the Django the project locks or declares
    decides (see :mod:`signallint.django_target`), else the newest supported version.
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
    declared = django_target.detect(os.path.dirname(path) if path else start)
    if declared is not None:
        version, warning = nearest_known(declared.version)
        settings = replace(
            settings,
            django_version=version,
            django_version_source=declared.source,
            django_version_warning=warning,
        )
    return settings


def rule_enabled(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """The most specific matching prefix decides; on a tie, ignore wins."""

    def best(prefixes: Iterable[str]) -> int:
        lengths = [
            0 if p == "ALL" else len(p) for p in prefixes if p == "ALL" or code.startswith(p)
        ]
        return max(lengths, default=-1)

    chosen = best(select)
    return chosen >= 0 and chosen > best(ignore)
