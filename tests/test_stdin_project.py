"""Standard input with ``--stdin-filename`` is checked as that file of its project, by the
real ``signallint`` command: what it reports is what a run on the file reports."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SIGNALS = textwrap.dedent(
    """\
    from django.db.models.signals import m2m_changed
    from django.dispatch import receiver

    from shop.models import Book


    @receiver(m2m_changed, sender=Book)
    def authors_changed(sender, instance, action, **kwargs):
        pass
    """
)

FILES = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n',
    "mysite/__init__.py": "",
    "mysite/settings.py": 'INSTALLED_APPS = ["shop"]\n',
    "shop/__init__.py": "",
    "shop/apps.py": textwrap.dedent(
        """\
        from django.apps import AppConfig


        class ShopConfig(AppConfig):
            name = "shop"
        """
    ),
    "shop/models.py": textwrap.dedent(
        """\
        from django.db import models


        class Author(models.Model):
            name = models.CharField(max_length=100)


        class Book(models.Model):
            authors = models.ManyToManyField(Author)
        """
    ),
    "shop/signals.py": SIGNALS,
}

ON_DISK = [
    "shop/signals.py:7:1: SIG301 receiver `authors_changed` is never connected: nothing "
    "imports `shop/signals.py`; import it in `ShopConfig.ready()`",
    "shop/signals.py:7:31: SIG204 `m2m_changed` is sent with the intermediate model, "
    "never `Book`; use `Book.authors.through`",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def signallint(*args: str, cwd: Path, stdin: str | None = None) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "--no-cache", "-q", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


def test_the_file_itself(project: Path) -> None:
    assert signallint("shop/signals.py", cwd=project) == ON_DISK


def test_stdin_with_the_files_name_reports_what_the_file_reports(project: Path) -> None:
    found = signallint("-", "--stdin-filename", "shop/signals.py", cwd=project, stdin=SIGNALS)
    assert found == ON_DISK


def test_stdin_replaces_the_file_on_disk(project: Path) -> None:
    edited = SIGNALS.replace("from shop.models import Book\n", "from shop.models import Book\n\n")
    found = signallint("-", "--stdin-filename", "shop/signals.py", cwd=project, stdin=edited)
    assert found == [line.replace(":7:", ":8:") for line in ON_DISK]
    # What the editor holds is read, not the file: an import in ready() connects it.
    (project / "shop" / "apps.py").write_text(
        FILES["shop/apps.py"] + "\n    def ready(self):\n        from . import signals\n"
    )
    found = signallint("-", "--stdin-filename", "shop/signals.py", cwd=project, stdin=edited)
    assert found == [ON_DISK[1].replace(":7:", ":8:")]


def test_the_project_sees_the_stdin_text_not_the_file(project: Path) -> None:
    """The other files are checked with the stdin text in the project's picture."""
    models = FILES["shop/models.py"].replace("ManyToManyField(Author)", "ForeignKey(Author)")
    found = signallint("-", "--stdin-filename", "shop/models.py", cwd=project, stdin=models)
    assert found == []
    both = signallint(
        "-", "shop/signals.py", "--stdin-filename", "shop/models.py", cwd=project, stdin=models
    )
    assert [line for line in both if "SIG204" in line] == [
        "shop/signals.py:7:31: SIG204 `m2m_changed` is sent with an intermediate model, "
        "never `Book`, which is none: this connection never fires; use `<Model>.<field>.through`"
    ]


def test_a_file_not_yet_on_disk(project: Path) -> None:
    (project / "shop" / "signals.py").unlink()
    found = signallint("-", "--stdin-filename", "shop/signals.py", cwd=project, stdin=SIGNALS)
    assert found == ON_DISK


def test_stdin_and_its_directory_report_the_file_once(project: Path) -> None:
    edited = SIGNALS.replace("**kwargs", "**extra")
    found = signallint(".", "-", "--stdin-filename", "shop/signals.py", cwd=project, stdin=edited)
    assert found == ON_DISK
    (project / "shop" / "signals.py").write_text(SIGNALS.replace("**kwargs", ""))
    found = signallint(".", "-", "--stdin-filename", "shop/signals.py", cwd=project, stdin=SIGNALS)
    assert found == ON_DISK


STDIN_NAME = ("--stdin-filename", "shop/signals.py")


def test_fix_of_stdin_keeps_the_projects_findings(project: Path) -> None:
    """The fixed text is re-checked as the file of its project: SIG204 and SIG301 stay."""
    broken = SIGNALS.replace(", **kwargs", "")
    (project / "shop" / "signals.py").write_text(broken)
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "--no-cache", "--fix", "-", *STDIN_NAME],
        cwd=project,
        input=broken,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == SIGNALS
    assert [line for line in result.stderr.splitlines() if "SIG" in line] == ON_DISK
    assert (project / "shop" / "signals.py").read_text() == broken  # not written
