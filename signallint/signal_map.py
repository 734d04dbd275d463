"""``signallint map``: every signal the project uses, who sends it, who receives it, and
whether each receiver is connected at all (see :mod:`signallint.project`).

The map is built from the same facts as the checks: the files under PATHS are listed,
and the whole project (under its root) is read to tell whether each receiver's module
is imported. Four renderings: a grouped text listing, JSON (schema below, stable), and
Mermaid and Graphviz graphs of senders → signals → receivers.

JSON schema (``version`` 1)::

    {"version": 1, "root": str | null, "signals": [{
        "signal": str,              # qualified name, e.g. django.db.models.signals.post_save
        "name": str,                # post_save
        "kind": "django" | "project" | "declared" | "third-party" | "unknown",
        "package": str | null,      # the distribution that defines it, when known
        "defined_at": {"path": str, "line": int} | null,   # the project's own Signal()
        "receivers": [{
            "path": str, "line": int,
            "receiver": str,        # as written
            "function": str | null, # its qualified name, when known
            "style": "decorator" | "connect" | "connect-decorator",
            "sender": str | null,   # as written; null: any sender
            "dispatch_uid": str | null,   # as written
            "weak": bool | null,    # null when not a literal
            "connected": "yes" | "no" | "tests-only" | "test-code" | "when-called" | "unknown"
                         | "collected" | "urlconf-only",
            "note": str}],
        "sends": [{"path": str, "line": int, "method": str, "sender": str | null}]}]}

Signals are sorted by qualified name, receivers and sends by path and line. Paths are
relative to the project root, with ``/``, so the same project gives the same JSON from any
directory and on any machine (``root`` is the root as the command found it): a map can be
committed and compared (``signallint map --check``, :mod:`signallint.map_check`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace

from signallint import engine
from signallint.cache import wait_for_writes
from signallint.context import RuleContext
from signallint.diagnostics import Diagnostic
from signallint.facts import Connection, ConnectionStyle, ModuleFacts, ProjectFacts
from signallint.layout import project_facts
from signallint.project import Picture, Status, picture_of
from signallint.rules.sig30x_shared import display, signals_connected, why_not_imported
from signallint.rules.sig201_weak_receiver_collected import collected_receiver
from signallint.rules.sig305_duplicate_dispatch_uid import dispatch_conflicts
from signallint.settings import Settings
from signallint.vocabulary import is_apps_module

FORMATS = ("text", "json", "mermaid", "dot")
# A receiver only the signal's weak reference holds: gone before anything sends (SIG201).
COLLECTED = "collected"
# A receiver whose module only a URLconf imports: not in every process (SIG307).
URLCONF_ONLY = "urlconf-only"


@dataclass(frozen=True)
class ReceiverEntry:
    path: str
    line: int
    receiver: str
    function: str | None
    style: str
    sender: str | None
    dispatch_uid: str | None
    weak: bool | None
    connected: str
    note: str


@dataclass(frozen=True)
class SendEntry:
    path: str
    line: int
    method: str
    sender: str | None


@dataclass
class SignalEntry:
    signal: str
    name: str
    kind: str
    package: str | None = None
    defined_at: dict[str, object] | None = None
    receivers: list[ReceiverEntry] = field(default_factory=list)
    sends: list[SendEntry] = field(default_factory=list)


@dataclass
class SignalMap:
    root: str | None
    signals: list[SignalEntry]
    # The files listed, and those that could not be read or parsed (SIG901 to SIG903,
    # as ``check`` reports them): the command prints them on stderr.
    files: int = 0
    problems: list[Diagnostic] = field(default_factory=list)


def build(paths: Sequence[str], settings: Settings) -> SignalMap:
    """The map of the files under ``paths``, judged against their whole project."""
    analyses, others, root = engine.gather(paths, settings, project=True)
    project = project_facts(tuple(a.facts for a in (*analyses, *others)), root)
    context = RuleContext.for_project(
        project, settings.django_version, settings.declared_signals, settings.side_effect_calls
    )
    found = map_of([a.facts for a in analyses], project, context, root)
    found.files = len(analyses)
    found.problems = engine.problems_of(analyses, settings)
    wait_for_writes()  # the cache, written meanwhile
    return found


def map_of(
    shown: Iterable[ModuleFacts], project: ProjectFacts, context: RuleContext, root: str | None
) -> SignalMap:
    picture = picture_of(project, context.version)
    entries: dict[str, SignalEntry] = {}

    def entry(signal: str) -> SignalEntry:
        if signal not in entries:
            kind, package = _kind(signal, context)
            entries[signal] = SignalEntry(signal, signal.rsplit(".", 1)[-1], kind, package)
        return entries[signal]

    definitions = {
        d.qualified_name: (m.path, d.span.line)
        for m in project.modules
        for d in m.signal_defs
        if d.qualified_name
    }
    # A receiver whose dispatch_uid another one already uses, in the same module, is
    # never connected; in two modules, which one is depends on import order.
    ignored = {
        (facts.path, connection.span): (first_facts, first)
        for facts, connection, first_facts, first, _ in dispatch_conflicts(project, context)
    }
    for facts in shown:
        for connection in facts.connections:
            if connection.style is ConnectionStyle.DISCONNECT:
                continue
            receiver = _receiver(facts, connection, picture)
            duplicate = ignored.get((facts.path, connection.span))
            if duplicate is not None and receiver.connected in (
                Status.CONNECTED.value,
                URLCONF_ONLY,
            ):
                first_facts, first = duplicate
                where = f"{display(picture, first_facts.path)}:{first.span.line}"
                same = first_facts.path == facts.path
                receiver = replace(
                    receiver,
                    connected=Status.NEVER.value if same else Status.UNKNOWN.value,
                    note=f"`{first.receiver_text}` ({where}) has the same dispatch_uid"
                    + ("" if same else ": the one imported first wins"),
                )
            collected = collected_receiver(connection, context)
            if collected is not None and receiver.connected != Status.NEVER.value:
                receiver = replace(
                    receiver,
                    connected=COLLECTED,
                    note=f"{collected} connected with weak=True is garbage-collected"
                    " and never called",
                )
            for signal in signals_connected(connection, context):
                entry(signal).receivers.append(receiver)
        for send in facts.send_calls:
            spec = context.signal_of(send.signal, meant=False)
            if spec is not None:
                signal = f"{spec.module}.{spec.name}"
            elif len(send.signal.candidates) == 1:
                signal = next(iter(send.signal.candidates))
                if signal not in definitions and ".signals." not in f".{signal}":
                    continue  # ``x.send()`` on something that is not known to be a signal
            else:
                continue
            positional = [a for a in send.arguments if a.keyword is None]
            sender = next((a.text for a in send.arguments if a.keyword == "sender"), None)
            if sender is None and positional:
                sender = positional[0].text
            entry(signal).sends.append(
                SendEntry(facts.path, send.span.line, send.method.value, sender)
            )
    for signal, found in entries.items():
        if signal in definitions:
            path, line = definitions[signal]
            found.defined_at = {"path": path, "line": line}
        found.receivers.sort(key=lambda r: (r.path, r.line, r.receiver))
        found.sends.sort(key=lambda s: (s.path, s.line))
    return SignalMap(root, [entries[s] for s in sorted(entries)])


def _kind(signal: str, context: RuleContext) -> tuple[str, str | None]:
    """What defines a signal: Django, the project, settings, or a third-party package
    (with its distribution's name when the catalogue knows it)."""
    spec = context.signals.get(signal)
    if signal in context.project_signals:
        return "project", None
    if spec is None and signal.startswith("django."):
        return "unknown", None  # a name Django does not define (a wrong import: SIG1xx)
    if spec is None:
        return "third-party", None
    if spec in context.declared_signals:
        return "declared", None
    if spec.package != "django":
        return "third-party", spec.package
    return "django", "django"


def _receiver(facts: ModuleFacts, connection: Connection, picture: Picture) -> ReceiverEntry:
    function = None
    if len(connection.receivers) == 1:
        function = next(iter(connection.receivers))
    uid, weak = connection.dispatch_uid, connection.weak
    connected, note = _connected(facts, connection, connection.owner, picture)
    return ReceiverEntry(
        path=facts.path,
        line=connection.span.line,
        receiver=connection.receiver_text or "?",
        function=function,
        style=connection.style.value,
        sender=connection.sender.text if connection.sender else None,
        dispatch_uid=uid.text if uid else None,
        weak=True if weak is None else {"True": True, "False": False}.get(weak.text),
        connected=connected,
        note=note,
    )


def _connected(
    facts: ModuleFacts, connection: Connection, owner: str | None, picture: Picture
) -> tuple[str, str]:
    verdict = picture.verdict(facts.path)
    status = verdict.status
    module_note = {
        Status.CONNECTED: "imported at start-up",
        Status.NEVER: why_not_imported(picture, facts.path, verdict),
        Status.TESTS_ONLY: why_not_imported(picture, facts.path, verdict),
        Status.TESTS: "test code",
        Status.UNKNOWN: verdict.reason,
    }[status]
    if connection.at_module_level and status is Status.CONNECTED:
        chain = picture.urlconf_chain(facts.path)
        if chain is not None:  # SIG307
            shown = " → ".join(f"`{display(picture, path)}`" for path in chain)
            return URLCONF_ONLY, f"{shown}, not by django.setup()"
    if connection.at_module_level or status in (Status.NEVER, Status.TESTS_ONLY, Status.UNKNOWN):
        return status.value, module_note
    if owner is None:
        return "when-called", "inside a function"
    config_name, _, method = owner.partition(".")
    configs = picture.app_configs_of(os.path.join(os.path.dirname(facts.path), "__init__.py"))
    if method == "ready" and is_apps_module(os.path.basename(facts.path)) and configs:
        if configs.chosen is not None and configs.chosen.name == config_name:
            return Status.CONNECTED.value, f"in `{owner}()`"
        if configs.listed and not configs.class_listed and configs.chosen is None:
            return Status.NEVER.value, f"in `{owner}()`, but Django does not use `{config_name}`"
    return "when-called", f"when `{owner}()` runs"


# -- rendering ------------------------------------------------------------------------


# ``map --verify``: each receiver's state after start-up ("live", "dead", "absent"),
# by signal and receiver; a receiver of a signal the project's Django lacks has none.
States = Mapping[tuple[str, ReceiverEntry], str]


def render(signal_map: SignalMap, output_format: str, states: States | None = None) -> str:
    if states is not None:
        return {"text": render_text, "json": render_json}[output_format](signal_map, states)
    return {"text": render_text, "json": render_json, "mermaid": render_mermaid, "dot": render_dot}[
        output_format
    ](signal_map)


def render_json(signal_map: SignalMap, states: States | None = None) -> str:
    """With ``states`` (``map --verify``), each receiver has ``"live": "live" | "dead" |
    "absent" | null`` (null: its signal was not found in the running project)."""
    return json.dumps(json_data(signal_map, states), indent=2) + "\n"


def json_data(signal_map: SignalMap, states: States | None = None) -> dict[str, object]:
    """The JSON map as plain data, every path relative to the project root."""

    def relative(path: str) -> str:
        return _root_relative(path, signal_map.root)

    signals = []
    for entry in signal_map.signals:
        data = asdict(entry)
        if entry.defined_at is not None:
            data["defined_at"] = {
                **entry.defined_at,
                "path": relative(str(entry.defined_at["path"])),
            }
        data["receivers"] = [{**r, "path": relative(r["path"])} for r in data["receivers"]]
        if states is not None:
            for receiver, shown in zip(entry.receivers, data["receivers"], strict=True):
                shown["live"] = states.get((entry.signal, receiver))
        data["sends"] = [{**s, "path": relative(s["path"])} for s in data["sends"]]
        signals.append(data)
    return {"version": 1, "root": signal_map.root, "signals": signals}


def _root_relative(path: str, root: str | None) -> str:
    """``path`` relative to ``root`` with ``/``; as given (normalised) outside it."""
    if root is not None:
        absolute, top = os.path.abspath(path), os.path.abspath(root)
        if absolute == top or absolute.startswith(top.rstrip(os.sep) + os.sep):
            return os.path.relpath(absolute, top).replace(os.sep, "/")
    return os.path.normpath(path).replace(os.sep, "/")


# Receivers drawn with a dashed edge, and its label.
_NEVER = {"no": "never connected", "tests-only": "never connected", COLLECTED: "collected"}
_KIND_TEXT = {
    "django": "Django",
    "project": "this project",
    "declared": "declared in settings",
    "third-party": "third-party",
    "unknown": "not a signal Django defines",
}
_CONNECTED_TEXT = {
    "yes": "connected",
    "no": "NEVER CONNECTED",
    "tests-only": "connected only under tests",
    "test-code": "test code",
    "when-called": "connected",
    "unknown": "connected? unknown",
    COLLECTED: "COLLECTED",
    URLCONF_ONLY: "connected only once the URLconf is loaded",
}


def render_text(signal_map: SignalMap, states: States | None = None) -> str:
    if not signal_map.signals:
        return "No signals found.\n"
    lines: list[str] = []
    for signal in signal_map.signals:
        where = ""
        if signal.defined_at is not None:
            where = f", defined at {signal.defined_at['path']}:{signal.defined_at['line']}"
        kind = _KIND_TEXT[signal.kind]
        if signal.kind == "third-party" and signal.package:
            kind = signal.package
        lines.append(f"{signal.signal} ({kind}{where})")
        if signal.sends:
            lines.append("  sent from:")
            for send in signal.sends:
                sender = f" sender={send.sender}" if send.sender else ""
                lines.append(f"    {send.path}:{send.line} {send.method}(){sender}")
        elif _implicit_sender(signal) is not None:
            lines.append(f"  sent by {_implicit_sender(signal)}")
        else:
            lines.append("  no send() found")
        lines.append("  received by:" if signal.receivers else "  no receivers")
        for receiver in signal.receivers:
            details = [f"[{receiver.style}]"]
            if receiver.sender is not None:
                details.append(f"sender={receiver.sender}")
            if receiver.dispatch_uid is not None:
                details.append(f"dispatch_uid={receiver.dispatch_uid}")
            if receiver.weak is not True:
                details.append("weak=False" if receiver.weak is False else "weak=?")
            state = _CONNECTED_TEXT[receiver.connected]
            if receiver.note not in ("imported at start-up", "test code"):
                state += f": {receiver.note}"
            if states is not None:
                state += f" [{states.get((signal.signal, receiver), 'not read')}]"
            lines.append(
                f"    {receiver.path}:{receiver.line} {receiver.receiver} {' '.join(details)}"
                f" - {state}"
            )
        lines.append("")
    return "\n".join(lines)


def _implicit_sender(signal: SignalEntry) -> str | None:
    """Who sends a signal the project does not: Django, or the package defining it."""
    if signal.sends or signal.kind not in ("django", "third-party"):
        return None
    return "Django" if signal.kind == "django" else signal.package


def _label(text: str) -> str:
    return text.replace('"', "#quot;")


def render_mermaid(signal_map: SignalMap) -> str:
    lines = ["flowchart LR"]
    senders: dict[str, str] = {}
    for number, signal in enumerate(signal_map.signals):
        node = f"s{number}"
        lines.append(f'  {node}(["{_label(signal.name)}"])')
        implicit = _implicit_sender(signal)
        if implicit is not None:
            sender = senders.setdefault(implicit, f"p{len(senders)}")
            lines.append(f"  {sender} --> {node}")
        for index, send in enumerate(signal.sends):
            label = _label(f"{send.path}:{send.line}")
            lines.append(f'  {node}_send{index}[/"{label}"/] --> {node}')
        for index, receiver in enumerate(signal.receivers):
            label = _label(f"{receiver.receiver}<br/>{receiver.path}:{receiver.line}")
            never = _NEVER.get(receiver.connected)
            arrow = f"-.->|{never}|" if never else "-->"
            lines.append(f'  {node} {arrow} {node}_r{index}["{label}"]')
    lines[1:1] = [f'  {sender}(("{_label(name)}"))' for name, sender in senders.items()]
    return "\n".join(lines) + "\n"


def _dot(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render_dot(signal_map: SignalMap) -> str:
    lines = ["digraph signals {", "  rankdir=LR;", "  node [shape=box];"]
    senders: set[str] = set()
    for signal in signal_map.signals:
        node = _dot(f"signal:{signal.signal}")
        lines.append(f"  {node} [label={_dot(signal.name)}, shape=ellipse];")
        implicit = _implicit_sender(signal)
        if implicit is not None:
            if implicit not in senders:
                senders.add(implicit)
                lines.append(f"  {_dot(implicit)} [shape=plaintext];")
            lines.append(f"  {_dot(implicit)} -> {node};")
        for send in signal.sends:
            sender = _dot(f"send:{send.path}:{send.line}")
            lines.append(f"  {sender} [label={_dot(f'{send.path}:{send.line}')}, shape=cds];")
            lines.append(f"  {sender} -> {node};")
        for receiver in signal.receivers:
            target = _dot(f"receiver:{receiver.path}:{receiver.line}:{receiver.receiver}")
            label = _dot(f"{receiver.receiver}\n{receiver.path}:{receiver.line}")
            lines.append(f"  {target} [label={label}];")
            never = _NEVER.get(receiver.connected)
            style = f' [style=dashed, label="{never}"]' if never else ""
            lines.append(f"  {node} -> {target}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"
