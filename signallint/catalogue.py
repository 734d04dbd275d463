"""Django's built-in signals as plain, version-aware data.

Every fact here was read from Django's own source (the ``send()``/``send_robust()``
call sites of each signal) for each supported release; ``tests/test_catalogue_django.py``
checks the records against the Django installed in the test environment.

Versions are ``(major, minor)`` tuples. Ranges are half-open: ``since`` is the first
release that has the thing, ``until`` the first release that no longer has it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

Version = tuple[int, int]

SUPPORTED_VERSIONS: tuple[Version, ...] = (
    (3, 2),
    (4, 0),
    (4, 1),
    (4, 2),
    (5, 0),
    (5, 1),
    (5, 2),
    (6, 0),
    (6, 1),
)
NEWEST_VERSION: Version = SUPPORTED_VERSIONS[-1]

# Every receiver is called as ``receiver(signal=self, sender=sender, **named)``
# (django/dispatch/dispatcher.py), so these two names are always passed.
DISPATCHER_KWARGS = frozenset({"signal", "sender"})


def in_range(version: Version, since: Version | None, until: Version | None) -> bool:
    return (since is None or version >= since) and (until is None or version < until)


def format_version(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


def parse_version(text: str) -> Version:
    """Parse ``"5.2"`` (or ``"5.2.7"``) into ``(5, 2)``; raise ValueError otherwise."""
    parts = text.strip().split(".")
    if len(parts) < 2 or not all(part.isdigit() for part in parts[:2]):
        raise ValueError(f"not a Django version: {text!r} (expected e.g. 5.2)")
    return int(parts[0]), int(parts[1])


@dataclass(frozen=True, slots=True)
class Kwarg:
    """One keyword argument that a signal's ``send()`` call sites pass."""

    name: str
    # False when only some call sites pass it (e.g. ``environ`` under WSGI only).
    always: bool = True
    since: Version | None = None
    until: Version | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class SignalSpec:
    """One built-in signal."""

    name: str
    # The module that defines the signal object.
    module: str
    kwargs: tuple[Kwarg, ...]
    # What Django passes as ``sender`` (human-readable).
    sender: str
    # True for ``ModelSignal``s, which also accept a lazy "app_label.ModelName" sender.
    model_signal: bool = False
    # Other modules from which the same object can be imported (supported re-exports).
    reexported_from: tuple[str, ...] = ()
    since: Version | None = None
    until: Version | None = None
    note: str = ""
    # False when the keywords are not all known (a project signal sent with ``**data``, or
    # never sent where we can see): rules then cannot say a keyword is never sent.
    kwargs_known: bool = True
    # The PyPI distribution that defines the signal (signallint/thirdparty.py has others).
    package: str = "django"
    # Third-party records: the package versions whose source was read, e.g. "65.0-65.3".
    verified: str = ""

    @property
    def qualified_name(self) -> str:
        return f"{self.module}.{self.name}" if self.module else self.name

    def exists_in(self, version: Version) -> bool:
        return in_range(version, self.since, self.until)

    def kwargs_in(self, version: Version) -> tuple[Kwarg, ...]:
        return tuple(kw for kw in self.kwargs if in_range(version, kw.since, kw.until))

    def always_sent(self, version: Version) -> frozenset[str]:
        return frozenset(kw.name for kw in self.kwargs_in(version) if kw.always)

    def sometimes_sent(self, version: Version) -> frozenset[str]:
        return frozenset(kw.name for kw in self.kwargs_in(version) if not kw.always)


