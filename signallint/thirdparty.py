"""Signals of widely used third-party Django packages, as plain data.

Same record types as :mod:`signallint.catalogue` (``SignalSpec``, ``Kwarg``), with
``package`` (the PyPI distribution) and ``verified`` set. Every fact was read from the
package's own source; ``tests/test_thirdparty_catalogue.py`` checks the records against
whichever of these packages are installed (``nox -s thirdparty`` installs them all).

Conventions (they differ from the Django records):

* ``since``/``until`` on records and keywords are *Django* versions and stay None here:
  package-version differences are in ``verified`` and ``note``.
* ``verified`` lists the package versions whose source was read, as ``major.minor``
  ranges (``"0.61-65.21"``) or single versions, comma-separated; within a range the
  newest patch release of *every* minor series was read. A record whose range stops
  before the package's newest verified version describes something later removed (the
  note says so); a range that starts later than the package's oldest one describes
  something added then.
* A keyword that a package release added says so in its note, exactly as
  ``"added in X.Y"`` (the tests parse that phrase); ``always`` describes the newest
  releases.
* ``always=False``: some call site, or some path into a call site that forwards
  ``**kwargs``, does not pass the keyword.
* ``reexported_from`` lists only import paths the package documents or that its public
  package namespace provides; implementation modules that merely import a signal to
  send it (``wagtail.documents.views.serve.document_served``) are not listed.

How the records were made: the wheel (the sdist where there is none: allauth up to
65.12) of the newest patch of each minor series in the ``verified`` ranges was unpacked,
every module-level ``X = Signal()`` outside test directories was listed, and every
``.send(`` / ``.send_robust(`` / ``.asend(`` / ``.asend_robust(`` call on those signals
was read, following ``**kwargs`` back to the callers that fill them.
"""

from __future__ import annotations

import functools
import re

from signallint.catalogue import Kwarg, SignalSpec, Version

# PyPI distribution -> the top-level import package it installs.
THIRD_PARTY_PACKAGES: dict[str, str] = {
    "django-allauth": "allauth",
    "django-axes": "axes",
    "django-import-export": "import_export",
    "django-registration": "django_registration",
    "django-simple-history": "simple_history",
    "wagtail": "wagtail",
}

# Django's own signals that a third-party package re-exports under a documented path:
# the same object, so receivers get exactly what the Django record says.
# (allauth's docs list ``allauth.account.signals.user_logged_out``; note that
# ``allauth.account.signals.user_logged_in`` is NOT Django's: it is allauth's own.)
DJANGO_SIGNALS_REEXPORTED: dict[str, str] = {
    "allauth.account.signals.user_logged_out": "django.contrib.auth.signals.user_logged_out",
}


def _kw(name: str, *, always: bool = True, note: str = "") -> Kwarg:
    return Kwarg(name=name, always=always, note=note)


_ALLAUTH = "django-allauth"
_AXES = "django-axes"
_IMPORT_EXPORT = "django-import-export"
_REGISTRATION = "django-registration"
_HISTORY = "django-simple-history"
_WAGTAIL = "wagtail"

_ACCOUNT = "allauth.account.signals"
_MFA = "allauth.mfa.signals"
_SOCIAL = "allauth.socialaccount.signals"
_USERSESSIONS = "allauth.usersessions.signals"
_ALLAUTH_ALL = "0.61-65.21"
_ALLAUTH_CODES = "65.16-65.21"
_USER_CLASS = "the class of the user (user.__class__)"
_EMAIL_SENDER = "EmailAddress (the model class) from 65.0; before 65.0 the user's class"
_CODE_REJECTED = "sent only when the code process has a user; added in allauth 65.16"
_MFA_REQUEST = "added in 0.62"

_WAGTAIL_ALL = "5.2-8.0"
_PAGE_CLASS = "the specific page class (page.specific_class)"
_CREATE_VIEW = "the page CreateView class (wagtail.admin.views.pages.create.CreateView)"
_WORKFLOW_STATE = "the WorkflowState class"
_TASK_STATE = "the specific TaskState class of the task state (task_state.specific)"
_MAY_BE_NONE = "may be None"

