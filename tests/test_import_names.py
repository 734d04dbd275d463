"""SIG309: which projects import a receiver module under two names (signallint/import_names.py).

Each project is written to a temporary directory and checked whole; what Django does with
the same layouts is proved in tests/test_two_module_names.py and test_project_boot.py.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from signallint import check_paths
from signallint.settings import Settings

MANAGE = (
    "import os, sys\n"
    'if __name__ == "__main__":\n'
    '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
)
SETTINGS = (
    "import sys\n"
    "from pathlib import Path\n"
    "BASE_DIR = Path(__file__).resolve().parent.parent\n"
    'sys.path.insert(0, str(BASE_DIR / "apps"))\n'
    'ROOT_URLCONF = "mysite.urls"\n'
    'INSTALLED_APPS = ["django.contrib.admin", "billing", "orders"]\n'
)
BILLING_APPS = (
    "from django.apps import AppConfig\n\n"
    "class BillingConfig(AppConfig):\n"
    '    name = "billing"\n\n'
    "    def ready(self):\n"
    "        from . import signals  # noqa: F401\n"
)
ORDERS_APPS = (
    'from django.apps import AppConfig\n\nclass OrdersConfig(AppConfig):\n    name = "orders"\n'
)
SIGNALS = (
    "from django.db.models.signals import post_save\n"
    "from django.dispatch import receiver\n\n"
    '@receiver(post_save, sender="billing.Invoice")\n'
    "def email_invoice(sender, **kwargs):\n"
    "    pass\n\n"
    "def total(invoice):\n"
    "    return 0\n"
)


def findings(tmp_path: Path, files: dict[str, str | None], select: str = "SIG309") -> list[str]:
    """``path:line: message`` for each finding in the project: a site with ``apps/`` on
    sys.path, apps ``billing`` (its ready() imports its signals) and ``orders``."""
    base: dict[str, str | None] = {
        "manage.py": MANAGE,
        "mysite/__init__.py": "",
        "mysite/settings.py": SETTINGS,
        "mysite/urls.py": "urlpatterns = []\n",
        "apps/__init__.py": "",
        "apps/billing/__init__.py": "",
        "apps/billing/apps.py": BILLING_APPS,
        "apps/billing/models.py": "",
        "apps/billing/signals.py": SIGNALS,
        "apps/orders/__init__.py": "",
        "apps/orders/apps.py": ORDERS_APPS,
    }
    for name, text in {**base, **files}.items():
        if text is not None:
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
    (tmp_path / "pyproject.toml").write_text("")
    result = check_paths([str(tmp_path)], Settings(select=(select,)))
    return sorted(
        f"{Path(d.path).relative_to(tmp_path).as_posix()}:{d.span.line}: {d.message}"
        for d in result.diagnostics
    )


SECOND_IMPORT = "from apps.billing.signals import total  # noqa: F401\n"


def test_reported_with_both_names_and_who_imports_each(tmp_path: Path) -> None:
    assert findings(tmp_path, {"apps/orders/models.py": SECOND_IMPORT}) == [
        "apps/billing/signals.py:4: receiver `email_invoice` is connected twice, so it runs"
        " twice: `apps/billing/signals.py` is imported as `billing.signals` (ready() in"
        " `apps/billing/apps.py`) and as `apps.billing.signals` (by `apps/orders/models.py`),"
        " and each import runs the module again; import it as `billing.signals` everywhere,"
        " or give the connection a `dispatch_uid`"
    ]


def test_the_same_name_twice_is_one_module(tmp_path: Path) -> None:
    same = "from billing.signals import total  # noqa: F401\n"
    assert findings(tmp_path, {"apps/orders/models.py": same}) == []


def test_a_relative_import_spreads_the_second_name(tmp_path: Path) -> None:
    # orders is listed as "apps.orders": its ready() runs ``from ..billing import signals``
    # under that name, which is apps.billing.signals; billing's own ready() says billing.signals.
    files = {
        "mysite/settings.py": SETTINGS.replace('"orders"', '"apps.orders"'),
        "apps/orders/apps.py": (
            "from django.apps import AppConfig\n\n"
            "class OrdersConfig(AppConfig):\n"
            '    name = "apps.orders"\n\n'
            "    def ready(self):\n"
            "        from ..billing import signals  # noqa: F401\n"
        ),
    }
    assert [f.split(" (")[0] for f in findings(tmp_path, files)] == [
        "apps/billing/signals.py:4: receiver `email_invoice` is connected twice, so it runs"
        " twice: `apps/billing/signals.py` is imported as `billing.signals`"
    ]
    assert (
        "as `apps.billing.signals` (ready() in `apps/orders/apps.py`)"
        in (findings(tmp_path / "again", files)[0])
    )


def test_the_urlconf_and_the_views_it_imports_count(tmp_path: Path) -> None:
    files = {
        "mysite/urls.py": "from django.urls import include, path\n"
        'urlpatterns = [path("orders/", include("orders.urls"))]\n',
        "apps/orders/urls.py": "from . import views  # noqa: F401\nurlpatterns = []\n",
        "apps/orders/views.py": SECOND_IMPORT,
    }
    assert "(by `apps/orders/views.py`, once the URLconf is loaded)" in findings(tmp_path, files)[0]


def test_admin_modules_count_when_the_admin_is_installed(tmp_path: Path) -> None:
    files = {"apps/orders/admin.py": SECOND_IMPORT}
    assert "(by `apps/orders/admin.py`)" in findings(tmp_path, files)[0]
    settings = SETTINGS.replace('"django.contrib.admin", ', "")
    assert findings(tmp_path / "no-admin", {**files, "mysite/settings.py": settings}) == []


def test_imports_that_may_not_run_are_left_out(tmp_path: Path) -> None:
    may_not_run = {
        "in-function": "def load():\n    from apps.billing.signals import total  # noqa: F401\n",
        "type-checking": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    "
        + SECOND_IMPORT,
        "except-handler": "try:\n    from billing.signals import total  # noqa: F401\n"
        "except ImportError:\n    " + SECOND_IMPORT,
        "docstring": '"""Usage:\n\n' + SECOND_IMPORT + '"""\n',
    }
    for name, text in may_not_run.items():
        assert findings(tmp_path / name, {"apps/orders/models.py": text}) == [], name


def test_a_dispatch_uid_makes_the_second_connection_a_no_op(tmp_path: Path) -> None:
    signals = SIGNALS.replace(
        'sender="billing.Invoice")', 'sender="billing.Invoice", dispatch_uid="x")'
    )
    files = {"apps/orders/models.py": SECOND_IMPORT, "apps/billing/signals.py": signals}
    assert findings(tmp_path, files) == []


def test_unknown_sys_path_entries_and_ambiguous_names_are_silent(tmp_path: Path) -> None:
    unknown_path = SETTINGS.replace('str(BASE_DIR / "apps")', 'os.environ["APPS"]')
    files = {"apps/orders/models.py": SECOND_IMPORT, "mysite/settings.py": unknown_path}
    assert findings(tmp_path / "env", files) == []
    # A top-level ``billing`` in both sys.path entries: which one wins is not known.
    files = {"apps/orders/models.py": SECOND_IMPORT, "billing/__init__.py": ""}
    assert findings(tmp_path / "two-billings", files) == []


def test_an_absolute_sys_path_entry(tmp_path: Path) -> None:
    apps = (tmp_path / "apps").as_posix()
    settings = SETTINGS.replace('str(BASE_DIR / "apps")', repr(apps))
    files = {"apps/orders/models.py": SECOND_IMPORT, "mysite/settings.py": settings}
    assert len(findings(tmp_path, files)) == 1


def test_no_nested_sys_path_entries_means_one_name_per_file(tmp_path: Path) -> None:
    settings = SETTINGS.replace('sys.path.insert(0, str(BASE_DIR / "apps"))\n', "")
    files = {"apps/orders/models.py": SECOND_IMPORT, "mysite/settings.py": settings}
    assert findings(tmp_path, files) == []


def test_a_models_module_under_a_second_name_fails_loudly_instead(tmp_path: Path) -> None:
    # signals imports billing's models relatively: under apps.billing.signals that is
    # apps.billing.models, and Django raises RuntimeError before anything runs twice.
    signals = "from .models import Invoice  # noqa: F401\n" + SIGNALS
    files = {"apps/orders/models.py": SECOND_IMPORT, "apps/billing/signals.py": signals}
    assert findings(tmp_path, files) == []


def test_the_settings_module_can_come_from_the_environment(tmp_path: Path) -> None:
    # manage.py names no settings module: the only one below it is used.
    files = {"manage.py": "import sys\n", "apps/orders/models.py": SECOND_IMPORT}
    assert len(findings(tmp_path, files)) == 1
    files["mysite/other_settings.py"] = SETTINGS
    assert findings(tmp_path / "two", files) == []


def test_a_cookiecutter_layout_appending_the_project_package(tmp_path: Path) -> None:
    # manage.py appends <project>/ to sys.path; apps are listed as "myproject.users".
    files = {
        "manage.py": MANAGE.replace("mysite.settings", "config.settings")
        + "    current_path = Path(__file__).parent.resolve()\n"
        '    sys.path.append(str(current_path / "myproject"))\n',
        "mysite/settings.py": None,
        "mysite/__init__.py": None,
        "mysite/urls.py": None,
        "config/__init__.py": "",
        "config/settings.py": (
            'INSTALLED_APPS = ["myproject.users"]\nROOT_URLCONF = "config.urls"\n'
        ),
        "config/urls.py": "from users.views import index  # noqa: F401\nurlpatterns = []\n",
        "myproject/__init__.py": "",
        "myproject/users/__init__.py": "",
        "myproject/users/apps.py": BILLING_APPS.replace('"billing"', '"myproject.users"'),
        "myproject/users/signals.py": SIGNALS,
        "myproject/users/views.py": "from . import signals  # noqa: F401\n",
    }
    files["manage.py"] = "from pathlib import Path\n" + files["manage.py"]  # type: ignore[operator]
    assert findings(tmp_path, files) == [
        "myproject/users/signals.py:4: receiver `email_invoice` is connected twice, so it runs"
        " twice: `myproject/users/signals.py` is imported as `myproject.users.signals` (ready()"
        " in `myproject/users/apps.py`) and as `users.signals` (by `myproject/users/views.py`,"
        " once the URLconf is loaded),"
        " and each import runs the module again; import it as `myproject.users.signals`"
        " everywhere, or give the connection a `dispatch_uid`"
    ]
