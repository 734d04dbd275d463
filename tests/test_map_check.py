"""``signallint map --check FILE``: the real command, in a subprocess, against a map
written by ``signallint map --format json`` on a copy of the example project."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def signallint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "signallint", *args, "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The example project, with its map committed as ``signal-map.json``."""
    project = tmp_path / "shop"
    shutil.copytree(ROOT / "examples" / "shop", project)
    written = signallint("map", "--format", "json", cwd=project)
    assert written.returncode == 0, written.stderr
    (project / "signal-map.json").write_text(written.stdout)
    return project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_json_map_is_the_same_from_any_directory(shop: Path) -> None:
    elsewhere = signallint("map", "--format", "json", str(shop), cwd=shop.parent)
    assert elsewhere.returncode == 0, elsewhere.stderr
    here = json.loads((shop / "signal-map.json").read_text())
    there = json.loads(elsewhere.stdout)
    assert here["root"] == "." and there["root"] == str(shop)
    assert here["signals"] == there["signals"]
    paths = {r["path"] for s in here["signals"] for r in s["receivers"]}
    assert paths == {"accounts/handlers.py", "orders/notifications.py", "orders/signals.py"}


def test_an_unchanged_map_passes_from_any_directory(shop: Path) -> None:
    result = signallint("map", "--check", "signal-map.json", cwd=shop)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    result = signallint("map", "--check", str(shop / "signal-map.json"), str(shop), cwd=ROOT)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


def test_moving_lines_is_no_change(shop: Path) -> None:
    edit(shop / "orders" / "signals.py", "\n", "\n\n# moved down\n\n")
    result = signallint("map", "--check", "signal-map.json", cwd=shop)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


def test_a_receiver_disconnected_by_a_refactor_fails(shop: Path) -> None:
    edit(shop / "orders" / "apps.py", "from . import signals  # noqa: F401", "pass")
    result = signallint("map", "--check", "signal-map.json", cwd=shop)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("--- signal-map.json (committed)\n+++ the current signal map\n")
    assert (
        "@@ orders/signals.py orders.signals.notify_warehouse: changed connection status @@\n"
        "-django.db.models.signals.post_save sender=Order connected=yes\n"
        "+django.db.models.signals.post_save sender=Order connected=no:"
        " nothing imports `orders/signals.py`\n"
    ) in result.stdout
    assert result.stdout.count("@@ orders/signals.py") == 4
    assert "4 receiver(s) differ from signal-map.json" in result.stderr


def test_receivers_that_appear_disappear_or_change_signal_or_sender(shop: Path) -> None:
    handlers = shop / "accounts" / "handlers.py"
    edit(handlers, "def count_failure(", "def count_failures(")
    signals = shop / "orders" / "signals.py"
    edit(signals, "@receiver(pre_save, sender=Order)", "@receiver(post_delete, sender=Order)")
    edit(signals, "m2m_changed, post_save,", "m2m_changed, post_delete, post_save,")
    edit(signals, "@receiver(post_save, sender=Order)", "@receiver(post_save, sender=Topping)")
    result = signallint("map", "--check", "signal-map.json", cwd=shop)
    assert result.returncode == 1, result.stderr
    hunks = [line for line in result.stdout.splitlines() if line.startswith("@@")]
    assert hunks == [
        "@@ accounts/handlers.py accounts.handlers.count_failure: disappeared @@",
        "@@ accounts/handlers.py accounts.handlers.count_failures: appeared @@",
        "@@ orders/signals.py orders.signals.notify_warehouse: changed sender @@",
        "@@ orders/signals.py orders.signals.stamp_reference: changed signal @@",
    ]
    assert "+django.db.models.signals.post_delete sender=Order connected=yes\n" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read signal-map.json: no such file or directory"),
        ("{", "signal-map.json: not JSON (Expecting property name"),
        ("[]", 'signal-map.json: not a signal map (expected a JSON object with "version": 1)'),
        (
            '{"version": 1, "signals": {}}',
            'signal-map.json: not a signal map ("signals" is not a list)',
        ),
        (
            '{"version": 1, "signals": [{"signal": "x", "receivers": [{"path": 1}]}]}',
            "signal-map.json: not a signal map (a receiver of x lacks a field or has a wrong type)",
        ),
    ],
)
def test_a_file_that_is_not_a_map_is_one_line(
    shop: Path, content: str | None, message: str
) -> None:
    committed = shop / "signal-map.json"
    if content is None:
        committed.unlink()
    else:
        committed.write_text(content)
    result = signallint("map", "--check", "signal-map.json", cwd=shop)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"signallint: error: {message}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_receiver_left_to_the_urlconf_fails(tmp_path: Path) -> None:
    # Its view still imports it, so the web process still connects it: the map says
    # that django.setup() no longer does (SIG307), and the check fails.
    project = tmp_path / "urlconf_only"
    shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "urlconf_only", project)
    written = signallint("map", "--format", "json", cwd=project)
    (project / "signal-map.json").write_text(written.stdout)
    edit(project / "stock" / "apps.py", "from . import signals  # noqa: F401", "pass")
    result = signallint("map", "--check", "signal-map.json", cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[2:] == [
        "@@ stock/signals.py stock.signals.on_ping_stock: changed connection status @@",
        "-probe.pinged sender=(any) connected=yes",
        "+probe.pinged sender=(any) connected=urlconf-only: `mysite/urls.py` →"
        " `stock/views.py` → `stock/signals.py`, not by django.setup()",
    ]


def test_a_receiver_connected_to_one_more_signal(shop: Path) -> None:
    signals = shop / "orders" / "signals.py"
    edit(
        signals,
        "post_save.connect(audit, sender=Order)",
        "post_save.connect(audit, sender=Order)\npre_save.connect(audit, sender=Order)",
    )
    result = signallint("map", "--check", "signal-map.json", cwd=shop)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[2:] == [
        "@@ orders/signals.py orders.signals.audit: connected once more @@",
        "+django.db.models.signals.pre_save sender=Order connected=yes",
    ]
