"""Facts: what the collector learns from one module, as plain data.

No LibCST node ever leaves ``signallint.collect``; rules see only these records. They
are what the cache stores (signallint/cache.py decodes them back with every field's type
checked) and what worker processes send back, so they hold only strings, numbers,
booleans, enums, tuples, frozensets and other facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Span:
    """A source range: 1-based lines, 0-based columns."""

    line: int
    col: int
    end_line: int
    end_col: int


FILE_START = Span(1, 0, 1, 0)


class ParamKind(str, Enum):
    POSITIONAL_ONLY = "positional-only"
    POSITIONAL_OR_KEYWORD = "positional-or-keyword"
    VAR_POSITIONAL = "var-positional"
    KEYWORD_ONLY = "keyword-only"
    VAR_KEYWORD = "var-keyword"


@dataclass(frozen=True)
class Param:
    name: str
    kind: ParamKind
    has_default: bool
    span: Span

    @property
    def required(self) -> bool:
        return not self.has_default and self.kind not in (
            ParamKind.VAR_POSITIONAL,
            ParamKind.VAR_KEYWORD,
        )


@dataclass(frozen=True)
class CallFact:
    """A call a function's body makes while it runs (see ``collect/calls.py``)."""

    # ``django.core.mail.send_mail`` when the name is imported, else the dotted text.
    callee: str
    span: Span


@dataclass(frozen=True)
class FunctionFact:
    """A ``def`` the module defines (only those that matter to a receiver)."""

    name: str
    # Dotted path inside the module, e.g. ``Handlers.on_save``.
    qualname: str
    params: tuple[Param, ...]
    is_async: bool
    # Name of the class whose body defines it, if any.
    class_name: str | None
    # True when defined inside another function (a closure).
    nested: bool
    # Decorators as written (dotted text), outermost first.
    decorators: tuple[str, ...]
    span: Span  # the function's name
    # ``x.save()`` statements of the body, with the guards that reach each.
    saves: tuple[SaveCall, ...] = ()
    # True when the body disconnects something (a common recursion guard).
    disconnects: bool = False
    # The calls the body makes while it runs (not in nested defs or on_commit()).
    calls: tuple[CallFact, ...] = ()

    @property
    def accepts_var_keyword(self) -> bool:
        return any(p.kind is ParamKind.VAR_KEYWORD for p in self.params)


class ReceiverKind(str, Enum):
    FUNCTION = "function"
    METHOD = "method"  # ``self.method`` / ``cls.method`` / ``Class.method``
    LAMBDA = "lambda"
    PARTIAL = "partial"
    TEMPORARY_BOUND_METHOD = "temporary-bound-method"  # ``Handler().on_save``
    UNKNOWN = "unknown"


class ConnectionStyle(str, Enum):
    DECORATOR = "decorator"  # @receiver(signal, ...)
    CONNECT = "connect"  # signal.connect(receiver, ...)
    DISCONNECT = "disconnect"  # signal.disconnect(receiver, ...)
    CONNECT_DECORATOR = "connect-decorator"  # @signal.connect


@dataclass(frozen=True)
class SignalUse:
    """An expression that names a signal, with the qualified names it may resolve to."""

    candidates: frozenset[str]
    text: str
    span: Span


@dataclass(frozen=True)
class Argument:
    """An argument as written at a call site: keyword (or None) and source text."""

    keyword: str | None
    text: str
    span: Span


@dataclass(frozen=True)
class Sender:
    """The ``sender=`` of a connection, as written and as far as it can be resolved."""

    text: str
    span: Span
    # The value when the sender is a string literal (a lazy "app_label.Model" reference).
    literal: str | None = None
    # Qualified names of the class it names (imports and the module's own classes).
    candidates: frozenset[str] = frozenset()
    # Equal for two senders that are one object at run time: ``app-config:LABEL`` for
    # ``apps.get_app_config("LABEL")``, ``local:NAME`` for a local of a function bound
    # once (a parameter, or one assignment among its body's statements).
    identity: str | None = None
    # "app_label.Model" when the sender is a local assigned ``apps.get_model(...)`` or,
    # in an AppConfig whose label is known, ``self.get_model("Model")``.
    model_reference: str | None = None


class GuardTest(str, Enum):
    """What a condition tests of the arguments a model signal passes, when it reads
    the receiver's own parameter (``created``) or its ``**kwargs`` (``kwargs.get(...)``)."""

    CREATED = "created"
    NOT_CREATED = "not-created"
    RAW = "raw"
    NOT_RAW = "not-raw"
    UPDATE_FIELDS = "update-fields"  # ``update_fields`` / ``update_fields is not None``
    NO_UPDATE_FIELDS = "no-update-fields"
    FIELD_UPDATED = "field-updated"  # ``"name" in update_fields``
    FIELD_NOT_UPDATED = "field-not-updated"  # ``"name" not in update_fields``
    UNKNOWN = "unknown"  # anything else


