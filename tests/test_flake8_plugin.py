"""The flake8 plugin, run through real flake8 in a subprocess: parity with the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from signallint.catalogue import NEWEST_VERSION, format_version
from signallint.rules import Scope, all_rules
from tests.helpers import expected_in

pytest.importorskip("flake8")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "rules").glob("*.py"))
EXAMPLE = sorted((ROOT / "examples" / "shop").rglob("*.py"))
FLAKE8_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>\S+) (?P<message>.*)$"
)

DJANGO_VERSION = re.compile(r"^# django-version: (\S+)$", re.MULTILINE)

Finding = tuple[str, int, int, str, str]

BAD = textwrap.dedent(
    """\
    from django.db.models.signals import post_save, pre_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance):
        pass


    @receiver(pre_save)
    def before_save(sender, instance, created, **kwargs):
        pass
    """
)


def flake8(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def flake8_findings(*args: str, cwd: Path = ROOT) -> set[Finding]:
    result = flake8(*args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    found = set()
    for line in result.stdout.splitlines():
        match = FLAKE8_LINE.match(line)
        assert match, line
        path = match["path"].removeprefix("./")
        found.add((path, int(match["line"]), int(match["col"]), match["code"], match["message"]))
    return found


def cli_findings(*args: str, cwd: Path = ROOT) -> set[Finding]:
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "--format", "json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    project_codes = {r.code for r in all_rules() if r.scope is Scope.PROJECT}
    return {
        (d["path"], d["line"], d["column"], d["code"], d["message"])
        for d in json.loads(result.stdout)
        if d["code"] not in project_codes
    }


def test_plugin_is_registered() -> None:
    result = flake8("--version")
    assert "signallint: " in result.stdout


def by_django_version(files: list[Path]) -> dict[str, list[str]]:
    """Relative paths grouped by their ``# django-version: X.Y`` line (the newest for none).

    Always explicit: flake8 runs from the repository root, whose pyproject.toml declares
    Django for signallint's own tests, while the CLI starts at the checked files.
    """
    groups: dict[str, list[str]] = {}
    for path in files:
        found = DJANGO_VERSION.search(path.read_text())
        version = found.group(1) if found else format_version(NEWEST_VERSION)
        groups.setdefault(version, []).append(str(path.relative_to(ROOT)))
    return groups


# flake8's `--select SIG` selects the rules that are off by default too; the CLI's
# `select = ["SIG"]` does not, so the comparison names them.
OPT_IN = ",".join(r.code for r in all_rules() if not r.default_enabled)


def both(paths: list[str], version: str) -> tuple[set[Finding], set[Finding]]:
    plugin = ("--signallint-django-version", version) if version else ()
    cli = ("--django-version", version) if version else ()
    cli += ("--extend-select", OPT_IN)
    return flake8_findings("--select", "SIG", *plugin, *paths), cli_findings(*cli, *paths)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(FIXTURES, id="rule-fixtures"),
        pytest.param(EXAMPLE, id="example-project"),
    ],
)
def test_same_findings_as_the_cli(files: list[Path]) -> None:
    total = 0
    for version, paths in by_django_version(files).items():
        from_flake8, from_cli = both(paths, version)
        assert from_flake8 == from_cli, version
        total += len(from_cli)
    assert total >= len(files) // 2  # the comparison is not between two empty sets


def test_every_module_rule_fixture_reports_through_flake8() -> None:
    module_codes = {r.code for r in all_rules() if r.scope is Scope.MODULE}
    wanted = [p for p in FIXTURES if {code for _, code in expected_in(p)} & module_codes]
    for version, paths in by_django_version(wanted).items():
        reported = {finding[0] for finding in both(paths, version)[0]}
        assert reported == set(paths), version


def test_noqa_is_applied_by_flake8_like_the_cli(tmp_path: Path) -> None:
    silenced = BAD.replace("instance):", "instance):  # noqa: SIG001")
    (tmp_path / "app.py").write_text(silenced)
    from_flake8 = flake8_findings("--select", "SIG", "app.py", cwd=tmp_path)
    assert from_flake8 == cli_findings("app.py", cwd=tmp_path)
    assert {f[3] for f in from_flake8} == {"SIG002"}


def test_extend_ignore(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BAD)
    everything = flake8_findings("--select", "SIG", "app.py", cwd=tmp_path)
    assert {f[3] for f in everything} == {"SIG001", "SIG002"}
    ignored = flake8_findings(
        "--select", "SIG", "--extend-ignore", "SIG001", "app.py", cwd=tmp_path
    )
    assert {f[3] for f in ignored} == {"SIG002"}


def test_per_file_ignores_are_flake8s(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BAD)
    found = flake8_findings("--select", "SIG", "--per-file-ignores", "app.py:SIG0", cwd=tmp_path)
    assert found == set()


def test_signallint_settings_do_not_select_for_flake8(tmp_path: Path) -> None:
    # flake8 decides what is shown: [tool.signallint] ignore/per-file-ignores do not apply.
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.signallint]\nignore = ["SIG001"]\nper-file-ignores = { "app.py" = ["SIG002"] }\n'
    )
    found = flake8_findings("--select", "SIG", "app.py", cwd=tmp_path)
    assert {f[3] for f in found} == {"SIG001", "SIG002"}


M2M_RAW = textwrap.dedent(
    """\
    from django.db.models.signals import m2m_changed
    from django.dispatch import receiver


    @receiver(m2m_changed)
    def changed(sender, instance, action, raw, **kwargs):
        pass
    """
)  # m2m_changed sends `raw` from Django 6.1 on


@pytest.mark.parametrize(
    ("config_name", "config", "expected"),
    [
        pytest.param(None, None, set(), id="default-newest"),
        pytest.param(".flake8", "[flake8]\nsignallint-django-version = 5.2\n", {"SIG002"}),
        pytest.param("setup.cfg", "[flake8]\nsignallint-django-version = 5.2\n", {"SIG002"}),
        pytest.param("tox.ini", "[flake8]\nsignallint_django_version = 5.2\n", {"SIG002"}),
        pytest.param("pyproject.toml", '[tool.signallint]\ndjango-version = "5.2"\n', {"SIG002"}),
    ],
)
def test_django_version_from_configuration(
    tmp_path: Path, config_name: str | None, config: str | None, expected: set[str]
) -> None:
    (tmp_path / "app.py").write_text(M2M_RAW)
    if config_name is not None and config is not None:
        (tmp_path / config_name).write_text(config)
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "SIG", "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in result.stderr
    assert {line.split()[1] for line in result.stdout.splitlines()} == expected


def test_command_line_version_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(M2M_RAW)
    (tmp_path / "pyproject.toml").write_text('[tool.signallint]\ndjango-version = "6.1"\n')
    found = flake8_findings(
        "--select", "SIG", "--signallint-django-version", "5.2", "app.py", cwd=tmp_path
    )
    assert {f[3] for f in found} == {"SIG002"}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param(
            "setup.cfg",
            "argument --signallint-django-version: not a Django version: 'five'",
            id="bad-option",
        ),
        pytest.param(
            "pyproject.toml", "`django-version` must be a string such as", id="bad-pyproject"
        ),
    ],
)
def test_bad_configuration_is_one_line_not_a_traceback(
    tmp_path: Path, config: str, message: str
) -> None:
    (tmp_path / "app.py").write_text(M2M_RAW)
    if config == "setup.cfg":
        (tmp_path / config).write_text("[flake8]\nsignallint-django-version = five\n")
    else:
        (tmp_path / config).write_text("[tool.signallint]\ndjango-version = 5.2\n")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "SIG", "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_source_in_a_declared_encoding(tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\n" + BAD.replace("on_save", "reçu")
    (tmp_path / "app.py").write_bytes(source.encode("latin-1"))
    from_flake8 = flake8_findings("--select", "SIG", "app.py", cwd=tmp_path)
    assert from_flake8 == cli_findings("app.py", cwd=tmp_path)
    assert any("`reçu`" in f[4] for f in from_flake8)


def test_stdin(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "SIG", "-"],
        cwd=tmp_path,
        input=BAD,
        capture_output=True,
        text=True,
        check=False,
    )
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["SIG001", "SIG002"]
    assert result.stdout.startswith("stdin:6:5: SIG001 ")


def test_default_off_codes_extend_flake8s_default_ignore() -> None:
    from signallint.flake8_plugin import Plugin

    class Manager:
        def __init__(self) -> None:
            self.ignored: list[str] = []
            self.options: list[str] = []

        def add_option(self, name: str, **kwargs: object) -> None:
            assert kwargs["parse_from_config"] is True
            self.options.append(name)

        def extend_default_ignore(self, codes: list[str]) -> None:
            self.ignored += codes

    manager = Manager()
    Plugin.add_options(manager)
    assert manager.options == ["--signallint-django-version"]
    assert manager.ignored == [r.code for r in all_rules() if not r.default_enabled]


def test_readme_names_the_cli_only_codes() -> None:
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"CLI-only codes: (?P<codes>[^.\n]*)\.", readme)
    assert match, "README must list the CLI-only (project-scope) codes"
    listed = set(re.findall(r"SIG\d{3}", match["codes"]))
    assert listed == {r.code for r in all_rules() if r.scope is Scope.PROJECT}


PROJECTS = sorted(p for p in (ROOT / "tests" / "fixtures" / "projects").iterdir() if p.is_dir())


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_same_findings_as_the_cli_on_a_whole_project(project: Path) -> None:
    """Module rules that need other files (SIG204's models in ``models.py``, a project's
    own signals) report through flake8 what the CLI reports."""
    assert flake8_findings("--select", "SIG", ".", cwd=project) == cli_findings(".", cwd=project)


def test_same_findings_for_one_file_of_a_project() -> None:
    project = ROOT / "tests" / "fixtures" / "projects" / "m2m_senders"
    receivers = "library/receivers.py"
    from_flake8 = flake8_findings("--select", "SIG", receivers, cwd=project)
    assert from_flake8 == cli_findings(receivers, cwd=project)
    assert sum(1 for f in from_flake8 if f[3] == "SIG204") == 5


def test_stdin_is_checked_as_the_named_file_of_its_project() -> None:
    project = ROOT / "tests" / "fixtures" / "projects" / "m2m_senders"
    receivers = "library/receivers.py"
    text = (project / receivers).read_text()
    edited = "\n" + text  # every finding one line down: the text read is stdin's
    stdin_name = ("--stdin-display-name", receivers)
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "SIG", *stdin_name, "-"],
        cwd=project,
        input=edited,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in result.stderr
    found = {(f[0], f[1] + 1, *f[2:]) for f in cli_findings(receivers, cwd=project)}
    assert {line.split(": ")[0] for line in result.stdout.splitlines()} == {
        f"{path}:{line}:{col}" for path, line, col, _, _ in found
    }
    assert sum(1 for line in result.stdout.splitlines() if " SIG204 " in line) == 5


def test_readme_installs_the_plugin_as_the_quick_start_installs_signallint() -> None:
    """signallint is on no package index: both sections install the checkout."""
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    plugin = readme.split("\n## flake8\n", 1)[1].split("\n## ", 1)[0]
    assert "$ python -m venv .venv && . .venv/bin/activate\n" in quick_start
    assert "$ python -m pip install -e . && signallint examples/shop\n" in quick_start
    installs = re.findall(r"^\$ python -m pip install (.*)$", plugin, re.MULTILINE)
    assert installs, "the flake8 section must say how to install the plugin"
    for install in installs:
        assert " -e . " in f" {install.split('#')[0]} ", install
