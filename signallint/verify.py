"""``signallint verify``: the static signal map against the running project's registry.

Unlike ``check``, this runs the project's code: its settings and every
``AppConfig.ready()`` (``django.setup()``), in a subprocess with the project's own
interpreter (see :mod:`signallint.verify_probe`), and nothing else. The probe reports
every live receiver of the signals signallint knows; :func:`compare` (pure, no disk)
sets them against the static map:

* SIG501: a receiver the source connects at start-up that is not live after it;
* SIG502: a live receiver of the project that the static map does not know;
* SIG503: a dead weak reference in a signal's registry;
* SIG504: a live receiver whose signature cannot take what the signal sends;
* SIG505: one function of the project live twice on a signal, from a module imported
  under two names (what SIG309 finds in the source).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from signallint import catalogue, engine, thirdparty
from signallint.catalogue import Version
from signallint.context import RuleContext
from signallint.diagnostics import Diagnostic
from signallint.facts import FILE_START, Connection, ConnectionStyle, ProjectFacts, Span
from signallint.layout import project_facts
from signallint.settings import Settings, rule_enabled
from signallint.signal_map import ReceiverEntry, SignalMap, map_of

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "verify_probe.py")
PROBE_TIMEOUT = 300

CODES = {
    "SIG501": "receiver-not-live",
    "SIG502": "receiver-unknown-statically",
    "SIG503": "dead-weak-reference",
    "SIG504": "live-signature-mismatch",
    "SIG505": "receiver-live-twice",
}

# What ``map --verify`` says of each receiver.
LIVE, DEAD, ABSENT = "live", "dead", "absent"


class VerifyError(Exception):
    """The project could not be started, or the probe could not run: one line."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # inspect.Parameter kinds: POSITIONAL_ONLY, ..., VAR_KEYWORD
    has_default: bool


@dataclass(frozen=True)
class LiveReceiver:
    signal: str
    dead: bool
    weak: bool
    dispatch_uid: str | None = None
    sender: str | None = None
    kind: str = ""
    module: str | None = None
    qualname: str | None = None
    path: str | None = None
    line: int | None = None
    end_line: int | None = None
    wrapped: bool = False
    parameters: tuple[Parameter, ...] | None = None
    wrapped_parameters: tuple[Parameter, ...] | None = None

    @property
    def qualified_name(self) -> str | None:
        if self.module is None or self.qualname is None:
            return None
        return f"{self.module}.{self.qualname}"


@dataclass(frozen=True)
class Registry:
    """What the probe read: the running Django version and the live receivers of every
    signal it found (the signals it did not find are not in ``signals``)."""

    django_version: Version
    signals: frozenset[str]
    receivers: tuple[LiveReceiver, ...]


@dataclass
class StaticView:
    """The static map of the project and what the comparison needs besides."""

    signal_map: SignalMap
    project: ProjectFacts
    context: RuleContext
    root: str
    # The static map's receivers, each with the connection it comes from.
    connections: dict[ReceiverEntry, Connection] = field(default_factory=dict)


# -- the static side -------------------------------------------------------------------


def static_view(path: str, settings: Settings) -> StaticView:
    """The map of the project under ``path``, from every file of the project."""
    analyses, others, root = engine.gather([path], settings, project=True)
    if root is None:
        root = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    project = project_facts(tuple(a.facts for a in (*analyses, *others)), root)
    context = RuleContext.for_project(project, settings.django_version, settings.declared_signals)
    shown = [a.facts for a in (*analyses, *others)]
    found = map_of(shown, project, context, root)
    found.files = len(analyses)
    found.problems = engine.problems_of(analyses, settings)
    connections = {}
    for facts in shown:
        for connection in facts.connections:
            connections[(facts.path, connection.span.line, connection.receiver_text or "?")] = (
                connection
            )
    view = StaticView(found, project, context, root)
    for signal in found.signals:
        for entry in signal.receivers:
            origin = connections.get((entry.path, entry.line, entry.receiver))
            if origin is not None:
                view.connections[entry] = origin
    return view