@dataclass(frozen=True)
class GuardAtom:
    test: GuardTest
    # For FIELD_UPDATED / FIELD_NOT_UPDATED: the field, and whether ``update_fields``
    # is read as ``(update_fields or ())`` (no TypeError when it is None).
    field: str = ""
    none_safe: bool = False


@dataclass(frozen=True)
class Guard:
    """A condition a statement can only be reached under: an enclosing ``if`` (or its
    ``else``), an early ``return``/``raise`` before it, or a loop, ``try``, ``with``
    around it (an UNKNOWN atom). It holds when each clause does; a clause holds when
    one of its atoms does, tried in source order."""

    text: str
    clauses: tuple[tuple[GuardAtom, ...], ...]


@dataclass(frozen=True)
class SaveCall:
    """``NAME.save(...)`` called as a statement in a function's body (not in a def or
    class nested in it), with the guards that must hold to reach it."""

    target: str
    span: Span
    # ``update_fields`` is passed (and not as ``None``), or may be (``**options``).
    has_update_fields: bool
    # The fields when ``update_fields`` is a literal list, tuple or set of strings.
    update_fields: tuple[str, ...] | None = None
    guards: tuple[Guard, ...] = ()


@dataclass(frozen=True)
class Connection:
    """A receiver connected (or disconnected) to one or more signals."""

    style: ConnectionStyle
    signals: tuple[SignalUse, ...]
    receiver_kind: ReceiverKind
    receiver_text: str
    # The receiver's definition when the module shows it; for a method reached
    # through an instance (``self.on_save``) the bound ``self`` is already dropped.
    function: FunctionFact | None
    bound: bool
    arguments: tuple[Argument, ...]
    span: Span
    # True when the connection happens at import time (module level or class body).
    at_module_level: bool
    sender: Sender | None = None
    # True for a statement of its function's own body (no branch, loop, ``try`` or
    # ``with`` around it): it runs, once, whenever the function does.
    unconditional: bool = False
    # For ``@receiver``: its index in the decorator list (0 is the outermost).
    decorator_index: int = 0
    # For a closure: whether its name is used anywhere else than in this connection
    # (stored, returned, ...), which keeps it alive.
    receiver_escapes: bool = False
    # The class or function whose body holds it (``ShopConfig.ready``); None at module level.
    owner: str | None = None
    # Qualified names the receiver may be; empty when unknown (lambda, partial, ...).
    receivers: frozenset[str] = frozenset()
    # The first parameter of the def whose body holds it (``request`` in a view).
    owner_parameter: str | None = None

    def argument(self, keyword: str, position: int | None = None) -> Argument | None:
        """The argument passed as ``keyword=`` or at ``position`` (counting the receiver)."""
        positional = [a for a in self.arguments if a.keyword is None]
        if position is not None and position < len(positional):
            return positional[position]
        return next((a for a in self.arguments if a.keyword == keyword), None)

    @property
    def dispatch_uid(self) -> Argument | None:
        """The ``dispatch_uid`` argument: by keyword, or fourth to ``connect()``."""
        position = 3 if self.style is ConnectionStyle.CONNECT else None
        return self.argument("dispatch_uid", position)

    @property
    def weak(self) -> Argument | None:
        """The ``weak`` argument: by keyword, or third to ``connect()``."""
        position = 2 if self.style is ConnectionStyle.CONNECT else None
        return self.argument("weak", position)


@dataclass(frozen=True)
class ModuleNameRef:
    """``from MODULE import NAME`` or ``MODULE.NAME`` where MODULE is a Django module
    the catalogue knows every name of."""

    module: str
    name: str
    span: Span
    via_import: bool


@dataclass(frozen=True)
class SignalDef:
    """``NAME = Signal()`` (or ``ModelSignal()``): a signal the project defines."""

    # ``module.NAME`` or ``module.Class.NAME``; None when not bound to a plain name.
    qualified_name: str | None
    model_signal: bool
    # Created inside a function: a new, unreachable object on every call.
    in_function: bool
    # The ``providing_args=`` argument, if given (removed in Django 4.0).
    providing_args: Argument | None
    span: Span
    # Created in a function and sent from that same function under the same name.
    sent_locally: bool = False


class SendMethod(str, Enum):
    SEND = "send"
    SEND_ROBUST = "send_robust"
    ASEND = "asend"
    ASEND_ROBUST = "asend_robust"


