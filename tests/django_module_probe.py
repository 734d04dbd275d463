"""Run as ``python -m tests.django_module_probe``: import every module of the installed
Django and print, as JSON, which of vocabulary.IMPORT_CHECKED_NAMES each one has.

A subprocess of tests/test_catalogue_django.py, so that importing all of Django (every
contrib app installed, so that their models modules import) leaves the test session
alone. A module that does not import (a missing database driver, GDAL...) is reported
with the error's type instead.
"""

from __future__ import annotations

import importlib
import json
import sys
import warnings

from signallint import vocabulary

CONTRIB_APPS = [
    "django.contrib.admin",
    "django.contrib.admindocs",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "django.contrib.messages",
    "django.contrib.redirects",
    "django.contrib.sessions",
    "django.contrib.sitemaps",
    "django.contrib.sites",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
]


def main(modules: list[str]) -> None:
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=CONTRIB_APPS,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        SECRET_KEY="signallint-probe",
    )
    django.setup()
    warnings.simplefilter("ignore")
    found: dict[str, list[str] | str] = {}
    for name in modules:
        try:
            module = importlib.import_module(name)
        except Exception as error:  # any failure means "not checked here"
            found[name] = type(error).__name__
            continue
        found[name] = sorted(n for n in vocabulary.IMPORT_CHECKED_NAMES if n in vars(module))
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    main(sys.stdin.read().split())
