"""The rule registry.

A rule is a pure function of facts and a :class:`~signallint.context.RuleContext` (the
target Django version and the known signals); it never reads the disk. It is registered
with :func:`rule` in its own module (named after its code and slug). Its docstring is its
documentation, printed by ``signallint explain CODE``. It declares every kind of message
it gives once, as a :class:`Message`: the first one is its summary, and its findings
format them.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, cast

from signallint.catalogue import Version, format_version, in_range
from signallint.facts import ModuleFacts, ProjectFacts, Span
from signallint.fixes import Fix as FixProposal

if TYPE_CHECKING:
    from signallint.context import RuleContext


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem a rule found: where, what it says, and the repair it proposes (see
    :mod:`signallint.fixes`), if any. A project rule says which file it is in."""

    span: Span
    message: str
    fix: FixProposal | None = None
    path: str | None = None


@dataclass(frozen=True)
class Message:
    """One kind of message a rule gives: a template whose ``{fields}`` the rule fills in.

    Declared once in the rule's module and given to :func:`rule`, so that what the rule
    says and what its summary says cannot drift apart (ruff's message formats).
    """

    template: str

    def format(self, **fields: object) -> str:
        return self.template.format(**fields)


ModuleCheck = Callable[[ModuleFacts, "RuleContext"], Iterable[Finding]]
ProjectCheck = Callable[[ProjectFacts, "RuleContext"], Iterable[Finding]]

# A rule lives in a module named after its code and what it finds (``sig001_...``): the
# registry imports every such module of this package, so a new rule is one new file.
RULE_MODULE_NAME = re.compile(r"sig[0-9]{3}_[a-z0-9_]+")


def rule_modules() -> tuple[str, ...]:
    """The names of the rule modules of this package, in order."""
    return tuple(
        sorted(
            module.name
            for module in pkgutil.iter_modules(__path__)
            if RULE_MODULE_NAME.fullmatch(module.name)
        )
    )


class Scope(str, Enum):
    """What a rule needs to see: one module, or every module of the project (CLI only)."""

    MODULE = "module"
    PROJECT = "project"


class Fix(str, Enum):
    NONE = "none"
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    # Every kind of message the rule gives; the first one is its summary.
    messages: tuple[Message, ...]
    function: Callable[..., Iterable[Any]]
    module: str
    scope: Scope = Scope.MODULE
    fix: Fix = Fix.NONE
    default_enabled: bool = True
    # The Django versions the rule applies to (half-open), as in the catalogue.
    since: Version | None = None
    until: Version | None = None
    # Whether the code it finds raises when it runs (True), from a Django release on (a
    # version), or misbehaves silently (False): an error or a warning in Django's checks.
    raises: bool | Version = False

    def raises_on(self, version: Version) -> bool:
        """Whether the code this rule finds raises on Django ``version``."""
        if isinstance(self.raises, bool):
            return self.raises
        return version >= self.raises

    @property
    def check(self) -> ModuleCheck:
        assert self.scope is Scope.MODULE, self.code
        return cast(ModuleCheck, self.function)

    @property
    def check_project(self) -> ProjectCheck:
        assert self.scope is Scope.PROJECT, self.code
        return cast(ProjectCheck, self.function)

    @property
    def summary(self) -> str:
        return self.messages[0].template

    @property
    def doc(self) -> str:
        import inspect

        return inspect.cleandoc(self.function.__doc__ or "")

    def applies_to(self, version: Version) -> bool:
        return in_range(version, self.since, self.until)

    @property
    def versions_text(self) -> str:
        if self.since is None and self.until is None:
            return "all"
        low = format_version(self.since) if self.since else ""
        high = format_version(self.until) if self.until else ""
        return f">={low}" if not high else f"<{high}" if not low else f">={low},<{high}"


# Problems that are not rule findings, with codes of their own so that reporters,
# selection and exit status treat them like any diagnostic. SIG501 to SIG505 are
# reported by ``signallint verify`` only (see :mod:`signallint.verify`).
PROBLEM_CODES = {
    "SIG501": ("receiver-not-live", "A receiver connected at start-up is not live after it."),
    "SIG502": (
        "receiver-unknown-statically",
        "A live receiver of the project is not in the static signal map.",
    ),
    "SIG503": ("dead-weak-reference", "A signal's registry holds a dead weak reference."),
    "SIG504": (
        "live-signature-mismatch",
        "A live receiver's signature cannot take what the signal sends.",
    ),
    "SIG505": (
        "receiver-live-twice",
        "A receiver of the project is live twice: its module runs under two names.",
    ),
    "SIG901": ("file-unreadable", "The file cannot be read or decoded."),
    "SIG902": ("file-unparsable", "The file is not valid Python syntax."),
    "SIG903": ("internal-error", "signallint failed on the file: a bug to report."),
}

