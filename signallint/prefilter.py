"""Which files are worth parsing, decided from their bytes alone.

Parsing is the dominant cost, and in a real project only a few percent of the files can
hold anything a rule looks at. A file is parsed when its bytes show one of:

- an import from ``django.dispatch`` (``receiver``, ``Signal``, a misspelled
  ``reciver``...), or ``ModelSignal`` (a signal defined with Django's model signal
  class);
- ``connect``/``disconnect``/``receiver`` together with the name of a known signal
  (Django's, a catalogued package's, a declared one): every way to reach a signal object
  spells the name it was defined under;
- an import from a Django signals module that names something the module lacks in some
  supported version, an import of a signal, ``receiver`` or ``Signal`` from a Django
  module that lacks it in some supported version, or an attribute ``signals.X`` of such
  a module imported whole (``from django.db.models import signals``) that it lacks
  (checked here, on the text);
- after a first round: ``connect``/``receiver``/``send`` with the name of a signal the
  project defines, or ``class Name`` (or ``through`` and ``Name``) where ``Name`` is a
  class used as an ``m2m_changed`` sender (see :meth:`Prefilter.second_pass`).

Misses are possible only in recall (a ``send()`` of a built-in signal with bad arguments
in a file that neither connects nor imports wrongly is not looked at); a test runs the
whole analysis with and without the prefilter over the fixtures and Django's own source
and requires the same diagnostics.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from signallint import catalogue, vocabulary
from signallint.catalogue import SUPPORTED_VERSIONS
from signallint.facts import ModuleNameRef, Span


def _words(words: Iterable[str]) -> bytes:
    """``(?:a|b)`` for a pattern: the longest first."""
    ordered = sorted(words, key=len, reverse=True)
    return rb"(?:" + b"|".join(re.escape(word.encode()) for word in ordered) + rb")"


# ``django.dispatch``, or ``dispatch`` imported from ``django``.
_DISPATCH_PARENT, _, _DISPATCH = (
    part.encode() for part in vocabulary.DISPATCH_PACKAGE.rpartition(".")
)
_DISPATCH_IMPORT = re.compile(
    re.escape(vocabulary.DISPATCH_PACKAGE.encode())
    + rb"|from\s+"
    + re.escape(_DISPATCH_PARENT)
    + rb"\s+import\s*\(?[\w\s,]*?\b"
    + re.escape(_DISPATCH)
    + rb"\b"
)
_MODEL_SIGNAL = vocabulary.MODEL_SIGNAL_CLASS.encode()
_RECEIVER = vocabulary.RECEIVER.encode()
_CONNECT = vocabulary.CONNECT.encode()
_DISCONNECT_PREFIX = vocabulary.DISCONNECT_PREFIX.encode()
_PREFIX_LENGTH = len(_DISCONNECT_PREFIX)
_CONNECT_END = re.compile(re.escape(_CONNECT) + rb"\b")
_SEND_CALLS = vocabulary.covering(f".{method}" for method in vocabulary.SEND_METHODS)
_SEND_GUARDS = tuple(call.encode() for call in _SEND_CALLS)
_SEND = re.compile(rb"\." + _words(vocabulary.SEND_METHODS) + rb"\s*\(")


def _holds_any(data: bytes, needles: tuple[bytes, ...]) -> bool:
    # Not ``any(n in data for n in needles)``: a generator costs a microsecond per file.
    return any(map(data.__contains__, needles))


def _connect_word(data: bytes) -> bool:
    """Whether ``connect`` or ``disconnect`` occurs as a word.

    Searched from the literal end of the word: a pattern that starts with ``\\b`` makes
    the regex engine try every position of the file, which costs ten times more."""
    for match in _CONNECT_END.finditer(data):
        start = match.start()
        if data[max(start - _PREFIX_LENGTH, 0) : start] == _DISCONNECT_PREFIX:
            start -= _PREFIX_LENGTH
        before = data[max(start - 1, 0) : start]
        if not before or not (before.isalnum() or before == b"_"):
            return True
    return False


def _uses(data: bytes) -> bool:
    """``connect``/``disconnect``/``receiver``, substrings tested first."""
    return _RECEIVER in data or (_CONNECT in data and _connect_word(data))


def _uses_or_sends(data: bytes) -> bool:
    """What ``_uses`` finds, or ``.send(``/``.asend(``/``.send_robust(``."""
    return _uses(data) or (_holds_any(data, _SEND_GUARDS) and _SEND.search(data) is not None)


_SIGNAL_CLASS = vocabulary.SIGNAL_CLASS.encode()
_SIGNAL_ASSIGNMENT = re.compile(
    rb"^[ \t]*(\w+)[ \t]*(?::[^=\n]*)?=[ \t]*(?:[\w.]+\.)?"
    + re.escape(_SIGNAL_CLASS)
    + rb"[ \t]*\(",
    re.MULTILINE,
)
_M2M_SIGNAL = vocabulary.M2M_SIGNAL.encode()
_CLASS_WORD = vocabulary.CLASS_KEYWORD.encode()
_THROUGH = vocabulary.THROUGH.encode()
# ``sender=X`` in the same call as ``m2m_changed`` (before any closing parenthesis).
_SENDER_KEYWORD = re.compile(re.escape(_M2M_SIGNAL) + rb"[^)]{0,300}?\bsender[ \t]*=[ \t]*([\w.]+)")
_M2M_CONNECT = re.compile(
    rb"\b"
    + re.escape(_M2M_SIGNAL)
    + rb"[ \t]*\.[ \t]*"
    + re.escape(_CONNECT)
    + rb"[ \t]*\([ \t]*[\w.]+[ \t]*,[ \t]*([\w.]+)"
)
# The patterns below start with a word, not with ``^`` or ``\b``: the regex engine then
# jumps from one occurrence of the word to the next instead of trying every position,
# which is many times faster; where the line must start there, the caller checks.
# ``from django.x.y import a, b`` (parenthesised over several lines too), at a line start.
_WATCHED_PACKAGE = vocabulary.WATCHED_PACKAGE.encode()
_SIGNAL_MODULES = tuple(suffix.encode() for suffix in vocabulary.SIGNAL_MODULE_SUFFIXES)
_FROM_IMPORT = re.compile(
    rb"from[ \t]+("
    + re.escape(_WATCHED_PACKAGE)
    + rb"(?:\.\w+)*)[ \t]+import[ \t]*(\((?:[^)#]|#[^\n]*)*\)|[^\n#;]*)"
)
# ``import django.db.models.signals as s`` (at a line start) or
# ``django.db.models.signals.X``: the module is used as an object, so any attribute of it
# may be wrong.
_IMPORT_MODULE = re.compile(
    rb"import[ \t]+"
    + re.escape(_WATCHED_PACKAGE)
    + rb"\.[\w.]*"
    + _words(vocabulary.SIGNAL_MODULE_SUFFIXES)
    + rb"\b"
)
_MODULE_PATH = re.compile(
    re.escape(_WATCHED_PACKAGE)
    + rb"(?<!\w"
    + re.escape(_WATCHED_PACKAGE)
    + rb")(?:\.\w+)+\."
    + _words(vocabulary.SIGNAL_MODULE_SUFFIXES)
    + rb"\.\w"
)


# The modules whose every name is judged, and their packages (``from django.db.models
# import signals`` brings one in whole).
_KNOWN_AND_PARENTS = frozenset(
    ".".join(parts[:end])
    for parts in (module.split(".") for module in catalogue.MODULE_NAMES)
    for end in range(1, len(parts) + 1)
)
# A name whose import from any Django module is judged.
_CHECKED_NAME = re.compile(rb"\b" + _words(vocabulary.IMPORT_CHECKED_NAMES) + rb"\b")


def _at_line_starts(pattern: re.Pattern[bytes], data: bytes) -> Iterator[re.Match[bytes]]:
    """Matches of ``pattern`` with nothing but spaces and tabs before them on their line
    (as ``^[ \t]*`` in multi-line mode would find them)."""
    position = 0
    while (match := pattern.search(data, position)) is not None:
        line_start = data.rfind(b"\n", 0, match.start()) + 1
        if data[line_start : match.start()].strip(b" \t"):
            position = match.start() + 1  # the text it took may hold a match that counts
        else:
            yield match
            position = match.end()


def _names(text: bytes) -> list[tuple[str, str]]:
    """``(name, bound_as)`` for the names of a from-import's text."""
    found = []
    for part in text.strip(b"() \t\r\n").split(b","):
        words = part.split(b"#")[0].split()
        if not words:
            continue
        name = words[0].decode("ascii", "replace")
        bound = words[2].decode("ascii", "replace") if len(words) == 3 else name
        found.append((name, bound))
    return found


@functools.lru_cache(maxsize=64)
def _words_pattern(names: frozenset[str]) -> re.Pattern[bytes] | None:
    words = sorted(names, key=len, reverse=True)
    if not words:
        return None
    return re.compile(rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in words) + rb")\b")


@functools.lru_cache(maxsize=64)
def _class_pattern(names: frozenset[str]) -> re.Pattern[bytes] | None:
    """``class Name`` for any of ``names`` (from the literal word: see ``_CONNECT_END``)."""
    words = sorted(names, key=len, reverse=True)
    if not words:
        return None
    alternatives = b"|".join(re.escape(w.encode()) for w in words)
    return re.compile(_CLASS_WORD + rb"[ \t]+(?:" + alternatives + rb")\b")


@functools.lru_cache(maxsize=64)
def _class_bases_pattern(names: frozenset[str]) -> re.Pattern[bytes]:
    """``class Name(bases)`` for any of ``names``: the bases' text as group 1."""
    alternatives = b"|".join(re.escape(w.encode()) for w in sorted(names, key=len, reverse=True))
    return re.compile(_CLASS_WORD + rb"[ \t]+(?:" + alternatives + rb")[ \t]*\(([^)]*)\)")


class Prefilter:
    def __init__(self, extra_signal_names: Iterable[str] = ()):
        names = vocabulary.DJANGO_SIGNAL_NAMES | set(extra_signal_names)
        self._signal_names = self._alternation(names)

    @staticmethod
    def _alternation(names: Iterable[str]) -> re.Pattern[bytes] | None:
        return _words_pattern(frozenset(names))

    def first_pass(self, data: bytes) -> bool:
        """True when the file can matter without knowing anything about the project."""
        if _DISPATCH in data and _DISPATCH_IMPORT.search(data):
            return True
        if _MODEL_SIGNAL in data:
            return True  # a signal of the project's own, defined without django.dispatch
        names = self._signal_names
        # Plain substring tests first: they are many times faster than any pattern.
        if names is not None and _uses(data) and names.search(data):
            return True
        if _WATCHED_PACKAGE in data:
            return self._suspicious_imports(data, _holds_any(data, _SIGNAL_MODULES))
        return False

    def second_pass(
        self, data: bytes, project_signals: frozenset[str], m2m_senders: frozenset[str]
    ) -> bool:
        """For a file the first pass rejected: does it use a signal the project defines,
        or declare a model that some ``m2m_changed`` receiver uses as its sender?"""
        return self.uses_project_signal(data, project_signals) or self.declares_m2m_sender(
            data, m2m_senders
        )

    def uses_project_signal(self, data: bytes, project_signals: frozenset[str]) -> bool:
        if project_signals and _uses_or_sends(data):
            pattern = self._alternation(project_signals)
            return pattern is not None and pattern.search(data) is not None
        return False

    def declares_m2m_sender(self, data: bytes, m2m_senders: frozenset[str]) -> bool:
        """Whether the file may define a model used as an ``m2m_changed`` sender, or name
        one as an intermediate model (``through=``): a ``class`` or ``through`` with
        the sender's name."""
        if not m2m_senders:
            return False
        if _THROUGH in data:
            pattern = self._alternation(m2m_senders)
            if pattern is not None and pattern.search(data) is not None:
                return True
        if _CLASS_WORD in data:
            definition = _class_pattern(m2m_senders)
            return definition is not None and definition.search(data) is not None
        return False

    @staticmethod
    def bases_of(data: bytes, names: frozenset[str]) -> set[str]:
        """The last part of every base ``class Name(...)`` gives, for ``Name`` of
        ``names`` (``Stamped`` of ``class Book(core.Stamped, models.Model)``; not
        Django's ``Model`` itself)."""
        found: set[str] = set()
        if not names or _CLASS_WORD not in data:
            return found
        pattern = _class_bases_pattern(names)
        for match in pattern.finditer(data):
            for base in match.group(1).split(b","):
                name = base.strip().rsplit(b".", 1)[-1].decode("ascii", "replace")
                if name.isidentifier() and name[:1].isupper() and name != "Model":
                    found.add(name)
        return found

    @staticmethod
    def demand_hint(data: bytes) -> tuple[set[str], set[str]]:
        """From the text of a file the first pass let through: the names of the signals
        it likely defines, and of the classes it likely uses as ``m2m_changed`` senders,
        so that the second pass can start before the first round is parsed. A guess, in
        both directions (``ModelSignal()`` subclasses, odd spellings): the second pass
        runs again once the first round's facts are known."""
        signals = set()
        if _SIGNAL_CLASS in data:
            signals = {m.decode("ascii", "replace") for m in _SIGNAL_ASSIGNMENT.findall(data)}
        senders: set[str] = set()
        if _M2M_SIGNAL in data:
            for match in (*_SENDER_KEYWORD.findall(data), *_M2M_CONNECT.findall(data)):
                # ``Book`` of ``Book.authors`` too.
                for part in match.split(b".")[-2:]:
                    name = part.decode("ascii", "replace")
                    # A class: ``sender=self.model`` or ``sender=None`` names nothing known.
                    if name[:1].isupper() and name not in ("None", "True", "False"):
                        senders.add(name)
        return signals, senders

    def _suspicious_imports(self, data: bytes, signal_modules: bool) -> bool:
        """Whether an import from a Django module the catalogue knows, or of a signal,
        ``receiver`` or ``Signal`` from any Django module, may be wrong (``signal_modules``:
        whether the text names a module that defines signals)."""
        from signallint.module_names import Verdict, is_checked, judge

        nowhere = Span(0, 0, 0, 0)

        def fine(module: str, name: str) -> bool:
            ref = ModuleNameRef(module, name, nowhere, via_import=True)
            # Files are screened once for every target version.
            return all(judge(ref, v).verdict is Verdict.FINE for v in SUPPORTED_VERSIONS)

        for match in _at_line_starts(_FROM_IMPORT, data):
            module = match.group(1).decode("ascii")
            if module not in _KNOWN_AND_PARENTS and _CHECKED_NAME.search(match.group(2)) is None:
                continue  # names nothing the import rules judge
            for name, bound in _names(match.group(2)):
                if name == "*":
                    continue
                submodule = f"{module}.{name}"
                if submodule in catalogue.MODULE_NAMES:
                    # The module itself is imported: every ``bound.X`` must be right.
                    word = re.escape(bound.encode())
                    attributes = word + rb"(?<!\w" + word + rb")[\s\\]*\.[\s\\]*(\w+)"
                    for attribute in re.findall(attributes, data):
                        if not fine(submodule, attribute.decode("ascii", "replace")):
                            return True
                    continue
                if is_checked(module, name) and not fine(module, name):
                    return True
        return signal_modules and (
            next(_at_line_starts(_IMPORT_MODULE, data), None) is not None
            or _MODULE_PATH.search(data) is not None
        )