def settings_module(option: str | None, environ: Mapping[str, str], view: StaticView) -> str:
    """``--settings``, else ``DJANGO_SETTINGS_MODULE``, else what ``manage.py`` sets."""
    if option:
        return option
    if environ.get("DJANGO_SETTINGS_MODULE"):
        return environ["DJANGO_SETTINGS_MODULE"]
    manage = os.path.join(view.root, "manage.py")
    for module in view.project.modules:
        same = os.path.realpath(module.path) == os.path.realpath(manage)
        if same and module.wiring is not None and module.wiring.settings_modules:
            return module.wiring.settings_modules[0]
    raise VerifyError(
        "no settings module: pass --settings MODULE or set DJANGO_SETTINGS_MODULE"
        f" (no manage.py under {view.root} names one)"
    )


def project_python(root: str, option: str | None) -> str:
    """``--python``, else the project's ``.venv`` or ``venv`` interpreter, else this one."""
    if option:
        return option
    for venv in (".venv", "venv"):
        for candidate in ("bin/python", "Scripts/python.exe"):
            path = os.path.join(root, venv, candidate)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return path
    return sys.executable


def signals_to_read(view: StaticView) -> list[str]:
    """Every signal signallint knows: Django's (all releases: the probe skips those the
    running one lacks), third-party, declared, and the project's own."""
    names: set[str] = set()
    for version in catalogue.SUPPORTED_VERSIONS:
        names.update(catalogue.signals_by_qualified_name(version))
    names.update(thirdparty.third_party_by_qualified_name())
    names.update(spec.qualified_name for spec in view.context.declared_signals)
    names.update(view.context.project_signals)
    names.update(signal.signal for signal in view.signal_map.signals)
    return sorted(names)


def project_packages(view: StaticView) -> list[str]:
    """The top-level packages of the project's own modules (the probe imports none)."""
    return sorted({m.module.partition(".")[0] for m in view.project.modules if m.module})


# -- the probe ---------------------------------------------------------------------------


def run_probe(python: str, root: str, settings: str, view: StaticView) -> Registry:
    request = json.dumps(
        {"signals": signals_to_read(view), "project_modules": project_packages(view)}
    )
    environ = dict(os.environ, DJANGO_SETTINGS_MODULE=settings, PYTHONDONTWRITEBYTECODE="1")
    command = [python, PROBE]
    try:
        done = subprocess.run(
            command,
            cwd=root,
            input=request,
            capture_output=True,
            text=True,
            env=environ,
            timeout=PROBE_TIMEOUT,
            check=False,
        )
    except OSError as error:
        raise VerifyError(f"cannot run {python}: {error.strerror or error}") from None
    except subprocess.TimeoutExpired:
        raise VerifyError(f"the project did not start within {PROBE_TIMEOUT} s") from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise VerifyError(f"the probe failed under {python} (exit {done.returncode}): {last}")
    failure = answer.get("error")
    if isinstance(failure, dict):
        where = failure.get("where")
        place = f" ({where})" if isinstance(where, str) else ""
        raise VerifyError(
            f"cannot start the project with settings {settings}{place}: {failure.get('message')}"
        )
    return parse_registry(answer)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _parameters(value: object) -> tuple[Parameter, ...] | None:
    if not isinstance(value, list):
        return None
    found = []
    for item in value:
        if not isinstance(item, dict):
            return None
        name, kind = _text(item.get("name")), _text(item.get("kind"))
        if name is None or kind is None:
            return None
        found.append(Parameter(name, kind, item.get("default") is True))
    return tuple(found)


def parse_registry(answer: Mapping[str, object]) -> Registry:
    """The probe's JSON as plain records; anything malformed is left out."""
    version_field = answer.get("django_version")
    version: Version = catalogue.NEWEST_VERSION
    if isinstance(version_field, list) and len(version_field) == 2:
        major, minor = (_number(v) for v in version_field)
        if major is not None and minor is not None:
            version = (major, minor)
    signals: set[str] = set()
    receivers: list[LiveReceiver] = []
    entries = answer.get("signals")
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict) or _text(entry.get("signal")) is None:
            continue
        signal = str(entry["signal"])
        signals.add(signal)
        found = entry.get("receivers")
        for item in found if isinstance(found, list) else ():
            if not isinstance(item, dict):
                continue
            receivers.append(
                LiveReceiver(
                    signal=signal,
                    dead=item.get("dead") is True,
                    weak=item.get("weak") is True,
                    dispatch_uid=_text(item.get("dispatch_uid")),
                    sender=_text(item.get("sender")),
                    kind=_text(item.get("kind")) or "",
                    module=_text(item.get("module")),
                    qualname=_text(item.get("qualname")),
                    path=_text(item.get("path")),
                    line=_number(item.get("line")),
                    end_line=_number(item.get("end_line")),
                    wrapped=item.get("wrapped") is True,
                    parameters=_parameters(item.get("parameters")),
                    wrapped_parameters=_parameters(item.get("wrapped_parameters")),
                )
            )
    return Registry(version, frozenset(signals), tuple(receivers))


