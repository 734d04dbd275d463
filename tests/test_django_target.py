"""Which Django a project declares: every declaration style, their order, bad files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from signallint import django_target
from signallint.django_target import (
    DeclaredDjango,
    detect,
    oldest_feature_release,
    poetry_specifiers,
    requirement_version,
)
from signallint.settings import load_settings

DECLARATIONS = Path(__file__).parent / "fixtures" / "declarations"

# Each fixture project, where the detection starts in it, and what it must find (written
# by hand from the fixture's files).
EXPECTED = [
    ("pep621", "", (4, 2), "detected from 'Django>=4.2,<6' in {}/pyproject.toml"),
    (
        "optional-deps",
        "",
        (5, 1),
        "detected from 'django[argon2]~=5.1.0' in {}/pyproject.toml",
    ),
    ("dependency-groups", "", (5, 2), "detected from 'Django>=5.2' in {}/pyproject.toml"),
    ("poetry", "", (5, 0), """detected from 'Django = "^5.0"' in {}/pyproject.toml"""),
    ("poetry-lock", "", (5, 1), "locked at 5.1.4 in {}/poetry.lock"),
    ("setup-cfg", "", (4, 2), "detected from 'Django>=4.2,<5.0' in {}/setup.cfg"),
    ("setup-py", "", (5, 0), "detected from 'Django>=5.0,<5.2' in {}/setup.py"),
    ("setup-py-name", "", (4, 1), "detected from 'Django>=4.1,<4.3' in {}/setup.py"),
    (
        "requirements-includes",
        "",
        (5, 1),
        "detected from 'Django>=5.1,<5.2' in {}/common/base.txt",
    ),
    ("requirements-dir", "", (5, 0), "detected from 'Django>=5.0,<6' in {}/requirements/base.txt"),
    ("pipfile", "", (5, 1), """detected from 'django = "~=5.1"' in {}/Pipfile"""),
    ("pipfile-lock", "", (4, 2), "locked at 4.2.16 in {}/Pipfile.lock"),
    ("uv-lock", "", (5, 2), "locked at 5.2.8 in {}/uv.lock"),
    ("lock-wins", "app", (5, 0), "locked at 5.0.6 in {}/uv.lock"),
    (
        "nearest-wins",
        "web/views.py",
        (5, 1),
        "detected from 'Django>=5.1,<6' in {}/web/requirements.txt",
    ),
    ("pre-release", "", (6, 1), "detected from 'Django==6.1a1' in {}/requirements.txt"),
    ("out-of-range-old", "", (2, 2), "detected from 'Django==2.2.28' in {}/requirements.txt"),
    ("out-of-range-new", "", (7, 0), "detected from 'Django>=7.0' in {}/pyproject.toml"),
]


@pytest.mark.parametrize(
    ("style", "start", "version", "source"), EXPECTED, ids=[e[0] for e in EXPECTED]
)
def test_each_declaration_style(
    style: str, start: str, version: tuple[int, int], source: str
) -> None:
    project = DECLARATIONS / style
    assert detect(str(project / start)) == DeclaredDjango(version, source.format(project))


def test_every_fixture_project_is_expected() -> None:
    styles = set(os.listdir(DECLARATIONS))
    assert styles == {e[0] for e in EXPECTED} | {"setup-py-nonliteral"}


def test_setup_py_is_read_never_run() -> None:
    # Its install_requires comes from a file only running it would read: unknown.
    assert detect(str(DECLARATIONS / "setup-py-nonliteral")) is None


def show_settings(path: Path) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "signallint", "show-settings", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("django-version"))
    return line, done.stderr


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        pytest.param(
            "uv-lock",
            "django-version: 5.2 (locked at 5.2.8 in {}/uv.lock)",
            id="uv-lock",
        ),
        pytest.param(
            "setup-py",
            "django-version: 5.0 (detected from 'Django>=5.0,<5.2' in {}/setup.py)",
            id="setup-py",
        ),
        pytest.param(
            "out-of-range-old",
            "django-version: 3.2 (detected from 'Django==2.2.28' in {}/requirements.txt)",
            id="older-than-the-catalogue",
        ),
        pytest.param(
            "out-of-range-new",
            "django-version: 6.1 (detected from 'Django>=7.0' in {}/pyproject.toml)",
            id="newer-than-the-catalogue",
        ),
        pytest.param(
            "setup-py-nonliteral",
            "django-version: 6.1 (default (newest supported))",
            id="nothing-declared",
        ),
    ],
)
def test_show_settings_names_the_source(style: str, expected: str) -> None:
    line, stderr = show_settings(DECLARATIONS / style)
    assert line == expected.format(DECLARATIONS / style)
    assert stderr == ""


def test_check_announces_the_lock_file() -> None:
    project = DECLARATIONS / "lock-wins"
    done = subprocess.run(
        [sys.executable, "-m", "signallint", "check", "--no-cache", str(project / "app")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        f"signallint: target Django 5.0, locked at 5.0.6 in {project / 'uv.lock'}"
    )


def test_configured_version_beats_the_lock_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.signallint]\ndjango-version = "5.0"\n')
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "django"\nversion = "4.2.1"\n')
    settings = load_settings(start=str(tmp_path))
    assert (settings.django_version, settings.django_version_detected) == ((5, 0), False)


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [
        pytest.param("Django>=4.2,<6", (4, 2), id="range"),
        pytest.param("Django>=5.0", (5, 0), id="lower-bound"),
        pytest.param("django~=5.1.0", (5, 1), id="compatible-release"),
        pytest.param("django~=4.1", (4, 1), id="compatible-release-two-parts"),
        pytest.param("Django==5.2.7", (5, 2), id="pinned"),
        pytest.param("Django==3.2.18", (3, 2), id="pinned-oldest-known"),
        pytest.param("Django==2.2", (2, 2), id="pinned-feature-release"),
        pytest.param("Django==6.0.*", (6, 0), id="wildcard"),
        pytest.param("Django[argon2] >= 5.2", (5, 2), id="extras-and-spaces"),
        pytest.param("Django>=3.2.5,<4", (3, 2), id="patch-lower-bound"),
        pytest.param("Django>=4.0,!=4.0.*,<5", (4, 1), id="excluded-series"),
        pytest.param("Django>=3.2,!=3.2.*", (4, 0), id="excluded-last-of-a-major"),
        pytest.param("Django>=4.2,!=4.2.0,!=4.2.1,<4.3", (4, 2), id="excluded-patches"),
        pytest.param("Django>4.2", (4, 2), id="exclusive-lower-bound"),
        pytest.param("Django>4.2.*", None, id="invalid-specifier"),
        pytest.param("Django==6.1a1", (6, 1), id="pre-release"),
        pytest.param("Django>=6.0rc1", (6, 0), id="pre-release-lower-bound"),
        pytest.param("Django>=7", (7, 0), id="newer-than-the-catalogue"),
        pytest.param("Django>=12.3", (12, 3), id="far-future"),
        pytest.param("django<5.1", (5, 0), id="upper-bound-only-what-pip-installs"),
        pytest.param("Django<=4.2.9,!=4.2.3", (4, 2), id="upper-bound-and-exclusion"),
        pytest.param("Django<3.0", (1, 0), id="upper-bound-below-the-catalogue"),
        pytest.param("Django>=5,<4", None, id="allows-nothing"),
        pytest.param('Django>=6.0; python_version >= "3.12"', (6, 0), id="marker"),
        pytest.param("Django @ https://example.invalid/django.zip", None, id="url"),
        pytest.param("django", None, id="no-specifier"),
        pytest.param("djangorestframework>=3.14", None, id="other-package"),
        pytest.param("django-filter>=2", None, id="django-prefixed-package"),
        pytest.param("# Django>=5.0", None, id="comment"),
        pytest.param("Django>=>5", None, id="unparsable"),
    ],
)
def test_requirement_version(requirement: str, expected: tuple[int, int] | None) -> None:
    assert requirement_version(requirement) == expected


def test_no_specifier_declares_no_version() -> None:
    assert oldest_feature_release(SpecifierSet("")) is None


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        pytest.param("^4.2", ["<5,>=4.2"], id="caret"),
        pytest.param("^4.2.3", ["<5,>=4.2.3"], id="caret-patch"),
        pytest.param("^0.2.3", ["<0.3,>=0.2.3"], id="caret-below-one"),
        pytest.param("~4.2", ["<4.3,>=4.2"], id="tilde"),
        pytest.param("~4.2.1", ["<4.3,>=4.2.1"], id="tilde-patch"),
        pytest.param("~4", ["<5,>=4"], id="tilde-major"),
        pytest.param("~=4.2", ["~=4.2"], id="compatible-release"),
        pytest.param("4.2.*", ["==4.2.*"], id="wildcard"),
        pytest.param("4.2", ["==4.2"], id="bare"),
        pytest.param("=4.2.1", ["==4.2.1"], id="single-equals"),
        pytest.param(">=4.2,<5", ["<5,>=4.2"], id="comparisons"),
        pytest.param(">= 4.2 < 5", ["<5,>=4.2"], id="space-separated"),
        pytest.param("^3.2 || ^4.2", ["<4,>=3.2", "<5,>=4.2"], id="alternatives"),
        pytest.param("*", [""], id="any"),
        pytest.param("latest", None, id="not-a-constraint"),
    ],
)
def test_poetry_specifiers(constraint: str, expected: list[str] | None) -> None:
    converted = poetry_specifiers(constraint)
    assert (None if converted is None else [str(s) for s in converted]) == expected


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def test_poetry_alternatives_and_python_specific_entries(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        "[tool.poetry.dependencies]\n"
        'django = [{ version = "^5.0", python = ">=3.12" }, { version = "^4.2 || ^5.0" }]\n',
    )
    assert detect(str(tmp_path)) == DeclaredDjango(
        (4, 2), f"""detected from 'django = "^4.2 || ^5.0"' in {tmp_path / "pyproject.toml"}"""
    )


def test_several_declarations_in_one_place_take_the_oldest(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        "[project]\ndependencies = [\n"
        "  \"Django>=5.1; python_version >= '3.12'\",\n"
        "  \"Django>=4.2; python_version < '3.12'\",\n]\n",
    )
    found = detect(str(tmp_path))
    assert found is not None and found.version == (4, 2)


def test_a_lock_without_django_does_not_decide(tmp_path: Path) -> None:
    write(tmp_path / "uv.lock", '[[package]]\nname = "requests"\nversion = "2.32.3"\n')
    write(tmp_path / "requirements.txt", "Django~=5.0.3\n")
    assert detect(str(tmp_path)) == DeclaredDjango(
        (5, 0), f"detected from 'Django~=5.0.3' in {tmp_path / 'requirements.txt'}"
    )


def test_a_forked_lock_takes_the_oldest(tmp_path: Path) -> None:
    write(
        tmp_path / "uv.lock",
        '[[package]]\nname = "Django"\nversion = "5.2.1"\n'
        "resolution-markers = [\"python_full_version >= '3.12'\"]\n\n"
        '[[package]]\nname = "Django"\nversion = "4.2.20"\n',
    )
    assert detect(str(tmp_path)) == DeclaredDjango(
        (4, 2), f"locked at 4.2.20 in {tmp_path / 'uv.lock'}"
    )


def test_main_dependencies_of_any_file_come_before_optional_ones(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\ndependencies = []\n[project.optional-dependencies]\nold = ["Django>=4.2"]\n',
    )
    write(tmp_path / "requirements.txt", "Django>=5.2\n")
    found = detect(str(tmp_path))
    assert found is not None and found.version == (5, 2)


def test_the_walk_stops_at_the_project_root(tmp_path: Path) -> None:
    write(tmp_path / "requirements.txt", "Django==5.0\n")
    write(tmp_path / "project" / "setup.cfg", "[metadata]\nname = x\n")
    assert detect(str(tmp_path / "project")) is None
    assert detect(str(tmp_path / "loose")) is not None


def test_setup_cfg_semicolon_list_and_extras(tmp_path: Path) -> None:
    write(tmp_path / "setup.cfg", "[options]\ninstall_requires = requests; Django>=5.0\n")
    found = detect(str(tmp_path))
    assert found is not None and found.version == (5, 0)
    write(
        tmp_path / "setup.cfg",
        "[options]\ninstall_requires = file: requirements.in\n"
        "[options.extras_require]\nweb =\n    Django>=4.2\n",
    )
    found = detect(str(tmp_path))
    assert found is not None and found.version == (4, 2)


def test_setup_py_extras_and_string_requirements(tmp_path: Path) -> None:
    write(
        tmp_path / "setup.py",
        "from setuptools import setup\n"
        "setup(install_requires='requests\\n', extras_require={'web': ('Django~=5.1',)})\n",
    )
    found = detect(str(tmp_path))
    assert found is not None and found.version == (5, 1)


def test_setup_py_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    write(
        tmp_path / "setup.py",
        f"open({str(marker)!r}, 'w').close()\n"
        "from setuptools import setup\nsetup(install_requires=['Django>=5.0'])\n",
    )
    found = detect(str(tmp_path))
    assert found is not None and found.version == (5, 0)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("pyproject.toml", b"[project\ndependencies = ['Django>=5.0']", id="toml"),
        pytest.param(
            "pyproject.toml",
            "[project]\ndependencies = ['Django>=5.0']\n".encode("utf-16"),
            id="utf-16-toml",
        ),
        pytest.param("requirements.txt", "Django>=5.0\n".encode("utf-16"), id="utf-16-text"),
        pytest.param("requirements.txt", b"Django >= five\n-r\n--requirement\n", id="bad-lines"),
        pytest.param("setup.py", b"setup(install_requires=['Django>=5.0'\n", id="syntax-error"),
        pytest.param("setup.py", b"setup(install_requires=[f'Django>={v}'])\n", id="f-string"),
        pytest.param("setup.cfg", b"[options\ninstall_requires = Django>=5.0\n", id="cfg"),
        pytest.param("Pipfile", b"[packages]\ndjango = '>>5'\n", id="pipfile-specifier"),
        pytest.param("Pipfile.lock", b'{"default": {"django": ', id="json"),
        pytest.param("Pipfile.lock", b'{"default": {"django": {"version": "*"}}}', id="json-pin"),
        pytest.param("uv.lock", b'[[package]]\nname = "django"\nversion = "5.x"\n', id="lock"),
        pytest.param("poetry.lock", b"package = 3\n", id="lock-shape"),
        pytest.param("pyproject.toml", b"[project]\ndependencies = 'Django'\n", id="shape"),
        pytest.param(
            "pyproject.toml", b"[tool.poetry.dependencies]\ndjango = { git = 'x' }\n", id="git"
        ),
    ],
)
def test_unusable_files_declare_nothing(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    assert detect(str(tmp_path)) is None


def test_include_cycles_and_missing_includes(tmp_path: Path) -> None:
    write(tmp_path / "requirements.txt", "-r requirements-dev.txt\n-r nowhere.txt\n")
    write(tmp_path / "requirements-dev.txt", "-r requirements.txt\n-rlocal.txt\n")
    write(tmp_path / "local.txt", "--requirement=requirements.txt\nDjango==5.1.2\n")
    assert detect(str(tmp_path)) == DeclaredDjango(
        (5, 1), f"detected from 'Django==5.1.2' in {tmp_path / 'local.txt'}"
    )


def test_huge_files_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "requirements.txt", "Django>=5.0\n" + "# padding\n" * 100)
    monkeypatch.setattr(django_target, "MAX_FILE_BYTES", 1000)
    assert detect(str(tmp_path)) is None


def test_an_installed_package_inside_a_project_declares_nothing(tmp_path: Path) -> None:
    # A virtualenv inside the project: the project's own declaration is not the
    # installed package's.
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["Django==4.2"]\n')
    package = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages" / "django"
    package.mkdir(parents=True)
    assert detect(str(package)) is None
    assert detect(str(tmp_path / "shop")) is not None