# What ``signallint explain SIG5xx/SIG90x`` prints for each of them.
PROBLEM_DOCS = {
    "SIG501": """
    ## What it does
    Reported by `signallint verify` only, which starts the project (its settings and
    every `AppConfig.ready()`) and reads each signal's live receivers. It reports a
    receiver that the static map (`signallint map`) says is connected at start-up but
    that is not in the signal's registry afterwards, and says why when the source
    shows it: its `connect()` is under a condition in `ready()` that does not hold
    under these settings, it is disconnected, or a decorator under `@receiver`
    replaced it with an object the source does not show.

    ## Why is this bad?
    The receiver is never called under these settings. When the source shows no
    reason, the static map is wrong about it: `check` may be missing problems.

    ## What to do
    If it depends on a setting, verify again with the settings it is meant for
    (`--settings`). Otherwise connect it unconditionally, or report the static map's
    mistake.
    """,
    "SIG502": """
    ## What it does
    Reported by `signallint verify` only: a receiver defined in the project that is
    live in a signal's registry after start-up, but that the static map does not
    know. It was connected dynamically (a function chosen from a dict or with
    `getattr()`, a loop, a wrapper that replaced the decorated function), so `check`
    cannot see it.

    ## Why is this bad?
    The checks of the static map (signatures, senders, duplicates, import at
    start-up) do not apply to it.

    ## What to do
    Connect it where the source shows it (`@receiver`, or `signal.connect(function)`
    with the function named), or accept it: `--ignore SIG502`.
    """,
    "SIG503": """
    ## What it does
    Reported by `signallint verify` only: a dead weak reference in a signal's
    registry after start-up. A receiver connected with `weak=True` (the default) that
    nothing else holds, such as a lambda, a `functools.partial` or a bound method of
    a temporary object, was garbage-collected. This proves a SIG201 finding; it is
    placed at the receiver the static map expected to be collected when there is one.

    ## Why is this bad?
    The receiver is never called. Django removes the dead reference the next time the
    signal connects or sends, silently.

    ## What to do
    Connect it with `weak=False`, or keep a reference to it (a module-level function).
    """,
    "SIG504": """
    ## What it does
    Reported by `signallint verify` only: a live receiver of the project whose real
    signature (that of the object connected, decorators and wrappers included, read
    with `inspect.signature`) cannot take what the signal sends on the running Django:
    every receiver is called by keyword with `signal`, `sender` and the signal's
    arguments. It reports an argument always sent that no parameter takes, a required
    parameter the signal does not always send, and an argument sent on some calls
    that no parameter takes. A wrapper that only passes `*args, **kwargs` on is
    judged by what it wraps.

    ## Why is this bad?
    Sending the signal raises `TypeError` in the receiver (under `send_robust()` the
    error is swallowed and the receiver does nothing). A decorator can hide this from
    the source, and from `check`.

    ## What to do
    Give the receiver (or its wrapper) the parameters the signal sends, and
    `**kwargs`.
    """,
    "SIG505": """
    ## What it does
    Reported by `signallint verify` only: one function of the project (same file, line
    and qualified name, same sender) live twice on a signal after start-up, under two
    module names (`billing.signals.on_paid` and `apps.billing.signals.on_paid`): its
    module was imported once through each of two `sys.path` entries, which ran it twice.
    The static side of the same bug is SIG309.

    ## Why is this bad?
    The receiver runs twice for every send: two e-mails, two payments. Nothing fails.

    ## What to do
    Import the module under one name everywhere (the one its app is installed under),
    or give the connection a `dispatch_uid`.
    """,
    "SIG901": """
    ## What it does
    Reports a file that signallint could not read or decode, so could not check: it
    cannot be opened (permissions, deleted while running, a broken symbolic link, a path
    that does not exist), it is larger than 10 MB (generated data, not code), or its
    bytes are not text in its encoding (UTF-8 unless a BOM or a PEP 263 coding cookie
    such as `# -*- coding: latin-1 -*-` says otherwise). The message says which, and
    where the first undecodable byte is.

    ## Why is this bad?
    Nothing in the file is checked, and Python cannot import a module it cannot decode
    either.

    ## What to do
    Fix the path or the permissions, or save the file in the encoding it declares
    (UTF-8). To skip the file on purpose, exclude it (`extend-exclude`).
    """,
    "SIG902": """
    ## What it does
    Reports a file signallint parses that is not valid Python: a syntax error (with
    Python's own message and position when the running Python can compile the file's
    grammar), a null byte, or nesting too deep to parse. Only files that mention a
    signal (and, for the whole-project rules, `apps.py`, settings and AppConfig-like
    classes) are parsed, so a syntax error elsewhere is not reported.

    ## Why is this bad?
    Nothing in the file is checked, and importing the module raises `SyntaxError`.

    ## What to do
    Fix the syntax error (`python -m py_compile FILE` shows it too). A file written for
    a newer Python than the one running signallint may parse there: run signallint
    with that Python.
    """,
    "SIG903": """
    ## What it does
    Reports a file on which signallint itself failed: a bug in signallint, not in your
    code. The message names the exception and where it was raised; the run goes on
    with the other files.

    ## Why is this bad?
    The file is not checked.

    ## What to do
    Report it, with the message and, if you can, the smallest file that shows it.
    Meanwhile `# noqa` cannot silence it (the file could not be read for comments), but
    `per-file-ignores` can.
    """,
}

