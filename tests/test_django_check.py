"""The Django system check (``signallint.django``), run by real Django: ``manage.py check``
in a subprocess, on small projects written here and on the example project."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("django")

EXAMPLE = Path(__file__).parent.parent / "examples" / "shop"
# ``path:line:col: (signallint.SIGNNN) message`` as Django prints a check message.
CHECK_LINE = re.compile(r"^(?P<where>\S+:\d+:\d+): \(signallint\.(?P<code>SIG\d{3})\) ", re.M)
CLI_LINE = re.compile(r"^(?P<where>\S+:\d+:\d+): (?P<code>SIG\d{3}) ", re.M)

MANAGE = """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
SETTINGS = """\
SECRET_KEY = "tests-only"
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
{installed}
{extra}
"""
SHOP_APPS = """\
from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"

    def ready(self):
        from . import signals  # noqa: F401
"""
SHOP_SIGNALS = """\
from django.core.signals import request_finished
from django.dispatch import receiver


@receiver(request_finished)
def on_finished(sender):
    pass
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def make_site(
    root: Path,
    *,
    installed: str = 'INSTALLED_APPS = ["shop", "signallint.django"]',
    extra: str = "",
    apps: str = SHOP_APPS,
    signals: str = SHOP_SIGNALS,
) -> Path:
    write(
        root,
        {
            "manage.py": MANAGE,
            "site_conf/__init__.py": "",
            "site_conf/settings.py": SETTINGS.format(installed=installed, extra=extra),
            "shop/__init__.py": "",
            "shop/apps.py": apps,
            "shop/signals.py": signals,
        },
    )
    return root


def manage_check(
    root: Path, cache: Path, *arguments: str, settings: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python manage.py check`` in ``root``, with its own facts cache."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    if settings is not None:
        environment["DJANGO_SETTINGS_MODULE"] = settings
    return subprocess.run(
        [sys.executable, "manage.py", "check", *arguments],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def reported(output: str) -> set[tuple[str, str]]:
    return {(m["where"], m["code"]) for m in CHECK_LINE.finditer(output)}


def test_a_receiver_that_raises_is_an_error_with_its_place_and_fix(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    result = manage_check(site, tmp_path / "cache")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "ERRORS:" in output
    assert reported(output) == {("shop/signals.py:6:5", "SIG001")}
    assert "\tHINT: add **kwargs to its parameters" in output
    assert "Traceback" not in output


def test_a_warning_alone_does_not_fail_the_check(tmp_path: Path) -> None:
    # A receiver module nothing imports (SIG301): it never fires, nothing raises.
    site = make_site(tmp_path / "site", apps=SHOP_APPS.replace("from . import signals", "pass  #"))
    fixed = SHOP_SIGNALS.replace("(sender)", "(sender, **kwargs)")
    (site / "shop" / "signals.py").write_text(fixed)
    result = manage_check(site, tmp_path / "cache")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS:" in output and "ERRORS:" not in output
    assert reported(output) == {("shop/signals.py:5:1", "SIG301")}


def test_silenced_system_checks_silence_a_code(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", extra='SILENCED_SYSTEM_CHECKS = ["signallint.SIG001"]')
    result = manage_check(site, tmp_path / "cache")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert reported(output) == set()
    assert "(1 silenced)" in output


def test_the_projects_settings_apply(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (site / "pyproject.toml").write_text('[tool.signallint]\nignore = ["SIG001"]\n')
    result = manage_check(site, tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert reported(result.stdout + result.stderr) == set()


def test_a_check_that_cannot_run_says_so_in_one_warning(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (site / "pyproject.toml").write_text('[tool.signallint]\nselect = "SIG001"\n')
    result = manage_check(site, tmp_path / "cache")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output
    assert "(signallint.W001) signallint could not check the project: " in output
    assert "`select` must be a list of rule codes" in output


def test_the_target_is_the_running_django(tmp_path: Path) -> None:
    import django

    assert django.VERSION[:2] >= (5, 0), "an async receiver is fine only from Django 5.0"
    async_receiver = SHOP_SIGNALS.replace(
        "def on_finished(sender)", "async def on_finished(**kwargs)"
    )
    site = make_site(tmp_path / "site", signals=async_receiver)
    (site / "pyproject.toml").write_text('[tool.signallint]\ndjango-version = "4.2"\n')
    static = subprocess.run(
        [sys.executable, "-m", "signallint", "check", "--no-cache", "."],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "SIG210" in static.stdout, static.stdout
    result = manage_check(site, tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert reported(result.stdout + result.stderr) == set()


def test_a_file_that_does_not_parse_is_a_warning_not_a_traceback(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site", signals=SHOP_SIGNALS.replace("(sender)", "(sender, **kwargs)")
    )
    write(site, {"shop/broken.py": "from django.dispatch import receiver\ndef broken(:\n"})
    result = manage_check(site, tmp_path / "cache")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output
    assert reported(output) == {("shop/broken.py:2:12", "SIG902")}


TWO_CONFIGS = """\
from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"

    def ready(self):
        from . import signals  # noqa: F401


