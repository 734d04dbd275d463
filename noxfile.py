"""The whole test suite, as CI runs it: `nox` (see README.md).

- ``tests``: every test, on Django 5.2.
- ``django-4.2`` / ``django-6``: the tests that talk to real Django (catalogue, runtime
  proofs, the example project) on Django 4.2 and the newest Django.
- ``django-3.2`` / ``django-4.0`` / ``django-4.1``: the same tests on the oldest supported
  series, on Python 3.10 (the newest Python all three support), with nothing installed
  beyond the package, pytest and Django.
- ``lint``: ruff and mypy on the package.
- ``thirdparty``: the third-party signal catalogue against the six packages it covers, pinned
  to the newest releases whose source was read (bump a pin only after re-reading).

``lint`` and ``tests`` run on the Python that runs nox, so that ``nox`` passes on a machine
with any one supported Python. A session that names a Python the machine lacks is skipped
with a line that says so, unless ``CI`` is set (``.ci/run`` sets it): then it fails.
"""

from __future__ import annotations

import os

import nox

nox.options.sessions = [
    "lint",
    "django-3.2",
    "django-4.0",
    "django-4.1",
    "django-4.2",
    "django-6",
    "tests",
    "thirdparty",
]
nox.options.reuse_existing_virtualenvs = False
nox.options.error_on_missing_interpreters = "CI" in os.environ
# Use the interpreters the machine has; never fetch one behind the user's back.
nox.options.download_python = "never"

THIRD_PARTY = [
    "django-allauth==65.21.1",
    "django-axes==8.3.1",
    "django-import-export==4.4.3",
    "django-registration==5.2.1",
    "django-simple-history==3.13.0",
    "wagtail==8.0.1",
]

DJANGO_TESTS = [
    "tests/test_catalogue_django.py",
    "tests/test_runtime_truth.py",
    "tests/test_example_project.py",
    "tests/test_app_config_versions.py",
    "tests/test_urlconf_processes.py",
    "tests/test_two_module_names.py",
]


@nox.session(python=None)
def lint(session: nox.Session) -> None:
    # Django too: mypy follows signallint.django's imports of it (untyped, so ignored).
    session.install("-e", ".[lint]", "django>=5.2,<6")
    session.run("ruff", "check", "signallint", "tests", "noxfile.py")
    session.run("ruff", "format", "--check", "signallint", "tests", "noxfile.py")
    session.run("mypy")


@nox.session(python=None)
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]", "django>=5.2,<6")
    session.run("pytest", *session.posargs)


def _django_tests_only(session: nox.Session, django: str) -> None:
    # DJANGO_TESTS need nothing from the test extra but pytest.
    session.install("-e", ".", "pytest>=8", django)
    session.run("pytest", *DJANGO_TESTS, *session.posargs)


@nox.session(name="django-3.2", python="3.10")
def django_32(session: nox.Session) -> None:
    _django_tests_only(session, "django>=3.2,<3.3")


@nox.session(name="django-4.0", python="3.10")
def django_40(session: nox.Session) -> None:
    _django_tests_only(session, "django>=4.0,<4.1")


@nox.session(name="django-4.1", python="3.10")
def django_41(session: nox.Session) -> None:
    _django_tests_only(session, "django>=4.1,<4.2")


@nox.session(name="django-4.2", python="3.11")
def django_42(session: nox.Session) -> None:
    session.install("-e", ".[test]", "django>=4.2,<4.3")
    session.run("pytest", *DJANGO_TESTS, *session.posargs)


@nox.session(name="django-6", python="3.12")
def django_6(session: nox.Session) -> None:
    session.install("-e", ".[test]", "django>=6.0,<7")
    session.run("pytest", *DJANGO_TESTS, *session.posargs)


@nox.session(python="3.11")
def thirdparty(session: nox.Session) -> None:
    session.install("-e", ".[test]", *THIRD_PARTY)
    session.run("pytest", "tests/test_thirdparty_catalogue.py", *session.posargs)