_REGISTRY: dict[str, Rule] = {}


def _register(
    scope: Scope,
    code: str,
    name: str,
    messages: tuple[Message, ...],
    fix: Fix,
    default_enabled: bool,
    since: Version | None,
    until: Version | None,
    raises: bool | Version,
) -> Callable[[Callable[..., Iterable[Any]]], Any]:
    def register(function: Callable[..., Iterable[Any]]) -> Callable[..., Iterable[Any]]:
        if code in _REGISTRY or code in PROBLEM_CODES:
            raise ValueError(f"rule code {code} registered twice")
        if not messages:
            raise ValueError(f"rule {code} declares no message")
        _REGISTRY[code] = Rule(
            code,
            name,
            messages,
            function,
            function.__module__,
            scope,
            fix,
            default_enabled,
            since,
            until,
            raises,
        )
        return function

    return register


def rule(
    code: str,
    name: str,
    *messages: Message,
    fix: Fix = Fix.NONE,
    default_enabled: bool = True,
    since: Version | None = None,
    until: Version | None = None,
    raises: bool | Version = False,
) -> Callable[[ModuleCheck], ModuleCheck]:
    """Register a module rule: a function of one module's facts. ``raises``: the code it
    finds raises when it runs (from that Django release on, given a version)."""
    return _register(Scope.MODULE, code, name, messages, fix, default_enabled, since, until, raises)


def project_rule(
    code: str,
    name: str,
    *messages: Message,
    fix: Fix = Fix.NONE,
    default_enabled: bool = True,
    since: Version | None = None,
    until: Version | None = None,
    raises: bool | Version = False,
) -> Callable[[ProjectCheck], ProjectCheck]:
    """Register a project rule: a function of every module's facts (CLI only)."""
    return _register(
        Scope.PROJECT, code, name, messages, fix, default_enabled, since, until, raises
    )


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    for module in rule_modules():
        importlib.import_module(f"{__name__}.{module}")
    return tuple(sorted(_REGISTRY.values(), key=lambda r: r.code))


def all_codes() -> tuple[str, ...]:
    return tuple(r.code for r in all_rules()) + tuple(PROBLEM_CODES)


def rule_by_code(code: str) -> Rule | None:
    return next((r for r in all_rules() if r.code == code), None)


def rule_by_name_or_code(key: str) -> Rule | None:
    key = key.strip()
    return next((r for r in all_rules() if key.upper() == r.code or key == r.name), None)


def problem_by_name_or_code(key: str) -> str | None:
    """The code of a problem (SIG901 to SIG903) given by code or name."""
    key = key.strip()
    return next(
        (code for code, (name, _) in PROBLEM_CODES.items() if key.upper() == code or key == name),
        None,
    )


def name_of(code: str) -> str:
    found = rule_by_code(code)
    if found is not None:
        return found.name
    return PROBLEM_CODES.get(code, (code.lower(), ""))[0]
