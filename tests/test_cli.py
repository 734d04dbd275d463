"""The command line: exit codes, output formats, configuration, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from signallint import discovery
from signallint.cli import main

BAD = textwrap.dedent(
    """\
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance):
        pass
    """
)
GOOD = BAD.replace("instance)", "instance, **kwargs)")


def run(*args: str, cwd: Path | None = None, stdin: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(main, list(args), input=stdin)
    finally:
        os.chdir(old)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "signals.py").write_text(BAD)
    (tmp_path / "app" / "fine.py").write_text(GOOD)
    return tmp_path


def test_reports_in_flake8_format_and_exits_1(project: Path) -> None:
    code, out, err = run("app", cwd=project)
    assert code == 1
    assert out == (
        "app/signals.py:6:5: SIG001 receiver `on_save` does not accept **kwargs; "
        "add **kwargs to its parameters\n"
    )
    assert "Found 1 problem in 1 file" in err


def test_clean_tree_exits_0(project: Path) -> None:
    code, out, err = run("app/fine.py", cwd=project)
    assert (code, out) == (0, "")
    assert "All checks passed" in err


def test_default_path_is_current_directory(project: Path) -> None:
    code, out, _ = run(cwd=project)
    assert code == 1 and "app/signals.py" in out


def test_exit_zero(project: Path) -> None:
    code, out, _ = run("--exit-zero", "app", cwd=project)
    assert code == 0 and "SIG001" in out


def test_ignore_and_select(project: Path) -> None:
    assert run("--ignore", "SIG001", "app", cwd=project)[0] == 0
    assert run("--select", "SIG1", "app", cwd=project)[0] == 0
    assert (
        run("--select", "SIG", "--ignore", "SIG0", "--extend-select", "SIG001", "app", cwd=project)[
            0
        ]
        == 1
    )


def test_unknown_code_is_a_usage_error(project: Path) -> None:
    code, out, err = run("--select", "SIG999", "app", cwd=project)
    assert code == 2
    assert out == ""
    assert err.strip() == "signallint: error: `--select` names an unknown rule code: SIG999"


def test_json_format(project: Path) -> None:
    code, out, _ = run("--format", "json", "app", cwd=project)
    assert code == 1
    [item] = json.loads(out)
    assert item == {
        "path": "app/signals.py",
        "line": 6,
        "column": 5,
        "end_line": 6,
        "end_column": 12,
        "code": "SIG001",
        "name": "receiver-missing-kwargs",
        "message": "receiver `on_save` does not accept **kwargs; add **kwargs to its parameters",
        "severity": "error",
        "fix": "safe",
    }


def test_noqa_suppresses_like_flake8(tmp_path: Path) -> None:
    source = BAD.replace(
        "def on_save(sender, instance):", "def on_save(sender, instance):  # noqa: SIG001"
    )
    (tmp_path / "a.py").write_text(source)
    (tmp_path / "b.py").write_text(BAD.replace("instance):", "instance):  # noqa: SIG002"))
    (tmp_path / "c.py").write_text(BAD.replace("instance):", "instance):  # NOQA"))
    (tmp_path / "d.py").write_text(BAD.replace("instance):", "instance):  # noqa:SIG0"))
    _, out, _ = run(".", cwd=tmp_path)
    assert [line.split(":")[0] for line in out.splitlines()] == ["b.py"]


def test_config_from_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.signallint]\nignore = ["SIG001"]\n')
    assert run("app", cwd=project)[0] == 0


def test_per_file_ignores(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.signallint]\nper-file-ignores = { "app/signals.py" = ["SIG0"] }\n'
    )
    assert run("app", cwd=project)[0] == 0


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param(
            '[tool.signallint]\nselct = ["SIG"]\n', "unknown key `selct`", id="unknown-key"
        ),
        pytest.param(
            '[tool.signallint]\nignore = ["XYZ1"]\n', "unknown rule code: XYZ1", id="unknown-code"
        ),
        pytest.param(
            '[tool.signallint]\nignore = "SIG001"\n',
            'pyproject.toml: `ignore` must be a list of rule codes such as ["SIG001"]',
            id="string-is-rejected",
        ),
        pytest.param(
            "[tool.signallint]\ndjango-version = 5.2\n", "must be a string", id="wrong-type"
        ),
        pytest.param(
            '[tool.signallint]\ndjango-version = "five"\n', "not a Django version", id="bad-version"
        ),
        pytest.param("[tool.signallint\n", "invalid TOML", id="invalid-toml"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(project: Path, config: str, message: str) -> None:
    (project / "pyproject.toml").write_text(config)
    code, _, err = run("app", cwd=project)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert message in err and "Traceback" not in err


def test_bad_files_are_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("from django.dispatch import receiver\ndef f(:\n")
    (tmp_path / "latin.py").write_bytes(b"# signal\nx = '\xff\xfe'\n")
    (tmp_path / "bad.py").write_text(BAD)
    os.symlink(tmp_path / "missing.py", tmp_path / "dangling.py")
    code, out, err = run(".", cwd=tmp_path)
    assert code == 1
    lines = out.splitlines()
    assert [line.split(" ")[1] for line in lines] == ["SIG001", "SIG902", "SIG901", "SIG901"]
    assert lines[1].startswith("broken.py:2:")
    assert lines[2].startswith("dangling.py:1:1: SIG901 cannot read file: broken symbolic link")
    assert lines[3].startswith("latin.py:2:1: SIG901 cannot decode file")
    assert "Traceback" not in out + err


def test_missing_path(tmp_path: Path) -> None:
    code, out, _ = run("nope.py", cwd=tmp_path)
    assert code == 1
    assert out == "nope.py:1:1: SIG901 cannot read file: no such file or directory\n"


def test_stdin(tmp_path: Path) -> None:
    code, out, _ = run("-", "--stdin-filename", "app/signals.py", cwd=tmp_path, stdin=BAD)
    assert code == 1
    assert out.startswith("app/signals.py:6:5: SIG001 ")


def test_default_excludes(tmp_path: Path) -> None:
    for directory in (".venv", "node_modules", "build", ".git"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "bad.py").write_text(BAD)
    assert run(".", cwd=tmp_path)[0] == 0
    assert run("--extend-exclude", "app", ".", cwd=tmp_path)[0] == 0
    (tmp_path / "app.py").write_text(BAD)
    assert run("--extend-exclude", "app.py", ".", cwd=tmp_path)[0] == 0
    assert run("--exclude", "", ".", cwd=tmp_path)[1].count("SIG001") == 5


@pytest.mark.parametrize(
    ("patterns", "excluded"),
    [
        (["legacy"], {"legacy/old.py"}),
        (["*_pb2.py"], {"shop/orders_pb2.py"}),
        (["shop/migrations"], {"shop/migrations/0001_initial.py"}),
        (["shop/m*"], {"shop/migrations/0001_initial.py", "shop/models.py"}),
        # A wildcard that spans directories matches whole paths, not names.
        (["sh*ls.py"], {"shop/models.py"}),
    ],
)
def test_exclude_patterns_match_names_and_paths(
    tmp_path: Path, patterns: list[str], excluded: set[str]
) -> None:
    files = {
        "legacy/old.py",
        "shop/orders_pb2.py",
        "shop/migrations/0001_initial.py",
        "shop/models.py",
        "shop/views.py",
    }
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        found = {path.replace(os.sep, "/") for path, _ in discovery.discover(["."], patterns)}
    finally:
        os.chdir(cwd)
    assert found == files - excluded


def test_explain_and_rules() -> None:
    code, out, _ = run("explain", "SIG001")
    assert code == 0
    assert out.startswith("SIG001 (receiver-missing-kwargs)")
    assert "## Why is this bad?" in out
    assert run("explain", "receiver-missing-kwargs")[1] == out
    code, _, err = run("explain", "SIG999")
    assert code == 2 and "unknown rule" in err
    code, out, _ = run("rules")
    assert code == 0 and "SIG001  receiver-missing-kwargs" in out


def test_signals_json_lists_the_catalogue() -> None:
    code, out, _ = run("signals", "--django-version", "5.2", "--format", "json")
    assert code == 0
    by_name = {item["name"]: item for item in json.loads(out)}
    assert by_name["post_save"]["module"] == "django.db.models.signals"
    assert by_name["post_save"]["model_signal"] is True
    assert "created" in by_name["post_save"]["kwargs"]
    assert "user" not in by_name["user_login_failed"]["kwargs"]
    assert by_name["request_started"]["optional_kwargs"] == ["environ", "scope"]


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("signallint, version ")


def test_the_command_writes_all_its_output_before_it_exits() -> None:
    """The command skips tearing down the interpreter: its whole output and its exit
    code still come out, and a reader that stops early gets no traceback. (Its own
    flush is a safeguard: click flushes each echo, so no test here can tell it is
    missing.)"""
    fixtures = str(Path(__file__).parent / "fixtures" / "rules")
    command = [sys.executable, "-m", "signallint", "--output-format", "json", fixtures]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    found = json.loads(result.stdout)
    assert len(found) > 20 and result.stdout.endswith("\n")
    assert "problems in" in result.stderr
    early = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert early.stdout is not None and early.stderr is not None
    early.stdout.read(10)
    early.stdout.close()
    assert "Traceback" not in early.stderr.read().decode()
    assert early.wait() != 0
