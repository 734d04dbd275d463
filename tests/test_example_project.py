"""The README's first command: signallint on the bundled example project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shop"


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
