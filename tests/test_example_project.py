"""The README's first command: signallint on the bundled example project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shop"
COMMAND = "$ python -m pip install -e . && signallint examples/shop\n"


def test_example_project_reports_the_planted_mistakes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "examples/shop"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == (EXAMPLE / "expected.txt").read_text()
    assert "Traceback" not in result.stderr
    readme = (ROOT / "README.md").read_text()
    shown = readme.split(COMMAND, 1)[1].split("```", 1)[0]
    assert shown == result.stdout + result.stderr


def test_readme_shows_what_the_first_command_prints() -> None:
    readme = (ROOT / "README.md").read_text()
    shown = readme.split(COMMAND, 1)[1].split("```", 1)[0]
    expected = (EXAMPLE / "expected.txt").read_text()
    assert shown.startswith(expected)
    findings = len(expected.splitlines())
    assert shown[len(expected) :].startswith(f"Found {findings} problems in ")