# -- the comparison (pure) ---------------------------------------------------------------


@dataclass(frozen=True)
class Verdicts:
    """Each static receiver's state after start-up (live, dead, absent; None when its
    signal was not read), and the findings."""

    states: dict[tuple[str, ReceiverEntry], str]
    diagnostics: list[Diagnostic]


def _same_file(static_path: str, live_path: str | None) -> bool:
    return live_path is not None and os.path.realpath(static_path) == live_path


def _matches(entry: ReceiverEntry, live: LiveReceiver) -> bool:
    if live.dead:
        return False
    if entry.function is not None and entry.function == live.qualified_name:
        return True
    # ``@receiver`` above the def, or a lambda written in the connect() call: the line
    # is inside the receiver's source.
    return (
        _same_file(entry.path, live.path)
        and live.line is not None
        and live.end_line is not None
        and live.line <= entry.line <= live.end_line
    )


def _in_project(live: LiveReceiver, root: str) -> bool:
    if live.path is None:
        return False
    root = os.path.realpath(root)
    inside = live.path.startswith(root + os.sep)
    installed = any(part in ("site-packages", "dist-packages") for part in live.path.split(os.sep))
    return inside and not installed


def _shown(path: str, cwd: str) -> str:
    relative = os.path.relpath(path, cwd)
    return path if relative.startswith("..") else relative


def _diagnostic(code: str, path: str, line: int | None, message: str) -> Diagnostic:
    span = Span(line, 0, line, 0) if line else FILE_START
    return Diagnostic(path, code, CODES[code], message, span)


def _short(signal: str) -> str:
    return signal.rsplit(".", 1)[-1]


