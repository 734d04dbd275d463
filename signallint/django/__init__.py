"""signallint inside Django: ``INSTALLED_APPS += ["signallint.django"]`` registers a system
check that reports signallint's diagnostics in ``manage.py check`` (and so ``runserver``,
``migrate`` and the test runner).

Importing this package imports nothing: Django loads :mod:`signallint.django.apps`, which
registers the check; the analysis is imported only when the check runs.
"""
