"""Tasks for the Django 6.0+ task framework (import this module only on 6.0+)."""

from django.tasks import task


@task
def add(a: int, b: int) -> int:
    return a + b
