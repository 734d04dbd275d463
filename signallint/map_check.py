"""``signallint map --check FILE``: the current signal map against a committed one.

What must not change unnoticed is which receivers exist, the signal and sender each one
listens to, and whether it is connected (a refactor that moves the only import of a
receivers module disconnects it without a single line of it changing). Line numbers and
notes are left out: they move with every edit. A receiver is known by its file and its
qualified name (or its text as written, when it has no name of its own).

The committed file is read as JSON data only: dicts, lists, strings and numbers, checked
field by field; nothing in it is constructed or run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# (file, receiver) and what it listens to: (signal, sender, connected).
Key = tuple[str, str]
Listening = tuple[str, str | None, str]


class NotAMap(ValueError):
    """The committed file is not a signal map signallint wrote (one line to show)."""


@dataclass(frozen=True)
class Change:
    key: Key
    before: tuple[Listening, ...]
    after: tuple[Listening, ...]
    notes: Mapping[Listening, str]
    # Whether the receiver is in the committed map, and in the current one, at all.
    was_there: bool = True
    is_there: bool = True

    @property
    def what(self) -> str:
        if not self.was_there:
            return "appeared"
        if not self.is_there:
            return "disappeared"
        if not self.before:
            return "connected once more"
        if not self.after:
            return "connected once less"
        if len(self.before) == 1 == len(self.after):
            [(old_signal, old_sender, old_state)] = self.before
            [(new_signal, new_sender, new_state)] = self.after
            changed = [
                name
                for name, old, new in (
                    ("signal", old_signal, new_signal),
                    ("sender", old_sender, new_sender),
                    ("connection status", old_state, new_state),
                )
                if old != new
            ]
            return "changed " + " and ".join(changed)
        return "changed"


@dataclass(frozen=True)
class Receivers:
    """The receivers of one map: how many of each, and the note of each."""

    counted: Counter[tuple[Key, Listening]]
    notes: Mapping[tuple[Key, Listening], str]


def receivers_of(data: object) -> Receivers:
    """Every receiver of a JSON map (``signallint map --format json``), checked field by
    field: :class:`NotAMap` when ``data`` is not one."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise NotAMap('not a signal map (expected a JSON object with "version": 1)')
    signals = data.get("signals")
    if not isinstance(signals, list):
        raise NotAMap('not a signal map ("signals" is not a list)')
    counted: Counter[tuple[Key, Listening]] = Counter()
    notes: dict[tuple[Key, Listening], str] = {}
    for signal in signals:
        name = signal.get("signal") if isinstance(signal, dict) else None
        receivers = signal.get("receivers") if isinstance(signal, dict) else None
        if not isinstance(name, str) or not isinstance(receivers, list):
            raise NotAMap('not a signal map (a signal without "signal" or "receivers")')
        for receiver in receivers:
            found = _receiver(name, receiver)
            counted[found] += 1
            note = receiver.get("note")
            notes[found] = note if isinstance(note, str) else ""
    return Receivers(counted, notes)


def _receiver(signal: str, receiver: object) -> tuple[Key, Listening]:
    if not isinstance(receiver, dict):
        raise NotAMap(f"not a signal map (a receiver of {signal} is not an object)")
    path, text, function = receiver.get("path"), receiver.get("receiver"), receiver.get("function")
    sender, connected = receiver.get("sender"), receiver.get("connected")
    if not (
        isinstance(path, str)
        and isinstance(text, str)
        and isinstance(function, str | None)
        and isinstance(sender, str | None)
        and isinstance(connected, str)
    ):
        raise NotAMap(
            f"not a signal map (a receiver of {signal} lacks a field or has a wrong type)"
        )
    return (path, function or text), (signal, sender, connected)


def compare(committed: Receivers, current: Receivers) -> list[Change]:
    """The receivers whose signals, senders or connection differ, by file and name."""

    def by_key(found: Iterable[tuple[Key, Listening]]) -> dict[Key, list[Listening]]:
        grouped: dict[Key, list[Listening]] = {}
        for key, listening in found:
            grouped.setdefault(key, []).append(listening)
        return grouped

    before = by_key(committed.counted.elements())
    after = by_key(current.counted.elements())
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = Counter(before.get(key, [])), Counter(after.get(key, []))
        if old == new:
            continue
        # What both have in common is not part of the change.
        common = old & new
        changes.append(
            Change(
                key,
                tuple(sorted((old - common).elements(), key=_order)),
                tuple(sorted((new - common).elements(), key=_order)),
                {listening: current.notes.get((key, listening), "") for listening in new},
                was_there=bool(old),
                is_there=bool(new),
            )
        )
    return changes


def _order(listening: Listening) -> tuple[str, str, str]:
    signal, sender, connected = listening
    return signal, sender or "", connected


def _line(listening: Listening, note: str = "") -> str:
    signal, sender, connected = listening
    text = f"{signal} sender={sender or '(any)'} connected={connected}"
    return f"{text}: {note}" if note and connected != "yes" else text


def render_diff(changes: list[Change], committed_name: str) -> str:
    """A unified-style diff: one hunk per receiver, ``-`` the committed, ``+`` now."""
    lines = [f"--- {committed_name} (committed)", "+++ the current signal map"]
    for change in changes:
        path, receiver = change.key
        lines.append(f"@@ {path} {receiver}: {change.what} @@")
        lines.extend(f"-{_line(listening)}" for listening in change.before)
        lines.extend(f"+{_line(item, change.notes.get(item, ''))}" for item in change.after)
    return "\n".join(lines) + "\n"


def load(text: str) -> object:
    """The committed file's JSON: plain data, whatever it holds."""
    try:
        return json.loads(text)
    except ValueError as error:
        raise NotAMap(f"not JSON ({error})") from None
