"""A tiny Django app used by the runtime tests (see tests/django_env.py)."""
