"""The probe ``signallint verify`` runs in the project's own interpreter.

It is run as a script, by path, by an interpreter that may not have signallint (only the
project's dependencies): it uses the standard library and Django, nothing else. Its
directory (signallint's package) leaves ``sys.path`` before anything but the standard
library is imported, and the project root takes its place. It runs
``django.setup()`` (the settings, the apps and their models, every ``AppConfig.ready()``)
and nothing more: no command, no URLconf, no database query. Of the signals named on
stdin (JSON: ``{"signals": [qualified names]}``) it reads those whose module is Django's
or a third-party package's (imported here if need be: importing a package's signals
module is harmless) or was already imported by ``setup()``: a project module that start-up
did not import is never imported here.

It prints one JSON document on its own standard output; anything the project prints
goes to standard error. Exit status: 0 read, 3 start-up failed (the error, in one line,
in the JSON), 2 bad input.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import sys
import weakref
from collections.abc import Callable
from typing import Any

EXIT_OK, EXIT_USAGE, EXIT_BOOT = 0, 2, 3


def _where(error: BaseException) -> str | None:
    """The innermost frame of the traceback that is not Django's or the standard
    library's: where the project's start-up failed."""
    found = None
    trace = error.__traceback__
    while trace is not None:
        path = trace.tb_frame.f_code.co_filename
        if os.path.abspath(path).startswith(os.getcwd() + os.sep):
            found = f"{os.path.relpath(path)}:{trace.tb_lineno}"
        trace = trace.tb_next
    if found is None and isinstance(error, SyntaxError) and error.filename:
        found = f"{error.filename}:{error.lineno}"
    return found


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _resolve(qualified: str, project_owned: Callable[[str], bool]) -> Any:
    """The signal object named ``module.NAME`` (or ``module.Class.NAME``), or None."""
    parts = qualified.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:cut])
        module = sys.modules.get(module_name)
        # Only a package start-up imported (Django, or one the project uses), and
        # never a project module start-up did not import.
        imported = module_name.partition(".")[0] in sys.modules
        if module is None and imported and not project_owned(module_name):
            try:
                module = importlib.import_module(module_name)
            except Exception:  # not installed, or not a module
                module = None
        if module is None:
            continue
        found: Any = module
        for name in parts[cut:]:
            found = getattr(found, name, None)
        if found is not None and hasattr(found, "receivers") and hasattr(found, "connect"):
            return found
        return None
    return None


def _parameters(target: Any, follow_wrapped: bool) -> list[dict[str, object]] | None:
    try:
        signature = inspect.signature(target, follow_wrapped=follow_wrapped)
    except (TypeError, ValueError):
        return None
    return [
        {
            "name": p.name,
            "kind": p.kind.name,
            "default": p.default is not inspect.Parameter.empty,
        }
        for p in signature.parameters.values()
    ]


def _describe(target: Any) -> dict[str, object]:
    """Where a live receiver's code is: module, qualified name, file and first line of
    the function under any ``functools.wraps`` wrapper, bound method or partial."""
    kind = "function"
    inner = target
    if isinstance(inner, functools.partial):
        kind = "partial"
        inner = inner.func
    if inspect.ismethod(inner):
        kind = "method" if kind == "function" else kind
        inner = inner.__func__
    try:
        unwrapped = inspect.unwrap(inner)
    except ValueError:
        unwrapped = inner
    if not callable(unwrapped):
        unwrapped = inner
    if not (inspect.isfunction(unwrapped) or inspect.ismethod(unwrapped)):
        kind = "callable" if kind == "function" else kind
        unwrapped = type(unwrapped).__call__
    module = getattr(unwrapped, "__module__", None) or getattr(inner, "__module__", None)
    qualname = getattr(unwrapped, "__qualname__", None) or getattr(inner, "__qualname__", None)
    path, first, last = None, None, None
    try:
        path = inspect.getsourcefile(unwrapped)
        lines, first = inspect.getsourcelines(unwrapped)
        last = first + len(lines) - 1
    except (OSError, TypeError):
        code = getattr(unwrapped, "__code__", None)
        if code is not None:
            path, first = code.co_filename, code.co_firstlineno
            last = first
    if path is not None:
        path = os.path.abspath(path)
    return {
        "kind": "lambda" if qualname and qualname.endswith("<lambda>") else kind,
        "module": module,
        "qualname": qualname,
        "path": path,
        "line": first,
        "end_line": last,
        "wrapped": unwrapped is not inner,
        # What is called (the outermost wrapper), and what it wraps.
        "parameters": _parameters(target, False),
        "wrapped_parameters": _parameters(target, True),
    }


def _sender_names() -> dict[int, str | None]:
    """What each object that may be a sender is called, by ``id()`` (the dispatcher's
    lookup key holds ``id(sender)``)."""
    apps = importlib.import_module("django.apps").apps

    names: dict[int, str | None] = {id(None): None}
    for model in apps.get_models(include_auto_created=True, include_swapped=True):
        names[id(model)] = f"{model._meta.label} ({model.__module__}.{model.__qualname__})"
    for config in apps.get_app_configs():
        names[id(config)] = f"app config {config.label}"
    return names


def _receivers(signal: Any, senders: dict[int, str | None]) -> list[dict[str, object]]:
    found = []
    for entry in list(signal.receivers):
        lookup_key, reference = entry[0], entry[1]
        key, sender_id = lookup_key
        record: dict[str, object] = {
            "dispatch_uid": key if isinstance(key, str) else None,
            "sender": senders.get(sender_id, "?") if sender_id != id(None) else None,
            "any_sender": sender_id == id(None),
            "weak": isinstance(reference, weakref.ReferenceType),
        }
        target = reference() if isinstance(reference, weakref.ReferenceType) else reference
        if target is None:
            record["dead"] = True
        else:
            record["dead"] = False
            record.update(_describe(target))
        found.append(record)
    return found


def main() -> int:
    try:
        request = json.loads(sys.stdin.read())
        wanted = [str(name) for name in request["signals"]]
        project_modules = {str(name) for name in request.get("project_modules", ())}
    except (ValueError, KeyError, TypeError) as error:
        print(f"bad request: {error}", file=sys.stderr)
        return EXIT_USAGE
    # What the project prints goes to stderr: stdout carries the answer only.
    answer = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.dont_write_bytecode = True
    # Run by path, Python put this script's directory (signallint's package) first:
    # the project root (the working directory) takes its place, as under ``manage.py``.
    root = os.getcwd()
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [root, *(p for p in sys.path if os.path.abspath(p or ".") != here)]
    try:
        django = importlib.import_module("django")
        django.setup()
    except BaseException as error:  # the project's start-up, whatever it raises
        json.dump(
            {"error": {"message": _one_line(error), "where": _where(error)}},
            answer,
        )
        answer.close()
        return EXIT_BOOT

    def project_owned(module_name: str) -> bool:
        top = module_name.partition(".")[0]
        return module_name in project_modules or top in project_modules

    senders = _sender_names()
    signals = []
    seen = set()
    for qualified in wanted:
        signal = _resolve(qualified, project_owned)
        if signal is None or id(signal) in seen:
            continue
        seen.add(id(signal))
        signals.append({"signal": qualified, "receivers": _receivers(signal, senders)})
    settings = importlib.import_module("django.conf").settings
    json.dump(
        {
            "django_version": list(django.VERSION[:2]),
            "settings": os.environ.get("DJANGO_SETTINGS_MODULE"),
            "debug": bool(getattr(settings, "DEBUG", False)),
            "signals": signals,
        },
        answer,
    )
    answer.close()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
