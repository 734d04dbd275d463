"""The progress line: on a terminal only, for runs that take more than a second."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

RECEIVER_MODULE = """\
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save)
def on_save(sender, **kwargs):
""" + "".join(f"    value_{n} = kwargs.get('value_{n}', {n}) * {n}\n" for n in range(250))


def slow_tree(root: Path) -> Path:
    """Files that must be parsed whole (a receiver's body is all kept): seconds of
    work on one core, so that the run outlasts the progress line's first silent second."""
    for number in range(50):
        (root / f"receivers_{number}.py").write_text(RECEIVER_MODULE)
    return root


def test_progress_on_a_terminal_and_cleared_at_the_end(tmp_path: Path) -> None:
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
            str(slow_tree(tmp_path)),
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
