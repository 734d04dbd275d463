"""Command-line conventions and errors (issue #17, items 4 to 8), through the real
command in a subprocess: configuration it cannot read, the map's errors and collected
receivers, Python's own syntax errors, empty selections and empty trees, and what
`--help`, the summary, `rules` and `explain` say."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import FIXTURES

SAFE_AND_UNSAFE = textwrap.dedent(
    """\
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance, **kwargs):
        pass


    @receiver(post_save)
    def on_other_save(sender, instnace, **kwargs):
        pass


    @receiver(post_save)
    def no_kwargs(sender, instance):
        pass
    """
)
RECEIVER = textwrap.dedent(
    """\
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, **kwargs):
        pass
    """
)


def signallint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "signallint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


# -- 4. a configuration file it cannot read ------------------------------------------


def utf16_project(tmp_path: Path) -> Path:
    """What Windows PowerShell's `>` writes: UTF-16 with a byte order mark."""
    (tmp_path / "pyproject.toml").write_bytes(
        '[tool.signallint]\nselect = ["SIG"]\n'.encode("utf-16")
    )
    (tmp_path / "app.py").write_text(RECEIVER)
    return tmp_path


@pytest.mark.parametrize(
    "command", [["check", "app.py"], ["app.py"], ["map", "app.py"], ["show-settings", "app.py"]]
)
def test_a_utf16_config_is_one_line_naming_the_file(tmp_path: Path, command: list[str]) -> None:
    project = utf16_project(tmp_path)
    result = signallint(*command, cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"signallint: error: {project / 'pyproject.toml'}: cannot read: it is UTF-16, "
        "and TOML must be UTF-8; save it as UTF-8\n"
    )


