"""signallint never runs the code it checks and never writes unless asked to fix."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

TRAP = textwrap.dedent(
    """\
    import pathlib
    pathlib.Path(__file__).with_name("IMPORTED").write_text("this module was imported")

    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance):
        pathlib.Path(__file__).with_name("CALLED").write_text("a receiver ran")
    """
)


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {
        str(path.relative_to(root)): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mode,
        )
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_checked_code_is_never_imported_or_run(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text(
        "import pathlib\npathlib.Path(__file__).with_name('PKG').touch()\n"
    )
    (app / "signals.py").write_text(TRAP)
    (app / "apps.py").write_text(
        "from django.apps import AppConfig\n\n\nclass AppConfig(AppConfig):\n"
        "    name = 'app'\n\n    def ready(self):\n        from . import signals\n"
    )
    before = snapshot(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "--format", "json", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert '"SIG001"' in result.stdout
    assert not (app / "IMPORTED").exists()
    assert not (app / "CALLED").exists()
    assert not (app / "PKG").exists()
    assert snapshot(tmp_path) == before, "a check must not write anything"