# ---------------------------------------------------------------------------
# The signals
# ---------------------------------------------------------------------------
#
# How the records were made (see tests/test_catalogue_django.py for the checks):
#
# * Signals: every module-level ``X = Signal()`` / ``X = ModelSignal()`` in the
#   ``django`` package of the newest patch release of 3.2, 4.0, 4.1, 4.2, 5.0, 5.1,
#   5.2, 6.0 and 6.1 (an ast scan of the unpacked wheels). Removed signals were
#   found the same way in the wheels of 1.5-1.11, 2.1, 2.2 and 3.0.
# * Keyword arguments: every ``.send(`` / ``.send_robust(`` / ``.asend(`` /
#   ``.asend_robust(`` call on a signal anywhere in the wheel (also
#   ``sync_to_async(signal.send)(...)``), with the signal resolved through the
#   imports of the calling file. ``always=False`` means that some call site, or
#   some path into a call site that forwards ``**kwargs``, does not pass it.
#   ``since``/``until`` on a keyword are exact inside SUPPORTED_VERSIONS (each
#   series is checked in its own nox session: ``origin`` from 4.1, the migrate
#   signals' ``stdout`` from 4.0); below 3.2 they were read from older wheels
#   where that was cheap.
# * ``reexported_from``: a module is listed when Django's documentation names it
#   as the import path (``django.test.signals.setting_changed``), or when it is
#   the public package namespace of the app that defines the signal and imports
#   it at top level in every supported version (``django.contrib.auth`` imports
#   its three signals in ``__init__`` to send them from ``login()`` etc.; the
#   docs do not name that path, but it has worked since the signals were added
#   and real projects use it, so flagging it would only be noise).
#   Implementation modules that merely import a signal for their own use
#   (``django.db.models.base.post_save``, ``django.test.client.request_started``,
#   ``django.tasks.signals.setting_changed``, ``django.contrib.auth.apps.post_migrate``
#   …) are NOT listed: that they work is an accident that may change in any
#   release. ``MODULE_NAMES`` still knows that those names exist where relevant.


def _kw(
    name: str,
    *,
    always: bool = True,
    since: Version | None = None,
    until: Version | None = None,
    note: str = "",
) -> Kwarg:
    return Kwarg(name=name, always=always, since=since, until=until, note=note)


_MODELS = "django.db.models.signals"
_CORE = "django.core.signals"
_TEST = "django.test.signals"
_AUTH = "django.contrib.auth.signals"
_AUTORELOAD = "django.utils.autoreload"
_TASKS = "django.tasks.signals"
_COMMENTS = "django.contrib.comments.signals"
_COMMENTS_GONE = "django.contrib.comments was removed in 1.8 (now django-contrib-comments)"

