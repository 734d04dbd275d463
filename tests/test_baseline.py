"""Baselines (``--write-baseline``/``--baseline``) and per-file ignores."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from signallint.baseline import Baseline, normalise, split_lines
from tests.test_cli import BAD, run

SECOND = """

@receiver(post_save)
def on_save(sender, instance):
    pass
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "signals.py").write_text(BAD)
    return tmp_path


def write_baseline(project: Path, *paths: str) -> dict[str, object]:
    code, out, err = run("--write-baseline", "baseline.json", *(paths or ("app",)), cwd=project)
    assert (code, out) == (0, "")
    assert "Recorded" in err
    data: dict[str, object] = json.loads((project / "baseline.json").read_text())
    return data


def test_write_baseline_records_findings_and_exits_0(project: Path) -> None:
    assert write_baseline(project) == {
        "signallint-baseline": 1,
        "entries": [
            {
                "path": "app/signals.py",
                "code": "SIG001",
                "source": "def on_save(sender, instance):",
                "count": 1,
            }
        ],
    }
    code, out, err = run("--baseline", "baseline.json", "app", cwd=project)
    assert (code, out) == (0, "")
    assert "1 more in the baseline" in err


def test_the_file_is_stable_and_sorted(project: Path) -> None:
    (project / "app" / "b.py").write_text(BAD.replace("instance)", "instance,   created)"))
    (project / "app" / "a.py").write_text(BAD + SECOND)
    write_baseline(project)
    first = (project / "baseline.json").read_bytes()
    write_baseline(project)
    assert (project / "baseline.json").read_bytes() == first
    entries = json.loads(first)["entries"]
    keys = [(e["path"], e["code"], e["source"]) for e in entries]
    assert keys == sorted(keys)
    assert entries[0] == {
        "path": "app/a.py",
        "code": "SIG001",
        "source": "def on_save(sender, instance):",
        "count": 2,
    }
    assert entries[1]["source"] == "def on_save(sender, instance, created):"  # collapsed


def test_survives_lines_moving(project: Path) -> None:
    write_baseline(project)
    signals = project / "app" / "signals.py"
    signals.write_text(
        "import os\nimport sys\n\n" + signals.read_text().replace("    pass", "\tpass")
    )
    code, out, _ = run("--baseline", "baseline.json", "app", cwd=project)
    assert (code, out) == (0, "")


def test_a_new_identical_finding_is_reported(project: Path) -> None:
    write_baseline(project)
    signals = project / "app" / "signals.py"
    signals.write_text(signals.read_text() + SECOND)
    code, out, err = run("--baseline", "baseline.json", "app", cwd=project)
    assert code == 1
    assert out.splitlines() == [
        "app/signals.py:11:5: SIG001 receiver `on_save` does not accept **kwargs; "
        "add **kwargs to its parameters"
    ]
    assert "Found 1 problem" in err and "1 more in the baseline" in err


def test_two_recorded_and_a_third_new(project: Path) -> None:
    signals = project / "app" / "signals.py"
    signals.write_text(BAD + SECOND)
    assert json.loads(json.dumps(write_baseline(project)["entries"]))[0]["count"] == 2
    signals.write_text(BAD + SECOND + SECOND)
    code, out, _ = run("--baseline", "baseline.json", "app", cwd=project)
    assert code == 1 and len(out.splitlines()) == 1
    signals.write_text(BAD)  # fixing some is fine too
    assert run("--baseline", "baseline.json", "app", cwd=project)[0] == 0


def test_other_codes_and_files_are_new(project: Path) -> None:
    write_baseline(project)
    (project / "app" / "other.py").write_text(BAD)
    code, out, _ = run("--baseline", "baseline.json", "app", cwd=project)
    assert code == 1 and out.startswith("app/other.py:6:5: SIG001")


