"""The target Django version: named by the user, or declared by the project, and what a
run says about it (through the real command)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from signallint import catalogue
from signallint.settings import nearest_known

OLDEST, NEWEST = catalogue.SUPPORTED_VERSIONS[0], catalogue.SUPPORTED_VERSIONS[-1]
KNOWN = ", ".join(catalogue.format_version(v) for v in catalogue.SUPPORTED_VERSIONS)


def signallint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "signallint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("command", [["check"], ["map"], ["signals"], ["show-settings"]])
@pytest.mark.parametrize("version", ["2.0", "9.9", "4.3", "five"])
def test_a_target_outside_the_catalogue_is_a_usage_error(
    tmp_path: Path, command: list[str], version: str
) -> None:
    result = signallint(tmp_path, *command, "--django-version", version)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("signallint: error: --django-version: ")
    if version != "five":
        assert line.endswith(f"signallint knows Django {KNOWN}, not {version}")


def test_a_configured_target_outside_the_catalogue_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.signallint]\ndjango-version = "1.11"\n')
    result = signallint(tmp_path, "check", ".")
    assert result.returncode == 2
    assert result.stderr.strip().endswith(f"signallint knows Django {KNOWN}, not 1.11")


@pytest.mark.parametrize(
    ("declared", "target", "said"),
    [
        (OLDEST, OLDEST, ""),
        (NEWEST, NEWEST, ""),
        ((1, 8), OLDEST, "older than the oldest Django signallint knows"),
        ((NEWEST[0] + 3, 0), NEWEST, "newer than the newest Django signallint knows"),
        ((5, 7), (5, 2), "not a release signallint knows: checking as 5.2"),
    ],
)
def test_a_declared_version_is_checked_as_the_nearest_known_release(
    declared: tuple[int, int], target: tuple[int, int], said: str
) -> None:
    found, warning = nearest_known(declared)
    assert found == target
    assert (said in warning) if said else warning == ""


def test_show_settings_in_json(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.signallint]\ndjango-version = "5.1"\nignore = ["SIG2"]\n'
    )
    result = signallint(tmp_path, "show-settings", "--format", "json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["django_version"] == "5.1"
    assert shown["django_version_source"] == f"django-version in {tmp_path / 'pyproject.toml'}"
    assert shown["ignore"] == ["SIG2"]
    assert shown["rules"]["SIG201"] == "off (not selected, or ignored)"
    assert shown["rules"]["SIG001"] == "on"
    assert shown["rules"]["SIG306"] == "off (opt-in: select it by code)"
    assert shown["rules"]["SIG210"] == "off (applies to Django <5.0)"


def test_an_upgrade_check_names_the_projects_own_target(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.signallint]\ndjango-version = "4.2"\n')
    (tmp_path / "signals.py").write_text("from django.dispatch import Signal\n\npaid = Signal()\n")
    result = signallint(tmp_path, "check", "--django-version", "5.2", ".")
    assert result.returncode == 0
    assert result.stderr.splitlines()[0] == (
        "signallint: target Django 5.2, --django-version; the project targets 4.2 "
        f"(django-version in {tmp_path / 'pyproject.toml'}): reporting how the code behaves "
        "on 5.2"
    )
    same = signallint(tmp_path, "check", "--django-version", "4.2", ".")
    # Its own target: nothing to say but the result.
    assert (
        same.stderr
        == result.stderr.splitlines(keepends=True)[1]
        == ("All checks passed (1 file checked).\n")
    )


@pytest.mark.parametrize(
    ("declared", "target", "said"),
    [
        ("Django==2.2.28", OLDEST, "Django 2.2 is older than the oldest Django signallint knows"),
        ("Django>=9.0", NEWEST, "Django 9.0 is newer than the newest Django signallint knows"),
    ],
)
def test_a_declared_version_outside_the_catalogue_is_said_once_even_when_quiet(
    tmp_path: Path, declared: str, target: tuple[int, int], said: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[project]\ndependencies = ["{declared}"]\n')
    (tmp_path / "signals.py").write_text("from django.dispatch import Signal\n")
    result = signallint(tmp_path, "check", "-q", ".")
    assert result.returncode == 0
    shown = catalogue.format_version(target)
    assert result.stderr == (
        f"signallint: warning: {said}: checking as {shown} "
        f"(detected from {declared!r} in {tmp_path / 'pyproject.toml'})\n"
    )
    settings = json.loads(signallint(tmp_path, "show-settings", "--format", "json").stdout)
    assert settings["django_version"] == shown
    assert settings["django_version_warning"] == f"{said}: checking as {shown}"


def test_the_readme_upgrade_example_is_what_the_command_prints() -> None:
    root = Path(__file__).parent.parent
    command = "$ cd tests/fixtures/projects/default_app_config_legacy && "
    command += "signallint --django-version 5.2 .\n"
    shown = (root / "README.md").read_text().split(command, 1)[1].split("```", 1)[0]
    project = root / "tests" / "fixtures" / "projects" / "default_app_config_legacy"
    result = signallint(project, "--no-cache", "--django-version", "5.2", ".")
    assert result.returncode == 1
    notice, summary = result.stderr.replace(str(project), "…/default_app_config_legacy").split(
        "\n", 1
    )
    assert shown == notice + "\n" + result.stdout + summary