_HISTORY_ALL = "2.12, 3.0-3.13"
_HISTORY_M2M = "3.3-3.13"
_HISTORY_SENDER = "the historical model class (e.g. HistoricalPoll), not the tracked model"
_HISTORY_M2M_SENDER = "the historical m2m model class of the field (one send per m2m field)"
_HISTORY_KWARGS = (
    _kw("instance", note="the tracked model instance"),
    _kw("history_instance", note="the (pre_: unsaved) historical record"),
    _kw("history_date"),
    _kw("history_user", note=_MAY_BE_NONE),
    _kw("history_change_reason", note=_MAY_BE_NONE),
    _kw("using", note="None unless the HistoricalRecords(use_base_model_db=True)"),
)
_HISTORY_NOTE = "not sent by bulk_create_with_history() / bulk_history_create()"

THIRD_PARTY_SIGNALS: tuple[SignalSpec, ...] = (
    # --- django-allauth: allauth.account.signals -------------------------------
    SignalSpec(
        name="_add_email",
        module=_ACCOUNT,
        kwargs=(_kw("email", note="the address being added (a str)"), _kw("user")),
        sender="the class of the user adding the address (self.user.__class__)",
        note="private: sent by AddEmailForm.clean_email(); allauth.mfa raises from a receiver",
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="authentication_step_completed",
        module=_ACCOUNT,
        kwargs=(
            _kw("request"),
            _kw("user"),
            _kw("method", note="'password', 'code', 'password_reset', 'socialaccount' or 'mfa'"),
            _kw("email", always=False, note="password login by email, login by code, reset"),
            _kw("id", always=False, note="method 'mfa': the Authenticator's pk"),
            _kw("passwordless", always=False, note="method 'mfa', passkey login only"),
            _kw("phone", always=False, note="login by code, password reset by phone"),
            _kw("provider", always=False, note="method 'socialaccount'"),
            _kw("reauthenticated", always=False, note="reauthentication only"),
            _kw("type", always=False, note="method 'mfa': the Authenticator's type"),
            _kw("uid", always=False, note="method 'socialaccount'"),
            _kw("username", always=False, note="password login by username"),
        ),
        sender=_USER_CLASS,
        note=(
            "added in allauth 65.10; the extra keywords depend on method; the user is not"
            " necessarily logged in yet (e.g. 2FA pending)"
        ),
        package=_ALLAUTH,
        verified="65.10-65.21",
    ),
    SignalSpec(
        name="email_added",
        module=_ACCOUNT,
        kwargs=(_kw("request"), _kw("user"), _kw("email_address")),
        sender=_EMAIL_SENDER,
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="email_changed",
        module=_ACCOUNT,
        kwargs=(
            _kw("request"),
            _kw("user"),
            _kw("from_email_address", note="the previous primary EmailAddress, may be None"),
            _kw("to_email_address"),
        ),
        sender=_EMAIL_SENDER,
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="email_confirmation_sent",
        module=_ACCOUNT,
        kwargs=(
            _kw("request"),
            _kw("confirmation", note="EmailConfirmation(HMAC), or the code verification process"),
            _kw("signup"),
        ),
        sender=(
            "the class of the confirmation: EmailConfirmation or EmailConfirmationHMAC, or"
            " EmailVerificationProcess when verification is by code"
        ),
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="email_confirmed",
        module=_ACCOUNT,
        kwargs=(_kw("request"), _kw("email_address")),
        sender=(
            "EmailAddress (the model class) from 64.2; before 64.2 the EmailConfirmation or"
            " EmailConfirmationHMAC class"
        ),
        note="no 'user' keyword: use email_address.user",
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="email_removed",
        module=_ACCOUNT,
        kwargs=(_kw("request"), _kw("user"), _kw("email_address")),
        sender=_EMAIL_SENDER,
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="email_verification_code_rejected",
        module=_ACCOUNT,
        kwargs=(_kw("request"), _kw("user"), _kw("last_attempt")),
        sender="the EmailVerificationProcess class",
        note=_CODE_REJECTED,
        package=_ALLAUTH,
        verified=_ALLAUTH_CODES,
    ),
    SignalSpec(
        name="login_code_rejected",
        module=_ACCOUNT,
        kwargs=(_kw("request"), _kw("user"), _kw("last_attempt")),
        sender="the LoginCodeVerificationProcess class",
        note=_CODE_REJECTED,
        package=_ALLAUTH,
        verified=_ALLAUTH_CODES,
    ),
    SignalSpec(
        name="password_changed",
        module=_ACCOUNT,
        kwargs=(_kw("request"), _kw("user")),
        sender=_USER_CLASS,
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="password_reset",
        module=_ACCOUNT,
        kwargs=(_kw("request"), _kw("user")),
        sender=_USER_CLASS,
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="password_reset_code_rejected",
        module=_ACCOUNT,
        kwargs=(_kw("request"), _kw("user"), _kw("last_attempt")),
        sender="the PasswordResetVerificationProcess class",
        note=_CODE_REJECTED,
        package=_ALLAUTH,
        verified=_ALLAUTH_CODES,
    ),
    SignalSpec(
        name="password_set",
        module=_ACCOUNT,
        kwargs=(_kw("request"), _kw("user")),
        sender=_USER_CLASS,
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="user_logged_in",
        module=_ACCOUNT,
        kwargs=(
            _kw("request"),
            _kw("response", note="the response allauth is about to return"),
            _kw("user"),
            _kw("sociallogin", always=False, note="social logins only (signal_kwargs)"),
        ),
        sender=_USER_CLASS,
        note=(
            "allauth's own signal, not django.contrib.auth.signals.user_logged_in"
            " (Django's is sent too, by django.contrib.auth.login())"
        ),
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="user_signed_up",
        module=_ACCOUNT,
        kwargs=(
            _kw("request"),
            _kw("user"),
            _kw("sociallogin", always=False, note="social signups only (signal_kwargs)"),
        ),
        sender=_USER_CLASS,
        note="usually followed by user_logged_in (unless email verification blocks the login)",
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    # --- django-allauth: allauth.mfa.signals ------------------------------------
    SignalSpec(
        name="authentication_failed",
        module=_MFA,
        kwargs=(
            _kw("request"),
            _kw("user"),
            _kw("authenticator"),
            _kw("reauthentication", note="a bool"),
        ),
        sender="the Authenticator model class",
        note="added in allauth 65.16; sent when an MFA code is wrong",
        package=_ALLAUTH,
        verified=_ALLAUTH_CODES,
    ),
    SignalSpec(
        name="authenticator_added",
        module=_MFA,
        kwargs=(_kw("request", note=_MFA_REQUEST), _kw("user"), _kw("authenticator")),
        sender="the Authenticator model class",
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="authenticator_removed",
        module=_MFA,
        kwargs=(_kw("request", note=_MFA_REQUEST), _kw("user"), _kw("authenticator")),
        sender="the Authenticator model class",
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="authenticator_reset",
        module=_MFA,
        kwargs=(_kw("request", note=_MFA_REQUEST), _kw("user"), _kw("authenticator")),
        sender="the Authenticator model class",
        note="sent when recovery codes are regenerated",
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="authenticator_used",
        module=_MFA,
        kwargs=(
            _kw("request"),
            _kw("user"),
            _kw("authenticator"),
            _kw("reauthenticated", note="a bool"),
            _kw("passwordless", note="a bool"),
        ),
        sender="the Authenticator model class",
        note="added in allauth 65.16",
        package=_ALLAUTH,
        verified=_ALLAUTH_CODES,
    ),
    # --- django-allauth: allauth.socialaccount.signals ---------------------------
    SignalSpec(
        name="pre_social_login",
        module=_SOCIAL,
        kwargs=(_kw("request"), _kw("sociallogin")),
        sender="the SocialLogin class",
        note="sent before the social login/signup/connect is processed",
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="social_account_added",
        module=_SOCIAL,
        kwargs=(_kw("request"), _kw("sociallogin")),
        sender="the SocialLogin class",
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="social_account_removed",
        module=_SOCIAL,
        kwargs=(_kw("request"), _kw("socialaccount", note="not 'sociallogin'")),
        sender="the SocialAccount model class",
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    SignalSpec(
        name="social_account_updated",
        module=_SOCIAL,
        kwargs=(_kw("request"), _kw("sociallogin")),
        sender="the SocialLogin class",
        package=_ALLAUTH,
        verified=_ALLAUTH_ALL,
    ),
    # --- django-allauth: allauth.usersessions.signals ----------------------------
    SignalSpec(
        name="session_client_changed",
        module=_USERSESSIONS,
        kwargs=(_kw("request"), _kw("from_session"), _kw("to_session")),
        sender="the UserSession model class",
        note="added in allauth 65.0; sent when a session's IP address or user agent changes",
        package=_ALLAUTH,
        verified="65.0-65.21",
    ),
    # --- django-axes --------------------------------------------------------------
    SignalSpec(
        name="user_locked_out",
        module="axes.signals",
        kwargs=(_kw("request"), _kw("username", note=_MAY_BE_NONE), _kw("ip_address")),
        sender="the string 'axes' (passed positionally to send())",
        note="sent by the database and cache handlers (not the dummy one) on lockout",
        package=_AXES,
        verified="5.41, 6.0-8.3",
    ),
    # --- django-import-export -----------------------------------------------------
    SignalSpec(
        name="post_export",
        module="import_export.signals",
        kwargs=(_kw("model", note="the model class exported"),),
        sender="None",
        note="sent by the admin export view (ExportMixin) and ExportViewFormMixin, not by Resource",
        package=_IMPORT_EXPORT,
        verified="3.0-4.4",
    ),
    SignalSpec(
        name="post_import",
        module="import_export.signals",
        kwargs=(_kw("model", note="the model class imported"),),
        sender="None",
        note="sent only by the admin import (ImportMixin.process_result), not by Resource",
        package=_IMPORT_EXPORT,
        verified="3.0-4.4",
    ),
    # --- django-registration ------------------------------------------------------
    SignalSpec(
        name="user_activated",
        module="django_registration.signals",
        kwargs=(_kw("user"), _kw("request")),
        sender="the activation view class (ActivationView or your subclass)",
        package=_REGISTRATION,
        verified="3.0-3.4, 5.1-5.2",
    ),
    SignalSpec(
        name="user_registered",
        module="django_registration.signals",
        kwargs=(_kw("user"), _kw("request")),
        sender="the registration view class (the backend's RegistrationView or your subclass)",
        note="activation backend: the user is still inactive; one-step: already logged in",
        package=_REGISTRATION,
        verified="3.0-3.4, 5.1-5.2",
    ),
    # --- django-simple-history ----------------------------------------------------
    SignalSpec(
        name="post_create_historical_m2m_records",
        module="simple_history.signals",
        kwargs=(
            _kw("instance"),
            _kw("history_instance"),
            _kw("field", note="the ManyToManyField"),
            _kw("created_rows", note="what bulk_create() returned"),
        ),
        sender=_HISTORY_M2M_SENDER,
        note=f"added in django-simple-history 3.3; {_HISTORY_NOTE}",
        package=_HISTORY,
        verified=_HISTORY_M2M,
    ),
    SignalSpec(
        name="post_create_historical_record",
        module="simple_history.signals",
        kwargs=_HISTORY_KWARGS,
        sender=_HISTORY_SENDER,
        note=_HISTORY_NOTE,
        package=_HISTORY,
        verified=_HISTORY_ALL,
    ),
    SignalSpec(
        name="pre_create_historical_m2m_records",
        module="simple_history.signals",
        kwargs=(
            _kw("instance"),
            _kw("history_instance"),
            _kw("field", note="the ManyToManyField"),
            _kw("rows", note="the unsaved historical m2m rows"),
        ),
        sender=_HISTORY_M2M_SENDER,
        note=f"added in django-simple-history 3.3; {_HISTORY_NOTE}",
        package=_HISTORY,
        verified=_HISTORY_M2M,
    ),
    SignalSpec(
        name="pre_create_historical_record",
        module="simple_history.signals",
        kwargs=_HISTORY_KWARGS,
        sender=_HISTORY_SENDER,
        note=_HISTORY_NOTE,
        package=_HISTORY,
        verified=_HISTORY_ALL,
    ),
    # --- wagtail: wagtail.admin.signals (moved in 7.1, removed in 8.0) -------------
    SignalSpec(
        name="init_new_page",
        module="wagtail.admin.signals",
        kwargs=(_kw("page"), _kw("parent")),
        sender=_CREATE_VIEW,
        note=(
            "moved to wagtail.signals in wagtail 7.1: 7.1-7.4 keep this path as a deprecated"
            " alias of the same object (RemovedInWagtail80Warning); 8.0 removed the module"
        ),
        package=_WAGTAIL,
        verified="5.2-7.0",
    ),
    # --- wagtail: wagtail.documents.models ------------------------------------------
    SignalSpec(
        name="document_served",
        module="wagtail.documents.models",
        kwargs=(_kw("instance"), _kw("request")),
        sender="the document model class (get_document_model())",
        note="sent by the document serve view before the file is served",
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    # --- wagtail: wagtail.signals ---------------------------------------------------
    SignalSpec(
        name="copy_for_translation_done",
        module="wagtail.signals",
        kwargs=(_kw("source_obj"), _kw("target_obj")),
        sender="the action class (CopyPageForTranslationAction or CopyForTranslationAction)",
        note="added in wagtail 6.2 (pages); also sent for non-page objects from 6.3",
        package=_WAGTAIL,
        verified="6.2-8.0",
    ),
    SignalSpec(
        name="init_new_page",
        module="wagtail.signals",
        kwargs=(_kw("page"), _kw("parent")),
        sender=_CREATE_VIEW,
        note="moved here from wagtail.admin.signals in wagtail 7.1",
        package=_WAGTAIL,
        verified="7.1-8.0",
    ),
    SignalSpec(
        name="page_published",
        module="wagtail.signals",
        kwargs=(
            _kw("instance"),
            _kw("revision"),
            _kw("alias", always=False, note="True, only when an alias page follows its original"),
        ),
        sender=_PAGE_CLASS,
        note="publishing a page sends page_published, then published; copies/aliases only this",
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="page_slug_changed",
        module="wagtail.signals",
        kwargs=(_kw("instance"), _kw("instance_before")),
        sender=_PAGE_CLASS,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="page_unpublished",
        module="wagtail.signals",
        kwargs=(_kw("instance"),),
        sender=_PAGE_CLASS,
        note="unpublishing a page sends page_unpublished, then unpublished",
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="post_page_move",
        module="wagtail.signals",
        kwargs=(
            _kw("instance"),
            _kw("parent_page_before"),
            _kw("parent_page_after"),
            _kw("url_path_before"),
            _kw("url_path_after"),
        ),
        sender=_PAGE_CLASS,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="pre_page_move",
        module="wagtail.signals",
        kwargs=(
            _kw("instance"),
            _kw("parent_page_before"),
            _kw("parent_page_after"),
            _kw("url_path_before"),
            _kw("url_path_after"),
        ),
        sender=_PAGE_CLASS,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="pre_validate_delete",
        module="wagtail.signals",
        kwargs=(_kw("instance"),),
        sender="the Locale model class",
        note="sent only by Locale.delete(), before Django's on_delete checks",
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="published",
        module="wagtail.signals",
        kwargs=(_kw("instance"), _kw("revision")),
        sender="the model class of the published object (type(obj)); pages included",
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="task_approved",
        module="wagtail.signals",
        kwargs=(_kw("instance"), _kw("user", note=_MAY_BE_NONE)),
        sender=_TASK_STATE,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="task_cancelled",
        module="wagtail.signals",
        kwargs=(_kw("instance"), _kw("user", note=_MAY_BE_NONE)),
        sender=_TASK_STATE,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="task_rejected",
        module="wagtail.signals",
        kwargs=(_kw("instance"), _kw("user", note=_MAY_BE_NONE)),
        sender=_TASK_STATE,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="task_submitted",
        module="wagtail.signals",
        kwargs=(_kw("instance"), _kw("user", note=_MAY_BE_NONE)),
        sender=_TASK_STATE,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="unpublished",
        module="wagtail.signals",
        kwargs=(_kw("instance"),),
        sender="the model class of the unpublished object (type(obj)); pages included",
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="workflow_approved",
        module="wagtail.signals",
        kwargs=(_kw("instance"), _kw("user", note=_MAY_BE_NONE)),
        sender=_WORKFLOW_STATE,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="workflow_cancelled",
        module="wagtail.signals",
        kwargs=(_kw("instance"), _kw("user", note=_MAY_BE_NONE)),
        sender=_WORKFLOW_STATE,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="workflow_rejected",
        module="wagtail.signals",
        kwargs=(_kw("instance"), _kw("user", note=_MAY_BE_NONE)),
        sender=_WORKFLOW_STATE,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
    SignalSpec(
        name="workflow_submitted",
        module="wagtail.signals",
        kwargs=(_kw("instance"), _kw("user", note=_MAY_BE_NONE)),
        sender=_WORKFLOW_STATE,
        package=_WAGTAIL,
        verified=_WAGTAIL_ALL,
    ),
)


# ---------------------------------------------------------------------------
# Lookups
# ---------------------------------------------------------------------------

_VERSION_RE = re.compile(r"(\d+)\.(\d+)")
_ADDED_IN_RE = re.compile(r"added in (?:[\w-]+ )?(\d+\.\d+)")


def parse_package_version(text: str) -> Version:
    """``"65.21"`` or ``"65.21.1"`` -> ``(65, 21)``; ValueError for anything else."""
    match = _VERSION_RE.match(text.strip())
    if match is None:
        raise ValueError(f"not a package version: {text!r} (expected e.g. 65.21)")
    return int(match.group(1)), int(match.group(2))


@functools.cache
def verified_ranges(verified: str) -> tuple[tuple[Version, Version], ...]:
    """``"2.12, 3.0-3.13"`` -> ``(((2, 12), (2, 12)), ((3, 0), (3, 13)))`` (inclusive)."""
    ranges: list[tuple[Version, Version]] = []
    for part in verified.split(","):
        low, _, high = part.strip().partition("-")
        first = parse_package_version(low)
        last = parse_package_version(high) if high else first
        if last < first:
            raise ValueError(f"empty range {part.strip()!r} in {verified!r}")
        ranges.append((first, last))
    return tuple(ranges)


def verified_for(spec: SignalSpec, version: Version) -> bool:
    """Whether ``spec`` was read from the source of ``version`` of its package (its series)."""
    return any(first <= version <= last for first, last in verified_ranges(spec.verified))


def kwarg_added_in(kwarg: Kwarg) -> Version | None:
    """The package version a keyword was added in, from its note ("added in 0.62")."""
    match = _ADDED_IN_RE.search(kwarg.note)
    return parse_package_version(match.group(1)) if match else None


@functools.cache
def third_party_by_qualified_name() -> dict[str, SignalSpec]:
    """Every importable qualified name of every third-party record (defining module and
    re-exports). Where a signal moved between modules (wagtail's ``init_new_page``) each
    path is its own record. The returned dict is shared between callers: do not mutate it.
    """
    result: dict[str, SignalSpec] = {}
    for spec in THIRD_PARTY_SIGNALS:
        for module in (spec.module, *spec.reexported_from):
            result[f"{module}.{spec.name}"] = spec
    return result
