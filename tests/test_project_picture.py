"""What the whole-project picture counts as imported: one mini project per case.

Each case writes a project (``manage.py`` at the root, a settings module, ``__init__.py``
in every package unless said otherwise) and lists the receivers SIG301/SIG302 report.
Most cases are about precision: a module that *may* be imported must stay silent.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from signallint import check_paths
from signallint.layout import find_project_root, is_test_path
from signallint.settings import Settings

SETTINGS = 'INSTALLED_APPS = ["shop"]\n'
APPS = 'from django.apps import AppConfig\n\n\nclass ShopConfig(AppConfig):\n    name = "shop"\n'
RECEIVER = (
    "from django.db.models.signals import post_save\n"
    "from django.dispatch import receiver\n\n\n"
    "@receiver(post_save)\n"
    "def on_save(sender, **kwargs):\n"
    "    pass\n"
)


def reported(
    tmp_path: Path,
    files: dict[str, str | None],
    *,
    packages: bool = True,
    select: str = "SIG30",
) -> list[str]:
    """``path:CODE`` for every SIG3xx finding in the project made of ``files`` (on top
    of ``manage.py``, settings and ``shop/apps.py``; None leaves a file out)."""
    base: dict[str, str | None] = {
        "manage.py": "",
        "mysite/settings.py": SETTINGS,
        "shop/apps.py": APPS,
    }
    for name, text in {**base, **files}.items():
        if text is None:
            continue
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        if packages and path.parent != tmp_path and not (path.parent / "__init__.py").exists():
            (path.parent / "__init__.py").write_text("")
    result = check_paths([str(tmp_path)], Settings(select=(select,)))
    return sorted(
        f"{Path(d.path).relative_to(tmp_path).as_posix()}:{d.code}" for d in result.diagnostics
    )


def test_a_signals_module_nobody_imports(tmp_path: Path) -> None:
    assert reported(tmp_path, {"shop/signals.py": RECEIVER}) == ["shop/signals.py:SIG301"]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"shop/tasks.py": RECEIVER}, id="celery-tasks-module"),
        pytest.param({"shop/admin.py": RECEIVER}, id="admin-autodiscovery"),
        pytest.param({"shop/wagtail_hooks.py": RECEIVER}, id="wagtail-hooks"),
        pytest.param({"shop/templatetags/shop_tags.py": RECEIVER}, id="templatetags"),
        pytest.param({"shop/management/commands/sync.py": RECEIVER}, id="management-command"),
        pytest.param({"shop/migrations/0002_data.py": RECEIVER}, id="migration"),
        pytest.param({"backfill.py": RECEIVER}, id="script-outside-packages"),
        pytest.param(
            {"shop/cli.py": RECEIVER + '\nif __name__ == "__main__":\n    pass\n'}, id="main-guard"
        ),
        pytest.param(
            {"shop/signals.py": RECEIVER, "mysite/settings.py": SETTINGS + 'X = "shop.signals"\n'},
            id="named-by-a-string-in-settings",
        ),
        pytest.param(
            {"shop/signals.py": RECEIVER, "shop/models.py": "from .signals import *  # noqa\n"},
            id="star-import",
        ),
        pytest.param(
            {
                "shop/receivers/orders.py": RECEIVER,
                "shop/models.py": "from .receivers import *  # noqa\n",
            },
            id="star-import-of-a-package",
        ),
        pytest.param(
            {
                "shop/signals.py": RECEIVER,
                "shop/apps.py": APPS
                + "\n    def ready(self):\n        import_module(f'{self.name}.signals')\n",
            },
            id="import-module-pattern",
        ),
        pytest.param(
            {
                "shop/signals.py": RECEIVER,
                "shop/loader.py": "def load(name):\n    return import_module(name)\n",
                "shop/models.py": "from . import loader  # noqa\n",
            },
            id="unknown-dynamic-name-in-the-same-package",
        ),
        pytest.param(
            {
                "shop/signals.py": RECEIVER,
                "shop/models.py": "from django.utils.module_loading import autodiscover_modules\n"
                "autodiscover_modules('signals')\n",
            },
            id="autodiscover-modules",
        ),
        pytest.param(
            {"shop/signals.py": RECEIVER, "shop/models.py": "import shop.signals as s  # noqa\n"},
            id="import-as",
        ),
        pytest.param(
            {
                "shop/signals.py": RECEIVER,
                "shop/apps.py": APPS.replace("AppConfig):", "AppConfig):  # noqa")
                + "\n    def ready(self):\n        if True: from . import signals  # noqa\n",
            },
            id="after-colon",
        ),
        pytest.param(
            {
                "shop/signals.py": RECEIVER,
                "shop/models.py": "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from . import signals  # noqa\n",
            },
            id="type-checking-import-counts",
        ),
    ],
)
def test_modules_django_or_a_package_may_load_are_not_reported(
    tmp_path: Path, files: dict[str, str]
) -> None:
    assert reported(tmp_path, files) == []


def test_a_receiver_in_a_urlconf_is_connected_with_it(tmp_path: Path) -> None:
    # Imported when the URLconf is, which django.setup() does not do (SIG307), not never.
    assert reported(tmp_path, {"shop/urls.py": RECEIVER}) == ["shop/urls.py:SIG307"]


def test_namespace_packages_and_sys_path_tweaks_still_match(tmp_path: Path) -> None:
    # ``apps/`` has no __init__.py and settings name the app "apps.shop": the module is
    # found under every name it may be imported by.
    files = {
        "mysite/settings.py": 'INSTALLED_APPS = ["apps.shop"]\n',
        "apps/shop/__init__.py": "",
        "apps/shop/apps.py": APPS.replace('"shop"', '"apps.shop"'),
        "apps/shop/signals.py": RECEIVER,
        "apps/shop/models.py": "import apps.shop.signals  # noqa\n",
    }
    assert reported(tmp_path, files, packages=False) == []
    files["apps/shop/models.py"] = ""
    assert reported(tmp_path / "again", files, packages=False) == ["apps/shop/signals.py:SIG301"]


def test_test_code_and_modules_only_tests_import(tmp_path: Path) -> None:
    files = {
        "shop/receivers.py": RECEIVER,
        "shop/tests/test_receivers.py": "from shop import receivers  # noqa\n",
        "shop/tests/helpers.py": RECEIVER,
        "conftest.py": RECEIVER,
    }
    assert reported(tmp_path, files) == ["shop/receivers.py:SIG302"]


def test_no_settings_module_means_no_verdict(tmp_path: Path) -> None:
    files = {"shop/signals.py": RECEIVER, "mysite/settings.py": "DEBUG = True\n"}
    assert reported(tmp_path, files) == []


def test_a_settings_package_split_in_modules_is_found(tmp_path: Path) -> None:
    files = {
        "mysite/settings.py": "",
        "config/settings/base.py": SETTINGS,
        "config/settings/local.py": "from .base import *  # noqa\n",
        "shop/signals.py": RECEIVER,
    }
    assert reported(tmp_path, files) == ["shop/signals.py:SIG301"]


def test_a_connect_method_that_is_not_a_signal_is_not_a_receiver(tmp_path: Path) -> None:
    files = {"shop/db.py": "import sqlite3\n\nconnection = sqlite3.connect('x.db')\n"}
    assert reported(tmp_path, files) == []


def test_a_third_party_signal_from_a_signals_module_counts(tmp_path: Path) -> None:
    files = {
        "shop/hooks_for_allauth.py": "from allauth.account.signals import user_signed_up\n\n"
        "def welcome(sender, **kwargs):\n    pass\n\n"
        "user_signed_up.connect(welcome)\n"
    }
    assert reported(tmp_path, files) == ["shop/hooks_for_allauth.py:SIG301"]


def test_a_vendored_distribution_is_not_reported(tmp_path: Path) -> None:
    files = {
        "vendor/lib/pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n',
        "vendor/lib/lib/apps.py": APPS.replace('"shop"', '"lib"'),
        "vendor/lib/lib/receivers.py": RECEIVER,
    }
    assert reported(tmp_path, files) == []


def test_a_distribution_with_only_a_demo_site_is_a_library(tmp_path: Path) -> None:
    files: dict[str, str | None] = {
        "pyproject.toml": '[project]\nname = "shop"\n',
        "example/manage.py": "",
        "shop/signals.py": RECEIVER,
    }
    # A site that is also packaged: manage.py at the root.
    assert reported(tmp_path / "site", files) == ["shop/signals.py:SIG301"]
    # A reusable app with a demo project: its users may import the module.
    assert reported(tmp_path / "library", {**files, "manage.py": None}) == []


def test_an_unreadable_file_makes_the_picture_incomplete(tmp_path: Path) -> None:
    files = {"shop/signals.py": RECEIVER, "shop/broken.py": "x = 1\n"}
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "link.py").symlink_to(tmp_path / "missing.py")
    result = reported(tmp_path, files, select="SIG")
    assert "shop/link.py:SIG901" in result
    assert "shop/signals.py:SIG301" not in result


def test_project_root_discovery(tmp_path: Path) -> None:
    (tmp_path / "site" / "shop").mkdir(parents=True)
    (tmp_path / "site" / "manage.py").write_text("")
    assert find_project_root(str(tmp_path / "site" / "shop")) == str(tmp_path / "site")
    (tmp_path / "other").mkdir()
    assert find_project_root(str(tmp_path / "other")) in (None, "/")  # nothing upwards


def test_installed_packages_have_no_project_root(tmp_path: Path) -> None:
    # A virtual environment inside a project: its packages are not the project's code.
    (tmp_path / "pyproject.toml").write_text("")
    package = tmp_path / ".venv" / "lib" / "python3.12" / "site-packages" / "shop"
    package.mkdir(parents=True)
    assert find_project_root(str(package)) is None
    (package / "pyproject.toml").write_text("")
    assert find_project_root(str(package)) == str(package)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("shop/tests.py", True),
        ("shop/tests/helpers.py", True),
        ("shop/test_models.py", True),
        ("shop/models_test.py", True),
        ("conftest.py", True),
        ("testing/factories.py", True),
        ("shop/signals.py", False),
        ("shop/contest.py", False),
        ("latest/signals.py", False),
    ],
)
def test_test_paths(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected


def test_sites_side_by_side_with_the_same_app_names_are_not_mixed_up(tmp_path: Path) -> None:
    two_configs = APPS + "\n\nclass ShopAdminConfig(AppConfig):\n    name = 'shop'\n"
    site_a: dict[str, str | None] = {
        "manage.py": None,
        "mysite/settings.py": None,
        "shop/apps.py": None,
        "pyproject.toml": "",
        "a/manage.py": "",
        "a/mysite/__init__.py": "",
        "a/mysite/settings.py": 'INSTALLED_APPS = ["shop"]\n',
        "a/shop/__init__.py": "",
        "a/shop/apps.py": two_configs,
    }
    # Alone, site A lists "shop" by package: Django would use a plain AppConfig.
    assert reported(tmp_path / "one", site_a, packages=False, select="SIG303") == [
        "a/shop/apps.py:SIG303"
    ]
    # Next to site B, which also has a "shop", A now names its config by class, and B
    # lists its own "shop": B's settings must not be read as A's.
    both = {
        **site_a,
        "a/mysite/settings.py": 'INSTALLED_APPS = ["shop.apps.ShopConfig"]\n',
        "b/manage.py": "",
        "b/mysite/__init__.py": "",
        "b/mysite/settings.py": 'INSTALLED_APPS = ["shop"]\n',
        "b/shop/__init__.py": "",
        "b/shop/apps.py": APPS,
    }
    assert reported(tmp_path / "two", both, packages=False, select="SIG303") == []