def compare(view: StaticView, registry: Registry, cwd: str) -> Verdicts:
    states: dict[tuple[str, ReceiverEntry], str] = {}
    diagnostics: list[Diagnostic] = []
    by_signal: dict[str, list[LiveReceiver]] = {}
    for live in registry.receivers:
        by_signal.setdefault(live.signal, []).append(live)
    matched: set[int] = set()
    disconnected = _disconnected(view.project)
    unknown: dict[str, list[ReceiverEntry]] = {}
    for signal in view.signal_map.signals:
        if signal.signal not in registry.signals:
            continue
        lives = by_signal.get(signal.signal, [])
        dead = [index for index, live in enumerate(lives) if live.dead]
        for entry in signal.receivers:
            index = next(
                (i for i, live in enumerate(lives) if _matches(entry, live)),
                None,
            )
            if index is not None:
                matched.add(id(lives[index]))
                states[(signal.signal, entry)] = LIVE
                continue
            if entry.connected == "collected" and dead:
                matched.add(id(lives[dead.pop(0)]))
                states[(signal.signal, entry)] = DEAD
                diagnostics.append(
                    _diagnostic(
                        "SIG503",
                        entry.path,
                        entry.line,
                        f"`{entry.receiver}` is a dead weak reference in the registry of"
                        f" `{signal.name}` after start-up: it was garbage-collected and is"
                        " never called (connect it with weak=False, or keep a reference)",
                    )
                )
                continue
            if entry.function is None and entry.connected != "collected":
                # What the source connects there is unknown (``HANDLERS[key]``,
                # ``getattr(...)``): the live receivers SIG502 reports may be it.
                unknown.setdefault(signal.signal, []).append(entry)
                continue
            states[(signal.signal, entry)] = ABSENT
            if entry.connected == "yes":
                why = _why_absent(entry, view.connections.get(entry), disconnected)
                diagnostics.append(
                    _diagnostic(
                        "SIG501",
                        entry.path,
                        entry.line,
                        f"receiver `{entry.receiver}` of `{signal.name}` is not connected"
                        f" after start-up: {why}",
                    )
                )
    known = {entry.function for s in view.signal_map.signals for entry in s.receivers}
    for signal_name, lives in by_signal.items():
        twins = _twins(lives)
        for live in lives:
            twin = twins.get(id(live))
            if twin is not None and _in_project(live, view.root):
                assert live.path is not None
                diagnostics.append(
                    _diagnostic(
                        "SIG505",
                        _shown(live.path, cwd),
                        live.line,
                        f"`{live.qualname}` is live twice on `{_short(signal_name)}` after"
                        f" start-up, as `{twin.qualified_name}` and `{live.qualified_name}`:"
                        " its module was imported under two names and connected it twice,"
                        " so it runs twice (see SIG309)",
                    )
                )
                continue
            if id(live) in matched:
                continue
            if live.dead:
                diagnostics.append(
                    _diagnostic(
                        "SIG503",
                        _shown(view.root, cwd),
                        None,
                        f"a dead weak reference is in the registry of `{_short(signal_name)}`"
                        " after start-up: a receiver connected with weak=True was"
                        " garbage-collected (the source does not show which)",
                    )
                )
                continue
            if not _in_project(live, view.root):
                continue
            assert live.path is not None
            name = live.qualified_name or "?"
            how = "" if name not in known else " here (the static map has it elsewhere)"
            if live.sender is not None:
                how = f" for sender {live.sender}" + how
            candidates = unknown.get(signal_name, [])
            for entry in candidates:
                states[(signal_name, entry)] = LIVE
            if candidates:
                seen = ", ".join(f"`{e.receiver}` ({e.path}:{e.line})" for e in candidates)
                how += f" (perhaps it is what {seen} connects)"
            diagnostics.append(
                _diagnostic(
                    "SIG502",
                    _shown(live.path, cwd),
                    live.line,
                    f"`{name}` is live on `{_short(signal_name)}` after start-up{how}, but the"
                    " static map does not know it: a dynamic connection",
                )
            )
    for signal_name, entries in unknown.items():
        for entry in entries:
            states.setdefault((signal_name, entry), ABSENT)
    diagnostics += _signature_problems(view, registry, by_signal, cwd)
    return Verdicts(states, diagnostics)


def _twins(lives: Sequence[LiveReceiver]) -> dict[int, LiveReceiver]:
    """Each live receiver that is the same function of the same file as an earlier one,
    for the same sender, under another module name: the earlier one, by ``id()``."""
    first: dict[tuple[object, ...], LiveReceiver] = {}
    twins: dict[int, LiveReceiver] = {}
    for live in lives:
        if live.dead or live.path is None or live.line is None or live.module is None:
            continue
        key = (live.path, live.line, live.qualname, live.sender)
        earlier = first.setdefault(key, live)
        if earlier is not live and earlier.module != live.module:
            twins[id(live)] = earlier
    return twins


def _disconnected(project: ProjectFacts) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for module in project.modules:
        for connection in module.connections:
            if connection.style is ConnectionStyle.DISCONNECT:
                for name in connection.receivers:
                    found.setdefault(name, (module.path, connection.span.line))
    return found


def _why_absent(
    entry: ReceiverEntry, connection: Connection | None, disconnected: Mapping[str, tuple[str, int]]
) -> str:
    if entry.function is not None and entry.function in disconnected:
        path, line = disconnected[entry.function]
        return f"it is disconnected ({path}:{line})"
    if connection is not None and connection.owner is not None and not connection.unconditional:
        return (
            f"it is connected under a condition (or in a loop) in `{connection.owner}()`"
            " that does not hold under these settings"
        )
    below = (
        connection.function.decorators[connection.decorator_index + 1 :]
        if (connection is not None and connection.function is not None)
        else ()
    )
    if below:
        return (
            "a decorator under `@receiver` replaces it with an object the source does"
            " not show (see the SIG502 findings)"
        )
    return (
        "its module's import may depend on a condition or on settings, or the static map"
        " is wrong here"
    )


