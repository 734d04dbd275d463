"""Which AppConfig Django uses for ``"shop"`` in INSTALLED_APPS, against Django itself.

Each case is a ``shop/apps.py`` (with ``common/apps.py`` beside it, a base config of
another package). SIG303 reports it or not, and Django's own ``AppConfig.create("shop")``
runs in a subprocess: a report must mean Django falls back to the plain ``AppConfig``
or raises at start-up; silence must mean it uses a subclass, unless the case is one
signallint cannot know (``unknown``) and stays silent about.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from signallint import check_paths
from signallint.settings import Settings

pytest.importorskip("django")

COMMON = """
from django.apps import AppConfig


class BaseConfig(AppConfig):
    default_auto_field = "django.db.models.AutoField"
"""
SHOP = """
from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"

    def ready(self):
        pass
"""
ON_BASE = SHOP.replace(
    "from django.apps import AppConfig", "from common.apps import BaseConfig"
).replace("(AppConfig)", "(BaseConfig)")
CREATE = """
import sys
from django.apps import AppConfig
try:
    print(type(AppConfig.create("shop")).__name__)
except RuntimeError:
    print("RuntimeError")
"""

CASES = [
    # (id, shop/apps.py, what Django uses, reported); None: signallint cannot know.
    ("one-config", SHOP, "ShopConfig", False),
    ("base-imported-then-deleted", ON_BASE + "\ndel BaseConfig\n", "ShopConfig", False),
    ("base-imported-and-kept", ON_BASE, "AppConfig", True),
    (
        "base-imported-under-another-name-then-deleted",
        ON_BASE.replace("import BaseConfig", "import BaseConfig as Base").replace(
            "(BaseConfig)", "(Base)"
        )
        + "\ndel Base\n",
        "ShopConfig",
        False,
    ),
    (
        "base-reached-through-its-module",
        "from common import apps as common_apps\n" + SHOP + "\nBase = common_apps.BaseConfig\n",
        "AppConfig",
        True,
    ),
    (
        "base-deleted-only-under-if",
        ON_BASE + "\nif sys.version_info > (3,):\n    del BaseConfig\n",
        "ShopConfig",
        None,
    ),
    ("alias", SHOP + "\nShopAppConfig = ShopConfig\n", "AppConfig", True),
    (
        "alias-of-a-default",
        SHOP.replace('"shop"\n', '"shop"\n    default = True\n') + "\nOld = ShopConfig\n",
        "RuntimeError",
        True,
    ),
    ("alias-deleted", SHOP + "\nOld = ShopConfig\ndel Old\n", "ShopConfig", False),
    ("alias-rebound", SHOP + "\nOld = ShopConfig\nOld = None\n", "ShopConfig", False),
    ("alias-under-if", SHOP + "\nif True:\n    Old = ShopConfig\n", "AppConfig", None),
    ("alias-maybe", SHOP + "\nOld = ShopConfig if True else None\n", "AppConfig", None),
    (
        "default-false-alone",
        SHOP.replace('"shop"\n', '"shop"\n    default = False\n'),
        "AppConfig",
        True,
    ),
    (
        "default-false-alone-without-ready",
        SHOP.replace('"shop"\n', '"shop"\n    default = False\n').replace(
            "    def ready(self):\n        pass\n", ""
        ),
        "AppConfig",
        False,
    ),
    (
        "base-with-default-false-imported",
        "from common.apps import FalseConfig  # noqa: F401\n" + SHOP,
        "ShopConfig",
        False,
    ),
    (
        "two-defaults",
        SHOP.replace('"shop"\n', '"shop"\n    default = True\n')
        + "\n\nclass OtherConfig(AppConfig):\n    name = 'shop'\n    default = True\n",
        "RuntimeError",
        True,
    ),
    ("star-import", "from common.apps import *  # noqa\n" + SHOP, "AppConfig", None),
]


def create(project: Path) -> str:
    """The class of ``AppConfig.create("shop")`` in ``project``, or "RuntimeError"."""
    result = subprocess.run(
        [sys.executable, "-c", CREATE],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(project)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("source", "used", "reported"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_sig303_says_what_django_does(
    tmp_path: Path, source: str, used: str, reported: bool | None
) -> None:
    common = COMMON + "\n\nclass FalseConfig(AppConfig):\n    default = False\n"
    files = {
        "manage.py": "",
        "mysite/__init__.py": "",
        "mysite/settings.py": 'INSTALLED_APPS = ["shop"]\n',
        "common/__init__.py": "",
        "common/apps.py": common,
        "shop/__init__.py": "",
        "shop/apps.py": "import sys  # noqa: F401\n" + textwrap.dedent(source),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = check_paths([str(tmp_path)], Settings(select=("SIG303",)))
    assert create(tmp_path) == used
    assert bool(result.diagnostics) is bool(reported), [d.message for d in result.diagnostics]
    if reported is not None:
        assert reported is (used in ("AppConfig", "RuntimeError") and "ready" in source)
