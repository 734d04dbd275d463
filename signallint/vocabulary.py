"""The words that can make a file matter, declared once, by the kind of fact they make.

The collector (signallint/collect/) makes facts from what a module spells; before it,
the screening decides from the text alone which files are parsed
(signallint/prefilter.py, signallint/sources.py), which statements of them
(signallint/slicing.py) and what an unparsed file imports (signallint/imports_scan.py).
A word the screening does not look for is a fact the collector never sees, so every
screening pattern is built from the words below, and a new spelling is added here once.
``tests/test_vocabulary.py`` checks the collector's own spellings and every fact of the
fixtures against these words.

Python's keywords (``import``, ``from``, ``class``) are the grammar's, not ours: the
scanners spell them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from signallint import catalogue
from signallint.facts import DynamicImportKind, SendMethod

# -- Connections (facts.Connection): ``@receiver(post_save)``, ``post_save.connect(f)``.

RECEIVER = "receiver"
CONNECT = "connect"
# ``disconnect`` is ``connect`` behind a prefix: one search for the word finds both.
DISCONNECT_PREFIX = "dis"
DISCONNECT = DISCONNECT_PREFIX + CONNECT
CONNECT_METHODS = (CONNECT, DISCONNECT)
# The package ``receiver`` and ``Signal`` come from (its import alone makes a file matter).
DISPATCH_PACKAGE = "django.dispatch"
# Every way to reach a signal object spells the name it was defined under. Third-party and
# declared signals are added by the engine (signallint/engine.py ``prefilter_for``).
DJANGO_SIGNAL_NAMES = frozenset(spec.name for spec in catalogue.SIGNALS)

# -- Signal definitions (facts.SignalDef): ``paid = Signal()``, ``ModelSignal()``.

SIGNAL_CLASS = "Signal"
MODEL_SIGNAL_CLASS = "ModelSignal"
SIGNAL_CLASSES = (SIGNAL_CLASS, MODEL_SIGNAL_CLASS)

# -- Send calls (facts.SendCall): ``paid.send(sender=Order)``.

SEND_METHODS = tuple(method.value for method in SendMethod)

# -- Module-name references (facts.ModuleNameRef): ``from django.db.models.signals import
# post_saved``, ``signals.post_saved``.

# The package of every module whose names the catalogue knows (catalogue.MODULE_NAMES).
WATCHED_PACKAGE = "django"
# The names whose import from any module of that package is checked
# (signallint/django_modules.py knows the modules that provide each).
IMPORT_CHECKED_NAMES = DJANGO_SIGNAL_NAMES | {RECEIVER, SIGNAL_CLASS}
# Those modules by their last part, as an attribute reaches them (``signals.X``).
WATCHED_MODULE_SUFFIXES = tuple(
    sorted({name.rsplit(".", 1)[-1] for name in catalogue.MODULE_NAMES})
)
# The last part of every module that defines a catalogued signal, the most common first
# (the screening tests them in this order).
_SIGNALS_PER_SUFFIX = Counter(spec.module.rsplit(".", 1)[-1] for spec in catalogue.SIGNALS)
SIGNAL_MODULE_SUFFIXES = tuple(suffix for suffix, _ in _SIGNALS_PER_SUFFIX.most_common())

# -- Model classes (facts.ModelClass): every class with bases, which may be a model (an
# ``m2m_changed`` receiver may name one as its sender), with its ``ManyToManyField``s,
# the ``through=`` models its fields name, and whether its ``Meta`` is ``abstract``.

M2M_FIELD = "ManyToManyField"
M2M_SIGNAL = "m2m_changed"
CLASS_KEYWORD = "class"
THROUGH = "through"
ABSTRACT = "abstract"
# ``apps.get_model("app_label", "Model")``, ``self.get_model("Model")`` in an AppConfig.
GET_MODEL = "get_model"

# -- Wiring (facts.Wiring): what Django imports.

# Callables that import a module named at runtime, by qualified name, and what the name
# they are called with means (see facts.DynamicImportKind).
DYNAMIC_IMPORTS = {
    "importlib.import_module": DynamicImportKind.MODULE,
    "importlib.__import__": DynamicImportKind.MODULE,
    "builtins.__import__": DynamicImportKind.MODULE,
    "runpy.run_module": DynamicImportKind.MODULE,
    "django.utils.module_loading.import_string": DynamicImportKind.STRING,
    "django.utils.module_loading.autodiscover_modules": DynamicImportKind.AUTODISCOVER,
    "runpy.run_path": DynamicImportKind.FILE,
    "importlib.util.spec_from_file_location": DynamicImportKind.FILE,
    "importlib.machinery.SourceFileLoader": DynamicImportKind.FILE,
    "imp.load_source": DynamicImportKind.FILE,
    "pkgutil.walk_packages": DynamicImportKind.FILE,
}
# The same callables as the text spells them: a wrapper or an alias the collector cannot
# follow is taken by its spelling.
DYNAMIC_IMPORT_SPELLINGS = {name.rsplit(".", 1)[1]: kind for name, kind in DYNAMIC_IMPORTS.items()}
# A class whose base ends with this may be an AppConfig.
APP_CONFIG_SUFFIX = "Config"
# In an apps module every class may be an AppConfig.
APPS_FILE = "apps.py"
APPS_MODULE_SUFFIX = ".apps"
# What settings and app modules assign.
INSTALLED_APPS = "INSTALLED_APPS"
DEFAULT_APP_CONFIG = "default_app_config"
SETTINGS_MODULE_VARIABLE = "DJANGO_SETTINGS_MODULE"


def is_apps_module(file_name: str, module_name: str | None = None) -> bool:
    """Whether a module (its file's name, without directories) is an app's apps module."""
    return file_name == APPS_FILE or (module_name or "").endswith(APPS_MODULE_SUFFIX)


def covering(words: Iterable[str]) -> tuple[str, ...]:
    """The words that hold none of the others: a text holds one of ``words`` only if it
    holds one of these (``send`` for ``send``, ``asend``, ``send_robust``...), so these
    are the substrings to test before a pattern of all of them."""
    unique = sorted(set(words), key=lambda word: (len(word), word))
    kept: list[str] = []
    for word in unique:
        if not any(shorter in word for shorter in kept):
            kept.append(word)
    return tuple(kept)