class ShopAdminConfig(AppConfig):
    name = "shop"
    label = "shop_admin"
"""
# INSTALLED_APPS that a reader of the settings cannot know: only the running Django can.
COMPUTED_APPS = """\
import os

INSTALLED_APPS = os.environ.get("SITE_APPS", "").split() or [
    app for app in ("shop", "signallint.django") if app
]
"""


def test_the_two_appconfig_trap_is_reported_from_the_real_registry(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        installed=COMPUTED_APPS,
        apps=TWO_CONFIGS,
        signals=SHOP_SIGNALS.replace("(sender)", "(sender, **kwargs)"),
    )
    static = subprocess.run(
        [sys.executable, "-m", "signallint", "check", "--no-cache", "."],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The settings alone do not say that "shop" is installed: the static analysis is silent.
    assert "SIG303" not in static.stdout, static.stdout
    result = manage_check(site, tmp_path / "cache")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert ("shop/apps.py:4:7", "SIG303") in reported(output), output
    assert "Django uses a plain AppConfig, so no `ready()` runs" in output
    # ...and the receiver that ShopConfig.ready() would have connected never is.
    assert ("shop/signals.py:5:1", "SIG301") in reported(output), output


def test_an_app_named_by_its_config_class_is_not_the_trap(tmp_path: Path) -> None:
    computed = COMPUTED_APPS.replace('("shop",', '("shop.apps.ShopConfig",')
    site = make_site(
        tmp_path / "site",
        installed=computed,
        apps=TWO_CONFIGS,
        signals=SHOP_SIGNALS.replace("(sender)", "(sender, **kwargs)"),
    )
    result = manage_check(site, tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert reported(result.stdout + result.stderr) == set()


def test_check_of_one_app_reports_only_that_app(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    write(site, {"site_conf/settings.py": ""})  # replaced below
    installed = 'INSTALLED_APPS = ["shop", "other", "signallint.django"]'
    write(
        site,
        {
            "site_conf/settings.py": SETTINGS.format(installed=installed, extra=""),
            "other/__init__.py": "",
            "other/apps.py": SHOP_APPS.replace("Shop", "Other").replace('"shop"', '"other"'),
            "other/signals.py": SHOP_SIGNALS,
        },
    )
    both = manage_check(site, tmp_path / "cache")
    assert {code for _, code in reported(both.stderr)} == {"SIG001"}
    assert len(reported(both.stderr)) == 2, both.stderr
    one = manage_check(site, tmp_path / "cache", "other")
    assert reported(one.stderr) == {("other/signals.py:6:5", "SIG001")}, one.stderr


def test_importing_the_package_imports_neither_django_nor_libcst() -> None:
    code = (
        "import sys, signallint.django, signallint.django.checks\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'libcst')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_warm_cache_spares_the_parser(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    write(
        site,
        {
            "probe.py": """\
            import os, sys
            os.environ["DJANGO_SETTINGS_MODULE"] = "site_conf.settings"
            import django
            django.setup()
            from signallint.django.checks import check_signals
            print([m.id for m in check_signals()], "libcst" in sys.modules)
            """
        },
    )
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "probe.py"],
            cwd=site,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["['signallint.SIG001'] True", "['signallint.SIG001'] False"]


def test_the_example_project_reports_what_signallint_reports(tmp_path: Path) -> None:
    """``manage.py check`` with the app added reports what ``signallint examples/shop``
    does, but for SIG102: its bad import stops Django from starting at all, so the copy
    checked here has it fixed."""
    static = subprocess.run(
        [sys.executable, "-m", "signallint", "check", "--no-cache", "."],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    expected = {(m["where"], m["code"]) for m in CLI_LINE.finditer(static.stdout)}
    assert ("accounts/handlers.py:4:38", "SIG102") in expected, static.stdout
    site = tmp_path / "shop"
    shutil.copytree(EXAMPLE, site)
    handlers = site / "accounts" / "handlers.py"
    handlers.write_text(
        handlers.read_text().replace("django.db.models.signals", "django.contrib.auth.signals")
    )
    write(
        site,
        {
            "check_settings.py": """\
            from shop_site.settings import *  # noqa: F403

            INSTALLED_APPS = [*INSTALLED_APPS, "signallint.django"]  # noqa: F405
            """
        },
    )
    result = manage_check(site, tmp_path / "cache", settings="check_settings")
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == 1, output
    assert reported(output) == expected - {("accounts/handlers.py:4:38", "SIG102")}