SIGNALS: tuple[SignalSpec, ...] = (
    # --- django.db.models.signals ---------------------------------------------
    SignalSpec(
        name="pre_init",
        module=_MODELS,
        kwargs=(
            _kw("args", note="the positional arguments passed to __init__()"),
            _kw("kwargs", note="the keyword arguments passed to __init__()"),
        ),
        sender="the model class being instantiated",
        model_signal=True,
        note="no 'instance' is sent (the instance does not exist yet): only args and kwargs",
    ),
    SignalSpec(
        name="post_init",
        module=_MODELS,
        kwargs=(_kw("instance"),),
        sender="the model class of the new instance",
        model_signal=True,
        note="sent for every instance built, including every row loaded by a queryset",
    ),
    SignalSpec(
        name="pre_save",
        module=_MODELS,
        kwargs=(
            _kw("instance"),
            _kw("raw", note="True when saving exactly as presented (loaddata)"),
            _kw("using"),
            _kw("update_fields", note="None, or a frozenset of field names"),
        ),
        sender="the model class of the saved instance (the proxy class for a proxy instance)",
        model_signal=True,
        note="not sent by QuerySet.update(), bulk_create() or bulk_update()",
    ),
    SignalSpec(
        name="post_save",
        module=_MODELS,
        kwargs=(
            _kw("instance"),
            _kw("created"),
            _kw("update_fields", note="None, or a frozenset of field names"),
            _kw("raw", note="True when saving exactly as presented (loaddata)"),
            _kw("using"),
        ),
        sender="the model class of the saved instance (the proxy class for a proxy instance)",
        model_signal=True,
        note="not sent by QuerySet.update(), bulk_create() or bulk_update()",
    ),
    SignalSpec(
        name="pre_delete",
        module=_MODELS,
        kwargs=(
            _kw("instance"),
            _kw("using"),
            _kw(
                "origin",
                since=(4, 1),
                note="the Model instance or QuerySet whose delete() started the deletion",
            ),
        ),
        sender="the model class of each deleted instance (cascaded and parent rows included)",
        model_signal=True,
        note="not sent for rows of auto-created m2m through tables (use m2m_changed)",
    ),
    SignalSpec(
        name="post_delete",
        module=_MODELS,
        kwargs=(
            _kw("instance"),
            _kw("using"),
            _kw(
                "origin",
                since=(4, 1),
                note="the Model instance or QuerySet whose delete() started the deletion",
            ),
        ),
        sender="the model class of each deleted instance (cascaded and parent rows included)",
        model_signal=True,
        note="not sent for rows of auto-created m2m through tables (use m2m_changed)",
    ),
    SignalSpec(
        name="m2m_changed",
        module=_MODELS,
        kwargs=(
            _kw(
                "action",
                note="pre_add, post_add, pre_remove, post_remove, pre_clear or post_clear",
            ),
            _kw("instance"),
            _kw("reverse"),
            _kw("model"),
            _kw("pk_set", note="None for the *_clear actions"),
            _kw("using"),
            _kw(
                "raw",
                since=(6, 1),
                note="passed by every call site; True only when deserialization (loaddata) sets it",
            ),
        ),
        sender="the intermediate (through) model of the ManyToManyField, not either end's model",
        model_signal=True,
        note="sender is the through model (Pizza.toppings.through), never either end's model",
    ),
    SignalSpec(
        name="class_prepared",
        module=_MODELS,
        kwargs=(),
        sender="the model class just prepared",
        note="sent while models load: a receiver connected after that never sees them",
    ),
    SignalSpec(
        name="pre_migrate",
        module=_MODELS,
        kwargs=(
            _kw("app_config"),
            _kw("verbosity"),
            _kw("interactive"),
            _kw("using"),
            # emit_pre_migrate_signal() forwards **kwargs; its only caller in the
            # wheel is the migrate command (test-database creation runs migrate
            # too), which always passes stdout, apps and plan.
            _kw("apps", since=(1, 10)),
            _kw("plan", since=(1, 10)),
            _kw("stdout", since=(4, 0), note="undocumented"),
        ),
        sender="the AppConfig instance of each installed app that has a models module",
        note="sent by migrate only (even with nothing to migrate), once per app with models",
    ),
    SignalSpec(
        name="post_migrate",
        module=_MODELS,
        kwargs=(
            _kw("app_config"),
            _kw("verbosity"),
            _kw("interactive"),
            _kw("using"),
            # The migrate command passes these; flush and TransactionTestCase
            # (available_apps) call emit_post_migrate_signal() without them.
            _kw("apps", always=False, since=(1, 10), note="only from migrate, not from flush"),
            _kw("plan", always=False, since=(1, 10), note="only from migrate, not from flush"),
            _kw("stdout", always=False, since=(4, 0), note="only from migrate; undocumented"),
        ),
        sender="the AppConfig instance of each installed app that has a models module",
        note="also sent by flush and by TransactionTestCase, without apps/plan/stdout",
    ),
    SignalSpec(
        name="pre_syncdb",
        module=_MODELS,
        kwargs=(
            _kw("app"),
            _kw("create_models"),
            _kw("verbosity"),
            _kw("interactive"),
            _kw("db"),
        ),
        sender="the app's models module",
        until=(1, 9),
        note="removed in Django 1.9: use pre_migrate",
    ),
    SignalSpec(
        name="post_syncdb",
        module=_MODELS,
        kwargs=(
            _kw("app"),
            _kw("created_models"),
            _kw("verbosity"),
            _kw("interactive"),
            _kw("db"),
        ),
        sender="the app's models module",
        until=(1, 9),
        note="removed in Django 1.9: use post_migrate",
    ),
    # --- django.core.signals --------------------------------------------------
    SignalSpec(
        name="request_started",
        module=_CORE,
        kwargs=(
            _kw("environ", always=False, since=(1, 8), note="WSGI only (WSGIHandler, test Client)"),
            _kw(
                "scope",
                always=False,
                since=(3, 0),
                note="ASGI only (ASGIHandler, AsyncClient); undocumented",
            ),
        ),
        sender="the handler class (WSGIHandler, ASGIHandler, or the test client's handler class)",
        note="sends environ under WSGI and scope under ASGI, never both",
    ),
    SignalSpec(
        name="request_finished",
        module=_CORE,
        kwargs=(),
        # HttpResponseBase.close() sends sender=self._handler_class, which only the real
        # WSGIHandler/ASGIHandler set: under the test client the sender is None.
        sender="the handler class (WSGIHandler or ASGIHandler); None under the test client",
        note="sent when the response is closed (after streaming); sender None in the test client",
    ),
    SignalSpec(
        name="got_request_exception",
        module=_CORE,
        kwargs=(_kw("request"),),
        sender="None",
        note="sender is always None; not sent for Http404, PermissionDenied, BadRequest, etc.",
    ),
    SignalSpec(
        name="setting_changed",
        module=_CORE,
        kwargs=(
            _kw("setting"),
            _kw("value", note="the new value, or the restored one on exit"),
            _kw("enter", note="True when the override starts, False when it ends"),
        ),
        sender="the settings class (settings._wrapped.__class__)",
        reexported_from=(_TEST,),
        note="sent only by test tools (override_settings, modify_settings, available_apps)",
    ),
    # --- django.test.signals --------------------------------------------------
    SignalSpec(
        name="template_rendered",
        module=_TEST,
        kwargs=(_kw("template"), _kw("context")),
        sender="the Template object rendered",
        note="sent only while the test instrumentation is installed (setup_test_environment())",
    ),
    # --- django.db.backends.signals -------------------------------------------
    SignalSpec(
        name="connection_created",
        module="django.db.backends.signals",
        kwargs=(_kw("connection"),),
        sender="the DatabaseWrapper class of the backend",
    ),
    # --- django.contrib.auth.signals ------------------------------------------
    SignalSpec(
        name="user_logged_in",
        module=_AUTH,
        kwargs=(_kw("request"), _kw("user")),
        sender="the class of the user who logged in",
        reexported_from=("django.contrib.auth",),
    ),
    SignalSpec(
        name="user_logged_out",
        module=_AUTH,
        kwargs=(_kw("request"), _kw("user", note="None when the user was not authenticated")),
        sender="the class of the user who logged out (NoneType when not authenticated)",
        reexported_from=("django.contrib.auth",),
        note="user is None and sender is NoneType when logout() is called for an anonymous user",
    ),
    SignalSpec(
        name="user_login_failed",
        module=_AUTH,
        kwargs=(
            _kw("credentials", note="with sensitive values (e.g. password) masked"),
            _kw("request", since=(1, 11), note="may be None"),
        ),
        sender="the string 'django.contrib.auth'",
        reexported_from=("django.contrib.auth",),
        note="never sends 'user' (only credentials, request); sender is 'django.contrib.auth'",
    ),
    # --- django.utils.autoreload ----------------------------------------------
    SignalSpec(
        name="autoreload_started",
        module=_AUTORELOAD,
        kwargs=(),
        sender="the reloader instance (StatReloader or WatchmanReloader)",
        since=(2, 2),
        note="sent by runserver's autoreloader only; not in the docs' signal reference",
    ),
    SignalSpec(
        name="file_changed",
        module=_AUTORELOAD,
        kwargs=(_kw("file_path"),),
        sender="the reloader instance (StatReloader or WatchmanReloader)",
        since=(2, 2),
        note="a receiver returning True stops the reload; 'kind' (2.2's providing_args) isn't sent",
    ),
    # --- django.tasks.signals (6.0+) ------------------------------------------
    SignalSpec(
        name="task_enqueued",
        module=_TASKS,
        kwargs=(_kw("task_result"),),
        sender="the task backend class (passed positionally to send())",
        since=(6, 0),
        note="sent by the built-in Dummy and Immediate backends; others must send it",
    ),
    SignalSpec(
        name="task_started",
        module=_TASKS,
        kwargs=(_kw("task_result"),),
        sender="the task backend class",
        since=(6, 0),
        note="of the built-in backends only ImmediateBackend sends it",
    ),
    SignalSpec(
        name="task_finished",
        module=_TASKS,
        kwargs=(_kw("task_result"),),
        sender="the task backend class (passed positionally to send())",
        since=(6, 0),
        note="of the built-in backends only ImmediateBackend sends it (on success and on failure)",
    ),
    # --- django.contrib.comments.signals (removed with contrib.comments) -------
    SignalSpec(
        name="comment_will_be_posted",
        module=_COMMENTS,
        kwargs=(_kw("comment"), _kw("request")),
        sender="the comment model class",
        until=(1, 8),
        note=_COMMENTS_GONE,
    ),
    SignalSpec(
        name="comment_was_posted",
        module=_COMMENTS,
        kwargs=(_kw("comment"), _kw("request")),
        sender="the comment model class",
        until=(1, 8),
        note=_COMMENTS_GONE,
    ),
    SignalSpec(
        name="comment_was_flagged",
        module=_COMMENTS,
        kwargs=(_kw("comment"), _kw("flag"), _kw("created"), _kw("request")),
        sender="the comment model class",
        until=(1, 8),
        note=_COMMENTS_GONE,
    ),
)