def test_a_config_in_another_encoding_is_one_line_too(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(
        b'[tool.signallint]\n# r\xe9sum\xe9\nselect = ["SIG"]\n'
    )
    (tmp_path / "app.py").write_text(RECEIVER)
    result = signallint("app.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith(
        "pyproject.toml: cannot read: it is not UTF-8 text, "
        "and TOML must be UTF-8; save it as UTF-8\n"
    )


def test_flake8_says_the_same_in_one_line(tmp_path: Path) -> None:
    pytest.importorskip("flake8")
    project = utf16_project(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "SIG", "app.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"flake8: signallint: {project / 'pyproject.toml'}: cannot read: it is UTF-16, "
        "and TOML must be UTF-8; save it as UTF-8"
    ]


# -- 5. the map: the same errors as check, and collected receivers --------------------


def test_map_of_a_missing_path_fails_like_check(tmp_path: Path) -> None:
    checked = signallint("check", "nope.py", cwd=tmp_path)
    mapped = signallint("map", "nope.py", cwd=tmp_path)
    line = "nope.py:1:1: SIG901 cannot read file: no such file or directory\n"
    assert (checked.returncode, checked.stdout) == (1, line)
    assert (mapped.returncode, mapped.stdout, mapped.stderr) == (1, "No signals found.\n", line)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_map_reports_a_file_it_cannot_parse_and_maps_the_others(
    tmp_path: Path, output_format: str
) -> None:
    (tmp_path / "broken.py").write_text("from django.dispatch import receiver\ndef f(:\n")
    (tmp_path / "fine.py").write_text(RECEIVER)
    checked = signallint("check", ".", cwd=tmp_path)
    mapped = signallint("map", "--format", output_format, ".", cwd=tmp_path)
    [problem] = [line for line in checked.stdout.splitlines() if line.startswith("broken.py")]
    assert " SIG902 syntax error" in problem
    assert mapped.returncode == 1
    assert mapped.stderr == problem + "\n"
    assert "fine.py:5 on_save" in mapped.stdout or '"receiver": "on_save"' in mapped.stdout
    if output_format == "json":
        json.loads(mapped.stdout)  # stdout stays the map alone


def test_map_honours_the_selection_of_problem_codes(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.signallint]\nignore = ["SIG902"]\n')
    (tmp_path / "broken.py").write_text("from django.dispatch import receiver\ndef f(:\n")
    mapped = signallint("map", ".", cwd=tmp_path)
    assert (mapped.returncode, mapped.stderr) == (0, "")


WEAK = textwrap.dedent(
    """\
    import functools

    from django.db.models.signals import post_save


    def handler(sender, **kwargs):
        pass


    class Handler:
        def on_save(self, sender, **kwargs):
            pass


    post_save.connect(lambda sender, **kwargs: None)
    post_save.connect(functools.partial(handler))
    post_save.connect(Handler().on_save)
    post_save.connect(handler)
    post_save.connect(lambda sender, **kwargs: None, weak=False)
    """
)


def test_map_shows_weakly_connected_short_lived_receivers_as_collected(tmp_path: Path) -> None:
    (tmp_path / "wiring.py").write_text(WEAK)
    data = json.loads(signallint("map", "--format", "json", ".", cwd=tmp_path).stdout)
    [signal] = data["signals"]
    states = {r["line"]: r["connected"] for r in signal["receivers"]}
    assert states == {
        15: "collected",
        16: "collected",
        17: "collected",
        18: "unknown",
        19: "unknown",
    }
    text = signallint("map", ".", cwd=tmp_path).stdout
    assert (
        "wiring.py:15 lambda sender, **kwargs: None [connect] - COLLECTED: a lambda connected "
        "with weak=True is garbage-collected and never called\n"
    ) in text
    mermaid = signallint("map", "--format", "mermaid", ".", cwd=tmp_path).stdout
    assert mermaid.count("-.->|collected|") == 3


def test_the_map_collects_exactly_what_sig201_reports() -> None:
    """One decision: every receiver SIG201 reports on its fixture is collected in the
    map, and no other."""
    fixture = FIXTURES / "rules" / "SIG201_weak_receiver_collected.py"
    root = fixture.parent
    checked = signallint(
        "check", "--select", "SIG201", "--format", "json", "--no-cache", fixture.name, cwd=root
    )
    reported = {d["line"] for d in json.loads(checked.stdout)}
    mapped = json.loads(signallint("map", "--format", "json", fixture.name, cwd=root).stdout)
    receivers = [r for s in mapped["signals"] for r in s["receivers"]]
    collected = sorted(r["line"] for r in receivers if r["connected"] == "collected")
    # SIG201 reports a decorated function at its `def`, the map at its decorator.
    assert len(reported) == len(collected) >= 9
    assert all(line in reported or line + 1 in reported for line in collected)


# -- 6. syntax errors in Python's own words --------------------------------------------


def test_a_syntax_error_is_where_python_puts_it(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        "from django.dispatch import receiver\n"
        "handlers = connect_all(first,\n"
        "    second\n"
        "other = 3\n"
        "more = 4\n"
    )
    result = signallint("bad.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == "bad.py:2:23: SIG902 syntax error: '(' was never closed\n"


def test_a_file_that_names_no_signal_is_not_parsed(tmp_path: Path) -> None:
    """What the README's reliability table says: such a file's syntax errors go unseen."""
    (tmp_path / "bad.py").write_text("x = (\n")
    result = signallint("bad.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


# -- 7. empty selections, empty trees, config errors that name their file -------------


@pytest.mark.parametrize(
    ("option", "value"),
    [("--select", ""), ("--select", ","), ("--extend-select", " "), ("--ignore", ",,")],
)
def test_a_code_option_naming_no_code_is_a_usage_error(
    tmp_path: Path, option: str, value: str
) -> None:
    (tmp_path / "app.py").write_text(RECEIVER)
    result = signallint(option, value, "app.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"signallint: error: `{option}` names no rule code (give codes such as SIG001,SIG2)\n"
    )


@pytest.mark.parametrize("command", [[], ["map"]])
def test_a_tree_without_python_files_warns(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# docs\n")
    result = signallint(*command, "docs", cwd=tmp_path)
    assert result.returncode == 0
    assert "signallint: warning: No Python files found under the given paths\n" in result.stderr


def test_a_tree_with_python_files_does_not_warn(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(RECEIVER)
    assert "warning" not in signallint(".", cwd=tmp_path).stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('select = "SIG"', '`select` must be a list of rule codes such as ["SIG001"]'),
        (
            'extend-select = "SIG"',
            '`extend-select` must be a list of rule codes such as ["SIG001"]',
        ),
        ('ignore = "SIG001"', '`ignore` must be a list of rule codes such as ["SIG001"]'),
        ('exclude = "legacy"', '`exclude` must be a list of strings such as ["legacy/"]'),
        (
            'extend-exclude = "legacy"',
            '`extend-exclude` must be a list of strings such as ["legacy/"]',
        ),
        (
            'per-file-ignores = { "tests/*" = "SIG002" }',
            '`per-file-ignores.tests/*` must be a list of rule codes such as ["SIG001"]',
        ),
        ('select = ["NOPE"]', "`select` names an unknown rule code: NOPE"),
        (
            'per-file-ignores = { "a.py" = ["NOPE"] }',
            "`per-file-ignores.a.py` names an unknown rule code: NOPE",
        ),
    ],
)
def test_every_list_key_rejects_a_string_and_errors_name_the_file(
    tmp_path: Path, setting: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.signallint]\n{setting}\n")
    (tmp_path / "app.py").write_text(RECEIVER)
    result = signallint("app.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"signallint: error: {tmp_path / 'pyproject.toml'}: {message}\n"


# -- 8. help, the summary, `rules` and `explain` --------------------------------------


def test_help_shows_the_options_of_check(tmp_path: Path) -> None:
    result = signallint("--help", cwd=tmp_path)
    assert result.returncode == 0
    options = result.stdout.split("Options of `check` (the default command):\n", 1)[1]
    for option in ("--select CODES", "--fix", "--unsafe-fixes", "--format", "--no-cache"):
        assert f"  {option}" in options
    assert "--help" not in options


def test_summary_says_what_fix_would_fix_and_it_does(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SAFE_AND_UNSAFE)
    result = signallint("app.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "Found 2 problems in 1 file (1 file checked).\n"
        "[*] 1 fixable with the `--fix` option "
        "(1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )
    assert "Would fix 1 problem," in signallint("--diff", "app.py", cwd=tmp_path).stderr
    unsafe = signallint("--diff", "--unsafe-fixes", "app.py", cwd=tmp_path)
    assert "Would fix 2 problems," in unsafe.stderr


def test_summary_with_only_unsafe_fixes(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SAFE_AND_UNSAFE.replace("instance):", "instance, **kw):"))
    result = signallint("app.py", cwd=tmp_path)
    assert result.stderr.splitlines()[-1] == (
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option)."
    )
    assert "fix" not in signallint("--quiet", "app.py", cwd=tmp_path).stderr


def test_summary_without_fixes_says_nothing_of_them(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from django.dispatch import receiver\ndef f(:\n")
    result = signallint("app.py", cwd=tmp_path)
    assert result.stderr == "Found 1 problem in 1 file (1 file checked).\n"


def test_rules_show_fix_and_scope(tmp_path: Path) -> None:
    lines = signallint("rules", cwd=tmp_path).stdout.splitlines()
    assert lines[0].split() == ["Code", "Name", "Fix", "Scope", "Message"]
    by_code = {line.split()[0]: line.split()[:4] for line in lines[1:]}
    assert by_code["SIG001"] == ["SIG001", "receiver-missing-kwargs", "safe", "-"]
    assert by_code["SIG002"][2:] == ["unsafe", "-"]
    assert by_code["SIG301"][2:] == ["-", "project"]
    assert by_code["SIG902"][2:] == ["-", "-"]
    rows = json.loads(signallint("rules", "--format", "json", cwd=tmp_path).stdout)
    scopes = {row["code"]: row["scope"] for row in rows}
    assert scopes["SIG301"] == "project" and scopes["SIG001"] == "module"


@pytest.mark.parametrize(
    ("key", "header"),
    [
        ("SIG901", "SIG901 (file-unreadable)"),
        ("sig902", "SIG902 (file-unparsable)"),
        ("internal-error", "SIG903 (internal-error)"),
    ],
)
def test_explain_the_problem_codes(tmp_path: Path, key: str, header: str) -> None:
    result = signallint("explain", key, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(header + "\n")
    assert "## What it does" in result.stdout and "## What to do" in result.stdout
