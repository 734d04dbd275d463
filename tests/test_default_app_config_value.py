"""The value of a package's ``default_app_config`` as the collector reads it: literal,
or built from ``__name__`` (the package's own name in its ``__init__.py``)."""

from __future__ import annotations

import pytest

from signallint.pipeline import analyse


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('default_app_config = "shop.apps.ShopConfig"', "shop.apps.ShopConfig"),
        ('default_app_config = __name__ + ".apps.ShopConfig"', "shop.apps.ShopConfig"),
        ('default_app_config = f"{__name__}.ShopConfig"', "shop.ShopConfig"),
        # Not read: unknown, and the rules stay silent.
        ('default_app_config = "%s.ShopConfig" % __name__', None),
        ('default_app_config = f"{__name__!r}.ShopConfig"', None),
        ('default_app_config = PREFIX + ".ShopConfig"', None),
    ],
)
def test_default_app_config_value(line: str, expected: str | None) -> None:
    facts = analyse("shop/__init__.py", line.encode(), "shop", "shop", project=True).facts
    assert facts.wiring is not None and facts.wiring.default_app_config is not None
    assert facts.wiring.default_app_config.value == expected
