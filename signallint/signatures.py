"""Receiver signatures against what Django passes: shared by the signature rules."""

from __future__ import annotations

from collections.abc import Iterator

from signallint.catalogue import DISPATCHER_KWARGS, SignalSpec
from signallint.context import RuleContext
from signallint.facts import (
    Connection,
    ConnectionStyle,
    FunctionFact,
    Param,
    ParamKind,
    ReceiverKind,
)


def checked_receivers(
    connections: tuple[Connection, ...], context: RuleContext
) -> Iterator[tuple[Connection, FunctionFact, list[SignalSpec]]]:
    """Connections whose receiver's signature Django will call with known keywords.

    Skipped: disconnections, receivers we cannot see, ``@receiver`` on methods in a class
    body (a rule of its own: ``self`` can never be passed), and connections where a
    signal is unknown or ambiguous.
    """
    for connection in connections:
        function = connection.function
        if connection.style is ConnectionStyle.DISCONNECT or function is None:
            continue
        if connection.style is ConnectionStyle.DECORATOR and (
            connection.receiver_kind is ReceiverKind.METHOD
        ):
            continue
        if connection.style is ConnectionStyle.CONNECT_DECORATOR:
            continue  # connect() returns None: the function is never called (SIG213)
        specs = context.signals_of(connection.signals)
        if specs is not None:
            yield connection, function, specs


def passed_names(spec: SignalSpec, context: RuleContext) -> frozenset[str]:
    """Every keyword a receiver of ``spec`` may be called with (always or sometimes)."""
    version = context.version
    return DISPATCHER_KWARGS | spec.always_sent(version) | spec.sometimes_sent(version)


def misplaced_sender_param(
    function: FunctionFact, specs: list[SignalSpec], context: RuleContext
) -> Param | None:
    """A required first parameter that its author meant to receive the sender.

    Django passes the sender as ``sender=``, never positionally, so a first parameter
    with another name (that the signal does not send either) is never filled.
    """
    if any(param.name == "sender" for param in function.params):
        return None
    if not all(spec.kwargs_known for spec in specs):
        return None
    first = function.params[0] if function.params else None
    if first is None or first.kind is not ParamKind.POSITIONAL_OR_KEYWORD or not first.required:
        return None
    if any(first.name in passed_names(spec, context) for spec in specs):
        return None
    return first