def test_paths_are_relative_to_the_baseline_file(project: Path) -> None:
    write_baseline(project)
    app = project / "app"
    code, out, _ = run("--baseline", "../baseline.json", "signals.py", cwd=app)
    assert (code, out) == (0, "")
    code, out, _ = run("--baseline", str(project / "baseline.json"), str(app), cwd=Path("/"))
    assert (code, out) == (0, "")


def test_stdin_with_a_baseline(project: Path) -> None:
    options = ("--write-baseline", "b.json", "--stdin-filename", "app/signals.py")
    code, _, _ = run(*options, "-", cwd=project, stdin=BAD)
    assert code == 0
    code, out, _ = run("--baseline", "b.json", "app", cwd=project)
    assert (code, out) == (0, "")


def test_exit_zero_and_formats_apply_after_the_baseline(project: Path) -> None:
    write_baseline(project)
    code, out, _ = run("--baseline", "baseline.json", "--format", "json", "app", cwd=project)
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "cannot read baseline missing.json: No such file", id="missing"),
        pytest.param("{not json", "is not valid JSON", id="corrupt"),
        pytest.param("[]", "is not a signallint baseline", id="not-an-object"),
        pytest.param('{"entries": []}', "is not a signallint baseline", id="no-version"),
        pytest.param(
            '{"signallint-baseline": 1, "entries": [{"path": "a.py"}]}',
            "has an invalid entry",
            id="bad-entry",
        ),
        pytest.param(
            '{"signallint-baseline": 1, "entries": '
            '[{"path": "a.py", "code": "SIG001", "source": "", "count": 0}]}',
            "has an invalid entry",
            id="zero-count",
        ),
    ],
)
def test_unusable_baseline_is_a_usage_error(
    project: Path, content: str | None, message: str
) -> None:
    if content is not None:
        (project / "missing.json").write_text(content)
    code, out, err = run("--baseline", "missing.json", "app", cwd=project)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("signallint: error: ") and message in err


def test_unwritable_baseline_is_a_usage_error(project: Path) -> None:
    code, _, err = run("--write-baseline", "nowhere/b.json", "app", cwd=project)
    assert code == 2
    assert err.startswith("signallint: error: cannot write baseline nowhere/b.json")


def test_keys_and_lines() -> None:
    assert normalise("  def  f(a,\tb):  # x \n") == "def f(a, b): # x"
    assert split_lines("a\fb\r\nc\rd\n") == ["a\fb", "c", "d", ""]
    baseline = Baseline(os.getcwd(), {})
    assert baseline.dumps() == '{\n  "signallint-baseline": 1,\n  "entries": []\n}\n'


# per-file-ignores (settings) and noqa (suppression.py), next to the baseline


@pytest.mark.parametrize(
    ("pattern", "codes", "silenced"),
    [
        pytest.param("app/signals.py", '["SIG001"]', True, id="exact-path"),
        pytest.param("app/*", '["SIG0"]', True, id="glob-and-prefix"),
        pytest.param("signals.py", '["SIG001"]', True, id="file-name-anywhere"),
        pytest.param("./app/signals.py", '["SIG001"]', True, id="dot-slash"),
        pytest.param("app/signals.py", '["SIG002"]', False, id="other-code"),
        pytest.param("other/*", '["SIG001"]', False, id="other-path"),
    ],
)
def test_per_file_ignores(project: Path, pattern: str, codes: str, silenced: bool) -> None:
    (project / "pyproject.toml").write_text(
        f'[tool.signallint]\nper-file-ignores = {{ "{pattern}" = {codes} }}\n'
    )
    assert run("app", cwd=project)[0] == (0 if silenced else 1)


def test_noqa_on_a_multiline_string_line(tmp_path: Path) -> None:
    source = BAD.replace(
        "def on_save(sender, instance):",
        'def on_save(sender, instance, x="""\n""",):  # noqa: SIG001',
    )
    (tmp_path / "a.py").write_text(source)
    assert run("a.py", cwd=tmp_path)[0] == 0
