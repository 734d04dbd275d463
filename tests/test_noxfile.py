"""The noxfile, run by real nox: a session whose Python the machine lacks is skipped
locally and fails under CI, and the main sessions run on whatever Python runs nox.

No session here gets as far as creating a virtual environment: nothing is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nox")

ROOT = Path(__file__).resolve().parent.parent
RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def nox(*args: str, tmp_path: Path, ci: bool = False) -> subprocess.CompletedProcess[str]:
    """Real nox on the project's noxfile, on a machine that has no Python but this one:
    an empty PATH, and no home or pyenv where another interpreter could be found."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    env = {
        "PATH": str(empty),
        "HOME": str(tmp_path / "home"),
        "PYENV_ROOT": str(tmp_path / "no-pyenv"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "NO_COLOR": "1",
    }
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def sessions(tmp_path: Path) -> dict[str, str | None]:
    listed = nox("--list", "--json", tmp_path=tmp_path)
    assert listed.returncode == 0, listed.stderr
    return {s["session"]: s["python"] for s in json.loads(listed.stdout)}


def a_session_on_another_python(tmp_path: Path) -> tuple[str, str]:
    others = [(n, p) for n, p in sessions(tmp_path).items() if p is not None and p != RUNNING]
    assert others, "every session runs on this Python: nothing can be missing"
    return others[0]


def test_the_main_sessions_run_on_the_python_that_runs_nox(tmp_path: Path) -> None:
    found = sessions(tmp_path)
    assert found["tests"] is None
    assert found["lint"] is None


def test_a_missing_interpreter_is_skipped_with_a_line_that_says_so(tmp_path: Path) -> None:
    name, python = a_session_on_another_python(tmp_path)
    result = nox("-s", name, tmp_path=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"Session {name} skipped: Python interpreter {python} not found" in output
    assert not (tmp_path / ".nox" / name.replace(".", "-")).exists()


def test_a_missing_interpreter_fails_under_ci(tmp_path: Path) -> None:
    name, python = a_session_on_another_python(tmp_path)
    result = nox("-s", name, tmp_path=tmp_path, ci=True)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"Session {name} failed: Python interpreter {python} not found" in output


def test_ci_requires_every_interpreter() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "export CI=true" in script
    assert "nox --error-on-missing-interpreters" in script
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