@dataclass(frozen=True)
class SendCall:
    """``SIGNAL.send(sender, **named)`` and its variants."""

    signal: SignalUse
    method: SendMethod
    arguments: tuple[Argument, ...]
    span: Span

    @property
    def keywords(self) -> frozenset[str]:
        return frozenset(a.keyword for a in self.arguments if a.keyword not in (None, "*", "**"))

    @property
    def passes_mapping(self) -> bool:
        """True for ``send(sender, **data)``: the keywords are not all visible."""
        return any(a.keyword == "**" for a in self.arguments)


@dataclass(frozen=True)
class ModelClass:
    """A class with bases, which may be a model: its ``ManyToManyField``s (their names,
    and the ``through=`` each names), whether its ``Meta`` says ``abstract = True``, and
    what every ``through=`` of its body names (a tagging manager's too).

    Whether it is a model is decided over the whole project, from ``bases``: the
    qualified names each base may be (see ``RuleContext.for_project``)."""

    qualified_name: str
    m2m_fields: tuple[tuple[str, str | None], ...]
    span: Span
    bases: tuple[frozenset[str], ...] = ()
    abstract: bool = False
    intermediates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A file that could not be checked, with a one-line reason."""

    code: str
    message: str
    span: Span = FILE_START


@dataclass(frozen=True)
class ModuleFacts:
    path: str
    # The dotted module name, when the file sits in a package tree (``__init__.py`` files).
    module: str | None = None
    connections: tuple[Connection, ...] = ()
    module_name_refs: tuple[ModuleNameRef, ...] = ()
    # Problems that kept the module from being analysed (syntax error, bad bytes).
    problems: tuple[Problem, ...] = ()
    signal_defs: tuple[SignalDef, ...] = ()
    send_calls: tuple[SendCall, ...] = ()
    model_classes: tuple[ModelClass, ...] = ()
    # What the module contributes to the whole-project picture (imports, apps, settings).
    wiring: Wiring | None = None


@dataclass(frozen=True)
class ProjectFacts:
    """Everything collected from every checked file, for rules that need the whole project."""

    modules: tuple[ModuleFacts, ...]
    # The project root the modules were collected from; None when only the given files
    # were seen (then rules that need the whole project stay silent).
    root: str | None = None
    # Absolute, normalised paths of the modules that connect receivers (the only ones
    # whose import is judged) and belong to a package distributed elsewhere: installed,
    # or with packaging metadata of its own and not a site. Its users may import what its
    # own code never does. Read from the disk by :mod:`signallint.layout`.
    distributed: frozenset[str] = frozenset()
    # What the running Django knows of the project's apps (its system check), in place
    # of the static picture's guesses; None everywhere else.
    runtime: RuntimeApps | None = None


@dataclass(frozen=True)
class RuntimeConfig:
    """The AppConfig the running Django created for one app."""

    package: str  # the app's package (``AppConfig.name``)
    directory: str  # where the package is (``AppConfig.path``), absolute
    config: str  # the qualified name of the AppConfig's class
    plain: bool  # Django's own ``AppConfig``: no subclass of it, so no ``ready()`` of ours


@dataclass(frozen=True)
class RuntimeApps:
    """The app registry of a running Django, as plain data: what the static analysis has
    to guess (which settings module, which INSTALLED_APPS, which AppConfig each app got)."""

    settings_module: str | None
    # INSTALLED_APPS as the settings give it: packages and AppConfig class paths.
    entries: tuple[str, ...]
    configs: tuple[RuntimeConfig, ...]


# -- whole-project wiring: which modules Django imports ------------------------------


@dataclass(frozen=True)
class BulkWrite:
    """``Model.objects....update()`` (or ``bulk_create()``/``bulk_update()``): rows saved
    without ``save()``. ``model`` is the name as written (``Order``, ``models.Order``)."""

    model: str
    method: str
    span: Span


@dataclass(frozen=True)
class ImportFact:
    """A module named by an ``import`` or ``from ... import`` statement.

    ``module`` is absolute (relative imports are placed with the module's package). For a
    ``from`` import, ``names`` are the imported names, each of which may be a submodule.
    ``owner`` is the dotted path of the class or function whose body holds the statement
    (``ShopConfig.ready``), or None at module level.
    """

    module: str
    names: tuple[str, ...] = ()
    is_from: bool = False
    owner: str | None = None
    # ``from m import y as z``: (imported name, name it is bound to) for each renamed name.
    renamed: tuple[tuple[str, str], ...] = ()
    # The leading dots of a relative import (``module`` is then placed with the package
    # the module has by its ``__init__.py`` chain; under another name it means another).
    level: int = 0
    # The statement runs whenever its module (or its ``owner`` function) does: no
    # ``if``, loop, ``match`` or ``except`` handler around it (``try`` and ``with``
    # bodies run). Unknown counts as False.
    unconditional: bool = False


class DynamicImportKind(str, Enum):
    MODULE = "module"  # importlib.import_module(), __import__(), runpy.run_module()
    STRING = "string"  # import_string("pkg.module.attribute")
    AUTODISCOVER = "autodiscover"  # autodiscover_modules("name"): <app>.name for every app
    FILE = "file"  # a module loaded from a file path (spec_from_file_location, run_path)


@dataclass(frozen=True)
class DynamicImport:
    """A call that imports a module named at runtime.

    ``names`` are what it may import: exact dotted names, or patterns in which ``*``
    stands for any text (``*.signals`` for ``import_module(f"{app}.signals")``). A name
    that cannot be related to any literal is ``*``.
    """

    kind: DynamicImportKind
    names: tuple[str, ...]
    owner: str | None
    # For a name that cannot be related to any literal: the identifier-like string
    # literals of the module (``"signals"`` in ``for name in ("signals", ...)``).
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClassFact:
    """A module-level class that may be an ``AppConfig``: every class of an ``apps``
    module, and elsewhere classes with a base whose name ends in ``Config``."""

    name: str
    qualified_name: str
    # What each base may refer to (qualified names; an empty set when unknown).
    bases: tuple[frozenset[str], ...]
    # ``default = True`` / ``default = False`` in the body; None when not assigned.
    default: bool | None
    # True when ``default`` is assigned something other than a literal True or False.
    default_unknown: bool
    # ``name = "..."`` and ``label = "..."`` in the body, when literal strings.
    app_name: str | None
    label: str | None
    methods: tuple[str, ...]
    span: Span


@dataclass(frozen=True)
class Member:
    """A name an ``apps`` module holds once it is imported that may be a class: what
    ``inspect.getmembers()`` lists for ``AppConfig.create()``. A class the module
    defines, a name it imports, or another name for one of those (``Alias = ShopConfig``:
    two members for one class); a name deleted with ``del`` is none."""

    name: str
    # The qualified name of what it is bound to ("shop.apps.ShopConfig",
    # "common.apps.BaseConfig"); None when unknown (``A if x else B``).
    target: str | None
    # Bound, rebound or deleted under ``if``/``try``/``with``/``for``: it may be absent
    # or something else at runtime.
    conditional: bool


@dataclass(frozen=True)
class InstalledApps:
    """The string entries a settings module puts in ``INSTALLED_APPS``, through list
    literals, names of such lists, ``+``, ``+=``, ``append``/``extend``/``insert``."""

    entries: tuple[str, ...]
    # False when some part is not built from string literals (computed, read from the
    # environment, imported).
    complete: bool


@dataclass(frozen=True)
class DefaultAppConfig:
    """``default_app_config = "..."`` at module level."""

    value: str | None
    span: Span


@dataclass(frozen=True)
class Wiring:
    """What one module contributes to the project's import graph, apps and settings."""

    # True when the module was not parsed: its imports come from the text scanner
    # (signallint.imports_scan) and it has no class, settings or dynamic-import facts.
    scanned: bool = False
    imports: tuple[ImportFact, ...] = ()
    # Quoted dotted names anywhere in the text ("shop.signals", "shop.apps.ShopConfig").
    strings: tuple[str, ...] = ()
    dynamic_imports: tuple[DynamicImport, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    # An ``apps`` module's members that may be classes; None in other modules, and
    # when a star import makes them unknown.
    members: tuple[Member, ...] | None = None
    installed_apps: InstalledApps | None = None
    # The text assigns INSTALLED_APPS somewhere (even in a class body): a settings module.
    assigns_installed_apps: bool = False
    # Values the module gives DJANGO_SETTINGS_MODULE.
    settings_modules: tuple[str, ...] = ()
    default_app_config: DefaultAppConfig | None = None
    # ``if __name__ == "__main__"``: run as a script.
    is_script: bool = False
    # False when the run had no project root: nothing asks which modules Django imports,
    # so an unparsed module's imports, strings and dynamic imports were not read.
    import_graph: bool = True
    # The names of a literal ``__all__ = [...]`` (what ``from module import *`` takes);
    # None when there is none, it is not a plain list of strings, or it changes later.
    exports: tuple[str, ...] | None = None
    # Bulk writes in the text (see ``bulk_writes.py``), for whole-project runs.
    bulk_writes: tuple[BulkWrite, ...] = ()
    # The bulk methods a QuerySet or Manager subclass of the module overrides.
    bulk_overrides: tuple[str, ...] = ()
    # Directories the module adds to ``sys.path`` when it runs (see ``sys_path.py``):
    # relative to the module's own directory with ``/`` (``../apps``), or absolute.
    sys_path: tuple[str, ...] = ()
