"""``signallint map``: every signal with its senders and receivers, on the mini projects.

The expected outputs (``map.txt``, ``map.json``, ``map.mmd``, ``map.dot`` next to a
project's ``expected.txt``) were read line by line against the projects' sources.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from signallint.cli import main
from tests.helpers import FIXTURES

FORMATS = {"txt": "text", "json": "json", "mmd": "mermaid", "dot": "dot"}
CASES = sorted((FIXTURES / "projects").glob("*/map.*"))


@pytest.mark.parametrize("expected", CASES, ids=[f"{p.parent.name}-{p.suffix[1:]}" for p in CASES])
def test_map_prints_what_was_expected(expected: Path) -> None:
    output_format = FORMATS[expected.suffix[1:]]
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "map", "--format", output_format],
        cwd=expected.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected.read_text()


def test_json_schema_is_stable() -> None:
    data = json.loads((FIXTURES / "projects" / "map_showcase" / "map.json").read_text())
    assert set(data) == {"version", "root", "signals"}
    assert data["version"] == 1
    for signal in data["signals"]:
        assert set(signal) == {
            "signal",
            "name",
            "kind",
            "package",
            "defined_at",
            "receivers",
            "sends",
        }
        assert signal["kind"] in {"django", "project", "declared", "third-party", "unknown"}
        for receiver in signal["receivers"]:
            assert set(receiver) == {
                "path",
                "line",
                "receiver",
                "function",
                "style",
                "sender",
                "dispatch_uid",
                "weak",
                "connected",
                "note",
            }
            assert receiver["connected"] in {
                "yes",
                "no",
                "tests-only",
                "test-code",
                "when-called",
                "unknown",
                "collected",
                "urlconf-only",
            }
        for send in signal["sends"]:
            assert set(send) == {"path", "line", "method", "sender"}


def test_map_of_some_files_judges_them_against_the_whole_project(tmp_path: Path) -> None:
    project = FIXTURES / "projects" / "never_imported"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["map", "--format", "json", "--project-root", str(project), str(project / "shop")],
    )
    assert result.exit_code == 0, result.output
    receivers = [r for s in json.loads(result.output)["signals"] for r in s["receivers"]]
    assert sorted((Path(r["path"]).name, r["connected"]) for r in receivers) == [
        ("notifications.py", "tests-only"),
        ("receivers.py", "test-code"),
        ("signals.py", "no"),
        ("signals.py", "no"),
    ]


def test_map_without_a_project_root_says_unknown(tmp_path: Path) -> None:
    module = tmp_path / "handlers.py"
    module.write_text(
        "from django.db.models.signals import post_save\n"
        "from django.dispatch import receiver\n\n\n"
        "@receiver(post_save)\n"
        "def on_save(sender, **kwargs):\n"
        "    pass\n"
    )
    result = CliRunner().invoke(main, ["map", "--format", "json", str(module)])
    assert result.exit_code == 0, result.output
    [signal] = json.loads(result.output)["signals"]
    assert signal["receivers"][0]["connected"] == "unknown"
    assert signal["receivers"][0]["note"] == "no project root"


def test_map_of_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("x = 1\n")
    result = CliRunner().invoke(main, ["map", str(tmp_path / "empty.py")])
    assert result.exit_code == 0
    assert result.output == "No signals found.\n"


def test_readme_shows_the_map_of_the_example_project() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("$ signallint map examples/shop\n", 1)[1].split("```", 1)[0]
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "map", "examples/shop"],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout == block
