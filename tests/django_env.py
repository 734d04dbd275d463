"""The one place that configures Django for the tests that run real Django code.

Call :func:`configure_django` (or use the session-scoped ``django_env`` fixture from
``tests/conftest.py``); it is idempotent and cheap after the first call.

What you get:

* ``settings.configure()`` with ``DEBUG=False`` (toggle it with ``override_settings``), an
  in-memory SQLite database (``":memory:"``), the apps contenttypes, auth, sessions,
  messages and ``tests.catalogue_app`` (models ``Author``, ``Tag``, ``Book`` with a
  ForeignKey and a ManyToManyField), ``ROOT_URLCONF = "tests.catalogue_app.urls"``
  (``/hello/`` renders a template, ``/boom/`` raises), Django templates with
  ``APP_DIRS``, the usual session/auth/messages middleware, and a fast password hasher;
* ``django.setup()``;
* ``django.test.utils.setup_test_environment()`` as Django's test runner does it: the
  instrumented template renderer (``template_rendered`` is sent), the locmem e-mail
  backend, ``"testserver"`` in ``ALLOWED_HOSTS``;
* the database migrated once (``migrate`` on the in-memory database).

Caveat: an in-memory SQLite database belongs to one connection, and Django's connections
are per thread, so the tables exist only in the thread that ran ``configure_django()``
(the test client runs WSGI views in the calling thread; views run by ``AsyncClient``
happen in another thread and must not touch the database).
"""

from __future__ import annotations

import contextlib
import threading

TEST_APP = "tests.catalogue_app"

_lock = threading.Lock()
_done = False


def django_settings() -> dict[str, object]:
    """The settings passed to ``settings.configure()``."""
    return {
        "DEBUG": False,
        "SECRET_KEY": "signallint-tests-not-secret",
        "ALLOWED_HOSTS": ["localhost", "127.0.0.1"],
        "INSTALLED_APPS": [
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
            "django.contrib.messages",
            TEST_APP,
        ],
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
        "ROOT_URLCONF": f"{TEST_APP}.urls",
        "MIDDLEWARE": [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "LANGUAGE_CODE": "en-us",
    }


def configure_django() -> None:
    """Configure settings, set Django up, install the test environment, migrate. Idempotent."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        import django
        from django.conf import settings

        if not settings.configured:
            settings.configure(**django_settings())
        django.setup()

        from django.test.utils import setup_test_environment

        # RuntimeError: already installed by someone else (e.g. a Django-aware pytest plugin).
        with contextlib.suppress(RuntimeError):
            setup_test_environment()

        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        _done = True
