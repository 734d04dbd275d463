"""The AppConfig Django finds for ``"signallint.django"`` in INSTALLED_APPS."""

from __future__ import annotations

from django.apps import AppConfig  # type: ignore[import-untyped]
from django.core import checks  # type: ignore[import-untyped]


class SignallintConfig(AppConfig):  # type: ignore[misc]
    name = "signallint.django"
    label = "signallint"
    verbose_name = "signallint"
    default = True

    def ready(self) -> None:
        from signallint.django.checks import check_signals

        checks.register(check_signals, "signallint")