# Calls that act outside the database (mail, task queues, HTTP): made directly in a
# receiver of a model signal they run inside the transaction, even when it rolls back
# (SIG216). Patterns of called names, matched with fnmatch; ``side-effect-calls`` in
# [tool.signallint] replaces them.
SIDE_EFFECT_CALLS: tuple[str, ...] = (
    "django.core.mail.send_mail",
    "django.core.mail.send_mass_mail",
    "django.core.mail.mail_admins",
    "django.core.mail.mail_managers",
    "django.core.mail.EmailMessage().send",
    "django.core.mail.EmailMultiAlternatives().send",
    "django.core.mail.message.EmailMessage().send",
    "django.core.mail.message.EmailMultiAlternatives().send",
    "*.delay",
    "*.apply_async",
    "*.send_task",
    "requests.get",
    "requests.post",
    "requests.put",
    "requests.patch",
    "requests.delete",
    "requests.request",
    "httpx.get",
    "httpx.post",
    "httpx.put",
    "httpx.patch",
    "httpx.delete",
    "httpx.request",
    "urllib.request.urlopen",
)

# ``from M import receiver`` works for these modules in every supported version.
RECEIVER_MODULES: tuple[str, ...] = ("django.dispatch", "django.dispatch.dispatcher")

# ---------------------------------------------------------------------------
# Names importable from the signal modules
# ---------------------------------------------------------------------------
#
# For every module that defines or re-exports a catalogued signal, and for
# django.dispatch / django.dispatch.dispatcher: the union over SUPPORTED_VERSIONS
# of every name ``from M import X`` accepts -- ``dir(M)`` after ``django.setup()``
# (private and imported names included) plus, for packages, the names of their
# submodules. Generated by importing each module in a throwaway virtualenv per
# release (newest patch of each series, 3.2-4.1 on Python 3.10); django.tasks.signals
# exists from 6.0.
# A name missing here raises ImportError in every supported version.
MODULE_NAMES: dict[str, frozenset[str]] = {
    "django.contrib.auth": frozenset(
        {
            "BACKEND_SESSION_KEY",
            "HASH_SESSION_KEY",
            "ImproperlyConfigured",
            "PermissionDenied",
            "REDIRECT_FIELD_NAME",
            "RemovedInDjango61Warning",
            "SESSION_KEY",
            "__builtins__",
            "__cached__",
            "__doc__",
            "__file__",
            "__loader__",
            "__name__",
            "__package__",
            "__path__",
            "__spec__",
            "_aget_user_session_key",
            "_clean_credentials",
            "_get_backend_from_user",
            "_get_backends",
            "_get_compatible_backends",
            "_get_user_session_key",
            "_set_auth_user",
            "aauthenticate",
            "acheck_password_with_timing_attack_mitigation",
            "admin",
            "aget_user",
            "alogin",
            "alogout",
            "apps",
            "aupdate_session_auth_hash",
            "authenticate",
            "backends",
            "base_user",
            "check_password_with_timing_attack_mitigation",
            "checks",
            "constant_time_compare",
            "context_processors",
            "decorators",
            "django_apps",
            "forms",
            "get_backends",
            "get_permission_codename",
            "get_user",
            "get_user_model",
            "handlers",
            "hashers",
            "import_string",
            "inspect",
            "load_backend",
            "login",
            "logout",
            "management",
            "middleware",
            "migrations",
            "mixins",
            "models",
            "password_validation",
            "re",
            "rotate_token",
            "sensitive_variables",
            "settings",
            "signals",
            "signature",
            "sync_to_async",
            "templatetags",
            "tokens",
            "update_session_auth_hash",
            "urls",
            "user_logged_in",
            "user_logged_out",
            "user_login_failed",
            "validators",
            "views",
            "warnings",
        }
    ),
    "django.contrib.auth.signals": frozenset(
        {
            "Signal",
            "__builtins__",
            "__cached__",
            "__doc__",
            "__file__",
            "__loader__",
            "__name__",
            "__package__",
            "__spec__",
            "user_logged_in",
            "user_logged_out",
            "user_login_failed",
        }
    ),
    "django.core.signals": frozenset(
        {
            "Signal",
            "__builtins__",
            "__cached__",
            "__doc__",
            "__file__",
            "__loader__",
            "__name__",
            "__package__",
            "__spec__",
            "got_request_exception",
            "request_finished",
            "request_started",
            "setting_changed",
        }
    ),
    "django.db.backends.signals": frozenset(
        {
            "Signal",
            "__builtins__",
            "__cached__",
            "__doc__",
            "__file__",
            "__loader__",
            "__name__",
            "__package__",
            "__spec__",
            "connection_created",
        }
    ),
    "django.db.models.signals": frozenset(
        {
            "ModelSignal",
            "Signal",
            "__builtins__",
            "__cached__",
            "__doc__",
            "__file__",
            "__loader__",
            "__name__",
            "__package__",
            "__spec__",
            "class_prepared",
            "m2m_changed",
            "make_model_tuple",
            "partial",
            "post_delete",
            "post_init",
            "post_migrate",
            "post_save",
            "pre_delete",
            "pre_init",
            "pre_migrate",
            "pre_save",
        }
    ),
    "django.dispatch": frozenset(
        {
            "Signal",
            "__builtins__",
            "__cached__",
            "__doc__",
            "__file__",
            "__loader__",
            "__name__",
            "__package__",
            "__path__",
            "__spec__",
            "dispatcher",
            "receiver",
        }
    ),
    "django.dispatch.dispatcher": frozenset(
        {
            "NONE_ID",
            "NO_RECEIVERS",
            "RemovedInDjango40Warning",
            "Signal",
            "__builtins__",
            "__cached__",
            "__doc__",
            "__file__",
            "__loader__",
            "__name__",
            "__package__",
            "__spec__",
            "_make_id",
            "_restore_context",
            "_run_parallel",
            "async_to_sync",
            "asyncio",
            "contextvars",
            "func_accepts_kwargs",
            "iscoroutinefunction",
            "logger",
            "logging",
            "receiver",
            "sync_to_async",
            "threading",
            "warnings",
            "weakref",
        }
    ),
    "django.tasks.signals": frozenset(
        {
            "Local",
            "Signal",
            "TaskResultStatus",
            "__builtins__",
            "__cached__",
            "__doc__",
            "__file__",
            "__loader__",
            "__name__",
            "__package__",
            "__spec__",
            "clear_tasks_handlers",
            "log_task_enqueued",
            "log_task_finished",
            "log_task_started",
            "logger",
            "logging",
            "receiver",
            "setting_changed",
            "sys",
            "task_enqueued",
            "task_finished",
            "task_started",
        }
    ),
    "django.test.signals": frozenset(
        {
            "COMPLEX_OVERRIDE_SETTINGS",
            "ConnectionRouter",
            "FORMAT_SETTINGS",
            "ImproperlyConfigured",
            "Local",
            "PY312",
            "Signal",
            "__builtins__",
            "__cached__",
            "__doc__",
            "__file__",
            "__loader__",
            "__name__",
            "__package__",
            "__spec__",
            "apps",
            "auth_password_validators_changed",
            "clear_cache_handlers",
            "clear_routers_cache",
            "clear_serializers_cache",
            "complex_setting_changed",
            "configure_logging",
            "connections",
            "empty",
            "file_storage_changed",
            "form_renderer_changed",
            "import_string",
            "language_changed",
            "localize_settings_changed",
            "os",
            "receiver",
            "reset_format_cache",
            "reset_template_engines",
            "root_urlconf_changed",
            "router",
            "setting_changed",
            "settings",
            "static_finders_changed",
            "static_storage_changed",
            "storages_changed",
            "template_rendered",
            "time",
            "timezone",
            "update_connections_time_zone",
            "update_installed_apps",
            "update_logging_config",
            "user_model_swapped",
            "warnings",
        }
    ),
    "django.utils.autoreload": frozenset(
        {
            "BaseReloader",
            "DJANGO_AUTORELOAD_ENV",
            "ModuleType",
            "Path",
            "Signal",
            "StatReloader",
            "WatchmanReloader",
            "WatchmanUnavailable",
            "__builtins__",
            "__cached__",
            "__doc__",
            "__file__",
            "__loader__",
            "__name__",
            "__package__",
            "__spec__",
            "_error_files",
            "_exception",
            "_url_module_exception",
            "apps",
            "autoreload_started",
            "cached_property",
            "check_errors",
            "common_roots",
            "defaultdict",
            "django",
            "ensure_echo_on",
            "file_changed",
            "functools",
            "get_child_arguments",
            "get_reloader",
            "get_version_tuple",
            "is_django_module",
            "is_django_path",
            "iter_all_python_module_files",
            "iter_modules_and_files",
            "itertools",
            "logger",
            "logging",
            "lru_cache",
            "os",
            "pywatchman",
            "raise_last_exception",
            "request_finished",
            "restart_with_reloader",
            "run_with_reloader",
            "signal",
            "start_django",
            "subprocess",
            "sys",
            "sys_path_directories",
            "termios",
            "threading",
            "time",
            "traceback",
            "trigger_reload",
            "weakref",
            "wraps",
            "zipimporter",
        }
    ),
}


# ---------------------------------------------------------------------------
# Lookups (pure functions over the data above, cached: the linter calls them per file)
# ---------------------------------------------------------------------------


@functools.cache
def signals_by_qualified_name(version: Version) -> dict[str, SignalSpec]:
    """Every importable qualified name of every signal that exists in ``version``.

    Both the defining module and each supported re-export are keys, e.g.
    ``"django.core.signals.setting_changed"`` and ``"django.test.signals.setting_changed"``.
    The returned dict is shared between callers: do not mutate it.
    """
    result: dict[str, SignalSpec] = {}
    for spec in SIGNALS:
        if not spec.exists_in(version):
            continue
        for module in (spec.module, *spec.reexported_from):
            result[f"{module}.{spec.name}"] = spec
    return result


@functools.cache
def find_signals_named(name: str) -> tuple[SignalSpec, ...]:
    """Every catalogued signal called ``name``, whatever its module or versions."""
    return tuple(spec for spec in SIGNALS if spec.name == name)


def module_has_name(module: str, name: str) -> bool | None:
    """Whether ``from module import name`` works in some supported version.

    None when ``module`` is not in MODULE_NAMES (nothing is known about it).
    """
    names = MODULE_NAMES.get(module)
    if names is None:
        return None
    return name in names
