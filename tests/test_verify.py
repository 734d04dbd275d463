"""``signallint verify`` and ``map --verify`` against mini projects booted with real Django.

Each project is written to a temporary directory and checked by the real command in a
subprocess; the probe runs ``django.setup()`` in yet another one (this interpreter:
the projects have no virtual environment of their own).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from signallint.verify import Parameter, _cannot_take
from tests.helpers import FIXTURES

pytest.importorskip("django")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "shop"

SETTINGS = """\
SECRET_KEY = "test"
DEBUG = False
FEATURE = False
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "app"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
"""

FILES = {
    "manage.py": """\
import os

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
""",
    "mysite/__init__.py": "",
    "mysite/settings.py": SETTINGS,
    "mysite/feature_on.py": "from .settings import *  # noqa\n\nFEATURE = True\n",
    "mysite/broken.py": "import not_installed_anywhere  # noqa\n",
    "app/__init__.py": "",
    "app/models.py": """\
from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=10)
""",
    "app/apps.py": """\
import functools

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_delete


class ItemsConfig(AppConfig):
    name = "app"

    def ready(self):
        from . import handlers

        if settings.FEATURE:
            post_save.connect(handlers.on_feature, dispatch_uid="feature")
        post_delete.connect(functools.partial(handlers.log_delete, tag="x"))
        chosen = {"dynamic": handlers.on_dynamic}
        pre_delete.connect(chosen[self.label.replace("app", "dynamic")])
""",
    "app/handlers.py": """\
import functools

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import Item


def hide(function):
    @functools.wraps(function)
    def wrapper(sender, instance):
        return function(sender=sender, instance=instance)

    return wrapper


@receiver(post_save, sender=Item)
@hide
def on_item_saved(sender, instance, **kwargs):
    pass


@receiver(pre_save, sender=Item)
def stamp(sender, instance, **kwargs):
    pass


def on_feature(sender, **kwargs):
    pass


def log_delete(sender, tag, **kwargs):
    pass


def on_dynamic(sender, **kwargs):
    pass