def _signature_problems(
    view: StaticView,
    registry: Registry,
    by_signal: Mapping[str, Sequence[LiveReceiver]],
    cwd: str,
) -> Iterable[Diagnostic]:
    version = registry.django_version
    builtin = catalogue.signals_by_qualified_name(version)
    for signal_name, lives in by_signal.items():
        spec = builtin.get(signal_name) or view.context.signals.get(signal_name)
        if spec is None or not spec.kwargs_known:
            continue
        always = set(spec.always_sent(version)) | set(catalogue.DISPATCHER_KWARGS)
        sometimes = set(spec.sometimes_sent(version))
        for live in lives:
            if live.dead or not _in_project(live, view.root) or live.path is None:
                continue
            parameters = _judged_parameters(live)
            if parameters is None:
                continue
            problem = _cannot_take(parameters, always, sometimes)
            if problem is None:
                continue
            shown = ", ".join(_param_text(p) for p in parameters)
            wrapped = " (its wrapper's)" if live.wrapped and parameters is live.parameters else ""
            yield _diagnostic(
                "SIG504",
                _shown(live.path, cwd),
                live.line,
                f"live receiver `{live.qualified_name}` of `{spec.name}` cannot take what it"
                f" sends: {problem}; its signature{wrapped} is ({shown})",
            )


def _judged_parameters(live: LiveReceiver) -> tuple[Parameter, ...] | None:
    """What is called: the outermost object; a pass-through ``(*args, **kwargs)``
    wrapper hands everything to what it wraps."""
    outer = live.parameters
    if outer is None:
        return None
    pass_through = all(p.kind in ("VAR_POSITIONAL", "VAR_KEYWORD") for p in outer)
    if live.wrapped and pass_through and live.wrapped_parameters is not None:
        return live.wrapped_parameters
    return outer


def _cannot_take(
    parameters: Sequence[Parameter], always: set[str], sometimes: set[str]
) -> str | None:
    """Why a call ``receiver(signal=..., sender=..., **sent)`` fails, or None."""
    var_keyword = any(p.kind == "VAR_KEYWORD" for p in parameters)
    by_keyword = {p.name for p in parameters if p.kind in ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY")}
    refused = sorted(name for name in always if name not in by_keyword and not var_keyword)
    if refused:
        return "no parameter takes " + ", ".join(f"`{n}`" for n in refused)
    required = [
        p
        for p in parameters
        if not p.has_default and p.kind not in ("VAR_POSITIONAL", "VAR_KEYWORD")
    ]
    positional = [p.name for p in required if p.kind == "POSITIONAL_ONLY"]
    if positional:
        what = ", ".join(f"`{n}`" for n in positional)
        return f"{what} is positional-only, but every argument is passed by keyword"
    missing = sorted(p.name for p in required if p.name not in always)
    if missing:
        never = [n for n in missing if n not in sometimes]
        what = ", ".join(f"`{n}`" for n in missing)
        return f"it requires {what}, " + (
            "which it never sends" if never else "which it does not always send"
        )
    refused = sorted(name for name in sometimes if name not in by_keyword and not var_keyword)
    if refused:
        what = ", ".join(f"`{n}`" for n in refused)
        return f"no parameter takes {what}, sent on some calls"
    return None


def _param_text(parameter: Parameter) -> str:
    prefix = {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(parameter.kind, "")
    return prefix + parameter.name + ("=..." if parameter.has_default else "")


def selected(diagnostics: Iterable[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """The findings ``--select``/``--ignore``, per-file ignores and ``# noqa`` (on the
    line a finding is placed at) leave, as ``check`` reports its own."""
    select = settings.select + settings.extend_select
    chosen = [d for d in diagnostics if rule_enabled(d.code, select, settings.ignore)]
    texts = {}
    for path in {d.path for d in chosen}:
        try:
            with open(path, "rb") as file:
                texts[path] = file.read().decode("utf-8", "replace")
        except OSError:
            continue  # the project's root, or a file gone: nothing suppresses there
    return engine.unsuppressed(chosen, texts, settings)


_SETTINGS_NAME = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*")


def valid_settings_name(name: str) -> bool:
    return _SETTINGS_NAME.fullmatch(name) is not None
