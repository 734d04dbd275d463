"""The progress line: on a terminal only, for runs that take more than a second."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest


def test_progress_on_a_terminal_and_cleared_at_the_end(tmp_path: Path) -> None:
    django = pytest.importorskip("django")
    primary, secondary = pty.openpty()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "signallint",
            "--no-cache",
            "-j",
            "1",
            "--exit-zero",
            str(Path(django.__file__).parent),
        ],
        stdout=subprocess.PIPE,
        stderr=secondary,
        check=False,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    terminal = b"".join(chunks).decode()
    assert result.returncode == 0
    assert "\rsignallint: parsed " in terminal
    assert "\r\x1b[K" in terminal
    assert "parsed" not in result.stdout.decode()
