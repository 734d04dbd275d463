"""The whole-project rules (SIG3xx) on mini Django projects, through the command line.

Each directory under tests/fixtures/projects is a small Django project with a
hand-written ``expected.txt``: exactly what ``signallint .`` prints when run from the
project's directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from signallint import check_paths
from signallint.cli import main
from signallint.settings import Settings
from tests.helpers import FIXTURES

PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "signallint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_project_reports_exactly_what_it_expects(project: Path) -> None:
    result = run_cli(project, "-q", ".")
    assert "Traceback" not in result.stderr
    assert result.stdout == (project / "expected.txt").read_text()
    assert result.returncode == (1 if result.stdout else 0), result.stderr


def test_only_the_files_given_are_reported_but_the_whole_project_is_read() -> None:
    project = FIXTURES / "projects" / "never_imported"
    # pre-commit passes the changed files only: the picture still comes from the root.
    result = run_cli(project, "-q", "shop/signals.py")
    assert result.stdout == "".join(
        line + "\n"
        for line in (project / "expected.txt").read_text().splitlines()
        if line.startswith("shop/signals.py:")
    )
    assert run_cli(project, "-q", "shop/apps.py", "shop/models.py").stdout == ""


def test_a_module_imported_by_a_file_that_is_not_given_is_not_reported() -> None:
    project = FIXTURES / "projects" / "ready_import"
    result = run_cli(project, "-q", "shop/signals.py")
    assert result.stdout == ""
    assert result.returncode == 0


def test_project_root_option_points_at_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = FIXTURES / "projects" / "never_imported"
    monkeypatch.chdir(tmp_path)
    target = str(project / "shop" / "signals.py")
    found = CliRunner().invoke(main, ["check", "-q", target])
    assert found.output.count("SIG301") == 2, found.output
    # Another project whose apps.py imports a `shop.signals`: with it as the root, the
    # module counts as imported.
    other = FIXTURES / "projects" / "ready_import"
    found = CliRunner().invoke(main, ["check", "-q", "--project-root", str(other), target])
    assert "SIG301" not in found.output


def test_without_a_project_root_the_project_rules_are_silent(tmp_path: Path) -> None:
    # The same files, with nothing upwards that marks a project root.
    copy = tmp_path / "copy"
    shutil.copytree(FIXTURES / "projects" / "never_imported", copy)
    (copy / "manage.py").unlink()
    result = check_paths([str(copy / "shop")], Settings())
    assert [d for d in result.diagnostics if d.code.startswith("SIG3")] == []


def test_selecting_no_project_rule_skips_the_project_analysis() -> None:
    project = FIXTURES / "projects" / "never_imported"
    result = run_cli(project, "-q", "--select", "SIG0,SIG1", ".")
    assert result.stdout == ""


def test_noqa_silences_a_project_finding(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(FIXTURES / "projects" / "autodiscover", copy)
    handlers = copy / "shop" / "handlers.py"
    handlers.write_text(
        handlers.read_text().replace("@receiver(pinged)", "@receiver(pinged)  # noqa: SIG301")
    )
    assert run_cli(copy, "-q", ".").stdout == ""


def test_the_example_project_has_every_project_module_checked_once() -> None:
    project = FIXTURES / "projects" / "two_app_configs"
    old = os.getcwd()
    try:
        os.chdir(project)
        result = check_paths(["shop", "billing/__init__.py"], Settings())
    finally:
        os.chdir(old)
    assert sorted({d.path for d in result.diagnostics}) == [
        "billing/__init__.py",
        "shop/apps.py",
        "shop/signals.py",
    ]