""",
}


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("verify"), FILES)


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "signallint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=environ,
    )


def tree(root: Path) -> dict[str, float]:
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*")}


def findings(project: Path, *args: str) -> list[dict[str, object]]:
    result = run(project, "verify", "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def test_verify_reports_each_kind_of_difference_and_writes_nothing(project: Path) -> None:
    before = tree(project)
    result = run(project, "verify")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        "app/apps.py:15:1: SIG501 receiver `handlers.on_feature` of `post_save` is not"
        " connected after start-up: it is connected under a condition (or in a loop) in"
        " `ItemsConfig.ready()` that does not hold under these settings",
        'app/apps.py:16:1: SIG503 `functools.partial(handlers.log_delete, tag="x")` is a'
        " dead weak reference in the registry of `post_delete` after start-up: it was"
        " garbage-collected and is never called (connect it with weak=False, or keep a"
        " reference)",
        "app/handlers.py:17:1: SIG504 live receiver `app.handlers.on_item_saved` of"
        " `post_save` cannot take what it sends: no parameter takes `created`, `raw`,"
        " `signal`, `update_fields`, `using`; its signature (its wrapper's) is"
        " (sender, instance)",
        "app/handlers.py:36:1: SIG502 `app.handlers.on_dynamic` is live on `pre_delete`"
        " after start-up (perhaps it is what"
        ' `chosen[self.label.replace("app", "dynamic")]` (app/apps.py:18) connects),'
        " but the static map does not know it: a dynamic connection",
    ]
    assert "Found 4 problems" in result.stderr
    assert tree(project) == before  # no bytecode, no cache, nothing


def test_the_receiver_connected_under_a_setting_is_live_with_it_on(project: Path) -> None:
    codes = [f["code"] for f in findings(project, "--settings", "mysite.feature_on")]
    assert "SIG501" not in codes
    result = run(project, "map", "--verify", "--settings", "mysite.feature_on")
    assert "handlers.on_feature [connect]" in result.stdout
    assert next(
        line for line in result.stdout.splitlines() if "handlers.on_feature" in line
    ).endswith("[live]")


def test_select_and_ignore_apply(project: Path) -> None:
    assert {f["code"] for f in findings(project, "--select", "SIG504")} == {"SIG504"}
    assert "SIG503" not in {f["code"] for f in findings(project, "--ignore", "SIG503")}
    assert run(project, "verify", "--exit-zero", "-q").returncode == 0


def test_every_output_format(project: Path) -> None:
    for output_format in ("sarif", "github", "junit"):
        result = run(project, "verify", "--output-format", output_format)
        assert result.returncode == 1, result.stderr
        assert "SIG504" in result.stdout


def test_map_verify_marks_each_receiver(project: Path) -> None:
    result = run(project, "map", "--verify", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    states = {
        (s["name"], r["receiver"]): r["live"] for s in data["signals"] for r in s["receivers"]
    }
    assert states == {
        ("post_delete", 'functools.partial(handlers.log_delete, tag="x")'): "dead",
        ("post_save", "handlers.on_feature"): "absent",
        ("post_save", "on_item_saved"): "live",
        ("pre_delete", 'chosen[self.label.replace("app", "dynamic")]'): "live",
        ("pre_save", "stamp"): "live",
    }
    text = run(project, "map", "--verify").stdout
    assert "stamp [decorator] sender=Item - connected [live]" in text


def test_a_settings_module_that_fails_to_import_is_one_line(project: Path) -> None:
    before = tree(project)
    result = run(project, "verify", "--settings", "mysite.broken")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "signallint: error: cannot start the project with settings mysite.broken"
        " (mysite/broken.py:1): ModuleNotFoundError: No module named"
        " 'not_installed_anywhere'"
    ]
    missing = run(project, "verify", "--settings", "mysite.nowhere")
    assert missing.returncode == 2
    assert len(missing.stderr.splitlines()) == 1
    assert "No module named 'mysite.nowhere'" in missing.stderr
    assert tree(project) == before


def test_no_settings_module_known_is_one_line(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/signals.py": "x = 1\n"})
    result = run(tmp_path, "verify")
    assert result.returncode == 2
    assert result.stderr.startswith("signallint: error: no settings module")
    assert len(result.stderr.splitlines()) == 1


def test_a_missing_interpreter_is_one_line(project: Path) -> None:
    result = run(project, "verify", "--python", str(project / "no-python"))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "cannot run" in result.stderr


def test_the_example_project_does_not_start() -> None:
    """examples/shop imports `user_logged_out` from the wrong module (SIG1xx): Django
    cannot start it, and verify says where, in one line."""
    result = run(EXAMPLE, "verify")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "signallint: error: cannot start the project with settings shop_site.settings"
        " (accounts/handlers.py:4): ImportError: cannot import name 'user_logged_out'"
        " from 'django.db.models.signals' (" + result.stderr.split("(", 2)[2].rstrip()
    ]
    assert "Traceback" not in result.stderr


def test_the_example_project_once_its_import_is_fixed(tmp_path: Path) -> None:
    """With the wrong import fixed, verify finds what check finds statically
    (notify_warehouse, stamp_reference, audit and count_failure cannot take what their
    signals send) and that orders/notifications.py's receiver is not live."""
    files = {
        str(p.relative_to(EXAMPLE)): p.read_text()
        for p in EXAMPLE.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    files["accounts/handlers.py"] = files["accounts/handlers.py"].replace(
        "from django.db.models.signals import user_logged_out",
        "from django.contrib.auth.signals import user_logged_out",
    )
    write_project(tmp_path, files)
    found = findings(tmp_path)
    assert sorted((f["code"], f["path"], f["line"]) for f in found) == [
        ("SIG504", "accounts/handlers.py", 15),
        ("SIG504", "orders/signals.py", 11),
        ("SIG504", "orders/signals.py", 19),
        ("SIG504", "orders/signals.py", 31),
    ]


def test_a_module_run_under_two_names_is_proven_live_twice() -> None:
    # The receivers SIG309 reports as imported twice at start-up (tests/fixtures/projects/
    # two_module_names) are live twice after it; the one only the URLconf imports twice
    # is not (yet), and the twin with a dispatch_uid is live once.
    fixture = FIXTURES / "projects" / "two_module_names"
    result = run(fixture, "verify", "--settings", "mysite.settings")
    assert result.returncode == 1, result.stderr
    proven = sorted(line.split(": SIG505 ")[0] for line in result.stdout.splitlines())
    reported = sorted(
        line.split(": SIG309 ")[0]
        for line in (fixture / "expected.txt").read_text().splitlines()
        if "once the URLconf is loaded" not in line
    )
    assert (
        proven
        == reported
        == [
            "apps/billing/signals.py:6:1",
            "apps/returns/signals.py:6:1",
            "apps/stock/signals.py:6:1",
        ]
    )
    assert "as `billing.signals.on_ping_billing` and `apps.billing.signals.on_ping_billing`" in (
        result.stdout
    )


def test_noqa_and_per_file_ignores_apply(tmp_path: Path) -> None:
    project = tmp_path / "two_module_names"
    shutil.copytree(FIXTURES / "projects" / "two_module_names", project)
    billing = project / "apps" / "billing" / "signals.py"
    lines = billing.read_text().splitlines(keepends=True)
    assert lines[5].startswith("@receiver(pinged)")
    lines[5] = lines[5].rstrip("\n") + "  # noqa: SIG505\n"
    billing.write_text("".join(lines))
    (project / "pyproject.toml").write_text(
        '[tool.signallint]\nper-file-ignores = { "apps/stock/*" = ["SIG505"] }\n'
    )
    result = run(project, "verify", "--settings", "mysite.settings")
    assert result.returncode == 1, result.stderr
    assert [line.split(": ")[0] for line in result.stdout.splitlines()] == [
        "apps/returns/signals.py:6:1"
    ]


def test_explain_documents_the_verify_codes(project: Path) -> None:
    for code in ("SIG501", "SIG502", "SIG503", "SIG504", "SIG505"):
        result = run(project, "explain", code)
        assert result.returncode == 0
        assert "signallint verify" in result.stdout


def parameters(*spec: str) -> tuple[Parameter, ...]:
    kinds = {"*": "VAR_POSITIONAL", "**": "VAR_KEYWORD", "/": "POSITIONAL_ONLY"}
    found = []
    for text in spec:
        prefix = next((p for p in ("**", "*", "/") if text.startswith(p)), "")
        name = text[len(prefix) :].rstrip("=")
        kind = kinds.get(prefix, "POSITIONAL_OR_KEYWORD")
        found.append(Parameter(name, kind, text.endswith("=")))
    return tuple(found)


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (("sender", "**kwargs"), None),
        (("sender", "signal", "instance"), "no parameter takes `later`, sent on some calls"),
        (("sender", "signal", "instance", "later="), None),
        (("sender", "instance"), "no parameter takes `signal`"),
        (("sender", "created", "**kwargs"), "it requires `created`, which it never sends"),
        (("sender", "extra", "**kwargs"), "it requires `extra`, which it never sends"),
        (("sender", "later", "**kwargs"), "which it does not always send"),
        (("sender", "later=", "**kwargs"), None),
        (("/sender", "**kwargs"), "`sender` is positional-only"),
    ],
)
def test_what_a_signature_cannot_take(spec: tuple[str, ...], problem: str | None) -> None:
    always = {"signal", "sender", "instance"}
    found = _cannot_take(parameters(*spec), always, {"later"})
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found
