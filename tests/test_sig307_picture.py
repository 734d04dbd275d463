"""SIG307 on small projects written to a temporary directory: reported only when a
URLconf reaches the module and nothing ``django.setup()`` imports does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_project_picture import RECEIVER, reported

URLS = "from shop import views  # noqa\n"
VIEWS = "from shop import signals  # noqa\n"


def test_views_imported_only_by_the_urlconf(tmp_path: Path) -> None:
    files = {"mysite/urls.py": URLS, "shop/views.py": VIEWS, "shop/signals.py": RECEIVER}
    assert reported(tmp_path, files) == ["shop/signals.py:SIG307"]


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"shop/models.py": "from shop import views  # noqa\n"}, id="models-import"),
        pytest.param({"shop/tasks.py": VIEWS}, id="autodiscovered-tasks"),
        pytest.param({"shop/admin.py": VIEWS}, id="admin"),
        pytest.param({"shop/templatetags/shop_tags.py": VIEWS}, id="templatetags"),
        pytest.param(
            {"mysite/settings.py": 'INSTALLED_APPS = ["shop"]\nX = "shop.signals.f"\n'},
            id="named-by-a-setting",
        ),
        pytest.param({"mysite/settings.py": None}, id="no-settings"),
        pytest.param({"mysite/wsgi.py": VIEWS}, id="wsgi"),
    ],
)
def test_silent_when_setup_may_import_it(tmp_path: Path, extra: dict[str, str | None]) -> None:
    files = {"mysite/urls.py": URLS, "shop/views.py": VIEWS, "shop/signals.py": RECEIVER}
    assert reported(tmp_path, {**files, **extra}) == []


def test_the_root_urlconf_named_in_settings_is_still_not_imported_at_setup(
    tmp_path: Path,
) -> None:
    settings = 'INSTALLED_APPS = ["shop"]\nROOT_URLCONF = "mysite.urls"\n'
    files = {
        "mysite/settings.py": settings,
        "mysite/urls.py": URLS,
        "shop/views.py": VIEWS,
        "shop/signals.py": RECEIVER,
    }
    assert reported(tmp_path, files) == ["shop/signals.py:SIG307"]
    # An import statement is another matter: then setup does load it.
    files["shop/models.py"] = "import mysite.urls  # noqa\n"
    assert reported(tmp_path / "again", files) == []
